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

"""Run one call on a stock and on a registered Connection, and compare.

:class:`CompatTestCase` holds two real Connections to the same fake cloud:
``self.stock_conn`` (plain openstacksdk) and ``self.plugin_conn``
(snapshot_ext registered).  A case is a function of a Connection::

    def test_get(self) -> None:
        self.mock('GET', f'/snapshots/{ID}', json={'snapshot': SHOW})
        self.assert_same(lambda c: c.block_storage.get_snapshot(ID))

:meth:`CompatTestCase.assert_same` runs it on both and asserts the same
result (``to_dict()`` of every resource, the plugin's object an instance
of stock's class), the same exception class (the plugin's may be a
subclass), and the same requests (method, path, query, body).  The one
deliberate difference of every call, the microversion header, is asserted
as such: the plugin sends the negotiated microversion on every request,
stock whatever its resource class chooses.  :meth:`CompatTestCase.both`
returns both :class:`Outcome` objects for a case that asserts a
documented difference itself.
"""

from collections.abc import Callable
from collections.abc import Iterator
import copy
import dataclasses
import datetime
import json
from typing import Any
import urllib.parse
import warnings

from openstack import connection
from openstack import resource
import openstack.version
from requests_mock import request as rm_request

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _microversion
from snapshot_ext.v3 import _proxy
from snapshot_ext.v3 import _wait

#: A case: a function of a Connection (typed Any: the cases call verbs
#: that only one block-storage version has).
Call = Callable[[Any], Any]

#: A snapshot as Cinder 29 shows it at microversion 3.71 (a capture).
SHOW: dict[str, Any] = fakes.load_capture('snapshot_show_mv3.71')['body'][
    'snapshot'
]
#: Its ID.
ID: str = SHOW['id']


#: Methods the plugin has on every openstacksdk under their newest names,
#: with the name older openstacksdk has for the same call: the proxy's
#: ``reset_snapshot_status`` (from 4.5.0) and ``fetch_snapshot_metadata``
#: (from 4.14.0), the Snapshot's ``reset_status`` (from 4.5.0).
OLDER_NAMES: dict[str, str] = {
    'reset_snapshot_status': 'reset_snapshot',
    'fetch_snapshot_metadata': 'get_snapshot_metadata',
    'reset_status': 'reset',
}


def method_name(owner: Any, name: str) -> str:
    """The name under which ``owner`` has a method.

    :param owner: A proxy or Snapshot, or its class.
    :param name: The method's newest name, e.g. ``'reset_status'``.
    :returns: ``name``, or its :data:`OLDER_NAMES` entry when ``owner``
        (stock on an older openstacksdk) lacks ``name``.
    """
    if hasattr(owner, name) or name not in OLDER_NAMES:
        return name
    return OLDER_NAMES[name]


def verb(name: str, /, *args: Any, **kwargs: Any) -> Call:
    """Make the case that calls one verb of ``conn.block_storage``.

    Where the installed openstacksdk's stock proxy has the verb under an
    older name (:data:`OLDER_NAMES`), stock is called by that name, so
    that the plugin's verb is compared with what stock users call there.

    :param name: The verb, e.g. ``'snapshots'``.
    :param args: Its positional arguments.
    :param kwargs: Its keyword arguments.
    :returns: The case.
    """

    def call(conn: Any) -> Any:
        proxy = conn.block_storage
        return getattr(proxy, method_name(proxy, name))(*args, **kwargs)

    return call


def cloud(name: str, /, *args: Any, **kwargs: Any) -> Call:
    """Make the case that calls one cloud-layer method of the Connection.

    :param name: The method, e.g. ``'list_volume_snapshots'``.
    :param args: Its positional arguments.
    :param kwargs: Its keyword arguments.
    :returns: The case.
    """
    return lambda conn: getattr(conn, name)(*args, **kwargs)


def snapshot(**changes: Any) -> dict[str, Any]:
    """Return a copy of :data:`SHOW` with some fields changed.

    :param changes: Server-side field names and values.
    :returns: The snapshot object.
    """
    body = copy.deepcopy(SHOW)
    body.update(changes)
    return body


