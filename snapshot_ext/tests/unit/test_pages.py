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

"""Tests of page-by-page listing (``snapshot_pages`` and ``snapshots``)."""

import copy
from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import snapshot as _snapshot

DETAIL = '/snapshots/detail'
VID = fakes.VOLUME_ID
PAGE1 = fakes.load_capture('snapshot_list_limit2')['body']
PAGE2 = fakes.load_capture('snapshot_list_limit2_page2')['body']
MARKER1 = 'd684955c-e41c-4d07-859a-ff938d201740'
MARKER2 = '49bc6358-9507-4df4-9518-59b07802650d'
PAGE1_IDS = ['fa4e02e6-0698-4dd8-afc8-5bbb76cd2fa5', MARKER1]
PAGE2_IDS = ['ab0f0527-ed58-498a-9031-52e0da79cf4f', MARKER2]


HEADERS = {
    'Content-Type': 'application/json',
    'x-openstack-request-id': fakes.REQUEST_ID,
}


def _item(snap_id: str) -> dict[str, Any]:
    return {'id': snap_id, 'name': f'snap-{snap_id}', 'status': 'available'}


def _page(ids: list[str], next_href: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {'snapshots': [_item(i) for i in ids]}
    if next_href is not None:
        body['snapshots_links'] = [{'href': next_href, 'rel': 'next'}]
    return body


def _href(marker: str, host: str = fakes.HOST) -> str:
    return (
        f'https://{host}{fakes.PATH_PREFIX}/snapshots/detail?limit=2&'
        f'marker={marker}'
    )


class TestPages(fakes.ProxyTestCase):
    def mock_pages(self, *bodies: dict[str, Any] | int) -> None:
        """Answer successive listing GETs with these bodies or statuses.

        A status is answered with an ``itemNotFound`` error body (what
        Cinder sends for a marker that no longer exists); statuses that
        the transport would retry are avoided so no test waits.
        """
        responses: list[dict[str, Any]] = []
        for body in bodies:
            if isinstance(body, int):
                responses.append(
                    {
                        'status_code': body,
                        'json': {
                            'itemNotFound': {'code': body, 'message': 'gone'}
                        },
                        'headers': HEADERS,
                    }
                )
            else:
                responses.append(
                    {
                        'status_code': 200,
                        'json': copy.deepcopy(body),
                        'headers': HEADERS,
                    }
                )
        self.requests_mock.get(fakes.ENDPOINT + DETAIL, responses)

    def test_two_captured_pages(self) -> None:
        empty: dict[str, Any] = {'snapshots': []}
        self.mock_pages(PAGE1, PAGE2, empty)
        pages = list(self.proxy.snapshot_pages(page_size=2, volume_id=VID))
        self.assertEqual(3, len(pages))
        self.assertEqual(PAGE1_IDS, [s.id for s in pages[0]])
        self.assertEqual(PAGE2_IDS, [s.id for s in pages[1]])
        self.assertEqual([], pages[2].items)
        self.assertEqual(MARKER1, pages[0].next_marker)
        self.assertEqual(MARKER2, pages[1].next_marker)
        self.assertIsNone(pages[2].next_marker)
        self.assertEqual([1, 2, 3], [p.number for p in pages])
        self.assertEqual([None, None, None], [p.count for p in pages])
        for snap in pages[0].items + pages[1].items:
            self.assertIsInstance(snap, _snapshot.Snapshot)
            self.assertEqual('3.71', snap.microversion)
        first, second, third = self.api_requests()
        method, path, query, _ = self.captured_request('snapshot_list_limit2')
        self.assert_request(first, method, path, query=query)
        method, path, query, _ = self.captured_request(
            'snapshot_list_limit2_page2'
        )
        self.assert_request(second, method, path, query=query)
        self.assert_request(
            third,
            'GET',
            DETAIL,
            query={'limit': ['2'], 'volume_id': [VID], 'marker': [MARKER2]},
        )

    def test_snapshots_follows_pages(self) -> None:
        self.mock_pages(PAGE1, PAGE2, {'snapshots': []})
        ids = [s.id for s in self.proxy.snapshots(limit=2, volume_id=VID)]
        self.assertEqual(PAGE1_IDS + PAGE2_IDS, ids)
        self.assertEqual(3, len(self.api_requests()))

    def test_repeated_values_are_kept_once_per_listing(self) -> None:
        self.mock_pages(PAGE1, PAGE2, {'snapshots': []})
        snaps = list(self.proxy.snapshots(limit=2, volume_id=VID))
        self.assertEqual(4, len(snaps))
        for attr in ('status', 'user_id', 'volume_id', 'project_id'):
            with self.subTest(attr=attr):
                values = [getattr(snap, attr) for snap in snaps]
                self.assertIsInstance(values[0], str)
                # Equal values, from both pages, are one object.
                self.assertEqual(
                    len(set(values)), len({id(value) for value in values})
                )
        # Other values are each snapshot's own.
        self.assertEqual(4, len({id(snap.created_at) for snap in snaps}))

    def test_pages_are_fetched_lazily(self) -> None:
        self.mock_pages(PAGE1, PAGE2)
        pages = self.proxy.snapshot_pages(page_size=2, volume_id=VID)
        self.assert_no_api_request()
        page = next(pages)
        self.assertEqual(PAGE1_IDS, [s.id for s in page])
        self.assertEqual(1, len(self.api_requests()))

    def test_with_count(self) -> None:
        body = fakes.load_capture('snapshot_list_with_count')['body']
        self.mock_pages(body)
        pages = self.proxy.snapshot_pages(with_count=True, page_size=1)
        page = next(pages)
        self.assertEqual(4, page.count)
        self.assertEqual(1, len(page))
        self.assertEqual(
            'fa4e02e6-0698-4dd8-afc8-5bbb76cd2fa5', page.items[0].id
        )
        self.assertEqual(
            'fa4e02e6-0698-4dd8-afc8-5bbb76cd2fa5', page.next_marker
        )
        (request,) = self.api_requests()
        method, path, query, _ = self.captured_request(
            'snapshot_list_with_count'
        )
        self.assert_request(request, method, path, query=query)

    def test_with_count_stops_when_count_is_reached(self) -> None:
        # Cinder links a next page after the short last page when the
        # count is asked for; the listing ends once it holds ``count``.
        page1 = copy.deepcopy(PAGE1)
        page1['count'] = 3
        page2 = copy.deepcopy(PAGE2)
        page2['count'] = 3
        page2['snapshots_links'] = [
            {
                'rel': 'next',
                'href': fakes.ENDPOINT + DETAIL + '?marker=' + PAGE2_IDS[0],
            }
        ]
        page2['snapshots'] = page2['snapshots'][:1]
        self.mock_pages(page1, page2, {'snapshots': [], 'count': 3})
        pages = list(
            self.proxy.snapshot_pages(
                page_size=2, volume_id=VID, with_count=True
            )
        )
        self.assertEqual([2, 1], [len(p) for p in pages])
        self.assertIsNone(pages[-1].next_marker)
        self.assertEqual(2, len(self.api_requests()))

    def test_with_count_from_a_marker_follows_links(self) -> None:
        # From a marker, ``count`` still counts every match, so it cannot
        # tell where the listing ends: links are followed as usual.
        page2 = copy.deepcopy(PAGE2)
        page2['count'] = 4
        self.mock_pages(page2, {'snapshots': [], 'count': 4})
        pages = list(
            self.proxy.snapshot_pages(
                page_size=2, volume_id=VID, with_count=True, marker=MARKER1
            )
        )
        self.assertEqual([len(PAGE2['snapshots']), 0], [len(p) for p in pages])
        self.assertEqual(2, len(self.api_requests()))

    def test_max_items_caps_total(self) -> None:
        self.mock_pages(PAGE1, PAGE2)
        snaps = list(self.proxy.snapshots(limit=2, volume_id=VID, max_items=3))
        self.assertEqual(PAGE1_IDS + PAGE2_IDS[:1], [s.id for s in snaps])
        first, second = self.api_requests()
        self.assert_request(
            first, 'GET', DETAIL, query={'limit': ['2'], 'volume_id': [VID]}
        )
        # Only one more item is wanted, so only one is asked for.
        self.assert_request(
            second,
            'GET',
            DETAIL,
            query={'limit': ['1'], 'volume_id': [VID], 'marker': [MARKER1]},
        )

    def test_max_items_sets_limit_without_page_size(self) -> None:
        self.mock_pages(PAGE1)
        snaps = list(self.proxy.snapshots(max_items=2))
        self.assertEqual(PAGE1_IDS, [s.id for s in snaps])
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', DETAIL, query={'limit': ['2']})

    def test_max_items_trims_an_oversized_page(self) -> None:
        # A server may ignore limit; the listing still stops at max_items.
        self.mock_pages(PAGE1)
        pages = list(self.proxy.snapshot_pages(max_items=1))
        self.assertEqual(1, len(pages))
        self.assertEqual(PAGE1_IDS[:1], [s.id for s in pages[0]])
        self.assertEqual(PAGE1_IDS[0], pages[0].next_marker)
        self.assertEqual(1, len(self.api_requests()))

    def test_page_size_is_limit(self) -> None:
        self.mock_pages({'snapshots': []})
        list(self.proxy.snapshot_pages(page_size=7, limit=7))
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', DETAIL, query={'limit': ['7']})

    def test_page_size_and_other_limit_refused(self) -> None:
        exc = self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshot_pages,
            page_size=2,
            limit=3,
        )
        self.assertIn('give page_size or limit', str(exc))
        self.assert_no_api_request()

    def test_bad_page_size_refused(self) -> None:
        for size in (0, -1, 'two', True):
            with self.subTest(page_size=size):
                self.assertRaises(
                    exceptions.InvalidSnapshotQuery,
                    self.proxy.snapshot_pages,
                    page_size=size,
                )
        self.assert_no_api_request()

    def test_not_paginated(self) -> None:
        self.mock_pages(PAGE1, PAGE1, PAGE2)
        pages = list(
            self.proxy.snapshot_pages(
                page_size=2, volume_id=VID, paginated=False
            )
        )
        self.assertEqual(1, len(pages))
        self.assertEqual(PAGE1_IDS, [s.id for s in pages[0]])
        snaps = list(self.proxy.snapshots(limit=2, paginated=False))
        self.assertEqual(PAGE1_IDS, [s.id for s in snaps])
        first, second = self.api_requests()
        self.assert_request(
            first, 'GET', DETAIL, query={'limit': ['2'], 'volume_id': [VID]}
        )
        self.assert_request(second, 'GET', DETAIL, query={'limit': ['2']})

    def test_summary_listing_pages(self) -> None:
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots',
            [
                {'json': _page(['a', 'b'], _href('b'))},
                {'json': _page([])},
            ],
        )
        ids = [s.id for s in self.proxy.snapshots(details=False, limit=2)]
        self.assertEqual(['a', 'b'], ids)
        first, second = self.api_requests()
        self.assert_request(first, 'GET', '/snapshots', query={'limit': ['2']})
        self.assert_request(
            second,
            'GET',
            '/snapshots',
            query={'limit': ['2'], 'marker': ['b']},
        )

    def test_next_link_to_other_host_only_gives_marker(self) -> None:
        evil = 'evil.example.org'
        href = (
            f'https://{evil}/v3/other/snapshots/detail?limit=1&'
            f'marker=b&all_tenants=1&name=zzz'
        )
        self.mock_pages(_page(['a', 'b'], href), _page(['c']))
        ids = [s.id for s in self.proxy.snapshots(limit=2)]
        self.assertEqual(['a', 'b', 'c'], ids)
        first, second = self.api_requests()
        self.assert_request(first, 'GET', DETAIL, query={'limit': ['2']})
        # Same host and path as the first page; the link's other
        # parameters are ignored.
        self.assert_request(
            second, 'GET', DETAIL, query={'limit': ['2'], 'marker': ['b']}
        )
        hosts = {r.hostname for r in self.requests_mock.request_history}
        self.assertEqual({fakes.HOST}, hosts)

    def test_offset_dropped_after_first_page(self) -> None:
        self.mock_pages(_page(['a', 'b'], _href('b')), _page([]))
        list(self.proxy.snapshots(limit=2, offset=4))
        first, second = self.api_requests()
        self.assert_request(
            first, 'GET', DETAIL, query={'limit': ['2'], 'offset': ['4']}
        )
        self.assert_request(
            second, 'GET', DETAIL, query={'limit': ['2'], 'marker': ['b']}
        )

    def test_repeated_marker_raises(self) -> None:
        self.mock_pages(
            _page(['a', 'b'], _href('b')),
            _page(['c', 'd'], _href('b')),
        )
        pages = self.proxy.snapshot_pages(page_size=2)
        self.assertEqual(['a', 'b'], [s.id for s in next(pages)])
        exc = self.assertRaises(exceptions.ListingInterrupted, next, pages)
        self.assertIn("marker 'b' twice", str(exc))
        self.assertEqual(2, exc.pages)
        self.assertEqual(4, exc.items)
        self.assertIsInstance(exc, sdk_exceptions.SDKException)
        self.assertEqual(2, len(self.api_requests()))

    def test_empty_page_with_next_link_stops(self) -> None:
        self.mock_pages(_page(['a'], _href('a')), _page([], _href('a')))
        pages = list(self.proxy.snapshot_pages(page_size=1))
        self.assertEqual(2, len(pages))
        self.assertEqual([], pages[1].items)
        self.assertIsNone(pages[1].next_marker)
        self.assertEqual(2, len(self.api_requests()))

    def test_failure_on_page_two(self) -> None:
        self.mock_pages(PAGE1, 404)
        pages = self.proxy.snapshot_pages(page_size=2, volume_id=VID)
        self.assertEqual(PAGE1_IDS, [s.id for s in next(pages)])
        exc = self.assertRaises(exceptions.ListingInterrupted, next, pages)
        self.assertEqual(1, exc.pages)
        self.assertEqual(2, exc.items)
        self.assertIn('failed after 1 page(s) and 2 item(s)', str(exc))
        self.assertIn('the result is incomplete', str(exc))
        self.assertIsInstance(exc.cause, sdk_exceptions.HttpException)
        assert isinstance(exc.cause, sdk_exceptions.HttpException)
        self.assertEqual(404, exc.cause.status_code)
        self.assertEqual('gone', exc.cause.details)
        self.assertEqual(fakes.REQUEST_ID, exc.cause.request_id)
        self.assertIs(exc.cause, exc.__cause__)
        self.assertEqual(2, len(self.api_requests()))

    def test_failure_through_snapshots(self) -> None:
        self.mock_pages(PAGE1, 404)
        seen: list[str] = []

        def consume() -> None:
            for snap in self.proxy.snapshots(limit=2, volume_id=VID):
                seen.append(snap.id)

        exc = self.assertRaises(exceptions.ListingInterrupted, consume)
        self.assertEqual(PAGE1_IDS, seen)
        self.assertEqual(2, exc.items)

    def test_failure_on_first_page_raised_as_is(self) -> None:
        self.mock('GET', DETAIL, capture='err_list_bad_marker')
        marker = 'f9f3a612-ced2-4baa-8041-f116a788b815'
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            list,
            self.proxy.snapshots(marker=marker),
        )
        self.assertEqual(f'Snapshot {marker} could not be found.', exc.details)
        (request,) = self.api_requests()
        method, path, query, _ = self.captured_request('err_list_bad_marker')
        self.assert_request(request, method, path, query=query)

    def test_malformed_bodies(self) -> None:
        cases: list[tuple[Any, str]] = [
            ([], 'not an object'),
            ({'volumes': []}, "no list under 'snapshots'"),
            ({'snapshots': [{'name': 'x'}]}, 'not an object with a string'),
            (
                {'snapshots': [_item('a'), ['id', 'b']]},
                'not an object with a string',
            ),
            ({'snapshots': [_item('a'), 'b']}, 'not an object with a string'),
            ({'snapshots': [], 'count': 'many'}, 'count is not an integer'),
            (
                {'snapshots': [_item('a')], 'snapshots_links': {}},
                'is not a list',
            ),
            (
                {
                    'snapshots': [_item('a')],
                    'snapshots_links': [{'rel': 'next'}],
                },
                'has no href',
            ),
            (
                {
                    'snapshots': [_item('a')],
                    'snapshots_links': [
                        {'rel': 'next', 'href': 'https://x/?a=1'}
                    ],
                },
                'carries no marker',
            ),
        ]
        for body, message in cases:
            with self.subTest(body=body):
                self.forget_requests()
                self.mock('GET', DETAIL, json=body)
                exc = self.assertRaises(
                    sdk_exceptions.InvalidResponse,
                    list,
                    self.proxy.snapshots(),
                )
                self.assertIn(message, str(exc))
                self.assertEqual(1, len(self.api_requests()))

    def test_not_json(self) -> None:
        self.mock('GET', DETAIL, text='<html>oops</html>')
        exc = self.assertRaises(
            sdk_exceptions.InvalidResponse, list, self.proxy.snapshots()
        )
        self.assertIn('not valid JSON', str(exc))

    def test_page_object(self) -> None:
        page = results.Page(
            items=[1, 2], next_marker=None, count=None, number=1
        )
        self.assertEqual([1, 2], list(page))
        self.assertEqual(2, len(page))
