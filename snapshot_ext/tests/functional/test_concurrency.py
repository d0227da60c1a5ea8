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

"""Many threads sharing one connection, on a real Cinder."""

from concurrent import futures

from snapshot_ext.tests.functional import base


class TestConcurrency(base.FunctionalTestCase):
    #: Snapshots created and deleted at the same time.
    COUNT = 20
    #: Threads sharing the one admin connection.
    THREADS = 10

    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        self.volume = self.create_volume()

    def listed(self):
        return {
            snap.id: snap.status
            for snap in self.proxy.snapshots(volume_id=self.volume.id)
        }

    def test_twenty_created_and_deleted_concurrently(self):
        prefix = self.unique_name('many')

        def create(index):
            snap = self.proxy.create_snapshot(
                volume_id=self.volume.id,
                name=f'{prefix}-{index:02d}',
                metadata={'index': str(index)},
            )
            return snap

        with futures.ThreadPoolExecutor(self.THREADS) as pool:
            created = list(pool.map(create, range(self.COUNT)))
        # Should a create fail, the volume's cleanup removes the others.
        ids = {snap.id for snap in created}
        for snap_id in ids:
            self.addCleanup(self.purge_snapshot, snap_id)
        self.assertEqual(self.COUNT, len(ids))

        def all_available():
            statuses = self.listed()
            if set(statuses) != ids:
                raise AssertionError(
                    f"the volume lists {len(statuses)} snapshots, "
                    f"expected exactly the {self.COUNT} created"
                )
            if 'error' in statuses.values():
                raise AssertionError(f"a snapshot failed: {statuses}")
            if set(statuses.values()) == {'available'}:
                return statuses
            return None

        self.poll(all_available, f'{self.COUNT} snapshots to be available')
        for snap in created:
            fetched = self.proxy.get_snapshot(snap.id)
            index = int(fetched.name.rsplit('-', 1)[1])
            self.assertEqual({'index': str(index)}, fetched.metadata)

        def delete(snap_id):
            self.proxy.delete_snapshot(snap_id, ignore_missing=False)

        with futures.ThreadPoolExecutor(self.THREADS) as pool:
            list(pool.map(delete, sorted(ids)))

        def all_gone():
            statuses = self.listed()
            if 'error_deleting' in statuses.values():
                raise AssertionError(f"a delete failed: {statuses}")
            return True if not statuses else None

        self.poll(all_gone, f'{self.COUNT} snapshots to be deleted')
        self.assertEqual([], self.volume_snapshot_ids(self.volume.id))
