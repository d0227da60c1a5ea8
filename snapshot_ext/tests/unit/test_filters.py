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

"""Tests of the filter check against GET /resource_filters, and of the
page API's limit semantics."""

from typing import Any
import warnings

from openstack import exceptions as sdk_exceptions

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _proxy

VID = fakes.VOLUME_ID
#: The answer of Cinder 29's default configuration (devcloud).
DEFAULT_FILTERS = {
    'resource_filters': [
        {
            'resource': 'volume',
            'filters': [
                'name',
                'status',
                'metadata',
                'bootable',
                'migration_status',
                'availability_zone',
                'group_id',
                'size',
                'created_at',
                'updated_at',
                'consumes_quota',
            ],
        },
        {
            'resource': 'snapshot',
            'filters': [
                'name',
                'status',
                'volume_id',
                'metadata',
                'availability_zone',
                'consumes_quota',
            ],
        },
    ]
}
ALLOWED = (
    'availability_zone, consumes_quota, metadata, name, status, volume_id'
)


class FilterTestCase(fakes.ProxyTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.filters = self.mock(
            'GET', '/resource_filters', json=DEFAULT_FILTERS
        )
        self.listing = self.mock(
            'GET', '/snapshots/detail', json={'snapshots': []}
        )


class TestCheckFilters(FilterTestCase):
    def test_allowed_filters_pass_and_are_fetched_once(self) -> None:
        list(
            self.proxy.snapshots(
                check_filters=True,
                name='a',
                volume_id=VID,
                metadata={'k': 'v'},
                sort='created_at:desc',
                limit=5,
                with_count=True,
            )
        )
        list(self.proxy.snapshots(check_filters=True, status='available'))
        filters, first, second = self.api_requests()
        self.assert_request(filters, 'GET', '/resource_filters')
        self.assert_request(
            first,
            'GET',
            '/snapshots/detail',
            {
                'name': ['a'],
                'volume_id': [VID],
                'metadata': ['{"k": "v"}'],
                'sort': ['created_at:desc'],
                'limit': ['5'],
                'with_count': ['true'],
            },
        )
        self.assert_request(
            second, 'GET', '/snapshots/detail', {'status': ['available']}
        )

    def test_refused_filter_names_the_allowed_ones(self) -> None:
        exc = self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshots,
            check_filters=True,
            name_like='web',
        )
        self.assertEqual(
            f"this cloud does not allow filtering snapshots by name~; "
            f"allowed filters: {ALLOWED}",
            str(exc),
        )
        (filters,) = self.api_requests()
        self.assert_request(filters, 'GET', '/resource_filters')
        self.assertEqual(0, self.listing.call_count)

    def test_listed_like_filter_allows_both_forms(self) -> None:
        self.mock(
            'GET',
            '/resource_filters',
            json={
                'resource_filters': [
                    {'resource': 'snapshot', 'filters': ['name~']}
                ]
            },
        )
        list(self.proxy.snapshots(check_filters=True, name_like='web'))
        list(self.proxy.snapshots(check_filters=True, name='web'))
        self.assertEqual(2, self.listing.call_count)
        self.assertEqual(
            {'name~': ['web']}, self.listing.request_history[0].qs
        )

    def test_project_id_needs_all_projects(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', exceptions.ProjectFilterWarning)
            exc = self.assertRaises(
                exceptions.InvalidSnapshotQuery,
                self.proxy.snapshots,
                check_filters=True,
                project_id='p1',
            )
        self.assertIn('by project_id;', str(exc))
        list(
            self.proxy.snapshots(
                check_filters=True, all_projects=True, project_id='p1'
            )
        )
        self.assert_request(
            self.listing.last_request,
            'GET',
            '/snapshots/detail',
            {'all_tenants': ['1'], 'project_id': ['p1']},
        )

    def test_unknown_filter_is_refused_before_any_request(self) -> None:
        self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshots,
            check_filters=True,
            colour='blue',
        )
        self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshots,
            check_filters=True,
            name=[5],
        )
        self.assert_no_api_request()

    def test_off_by_default(self) -> None:
        list(self.proxy.snapshots(name_like='web'))
        (listing,) = self.api_requests()
        self.assert_request(
            listing, 'GET', '/snapshots/detail', {'name~': ['web']}
        )

    def test_proxy_setting_is_the_default(self) -> None:
        self.proxy.check_snapshot_filters = True
        self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshot_pages,
            status_like='avail',
        )
        self.assertEqual(0, self.listing.call_count)
        list(self.proxy.snapshots(check_filters=False, status_like='avail'))
        self.assertEqual(1, self.listing.call_count)

    def test_check_filters_must_be_a_bool(self) -> None:
        self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshots,
            check_filters='yes',
            name='a',
        )
        self.assert_no_api_request()

    def test_no_filter_means_no_check_request(self) -> None:
        list(self.proxy.snapshots(check_filters=True, limit=10))
        (listing,) = self.api_requests()
        self.assert_request(
            listing, 'GET', '/snapshots/detail', {'limit': ['10']}
        )

    def test_snapshot_filters(self) -> None:
        self.assertEqual(
            frozenset(ALLOWED.split(', ')), self.proxy.snapshot_filters()
        )
        self.assertEqual(
            frozenset(ALLOWED.split(', ')), self.proxy.snapshot_filters()
        )
        self.assertEqual(1, self.filters.call_count)

    def test_malformed_answer(self) -> None:
        bad_answers: list[Any] = [
            {'resource_filters': 'x'},
            {'resource_filters': [{'resource': 'snapshot'}]},
            {'resource_filters': ['snapshot']},
            [],
        ]
        for body in bad_answers:
            conn = self.make_connection()
            snapshot_ext.register(conn)
            self.mock('GET', '/resource_filters', json=body)
            proxy = conn.block_storage
            assert isinstance(proxy, _proxy.Proxy)
            self.assertRaises(
                sdk_exceptions.InvalidResponse, proxy.snapshot_filters
            )


