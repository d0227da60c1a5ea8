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

"""Tests of prune_snapshots (retention)."""

import datetime
from typing import Any
import urllib.parse

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import volume as _stock_volume

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.test_bulk import OTHER_VID
from snapshot_ext.tests.unit.test_bulk import RESOURCE_FILTERS
from snapshot_ext.tests.unit.test_bulk import snap
from snapshot_ext.tests.unit.test_bulk import volume
from snapshot_ext.tests.unit.test_waiting import WaitTestCase
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import prune as _prune

VID = fakes.VOLUME_ID
DAY = datetime.timedelta(days=1)


def sid(letter: str) -> str:
    return f'{letter * 8}-0000-4000-8000-000000000000'


A, B, C, D, E, F, G, H, X = (sid(c) for c in 'abcdef01x')
DEPENDENT = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'


class PruneTestCase(WaitTestCase):
    """A volume with snapshots of every kind; now is 2026-11-27 12:00."""

    def created(self, days: float) -> str:
        when = self.clock.now() - days * DAY
        return when.replace(tzinfo=None).isoformat(timespec='microseconds')

    def setUp(self) -> None:
        super().setUp()
        # Listed in no particular order: pruning sorts by created_at.
        self.snapshots = [
            snap(G, status='available', created_at=self.created(12)),
            snap(A, status='available', created_at=self.created(1)),
            snap(C, status='error', created_at=self.created(0.5)),
            snap(B, status='available', created_at=self.created(2)),
            snap(D, status='available', created_at=self.created(5)),
            snap(E, status='creating', created_at=self.created(6)),
            snap(
                F,
                status='available',
                created_at=self.created(10),
                group_snapshot_id=sid('9'),
            ),
            snap(H, status='error', created_at=self.created(14)),
            # Another volume's snapshot that a server ignoring the
            # volume_id filter would list too.
            snap(
                X,
                status='available',
                created_at=self.created(30),
                volume_id=OTHER_VID,
            ),
        ]
        self.listing = self.mock(
            'GET', '/snapshots/detail', json={'snapshots': self.snapshots}
        )
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.volumes = self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [volume(DEPENDENT, D), volume(sid('7'), None)]},
        )
        self.deletes = {
            s: self.mock('DELETE', f'/snapshots/{s}', status_code=202)
            for s in (A, B, C, D, E, F, G, H, X)
        }

    def sent(self) -> list[str]:
        return [
            r.method
            + ' '
            + urllib.parse.urlsplit(r.url).path[len(fakes.PATH_PREFIX) :]
            for r in self.api_requests()
        ]

    def deleted(self) -> list[str]:
        return sorted(s for s, m in self.deletes.items() if m.call_count)


