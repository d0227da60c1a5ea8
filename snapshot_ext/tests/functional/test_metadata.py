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

"""Snapshot metadata on a real Cinder: every call, checked by re-reading."""

from openstack import exceptions as sdk_exceptions

from snapshot_ext.tests.functional import base


class TestSnapshotMetadata(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        volume = self.shared_volume()
        self.snap = self.create_snapshot(volume, metadata={'a': '1', 'b': '2'})

    def server_metadata(self):
        """The metadata as a plain GET of the snapshot shows it."""
        return self.proxy.get_snapshot(self.snap.id).metadata

    def test_fetch(self):
        fetched = self.proxy.fetch_snapshot_metadata(self.snap.id)
        self.assertEqual({'a': '1', 'b': '2'}, fetched.metadata)
        self.assertEqual(self.snap.id, fetched.id)

    def test_get_item(self):
        self.assertEqual(
            '2', self.proxy.get_snapshot_metadata_item(self.snap, 'b')
        )
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.get_snapshot_metadata_item,
            self.snap,
            'nope',
        )
        self.assertEqual(404, exc.status_code)

    def test_set_merges(self):
        result = self.proxy.set_snapshot_metadata(self.snap, b='20', c='3')
        expected = {'a': '1', 'b': '20', 'c': '3'}
        self.assertEqual(expected, result.metadata)
        self.assertEqual(expected, self.server_metadata())

    def test_replace_removes_keys_not_given(self):
        result = self.proxy.replace_snapshot_metadata(self.snap, c='3')
        self.assertEqual({'c': '3'}, result.metadata)
        self.assertEqual({'c': '3'}, self.server_metadata())

    def test_delete_keys(self):
        self.proxy.set_snapshot_metadata(self.snap, c='3')
        self.proxy.delete_snapshot_metadata(self.snap, keys=['a', 'c'])
        self.assertEqual({'b': '2'}, self.server_metadata())

    def test_delete_missing_key_is_not_found(self):
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.delete_snapshot_metadata,
            self.snap,
            keys=['nope'],
        )
        self.assertEqual({'a': '1', 'b': '2'}, self.server_metadata())

    def test_delete_all(self):
        self.proxy.delete_snapshot_metadata(self.snap)
        self.assertEqual({}, self.server_metadata())
        self.assertEqual(
            {}, self.proxy.fetch_snapshot_metadata(self.snap).metadata
        )

    def test_keys_with_special_characters(self):
        # Keys are quoted as one path segment: a key with a space, a colon
        # or a dot reaches the right URL.  (Cinder allows only letters,
        # digits and "-_:. " in keys.)
        keys = {'with space': 'x', 'a:b': 'y', 'dot.ted': 'z'}
        self.proxy.set_snapshot_metadata(self.snap, **keys)
        for key, value in keys.items():
            self.assertEqual(
                value, self.proxy.get_snapshot_metadata_item(self.snap, key)
            )
        self.proxy.delete_snapshot_metadata(self.snap, keys=list(keys))
        self.assertEqual({'a': '1', 'b': '2'}, self.server_metadata())

    def test_member_manages_metadata_of_own_snapshot(self):
        volume = self.shared_volume(self.member)
        snap = self.create_snapshot(volume, self.member)
        proxy = self.member_proxy
        proxy.set_snapshot_metadata(snap, role='member')
        proxy.replace_snapshot_metadata(snap, role='member', x='1')
        proxy.delete_snapshot_metadata(snap, keys=['x'])
        self.assertEqual(
            {'role': 'member'}, proxy.get_snapshot(snap.id).metadata
        )
