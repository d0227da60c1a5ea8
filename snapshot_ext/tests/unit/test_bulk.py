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

"""Tests of wait_for_snapshots, create_snapshots and delete_snapshots."""

import json
import threading
from typing import Any
from typing import TypeVar
import urllib.parse

import fixtures
from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.test_waiting import WaitTestCase
from snapshot_ext.tests.unit.test_waiting import snapshot_body
from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot

VID = fakes.VOLUME_ID
OTHER_VID = '0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e'
S1 = '11111111-1111-4111-8111-111111111111'
S2 = '22222222-2222-4222-8222-222222222222'
S3 = '33333333-3333-4333-8333-333333333333'
RESOURCE_FILTERS = {
    'resource_filters': [
        {
            'resource': 'volume',
            'filters': ['name', 'status', 'metadata', 'bootable'],
        },
        {
            'resource': 'snapshot',
            'filters': ['name', 'status', 'volume_id', 'metadata'],
        },
    ]
}


def snap(sid: str, **changes: Any) -> dict[str, Any]:
    """One snapshot object as the detailed listing has it."""
    body: dict[str, Any] = snapshot_body(id=sid, **changes)['snapshot']
    return body


def listing(*snapshots: dict[str, Any]) -> dict[str, Any]:
    """A one-page ``/snapshots/detail`` body."""
    return {'snapshots': list(snapshots)}


E = TypeVar('E', bound=BaseException)


def error_of(item: results.ItemResult, kind: type[E]) -> E:
    """The error of a failed item, checked to be an instance of ``kind``.

    :raises AssertionError: When the item has no error or another kind.
    """
    error = item.error
    if not isinstance(error, kind):
        raise AssertionError(
            f'{item!r}: expected a {kind.__name__} error, got {error!r}'
        )
    return error


def snapshot_of(item: results.ItemResult) -> _snapshot.Snapshot:
    """The snapshot of an item, checked to be there.

    :raises AssertionError: When the item has no snapshot, or one that
        is not the plugin's Snapshot.
    """
    if not isinstance(item.snapshot, _snapshot.Snapshot):
        raise AssertionError(f'{item!r}: no snapshot_ext Snapshot')
    return item.snapshot


