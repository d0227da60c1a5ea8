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

"""Hostile and broken answers, through the real proxy verbs and sockets.

Every answer body and every link is untrusted: each broken one must end in
:class:`openstack.exceptions.InvalidResponse` (or a subclass, or
:class:`~snapshot_ext.exceptions.ListingInterrupted` after the first page),
never in a ``KeyError``/``TypeError`` from deep inside, a half-filled
object, an endless loop or a request to a host nobody configured.
"""

from collections.abc import Callable
import functools
import json
from typing import Any

import fixtures
from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests import base
from snapshot_ext.tests import faultserver as fs

VOLUME = 'c779ffae-d7ca-4f21-8305-adecbf9a6165'


def _snapshot_bodies(snap_id: str) -> list[tuple[str, fs.Fault]]:
    """Broken answers to a request for one snapshot."""
    good = {'id': snap_id, 'status': 'available', 'volume_id': VOLUME}
    return [
        ('HTML', fs.Body('<html>oops</html>', content_type='text/html')),
        ('truncated JSON', fs.Body('{"snapshot": {"id": "')),
        ('empty body', fs.Body(b'')),
        ('a list', fs.Json([good])),
        ('a string', fs.Json('snapshot')),
        ('a number', fs.Json(7)),
        ('null', fs.Json(None)),
        ('no snapshot key', fs.Json({})),
        ('snapshot null', fs.Json({'snapshot': None})),
        ('snapshot a string', fs.Json({'snapshot': 'snapshot'})),
        ('snapshot a list', fs.Json({'snapshot': [good]})),
        ('no id', fs.Json({'snapshot': {'status': 'available'}})),
        ('id a number', fs.Json({'snapshot': {**good, 'id': 5}})),
        ('id empty', fs.Json({'snapshot': {**good, 'id': ''}})),
        ('size a string', fs.Json({'snapshot': {**good, 'size': 'big'}})),
        ('size a bool', fs.Json({'snapshot': {**good, 'size': True}})),
        ('status a dict', fs.Json({'snapshot': {**good, 'status': {}}})),
        ('name a list', fs.Json({'snapshot': {**good, 'name': ['a']}})),
        (
            'metadata a list',
            fs.Json({'snapshot': {**good, 'metadata': ['a']}}),
        ),
        (
            'metadata values not strings',
            fs.Json({'snapshot': {**good, 'metadata': {'a': 1}}}),
        ),
        (
            'consumes_quota a string',
            fs.Json({'snapshot': {**good, 'consumes_quota': 'yes'}}),
        ),
    ]


class ResponseTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.Timeout(30, gentle=True))
        self.cloud = self.useFixture(fs.FaultCloud())
        self.server = self.cloud.server
        self.proxy = self.cloud.proxy
        self.snap = self.server.add_snapshot(
            volume_id=VOLUME, name='kept', metadata={'k': 'v'}
        )
        self.sid = self.snap['id']

    def assert_each_invalid(
        self,
        method: str,
        path: str,
        answers: list[tuple[str, fs.Fault]],
        call: Callable[[], Any],
    ) -> None:
        """Assert every answer makes ``call`` raise InvalidResponse.

        :param method: The method the answers are given to.
        :param path: The path they are given to.
        :param answers: ``(description, fault)`` pairs.
        :param call: The verb call.
        """
        for description, answer in answers:
            with self.subTest(answer=description):
                self.server.forget_requests()
                self.server.add(method, path, answer)
                self.assertRaises(sdk_exceptions.InvalidResponse, call)
                # Answered once: a broken answer is not retried.
                self.assertEqual(
                    1, len(self.server.api_requests(method, path))
                )


class TestSingleSnapshotAnswers(ResponseTestCase):
    def test_get(self) -> None:
        answers = _snapshot_bodies(self.sid)
        answers.append(
            ('another snapshot', fs.Json({'snapshot': {'id': 'other'}}))
        )
        self.assert_each_invalid(
            'GET',
            f'/snapshots/{self.sid}',
            answers,
            lambda: self.proxy.get_snapshot(self.sid),
        )
        # The same cloud answers properly again afterwards.
        self.assertEqual('kept', self.proxy.get_snapshot(self.sid).name)

    def test_find(self) -> None:
        self.assert_each_invalid(
            'GET',
            f'/snapshots/{self.sid}',
            _snapshot_bodies(self.sid),
            lambda: self.proxy.find_snapshot(self.sid),
        )

    def test_update(self) -> None:
        answers = _snapshot_bodies(self.sid)
        answers.append(
            ('another snapshot', fs.Json({'snapshot': {'id': 'other'}}))
        )
        self.assert_each_invalid(
            'PUT',
            f'/snapshots/{self.sid}',
            answers,
            lambda: self.proxy.update_snapshot(self.sid, name='n'),
        )

    def test_create(self) -> None:
        answers = [
            (d, f) for d, f in _snapshot_bodies('new-id') if d != 'empty body'
        ]
        answers.append(('empty body', fs.Body(b'', status=202)))
        for description, answer in answers:
            with self.subTest(answer=description):
                self.server.forget_requests()
                self.server.add('POST', '/snapshots', answer)
                exc = self.assertRaises(
                    sdk_exceptions.InvalidResponse,
                    self.proxy.create_snapshot,
                    volume_id=VOLUME,
                    name='nightly',
                )
                self.assertIn('a snapshot may have been created', str(exc))
                self.assertIn(f"volume_id='{VOLUME}'", str(exc))
                self.assertEqual(
                    1, len(self.server.api_requests('POST', '/snapshots'))
                )

    def test_manage(self) -> None:
        self.assert_each_invalid(
            'POST',
            '/manageable_snapshots',
            _snapshot_bodies('new-id'),
            lambda: self.proxy.manage_snapshot(
                volume_id=VOLUME, ref={'source-name': 'x'}
            ),
        )