class TestCheckFiltersBelow333(FilterTestCase):
    max_version = '3.32'
    expected_microversion = '3.32'

    def test_refused_before_any_request(self) -> None:
        exc = self.assertRaises(
            exceptions.MicroversionUnavailable,
            self.proxy.snapshots,
            check_filters=True,
            name='a',
        )
        self.assertEqual('3.33', exc.required)
        self.assert_no_api_request()


class TestLimitSemantics(fakes.ProxyTestCase):
    """``limit``/``page_size`` size a page; ``max_items`` caps the total."""

    def test_pages_from_real_captures(self) -> None:
        first = fakes.load_capture('snapshot_list_limit2')['body']
        second = fakes.load_capture('snapshot_list_limit2_page2')['body']
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail',
            [{'json': first}, {'json': second}, {'json': {'snapshots': []}}],
        )
        pages = list(self.proxy.snapshot_pages(volume_id=VID, page_size=2))
        self.assertEqual([2, 2, 0], [len(p) for p in pages])
        self.assertEqual([1, 2, 3], [p.number for p in pages])
        self.assertEqual([False, False, True], [p.is_last for p in pages])
        self.assertEqual(second['snapshots'][-1]['id'], pages[1].next_marker)
        requests = self.api_requests()
        self.assertEqual(3, len(requests))
        self.assert_request(
            requests[1],
            'GET',
            '/snapshots/detail',
            {
                'volume_id': [VID],
                'limit': ['2'],
                'marker': [first['snapshots'][-1]['id']],
            },
        )

    def test_limit_is_a_page_size_and_max_items_a_cap(self) -> None:
        first = fakes.load_capture('snapshot_list_limit2')['body']
        second = fakes.load_capture('snapshot_list_limit2_page2')['body']
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail',
            [
                {'json': first},
                {'json': {'snapshots': second['snapshots'][:1]}},
            ],
        )
        found = list(self.proxy.snapshots(limit=2, max_items=3))
        self.assertEqual(3, len(found))
        one, two = self.api_requests()
        self.assertEqual({'limit': ['2']}, one.qs)
        # The last request asks only for what is still missing.
        self.assertEqual(['1'], two.qs['limit'])

    def test_count_on_every_page(self) -> None:
        body = fakes.load_capture('snapshot_list_with_count')['body']
        self.mock('GET', '/snapshots/detail', json=body)
        page = next(self.proxy.snapshot_pages(with_count=True, page_size=1))
        self.assertEqual(4, page.count)
        self.assertEqual(body['snapshots'][0]['id'], page.next_marker)
        self.assertFalse(page.is_last)
