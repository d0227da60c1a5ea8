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

"""Waiting for a snapshot's status and deletion, on a real Cinder."""

import threading
import time

from openstack import exceptions as sdk_exceptions

from snapshot_ext.tests.functional import base


def _percent(value):
    """A progress value as an int, whether given as 50 or "50%"."""
    if isinstance(value, str):
        return int(value.strip().rstrip('%'))
    return int(value)


class TestWait(base.FunctionalTestCase):
    #: The bound given to every wait under test, in seconds.
    BOUND = 30

    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        self.volume = self.shared_volume()

    def stuck_in(self, status):
        """An available snapshot put into ``status``, as now fetched.

        A wait returns at once, without a request, when the object it is
        given already has the awaited status; so the object is re-read
        after the reset, as a caller who sees the snapshot now would.
        """
        snap = self.create_snapshot(self.volume)
        self.proxy.reset_snapshot_status(snap, status)
        fetched = self.proxy.get_snapshot(snap.id)
        self.assertEqual(status, fetched.status)
        return fetched

    def test_wait_for_available(self):
        snap = self.create_snapshot(self.volume, wait=False)
        result = self.proxy.wait_for_status(
            snap, status='available', interval=0.2, wait=self.BOUND
        )
        self.assertEqual('available', result.status)
        self.assertEqual('available', self.proxy.get_snapshot(snap.id).status)

    def test_wait_reports_progress_to_the_callback(self):
        snap = self.stuck_in('creating')
        seen: list[int | str] = []

        def driver():
            # Plays a storage driver: 50% for a while, then done.
            self.proxy.set_snapshot_status(snap, 'creating', progress=50)
            time.sleep(1.5)
            self.proxy.set_snapshot_status(snap, 'available', progress=100)

        thread = threading.Thread(target=driver)
        thread.start()
        self.addCleanup(thread.join, 10)
        result = self.proxy.wait_for_status(
            snap,
            status='available',
            interval=0.2,
            wait=self.BOUND,
            callback=seen.append,
        )
        self.assertEqual('available', result.status)
        self.assertIn(50, [_percent(value) for value in seen])

    def test_wait_for_delete(self):
        snap = self.create_snapshot(self.volume)
        self.proxy.delete_snapshot(snap)
        self.proxy.wait_for_delete(snap, interval=0.2, wait=self.BOUND)
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.get_snapshot,
            snap.id,
        )

    def test_error_fails_the_wait_at_once(self):
        snap = self.stuck_in('error')
        start = time.monotonic()
        self.assertRaises(
            sdk_exceptions.ResourceFailure,
            self.proxy.wait_for_status,
            snap,
            status='available',
            interval=0.2,
            wait=self.BOUND,
        )
        # One or two polls, not the whole bound.
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual('error', self.proxy.get_snapshot(snap.id).status)

    def test_a_stuck_snapshot_times_out(self):
        snap = self.stuck_in('creating')
        start = time.monotonic()
        self.assertRaises(
            sdk_exceptions.ResourceTimeout,
            self.proxy.wait_for_status,
            snap,
            status='available',
            interval=0.2,
            wait=2,
        )
        elapsed = time.monotonic() - start
        self.assertGreaterEqual(elapsed, 1.5)
        self.assertLess(elapsed, 10)
        self.assertEqual('creating', self.proxy.get_snapshot(snap.id).status)
