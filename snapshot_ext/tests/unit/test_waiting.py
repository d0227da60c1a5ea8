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

"""Tests of wait_for_status and wait_for_delete for snapshots.

Time comes from :class:`FakeClock`: nothing sleeps, and the pauses the
waiter asked for are recorded and checked exactly.
"""

import copy
import datetime
import inspect
from typing import Any

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import snapshot as _stock_snapshot
from openstack.block_storage.v3 import volume as _stock_volume

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot

SID = fakes.SNAPSHOT_ID
NOT_FOUND = {'itemNotFound': {'code': 404, 'message': 'not found'}}
UTC = datetime.timezone.utc


class FakeClock(_waiting.Clock):
    """A clock that never sleeps and records the pauses asked for.

    :param random_value: What :meth:`random` returns (0.5 means no
        jitter).
    :param now: The wall-clock time at the start.
    """

    def __init__(
        self,
        random_value: float = 0.5,
        now: datetime.datetime | None = None,
    ) -> None:
        self.time = 1000.0
        self.sleeps: list[float] = []
        self.random_value = random_value
        self.start = now or datetime.datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds

    def random(self) -> float:
        return self.random_value

    def now(self) -> datetime.datetime:
        return self.start + datetime.timedelta(seconds=self.time - 1000.0)


def snapshot_body(**changes: Any) -> dict[str, Any]:
    """A real snapshot (from the 3.71 capture) with some fields changed.

    :param changes: Fields to change; ``progress`` sets
        ``os-extended-snapshot-attributes:progress``.
    :returns: ``{"snapshot": {...}}``.
    """
    body = copy.deepcopy(fakes.load_capture('snapshot_show_mv3.71')['body'])
    if 'progress' in changes:
        changes['os-extended-snapshot-attributes:progress'] = changes.pop(
            'progress'
        )
    body['snapshot'].update(changes)
    return dict(body)


class WaitTestCase(fakes.ProxyTestCase):
    """A proxy test case whose proxy uses a :class:`FakeClock`."""

    def setUp(self) -> None:
        super().setUp()
        self.clock = FakeClock()
        self.proxy._wait_clock = self.clock

    def answer(self, method: str, path: str, *bodies: Any) -> Any:
        """Answer successive requests with successive bodies.

        :param method: The HTTP method.
        :param path: The path below the endpoint.
        :param bodies: A JSON body each, or an int for an error status
            (404 answers Cinder's itemNotFound body).
        :returns: The requests_mock matcher.
        """
        responses = []
        for body in bodies:
            headers = {
                'x-openstack-request-id': fakes.REQUEST_ID,
                'Content-Type': 'application/json',
            }
            if isinstance(body, int):
                responses.append(
                    {
                        'status_code': body,
                        'json': NOT_FOUND,
                        'headers': headers,
                    }
                )
            else:
                responses.append(
                    {'status_code': 200, 'json': body, 'headers': headers}
                )
        return self.requests_mock.register_uri(
            method, fakes.ENDPOINT + path, responses
        )

    def assert_gets(self, count: int, path: str = f'/snapshots/{SID}') -> None:
        requests = self.api_requests()
        self.assertEqual(count, len(requests))
        for request in requests:
            self.assert_request(request, 'GET', path)


