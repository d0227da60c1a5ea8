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

"""snapshots(), _list() and the cloud layer's listings, stock vs plugin."""

import inspect
from typing import Any

from openstack import exceptions as sdk_exceptions
from openstack import resource

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.compat import harness
from snapshot_ext.v3 import _query

#: Calls whose results and requests are the same on both sides.
SAME: dict[str, harness.Call] = {
    'default': lambda c: c.block_storage.snapshots(),
    'summary': lambda c: c.block_storage.snapshots(details=False),
    'server filters': lambda c: c.block_storage.snapshots(
        name='alpha', status='available', volume_id=harness.SHOW['volume_id']
    ),
    'project_id': lambda c: c.block_storage.snapshots(project_id='p'),
    'sort': lambda c: c.block_storage.snapshots(sort='created_at:desc'),
    'sort_key/sort_dir': lambda c: c.block_storage.snapshots(
        sort_key='created_at', sort_dir='asc'
    ),
    'limit pages': lambda c: c.block_storage.snapshots(limit=1),
    'limit=0 (an empty page)': lambda c: c.block_storage.snapshots(limit=0),
    'paginated=False': lambda c: c.block_storage.snapshots(
        limit=1, paginated=False
    ),
    'offset': lambda c: c.block_storage.snapshots(offset=1),
    'marker': lambda c: c.block_storage.snapshots(
        marker='11111111-1111-4111-8111-111111111111'
    ),
    'unknown name, allow_unknown_params': lambda c: c.block_storage.snapshots(
        foo='bar', allow_unknown_params=True
    ),
    'client-side description': lambda c: c.block_storage.snapshots(
        description='nightly'
    ),
    'client-side description None': lambda c: c.block_storage.snapshots(
        description=None
    ),
    'client-side size': lambda c: c.block_storage.snapshots(size=2),
    'client-side created_at': lambda c: c.block_storage.snapshots(
        created_at='2026-11-28T15:42:42.000000'
    ),
    'client-side id': lambda c: c.block_storage.snapshots(
        id='33333333-3333-4333-8333-333333333333'
    ),
    'client-side with a server filter': lambda c: c.block_storage.snapshots(
        status='available', size=2
    ),
    'client-side, unknown allowed': lambda c: c.block_storage.snapshots(
        size=1, allow_unknown_params=True
    ),
    'jmespath_filters': lambda c: c.block_storage.snapshots(
        jmespath_filters="[?name=='beta']"
    ),
    'Resource.list via _list': lambda c: c.block_storage._list(
        type(c.block_storage)._resource_registry['snapshot'], name='alpha'
    ),
    'cloud list_volume_snapshots': lambda c: c.list_volume_snapshots(),
    'cloud list summary': lambda c: c.list_volume_snapshots(detailed=False),
    'cloud list filters': lambda c: c.list_volume_snapshots(
        filters={'name': 'beta', 'description': None}
    ),
    'cloud search by name': lambda c: c.search_volume_snapshots('gamma'),
    'cloud search by filters': lambda c: c.search_volume_snapshots(
        filters={'status': 'error'}
    ),
    'cloud search by jmespath': lambda c: c.search_volume_snapshots(
        filters="[?size==`2`]"
    ),
}

#: Calls with the same results for which the plugin sends fewer requests:
#: it stops after a page without a next link and once ``max_items`` are
#: listed (lowering the last page's ``limit`` to what is still wanted),
#: where stock asks for one more page.
FEWER_PAGES: dict[str, harness.Call] = {
    'limit as a string': lambda c: c.block_storage.snapshots(limit='2'),
    'max_items': lambda c: c.block_storage.snapshots(max_items=2),
    'max_items with limit': lambda c: c.block_storage.snapshots(
        max_items=3, limit=2
    ),
    'client-side with max_items': lambda c: c.block_storage.snapshots(
        size=2, max_items=2
    ),
}

#: The parameters of stock's listing: ``headers`` from openstacksdk 3.2.0,
#: ``max_items`` from 4.7.0.  Before, stock drops them unsent and unused.
STOCK_LIST_PARAMETERS = frozenset(
    inspect.signature(resource.Resource.list).parameters
)

