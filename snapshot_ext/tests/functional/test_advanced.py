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

"""Functional tests of state-aware waits, bulk operations, the filter
check, dependents and retention pruning, against the devcloud."""

import datetime
import time
from typing import Any
import urllib.parse
import uuid

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.functional import base


def _path(url: str) -> str:
    """The path of a request below the project, e.g. ``/snapshots/x``."""
    path = urllib.parse.urlsplit(url).path
    parts = path.split('/')
    return '/' + '/'.join(parts[3:]) if len(parts) > 3 else path


class AdvancedTestCase(base.FunctionalTestCase):
    def volume_from_snapshot(self, snapshot_id: str, conn=None):
        """Create a volume from a snapshot; it is removed after the test."""
        conn = conn or self.admin
        proxy = base.block_storage(conn)
        vol = proxy.create_volume(
            size=1, snapshot_id=snapshot_id, name=self.unique_name('dep')
        )
        self.addCleanup(self.delete_volume, vol.id)
        return self.wait_volume_status(vol.id, 'available', conn)

    def delete_volume(self, volume_id: str) -> None:
        proxy = self.admin_proxy
        proxy.delete_volume(volume_id, ignore_missing=True)

        def gone():
            try:
                proxy.get_volume(volume_id)
            except sdk_exceptions.NotFoundException:
                return True
            return None

        self.poll(gone, f"volume {volume_id} to be deleted")

    def server_snapshot_ids(self, volume_id: str) -> set[str]:
        return set(self.volume_snapshot_ids(volume_id))


class TestWaits(AdvancedTestCase):
    def test_wait_for_delete_fails_at_once_on_error_deleting(self):
        vol = self.create_volume()
        snap = self.create_snapshot(vol)
        self.admin_proxy.reset_snapshot_status(snap.id, 'error_deleting')
        counter = base.RequestCounter(self.admin)
        with counter.watching():
            exc = self.assertRaises(
                exceptions.SnapshotNotDeleted,
                self.admin_proxy.wait_for_delete,
                snap,
                interval=0.2,
                wait=30,
            )
        self.assertIsInstance(exc, sdk_exceptions.ResourceFailure)
        # Also what stock openstacksdk raises (after its timeout).
        self.assertIsInstance(exc, sdk_exceptions.ResourceTimeout)
        self.assertEqual('error_deleting', exc.status)
        # One poll decided it: no waiting for the timeout.
        self.assertEqual(
            [('GET', f'/snapshots/{snap.id}')],
            [(r.method, _path(r.url)) for r in counter.requests],
        )

    def test_wait_for_status_fails_when_the_snapshot_disappears(self):
        vol = self.create_volume()
        snap = self.create_snapshot(vol, wait=False)
        self.wait_snapshot_status(snap.id, 'available')
        self.admin_proxy.delete_snapshot(snap.id)
        self.wait_snapshot_gone(snap.id)
        exc = self.assertRaises(
            exceptions.SnapshotGone,
            self.admin_proxy.wait_for_status,
            snap,
            'backing-up',
            interval=0.2,
            wait=30,
        )
        self.assertIsInstance(exc, exceptions.SnapshotFailure)
        # Also what stock openstacksdk raises.
        self.assertIsInstance(exc, sdk_exceptions.NotFoundException)
        self.assertIsNone(exc.status)
        self.assertIn('disappeared (404)', str(exc))

    def test_wait_for_snapshots_lists_once_per_poll(self):
        vol = self.create_volume(self.member)
        specs = [
            {'volume_id': vol.id, 'name': self.unique_name('many')}
            for _ in range(4)
        ]
        created = self.member_proxy.create_snapshots(specs)
        for item in created:
            if item.snapshot is not None:
                self.addCleanup(self.purge_snapshot, item.snapshot.id)
        self.assertTrue(created.ok, created.failed)
        counter = base.RequestCounter(self.member)
        with counter.watching():
            result = self.member_proxy.wait_for_snapshots(
                created.snapshots, interval=0.2, wait=60
            )
        self.assertTrue(result.ok, result.failed)
        self.assertEqual(
            ['available'] * 4, [s.status for s in result.snapshots]
        )
        paths = [_path(r.url) for r in counter.requests]
        self.assertTrue(paths)
        self.assertEqual({'/snapshots/detail'}, set(paths))
        for request in counter.requests:
            query = urllib.parse.parse_qs(
                urllib.parse.urlsplit(request.url).query
            )
            self.assertEqual({'volume_id': [vol.id]}, query)


