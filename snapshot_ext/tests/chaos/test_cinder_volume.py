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

"""cinder-volume stopped: snapshots stay in ``creating``."""

import time

from snapshot_ext import exceptions
from snapshot_ext.tests.chaos import base


class TestCinderVolumeStopped(base.ChaosTestCase):
    #: Snapshots asked for.
    COUNT = 3
    #: The timeout of create_snapshots, in seconds.
    TIMEOUT = 6

    def test_create_and_wait_ends_naming_the_stuck_snapshots(self):
        volume = self.create_volume()
        prefix = self.unique_name('stuck')
        specs = [
            {'volume_id': volume.id, 'name': f'{prefix}-{i}'}
            for i in range(self.COUNT)
        ]
        self.stop_service('cinder-volume')
        start = time.monotonic()
        result = self.admin_proxy.create_snapshots(
            specs, wait=True, timeout=self.TIMEOUT, interval=1
        )
        took = time.monotonic() - start
        for item in result:
            if item.id:
                self.addCleanup(self.purge_snapshot, item.id)

        # What the server holds while cinder-volume is still down, read
        # through a connection that took no part.
        held = self.server_snapshots(volume.id)

        # What the client reported: every create was accepted, and every
        # wait ended at the timeout, naming its snapshot and its status.
        self.assertEqual(self.COUNT, len(result))
        self.assertFalse(result.ok)
        self.assertLess(took, self.TIMEOUT + 5)
        for spec, item in zip(specs, result, strict=True):
            self.assertIsNotNone(item.id)
            self.assertIsInstance(item.error, exceptions.SnapshotTimeout)
            message = str(item.error)
            self.assertIn(item.id, message)
            self.assertIn("'creating'", message)
            snap = item.snapshot
            if snap is None:
                raise AssertionError(f'{item!r} has no snapshot')
            self.assertEqual('creating', snap.status)
            self.assertEqual(spec['name'], snap.name)
        self.assertEqual(
            {item.id: 'creating' for item in result},
            {sid: snap.status for sid, snap in held.items()},
        )
        self.note(
            f'{self.COUNT} snapshots reported stuck in creating after '
            f'{took:.1f} s (timeout {self.TIMEOUT} s); the server held '
            f'{len(held)} in creating'
        )
        self.note(str(result.failed[0].error))

        # Afterwards cinder-volume comes back; the cleanups (force delete,
        # after a status reset if needed) remove the snapshots.
        self.start_service('cinder-volume')