class TestWaitForSnapshots(WaitTestCase):
    def test_one_listing_per_poll_with_per_item_outcome(self) -> None:
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(
                snap(S1, status='creating', progress='0%'),
                snap(S2, status='creating', progress='50%'),
                snap(S3, status='available'),
            ),
            listing(
                snap(S1, status='available', progress='100%'),
                snap(S2, status='error'),
                snap(S3, status='available'),
            ),
        )
        seen: list[int] = []
        result = self.proxy.wait_for_snapshots(
            [
                _snapshot.Snapshot(id=S1, volume_id=VID),
                _snapshot.Snapshot(id=S2, volume_id=VID),
            ],
            callback=seen.append,
        )
        self.assertEqual([S1, S2], [r.id for r in result])
        self.assertTrue(result[0].ok)
        self.assertEqual('available', snapshot_of(result[0]).status)
        failure = error_of(result[1], exceptions.SnapshotFailure)
        self.assertEqual('error', failure.status)
        self.assertFalse(result.ok)
        self.assertEqual([result[1]], result.failed)
        self.assertEqual([25, 100], seen)
        # The first pause of a bulk wait.
        self.assertEqual([_waiting.BULK_INTERVAL], self.clock.sleeps)
        requests = self.api_requests()
        self.assertEqual(2, len(requests))
        for request in requests:
            self.assert_request(
                request, 'GET', '/snapshots/detail', {'volume_id': [VID]}
            )

    def test_ids_of_several_volumes_list_without_volume_filter(self) -> None:
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(
                snap(S1, status='available'),
                snap(S2, status='available', volume_id=OTHER_VID),
            ),
        )
        result = self.proxy.wait_for_snapshots([S1, S2])
        self.assertTrue(result.ok)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', '/snapshots/detail')

    def test_all_projects(self) -> None:
        self.answer(
            'GET', '/snapshots/detail', listing(snap(S1, status='available'))
        )
        self.proxy.wait_for_snapshots([S1], all_projects=True)
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', '/snapshots/detail', {'all_tenants': ['1']}
        )

    def test_missing_from_listing_is_fetched_once(self) -> None:
        self.answer('GET', '/snapshots/detail', listing())
        self.answer('GET', f'/snapshots/{S1}', snap_wrapped(S1, 'available'))
        self.answer('GET', f'/snapshots/{S2}', 404)
        result = self.proxy.wait_for_snapshots([S1, S2])
        self.assertTrue(result[0].ok)
        self.assertEqual('available', snapshot_of(result[0]).status)
        self.assertIsInstance(result[1].error, exceptions.SnapshotFailure)
        self.assertIn('disappeared (404)', str(result[1].error))
        self.assertEqual(
            ['/snapshots/detail', f'/snapshots/{S1}', f'/snapshots/{S2}'],
            [self.path(r) for r in self.api_requests()],
        )

    def test_absence_from_a_covering_listing_needs_no_get(self) -> None:
        self.useFixture(
            fixtures.MockPatchObject(
                self.proxy, 'get_project_id', return_value=fakes.PROJECT_ID
            )
        )
        other_project = snap(S2, status='deleting', volume_id=VID)
        other_project['os-extended-snapshot-attributes:project_id'] = 'p2'
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(snap(S1, status='deleting'), other_project),
            listing(),
        )
        self.answer('GET', f'/snapshots/{S2}', 404)
        result = self.proxy.wait_for_snapshots([S1, S2], 'deleted')
        self.assertTrue(result.ok, result.failed)
        # S1 is of the caller's project: its absence is enough.  S2 is of
        # another project, which the listing does not cover: fetched.
        self.assertEqual(
            ['/snapshots/detail', '/snapshots/detail', f'/snapshots/{S2}'],
            [self.path(r) for r in self.api_requests()],
        )

    def test_absence_with_all_projects_is_final(self) -> None:
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(snap(S1, status='creating')),
            listing(),
        )
        result = self.proxy.wait_for_snapshots([S1], all_projects=True)
        self.assertIsInstance(result[0].error, exceptions.SnapshotFailure)
        self.assertIn('disappeared (no longer listed)', str(result[0].error))
        self.assertEqual(2, len(self.api_requests()))

    def test_waiting_for_deletion(self) -> None:
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(
                snap(S1, status='deleting'),
                snap(S2, status='deleting'),
                snap(S3, status='deleting'),
            ),
            listing(
                snap(S2, status='error_deleting'),
                snap(S3, status='available'),
            ),
        )
        self.answer('GET', f'/snapshots/{S1}', 404)
        result = self.proxy.wait_for_snapshots([S1, S2, S3], 'deleted')
        self.assertTrue(result[0].ok)
        # The verdict of the single wait_for_delete: a SnapshotNotDeleted
        # (a SnapshotFailure) with the same message.
        failed = [
            error_of(r, exceptions.SnapshotNotDeleted) for r in result[1:]
        ]
        self.assertEqual(
            ['error_deleting', 'available'], [e.status for e in failed]
        )
        self.assertIn(
            'an admin can remove it with force_delete_snapshot',
            str(result[1].error),
        )
        self.assertIn('no deletion is under way', str(result[2].error))

    def test_timeout_fails_every_pending_item(self) -> None:
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(snap(S1, status='creating'), snap(S2, status='available')),
        )
        result = self.proxy.wait_for_snapshots([S1, S2], interval=2, wait=5)
        timeout = error_of(result[0], exceptions.SnapshotTimeout)
        self.assertIsInstance(timeout, sdk_exceptions.ResourceTimeout)
        self.assertEqual(5.0, timeout.waited)
        self.assertTrue(result[1].ok)
        self.assertEqual([2.0, 3.0], self.clock.sleeps)
        self.assertEqual(3, len(self.api_requests()))

    def test_listing_failure_ends_the_wait(self) -> None:
        self.mock('GET', '/snapshots/detail', status_code=500, json={})
        self.assertRaises(
            sdk_exceptions.HttpException,
            self.proxy.wait_for_snapshots,
            [S1],
        )

    def test_listing_failure_names_the_snapshots_not_finished(self) -> None:
        # The first poll sees S1 finished and S2 still creating; the
        # second poll's listing fails.
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(snap(S1, status='available'), snap(S2, status='creating')),
            500,
        )
        exc = self.assertRaises(
            sdk_exceptions.HttpException,
            self.proxy.wait_for_snapshots,
            [S1, S2],
        )
        self.assertEqual(500, exc.status_code)
        self.assertIn(
            f"the wait ended with 1 snapshot(s) in an unknown state: "
            f"{S2} (last status 'creating') (1 had finished)",
            str(exc),
        )
        self.assertNotIn(S1, str(exc))
        first, second = self.api_requests()
        self.assert_request(first, 'GET', '/snapshots/detail')
        # S2's volume is known from the first poll.
        self.assert_request(
            second, 'GET', '/snapshots/detail', {'volume_id': [VID]}
        )
        # The first pause of a bulk wait.
        self.assertEqual([_waiting.BULK_INTERVAL], self.clock.sleeps)

    def test_empty_sends_nothing(self) -> None:
        self.assertEqual(0, len(self.proxy.wait_for_snapshots([])))
        self.assert_no_api_request()

    def test_bad_arguments_are_refused_before_any_request(self) -> None:
        cases: list[tuple[Any, dict[str, Any]]] = [
            (S1, {}),
            ([S1, S1], {}),
            ([S1, 7], {}),
            ([''], {}),
            ([S1], {'status': ''}),
            ([S1], {'wait': -1}),
            ([S1], {'all_projects': 'yes'}),
            ([S1], {'callback': 'x'}),
        ]
        for snapshots, kwargs in cases:
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.wait_for_snapshots,
                snapshots,
                **kwargs,
            )
        self.assert_no_api_request()

    def path(self, request: Any) -> str:
        path = str(urllib.parse.urlsplit(request.url).path)
        return path[len(fakes.PATH_PREFIX) :]


