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

"""What a member (no admin role) may and may not do, on a real Cinder."""

from openstack import exceptions as sdk_exceptions

from snapshot_ext.tests.functional import base

_POLICY = "Policy doesn't allow volume_extension:snapshot_admin_actions:"


class TestMember(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.proxy = self.member_proxy
        self.volume = self.shared_volume(self.member)
        self.snap = self.create_snapshot(self.volume, self.member)

    def status(self):
        return self.admin_proxy.get_snapshot(self.snap.id).status

    def test_lifecycle_of_own_snapshot(self):
        name = self.unique_name('member')
        snap = self.create_snapshot(
            self.volume, self.member, name=name, metadata={'who': 'member'}
        )
        self.assertEqual(self.member.current_project_id, snap.project_id)
        self.proxy.update_snapshot(snap, description='by member')
        self.assertEqual(
            'by member', self.proxy.get_snapshot(snap.id).description
        )
        self.assertEqual(
            snap.id, self.proxy.find_snapshot(name, ignore_missing=False).id
        )
        self.proxy.delete_snapshot(snap)
        self.wait_snapshot_gone(snap.id, self.member)

    def test_reset_status_is_forbidden(self):
        exc = self.assertRaises(
            sdk_exceptions.ForbiddenException,
            self.proxy.reset_snapshot_status,
            self.snap,
            'error',
        )
        self.assertEqual(403, exc.status_code)
        self.assertServerMessage(exc, _POLICY + 'reset_status')
        self.assertEqual('available', self.status())

    def test_force_delete_is_forbidden(self):
        for call in (
            lambda: self.proxy.force_delete_snapshot(self.snap),
            lambda: self.proxy.delete_snapshot(self.snap, force=True),
        ):
            exc = self.assertRaises(sdk_exceptions.ForbiddenException, call)
            self.assertEqual(403, exc.status_code)
            self.assertServerMessage(exc, _POLICY + 'force_delete')
        self.assertEqual('available', self.status())

    def test_unmanage_is_forbidden(self):
        exc = self.assertRaises(
            sdk_exceptions.ForbiddenException,
            self.proxy.unmanage_snapshot,
            self.snap,
        )
        self.assertEqual(403, exc.status_code)
        self.assertEqual('available', self.status())

    def test_set_status_of_own_snapshot_from_creating(self):
        # A storage driver reports progress as the owning project, so a
        # member may update the status of an own snapshot in creating.
        self.admin_proxy.reset_snapshot_status(self.snap, 'creating')
        self.proxy.set_snapshot_status(self.snap, 'creating', progress=40)
        self.assertEqual(
            40, self.proxy.get_snapshot(self.snap.id).progress_percent
        )
        self.proxy.set_snapshot_status(self.snap, 'available', progress=100)
        self.assertEqual('available', self.status())

    def test_admin_snapshot_is_not_found_for_the_member(self):
        admin_volume = self.shared_volume()
        admin_snap = self.create_snapshot(admin_volume)
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.get_snapshot,
            admin_snap.id,
        )
        self.assertEqual(404, exc.status_code)
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.delete_snapshot,
            admin_snap.id,
            ignore_missing=False,
        )
        self.assertEqual(
            'available', self.admin_proxy.get_snapshot(admin_snap.id).status
        )
