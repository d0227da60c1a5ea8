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

"""Tests of the proxy's snapshot metadata verbs."""

import warnings

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import snapshot as _snapshot

SID = fakes.SNAPSHOT_ID
META = f'/snapshots/{SID}/metadata'


class TestSnapshotMetadata(fakes.ProxyTestCase):
    def test_fetch_metadata(self) -> None:
        self.mock('GET', META, capture='metadata_get_after_delete')
        snap = self.proxy.fetch_snapshot_metadata(SID)
        self.assertIsInstance(snap, _snapshot.Snapshot)
        self.assertEqual({'a': 'x'}, snap.metadata)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'metadata_get_after_delete'
        )
        self.assert_request(request, method, path, query=query, json=body)

    def test_get_snapshot_metadata(self) -> None:
        # The older name: the verb itself before openstacksdk 4.14.0, a
        # deprecated alias from then on; either way the plugin's fetch.
        self.mock('GET', META, capture='metadata_get_after_delete')
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            snap = self.proxy.get_snapshot_metadata(SID)
        self.assertIsInstance(snap, _snapshot.Snapshot)
        self.assertEqual({'a': 'x'}, snap.metadata)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'metadata_get_after_delete'
        )
        self.assert_request(request, method, path, query=query, json=body)
        deprecations = [
            w for w in caught if 'get_snapshot_metadata' in str(w.message)
        ]
        self.assertEqual(
            1 if _compat.HAS_FETCH_SNAPSHOT_METADATA else 0, len(deprecations)
        )

    def test_get_metadata_item_returns_str(self) -> None:
        self.mock('GET', f'{META}/b', capture='metadata_item_get')
        value = self.proxy.get_snapshot_metadata_item(SID, 'b')
        self.assertEqual('2', value)
        self.assertIsInstance(value, str)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request('metadata_item_get')
        self.assert_request(request, method, path, query=query, json=body)

    def test_get_metadata_item_answer_without_the_key(self) -> None:
        for meta in ({'b': '2'}, {'a': None}, {'a': 1}):
            with self.subTest(meta=meta):
                self.forget_requests()
                self.mock('GET', f'{META}/a', json={'meta': meta})
                exc = self.assertRaises(
                    sdk_exceptions.InvalidResponse,
                    self.proxy.get_snapshot_metadata_item,
                    SID,
                    'a',
                )
                self.assertIn("no string value for 'a'", str(exc))
                (request,) = self.api_requests()
                self.assert_request(request, 'GET', f'{META}/a')

    def test_get_metadata_item_missing(self) -> None:
        self.mock(
            'GET',
            f'{META}/nope',
            status_code=404,
            json={
                'itemNotFound': {'code': 404, 'message': 'Metadata key nope'}
            },
        )
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.get_snapshot_metadata_item,
            SID,
            'nope',
        )
        self.assertEqual('Metadata key nope', exc.details)
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)

    def test_set_metadata_merges_with_post(self) -> None:
        self.mock('POST', META, json={'metadata': {'a': '1', 'b': '2'}})
        snap = self.proxy.set_snapshot_metadata(SID, b='2')
        self.assertEqual({'a': '1', 'b': '2'}, snap.metadata)
        (request,) = self.api_requests()
        self.assert_request(
            request, 'POST', META, json={'metadata': {'b': '2'}}
        )

    def test_replace_metadata_puts(self) -> None:
        self.mock('PUT', META, capture='metadata_replace_put')
        snap = self.proxy.replace_snapshot_metadata(SID, a='1', b='2')
        self.assertEqual({'a': '1', 'b': '2'}, snap.metadata)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'metadata_replace_put'
        )
        self.assert_request(request, method, path, query=query, json=body)

    def test_set_metadata_on_resource(self) -> None:
        self.mock('POST', META, json={'metadata': {'a': '1'}})
        res = _snapshot.Snapshot(id=SID)
        snap = self.proxy.set_snapshot_metadata(res, a='1')
        self.assertEqual({'a': '1'}, snap.metadata)
        (request,) = self.api_requests()
        self.assert_request(
            request, 'POST', META, json={'metadata': {'a': '1'}}
        )

    def test_delete_metadata_keys(self) -> None:
        self.mock('DELETE', f'{META}/a')
        self.mock('DELETE', f'{META}/b%20c')
        self.proxy.delete_snapshot_metadata(SID, ['a', 'b c'])
        first, second = self.api_requests()
        self.assert_request(first, 'DELETE', f'{META}/a')
        self.assert_request(second, 'DELETE', f'{META}/b%20c')

    def test_delete_metadata_keys_from_tuple_and_generator(self) -> None:
        self.mock('DELETE', f'{META}/a')
        self.proxy.delete_snapshot_metadata(SID, ('a',))
        self.proxy.delete_snapshot_metadata(SID, (k for k in ['a']))
        first, second = self.api_requests()
        self.assert_request(first, 'DELETE', f'{META}/a')
        self.assert_request(second, 'DELETE', f'{META}/a')

    def test_delete_all_metadata(self) -> None:
        self.mock('PUT', META, json={'metadata': {}})
        self.proxy.delete_snapshot_metadata(SID)
        (request,) = self.api_requests()
        self.assert_request(request, 'PUT', META, json={'metadata': {}})

    def test_delete_missing_key(self) -> None:
        self.mock(
            'DELETE',
            f'{META}/a',
            status_code=404,
            json={
                'itemNotFound': {
                    'code': 404,
                    'message': 'Metadata a not found',
                }
            },
        )
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.delete_snapshot_metadata,
            SID,
            ['a'],
        )
        (request,) = self.api_requests()
        self.assert_request(request, 'DELETE', f'{META}/a')

    def test_keys_as_string_refused(self) -> None:
        exc = self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.delete_snapshot_metadata,
            SID,
            'abc',
        )
        self.assertIn("not the string 'abc'", str(exc))
        self.assert_no_api_request()

    def test_bad_keys_refused_before_any_request(self) -> None:
        for keys in (['a', ''], ['a', 5], 5):
            with self.subTest(keys=keys):
                self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.delete_snapshot_metadata,
                    SID,
                    keys,
                )
        self.assert_no_api_request()

    def test_non_string_value_refused(self) -> None:
        for call in (
            self.proxy.set_snapshot_metadata,
            self.proxy.replace_snapshot_metadata,
        ):
            with self.subTest(call=call.__name__):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    call,
                    SID,
                    a=1,
                )
                self.assertIn(
                    "metadata value for key 'a' must be a string", str(exc)
                )
        self.assert_no_api_request()

    def test_replace_with_nothing_refused(self) -> None:
        exc = self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.replace_snapshot_metadata,
            SID,
        )
        self.assertIn('delete_snapshot_metadata', str(exc))
        self.assert_no_api_request()

    def test_too_long_refused(self) -> None:
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.set_snapshot_metadata,
            SID,
            **{'k' * 256: 'v'},
        )
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.replace_snapshot_metadata,
            SID,
            k='v' * 256,
        )
        self.assert_no_api_request()

    def test_server_error_surfaces(self) -> None:
        self.mock('PUT', META, capture='err_metadata_not_dict')
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            self.proxy.delete_snapshot_metadata,
            SID,
        )
        self.assertIn("'x' is not of type 'object'", str(exc.details))
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)

    def test_malformed_answer(self) -> None:
        self.mock('GET', META, json={'meta': {}})
        exc = self.assertRaises(
            sdk_exceptions.InvalidResponse,
            self.proxy.fetch_snapshot_metadata,
            SID,
        )
        self.assertIn("no object under 'metadata'", str(exc))
