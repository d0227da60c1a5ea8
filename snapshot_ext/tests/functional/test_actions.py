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

"""Snapshot actions and Cinder's status rules, on a real Cinder."""

from openstack import exceptions as sdk_exceptions

from snapshot_ext.tests.functional import base


class TestStatusActions(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        self.volume = self.shared_volume()
        self.snap = self.create_snapshot(self.volume)

    def status(self):
        return self.proxy.get_snapshot(self.snap.id).status

    def test_reset_status_to_every_status(self):
        for status in ('error', 'creating', 'error_deleting', 'available'):
            self.proxy.reset_snapshot_status(self.snap, status)
            self.assertEqual(status, self.status())

    def test_set_status_with_progress_from_creating(self):
        self.proxy.reset_snapshot_status(self.snap, 'creating')
        self.proxy.set_snapshot_status(self.snap, 'creating', progress='50%')
        fetched = self.proxy.get_snapshot(self.snap.id)
        self.assertEqual('creating', fetched.status)
        self.assertEqual('50%', fetched.progress)
        self.assertEqual(50, fetched.progress_percent)

        # An int is sent as "NN%" too.
        self.proxy.set_snapshot_status(self.snap.id, 'creating', progress=75)
        self.assertEqual(
            75, self.proxy.get_snapshot(self.snap.id).progress_percent
        )

        self.proxy.set_snapshot_status(self.snap, 'available', progress=100)
        fetched = self.proxy.get_snapshot(self.snap.id)
        self.assertEqual('available', fetched.status)
        self.assertEqual(100, fetched.progress_percent)

    def test_set_status_from_creating_to_error(self):
        self.proxy.reset_snapshot_status(self.snap, 'creating')
        self.proxy.set_snapshot_status(self.snap, 'error')
        self.assertEqual('error', self.status())

    def test_set_status_from_deleting_to_error_deleting(self):
        self.proxy.reset_snapshot_status(self.snap, 'deleting')
        self.proxy.set_snapshot_status(self.snap, 'error_deleting')
        self.assertEqual('error_deleting', self.status())

    def test_set_status_from_available_is_refused(self):
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            self.proxy.set_snapshot_status,
            self.snap,
            'error',
        )
        self.assertEqual(400, exc.status_code)
        self.assertServerMessage(
            exc,
            'Snapshot status available not allowed for update_snapshot_status',
        )
        self.assertEqual('available', self.status())

    def test_set_status_from_creating_to_deleting_is_refused(self):
        self.proxy.reset_snapshot_status(self.snap, 'creating')
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            self.proxy.set_snapshot_status,
            self.snap,
            'deleting',
        )
        self.assertServerMessage(
            exc,
            'Provided snapshot status deleting not allowed for snapshot '
            'with status creating',
        )
        self.assertEqual('creating', self.status())

    def test_delete_in_creating_is_refused(self):
        self.proxy.reset_snapshot_status(self.snap, 'creating')
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            self.proxy.delete_snapshot,
            self.snap,
        )
        self.assertServerMessage(
            exc, 'Snapshot status must be available or error'
        )
        self.assertEqual('creating', self.status())

    def test_delete_in_error_deleting_is_refused(self):
        self.proxy.reset_snapshot_status(self.snap, 'error_deleting')
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            self.proxy.delete_snapshot,
            self.snap,
        )
        self.assertServerMessage(
            exc, 'Snapshot status must be available or error'
        )
        self.assertEqual('error_deleting', self.status())

    def test_delete_in_error_works(self):
        self.proxy.reset_snapshot_status(self.snap, 'error')
        self.proxy.delete_snapshot(self.snap)
        self.wait_snapshot_gone(self.snap.id)

    def test_force_delete_out_of_error_deleting(self):
        self.proxy.reset_snapshot_status(self.snap, 'error_deleting')
        self.assertEqual('error_deleting', self.status())
        self.proxy.force_delete_snapshot(self.snap)
        self.wait_snapshot_gone(self.snap.id)
        self.assertEqual([], self.volume_snapshot_ids(self.volume.id))

    def test_reset_status_of_a_missing_snapshot_is_not_found(self):
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.reset_snapshot_status,
            '00000000-0000-4000-8000-000000000000',
            'available',
        )