def trio() -> list[dict[str, Any]]:
    """Three snapshots that differ in every field a filter could test.

    :returns: Snapshot objects, as a listing carries them.
    """
    return [
        snapshot(
            id='11111111-1111-4111-8111-111111111111',
            name='alpha',
            description='nightly',
            size=1,
            metadata={'k': 'v', 'team': 'a'},
            created_at='2026-11-27T15:42:42.000000',
        ),
        snapshot(
            id='22222222-2222-4222-8222-222222222222',
            name='beta',
            description=None,
            size=2,
            metadata={'k': 'v'},
            created_at='2026-11-28T15:42:42.000000',
            status='error',
        ),
        snapshot(
            id='33333333-3333-4333-8333-333333333333',
            name='gamma',
            description='nightly',
            size=2,
            metadata={},
            created_at='2026-11-29T15:42:42.000000',
        ),
    ]


def _listed(
    items: list[dict[str, Any]], query: dict[str, list[str]]
) -> list[dict[str, Any]]:
    def value(name: str) -> str | None:
        return query[name][-1] if name in query else None

    result = []
    for item in items:
        if any(
            value(name) is not None and item.get(name) != value(name)
            for name in ('name', 'status', 'volume_id')
        ):
            continue
        wanted_meta = value('metadata')
        if wanted_meta is not None:
            # Cinder reads it as a dict literal; the plugin sends JSON.
            wanted = json.loads(wanted_meta)
            meta = item.get('metadata') or {}
            if any(meta.get(k) != v for k, v in wanted.items()):
                continue
        quota = value('consumes_quota')
        if quota is not None and item.get('consumes_quota') != (
            quota == 'true'
        ):
            continue
        result.append(item)
    return result


def listing(
    items: list[dict[str, Any]],
) -> Callable[[rm_request._RequestObjectProxy, Any], dict[str, Any]]:
    """Answer a snapshot listing the way Cinder does.

    ``name``, ``status``, ``volume_id``, ``metadata`` and
    ``consumes_quota`` filter; ``marker`` and ``limit`` page, and a full
    page carries a ``snapshots_links`` next link (also the last one when
    it is exactly full, as Cinder does).  Other parameters are ignored,
    as Cinder ignores a filter it does not know for an admin-less check.

    :param items: Every snapshot of the fake cloud.
    :returns: A ``requests_mock`` JSON callback.
    """

    def answer(
        request: rm_request._RequestObjectProxy, context: Any
    ) -> dict[str, Any]:
        query = urllib.parse.parse_qs(
            urllib.parse.urlsplit(request.url).query,
            keep_blank_values=True,
        )
        found = _listed(items, query)
        if 'marker' in query:
            ids = [item['id'] for item in found]
            found = found[ids.index(query['marker'][-1]) + 1 :]
        body: dict[str, Any] = {}
        if 'limit' in query:
            limit = int(query['limit'][-1])
            found = found[:limit]
            if limit and len(found) == limit:
                following = {k: v[-1] for k, v in query.items()}
                following['marker'] = found[-1]['id']
                base = request.url.split('?', 1)[0]
                href = f'{base}?{urllib.parse.urlencode(following)}'
                body['snapshots_links'] = [{'href': href, 'rel': 'next'}]
        body['snapshots'] = copy.deepcopy(found)
        context.headers['x-openstack-request-id'] = fakes.REQUEST_ID
        return body

    return answer