class TestBulk(AdvancedTestCase):
    def test_create_and_delete_many_with_one_failure(self):
        vol = self.create_volume(self.member)
        missing_volume = str(uuid.uuid4())
        specs = [
            {'volume_id': vol.id, 'name': self.unique_name('bulk')}
            for _ in range(5)
        ]
        specs.insert(2, {'volume_id': missing_volume})
        result = self.member_proxy.create_snapshots(
            specs, concurrency=4, wait=True, interval=0.2, timeout=90
        )
        for item in result:
            if item.snapshot is not None:
                self.addCleanup(self.purge_snapshot, item.snapshot.id)
        self.assertEqual(
            [True, True, False, True, True, True], [r.ok for r in result]
        )
        self.assertIsInstance(
            result[2].error, sdk_exceptions.NotFoundException
        )
        self.assertIn(missing_volume, str(result[2].error))
        created = {s.id for s in result.snapshots}
        self.assertEqual(created, self.server_snapshot_ids(vol.id))
        self.assertEqual({'available'}, {s.status for s in result.snapshots})

        deleted = self.member_proxy.delete_snapshots(
            result.snapshots,
            concurrency=4,
            wait=True,
            interval=0.2,
            timeout=90,
        )
        self.assertTrue(deleted.ok, deleted.failed)
        self.assertEqual(set(), self.server_snapshot_ids(vol.id))

    def test_bulk_delete_refuses_what_cannot_be_deleted(self):
        vol = self.create_volume(self.member)
        keep = self.create_snapshot(vol, self.member)
        busy = self.create_snapshot(vol, self.member)
        plain = self.create_snapshot(vol, self.member)
        dependent = self.volume_from_snapshot(busy.id, self.member)
        self.admin_proxy.reset_snapshot_status(keep.id, 'backing-up')
        result = self.member_proxy.delete_snapshots(
            [keep, busy, plain], wait=True, interval=0.2, timeout=60
        )
        self.assertEqual([False, False, True], [r.ok for r in result])
        self.assertIsInstance(result[0].error, exceptions.SnapshotNotDeletable)
        self.assertIn("'backing-up'", str(result[0].error))
        refused = result[1].error
        if not isinstance(refused, exceptions.SnapshotNotDeletable):
            self.fail(f'not refused as not deletable: {refused!r}')
        self.assertEqual([dependent.id], refused.volume_ids)
        self.assertEqual({keep.id, busy.id}, self.server_snapshot_ids(vol.id))


class TestFiltersAndDependents(AdvancedTestCase):
    def test_check_filters_matches_the_servers_refusal(self):
        # Without the check, Cinder refuses name~ for a member (default
        # resource filters) with a 400 ...
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            list,
            self.member_proxy.snapshots(name_like='sxf'),
        )
        self.assertServerMessage(exc, 'Invalid filters name~')
        # ... with it, the same query is refused before the listing, and
        # the error names what is allowed.
        self.member_proxy.snapshot_filters()
        counter = base.RequestCounter(self.member)
        with counter.watching():
            refused = self.assertRaises(
                exceptions.InvalidSnapshotQuery,
                self.member_proxy.snapshots,
                check_filters=True,
                name_like='sxf',
            )
        self.assertEqual([], counter.requests)
        self.assertIn('allowed filters:', str(refused))
        self.assertIn('volume_id', str(refused))
        self.assertIn('volume_id', self.member_proxy.snapshot_filters())

    def test_volumes_from_snapshot_and_safe_delete(self):
        vol = self.create_volume(self.member)
        snap = self.create_snapshot(vol, self.member)
        other = self.create_snapshot(vol, self.member)
        dependent = self.volume_from_snapshot(snap.id, self.member)
        for proxy in (self.member_proxy, self.admin_proxy):
            found = proxy.volumes_from_snapshot(
                snap.id, all_projects=proxy is self.admin_proxy
            )
            self.assertEqual([dependent.id], [v.id for v in found])
            self.assertEqual(
                [],
                proxy.volumes_from_snapshot(
                    other.id, all_projects=proxy is self.admin_proxy
                ),
            )
        exc = self.assertRaises(
            exceptions.SnapshotNotDeletable,
            self.member_proxy.safe_delete_snapshot,
            snap,
        )
        self.assertEqual([dependent.id], exc.volume_ids)
        self.assertEqual(
            'available', self.member_proxy.get_snapshot(snap.id).status
        )
        self.member_proxy.safe_delete_snapshot(other)
        self.wait_snapshot_gone(other.id)


