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

"""Input the API would refuse is refused before any request is sent.

Each test watches the connection's HTTP session and asserts that not one
request reached a server, then re-reads the snapshot to show that nothing
changed on the server either.
"""

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.functional import base


class TestRefusedBeforeSending(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        self.volume = self.shared_volume()
        self.snap = self.create_snapshot(
            self.volume, description='unchanged', metadata={'k': 'v'}
        )

    def assertUnchanged(self):
        snap = self.proxy.get_snapshot(self.snap.id)
        self.assertEqual('available', snap.status)
        self.assertEqual(self.snap.name, snap.name)
        self.assertEqual('unchanged', snap.description)
        self.assertEqual({'k': 'v'}, snap.metadata)
        self.assertEqual(
            [self.snap.id], self.volume_snapshot_ids(self.volume.id)
        )

    def refused(self, func, *args, **kwargs):
        exc = self.assertNoRequest(
            self.admin,
            exceptions.InvalidSnapshotRequest,
            func,
            *args,
            **kwargs,
        )
        # Callers that catch openstacksdk's exceptions catch these too,
        # also as the BadRequestException the server's 400 would raise.
        self.assertIsInstance(exc, sdk_exceptions.InvalidRequest)
        self.assertIsInstance(exc, sdk_exceptions.BadRequestException)
        return exc

    def test_create_without_volume_id(self):
        exc = self.refused(self.proxy.create_snapshot, name='no volume')
        self.assertIn('volume_id', str(exc))
        self.assertUnchanged()

    def test_create_with_non_string_metadata_value(self):
        exc = self.refused(
            self.proxy.create_snapshot,
            volume_id=self.volume.id,
            metadata={'count': 3},
        )
        self.assertIn('count', str(exc))
        self.assertUnchanged()

    def test_create_with_unknown_attribute(self):
        self.refused(
            self.proxy.create_snapshot, volume_id=self.volume.id, size=5
        )
        self.assertUnchanged()

    def test_create_with_too_long_name(self):
        self.refused(
            self.proxy.create_snapshot,
            volume_id=self.volume.id,
            name='x' * 256,
        )
        self.assertUnchanged()

    def test_create_with_non_bool_force(self):
        # 'false' is a boolean to Cinder; 'maybe' is not.
        self.refused(
            self.proxy.create_snapshot,
            volume_id=self.volume.id,
            force='maybe',
        )
        self.assertUnchanged()

    def test_reset_to_unknown_status(self):
        exc = self.refused(
            self.proxy.reset_snapshot_status, self.snap, 'bogus'
        )
        self.assertIn('bogus', str(exc))
        self.assertUnchanged()

    def test_set_unknown_status(self):
        self.refused(self.proxy.set_snapshot_status, self.snap, 'bogus')
        # 'deleted' is a real status, but not one a driver may report.
        self.refused(self.proxy.set_snapshot_status, self.snap, 'deleted')
        self.assertUnchanged()

    def test_set_status_with_malformed_progress(self):
        for progress in ('half', '50.5%', 101, -1, True, '150%'):
            self.refused(
                self.proxy.set_snapshot_status,
                self.snap,
                'available',
                progress=progress,
            )
        self.assertUnchanged()

    def test_update_with_nothing_to_change(self):
        # As openstacksdk: nothing is sent, the snapshot comes back.
        counter = base.RequestCounter(self.admin)
        with counter.watching():
            self.assertIs(self.snap, self.proxy.update_snapshot(self.snap))
        self.assertEqual([], counter.requests)
        self.assertUnchanged()

    def test_update_of_a_field_that_cannot_change(self):
        self.refused(
            self.proxy.update_snapshot, self.snap, metadata={'k': 'w'}
        )
        self.refused(self.proxy.update_snapshot, self.snap, name=42)
        self.assertUnchanged()

    def test_metadata_with_non_string_value(self):
        self.refused(self.proxy.set_snapshot_metadata, self.snap, k=1)
        self.refused(self.proxy.replace_snapshot_metadata, self.snap, k=None)
        self.assertUnchanged()

    def test_metadata_key_cinder_does_not_allow(self):
        exc = self.refused(
            self.proxy.set_snapshot_metadata, self.snap, **{'what?': 'y'}
        )
        self.assertIn("'what?'", str(exc))
        self.refused(
            self.proxy.replace_snapshot_metadata, self.snap, **{'a/b': 'y'}
        )
        self.assertUnchanged()

    def test_delete_metadata_keys_given_as_one_string(self):
        self.refused(self.proxy.delete_snapshot_metadata, self.snap, keys='k')
        self.assertUnchanged()

    def test_empty_snapshot_id(self):
        self.refused(self.proxy.get_snapshot, '')
        self.refused(self.proxy.delete_snapshot, '')
        self.refused(self.proxy.force_delete_snapshot, None)

    def test_manage_without_ref(self):
        self.refused(self.proxy.manage_snapshot, volume_id=self.volume.id)
        self.refused(
            self.proxy.manage_snapshot, volume_id=self.volume.id, ref={}
        )
        self.assertUnchanged()

    def test_unknown_list_filter(self):
        exc = self.assertNoRequest(
            self.admin,
            exceptions.InvalidSnapshotQuery,
            self.proxy.snapshots,
            volume_id=self.volume.id,
            colour='blue',
        )
        self.assertIn('colour', str(exc))
        self.assertIn('openstacksdk would drop it', str(exc))
        self.assertIsInstance(exc, sdk_exceptions.BadRequestException)

    def test_listing_is_checked_when_called_not_when_consumed(self):
        counter = base.RequestCounter(self.admin)
        with counter.watching():
            self.assertRaises(
                exceptions.InvalidSnapshotQuery,
                self.proxy.snapshot_pages,
                colour='blue',
            )
        self.assertEqual([], counter.requests)

    def test_malformed_list_options(self):
        for query in (
            {'limit': -1},
            {'limit': 'two'},
            {'offset': -1},
            {'sort': 'name:up'},
            {'sort': 'name', 'sort_key': 'name'},
            {'metadata': {'k': 1}},
            {'consumes_quota': 'maybe'},
            {'with_count': 2},
            {'all_projects': 'maybe'},
            {'max_items': 0},
            {'status': ['available']},
        ):
            self.assertNoRequest(
                self.admin,
                exceptions.InvalidSnapshotQuery,
                self.proxy.snapshots,
                **query,
            )


class TestAcceptedAsStockOpenstacksdk(base.FunctionalTestCase):
    """Input stock openstacksdk sends and Cinder accepts works here too."""

    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        self.volume = self.shared_volume()
        self.snap = self.create_snapshot(self.volume, description='kept')

    def test_all_tenants_values_cinder_accepts(self):
        for value in (1, '1', 'true', True, 'yes'):
            found = self.admin.list_volume_snapshots(
                filters={'all_tenants': value, 'volume_id': self.volume.id}
            )
            self.assertEqual([self.snap.id], [s.id for s in found])
        for value in (0, '0', 'false'):
            found = list(
                self.proxy.snapshots(
                    all_tenants=value, volume_id=self.volume.id
                )
            )
            self.assertEqual([self.snap.id], [s.id for s in found])

    def test_attribute_filters_compared_on_the_client(self):
        found = list(
            self.proxy.snapshots(
                volume_id=self.volume.id,
                description='kept',
                size=self.volume.size,
            )
        )
        self.assertEqual([self.snap.id], [s.id for s in found])
        self.assertEqual(
            [],
            list(
                self.proxy.snapshots(
                    volume_id=self.volume.id, description='other'
                )
            ),
        )

    def test_availability_zone_filter(self):
        zone = self.proxy.get_volume(self.volume.id).availability_zone
        # Alone: Cinder 29 answers 500 when availability_zone is combined
        # with volume_id (its query joins volumes and then looks for
        # volume_id on them).
        found = [s.id for s in self.proxy.snapshots(availability_zone=zone)]
        self.assertIn(self.snap.id, found)
        self.assertEqual(
            [], list(self.proxy.snapshots(availability_zone='no-such-zone'))
        )

    def test_limit_zero_is_an_empty_listing(self):
        # As openstacksdk sends it: Cinder answers limit=0 with an empty
        # page.
        self.assertEqual([], list(self.proxy.snapshots(limit=0)))

    def test_reset_status_in_upper_case(self):
        self.proxy.reset_snapshot_status(self.snap, 'AVAILABLE')
        self.assertEqual(
            'available', self.proxy.get_snapshot(self.snap.id).status
        )


class TestMicroversionCeiling(base.FunctionalTestCase):
    """A connection configured for 3.40 refuses what needs more."""

    def setUp(self):
        super().setUp()
        self.old = self.new_connection(
            base.ADMIN_CLOUD, block_storage_api_version='3.40'
        )
        self.proxy = base.block_storage(self.old)

    def test_negotiated_version_is_the_configured_one(self):
        self.assertEqual('3.40', self.proxy.snapshot_microversion)

    def test_with_count_needs_3_45(self):
        exc = self.assertNoRequest(
            self.old,
            exceptions.MicroversionUnavailable,
            self.proxy.snapshots,
            with_count=True,
        )
        self.assertEqual('3.45', exc.required)
        self.assertEqual('3.40', exc.available)
        self.assertIsInstance(exc, sdk_exceptions.NotSupported)

    def test_consumes_quota_filter_needs_3_65(self):
        exc = self.assertNoRequest(
            self.old,
            exceptions.MicroversionUnavailable,
            self.proxy.snapshots,
            consumes_quota=True,
        )
        self.assertEqual('3.65', exc.required)

    def test_features_older_than_the_ceiling_work(self):
        volume = self.shared_volume()
        snap = self.create_snapshot(
            volume, self.old, metadata={'tier': 'gold'}
        )
        # Metadata filter (3.22), sort by name (3.30), like filter (3.34).
        found = list(
            self.proxy.snapshots(
                volume_id=volume.id,
                metadata={'tier': 'gold'},
                sort='name:asc',
                name_like=snap.name[-8:],
            )
        )
        self.assertEqual([snap.id], [s.id for s in found])
        # The server answers at 3.40: without 3.41's user_id and 3.65's
        # consumes_quota, which the same GET at 3.71 has.
        counter = base.RequestCounter(self.old)
        with counter.watching():
            fetched = self.proxy.get_snapshot(snap.id)
        self.assertEqual('volume 3.40', counter.requests[0].api_version)
        self.assertIsNone(fetched.user_id)
        self.assertIsNone(fetched.consumes_quota)
        current = self.admin_proxy.get_snapshot(snap.id)
        self.assertIsNotNone(current.user_id)
        self.assertIs(True, current.consumes_quota)