#: Calls that cap the listing with ``max_items``, and the snapshots (ID
#: prefixes) listed with and without the cap.  Stock counts the snapshots
#: of the pages it fetched, matching a client-side filter or not.
MAX_ITEMS: dict[str, tuple[harness.Call, list[str], list[str]]] = {
    'max_items': (
        harness.verb('snapshots', max_items=2),
        ['1111', '2222'],
        ['1111', '2222', '3333'],
    ),
    'client-side with max_items': (
        harness.verb('snapshots', size=2, max_items=2),
        ['2222'],
        ['2222', '3333'],
    ),
}

#: all_tenants / all_projects values Cinder reads as true or false.
FLAGS: list[tuple[str, Any, bool]] = [
    ('all_tenants', 1, True),
    ('all_tenants', '1', True),
    ('all_tenants', 'true', True),
    ('all_tenants', True, True),
    ('all_tenants', 0, False),
    ('all_tenants', '0', False),
    ('all_tenants', 'False', False),
    ('all_projects', 'true', True),
    ('all_projects', 'yes', True),
    ('all_projects', True, True),
]


class TestListing(harness.CompatTestCase):
    def setUp(self) -> None:
        super().setUp()
        answer = harness.listing(harness.trio())
        for path in ('/snapshots', '/snapshots/detail'):
            self.requests_mock.get(fakes.ENDPOINT + path, json=answer)

    def test_same(self) -> None:
        for name, call in SAME.items():
            with self.subTest(case=name):
                self.assert_same(call)

    def test_sort_by_name(self) -> None:
        # Below 3.30 Cinder cannot sort snapshots by name.
        for call in (
            harness.verb('snapshots', sort='name:asc'),
            harness.verb('snapshots', sort_key='name', sort_dir='asc'),
        ):
            self.assert_same_or_gated(call, '3.30')

    def test_fewer_pages(self) -> None:
        for name, call in FEWER_PAGES.items():
            if name in MAX_ITEMS and 'max_items' not in STOCK_LIST_PARAMETERS:
                # Stock lists everything here: test_max_items.
                continue
            with self.subTest(case=name):
                stock, plugin = self.assert_same(call, same_requests=False)
                self.assertEqual(stock.sent[0], plugin.sent[0])
                self.assertLess(len(plugin.sent), len(stock.sent))
                for sent in plugin.sent[1:]:
                    self.assertEqual(
                        stock.sent[1].query['marker'], sent.query['marker']
                    )

    def test_max_items(self) -> None:
        # Difference before openstacksdk 4.7.0: stock drops max_items and
        # lists every snapshot; the plugin lists at most max_items on
        # every version, as stock does from 4.7.0 on.
        for name, (call, capped, everything) in MAX_ITEMS.items():
            with self.subTest(case=name):
                stock, plugin = self.both(call)
                self.assertIsNone(stock.error)
                self.assertIsNone(plugin.error)
                self.assertEqual(capped, [s.id[:4] for s in plugin.raw])
                self.assertEqual(['2'], plugin.sent[0].query['limit'])
                if 'max_items' in STOCK_LIST_PARAMETERS:
                    self.assertEqual(stock.result, plugin.result)
                else:
                    self.assertEqual(everything, [s.id[:4] for s in stock.raw])
                    self.assertNotIn('limit', stock.sent[0].query)

    def test_all_projects_string_false(self) -> None:
        # Difference: stock's snapshots() tests all_projects for truth, so
        # the string 'false' lists every project; the plugin reads it as
        # Cinder would, as false.
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.snapshots(all_projects='false'),
            same_requests=False,
        )
        self.assertEqual({'all_tenants': ['True']}, stock.sent[0].query)
        self.assertEqual({}, plugin.sent[0].query)

    def test_client_side_filters_match(self) -> None:
        # The same cases, checked against the expected IDs, so that the
        # equality above cannot pass on two equally wrong answers.
        expected = {
            'description': ('nightly', ['1111', '3333']),
            'size': (2, ['2222', '3333']),
            'created_at': ('2026-11-28T15:42:42.000000', ['2222']),
        }
        for key, (value, ids) in expected.items():
            with self.subTest(key=key):
                _, plugin = self.both(
                    harness.verb('snapshots', **{key: value})
                )
                self.assertEqual(ids, [s.id[:4] for s in plugin.raw])
                self.assertEqual({}, plugin.sent[0].query)

    def test_all_tenants_values(self) -> None:
        # Accepted as Cinder accepts them; the plugin sends all_tenants=1
        # for true and nothing for false, stock sends the value given.
        for name, value, truth in FLAGS:
            for how in ('proxy', 'cloud'):
                with self.subTest(name=name, value=value, how=how):

                    def call(
                        c: Any, n: str = name, v: Any = value, h: str = how
                    ) -> Any:
                        if h == 'cloud':
                            return c.list_volume_snapshots(filters={n: v})
                        return c.block_storage.snapshots(**{n: v})

                    stock, plugin = self.assert_same(call, same_requests=False)
                    self.assertIn('all_tenants', stock.sent[0].query)
                    self.assertEqual(
                        {'all_tenants': ['1']} if truth else {},
                        plugin.sent[0].query,
                    )

    def test_all_projects_keyword(self) -> None:
        # Difference: stock sends all_tenants=True, the plugin
        # all_tenants=1; Cinder reads both as true.
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.snapshots(all_projects=True),
            same_requests=False,
        )
        self.assertEqual({'all_tenants': ['True']}, stock.sent[0].query)
        self.assertEqual({'all_tenants': ['1']}, plugin.sent[0].query)

    def test_bad_flag_refused(self) -> None:
        # Difference: stock sends all_tenants=maybe (Cinder reads it as
        # false and lists one project); the plugin refuses it.
        stock, plugin = self.both(
            lambda c: c.block_storage.snapshots(all_tenants='maybe')
        )
        self.assertIsNone(stock.error)
        self.assertEqual({'all_tenants': ['maybe']}, stock.sent[0].query)
        self.assertIsInstance(plugin.error, exceptions.InvalidSnapshotQuery)
        self.assertIsInstance(plugin.error, sdk_exceptions.BadRequestException)
        self.assertIn("all_tenants must be a boolean", str(plugin.error))
        self.assertEqual([], plugin.sent)

    def test_unknown_filter_refused(self) -> None:
        # Difference: stock drops a name that is neither a query parameter
        # nor an attribute and lists everything; the plugin refuses it
        # and says why.
        stock, plugin = self.both(lambda c: c.block_storage.snapshots(foo=1))
        self.assertIsNone(stock.error)
        self.assertEqual(3, len(stock.raw))
        self.assertEqual({}, stock.sent[0].query)
        self.assertIsInstance(plugin.error, exceptions.InvalidSnapshotQuery)
        self.assertIsInstance(plugin.error, sdk_exceptions.BadRequestException)
        message = str(plugin.error)
        self.assertIn('unknown snapshot list filter(s): foo', message)
        self.assertIn('openstacksdk would drop it', message)
        assert isinstance(plugin.error, exceptions.InvalidSnapshotQuery)
        self.assertEqual({'foo'}, plugin.error.extra_data)
        self.assertEqual([], plugin.sent)

    def test_server_filters_stock_drops(self) -> None:
        # Difference: filters Cinder has that stock's resource does not
        # know are dropped by stock (listing everything) and sent by the
        # plugin.
        cases = {
            'availability_zone': ('nova', 'availability_zone', 'nova', None),
            'with_count': (True, 'with_count', 'true', '3.45'),
            'name~': ('alp', 'name~', 'alp', '3.34'),
            'name_like': ('alp', 'name~', 'alp', '3.34'),
        }
        for key, (value, wire, sent, gate) in cases.items():
            with self.subTest(key=key):
                call = harness.verb('snapshots', **{key: value})
                if gate and not self.supports(gate):
                    self.assert_same_or_gated(call, gate)
                    continue
                stock, plugin = self.both(call)
                self.assertIsNone(stock.error)
                self.assertIsNone(plugin.error)
                self.assertEqual({}, stock.sent[0].query)
                self.assertEqual({wire: [sent]}, plugin.sent[0].query)
                self.assert_plugin_microversion(plugin)

    def test_metadata_and_consumes_quota(self) -> None:
        # Stock filters these attributes on the client; the plugin sends
        # them to Cinder (same result, another query).
        # Below 3.22 Cinder ignores metadata: the plugin compares it on
        # the client then, as stock; below 3.65 the plugin refuses
        # consumes_quota (the field is not in the answers there).
        call = harness.verb('snapshots', metadata={'team': 'a'})
        if self.supports('3.22'):
            stock, plugin = self.assert_same(call, same_requests=False)
            self.assertEqual({}, stock.sent[0].query)
            self.assertEqual(
                {'metadata': ['{"team": "a"}']}, plugin.sent[0].query
            )
        else:
            self.assert_same(call)
        call = harness.verb('snapshots', consumes_quota=True)
        if self.supports('3.65'):
            stock, plugin = self.assert_same(call, same_requests=False)
            self.assertEqual({}, stock.sent[0].query)
            self.assertEqual(
                {'consumes_quota': ['true']}, plugin.sent[0].query
            )
        else:
            self.assert_same_or_gated(call, '3.65')

    def test_microversion_override(self) -> None:
        # A microversion given to the listing is sent by both.
        stock, plugin = self.both(
            lambda c: c.block_storage.snapshots(microversion='3.50')
        )
        self.assertEqual(stock.result, plugin.result)
        self.assertEqual(stock.sent, plugin.sent)
        self.assertEqual(['volume 3.50'], stock.microversions)
        self.assertEqual(['volume 3.50'], plugin.microversions)

    def test_headers(self) -> None:
        # Difference before openstacksdk 3.2.0: stock drops headers=; the
        # plugin sends them on every version, as stock does from 3.2.0 on.
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.snapshots(headers={'X-Trace': 'on'})
        )
        (stock_headers,) = stock.headers
        (plugin_headers,) = plugin.headers
        self.assertEqual('on', plugin_headers.get('X-Trace'))
        if 'headers' in STOCK_LIST_PARAMETERS:
            self.assertEqual('on', stock_headers.get('X-Trace'))
        else:
            self.assertNotIn('X-Trace', stock_headers)

    def test_paging_requests(self) -> None:
        # limit=1 walks four pages (the third is full, the fourth empty).
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.snapshots(limit=1)
        )
        self.assertEqual(4, len(plugin.sent))
        self.assertEqual(
            {
                'limit': ['1'],
                'marker': ['22222222-2222-4222-8222-222222222222'],
            },
            plugin.sent[2].query,
        )

    def test_project_id_warns_only_on_the_plugin(self) -> None:
        # Difference: a warning, not an error, for a filter Cinder ignores
        # without all_projects.
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.snapshots(project_id='p')
        )
        self.assertNotIn(_query.ProjectFilterWarning, stock.warnings)
        self.assertIn(_query.ProjectFilterWarning, plugin.warnings)

    def test_captured_listing(self) -> None:
        # openstacksdk's docstring example, over a real Cinder 29 answer.
        capture = fakes.load_capture('snapshot_list_all_tenants_admin')
        self.mock('GET', '/snapshots/detail', json=capture['body'])
        stock, plugin = self.assert_same(
            harness.cloud(
                'list_volume_snapshots',
                filters={'all_tenants': 1, 'name': 'demo-snap-65d279'},
            )
        )
        self.assertEqual(
            ['b233e125-00b7-4c40-af1a-199b522d2673'],
            [snap.id for snap in plugin.raw],
        )
        _, _, query, _ = self.captured_request(
            'snapshot_list_all_tenants_admin'
        )
        self.assertEqual(query, plugin.sent[0].query)