def snap_wrapped(sid: str, status: str) -> dict[str, Any]:
    return {'snapshot': snap(sid, status=status)}


class TestCreateSnapshots(WaitTestCase):
    def answer_creates(self, fail_volume: str | None = None) -> None:
        """Answer POST /snapshots: 202 with the new snapshot, or 400."""
        counter = iter(range(1, 100))
        lock = threading.Lock()
        bad = fakes.load_capture('err_create_snapshot_volume_in_error')

        def reply(request: Any, context: Any) -> Any:
            body = request.json()['snapshot']
            context.headers['x-openstack-request-id'] = fakes.REQUEST_ID
            if body['volume_id'] == fail_volume:
                context.status_code = 400
                return bad['body']
            with lock:
                number = next(counter)
            context.status_code = 202
            return {
                'snapshot': snap(
                    f'00000000-0000-4000-8000-{number:012d}',
                    status='creating',
                    name=body.get('name'),
                    volume_id=body['volume_id'],
                )
            }

        self.requests_mock.post(
            fakes.ENDPOINT + '/snapshots',
            json=reply,
            headers={'Content-Type': 'application/json'},
        )

    def test_results_in_input_order_and_failures_kept(self) -> None:
        self.answer_creates(fail_volume=OTHER_VID)
        specs: list[dict[str, Any]] = [
            {'volume_id': VID, 'name': 'a'},
            {'volume_id': OTHER_VID, 'name': 'b'},
            {'volume_id': VID, 'name': 'c', 'metadata': {'k': 'v'}},
        ]
        result = self.proxy.create_snapshots(specs, concurrency=2)
        self.assertEqual(specs, [r.item for r in result])
        self.assertEqual([True, False, True], [r.ok for r in result])
        self.assertEqual(['a', 'c'], [s.name for s in result.snapshots])
        self.assertIsInstance(
            result[1].error, sdk_exceptions.BadRequestException
        )
        self.assertIsNone(result[1].snapshot)
        requests = self.api_requests()
        self.assertEqual(3, len(requests))
        bodies = sorted(
            (r.json() for r in requests), key=lambda b: b['snapshot']['name']
        )
        self.assertEqual([{'snapshot': spec} for spec in specs], bodies)
        for request in requests:
            self.assert_request(
                request, 'POST', '/snapshots', json=request.json()
            )
        exc = self.assertRaises(
            exceptions.BulkOperationError, result.raise_for_errors
        )
        self.assertIs(result, exc.result)
        self.assertIn('1 of 3 snapshot operations failed', str(exc))

    def test_concurrency_is_used_and_bounded(self) -> None:
        # requests_mock sends one request at a time (a global lock), so
        # the overlap is observed one layer up, at the proxy verb each
        # thread calls.
        barrier = threading.Barrier(3, timeout=10)
        lock = threading.Lock()
        state = {'now': 0, 'max': 0}

        def create(**attrs: Any) -> _snapshot.Snapshot:
            with lock:
                state['now'] += 1
                state['max'] = max(state['max'], state['now'])
            barrier.wait()
            with lock:
                state['now'] -= 1
            return _snapshot.Snapshot(id=attrs['name'], status='creating')

        self.useFixture(
            fixtures.MockPatchObject(self.proxy, 'create_snapshot', create)
        )
        names = [f'{n:08d}-0000-4000-8000-000000000000' for n in range(6)]
        result = self.proxy.create_snapshots(
            [{'volume_id': VID, 'name': n} for n in names], concurrency=3
        )
        self.assertTrue(result.ok, [r.error for r in result.failed])
        self.assertEqual(names, [snapshot_of(r).id for r in result])
        # Three calls were in flight together (the barrier needs three),
        # never more.
        self.assertEqual(3, state['max'])

    def test_wait_uses_one_listing_and_keeps_failed_snapshots(self) -> None:
        self.answer_creates()
        first = '00000000-0000-4000-8000-000000000001'
        second = '00000000-0000-4000-8000-000000000002'
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(
                snap(first, status='available'), snap(second, status='error')
            ),
        )
        result = self.proxy.create_snapshots(
            [{'volume_id': VID}, {'volume_id': VID}], concurrency=1, wait=True
        )
        self.assertTrue(result[0].ok)
        self.assertEqual('available', snapshot_of(result[0]).status)
        self.assertIsInstance(result[1].error, exceptions.SnapshotFailure)
        # The snapshot that failed is kept so that it can be cleaned up.
        self.assertEqual(second, snapshot_of(result[1]).id)
        get = [r for r in self.api_requests() if r.method == 'GET']
        self.assertEqual(1, len(get))
        self.assert_request(
            get[0], 'GET', '/snapshots/detail', {'volume_id': [VID]}
        )

    def test_wait_failure_is_recorded_on_every_created_item(self) -> None:
        self.answer_creates()
        self.mock('GET', '/snapshots/detail', status_code=500, json={})
        result = self.proxy.create_snapshots(
            [{'volume_id': VID}, {'volume_id': VID}], wait=True
        )
        self.assertEqual(2, len(result.failed))
        for item in result:
            self.assertIsInstance(item.error, sdk_exceptions.HttpException)
            self.assertIsNotNone(item.snapshot)

    def test_wait_failure_leaves_the_finished_items_ok(self) -> None:
        # The first poll sees the first snapshot available and the second
        # still creating; the second poll's listing fails.
        self.answer_creates()
        first = '00000000-0000-4000-8000-000000000001'
        second = '00000000-0000-4000-8000-000000000002'
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(
                snap(first, status='available'),
                snap(second, status='creating'),
            ),
            500,
        )
        result = self.proxy.create_snapshots(
            [{'volume_id': VID}, {'volume_id': VID}], concurrency=1, wait=True
        )
        self.assertTrue(result[0].ok)
        self.assertEqual('available', snapshot_of(result[0]).status)
        error = result[1].error
        self.assertIsInstance(error, sdk_exceptions.HttpException)
        self.assertIn(
            f"the wait ended with 1 snapshot(s) in an unknown state: "
            f"{second} (last status 'creating') (1 had finished)",
            str(error),
        )
        self.assertEqual(second, snapshot_of(result[1]).id)
        get = [r for r in self.api_requests() if r.method == 'GET']
        self.assertEqual(2, len(get))
        for request in get:
            self.assert_request(
                request, 'GET', '/snapshots/detail', {'volume_id': [VID]}
            )

    def test_every_spec_is_checked_before_any_request(self) -> None:
        self.answer_creates()
        specs = [{'volume_id': VID}, {'volume_id': VID}, {'name': 'x'}]
        exc = self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.create_snapshots,
            specs,
        )
        self.assertIn('specs[2]', str(exc))
        self.assert_no_api_request()

    def test_bad_arguments_are_refused_before_any_request(self) -> None:
        specs = [{'volume_id': VID}]
        cases: list[tuple[Any, dict[str, Any]]] = [
            ({'volume_id': VID}, {}),
            ('abc', {}),
            ([VID], {}),
            (specs, {'concurrency': 0}),
            (specs, {'concurrency': 65}),
            (specs, {'concurrency': True}),
            (specs, {'wait': 1}),
            (specs, {'timeout': -5}),
        ]
        for given, kwargs in cases:
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.create_snapshots,
                given,
                **kwargs,
            )
        self.assert_no_api_request()

    def test_empty_sends_nothing(self) -> None:
        result = self.proxy.create_snapshots([])
        self.assertEqual(0, len(result))
        self.assertTrue(result.ok)
        self.assert_no_api_request()


