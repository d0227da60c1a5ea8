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

"""The base class of the chaos tests: faults on the real devcloud.

A chaos test stops, restarts or revokes something of the local cloud with
``tools/devcloud`` (``stop``, ``start``, ``restart``, ``revoke-tokens``)
at a chosen moment of an operation: from a callback of the operation, a
``requests`` response hook, or between two pages of a listing, never by
sleeping and hoping.  It then asserts what the client reported and what
the server holds, read through a new connection that took no part in the
fault.

Every service a test stops is started again by a cleanup that runs before
the cleanups removing the test's snapshots and volumes, also when the
test fails.  These tests change the shared cloud for everybody using it:
run them alone (``tools/run-tests --chaos``), never beside another test
run.
"""

from collections.abc import Callable
from collections.abc import Iterator
import contextlib
import dataclasses
import logging
import os
import subprocess
import threading
import time
from typing import Any

from openstack import connection
import requests
from testtools import content

from snapshot_ext.tests.functional import base as functional
from snapshot_ext.v3 import _proxy

_REPO_DIR = os.path.dirname(
    os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    )
)
#: The devcloud command the faults are made with.
DEVCLOUD = os.path.join(_REPO_DIR, 'tools', 'devcloud')
#: The longest one devcloud command may take, in seconds.
DEVCLOUD_BOUND = 180.0
#: When set, the file each test appends what it measured to.
REPORT_ENV = 'SNAPSHOT_EXT_CHAOS_REPORT'


def devcloud(*args: str) -> float:
    """Run ``tools/devcloud ARGS`` and return how long it took.

    :param args: e.g. ``('stop', 'keystone')``.
    :returns: Seconds it ran.
    :raises: AssertionError when it fails or runs longer than
        :data:`DEVCLOUD_BOUND`, with the end of its output.
    """
    start = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603
            [DEVCLOUD, *args],
            capture_output=True,
            text=True,
            timeout=DEVCLOUD_BOUND,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"tools/devcloud {' '.join(args)} ran longer than "
            f"{DEVCLOUD_BOUND:.0f} s"
        ) from exc
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-10:]
        raise AssertionError(
            f"tools/devcloud {' '.join(args)} exited with "
            f"{done.returncode}: " + '\n'.join(tail)
        )
    return time.monotonic() - start


@dataclasses.dataclass(frozen=True)
class Sent:
    """One request that got an answer, as the client sent it.

    :param thread: The name of the thread that sent it.
    :param method: The HTTP method.
    :param url: The URL, query included.
    :param status_code: The answer's HTTP status.
    :param microversion: The ``OpenStack-API-Version`` header sent, or
        ``None``.
    :param token_sent: Whether an ``X-Auth-Token`` header was sent.
    """

    thread: str
    method: str
    url: str
    status_code: int
    microversion: str | None
    token_sent: bool


class Recorder:
    """Record every answered request of a connection, and act on some.

    A ``response`` hook on the ``requests`` session under the
    connection's keystoneauth session runs in the thread that sent the
    request, right after its answer arrived and before the caller sees it:
    a fault triggered there happens exactly between that request and the
    next one.

    :param conn: The connection to watch.
    """

    def __init__(self, conn: connection.Connection) -> None:
        self._session: requests.Session = conn.session.session
        self._lock = threading.Lock()
        self.sent: list[Sent] = []
        self._triggers: list[
            tuple[Callable[[Sent], bool], Callable[[], object]]
        ] = []

    def on(
        self, match: Callable[[Sent], bool], action: Callable[[], object]
    ) -> None:
        """Run ``action`` once, after the first answer ``match`` accepts.

        :param match: Tells whether an answered request is the moment.
        :param action: The fault; it runs in the sending thread.
        """
        with self._lock:
            self._triggers.append((match, action))

    def _hook(
        self, response: requests.Response, *args: Any, **kwargs: Any
    ) -> requests.Response:
        request = response.request
        record = Sent(
            thread=threading.current_thread().name,
            method=str(request.method),
            url=str(request.url),
            status_code=response.status_code,
            microversion=request.headers.get('OpenStack-API-Version'),
            token_sent='X-Auth-Token' in request.headers,
        )
        fire = []
        with self._lock:
            self.sent.append(record)
            for trigger in list(self._triggers):
                if trigger[0](record):
                    self._triggers.remove(trigger)
                    fire.append(trigger[1])
        for action in fire:
            action()
        return response

    @contextlib.contextmanager
    def watching(self) -> Iterator['Recorder']:
        """Record (and trigger) inside the ``with`` block.

        :returns: A context manager yielding this recorder.
        """
        hooks = self._session.hooks.setdefault('response', [])
        hooks.append(self._hook)
        try:
            yield self
        finally:
            hooks.remove(self._hook)

    def answered(
        self, method: str, path_part: str, status: int | None = None
    ) -> list[Sent]:
        """The recorded requests of a method whose URL contains a text.

        :param method: e.g. ``'DELETE'``.
        :param path_part: e.g. ``'/snapshots/'``.
        :param status: Only answers with this status, when given.
        :returns: Them, in order.
        """
        with self._lock:
            return [
                s
                for s in self.sent
                if s.method == method
                and path_part in s.url
                and (status is None or s.status_code == status)
            ]