class TestManage(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        self.volume = self.shared_volume()

    def test_unmanage_removes_it_from_the_api(self):
        snap = self.create_snapshot(self.volume)
        self.proxy.unmanage_snapshot(snap)
        self.wait_snapshot_gone(snap.id)
        self.assertIsNone(self.proxy.find_snapshot(snap.name))
        self.assertEqual([], self.volume_snapshot_ids(self.volume.id))

    def test_unmanage_then_manage_back(self):
        snap = self.create_snapshot(self.volume)
        self.proxy.unmanage_snapshot(snap)
        self.wait_snapshot_gone(snap.id)

        name = self.unique_name('managed')
        managed = self.proxy.manage_snapshot(
            volume_id=self.volume.id,
            ref={'source-name': f'snapshot-{snap.id}'},
            name=name,
            description='managed back',
            metadata={'origin': 'manage'},
        )
        self.addCleanup(self.purge_snapshot, managed.id)
        self.assertNotEqual(snap.id, managed.id)
        self.assertEqual(name, managed.name)

        # The API accepted it: the server holds a new snapshot record
        # with what was asked for.
        fetched = self.proxy.get_snapshot(managed.id)
        self.assertEqual(name, fetched.name)
        self.assertEqual('managed back', fetched.description)
        self.assertEqual({'origin': 'manage'}, fetched.metadata)
        self.assertEqual(self.volume.id, fetched.volume_id)

        # The devcloud's fake volume driver cannot adopt a backend
        # snapshot: its fake LVM has no sizes, so cinder-volume's manage
        # flow fails (TypeError in manage_existing_object_get_size) and
        # the record ends in status error.  Cinder reports that failure
        # as the snapshot's status, not as an HTTP error; a wait for
        # available turns it into ResourceFailure.
        self.assertRaises(
            sdk_exceptions.ResourceFailure,
            self.proxy.wait_for_status,
            managed,
            status='available',
            interval=0.2,
            wait=30,
        )
        self.assertEqual('error', self.proxy.get_snapshot(managed.id).status)

    def test_manage_of_an_unknown_volume_is_not_found(self):
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.manage_snapshot,
            volume_id='00000000-0000-4000-8000-000000000000',
            ref={'source-name': 'whatever'},
        )
        self.assertEqual(404, exc.status_code)

    def test_manageable_snapshots_of_the_volume_host(self):
        self.create_snapshot(self.volume)
        host = self.proxy.get_volume(self.volume.id).host
        self.assertTrue(host, 'the volume reports no os-vol-host-attr:host')
        counter = base.RequestCounter(self.admin)
        with counter.watching():
            summary = list(self.proxy.manageable_snapshots(host=host))
            detailed = list(
                self.proxy.manageable_snapshots(host=host, details=True)
            )
        # The fake driver's fake LVM offers no backend snapshot, so both
        # lists are empty; what matters is that the server answered 200
        # for this host at the negotiated microversion.
        self.assertEqual([], summary)
        self.assertEqual([], detailed)
        self.assertEqual(
            ['/manageable_snapshots?', '/manageable_snapshots/detail?'],
            [
                r.url[r.url.index('/manageable') : r.url.index('?') + 1]
                for r in counter.requests
            ],
        )
        for request in counter.requests:
            self.assertEqual(200, request.status_code)
            self.assertEqual(
                f'volume {self.proxy.snapshot_microversion}',
                request.api_version,
            )

    def test_manageable_snapshots_of_an_unknown_host(self):
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            list,
            self.proxy.manageable_snapshots(host='nohost@nothing#none'),
        )
        self.assertServerMessage(exc, 'could not be found on host nohost')
