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

"""Tests of snapshot list filters: what is sent and what is refused."""

import json
from typing import Any
import urllib.parse
import warnings

from openstack import exceptions as sdk_exceptions

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._listing import query as _query

DETAIL = '/snapshots/detail'
ALLOWED = (
    'all_projects, all_tenants, availability_zone, consumes_quota, limit, '
    'marker, metadata, name, name_like, name~, offset, project_id, sort, '
    'sort_dir, sort_key, status, status_like, status~, volume_id, '
    'volume_id_like, volume_id~, with_count'
)
#: The snapshot attributes compared on the client (not server filters).
ATTRIBUTES = (
    'created_at, description, group_snapshot_id, id, is_forced, progress, '
    'size, updated_at, user_id'
)


class ListTestCase(fakes.ProxyTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mock('GET', DETAIL, json={'snapshots': []})
        self.mock('GET', '/snapshots', json={'snapshots': []})

    def assert_list_query(
        self,
        expected: dict[str, list[str]],
        path: str = DETAIL,
        **kwargs: Any,
    ) -> None:
        """List with ``kwargs`` and check the one request sent."""
        self.forget_requests()
        self.assertEqual([], list(self.proxy.snapshots(**kwargs)))
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', path, query=expected)

    def assert_refused(
        self, error: type[Exception], message: str, **kwargs: Any
    ) -> Exception:
        """Check that listing with ``kwargs`` is refused unsent."""
        self.forget_requests()
        exc = self.assertRaises(error, self.proxy.snapshots, **kwargs)
        self.assertIn(message, str(exc))
        self.assertEqual([], self.api_requests())
        return exc


class TestListQuery(ListTestCase):
    def test_details(self) -> None:
        self.assert_list_query({})
        self.assert_list_query({}, details=True)

    def test_summary(self) -> None:
        self.assert_list_query({}, path='/snapshots', details=False)

    def test_string_filters(self) -> None:
        for name in ('name', 'status', 'volume_id'):
            with self.subTest(filter=name):
                self.assert_list_query({name: ['x y']}, **{name: 'x y'})

    def test_all_filters_together(self) -> None:
        self.assert_list_query(
            {
                'name': ['n'],
                'status': ['available'],
                'volume_id': [fakes.VOLUME_ID],
                'all_tenants': ['1'],
                'project_id': ['p'],
                'limit': ['5'],
                'offset': ['2'],
                'sort': ['created_at:desc'],
            },
            name='n',
            status='available',
            volume_id=fakes.VOLUME_ID,
            all_projects=True,
            project_id='p',
            limit=5,
            offset=2,
            sort='created_at:desc',
        )

    def test_all_projects(self) -> None:
        self.assert_list_query({'all_tenants': ['1']}, all_projects=True)
        self.assert_list_query({}, all_projects=False)
        self.assert_list_query({'all_tenants': ['1']}, all_tenants=True)

    def test_all_projects_matches_capture(self) -> None:
        self.mock('GET', DETAIL, capture='snapshot_list_all_tenants_admin')
        snaps = list(
            self.proxy.snapshots(all_projects=True, name='demo-snap-65d279')
        )
        self.assertEqual(
            ['b233e125-00b7-4c40-af1a-199b522d2673'], [s.id for s in snaps]
        )
        (request,) = self.api_requests()
        method, path, query, _ = self.captured_request(
            'snapshot_list_all_tenants_admin'
        )
        self.assert_request(request, method, path, query=query)

    def test_all_projects_and_all_tenants_disagreeing_refused(self) -> None:
        self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            'all_projects and all_tenants disagree; give one',
            all_projects=True,
            all_tenants=False,
        )
        self.assert_list_query(
            {'all_tenants': ['1']}, all_projects=True, all_tenants='1'
        )

    def test_flags_read_as_cinder_does(self) -> None:
        # Cinder reads flags with oslo's bool_from_string.
        for value in (True, 1, '1', 'true', 'True', 'yes', 'on', 't', 'y'):
            with self.subTest(value=value):
                self.assert_list_query(
                    {'all_tenants': ['1']}, all_tenants=value
                )
                self.assert_list_query(
                    {'all_tenants': ['1']}, all_projects=value
                )
                self.assert_list_query(
                    {'with_count': ['true']}, with_count=value
                )
        for value in (False, 0, '0', 'false', 'False', 'no', 'off', 'f'):
            with self.subTest(value=value):
                self.assert_list_query({}, all_tenants=value)
                self.assert_list_query({}, with_count=value)

    def test_project_id_with_all_projects(self) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            self.assert_list_query(
                {'project_id': ['p'], 'all_tenants': ['1']},
                project_id='p',
                all_projects=True,
            )
        self.assertEqual(
            [],
            [
                w
                for w in caught
                if issubclass(w.category, exceptions.ProjectFilterWarning)
            ],
        )

    def test_project_id_without_all_projects_warns(self) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            self.assert_list_query({'project_id': ['p']}, project_id='p')
        relevant = [
            w
            for w in caught
            if issubclass(w.category, exceptions.ProjectFilterWarning)
        ]
        self.assertEqual(1, len(relevant))
        self.assertIn('all_projects=True', str(relevant[0].message))

    def test_sort_string(self) -> None:
        self.assert_list_query(
            {'sort': ['created_at:desc,name:asc,size']},
            sort='created_at:desc, name:asc,size',
        )

    def test_sort_list_of_pairs(self) -> None:
        self.assert_list_query(
            {'sort': ['created_at:desc,name:asc,size']},
            sort=[('created_at', 'desc'), ('name', 'asc'), 'size'],
        )

    def test_sort_key_and_dir(self) -> None:
        self.assert_list_query(
            {'sort_key': ['created_at'], 'sort_dir': ['asc']},
            sort_key='created_at',
            sort_dir='asc',
        )
        self.assert_list_query({'sort_key': ['size']}, sort_key='size')

    def test_sort_direction_any_case(self) -> None:
        # Sent in lower case, as Cinder documents them.
        self.assert_list_query(
            {'sort': ['created_at:desc,name:asc']},
            sort='created_at:DESC,name:Asc',
        )
        self.assert_list_query(
            {'sort_key': ['size'], 'sort_dir': ['desc']},
            sort_key='size',
            sort_dir='DESC',
        )

    def test_sort_mixed_with_sort_key_refused(self) -> None:
        for extra in ({'sort_key': 'size'}, {'sort_dir': 'asc'}):
            with self.subTest(extra=extra):
                self.assert_refused(
                    exceptions.InvalidSnapshotQuery,
                    'sort cannot be combined with sort_key/sort_dir',
                    sort='created_at',
                    **extra,
                )

    def test_bad_sort_refused(self) -> None:
        cases: list[tuple[Any, str]] = [
            ('created_at:up', "must be 'asc' or 'desc', got 'up'"),
            ('created_at,,name', 'sort has an empty key'),
            (5, 'sort must be a string'),
            ([('a', 'b', 'c')], 'sort items must be'),
            ([('a', 'sideways')], "must be 'asc' or 'desc'"),
        ]
        for value, message in cases:
            with self.subTest(sort=value):
                self.assert_refused(
                    exceptions.InvalidSnapshotQuery, message, sort=value
                )
        self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            "sort_dir must be 'asc' or 'desc'",
            sort_dir='up',
        )
        self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            'sort_key must be a string',
            sort_key='',
        )

    def test_limit_offset_marker(self) -> None:
        self.assert_list_query(
            {'limit': ['3'], 'offset': ['0'], 'marker': ['m-1']},
            limit=3,
            offset=0,
            marker='m-1',
        )

    def test_limit_zero_sent(self) -> None:
        # As openstacksdk: Cinder answers limit=0 with an empty page.
        self.assert_list_query({'limit': ['0']}, limit=0)

    def test_bad_paging_values_refused(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({'limit': -1}, 'limit must be >= 0, got -1'),
            ({'limit': 'two'}, "limit must be an integer, got 'two'"),
            ({'offset': '1.5'}, "offset must be an integer, got '1.5'"),
            ({'limit': True}, 'limit must be an integer'),
            ({'offset': -1}, 'offset must be >= 0'),
            ({'marker': ''}, 'marker must be a snapshot ID'),
            ({'marker': 5}, 'marker must be a snapshot ID'),
            ({'max_items': 0}, 'max_items must be >= 1'),
        ]
        for kwargs, message in cases:
            with self.subTest(kwargs=kwargs):
                self.assert_refused(
                    exceptions.InvalidSnapshotQuery, message, **kwargs
                )

    def test_paging_values_as_strings(self) -> None:
        # Cinder reads them from the query string.
        self.assert_list_query(
            {'limit': ['2'], 'offset': ['1']}, limit='2', offset=' 1'
        )

    def test_with_count(self) -> None:
        self.assert_list_query({'with_count': ['true']}, with_count=True)
        self.assert_list_query({}, with_count=False)

    def test_metadata_filter_sent_as_json(self) -> None:
        meta = {'k': 'v', 'a': 'b c'}
        self.forget_requests()
        list(self.proxy.snapshots(metadata=meta))
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'GET',
            DETAIL,
            query={'metadata': ['{"a": "b c", "k": "v"}']},
        )
        sent = self.parse_query(request)['metadata'][0]
        self.assertEqual(meta, json.loads(sent))

    def parse_query(self, request: Any) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)

    def test_bad_metadata_filter_refused(self) -> None:
        for value in ({'k': 1}, 'k=v', {1: 'v'}):
            with self.subTest(metadata=value):
                self.assert_refused(
                    exceptions.InvalidSnapshotQuery,
                    'metadata filter must be a mapping of strings to strings',
                    metadata=value,
                )

    def test_consumes_quota(self) -> None:
        self.assert_list_query(
            {'consumes_quota': ['true']}, consumes_quota=True
        )
        self.assert_list_query(
            {'consumes_quota': ['false']}, consumes_quota=False
        )
        self.assert_list_query(
            {'consumes_quota': ['true']}, consumes_quota='yes'
        )
        self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            "consumes_quota must be a boolean (True/False, 1/0, "
            "'true'/'false', 'yes'/'no'), got 'maybe'",
            consumes_quota='maybe',
        )

    def test_like_filters(self) -> None:
        cases = [
            ('name~', 'name~'),
            ('name_like', 'name~'),
            ('status~', 'status~'),
            ('status_like', 'status~'),
            ('volume_id~', 'volume_id~'),
            ('volume_id_like', 'volume_id~'),
        ]
        for client, server in cases:
            with self.subTest(filter=client):
                self.assert_list_query({server: ['ext']}, **{client: 'ext'})

    def test_like_filter_matches_capture(self) -> None:
        self.forget_requests()
        list(self.proxy.snapshots(details=False, name_like='ext'))
        (request,) = self.api_requests()
        method, path, query, _ = self.captured_request('list_like_filter_name')
        self.assert_request(request, method, path, query=query)

    def test_like_filter_given_twice_refused(self) -> None:
        self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            'name~ was given twice',
            **{'name~': 'a', 'name_like': 'b'},
        )

    def test_string_filter_types(self) -> None:
        for name in ('name', 'status', 'volume_id', 'project_id'):
            with self.subTest(filter=name):
                self.assert_refused(
                    exceptions.InvalidSnapshotQuery,
                    f"{name} must be a string, got ['x']",
                    **{name: ['x']},
                )
                # A number goes on the query string as its text.
                number: dict[str, Any] = {name: 5}
                self.assert_list_query({name: ['5']}, **number)
        self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            'name_like must be a string, got 5',
            name_like=5,
        )
        for value in ('maybe', 2, ''):
            with self.subTest(all_projects=value):
                self.assert_refused(
                    exceptions.InvalidSnapshotQuery,
                    f"all_projects must be a boolean (True/False, 1/0, "
                    f"'true'/'false', 'yes'/'no'), got {value!r}",
                    all_projects=value,
                )

    def test_availability_zone(self) -> None:
        self.assert_list_query(
            {'availability_zone': ['nova']}, availability_zone='nova'
        )

    def test_attributes_compared_on_the_client(self) -> None:
        show = self.capture('snapshot_show_mv3.71')['body']['snapshot']
        listed = [
            {**show, 'id': 'a', 'description': 'x', 'size': 1},
            {**show, 'id': 'b', 'description': None, 'size': 2},
            {**show, 'id': 'c', 'description': 'x', 'size': 2},
        ]
        self.mock('GET', DETAIL, json={'snapshots': listed})
        cases: list[tuple[dict[str, Any], list[str]]] = [
            ({'description': 'x'}, ['a', 'c']),
            ({'description': None}, ['b']),
            ({'size': 2}, ['b', 'c']),
            ({'size': 2, 'description': 'x'}, ['c']),
            ({'id': 'b'}, ['b']),
            ({'size': 3}, []),
            ({'created_at': show['created_at']}, ['a', 'b', 'c']),
        ]
        for kwargs, ids in cases:
            with self.subTest(kwargs=kwargs):
                self.forget_requests()
                found = list(self.proxy.snapshots(**kwargs))
                self.assertEqual(ids, [snap.id for snap in found])
                (request,) = self.api_requests()
                self.assert_request(request, 'GET', DETAIL)

    def test_client_side_with_a_server_filter(self) -> None:
        show = self.capture('snapshot_show_mv3.71')['body']['snapshot']
        self.mock('GET', DETAIL, json={'snapshots': [show]})
        self.forget_requests()
        found = list(self.proxy.snapshots(name=show['name'], size=1))
        self.assertEqual([show['id']], [snap.id for snap in found])
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', DETAIL, query={'name': [show['name']]}
        )

    def test_none_values_dropped(self) -> None:
        self.assert_list_query({}, name=None, status=None, limit=None)

    def test_unknown_filter_refused(self) -> None:
        exc = self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            'unknown snapshot list filter(s): foo: neither a filter Cinder '
            'applies nor a snapshot attribute to compare listed snapshots '
            'with, so it cannot narrow the listing (openstacksdk would drop '
            'it and list every snapshot). Filters: '
            + ALLOWED
            + '. Attributes: '
            + ATTRIBUTES,
            foo='bar',
        )
        self.assertIsInstance(exc, ValueError)
        self.assertIsInstance(exc, sdk_exceptions.BadRequestException)
        self.assertIsInstance(exc, sdk_exceptions.InvalidResourceQuery)
        assert isinstance(exc, exceptions.InvalidSnapshotQuery)
        self.assertEqual({'foo'}, exc.extra_data)

    def test_several_unknown_filters_named(self) -> None:
        self.assert_refused(
            exceptions.InvalidSnapshotQuery,
            'unknown snapshot list filter(s): bar, foo: neither',
            foo=1,
            bar=2,
        )

    def test_unknown_filter_dropped_when_allowed(self) -> None:
        self.forget_requests()
        list(
            self.proxy.snapshots(
                foo='bar', name='n', allow_unknown_params=True
            )
        )
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', DETAIL, query={'name': ['n']})

    def test_filters_checked_before_iteration(self) -> None:
        # The generator is not consumed: the error comes from the call.
        self.assertRaises(
            exceptions.InvalidSnapshotQuery, self.proxy.snapshots, foo=1
        )
        self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshot_pages,
            foo=1,
        )
        self.assert_no_api_request()

    def test_server_error_surfaces(self) -> None:
        self.mock('GET', DETAIL, capture='err_list_bad_sort_key')
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            list,
            self.proxy.snapshots(sort='bogus:asc'),
        )
        self.assertEqual(
            'Invalid input received: Invalid sort key', exc.details
        )
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)
        (request,) = self.api_requests()
        method, path, query, _ = self.captured_request('err_list_bad_sort_key')
        self.assert_request(request, method, path, query=query)