class TestMetadataAnswers(ResponseTestCase):
    def metadata_bodies(self, key: str) -> list[tuple[str, fs.Fault]]:
        return [
            ('HTML', fs.Body('<p>no</p>', content_type='text/html')),
            ('truncated JSON', fs.Body(json.dumps({key: {'k': 'v'}})[:-4])),
            ('a list', fs.Json([{'k': 'v'}])),
            ('null', fs.Json(None)),
            ('no key', fs.Json({})),
            ('a list under the key', fs.Json({key: ['k']})),
            ('a string under the key', fs.Json({key: 'k=v'})),
            ('a number value', fs.Json({key: {'k': 1}})),
            ('a null value', fs.Json({key: {'k': None}})),
            ('a dict value', fs.Json({key: {'k': {'x': 'y'}}})),
        ]

    def test_fetch(self) -> None:
        self.assert_each_invalid(
            'GET',
            f'/snapshots/{self.sid}/metadata',
            self.metadata_bodies('metadata'),
            lambda: self.proxy.fetch_snapshot_metadata(self.sid),
        )

    def test_merge_and_replace(self) -> None:
        for method, verb in (
            ('POST', self.proxy.set_snapshot_metadata),
            ('PUT', self.proxy.replace_snapshot_metadata),
        ):
            with self.subTest(method=method):
                self.assert_each_invalid(
                    method,
                    f'/snapshots/{self.sid}/metadata',
                    self.metadata_bodies('metadata'),
                    functools.partial(verb, self.sid, k='v'),
                )

    def test_get_item(self) -> None:
        answers = self.metadata_bodies('meta')
        answers.append(('another key', fs.Json({'meta': {'other': 'v'}})))
        self.assert_each_invalid(
            'GET',
            f'/snapshots/{self.sid}/metadata/k',
            answers,
            lambda: self.proxy.get_snapshot_metadata_item(self.sid, 'k'),
        )