class TestPrune(PruneTestCase):
    def test_dry_run_is_the_default_and_deletes_nothing(self) -> None:
        result = self.proxy.prune_snapshots(VID, keep=2)
        self.assertTrue(result.dry_run)
        self.assertIsNone(result.deletions)
        # C (error) is newer than the two newest available snapshots.
        self.assertEqual([C, A, B], [s.id for s in result.kept])
        self.assertEqual([G, H], [s.id for s in result.to_delete])
        self.assertEqual([], result.deleted)
        skipped = {d.snapshot.id: d.reason for d in result.skipped}
        self.assertEqual([D, E, F], sorted(skipped))
        self.assertIn(DEPENDENT, skipped[D])
        self.assertIn("status is 'creating'", skipped[E])
        self.assertIn('group snapshot', skipped[F])
        self.assertNotIn(X, [d.snapshot.id for d in result.decisions])
        self.assertEqual(
            [C, A, B, D, E, F, G, H],
            [d.snapshot.id for d in result.decisions],
        )
        self.assertEqual([], self.deleted())
        self.assertEqual(
            [
                'GET /snapshots/detail',
                'GET /resource_filters',
                'GET /volumes/detail',
            ],
            self.sent(),
        )
        self.assert_request(
            self.listing.last_request,
            'GET',
            '/snapshots/detail',
            {'volume_id': [VID]},
        )
        self.assertEqual(
            f'<PruneResult volume {VID} (dry run): 3 kept, 2 to delete, '
            f'3 skipped, 0 failed>',
            repr(result),
        )

    def test_deletes_exactly_the_candidates(self) -> None:
        result = self.proxy.prune_snapshots(VID, keep=2, dry_run=False)
        self.assertFalse(result.dry_run)
        self.assertEqual(sorted([G, H]), self.deleted())
        self.assertEqual([G, H], [s.id for s in result.deleted])
        self.assertTrue(result.ok)
        for sid_ in (G, H):
            self.assert_request(
                self.deletes[sid_].last_request,
                'DELETE',
                f'/snapshots/{sid_}',
            )
        # The plan's check is the only one: no GET per snapshot.
        self.assertEqual(
            sorted(
                [
                    'GET /snapshots/detail',
                    'GET /resource_filters',
                    'GET /volumes/detail',
                ]
                + [f'DELETE /snapshots/{s}' for s in (G, H)]
            ),
            sorted(self.sent()),
        )

    def test_keep_and_older_than_each_keep(self) -> None:
        result = self.proxy.prune_snapshots(VID, keep=1, older_than=4 * DAY)
        self.assertEqual([C, A, B], [s.id for s in result.kept])
        reasons = {d.snapshot.id: d.reason for d in result.decisions}
        self.assertEqual(
            'fewer than 1 available snapshots are newer', reasons[C]
        )
        self.assertEqual('one of the 1 newest available snapshots', reasons[A])
        self.assertEqual('newer than 4 days, 0:00:00', reasons[B])
        self.assertEqual(
            '1 or more newer available snapshots exist and older than '
            '4 days, 0:00:00',
            reasons[G],
        )
        self.assertEqual([G, H], [s.id for s in result.to_delete])

    def test_older_than_alone(self) -> None:
        result = self.proxy.prune_snapshots(VID, older_than=11 * DAY)
        self.assertEqual([G, H], [s.id for s in result.to_delete])
        self.assertEqual([C, A, B, D, E, F], [s.id for s in result.kept])

    def test_keep_zero_deletes_every_deletable_snapshot(self) -> None:
        result = self.proxy.prune_snapshots(VID, keep=0)
        self.assertEqual([C, A, B, G, H], [s.id for s in result.to_delete])

    def test_nothing_is_deleted_without_keep_newer_available(self) -> None:
        # A, B, D, F and G are available: only H has five newer ones,
        # and nothing has six.
        result = self.proxy.prune_snapshots(VID, keep=5)
        self.assertEqual([H], [s.id for s in result.to_delete])
        result = self.proxy.prune_snapshots(VID, keep=6)
        self.assertEqual([], result.to_delete)

    def test_no_candidate_means_no_volume_listing(self) -> None:
        result = self.proxy.prune_snapshots(VID, keep=10, dry_run=False)
        self.assertEqual([], result.to_delete)
        self.assertIsNone(result.deletions)
        self.assertEqual(0, self.volumes.call_count)
        self.assertEqual(['GET /snapshots/detail'], self.sent())

    def test_failed_deletion_is_reported_and_others_proceed(self) -> None:
        self.mock(
            'DELETE',
            f'/snapshots/{G}',
            capture='err_delete_snapshot_in_creating',
        )
        result = self.proxy.prune_snapshots(VID, keep=2, dry_run=False)
        self.assertFalse(result.ok)
        self.assertEqual(
            f'<PruneResult volume {VID}: 3 kept, 2 to delete, 1 deleted, '
            f'3 skipped, 1 failed>',
            repr(result),
        )
        (failure,) = result.failed
        self.assertEqual(G, failure.id)
        self.assertIsInstance(
            failure.error, sdk_exceptions.BadRequestException
        )
        self.assertEqual([H], [s.id for s in result.deleted])
        self.assertRaises(
            exceptions.BulkOperationError, result.raise_for_errors
        )

    def test_wait_for_the_deletions(self) -> None:
        remaining = [s for s in self.snapshots if s['id'] not in (G, H)]
        self.answer(
            'GET',
            '/snapshots/detail',
            {'snapshots': self.snapshots},
            {'snapshots': remaining},
        )
        for sid_ in (G, H):
            self.answer('GET', f'/snapshots/{sid_}', 404)
        result = self.proxy.prune_snapshots(
            VID, keep=2, dry_run=False, wait=True
        )
        self.assertTrue(result.ok, result.failed)
        self.assertEqual([], self.clock.sleeps)
        self.assertEqual(2, self.sent().count('GET /snapshots/detail'))

    def test_volume_object_and_all_projects(self) -> None:
        self.proxy.prune_snapshots(
            _stock_volume.Volume(id=VID), keep=2, all_projects=True
        )
        self.assertEqual(
            {'volume_id': [VID], 'all_tenants': ['1']},
            urllib.parse.parse_qs(
                urllib.parse.urlsplit(self.listing.last_request.url).query
            ),
        )
        self.assertEqual({'all_tenants': ['1']}, self.volumes.last_request.qs)

    def test_unreadable_creation_time_is_skipped(self) -> None:
        self.mock(
            'GET',
            '/snapshots/detail',
            json={
                'snapshots': [snap(A, status='available', created_at='soon')]
            },
        )
        result = self.proxy.prune_snapshots(VID, keep=0)
        (decision,) = result.decisions
        self.assertEqual('skip', decision.action)
        self.assertIn("'soon'", decision.reason)

    def test_bad_arguments_are_refused_before_any_request(self) -> None:
        cases: list[tuple[Any, dict[str, Any]]] = [
            (VID, {}),
            (VID, {'keep': -1}),
            (VID, {'keep': 1.5}),
            (VID, {'keep': True}),
            (VID, {'older_than': 5}),
            (VID, {'older_than': -DAY}),
            (None, {'keep': 1}),
            ('', {'keep': 1}),
            (VID, {'keep': 1, 'dry_run': 'no'}),
            (VID, {'keep': 1, 'concurrency': 0}),
            (VID, {'keep': 1, 'wait': None}),
            (VID, {'keep': 1, 'timeout': 'long'}),
        ]
        for given, kwargs in cases:
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.prune_snapshots,
                given,
                **kwargs,
            )
        self.assert_no_api_request()

    def test_plan_is_usable_on_its_own(self) -> None:
        now = self.clock.now()
        snaps = [
            _snapshot.Snapshot(
                id=sid_,
                status='available',
                volume_id=VID,
                created_at=(now - age).replace(tzinfo=None).isoformat(),
            )
            for sid_, age in ((B, 3 * DAY), (A, DAY))
        ]
        decisions = _prune.plan(snaps, 1, None, now, {})
        self.assertEqual(
            [(A, 'keep'), (B, 'delete')],
            [(d.snapshot.id, d.action) for d in decisions],
        )