class TestWaitForStatus(WaitTestCase):
    def test_reaches_status_with_backoff_and_progress(self) -> None:
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            snapshot_body(status='creating', progress='0%'),
            snapshot_body(status='creating', progress='40%'),
            snapshot_body(status='creating', progress='80%'),
            snapshot_body(status='available', progress='100%'),
        )
        seen: list[int] = []
        snap = self.proxy.wait_for_status(
            _snapshot.Snapshot(id=SID, status='creating'),
            callback=seen.append,
        )
        self.assertIsInstance(snap, _snapshot.Snapshot)
        self.assertEqual('available', snap.status)
        self.assertEqual([0, 40, 80, 100], seen)
        # 2 s, then 1.5 times longer each time (no jitter at 0.5).
        self.assertEqual([2.0, 3.0, 4.5], self.clock.sleeps)
        self.assert_gets(4)

    def test_already_in_status_asks_the_server_once(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='available')
        )
        snap = _snapshot.Snapshot(id=SID, status='available')
        self.assertEqual(
            'available', self.proxy.wait_for_status(snap, 'available').status
        )
        self.assert_gets(1)
        self.assertEqual([], self.clock.sleeps)

    def test_stale_object_is_not_trusted(self) -> None:
        # The object says available; the server says an admin reset it.
        self.answer('GET', f'/snapshots/{SID}', snapshot_body(status='error'))
        exc = self.assertRaises(
            exceptions.SnapshotFailure,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(id=SID, status='available'),
            'available',
        )
        self.assertEqual('error', exc.status)
        self.assert_gets(1)

    def test_error_fails_at_once(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', snapshot_body(status='error'))
        exc = self.assertRaises(
            exceptions.SnapshotFailure,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(id=SID, status='creating'),
        )
        self.assertIsInstance(exc, sdk_exceptions.ResourceFailure)
        self.assertEqual('error', exc.status)
        self.assertEqual(SID, exc.snapshot.id)
        self.assertIs(exc.snapshot, exc.resource)
        self.assertIn("reached status 'error'", str(exc))
        self.assertIn(SID, str(exc))
        self.assertEqual([], self.clock.sleeps)
        self.assert_gets(1)

    def test_error_deleting_fails_at_once(self) -> None:
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            snapshot_body(status='creating'),
            snapshot_body(status='error_deleting'),
        )
        exc = self.assertRaises(
            exceptions.SnapshotFailure,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(id=SID, status='creating'),
            'available',
        )
        self.assertEqual('error_deleting', exc.status)
        self.assertEqual([2.0], self.clock.sleeps)
        self.assert_gets(2)

    def test_extra_failures_are_added(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='backing-up')
        )
        exc = self.assertRaises(
            exceptions.SnapshotFailure,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(id=SID, status='creating'),
            'available',
            ['Backing-Up'],
        )
        self.assertEqual('backing-up', exc.status)

    def test_waiting_for_error_is_allowed(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', snapshot_body(status='error'))
        snap = self.proxy.wait_for_status(
            _snapshot.Snapshot(id=SID, status='creating'), 'error'
        )
        self.assertEqual('error', snap.status)

    def test_disappearing_fails_at_once(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', 404)
        exc = self.assertRaises(
            exceptions.SnapshotFailure,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(id=SID, status='creating'),
        )
        self.assertIsNone(exc.status)
        self.assertIn('disappeared (404)', str(exc))
        self.assertIsInstance(exc.__cause__, sdk_exceptions.NotFoundException)
        self.assert_gets(1)

    def test_timeout_is_bounded_and_clamped(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='creating')
        )
        exc = self.assertRaises(
            exceptions.SnapshotTimeout,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(id=SID, status='creating'),
            wait=10,
        )
        self.assertIsInstance(exc, sdk_exceptions.ResourceTimeout)
        self.assertEqual('creating', exc.status)
        self.assertEqual(10.0, exc.waited)
        self.assertIn("last status 'creating'", str(exc))
        # The last pause is cut to end exactly at the deadline, where one
        # final poll is made.
        self.assertEqual([2.0, 3.0, 4.5, 0.5], self.clock.sleeps)
        self.assert_gets(5)

    def test_wait_none_means_the_default_timeout(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='creating')
        )
        exc = self.assertRaises(
            exceptions.SnapshotTimeout,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(id=SID, status='creating'),
            wait=None,
        )
        self.assertEqual(_waiting.DEFAULT_TIMEOUT, exc.waited)
        self.assertAlmostEqual(
            _waiting.DEFAULT_TIMEOUT, sum(self.clock.sleeps)
        )
        # Capped at 15 s: 600 s costs far fewer polls than 600 / 2.
        self.assertLessEqual(max(self.clock.sleeps), _waiting.MAX_INTERVAL)
        self.assertLess(len(self.clock.sleeps), 50)

    def test_jitter_spreads_each_pause(self) -> None:
        self.clock.random_value = 0.0
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            snapshot_body(status='creating'),
            snapshot_body(status='creating'),
            snapshot_body(status='available'),
        )
        self.proxy.wait_for_status(
            _snapshot.Snapshot(id=SID, status='creating'), interval=10
        )
        # 20 % shorter at random()=0; 10 s, then 15 s (the cap).
        self.assertEqual([8.0, 12.0], self.clock.sleeps)

    def test_interval_above_the_cap_is_kept(self) -> None:
        self.clock.random_value = 1.0 - 1e-9
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            snapshot_body(status='creating'),
            snapshot_body(status='creating'),
            snapshot_body(status='available'),
        )
        self.proxy.wait_for_status(
            _snapshot.Snapshot(id=SID, status='creating'), interval=30
        )
        self.assertEqual(2, len(self.clock.sleeps))
        for pause in self.clock.sleeps:
            self.assertAlmostEqual(36.0, pause, places=5)

    def test_stock_snapshot_is_waited_for_by_id(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='available')
        )
        snap = self.proxy.wait_for_status(
            _stock_snapshot.Snapshot(id=SID, status='creating')
        )
        self.assertIsInstance(snap, _snapshot.Snapshot)
        self.assertEqual('available', snap.status)
        self.assert_gets(1)

    def test_other_resources_keep_the_stock_wait(self) -> None:
        vid = fakes.VOLUME_ID
        self.answer(
            'GET',
            f'/volumes/{vid}',
            {'volume': {'id': vid, 'status': 'available'}},
        )
        res = self.proxy.wait_for_status(
            _stock_volume.Volume(id=vid, status='creating')
        )
        self.assertIsInstance(res, _stock_volume.Volume)
        self.assertEqual('available', res.status)
        self.assertEqual([], self.clock.sleeps)
        (request,) = self.api_requests()
        self.assertEqual('GET', request.method)
        self.assertTrue(request.url.endswith(f'/volumes/{vid}'))

    def test_bad_arguments_are_refused_before_any_request(self) -> None:
        snap = _snapshot.Snapshot(id=SID, status='creating')
        cases: list[dict[str, Any]] = [
            {'status': ''},
            {'status': None},
            {'failures': 'error'},
            {'failures': [1]},
            {'interval': -1},
            {'interval': 'fast'},
            {'wait': float('inf')},
            {'wait': True},
            {'callback': 5},
        ]
        # openstacksdk's wait_for_status takes attribute from 4.4.0 on.
        if (
            'attribute'
            in inspect.signature(self.proxy.wait_for_status).parameters
        ):
            cases.append({'attribute': ''})
        for kwargs in cases:
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.wait_for_status,
                snap,
                **kwargs,
            )
        self.assert_no_api_request()

    def test_snapshot_without_id_is_refused(self) -> None:
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.wait_for_status,
            _snapshot.Snapshot(),
        )
        self.assert_no_api_request()