class ChaosTestCase(functional.FunctionalTestCase):
    """A functional test that breaks the devcloud on purpose."""

    #: Bound of one whole test, in seconds.
    TEST_TIMEOUT = 300

    def setUp(self) -> None:
        super().setUp()
        self._background: list[threading.Thread] = []
        self._errors: list[BaseException] = []

    def note(self, text: str) -> None:
        """Keep a measurement: in the test's details and the report file.

        :param text: e.g. ``'error after 0.02 s'``.
        """
        self.addDetail('measured', content.text_content(text))
        path = os.environ.get(REPORT_ENV)
        if path:
            name = self.id().rsplit('.', 2)[-2:]
            with open(path, 'a', encoding='utf-8') as report:
                report.write(f"{'.'.join(name)}: {text}\n")

    def bulk_snapshots(
        self, proxy: Any, volume_id: str, count: int, prefix: str
    ) -> list[str]:
        """Create snapshots of a volume in one bulk call and wait for them.

        Each is deleted again at the end of the test.

        :param proxy: The proxy to create them through.
        :param volume_id: The volume.
        :param count: How many.
        :param prefix: Their names' prefix (``PREFIX-N``).
        :returns: Their IDs, in order.
        """
        result = proxy.create_snapshots(
            [
                {'volume_id': volume_id, 'name': f'{prefix}-{i}'}
                for i in range(count)
            ],
            wait=True,
            timeout=self.WAIT,
            interval=0.5,
        )
        for item in result:
            if item.id:
                self.addCleanup(self.purge_snapshot, item.id)
        self.assertTrue(result.ok, result.failed)
        return [item.id for item in result]

    # ------------------------------------------------------ faults

    def stop_service(self, service: str) -> float:
        """Stop a devcloud service; a cleanup starts it again.

        The cleanup is registered before the stop, so it runs before the
        cleanups of the resources the test made earlier (they need the
        service).

        :param service: e.g. ``'cinder-volume'``.
        :returns: Seconds the stop took.
        """
        self.addCleanup(self.ensure_running, service)
        return devcloud('stop', service)

    def start_service(self, service: str) -> float:
        """Start a stopped devcloud service and wait until it is ready.

        :param service: e.g. ``'cinder-volume'``.
        :returns: Seconds the start took.
        """
        return devcloud('start', service)

    def start_in_background(
        self, service: str, then: Callable[[], None] | None = None
    ) -> None:
        """Start a service on another thread; the test joins it.

        :param service: e.g. ``'cinder-api'``.
        :param then: Called on that thread once the service is ready.
        """

        def start() -> None:
            try:
                devcloud('start', service)
                if then is not None:
                    then()
            except BaseException as exc:  # reported by join_background
                self._errors.append(exc)

        thread = threading.Thread(target=start, name=f'start-{service}')
        thread.start()
        self._background.append(thread)

    def join_background(self) -> None:
        """Wait (bounded) for the background starts, and fail on theirs.

        :raises: AssertionError when one failed or did not end in time.
        """
        for thread in self._background:
            thread.join(DEVCLOUD_BOUND)
            if thread.is_alive():
                raise AssertionError(f"{thread.name} did not end in time")
        self._background.clear()
        if self._errors:
            raise AssertionError(f"a background start failed: {self._errors}")

    def ensure_running(self, service: str) -> None:
        """Start a service unless it runs (a cleanup).

        :param service: The service.
        """
        for thread in self._background:
            thread.join(DEVCLOUD_BOUND)
        devcloud('start', service)

    def revoke_tokens(self, user: str) -> float:
        """Make Keystone (and, 2 s later, Cinder) refuse a user's tokens.

        :param user: ``'demo'`` or ``'admin'``.
        :returns: Seconds it took (it waits out Cinder's token cache).
        """
        return devcloud('revoke-tokens', user)

    def capture_log(self, name: str) -> list[str]:
        """Collect the messages a logger emits during the test.

        :param name: The logger, e.g. ``'snapshot_ext.v3._transport'``.
        :returns: A list that fills as messages arrive.
        """
        messages: list[str] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                messages.append(record.getMessage())

        handler = Collect(logging.DEBUG)
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        return messages

    # ------------------------------------------------------ clients

    def watched(
        self, cloud: str = functional.ADMIN_CLOUD, **kwargs: Any
    ) -> tuple[_proxy.Proxy, Recorder]:
        """A proxy on a new connection, and a recorder watching it.

        The recorder records inside the test; the connection is
        authenticated and its microversion negotiated first.

        :param cloud: The cloud's name (default admin).
        :param kwargs: More configuration for the connection.
        :returns: The proxy and its recorder.
        """
        conn = self.new_connection(cloud, **kwargs)
        proxy = functional.block_storage(conn)
        self.assertIsNotNone(proxy.snapshot_microversion)
        recorder = Recorder(conn)
        watching = recorder.watching()
        watching.__enter__()
        self.addCleanup(watching.__exit__, None, None, None)
        return proxy, recorder

    def fresh_proxy(self, cloud: str = functional.ADMIN_CLOUD) -> _proxy.Proxy:
        """A block-storage proxy on a new connection that saw no fault.

        :param cloud: The cloud's name (default admin).
        :returns: The proxy.
        """
        return functional.block_storage(self.new_connection(cloud))

    def server_snapshots(self, volume_id: str) -> dict[str, Any]:
        """The snapshots of a volume as the server holds them now.

        Read as admin through a new connection, every project.

        :param volume_id: The volume's ID.
        :returns: Snapshot ID to snapshot.
        """
        return {
            snap.id: snap
            for snap in self.fresh_proxy().snapshots(
                all_projects=True, volume_id=volume_id
            )
        }
