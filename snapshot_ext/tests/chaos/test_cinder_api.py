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

"""cinder-api restarted in the middle of an operation.

The fault is made from the operation itself (its callback, a response
hook, or between two pages): cinder-api is stopped there, before the next
request, and started again on another thread, as a deploy restarting it
would.  Requests meanwhile find the port closed; the transport policy
retries those that are safe to repeat.
"""

import collections
import time

from keystoneauth1 import exceptions as ks_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.chaos import base

SERVICE = 'cinder-api'
TRANSPORT_LOG = 'snapshot_ext.v3._transport'


class TestCinderApiRestarted(base.ChaosTestCase):
    #: Connection retries of the tests that outlast the restart: backing
    #: off 0.5 s, doubling, they wait 31.5 s in all, which a restart of
    #: cinder-api on a slow machine takes well within (the default three
    #: wait 3.5 s, less than some restarts take).
    OUTLAST_RETRIES = 6

    def setUp(self):
        super().setUp()
        self.volume = self.create_volume()
        self.retries = self.capture_log(TRANSPORT_LOG)

    def make_snapshots(self, count):
        return self.bulk_snapshots(
            self.admin_proxy, self.volume.id, count, self.unique_name('api')
        )

    def restart_here(self, then=None):
        """Stop cinder-api now; start it again on another thread."""
        self.stop_service(SERVICE)
        self.start_in_background(SERVICE, then)

    def test_wait_for_snapshots_completes(self):
        ids = self.make_snapshots(4)
        for sid in ids:
            self.admin_proxy.reset_snapshot_status(sid, 'creating')
        proxy, recorder = self.watched(
            block_storage_connect_retries=self.OUTLAST_RETRIES
        )
        polls = []

        def make_available():
            for sid in ids:
                self.admin_proxy.reset_snapshot_status(sid, 'available')

        def callback(progress):
            polls.append(time.monotonic())
            if len(polls) == 1:
                self.restart_here(then=make_available)

        start = time.monotonic()
        result = proxy.wait_for_snapshots(
            ids, interval=0.5, wait=self.WAIT, callback=callback
        )
        took = time.monotonic() - start
        self.join_background()

        self.assertTrue(result.ok, result.failed)
        self.assertEqual(ids, [item.id for item in result])
        self.assertGreaterEqual(len(polls), 2)
        self.assertNotEqual([], self.retries, 'no request met the restart')
        held = self.server_snapshots(self.volume.id)
        self.assertEqual(
            {sid: 'available' for sid in ids},
            {sid: s.status for sid, s in held.items()},
        )
        self.note(
            f'wait for {len(ids)}: completed in {took:.1f} s, '
            f'{len(polls)} polls, {len(self.retries)} retried requests '
            f'while cinder-api restarted'
        )

    def test_bulk_delete_completes(self):
        ids = self.make_snapshots(6)
        proxy, recorder = self.watched(
            block_storage_connect_retries=self.OUTLAST_RETRIES
        )
        recorder.on(
            lambda s: s.method == 'DELETE' and s.status_code == 202,
            self.restart_here,
        )
        start = time.monotonic()
        result = proxy.delete_snapshots(
            ids,
            concurrency=1,
            wait=True,
            timeout=self.WAIT,
            interval=0.5,
        )
        took = time.monotonic() - start
        self.join_background()

        deletes = collections.Counter(
            s.url.rsplit('/', 1)[-1]
            for s in recorder.answered('DELETE', '/snapshots/')
        )
        self.assertEqual({sid: 1 for sid in ids}, dict(deletes))
        self.assertNotEqual([], self.retries, 'no request met the restart')
        held = self.server_snapshots(self.volume.id)
        unknown = [
            item.id
            for item in result.failed
            if isinstance(item.error, exceptions.RequestOutcomeUnknown)
        ]
        self.assertEqual([], unknown)
        self.assertTrue(result.ok, result.failed)
        self.assertEqual({}, held)
        self.note(
            f'delete of {len(ids)}: completed in {took:.1f} s, each '
            f'DELETE answered once, {len(self.retries)} retried requests'
        )

    def test_paged_listing_completes(self):
        ids = self.make_snapshots(6)
        proxy, recorder = self.watched(
            block_storage_connect_retries=self.OUTLAST_RETRIES
        )
        pages = proxy.snapshot_pages(volume_id=self.volume.id, page_size=2)
        first = next(pages)
        self.restart_here()
        rest = list(pages)
        self.join_background()

        listed = [s.id for page in [first, *rest] for s in page]
        self.assertEqual(len(listed), len(set(listed)), 'listed twice')
        self.assertEqual(sorted(ids), sorted(listed))
        self.assertNotEqual([], self.retries, 'no request met the restart')
        self.assertEqual(
            sorted(listed), sorted(self.server_snapshots(self.volume.id))
        )
        self.note(
            f'{len(listed)} snapshots in {1 + len(rest)} pages, cinder-api '
            f'restarted after page 1; {len(self.retries)} retried requests'
        )

    def test_paged_listing_down_too_long_is_not_whole(self):
        ids = self.make_snapshots(6)
        proxy, recorder = self.watched(block_storage_connect_retries=1)
        pages = proxy.snapshot_pages(volume_id=self.volume.id, page_size=2)
        first = next(pages)
        self.stop_service(SERVICE)
        start = time.monotonic()
        error = self.assertRaises(exceptions.ListingInterrupted, list, pages)
        took = time.monotonic() - start
        self.start_service(SERVICE)

        self.assertEqual(1, error.pages)
        self.assertEqual(len(first.items), error.items)
        self.assertIn('127.0.0.1:8776', str(error.cause))
        # The server still holds every snapshot: the listing was partial,
        # and said so.
        self.assertEqual(
            sorted(ids), sorted(self.server_snapshots(self.volume.id))
        )
        self.note(
            f'cinder-api down after page 1: ListingInterrupted after '
            f'{took:.1f} s: {error}'
        )

    def test_wait_for_snapshots_down_too_long_names_the_pending(self):
        ids = self.make_snapshots(3)
        done, pending = ids[0], ids[1:]
        for sid in pending:
            self.admin_proxy.reset_snapshot_status(sid, 'creating')
        proxy, recorder = self.watched(block_storage_connect_retries=1)
        polls = []

        def callback(progress):
            polls.append(progress)
            if len(polls) == 1:
                self.stop_service(SERVICE)

        start = time.monotonic()
        with self.assertRaises(ks_exceptions.ConnectFailure) as caught:
            proxy.wait_for_snapshots(
                ids, interval=0.5, wait=self.WAIT, callback=callback
            )
        took = time.monotonic() - start
        self.start_service(SERVICE)

        message = str(caught.exception)
        self.assertIn('127.0.0.1:8776', message)
        for sid in pending:
            self.assertIn(sid, message)
        self.assertNotIn(done, message)
        self.assertIn('(1 had finished)', message)
        held = self.server_snapshots(self.volume.id)
        self.assertEqual(
            {done: 'available', **{sid: 'creating' for sid in pending}},
            {sid: s.status for sid, s in held.items()},
        )
        self.note(
            f'cinder-api down during a wait for {len(ids)}: '
            f'{type(caught.exception).__name__} after {took:.1f} s: '
            f'{message}'
        )