class TestListQueryAt30(ListTestCase):
    """A cloud that announces no microversion: every gated filter fails."""

    max_version = None
    expected_microversion = None

    def test_plain_listing_sends_no_header(self) -> None:
        self.assert_list_query({'name': ['n']}, name='n', microversion=None)

    def test_gated_filters_refused(self) -> None:
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({'with_count': True}, 'with_count', '3.45'),
            ({'consumes_quota': True}, 'consumes_quota filter', '3.65'),
            ({'name~': 'x'}, 'like filter name~', '3.34'),
            ({'name_like': 'x'}, 'like filter name~', '3.34'),
            ({'status_like': 'x'}, 'like filter status~', '3.34'),
            ({'volume_id~': 'x'}, 'like filter volume_id~', '3.34'),
            ({'sort': 'name:asc'}, 'sorting snapshots by name', '3.30'),
            ({'sort': [('name', 'asc')]}, 'sorting snapshots by name', '3.30'),
            ({'sort_key': 'name'}, 'sorting snapshots by name', '3.30'),
        ]
        for kwargs, feature, required in cases:
            with self.subTest(kwargs=kwargs):
                exc = self.assert_refused(
                    exceptions.MicroversionUnavailable,
                    f'{feature} needs Block Storage API microversion '
                    f'{required} or later, but this connection uses 3.0 '
                    f'(no microversion announced)',
                    **kwargs,
                )
                assert isinstance(exc, exceptions.MicroversionUnavailable)
                self.assertEqual(feature, exc.feature)
                self.assertEqual(required, exc.required)
                self.assertIsNone(exc.available)

    def test_metadata_compared_on_the_client(self) -> None:
        # Below 3.22 Cinder ignores a metadata filter: it is compared with
        # the listed snapshots instead, as openstacksdk does.
        show = self.capture('snapshot_show_mv3.0')['body']['snapshot']
        listed = [
            {**show, 'id': 'a', 'metadata': {'k': 'v', 'x': 'y'}},
            {**show, 'id': 'b', 'metadata': {'k': 'w'}},
            {**show, 'id': 'c', 'metadata': {}},
        ]
        self.mock('GET', DETAIL, json={'snapshots': listed})
        self.forget_requests()
        found = list(self.proxy.snapshots(metadata={'k': 'v'}))
        self.assertEqual(['a'], [snap.id for snap in found])
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', DETAIL, microversion=None)

    def assert_list_query(  # type: ignore[override]
        self,
        expected: dict[str, list[str]],
        path: str = DETAIL,
        microversion: Any = None,
        **kwargs: Any,
    ) -> None:
        self.forget_requests()
        self.assertEqual([], list(self.proxy.snapshots(**kwargs)))
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', path, query=expected, microversion=microversion
        )