class FakeClock(_wait.Clock):
    """A clock for the plugin's waits that never sleeps."""

    def __init__(self) -> None:
        self.time = 1000.0

    def monotonic(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds

    def random(self) -> float:
        return 0.5

    def now(self) -> datetime.datetime:
        return datetime.datetime(2026, 11, 30, tzinfo=datetime.timezone.utc)


@dataclasses.dataclass(frozen=True)
class Sent:
    """One request as the comparison sees it.

    :param method: The HTTP method.
    :param path: The raw path below the project endpoint.
    :param query: The query string as ``parse_qs`` gives it.
    :param body: The decoded JSON body, or ``None``.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


@dataclasses.dataclass(frozen=True)
class Res:
    """A resource as the comparison sees it.

    :param data: ``to_dict()`` of the resource.
    :param stored: What it holds as a plain dict (what ``dict.copy``
        and C code reading the dict see).
    :param keys: ``keys()``, in order.
    :param dirty: The attributes it would send on a commit.
    """

    data: dict[str, Any]
    stored: dict[str, Any]
    keys: list[str]
    dirty: list[str]


@dataclasses.dataclass
class Outcome:
    """What one call did on one Connection.

    :param raw: The value returned (generators made into lists).
    :param result: :attr:`raw` with resources replaced by :class:`Res`.
    :param error: The exception raised, or ``None``.
    :param sent: The requests sent, discovery left out.
    :param microversions: The ``OpenStack-API-Version`` header of each.
    :param warnings: The warning categories raised.
    :param headers: The headers of each request.
    """

    raw: Any
    result: Any
    error: BaseException | None
    sent: list[Sent]
    microversions: list[str | None]
    warnings: list[type[Warning]]
    headers: list[dict[str, str]]


def normalise(value: Any) -> Any:
    """Make a result comparable across the two resource classes.

    :param value: A result.
    :returns: The same structure with each resource replaced by a
        :class:`Res` of its ``to_dict()``.
    """
    if isinstance(value, resource.Resource):
        return Res(
            value.to_dict(),
            dict.copy(value),
            list(value.keys()),
            sorted(value._body.dirty),
        )
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def without_stored(value: Any) -> Any:
    """Leave the plain-dict contents out of a normalised result.

    :param value: A result from :func:`normalise`.
    :returns: The same with each :class:`Res`'s ``stored`` emptied.
    """
    if isinstance(value, Res):
        return dataclasses.replace(value, stored={})
    if isinstance(value, list):
        return [without_stored(v) for v in value]
    if isinstance(value, dict):
        return {k: without_stored(v) for k, v in value.items()}
    return value


def _materialise(value: Any) -> Any:
    if isinstance(value, Iterator) and not isinstance(
        value, resource.Resource
    ):
        return list(value)
    return value


class CompatTestCase(fakes.ProxyTestCase):
    """Two Connections to one fake cloud: stock and registered."""

    register_plugin = False

    def setUp(self) -> None:
        super().setUp()
        #: A plain openstacksdk Connection.
        self.stock_conn = self.conn
        #: A Connection with snapshot_ext registered.
        self.plugin_conn = self.make_connection(api_version=self.api_version)
        snapshot_ext.register(self.plugin_conn)
        self.clock = FakeClock()
        self.plugin_proxy._wait_clock = self.clock

    @property
    def plugin_proxy(self) -> _proxy.Proxy:
        """The registered Connection's ``block_storage``."""
        proxy = self.plugin_conn.block_storage
        assert isinstance(proxy, _proxy.Proxy), type(proxy)
        return proxy

    # Running ------------------------------------------------------------

    def run_on(self, conn: connection.Connection, call: Call) -> Outcome:
        """Run a call on one Connection and record what it did.

        :param conn: The Connection.
        :param call: The call, given the Connection.
        :returns: The :class:`Outcome`.
        """
        self.forget_requests()
        error: BaseException | None = None
        raw: Any = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            try:
                raw = _materialise(call(conn))
            except Exception as exc:
                error = exc
        sent = []
        versions = []
        for request in self.api_requests():
            parts = urllib.parse.urlsplit(request.url)
            path = parts.path
            if path.startswith(fakes.PATH_PREFIX):
                path = path[len(fakes.PATH_PREFIX) :]
            body = json.loads(request.body) if request.body else None
            sent.append(
                Sent(
                    request.method,
                    path,
                    urllib.parse.parse_qs(parts.query, keep_blank_values=True),
                    body,
                )
            )
            versions.append(request.headers.get('OpenStack-API-Version'))
        return Outcome(
            raw=raw,
            result=normalise(raw),
            error=error,
            sent=sent,
            microversions=versions,
            warnings=[w.category for w in caught],
            headers=[dict(r.headers) for r in self.api_requests()],
        )

    def both(
        self, call: Call, prepare: Callable[[], Any] | None = None
    ) -> tuple[Outcome, Outcome]:
        """Run a call on the stock, then on the registered Connection.

        :param call: The call, given a Connection.
        :param prepare: Called before each run, e.g. to register a
            sequence of answers afresh.
        :returns: The stock and the plugin :class:`Outcome`.
        """
        outcomes = []
        for conn in (self.stock_conn, self.plugin_conn):
            if prepare is not None:
                prepare()
            outcomes.append(self.run_on(conn, call))
        return outcomes[0], outcomes[1]

    # Comparing ----------------------------------------------------------

    @property
    def negotiated(self) -> str | None:
        """The plugin's microversion header value, e.g. ``volume 3.71``."""
        version = self.plugin_proxy.snapshot_microversion
        return None if version is None else f'volume {version}'

    def assert_plugin_microversion(self, plugin: Outcome) -> None:
        """Assert the one documented difference of every request.

        snapshot_ext sends the negotiated microversion on every snapshot
        request; openstacksdk sends what its resource class picks (its
        snapshot class caps it, its actions send a fixed one).

        :param plugin: The plugin's outcome.
        """
        self.assertEqual(
            [self.negotiated] * len(plugin.sent), plugin.microversions
        )

    def assert_same_error(self, stock: Outcome, plugin: Outcome) -> None:
        """Assert both raised the same class, or neither raised.

        The plugin's exception may be a subclass of stock's.

        :param stock: The stock outcome.
        :param plugin: The plugin outcome.
        """
        if stock.error is None:
            self.assertIsNone(
                plugin.error,
                f'stock succeeded, the plugin raised {plugin.error!r}',
            )
            return
        self.assertIsNotNone(
            plugin.error, f'stock raised {stock.error!r}, the plugin did not'
        )
        self.assertIsInstance(plugin.error, type(stock.error))

    def assert_same_types(self, stock: Any, plugin: Any) -> None:
        """Assert each plugin resource is an instance of stock's class.

        :param stock: A stock raw result.
        :param plugin: The plugin's raw result.
        """
        if isinstance(stock, resource.Resource):
            self.assertIsInstance(plugin, type(stock))
        elif isinstance(stock, list):
            self.assertEqual(len(stock), len(plugin))
            for a, b in zip(stock, plugin, strict=True):
                self.assert_same_types(a, b)

    def assert_same(
        self,
        call: Call,
        *,
        same_requests: bool = True,
        same_stored: bool = True,
        prepare: Callable[[], Any] | None = None,
    ) -> tuple[Outcome, Outcome]:
        """Run a call on both and assert the same behaviour.

        :param call: The call, given a Connection.
        :param same_requests: Compare the requests too; a case whose
            requests differ deliberately passes ``False`` and asserts the
            difference itself.
        :param same_stored: Compare what each resource holds as a plain
            dict too; a case where stock leaves it stale passes ``False``
            and asserts the difference itself.
        :param prepare: See :meth:`both`.
        :returns: The stock and the plugin :class:`Outcome`.
        """
        stock, plugin = self.both(call, prepare)
        self.assert_same_error(stock, plugin)
        if same_stored:
            self.assertEqual(stock.result, plugin.result)
        else:
            self.assertEqual(
                without_stored(stock.result), without_stored(plugin.result)
            )
        self.assert_same_types(stock.raw, plugin.raw)
        if same_requests:
            self.assertEqual(stock.sent, plugin.sent)
        self.assert_plugin_microversion(plugin)
        return stock, plugin

    def supports(self, version: str) -> bool:
        """Tell whether the plugin's negotiated microversion has a feature.

        :param version: The feature's microversion, e.g. ``'3.66'``.
        :returns: Whether the plugin's connection uses it or later.
        """
        return _microversion.supports(self.plugin_proxy, version)

    def assert_same_or_gated(
        self, call: Call, gate: str, **kwargs: Any
    ) -> tuple[Outcome, Outcome]:
        """Assert the same behaviour where the plugin has a feature.

        Below the feature's microversion, assert the documented
        difference: the plugin raises
        :class:`~snapshot_ext.exceptions.MicroversionUnavailable` before
        sending anything, where stock sends the request (which Cinder
        refuses or ignores there).

        :param call: The call, given a Connection.
        :param gate: The feature's microversion.
        :param kwargs: For :meth:`assert_same`.
        :returns: The stock and the plugin :class:`Outcome`.
        """
        if self.supports(gate):
            return self.assert_same(call, **kwargs)
        stock, plugin = self.both(call, kwargs.get('prepare'))
        self.assertTrue(stock.sent)
        self.assertIsInstance(plugin.error, exceptions.MicroversionUnavailable)
        assert isinstance(plugin.error, exceptions.MicroversionUnavailable)
        self.assertEqual(gate, plugin.error.required)
        self.assertEqual([], plugin.sent)
        return stock, plugin

    def require(self, owner: Any, name: str) -> None:
        """Skip when the installed openstacksdk lacks a verb.

        :param owner: The stock class or object that should have it.
        :param name: The attribute name.
        """
        if not hasattr(owner, name):
            self.skipTest(
                f'{name} is not in openstacksdk '
                f'{openstack.version.__version__}'
            )
