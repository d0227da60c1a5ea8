# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The base class of the functional tests: a real Keystone and Cinder.

The tests talk to the cloud that ``tools/devcloud up`` starts on
127.0.0.1.  They connect with ``openstack.connect(cloud=...)`` using the
clouds.yaml that ``tools/devcloud`` writes, so snapshot_ext is plugged in
by the ``vendor_hook: snapshot_ext:register`` line of that file, exactly as
a user's connection would be.

The clouds.yaml is found at ``$OS_CLIENT_CONFIG_FILE``, else at
``$DEVCLOUD_DIR/clouds.yaml``, else at ``<repo>/.devcloud/clouds.yaml``.
Without a reachable cloud the tests are skipped, except when
``SNAPSHOT_EXT_FUNCTIONAL=1`` is set (as CI does): then they fail, so a
broken cloud can never pass for a green run.

Every snapshot and volume a test creates is removed by a cleanup that also
runs when the test fails: snapshots are force-deleted as admin, whatever
their status.  Every wait is bounded.
"""

from collections.abc import Callable
from collections.abc import Iterator
import contextlib
import dataclasses
import os
import threading
import time
from typing import Any
from typing import TypeVar
import urllib.error
import urllib.request
import uuid

import fixtures
import openstack
from openstack import connection
from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import volume as _volume
import requests

import snapshot_ext
from snapshot_ext.tests import base
from snapshot_ext.v3 import _proxy
from snapshot_ext.v3 import snapshot as _snapshot

T = TypeVar('T')
E = TypeVar('E', bound=BaseException)

#: The cloud names tools/devcloud writes.
ADMIN_CLOUD = 'devcloud-admin'
MEMBER_CLOUD = 'devcloud-member'

#: Set to ``1`` by CI: a missing or broken cloud fails instead of skipping.
REQUIRED_ENV = 'SNAPSHOT_EXT_FUNCTIONAL'

#: Every name a functional test gives a volume or snapshot starts with it.
NAME_PREFIX = 'sxf-'

_REPO_DIR = os.path.dirname(
    os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    )
)

_probe_lock = threading.Lock()
_env_lock = threading.Lock()
_shared_volumes: dict[tuple[type, str], _volume.Volume] = {}
_probe_result: dict[str, str | None] = {}


def clouds_file() -> str:
    """Return the path of the clouds.yaml the functional tests use.

    :returns: ``$OS_CLIENT_CONFIG_FILE``, else ``$DEVCLOUD_DIR/clouds.yaml``,
        else ``<repo>/.devcloud/clouds.yaml``.
    """
    path = os.environ.get('OS_CLIENT_CONFIG_FILE')
    if path:
        return os.path.abspath(path)
    state_dir = os.environ.get('DEVCLOUD_DIR') or os.path.join(
        _REPO_DIR, '.devcloud'
    )
    return os.path.abspath(os.path.join(state_dir, 'clouds.yaml'))


def functional_required() -> bool:
    """Tell whether a missing cloud must fail the tests (CI)."""
    return os.environ.get(REQUIRED_ENV) == '1'


def _probe(path: str) -> str | None:
    """Check that the cloud described by ``path`` answers.

    Only Keystone's public version document is read: no credential is
    used and nothing is printed from the file.

    :param path: The clouds.yaml path.
    :returns: ``None`` when the cloud answers, else why it cannot be used.
    """
    if not os.path.isfile(path):
        return (
            f"no devcloud configured: {path} does not exist (start the "
            f"local cloud with tools/devcloud up, or point "
            f"OS_CLIENT_CONFIG_FILE at a clouds.yaml with the clouds "
            f"{ADMIN_CLOUD} and {MEMBER_CLOUD})"
        )
    try:
        loader = openstack.config.OpenStackConfig(
            config_files=[path], vendor_files=[]
        )
        region = loader.get_one(cloud=ADMIN_CLOUD)
        auth_url = str(region.config['auth']['auth_url'])
        loader.get_one(cloud=MEMBER_CLOUD)
    except Exception as exc:  # any config error makes the cloud unusable
        return (
            f"{path} does not describe the clouds {ADMIN_CLOUD} and "
            f"{MEMBER_CLOUD}: {type(exc).__name__}"
        )
    if not auth_url.startswith(('http://', 'https://')):
        return f"{path}: the auth_url of {ADMIN_CLOUD} is not an HTTP URL"
    try:
        with urllib.request.urlopen(auth_url, timeout=5) as response:  # noqa: S310
            response.read(1)
    except urllib.error.HTTPError:
        # Keystone answered, even if with an error status: it is up.
        return None
    except OSError as exc:
        return (
            f"the devcloud in {path} does not answer at {auth_url} "
            f"({exc}); start it with tools/devcloud up"
        )
    return None


def block_storage(conn: connection.Connection) -> _proxy.Proxy:
    """Return a connection's block-storage proxy, checked to be ours.

    :param conn: A connection.
    :returns: snapshot_ext's proxy.
    :raises: AssertionError when snapshot_ext is not plugged in.
    """
    proxy = conn.block_storage
    if not isinstance(proxy, _proxy.Proxy):
        raise AssertionError(
            f"snapshot_ext is not plugged into this connection: "
            f"block_storage is {type(proxy).__module__}."
            f"{type(proxy).__qualname__}"
        )
    return proxy


def devcloud_problem() -> str | None:
    """Why the functional tests cannot run, or ``None`` when they can.

    The answer is computed once per process.

    :returns: A reason, or ``None``.
    """
    path = clouds_file()
    with _probe_lock:
        if path not in _probe_result:
            _probe_result[path] = _probe(path)
        return _probe_result[path]


@dataclasses.dataclass(frozen=True)
class Request:
    """One request that reached a server, as its answer shows it.

    :param method: The HTTP method.
    :param url: The URL, query included.
    :param status_code: The HTTP status of the answer.
    :param api_version: The answer's ``OpenStack-API-Version`` header
        (the microversion the server served), or ``None``.
    """

    method: str
    url: str
    status_code: int
    api_version: str | None


class RequestCounter:
    """Record every HTTP request a connection's session gets an answer to.

    A ``response`` hook on the requests session under the connection's
    keystoneauth session sees every request that reached a server:
    Keystone's and Cinder's alike.

    :param conn: The connection to watch.
    """

    def __init__(self, conn: connection.Connection) -> None:
        self._session: requests.Session = conn.session.session
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self._active = False

    def _hook(
        self, response: requests.Response, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if self._active:
            record = Request(
                method=str(response.request.method),
                url=str(response.request.url),
                status_code=response.status_code,
                api_version=response.headers.get('OpenStack-API-Version'),
            )
            with self._lock:
                self.requests.append(record)
        return response

    @contextlib.contextmanager
    def watching(self) -> Iterator['RequestCounter']:
        """Record the requests made inside the ``with`` block.

        :returns: A context manager yielding this counter.
        """
        hooks = self._session.hooks.setdefault('response', [])
        hooks.append(self._hook)
        self._active = True
        try:
            yield self
        finally:
            self._active = False
            hooks.remove(self._hook)


class FunctionalTestCase(base.TestCase):
    """A test against the real devcloud, as admin and as a member."""

    #: Bound of every wait for a status, in seconds.
    WAIT = 60.0
    #: Seconds between two polls of a status.
    INTERVAL = 0.25
    #: Bound of one whole test, in seconds.
    TEST_TIMEOUT = 240

    _connections: dict[str, connection.Connection] = {}
    _connections_lock = threading.Lock()

    def setUp(self) -> None:
        super().setUp()
        problem = devcloud_problem()
        if problem is not None:
            if functional_required():
                self.fail(f"{REQUIRED_ENV}=1 but {problem}")
            self.skipTest(problem)
        self.useFixture(fixtures.Timeout(self.TEST_TIMEOUT, gentle=True))
        #: The admin's connection and block-storage proxy.
        self.admin = self.connect(ADMIN_CLOUD)
        self.admin_proxy = block_storage(self.admin)
        #: The member's connection (project ``demo``) and proxy.
        self.member = self.connect(MEMBER_CLOUD)
        self.member_proxy = block_storage(self.member)

    # ------------------------------------------------------ connections

    @classmethod
    def connect(cls, cloud: str) -> connection.Connection:
        """Return a connection to ``cloud``, shared by the tests.

        The connection is made once per process with
        ``openstack.connect(cloud=cloud)``: the vendor hook from
        clouds.yaml plugs snapshot_ext in.

        :param cloud: ``devcloud-admin`` or ``devcloud-member``.
        :returns: The connection.
        :raises: AssertionError when the hook did not plug snapshot_ext in.
        """
        with cls._connections_lock:
            conn = FunctionalTestCase._connections.get(cloud)
            if conn is None:
                conn = cls.new_connection(cloud)
                FunctionalTestCase._connections[cloud] = conn
        return conn

    @classmethod
    def new_connection(
        cls, cloud: str, **kwargs: Any
    ) -> connection.Connection:
        """Make a new connection to ``cloud`` from the devcloud clouds.yaml.

        :param cloud: The cloud's name in clouds.yaml.
        :param kwargs: Extra configuration, e.g.
            ``block_storage_api_version='3.40'``.
        :returns: The connection, checked to use snapshot_ext's proxy.
        :raises: AssertionError when the vendor hook did not apply.
        """
        with _config_file(clouds_file()):
            conn = openstack.connect(cloud=cloud, **kwargs)
        if not snapshot_ext.is_registered(conn):
            raise AssertionError(
                f"the vendor_hook of cloud {cloud} in {clouds_file()} did "
                f"not plug snapshot_ext in"
            )
        block_storage(conn)
        return conn

    # ------------------------------------------------------ names

    def unique_name(self, what: str = 'snap') -> str:
        """Return a name no other test uses.

        :param what: A short word for what is named.
        :returns: ``sxf-<what>-<test method>-<8 hex digits>``.
        """
        method = self.id().rsplit('.', 1)[-1].removeprefix('test_')[:40]
        return f'{NAME_PREFIX}{what}-{method}-{uuid.uuid4().hex[:8]}'

    # ------------------------------------------------------ waiting

    def poll(
        self,
        check: Callable[[], T | None],
        what: str,
        bound: float | None = None,
    ) -> T:
        """Call ``check`` until it returns something other than ``None``.

        :param check: Returns ``None`` to keep waiting, anything else to
            stop; may raise to abort.
        :param what: What is awaited, for the failure message.
        :param bound: The longest wait in seconds (default :attr:`WAIT`).
        :returns: What ``check`` returned.
        :raises: AssertionError when the bound passes.
        """
        limit = self.WAIT if bound is None else bound
        deadline = time.monotonic() + limit
        while True:
            result = check()
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {limit:.0f} s waiting for {what}"
                )
            time.sleep(self.INTERVAL)

    def wait_snapshot_status(
        self,
        snapshot_id: str,
        status: str,
        conn: connection.Connection | None = None,
        bound: float | None = None,
    ) -> _snapshot.Snapshot:
        """Wait until the server reports ``status`` for a snapshot.

        :param snapshot_id: The snapshot's ID.
        :param status: The status to reach.
        :param conn: The connection to poll through (default admin).
        :param bound: The longest wait in seconds.
        :returns: The snapshot as last fetched.
        :raises: AssertionError on timeout, or when the snapshot reaches
            ``error`` while another status is awaited.
        """
        proxy = block_storage(conn or self.admin)
        last: list[str | None] = [None]

        def check() -> _snapshot.Snapshot | None:
            snap = proxy.get_snapshot(snapshot_id)
            last[0] = snap.status
            if snap.status == status:
                return snap
            if snap.status == 'error' and status != 'error':
                raise AssertionError(
                    f"snapshot {snapshot_id} went to error while waiting "
                    f"for {status}"
                )
            return None

        try:
            return self.poll(
                check, f"snapshot {snapshot_id} to be {status}", bound
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc} (last status {last[0]})") from exc

    def wait_snapshot_gone(
        self,
        snapshot_id: str,
        conn: connection.Connection | None = None,
        bound: float | None = None,
    ) -> None:
        """Wait until GET of a snapshot answers 404.

        :param snapshot_id: The snapshot's ID.
        :param conn: The connection to poll through (default admin).
        :param bound: The longest wait in seconds.
        :raises: AssertionError on timeout.
        """
        proxy = block_storage(conn or self.admin)

        def check() -> bool | None:
            try:
                proxy.get_snapshot(snapshot_id)
            except sdk_exceptions.NotFoundException:
                return True
            return None

        self.poll(check, f"snapshot {snapshot_id} to be deleted", bound)

    def wait_volume_status(
        self,
        volume_id: str,
        status: str,
        conn: connection.Connection | None = None,
    ) -> _volume.Volume:
        """Wait until the server reports ``status`` for a volume.

        :param volume_id: The volume's ID.
        :param status: The status to reach.
        :param conn: The connection to poll through (default admin).
        :returns: The volume as last fetched.
        :raises: AssertionError on timeout or when it goes to ``error``.
        """
        proxy = block_storage(conn or self.admin)

        def check() -> _volume.Volume | None:
            vol = proxy.get_volume(volume_id)
            if vol.status == status:
                return vol
            if vol.status == 'error' and status != 'error':
                raise AssertionError(f"volume {volume_id} went to error")
            return None

        return self.poll(check, f"volume {volume_id} to be {status}")

    # ------------------------------------------------------ resources

    def _cleanup(self, per_class: bool) -> Callable[..., None]:
        if per_class:
            return type(self).addClassCleanup
        return self.addCleanup

    def create_volume(
        self,
        conn: connection.Connection | None = None,
        size: int = 1,
        per_class: bool = False,
    ) -> _volume.Volume:
        """Create an available volume that is removed after the test.

        The cleanup first force-deletes every snapshot of the volume (as
        admin, whatever the snapshots' status), then deletes the volume.

        :param conn: The connection that owns it (default admin).
        :param size: Its size in GiB.
        :param per_class: Remove it after the test class's last test
            instead of after this test (for fixtures the tests of a class
            share and do not change).
        :returns: The volume, ``available``.
        """
        conn = conn or self.admin
        vol = block_storage(conn).create_volume(
            size=size, name=self.unique_name('vol')
        )
        self._cleanup(per_class)(self._purge_volume, vol.id)
        return self.wait_volume_status(vol.id, 'available', conn)

    def shared_volume(
        self, conn: connection.Connection | None = None
    ) -> _volume.Volume:
        """Return a volume the tests of this class share.

        The first test that asks creates it; it is removed after the
        class's last test.  Snapshots that tests create on it with
        :meth:`create_snapshot` are removed (and awaited) after each test,
        so every test finds it without snapshots.

        :param conn: The connection that owns it (default admin).
        :returns: The volume.
        """
        conn = conn or self.admin
        key = (type(self), str(conn.config.name))
        with self._connections_lock:
            volume = _shared_volumes.get(key)
        if volume is None:
            volume = self.create_volume(conn, per_class=True)
            with self._connections_lock:
                _shared_volumes[key] = volume
            type(self).addClassCleanup(_shared_volumes.pop, key, None)
        return volume

    def create_snapshot(
        self,
        volume: _volume.Volume | str,
        conn: connection.Connection | None = None,
        wait: bool = True,
        per_class: bool = False,
        **attrs: Any,
    ) -> _snapshot.Snapshot:
        """Create a snapshot that is removed after the test.

        :param volume: The volume (or its ID) to snapshot.
        :param conn: The connection to create it through (default admin).
        :param wait: Wait until it is ``available``.
        :param per_class: Remove it after the test class's last test.
        :param attrs: More attributes; ``name`` defaults to a unique name.
        :returns: The snapshot (as fetched once available, with ``wait``).
        """
        conn = conn or self.admin
        volume_id = volume if isinstance(volume, str) else volume.id
        attrs.setdefault('name', self.unique_name('snap'))
        snap = block_storage(conn).create_snapshot(
            volume_id=volume_id, **attrs
        )
        self._cleanup(per_class)(self.purge_snapshot, snap.id)
        if wait:
            return self.wait_snapshot_status(snap.id, 'available', conn)
        return snap

    def purge_snapshot(self, snapshot_id: str) -> None:
        """Remove a snapshot whatever its status, and wait until it is gone.

        Uses the admin force-delete action; a snapshot that is already gone
        is fine.

        :param snapshot_id: The snapshot's ID.
        """
        self._force_delete(snapshot_id)
        self.wait_snapshot_gone(snapshot_id)

    def _force_delete(self, snapshot_id: str) -> None:
        proxy = self.admin_proxy
        try:
            proxy.force_delete_snapshot(snapshot_id, ignore_missing=True)
        except sdk_exceptions.BadRequestException:
            # Force delete is refused while another action holds the
            # snapshot (e.g. unmanaging); reset it first.
            proxy.reset_snapshot_status(snapshot_id, 'error')
            proxy.force_delete_snapshot(snapshot_id, ignore_missing=True)

    def volume_snapshot_ids(self, volume_id: str) -> list[str]:
        """List the IDs of every snapshot of a volume, in any project.

        :param volume_id: The volume's ID.
        :returns: The snapshot IDs, as admin sees them.
        """
        return [
            snap.id
            for snap in self.admin_proxy.snapshots(
                all_projects=True, volume_id=volume_id
            )
        ]

    def _purge_volume(self, volume_id: str) -> None:
        leftover = self.volume_snapshot_ids(volume_id)
        for snapshot_id in leftover:
            self._force_delete(snapshot_id)
        if leftover:
            self.poll(
                lambda: (
                    True if not self.volume_snapshot_ids(volume_id) else None
                ),
                f"the snapshots of volume {volume_id} to be deleted",
            )
        proxy = self.admin_proxy
        try:
            vol = proxy.get_volume(volume_id)
        except sdk_exceptions.NotFoundException:
            return
        if vol.status not in ('available', 'error'):
            proxy.reset_volume_status(vol, 'available', None, None)
        proxy.delete_volume(volume_id, ignore_missing=True)

        def gone() -> bool | None:
            try:
                proxy.get_volume(volume_id)
            except sdk_exceptions.NotFoundException:
                return True
            return None

        self.poll(gone, f"volume {volume_id} to be deleted")

    # ------------------------------------------------------ assertions

    def assertNoRequest(
        self,
        conn: connection.Connection,
        exc_type: type[E],
        func: Callable[..., Any],
        *args: Any,
        **kwargs: Any,
    ) -> E:
        """Assert that a call raises before any request reaches a server.

        The connection is authenticated and its microversion negotiated
        first, so that the call under test is the only thing that could
        send a request.

        :param conn: The connection ``func`` uses.
        :param exc_type: The exception ``func`` must raise.
        :param func: The call under test.
        :param args: Its positional arguments.
        :param kwargs: Its keyword arguments.
        :returns: The exception raised.
        """
        self.assertIsNotNone(block_storage(conn).snapshot_microversion)
        counter = RequestCounter(conn)
        with counter.watching():
            exc = self.assertRaises(exc_type, _drain, func, *args, **kwargs)
        self.assertEqual(
            [],
            counter.requests,
            f"{func.__name__} sent requests before refusing its input",
        )
        return exc

    def assertServerMessage(
        self, exc: sdk_exceptions.HttpException, fragment: str
    ) -> None:
        """Assert that an HTTP error carries the server's message.

        :param exc: The exception.
        :param fragment: Text the server's message contains.
        """
        text = f"{exc.details or ''} {exc}"
        self.assertIn(fragment, text)


@contextlib.contextmanager
def _config_file(path: str) -> Iterator[None]:
    """Point ``OS_CLIENT_CONFIG_FILE`` at ``path`` inside the block.

    openstacksdk reads that variable when a connection is made, and the
    file it names is searched before every other clouds.yaml.
    """
    with _env_lock:
        old = os.environ.get('OS_CLIENT_CONFIG_FILE')
        os.environ['OS_CLIENT_CONFIG_FILE'] = path
        try:
            yield
        finally:
            if old is None:
                del os.environ['OS_CLIENT_CONFIG_FILE']
            else:
                os.environ['OS_CLIENT_CONFIG_FILE'] = old


def _drain(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func`` and consume the result when it is a generator.

    Listing verbs return generators; consuming one is what sends its
    first request.
    """
    result = func(*args, **kwargs)
    if isinstance(result, Iterator):
        return list(result)
    return result
