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

"""Tests of prune_snapshots_of_volumes (retention over many volumes)."""

from typing import Any

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import volume as _stock_volume

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.test_bulk import OTHER_VID
from snapshot_ext.tests.unit.test_bulk import RESOURCE_FILTERS
from snapshot_ext.tests.unit.test_bulk import snap
from snapshot_ext.tests.unit.test_bulk import volume
from snapshot_ext.tests.unit.test_prune import DAY
from snapshot_ext.tests.unit.test_prune import DEPENDENT
from snapshot_ext.tests.unit.test_prune import PruneTestCase
from snapshot_ext.tests.unit.test_prune import sid

V1 = fakes.VOLUME_ID
V2 = '22222222-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
V3 = '33333333-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
# V1's snapshots.
A1, B1, D1, G1 = (sid(c) for c in 'abdf')
# V2's, V3's and a volume not given.
P2, Q2, R2, S2 = (sid(c) for c in '2345')
T3 = sid('6')
X = sid('9')
ALL = (A1, B1, D1, G1, P2, Q2, R2, S2, T3, X)


class ManyTestCase(PruneTestCase):
    """Three volumes with snapshots, listed project-wide on two pages.

    V1: A1, B1 kept, D1 skipped (a volume was created from it), G1
    deleted.  V2: P2, Q2 kept, R2 (error) and S2 deleted.  V3: only T3,
    kept.  X belongs to a volume that is not given.
    """

    def setUp(self) -> None:
        super().setUp()
        self.first_page = [
            snap(G1, status='available', created_at=self.created(12)),
            snap(
                P2,
                status='available',
                created_at=self.created(1),
                volume_id=V2,
            ),
            snap(A1, status='available', created_at=self.created(1)),
            snap(
                X,
                status='available',
                created_at=self.created(30),
                volume_id=OTHER_VID,
            ),
            snap(
                S2,
                status='available',
                created_at=self.created(9),
                volume_id=V2,
            ),
        ]
        self.second_page = [
            snap(D1, status='available', created_at=self.created(5)),
            snap(R2, status='error', created_at=self.created(8), volume_id=V2),
            snap(B1, status='available', created_at=self.created(2)),
            snap(
                T3,
                status='available',
                created_at=self.created(1),
                volume_id=V3,
            ),
            snap(
                Q2,
                status='available',
                created_at=self.created(3),
                volume_id=V2,
            ),
        ]
        self.pages = self.answer(
            'GET',
            '/snapshots/detail',
            {
                'snapshots': self.first_page,
                'snapshots_links': [
                    {
                        'rel': 'next',
                        'href': f'{fakes.ENDPOINT}/snapshots/detail'
                        f'?marker={S2}',
                    }
                ],
            },
            {'snapshots': self.second_page},
            # Any later listing (the wait's polls): nothing left.
            {'snapshots': []},
        )
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.volumes = self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [volume(DEPENDENT, D1), volume(sid('7'), X)]},
        )
        self.deletes = {
            s: self.mock('DELETE', f'/snapshots/{s}', status_code=202)
            for s in ALL
        }

    def prune(self, **kwargs: Any) -> list[Any]:
        kwargs.setdefault('keep', 2)
        return self.proxy.prune_snapshots_of_volumes([V1, V2, V3], **kwargs)


