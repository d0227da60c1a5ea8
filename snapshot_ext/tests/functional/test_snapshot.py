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

"""Create, read, find, update and delete snapshots on a real Cinder."""

import datetime

from openstack import exceptions as sdk_exceptions

from snapshot_ext.tests.functional import base
from snapshot_ext.v3 import snapshot as _snapshot


class TestSnapshotLifecycle(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        self.volume = self.shared_volume()

    def test_create_with_name_description_and_metadata(self):
        name = self.unique_name()
        before = datetime.datetime.now(datetime.timezone.utc)
        created = self.proxy.create_snapshot(
            volume_id=self.volume.id,
            name=name,
            description='made by a functional test',
            metadata={'purpose': 'test', 'owner': 'snapshot_ext'},
        )
        self.addCleanup(self.purge_snapshot, created.id)
        self.assertIsInstance(created, _snapshot.Snapshot)
        self.assertEqual('creating', created.status)

        snap = self.wait_snapshot_status(created.id, 'available')
        self.assertEqual(name, snap.name)
        self.assertEqual('made by a functional test', snap.description)
        self.assertEqual(
            {'purpose': 'test', 'owner': 'snapshot_ext'}, snap.metadata
        )
        self.assertEqual(self.volume.id, snap.volume_id)
        self.assertEqual(1, snap.size)
        self.assertEqual(100, snap.progress_percent)
        self.assertEqual(self.admin.current_project_id, snap.project_id)
        self.assertEqual(self.admin.current_user_id, snap.user_id)
        self.assertIs(True, snap.consumes_quota)
        # created_at is parsed to an aware UTC datetime close to now.
        created_time = snap.created
        assert created_time is not None
        self.assertEqual(datetime.timezone.utc, created_time.tzinfo)
        slack = datetime.timedelta(minutes=5)
        self.assertLess(abs(created_time - before), slack)

    def test_create_with_force_is_accepted(self):
        # From microversion 3.66 the server needs no force for an in-use
        # volume and refuses force=False; the flag must not break a
        # create.  The fake driver cannot attach, so the volume is
        # available.
        self.assertEqual('3.71', self.proxy.snapshot_microversion)
        for force in (True, False):
            snap = self.create_snapshot(self.volume, force=force)
            self.assertEqual('available', snap.status)
            self.assertEqual(
                'available', self.proxy.get_snapshot(snap.id).status
            )

    def test_get_returns_every_field(self):
        snap = self.create_snapshot(self.volume, description='fields')
        fetched = self.proxy.get_snapshot(snap.id)
        self.assertEqual(snap.id, fetched.id)
        self.assertEqual(snap.name, fetched.name)
        self.assertEqual('fields', fetched.description)
        created, updated = fetched.created, fetched.updated
        assert created is not None and updated is not None
        self.assertGreaterEqual(updated, created)
        self.assertEqual('100%', fetched.progress)
        self.assertIsNone(fetched.group_snapshot_id)

    def test_get_of_a_missing_snapshot_is_not_found(self):
        missing = '00000000-0000-4000-8000-000000000000'
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException, self.proxy.get_snapshot, missing
        )
        self.assertEqual(404, exc.status_code)
        self.assertIn(missing, str(exc))

    def test_find_by_id_by_name_and_missing(self):
        snap = self.create_snapshot(self.volume)
        by_id = self.proxy.find_snapshot(snap.id, ignore_missing=False)
        self.assertEqual(snap.id, by_id.id)
        by_name = self.proxy.find_snapshot(snap.name, ignore_missing=False)
        self.assertEqual(snap.id, by_name.id)
        self.assertEqual(self.volume.id, by_name.volume_id)

        missing = self.unique_name('missing')
        self.assertIsNone(self.proxy.find_snapshot(missing))
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.find_snapshot,
            missing,
            ignore_missing=False,
        )

    def test_find_by_name_with_two_matches_is_a_duplicate(self):
        name = self.unique_name('twin')
        self.create_snapshot(self.volume, name=name)
        self.create_snapshot(self.volume, name=name)
        self.assertRaises(
            sdk_exceptions.DuplicateResource,
            self.proxy.find_snapshot,
            name,
        )

    def test_find_in_all_projects_finds_a_member_snapshot(self):
        member_volume = self.shared_volume(self.member)
        snap = self.create_snapshot(member_volume, self.member)
        self.assertIsNone(self.proxy.find_snapshot(snap.name))
        found = self.proxy.find_snapshot(snap.name, all_projects=True)
        assert found is not None
        self.assertEqual(snap.id, found.id)
        self.assertEqual(self.member.current_project_id, found.project_id)

    def test_update_name_and_description(self):
        snap = self.create_snapshot(self.volume, description='old')
        new_name = self.unique_name('renamed')
        updated = self.proxy.update_snapshot(
            snap, name=new_name, description='new'
        )
        self.assertEqual(new_name, updated.name)
        fetched = self.proxy.get_snapshot(snap.id)
        self.assertEqual(new_name, fetched.name)
        self.assertEqual('new', fetched.description)

        # One field alone leaves the other as it is.
        self.proxy.update_snapshot(snap.id, description='newer')
        fetched = self.proxy.get_snapshot(snap.id)
        self.assertEqual(new_name, fetched.name)
        self.assertEqual('newer', fetched.description)

    def test_update_does_not_send_other_changed_fields(self):
        snap = self.create_snapshot(self.volume)
        fetched = self.proxy.get_snapshot(snap.id)
        # A locally changed field that the API does not let an update
        # change must not reach the server (it would answer 400).
        fetched.metadata = {'local': 'only'}
        self.proxy.update_snapshot(fetched, description='only this')
        again = self.proxy.get_snapshot(snap.id)
        self.assertEqual('only this', again.description)
        self.assertEqual({}, again.metadata)

    def test_delete(self):
        snap = self.create_snapshot(self.volume)
        self.proxy.delete_snapshot(snap)
        self.wait_snapshot_gone(snap.id)
        self.assertEqual([], self.volume_snapshot_ids(self.volume.id))

    def test_delete_missing_is_ignored_or_not_found(self):
        missing = '00000000-0000-4000-8000-000000000000'
        # Ignored by default: nothing to assert but that it does not raise.
        self.proxy.delete_snapshot(missing)
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.delete_snapshot,
            missing,
            ignore_missing=False,
        )

    def test_delete_with_force(self):
        snap = self.create_snapshot(self.volume)
        self.proxy.reset_snapshot_status(snap, 'error_deleting')
        self.proxy.delete_snapshot(snap.id, force=True)
        self.wait_snapshot_gone(snap.id)

    def test_force_delete_snapshot(self):
        snap = self.create_snapshot(self.volume)
        self.proxy.force_delete_snapshot(snap)
        self.wait_snapshot_gone(snap.id)
        # A second force delete of the same snapshot: NotFound unless
        # ignore_missing.
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.force_delete_snapshot,
            snap.id,
        )
        self.proxy.force_delete_snapshot(snap.id, ignore_missing=True)