class DeleteTestCase(WaitTestCase):
    """Answers for the deletion check: filters, volumes, snapshots."""

    def answer_check(
        self,
        snapshots: dict[str, dict[str, Any] | int],
        volumes: list[dict[str, Any]] | None = None,
    ) -> None:
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.mock('GET', '/volumes/detail', json={'volumes': volumes or []})
        for sid, body in snapshots.items():
            if isinstance(body, int):
                self.answer('GET', f'/snapshots/{sid}', body)
            else:
                self.answer('GET', f'/snapshots/{sid}', {'snapshot': body})
            self.mock('DELETE', f'/snapshots/{sid}', status_code=202)

    def sent(self, method: str) -> list[str]:
        paths = [
            urllib.parse.urlsplit(r.url).path[len(fakes.PATH_PREFIX) :]
            for r in self.api_requests()
            if r.method == method
        ]
        return sorted(paths)


def volume(vid: str, snapshot_id: str | None) -> dict[str, Any]:
    """A volume as ``/volumes/detail`` lists it (shape from Cinder 29)."""
    return {
        'id': vid,
        'status': 'available',
        'size': 1,
        'availability_zone': 'nova',
        'created_at': '2026-11-27T16:49:58.000000',
        'updated_at': '2026-11-27T16:49:58.000000',
        'name': f'vol-{vid[:4]}',
        'description': None,
        'volume_type': '__DEFAULT__',
        'snapshot_id': snapshot_id,
        'source_volid': None,
        'metadata': {},
        'links': [],
        'user_id': 'e84cc3e946ef4977b5c634055e214647',
        'bootable': 'false',
        'encrypted': False,
        'multiattach': False,
        'attachments': [],
        'group_id': None,
        'consumes_quota': True,
        'os-vol-tenant-attr:tenant_id': fakes.PROJECT_ID,
    }


