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

"""IDs and metadata keys are quoted so they stay one path segment."""

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import snapshot as _snapshot

SID = fakes.SNAPSHOT_ID

# An ID as the caller gives it, and the path segment that must be sent.
QUOTED_IDS = [
    ('../volumes/x', '..%2Fvolumes%2Fx'),
    ('a/b', 'a%2Fb'),
    ('a?b#c', 'a%3Fb%23c'),
    ('a b', 'a%20b'),
    ('%2F', '%252F'),
]


class TestIdQuoting(fakes.ProxyTestCase):
    def test_get_snapshot_quotes_id(self) -> None:
        for raw, quoted in QUOTED_IDS:
            with self.subTest(id=raw):
                self.forget_requests()
                self.mock(
                    'GET',
                    f'/snapshots/{quoted}',
                    json={'snapshot': {'id': raw}},
                )
                snap = self.proxy.get_snapshot(raw)
                self.assertEqual(raw, snap.id)
                (request,) = self.api_requests()
                self.assert_request(request, 'GET', f'/snapshots/{quoted}')

    def test_delete_snapshot_quotes_id(self) -> None:
        self.mock('DELETE', '/snapshots/..%2Fvolumes%2Fx', status_code=202)
        self.proxy.delete_snapshot('../volumes/x')
        (request,) = self.api_requests()
        self.assert_request(request, 'DELETE', '/snapshots/..%2Fvolumes%2Fx')

    def test_update_snapshot_quotes_id(self) -> None:
        self.mock(
            'PUT',
            '/snapshots/a%2Fb',
            json={'snapshot': {'id': 'a/b', 'name': 'n'}},
        )
        self.proxy.update_snapshot('a/b', name='n')
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'PUT',
            '/snapshots/a%2Fb',
            json={'snapshot': {'name': 'n'}},
        )

    def test_action_quotes_id(self) -> None:
        self.mock('POST', '/snapshots/a%2Fb/action', status_code=202)
        self.proxy.reset_snapshot_status('a/b', 'error')
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/snapshots/a%2Fb/action',
            json={'os-reset_status': {'status': 'error'}},
        )

    def test_metadata_quotes_id(self) -> None:
        self.mock(
            'GET',
            '/snapshots/..%2Fvolumes%2Fx/metadata',
            json={'metadata': {}},
        )
        self.proxy.fetch_snapshot_metadata('../volumes/x')
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', '/snapshots/..%2Fvolumes%2Fx/metadata'
        )

    def test_find_snapshot_quotes_id(self) -> None:
        self.mock('GET', '/snapshots/a%2Fb', json={'snapshot': {'id': 'a/b'}})
        snap = self.proxy.find_snapshot('a/b', ignore_missing=False)
        self.assertEqual('a/b', snap.id)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', '/snapshots/a%2Fb')

    def test_dot_segments_refused(self) -> None:
        # requests turns %2E back into '.', so no escaping survives on
        # the wire: '.' and '..' are refused outright.
        calls = [
            lambda v: self.proxy.get_snapshot(v),
            lambda v: self.proxy.delete_snapshot(v),
            lambda v: self.proxy.update_snapshot(v, name='n'),
            lambda v: self.proxy.force_delete_snapshot(v),
            lambda v: self.proxy.reset_snapshot_status(v, 'error'),
            lambda v: self.proxy.fetch_snapshot_metadata(v),
            lambda v: self.proxy.find_snapshot(v, ignore_missing=False),
        ]
        for value in ('.', '..'):
            for call in calls:
                with self.subTest(value=value, call=call):
                    exc = self.assertRaises(
                        exceptions.InvalidSnapshotRequest, call, value
                    )
                    self.assertIn(repr(value), str(exc))
        self.assert_no_api_request()

    def test_empty_id_refused(self) -> None:
        calls = [
            lambda v: self.proxy.get_snapshot(v),
            lambda v: self.proxy.delete_snapshot(v),
            lambda v: self.proxy.update_snapshot(v, name='n'),
            lambda v: self.proxy.delete_snapshot(v, force=True),
            lambda v: self.proxy.set_snapshot_status(v, 'error'),
            lambda v: self.proxy.unmanage_snapshot(v),
            lambda v: self.proxy.set_snapshot_metadata(v, a='b'),
            lambda v: self.proxy.find_snapshot(v, ignore_missing=False),
        ]
        for value in ('', None):
            for call in calls:
                with self.subTest(value=value, call=call):
                    exc = self.assertRaises(
                        exceptions.InvalidSnapshotRequest, call, value
                    )
                    self.assertIn(f'got {value!r}', str(exc))
        self.assert_no_api_request()

    def test_snapshot_object_with_empty_id_refused(self) -> None:
        snap = _snapshot.Snapshot(name='no-id')
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.get_snapshot,
            snap,
        )
        self.assert_no_api_request()


class TestMetadataKeyQuoting(fakes.ProxyTestCase):
    base = f'/snapshots/{SID}/metadata'

    def test_get_item_quotes_key(self) -> None:
        self.mock(
            'GET', f'{self.base}/a%2Fb%3Fc', json={'meta': {'a/b?c': 'v'}}
        )
        value = self.proxy.get_snapshot_metadata_item(SID, 'a/b?c')
        self.assertEqual('v', value)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'{self.base}/a%2Fb%3Fc')

    def test_delete_item_quotes_key(self) -> None:
        self.mock('DELETE', f'{self.base}/a%2Fb%3Fc')
        self.mock('DELETE', f'{self.base}/..%2F..')
        self.proxy.delete_snapshot_metadata(SID, ['a/b?c', '../..'])
        first, second = self.api_requests()
        self.assert_request(first, 'DELETE', f'{self.base}/a%2Fb%3Fc')
        self.assert_request(second, 'DELETE', f'{self.base}/..%2F..')

    def test_dot_key_refused(self) -> None:
        for key in ('.', '..'):
            with self.subTest(key=key):
                self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.get_snapshot_metadata_item,
                    SID,
                    key,
                )
                self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.delete_snapshot_metadata,
                    SID,
                    ['ok', key],
                )
        self.assert_no_api_request()