class TestPruneMany(ManyTestCase):
    def test_dry_run_splits_decisions_by_volume(self) -> None:
        first, second, third = self.prune()
        self.assertEqual(
            [V1, V2, V3], [r.volume_id for r in (first, second, third)]
        )
        for result in (first, second, third):
            self.assertTrue(result.dry_run)
            self.assertIsNone(result.deletions)
        self.assertEqual(
            [(A1, 'keep'), (B1, 'keep'), (D1, 'skip'), (G1, 'delete')],
            [(d.snapshot.id, d.action) for d in first.decisions],
        )
        self.assertIn(DEPENDENT, first.skipped[0].reason)
        self.assertEqual(
            [(P2, 'keep'), (Q2, 'keep'), (R2, 'delete'), (S2, 'delete')],
            [(d.snapshot.id, d.action) for d in second.decisions],
        )
        self.assertEqual(
            [(T3, 'keep')],
            [(d.snapshot.id, d.action) for d in third.decisions],
        )
        self.assertEqual([], self.deleted())
        self.assertEqual(
            [
                'GET /snapshots/detail',
                'GET /snapshots/detail',
                'GET /resource_filters',
                'GET /volumes/detail',
            ],
            self.sent(),
        )

    def test_requests_are_exact(self) -> None:
        self.prune()
        first, second, filters, volumes = self.api_requests()
        # The project's listing, unfiltered, then its next page.
        self.assert_request(first, 'GET', '/snapshots/detail')
        self.assert_request(
            second, 'GET', '/snapshots/detail', {'marker': [S2]}
        )
        self.assert_request(filters, 'GET', '/resource_filters')
        self.assert_request(
            volumes,
            'GET',
            '/volumes/detail',
            microversion=fakes.VOLUME_MICROVERSION,
        )

    def test_same_decisions_as_one_volume_at_a_time(self) -> None:
        many = self.prune(older_than=4 * DAY)
        for vid, result in zip((V1, V2, V3), many, strict=True):
            listed = [
                s
                for s in self.first_page + self.second_page
                if s['volume_id'] == vid
            ]
            self.mock('GET', '/snapshots/detail', json={'snapshots': listed})
            one = self.proxy.prune_snapshots(vid, keep=2, older_than=4 * DAY)
            self.assertEqual(
                [(d.snapshot.id, d.action, d.reason) for d in one.decisions],
                [
                    (d.snapshot.id, d.action, d.reason)
                    for d in result.decisions
                ],
            )

    def test_deletes_and_splits_the_results(self) -> None:
        first, second, third = self.prune(dry_run=False)
        self.assertEqual(sorted([G1, R2, S2]), self.deleted())
        assert first.deletions is not None
        assert second.deletions is not None
        self.assertEqual([G1], [i.snapshot.id for i in first.deletions])
        self.assertEqual([R2, S2], [i.snapshot.id for i in second.deletions])
        self.assertEqual([R2, S2], [s.id for s in second.deleted])
        # Nothing to delete: no deletions, as prune_snapshots would say.
        self.assertIsNone(third.deletions)
        self.assertTrue(all(r.ok for r in (first, second, third)))
        for sid_ in (G1, R2, S2):
            self.assert_request(
                self.deletes[sid_].last_request,
                'DELETE',
                f'/snapshots/{sid_}',
            )
        # 2 listing pages + 1 volume listing (with its filter check) +
        # 3 deletes, and nothing per snapshot or per volume.
        self.assertEqual(
            sorted(
                ['GET /snapshots/detail'] * 2
                + ['GET /resource_filters', 'GET /volumes/detail']
                + [f'DELETE /snapshots/{s}' for s in (G1, R2, S2)]
            ),
            sorted(self.sent()),
        )

    def test_wait_polls_once_for_all_volumes(self) -> None:
        # The fake token names no project, so each snapshot the poll no
        # longer lists is fetched once to tell it is gone.
        for sid_ in (G1, R2, S2):
            self.answer('GET', f'/snapshots/{sid_}', 404)
        results = self.prune(dry_run=False, wait=True)
        self.assertEqual(
            [], [(f.id, f.error) for r in results for f in r.failed]
        )
        self.assertEqual([], self.clock.sleeps)
        sent = self.sent()
        # 2 pages, the filter check and the volume listing, 3 deletes,
        # then one poll listing for all three volumes (and its fetches).
        self.assertEqual(3, sent.count('GET /snapshots/detail'))
        self.assertEqual(1, sent.count('GET /volumes/detail'))
        self.assertEqual(
            sorted(f'GET /snapshots/{s}' for s in (G1, R2, S2)),
            sorted(
                r
                for r in sent
                if r.startswith('GET /snapshots/') and not r.endswith('detail')
            ),
        )
        self.assertEqual(11, len(sent))
        # The poll lists the project's snapshots: they span two volumes.
        self.assert_request(
            self.pages.last_request, 'GET', '/snapshots/detail'
        )

    def test_one_volumes_failure_stays_in_its_result(self) -> None:
        self.mock(
            'DELETE',
            f'/snapshots/{S2}',
            capture='err_delete_snapshot_in_creating',
        )
        first, second, third = self.prune(dry_run=False)
        self.assertTrue(first.ok)
        self.assertEqual([G1], [s.id for s in first.deleted])
        self.assertFalse(second.ok)
        (failure,) = second.failed
        self.assertEqual(S2, failure.id)
        self.assertIsInstance(
            failure.error, sdk_exceptions.BadRequestException
        )
        self.assertEqual([R2], [s.id for s in second.deleted])
        self.assertTrue(third.ok)
        self.assertRaises(
            exceptions.BulkOperationError, second.raise_for_errors
        )

    def test_no_candidate_anywhere_means_no_volume_listing(self) -> None:
        results = self.prune(keep=10, dry_run=False)
        self.assertEqual([[], [], []], [r.to_delete for r in results])
        self.assertEqual(['GET /snapshots/detail'] * 2, self.sent())

    def test_volume_objects_and_iterables_are_taken(self) -> None:
        results = self.proxy.prune_snapshots_of_volumes(
            (v for v in (_stock_volume.Volume(id=V2), V3)), keep=2
        )
        self.assertEqual([V2, V3], [r.volume_id for r in results])
        self.assertEqual([R2, S2], [s.id for s in results[0].to_delete])

    def test_empty_list_sends_nothing(self) -> None:
        self.assertEqual([], self.proxy.prune_snapshots_of_volumes([], keep=2))
        self.assert_no_api_request()

    def test_all_projects_lists_each_volume(self) -> None:
        for vid in (V1, V2, V3):
            listed = [
                s
                for s in self.first_page + self.second_page
                if s['volume_id'] == vid
            ]
            self.requests_mock.register_uri(
                'GET',
                f'{fakes.ENDPOINT}/snapshots/detail?volume_id={vid}',
                json={'snapshots': listed},
                headers={'x-openstack-request-id': fakes.REQUEST_ID},
            )
        results = self.prune(all_projects=True)
        self.assertEqual(
            [[G1], [R2, S2], []],
            [[s.id for s in r.to_delete] for r in results],
        )
        listings = self.api_requests()[:3]
        for request, vid in zip(listings, (V1, V2, V3), strict=True):
            self.assert_request(
                request,
                'GET',
                '/snapshots/detail',
                {'volume_id': [vid], 'all_tenants': ['1']},
            )
        self.assertEqual({'all_tenants': ['1']}, self.volumes.last_request.qs)
        self.assertEqual(
            ['GET /snapshots/detail'] * 3
            + ['GET /resource_filters', 'GET /volumes/detail'],
            self.sent(),
        )

    def test_bad_arguments_are_refused_before_any_request(self) -> None:
        vol = _stock_volume.Volume(id=V1)
        cases: list[tuple[Any, dict[str, Any], str]] = [
            (V1, {'keep': 1}, 'use prune_snapshots'),
            (vol, {'keep': 1}, 'use prune_snapshots'),
            ({V1: 1}, {'keep': 1}, 'list of volume IDs'),
            (None, {'keep': 1}, 'list of volume IDs'),
            (7, {'keep': 1}, 'list of volume IDs'),
            ([V1, None], {'keep': 1}, 'volumes[1]'),
            ([V1, ''], {'keep': 1}, 'volumes[1]'),
            ([V1, 5], {'keep': 1}, 'volumes[1]'),
            ([V1, V2, vol], {'keep': 1}, 'volumes[2] is volume'),
            ([V1], {}, 'give keep'),
            ([V1], {'keep': -1}, 'keep'),
            ([V1], {'keep': True}, 'keep'),
            ([V1], {'older_than': 5}, 'older_than'),
            ([V1], {'older_than': -DAY}, 'older_than'),
            ([V1], {'keep': 1, 'dry_run': 'no'}, 'dry_run'),
            ([V1], {'keep': 1, 'concurrency': 0}, 'concurrency'),
            ([V1], {'keep': 1, 'wait': None}, 'wait'),
            ([V1], {'keep': 1, 'timeout': 'long'}, 'number of seconds'),
            ([V1], {'keep': 1, 'all_projects': 1}, 'all_projects'),
            ([], {'keep': -1}, 'keep'),
        ]
        for given, kwargs, words in cases:
            with self.subTest(given=given, kwargs=kwargs):
                error = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.prune_snapshots_of_volumes,
                    given,
                    **kwargs,
                )
                self.assertIn(words, str(error))
        self.assert_no_api_request()

    def test_duplicate_names_both_indexes(self) -> None:
        error = self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.prune_snapshots_of_volumes,
            [V1, V2, V1],
            keep=1,
        )
        self.assertIn(f'volumes[2] is volume {V1}', str(error))
        self.assertIn('volumes[0]', str(error))
        self.assert_no_api_request()