class TestWaitForDelete(WaitTestCase):
    def test_404_ends_the_wait(self) -> None:
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            snapshot_body(status='deleting'),
            snapshot_body(status='deleting'),
            404,
        )
        seen: list[int] = []
        snap = _snapshot.Snapshot(id=SID, status='available')
        res = self.proxy.wait_for_delete(snap, callback=seen.append)
        self.assertEqual(SID, res.id)
        self.assertEqual('deleting', res.status)
        self.assertEqual([0, 0, 100], seen)
        self.assertEqual([2.0, 3.0], self.clock.sleeps)
        self.assert_gets(3)

    def test_deleted_status_ends_the_wait(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='deleted')
        )
        res = self.proxy.wait_for_delete(_snapshot.Snapshot(id=SID))
        self.assertEqual('deleted', res.status)
        self.assert_gets(1)

    def test_error_deleting_fails_at_once(self) -> None:
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            snapshot_body(status='deleting'),
            snapshot_body(status='error_deleting'),
        )
        exc = self.assertRaises(
            exceptions.SnapshotFailure,
            self.proxy.wait_for_delete,
            _snapshot.Snapshot(id=SID),
        )
        self.assertIsInstance(exc, sdk_exceptions.ResourceFailure)
        self.assertEqual('error_deleting', exc.status)
        self.assertIn('force_delete_snapshot', str(exc))
        self.assertEqual([2.0], self.clock.sleeps)
        self.assert_gets(2)

    def test_available_again_fails_at_once(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='available')
        )
        exc = self.assertRaises(
            exceptions.SnapshotFailure,
            self.proxy.wait_for_delete,
            _snapshot.Snapshot(id=SID),
        )
        self.assertEqual('available', exc.status)
        self.assertIn('no deletion is under way', str(exc))
        self.assert_gets(1)

    def test_default_wait_is_120_seconds(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='deleting')
        )
        exc = self.assertRaises(
            exceptions.SnapshotTimeout,
            self.proxy.wait_for_delete,
            _snapshot.Snapshot(id=SID),
        )
        self.assertEqual(120.0, exc.waited)
        self.assertEqual('deleting', exc.status)
        self.assertIn('to be deleted', str(exc))

    def test_wait_none_means_the_default_timeout(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', snapshot_body(status='deleting')
        )
        exc = self.assertRaises(
            exceptions.SnapshotTimeout,
            self.proxy.wait_for_delete,
            _snapshot.Snapshot(id=SID),
            wait=None,
        )
        self.assertEqual(_waiting.DEFAULT_TIMEOUT, exc.waited)

    def test_bad_arguments_are_refused_before_any_request(self) -> None:
        snap = _snapshot.Snapshot(id=SID)
        for kwargs in ({'interval': -2}, {'wait': 'x'}, {'callback': 'y'}):
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.wait_for_delete,
                snap,
                **kwargs,
            )
        self.assert_no_api_request()

    def test_other_resources_keep_the_stock_wait(self) -> None:
        vid = fakes.VOLUME_ID
        self.answer('GET', f'/volumes/{vid}', 404)
        res = _stock_volume.Volume(id=vid)
        self.assertIs(res, self.proxy.wait_for_delete(res))
        self.assertEqual([], self.clock.sleeps)