class TestDeleteSnapshots(DeleteTestCase):
    def test_check_refuses_without_sending_the_delete(self) -> None:
        dependent = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd'
        self.answer_check(
            {
                S1: snap(S1, status='available'),
                S2: snap(S2, status='creating'),
                S3: snap(S3, status='available'),
            },
            volumes=[volume(dependent, S3), volume(OTHER_VID, None)],
        )
        result = self.proxy.delete_snapshots([S1, S2, S3])
        self.assertEqual([True, False, False], [r.ok for r in result])
        self.assertIsInstance(result[1].error, exceptions.SnapshotNotDeletable)
        self.assertIn("status is 'creating'", str(result[1].error))
        refused = error_of(result[2], exceptions.SnapshotNotDeletable)
        self.assertEqual([dependent], refused.volume_ids)
        self.assertIn(dependent, str(result[2].error))
        self.assertEqual([f'/snapshots/{S1}'], self.sent('DELETE'))
        (listing_request,) = [
            r for r in self.api_requests() if '/volumes/detail' in r.url
        ]
        self.assert_request(
            listing_request,
            'GET',
            '/volumes/detail',
            microversion=fakes.VOLUME_MICROVERSION,
        )
        self.assertEqual(
            sorted(
                ['/resource_filters', '/volumes/detail']
                + [f'/snapshots/{s}' for s in (S1, S2, S3)]
            ),
            self.sent('GET'),
        )

    def test_group_member_is_refused_even_with_force(self) -> None:
        self.answer_check(
            {S1: snap(S1, status='error_deleting', group_snapshot_id=S3)}
        )
        result = self.proxy.delete_snapshots([S1], force=True)
        self.assertIn('group snapshot', str(result[0].error))
        self.assertEqual([], self.sent('POST'))

    def test_force_uses_the_admin_action_from_any_status(self) -> None:
        self.answer_check({S1: snap(S1, status='error_deleting')})
        self.mock('POST', f'/snapshots/{S1}/action', status_code=202)
        result = self.proxy.delete_snapshots([S1], force=True)
        self.assertTrue(result.ok)
        (post,) = [r for r in self.api_requests() if r.method == 'POST']
        self.assert_request(
            post,
            'POST',
            f'/snapshots/{S1}/action',
            json={'os-force_delete': {}},
        )
        self.assertEqual([], self.sent('DELETE'))

    def test_without_check_only_deletes_are_sent(self) -> None:
        for sid in (S1, S2):
            self.mock('DELETE', f'/snapshots/{sid}', status_code=202)
        result = self.proxy.delete_snapshots([S1, S2], check=False)
        self.assertTrue(result.ok)
        self.assertEqual(2, len(self.api_requests()))
        self.assertEqual(
            [f'/snapshots/{S1}', f'/snapshots/{S2}'], self.sent('DELETE')
        )
        for request in self.api_requests():
            self.assertEqual(
                'volume 3.71', request.headers['OpenStack-API-Version']
            )

    def test_one_failure_does_not_hide_the_others(self) -> None:
        self.mock('DELETE', f'/snapshots/{S1}', status_code=202)
        self.mock(
            'DELETE',
            f'/snapshots/{S2}',
            capture='err_delete_snapshot_in_creating',
        )
        self.mock('DELETE', f'/snapshots/{S3}', status_code=202)
        result = self.proxy.delete_snapshots([S1, S2, S3], check=False)
        self.assertEqual([True, False, True], [r.ok for r in result])
        self.assertIsInstance(
            result[1].error, sdk_exceptions.BadRequestException
        )
        self.assertIn('must be available or error', str(result[1].error))
        # Nothing is retried: one request per snapshot.
        self.assertEqual(3, len(self.api_requests()))

    def test_missing_snapshots(self) -> None:
        self.answer_check({S1: 404})
        result = self.proxy.delete_snapshots([S1])
        self.assertTrue(result[0].ok)
        self.assertTrue(result[0].missing)
        self.assertEqual([], self.sent('DELETE'))
        result = self.proxy.delete_snapshots([S1], ignore_missing=False)
        self.assertIsInstance(
            result[0].error, sdk_exceptions.NotFoundException
        )

    def test_wait_for_the_deletions(self) -> None:
        self.answer_check({S1: snap(S1, status='available')})
        self.answer(
            'GET',
            f'/snapshots/{S1}',
            {'snapshot': snap(S1, status='available')},
            404,
        )
        self.answer(
            'GET',
            '/snapshots/detail',
            listing(snap(S1, status='deleting')),
            listing(),
        )
        result = self.proxy.delete_snapshots(
            [_snapshot.Snapshot(id=S1, volume_id=VID)], wait=True
        )
        self.assertTrue(result.ok, result.failed)
        # The first pause of a bulk wait.
        self.assertEqual([_waiting.BULK_INTERVAL], self.clock.sleeps)
        self.assertEqual(
            [
                'GET /resource_filters',
                'GET /volumes/detail',
                f'GET /snapshots/{S1}',
                f'DELETE /snapshots/{S1}',
                'GET /snapshots/detail',
                'GET /snapshots/detail',
                f'GET /snapshots/{S1}',
            ],
            [
                r.method
                + ' '
                + urllib.parse.urlsplit(r.url).path[len(fakes.PATH_PREFIX) :]
                for r in self.api_requests()
            ],
        )

    def test_bad_arguments_are_refused_before_any_request(self) -> None:
        cases: list[tuple[Any, dict[str, Any]]] = [
            (S1, {}),
            ([S1, S1], {}),
            ([None], {}),
            ([S1], {'concurrency': 100}),
            ([S1], {'force': 'yes'}),
            ([S1], {'check': None}),
            ([S1], {'ignore_missing': 0}),
            ([S1], {'interval': 'x'}),
        ]
        for given, kwargs in cases:
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.delete_snapshots,
                given,
                **kwargs,
            )
        self.assert_no_api_request()

    def test_result_repr_has_counts_only(self) -> None:
        result = results.BulkResult(
            [
                results.ItemResult(item=S1),
                results.ItemResult(item=S2, error=ValueError('boom')),
            ]
        )
        self.assertEqual('<BulkResult: 1 succeeded, 1 failed>', repr(result))
        self.assertEqual([S1, S2], [r.id for r in result])
        self.assertNotIn(fakes.TOKEN, json.dumps(str(result)))