class TestPrune(AdvancedTestCase):
    def make_series(self, vol, count):
        """Snapshots of ``vol`` with distinct creation seconds, oldest
        first (Cinder stores created_at to the second)."""
        series = []
        for _ in range(count):
            series.append(self.create_snapshot(vol, self.member))
            time.sleep(1.1)
        return series

    def test_prune_keeps_the_newest_and_only_touches_that_volume(self):
        vol = self.create_volume(self.member)
        other_vol = self.create_volume(self.member)
        oldest, old, newer, newest = self.make_series(vol, 4)
        bystander = self.create_snapshot(other_vol, self.member)
        dependent = self.volume_from_snapshot(oldest.id, self.member)

        plan = self.member_proxy.prune_snapshots(vol.id, keep=2)
        self.assertTrue(plan.dry_run)
        self.assertEqual([newest.id, newer.id], [s.id for s in plan.kept])
        self.assertEqual([old.id], [s.id for s in plan.to_delete])
        (skipped,) = plan.skipped
        self.assertEqual(oldest.id, skipped.snapshot.id)
        self.assertIn(dependent.id, skipped.reason)
        self.assertEqual(
            {oldest.id, old.id, newer.id, newest.id},
            self.server_snapshot_ids(vol.id),
        )

        done = self.member_proxy.prune_snapshots(
            vol, keep=2, dry_run=False, wait=True, interval=0.2, timeout=60
        )
        self.assertTrue(done.ok, done.failed)
        self.assertEqual([old.id], [s.id for s in done.deleted])
        self.assertEqual(
            {oldest.id, newer.id, newest.id},
            self.server_snapshot_ids(vol.id),
        )
        self.assertEqual(
            {bystander.id}, self.server_snapshot_ids(other_vol.id)
        )

    def test_prune_many_volumes_at_once(self):
        vols = [self.create_volume(self.member) for _ in range(3)]
        bystander_vol = self.create_volume(self.member)
        # Two snapshots each of the first two volumes and of the
        # bystander, one of the third; created_at is stored to the
        # second, so the rounds are a second apart.
        series: list[list[Any]] = [[], [], [], []]
        for round_ in range(2):
            for index, vol in enumerate([*vols, bystander_vol]):
                if index == 2 and round_ == 0:
                    continue
                series[index].append(self.create_snapshot(vol, self.member))
            time.sleep(1.1)
        (old1, new1), (old2, new2), (only3,), bystanders = series
        dependent = self.volume_from_snapshot(old2.id, self.member)

        counter = base.RequestCounter(self.member)
        with counter.watching():
            first, second, third = (
                self.member_proxy.prune_snapshots_of_volumes(
                    [vols[0].id, vols[1], vols[2].id],
                    keep=1,
                    dry_run=False,
                    wait=True,
                    interval=0.2,
                    timeout=60,
                )
            )
        self.assertEqual(
            [v.id for v in vols], [r.volume_id for r in (first, second, third)]
        )
        self.assertTrue(first.ok, first.failed)
        self.assertEqual([old1.id], [s.id for s in first.deleted])
        self.assertEqual([new2.id], [s.id for s in second.kept])
        (skipped,) = second.skipped
        self.assertEqual(old2.id, skipped.snapshot.id)
        self.assertIn(dependent.id, skipped.reason)
        self.assertIsNone(second.deletions)
        self.assertEqual([only3.id], [s.id for s in third.kept])
        self.assertIsNone(third.deletions)
        # One listing of the project's snapshots before the deletion, one
        # volume listing, one delete, then the wait's listings.
        sent = '\n'.join(f'{r.method} {r.url}' for r in counter.requests)
        deletes = [r for r in counter.requests if r.method == 'DELETE']
        self.assertEqual(1, len(deletes))
        self.assertTrue(deletes[0].url.endswith(f'/snapshots/{old1.id}'))
        volume_listings = [
            r
            for r in counter.requests
            if r.method == 'GET' and '/volumes/detail' in r.url
        ]
        self.assertEqual(1, len(volume_listings), sent)
        before_delete = counter.requests[: counter.requests.index(deletes[0])]
        self.assertEqual(
            1,
            sum('/snapshots/detail' in r.url for r in before_delete),
            sent,
        )
        # The server agrees.
        self.assertEqual({new1.id}, self.server_snapshot_ids(vols[0].id))
        self.assertEqual(
            {old2.id, new2.id}, self.server_snapshot_ids(vols[1].id)
        )
        self.assertEqual({only3.id}, self.server_snapshot_ids(vols[2].id))
        self.assertEqual(
            {s.id for s in bystanders},
            self.server_snapshot_ids(bystander_vol.id),
        )

    def test_prune_by_age(self):
        vol = self.create_volume(self.member)
        first, second = self.make_series(vol, 2)
        created = self.member_proxy.get_snapshot(second.id).created
        assert created is not None
        age = datetime.datetime.now(datetime.timezone.utc) - created
        # Older than the second snapshot's age (plus a margin): only the
        # first one is old enough.
        result = self.member_proxy.prune_snapshots(
            vol.id,
            older_than=age + datetime.timedelta(milliseconds=500),
            dry_run=False,
            wait=True,
            interval=0.2,
            timeout=60,
        )
        self.assertEqual([first.id], [s.id for s in result.deleted])
        self.assertEqual({second.id}, self.server_snapshot_ids(vol.id))