class TestListQueryFeatureGates(ListTestCase):
    """Each gate at the version just below it and at the version itself."""

    max_version = '3.44'
    expected_microversion = '3.44'

    def test_below_3_45(self) -> None:
        exc = self.assert_refused(
            exceptions.MicroversionUnavailable,
            'with_count needs Block Storage API microversion 3.45 or later, '
            'but this connection uses 3.44',
            with_count=True,
        )
        assert isinstance(exc, exceptions.MicroversionUnavailable)
        self.assertEqual('3.44', exc.available)
        self.assert_refused(
            exceptions.MicroversionUnavailable,
            'consumes_quota filter',
            consumes_quota=False,
        )
        # Older gates pass at 3.44.
        self.assert_list_query(
            {'metadata': ['{"k": "v"}'], 'name~': ['x'], 'sort': ['name']},
            metadata={'k': 'v'},
            name_like='x',
            sort='name',
        )


class TestListQueryGateBoundaries(fakes.ProxyTestCase):
    """A feature is refused one minor version below its gate only."""

    gates: list[tuple[str, dict[str, Any], dict[str, list[str]]]] = [
        ('3.30', {'sort_key': 'name'}, {'sort_key': ['name']}),
        ('3.34', {'status_like': 'av'}, {'status~': ['av']}),
        ('3.45', {'with_count': True}, {'with_count': ['true']}),
        ('3.65', {'consumes_quota': True}, {'consumes_quota': ['true']}),
    ]

    def test_gates(self) -> None:
        for gate, kwargs, expected in self.gates:
            major, minor = gate.split('.')
            below = f'{major}.{int(minor) - 1}'
            for version, allowed in ((below, False), (gate, True)):
                with self.subTest(version=version, kwargs=kwargs):
                    conn = self._connection(version)
                    self.forget_requests()
                    if allowed:
                        self.assertEqual(
                            [], list(conn.block_storage.snapshots(**kwargs))
                        )
                        (request,) = self.api_requests()
                        self.assert_request(
                            request,
                            'GET',
                            DETAIL,
                            query=expected,
                            microversion=version,
                        )
                    else:
                        exc = self.assertRaises(
                            exceptions.MicroversionUnavailable,
                            conn.block_storage.snapshots,
                            **kwargs,
                        )
                        self.assertEqual(gate, exc.required)
                        self.assertEqual(version, exc.available)
                        self.assertEqual([], self.api_requests())

    def _connection(self, version: str) -> Any:
        # A ceiling set by block_storage_api_version caps the negotiated
        # microversion of this connection's proxy.
        self.mock('GET', DETAIL, json={'snapshots': []})
        conn = self.make_connection(api_version=version)
        snapshot_ext.register(conn)
        return conn


class TestQueryParameterTable(fakes.ProxyTestCase):
    def test_resource_mapping_is_the_listing_table(self) -> None:
        # openstacksdk adds limit and marker to every mapping itself.
        self.assertEqual(
            {'limit': 'limit', 'marker': 'marker', **_query.QUERY_MAPPING},
            _snapshot.Snapshot._query_mapping._mapping,
        )

    def test_known_is_the_table_and_the_server_names(self) -> None:
        self.assertEqual(
            set(_query.QUERY_MAPPING)
            | {
                'availability_zone',
                'all_tenants',
                'name~',
                'status~',
                'volume_id~',
            },
            _query.KNOWN,
        )
        self.assertLessEqual(_query.OPTIONS, _query.KNOWN)
        self.assertEqual(
            {
                'name~': 'name~',
                'name_like': 'name~',
                'status~': 'status~',
                'status_like': 'status~',
                'volume_id~': 'volume_id~',
                'volume_id_like': 'volume_id~',
            },
            _query.LIKE_FILTERS,
        )