class TestListingAnswers(ResponseTestCase):
    def setUp(self) -> None:
        super().setUp()
        for i in range(4):
            self.server.add_snapshot(volume_id=VOLUME, name=f's{i}')
        self.ids = [s['id'] for s in self.server.snapshots.values()]
        self.ids.reverse()  # newest first, as Cinder lists them

    def broken_pages(self) -> list[tuple[str, fs.Fault]]:
        item = {'id': 'x1', 'status': 'available'}
        return [
            ('HTML', fs.Body('<html/>', content_type='text/html')),
            ('truncated JSON', fs.Body('{"snapshots": [{"id": "a"}, {"i')),
            ('a list', fs.Json([item])),
            ('null', fs.Json(None)),
            ('no snapshots key', fs.Json({})),
            ('snapshots an object', fs.Json({'snapshots': {'0': item}})),
            ('an item a string', fs.Json({'snapshots': ['x1']})),
            ('an item without id', fs.Json({'snapshots': [{'name': 'a'}]})),
            ('an id a number', fs.Json({'snapshots': [{'id': 1}]})),
            (
                'a field of the wrong type',
                fs.Json({'snapshots': [{**item, 'size': 'huge'}]}),
            ),
            ('count a string', fs.Json({'snapshots': [], 'count': 'many'})),
            (
                'links not a list',
                fs.Json({'snapshots': [item], 'snapshots_links': 'next'}),
            ),
            (
                'next link without href',
                fs.Json(
                    {
                        'snapshots': [item],
                        'snapshots_links': [{'rel': 'next', 'href': 5}],
                    }
                ),
            ),
            (
                'next link without marker',
                fs.Json(
                    {
                        'snapshots': [item],
                        'snapshots_links': [
                            {'rel': 'next', 'href': 'http://x/?limit=2'}
                        ],
                    }
                ),
            ),
        ]

    def test_broken_first_page(self) -> None:
        self.assert_each_invalid(
            'GET',
            '/snapshots/detail',
            self.broken_pages(),
            lambda: list(self.proxy.snapshots(limit=2)),
        )

    def test_broken_later_page_interrupts(self) -> None:
        for description, answer in self.broken_pages():
            with self.subTest(answer=description):
                pages = self.proxy.snapshot_pages(page_size=2)
                self.assertEqual(self.ids[:2], [s.id for s in next(pages)])
                self.server.add('GET', '/snapshots/detail', answer)
                exc = self.assertRaises(
                    exceptions.ListingInterrupted, next, pages
                )
                self.assertEqual((1, 2), (exc.pages, exc.items))
                self.assertIsInstance(
                    exc.cause, sdk_exceptions.InvalidResponse
                )

    def test_next_link_to_another_host_only_gives_a_marker(self) -> None:
        evil = self.useFixture(fs.FaultCloud()).server
        href = (
            f'{evil.volume_url}/snapshots/detail?marker={self.ids[1]}'
            f'&limit=1000&all_tenants=1&name=zzz'
        )
        first = {
            'snapshots': [self.server.snapshots[i] for i in self.ids[:2]],
            'snapshots_links': [{'rel': 'next', 'href': href}],
        }
        self.server.add('GET', '/snapshots/detail', fs.Json(first))
        evil.forget_requests()
        ids = [s.id for s in self.proxy.snapshots(limit=2)]
        self.assertEqual(self.ids, ids)
        self.assertEqual([], evil.requests)
        requests = self.server.api_requests('GET', '/snapshots/detail')
        self.assertEqual({'limit': ['2']}, requests[0].query)
        self.assertEqual(
            {'limit': ['2'], 'marker': [self.ids[1]]}, requests[1].query
        )

    def test_repeating_marker_stops(self) -> None:
        page = {
            'snapshots': [self.server.snapshots[i] for i in self.ids[:2]],
            'snapshots_links': [
                {'rel': 'next', 'href': f'http://x/?marker={self.ids[1]}'}
            ],
        }
        later = {
            'snapshots': [self.server.snapshots[i] for i in self.ids[2:4]],
            'snapshots_links': [
                {'rel': 'next', 'href': f'http://x/?marker={self.ids[1]}'}
            ],
        }
        self.server.add(
            'GET', '/snapshots/detail', fs.Json(page), fs.Json(later)
        )
        exc = self.assertRaises(
            exceptions.ListingInterrupted,
            lambda: list(self.proxy.snapshots(limit=2)),
        )
        self.assertIn('twice', str(exc))
        self.assertEqual(2, len(self.server.api_requests()))

    def test_same_page_with_fresh_markers_stops(self) -> None:
        # A server that ignores the marker and invents a new one each time.
        items = [self.server.snapshots[i] for i in self.ids[:2]]
        answers = [
            fs.Json(
                {
                    'snapshots': items,
                    'snapshots_links': [
                        {'rel': 'next', 'href': f'http://x/?marker=m{n}'}
                    ],
                }
            )
            for n in range(50)
        ]
        self.server.add('GET', '/snapshots/detail', *answers)
        exc = self.assertRaises(
            exceptions.ListingInterrupted,
            lambda: list(self.proxy.snapshots(limit=2)),
        )
        self.assertIn('already listed', str(exc))
        self.assertEqual(2, len(self.server.api_requests()))

    def test_page_larger_than_asked_is_cut_and_continued(self) -> None:
        everything = {
            'snapshots': [self.server.snapshots[i] for i in self.ids]
        }
        self.server.add('GET', '/snapshots/detail', fs.Json(everything))
        pages = list(self.proxy.snapshot_pages(page_size=2))
        self.assertEqual([2, 2, 1], [len(p) for p in pages])
        self.assertEqual(self.ids, [s.id for p in pages for s in p])
        second = self.server.api_requests()[1]
        self.assertEqual(
            {'limit': ['2'], 'marker': [self.ids[1]]}, second.query
        )

    def test_server_ignoring_limit_forever_is_bounded(self) -> None:
        huge = {
            'snapshots': [
                {'id': f'id-{n}', 'status': 'available'} for n in range(5000)
            ]
        }
        self.server.add('GET', '/snapshots/detail', fs.Json(huge), times=None)
        exc = self.assertRaises(
            exceptions.ListingInterrupted,
            lambda: list(self.proxy.snapshots(limit=10)),
        )
        self.assertEqual((1, 10), (exc.pages, exc.items))
        self.assertEqual(2, len(self.server.api_requests()))

    def test_max_items_with_a_huge_page(self) -> None:
        huge = {
            'snapshots': [
                {'id': f'id-{n}', 'status': 'available'} for n in range(5000)
            ]
        }
        self.server.add('GET', '/snapshots/detail', fs.Json(huge))
        snaps = list(self.proxy.snapshots(max_items=3))
        self.assertEqual(['id-0', 'id-1', 'id-2'], [s.id for s in snaps])
        self.assertEqual(1, len(self.server.api_requests()))
