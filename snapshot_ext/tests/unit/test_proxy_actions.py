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

"""Tests of the proxy's snapshot actions and manage/unmanage verbs."""

import warnings

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _validate
from snapshot_ext.v3 import snapshot as _snapshot

SID = fakes.SNAPSHOT_ID
VID = fakes.VOLUME_ID
ACTION = f'/snapshots/{SID}/action'
ALL_STATUSES = [
    'available',
    'backing-up',
    'creating',
    'deleted',
    'deleting',
    'error',
    'error_deleting',
    'restoring',
    'unmanaging',
    'updating',
]


class TestResetStatus(fakes.ProxyTestCase):
    def test_every_valid_status(self) -> None:
        self.assertEqual(set(ALL_STATUSES), _validate.RESET_STATUSES)
        self.mock('POST', ACTION, status_code=202)
        for status in ALL_STATUSES:
            with self.subTest(status=status):
                self.forget_requests()
                self.proxy.reset_snapshot_status(SID, status)
                (request,) = self.api_requests()
                self.assert_request(
                    request,
                    'POST',
                    ACTION,
                    json={'os-reset_status': {'status': status}},
                )

    def test_matches_capture(self) -> None:
        snap_id = 'cccfcc3a-164a-427c-83a0-9f12c6254fce'
        self.mock(
            'POST',
            f'/snapshots/{snap_id}/action',
            capture='ok_reset_status_available',
        )
        self.proxy.reset_snapshot_status(snap_id, 'available')
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'ok_reset_status_available'
        )
        self.assert_request(request, method, path, query=query, json=body)

    def test_any_case_sent_lower(self) -> None:
        # Cinder reads the status in any case; it is sent as Cinder
        # stores it.
        self.mock('POST', ACTION, status_code=202)
        for status in ('AVAILABLE', 'Error_Deleting', ' error '):
            with self.subTest(status=status):
                self.forget_requests()
                self.proxy.reset_snapshot_status(SID, status)
                (request,) = self.api_requests()
                self.assert_request(
                    request,
                    'POST',
                    ACTION,
                    json={
                        'os-reset_status': {'status': status.strip().lower()}
                    },
                )

    def test_older_names(self) -> None:
        # Proxy.reset_snapshot and Snapshot.reset: the verbs themselves
        # before openstacksdk 4.5.0, deprecated aliases from then on;
        # either way they are the plugin's reset, checked and lower-cased.
        self.mock('POST', ACTION, status_code=202)
        calls = {
            'Proxy.reset_snapshot': lambda status: self.proxy.reset_snapshot(
                SID, status
            ),
            'Snapshot.reset': lambda status: _snapshot.Snapshot(id=SID).reset(
                self.proxy, status
            ),
        }
        for name, call in calls.items():
            with self.subTest(call=name):
                self.forget_requests()
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter('always')
                    call('AVAILABLE')
                (request,) = self.api_requests()
                self.assert_request(
                    request,
                    'POST',
                    ACTION,
                    json={'os-reset_status': {'status': 'available'}},
                )
                deprecations = [
                    w
                    for w in caught
                    if 'deprecated alias' in str(w.message)
                    and 'reset' in str(w.message)
                ]
                self.assertEqual(
                    1 if _compat.HAS_RESET_STATUS else 0, len(deprecations)
                )
                self.forget_requests()
                self.assertRaises(
                    exceptions.InvalidSnapshotRequest, call, 'bogus'
                )
                self.assertEqual([], self.api_requests())

    def test_unknown_status_refused(self) -> None:
        for status in ('bogus', '', None, 1):
            with self.subTest(status=status):
                exc = self.assertRaises(
                    sdk_exceptions.BadRequestException,
                    self.proxy.reset_snapshot_status,
                    SID,
                    status,
                )
                self.assertIsInstance(exc, exceptions.InvalidSnapshotRequest)
                self.assertIn(
                    f'reset_status: status {status!r} is not valid; valid '
                    f'statuses are {", ".join(ALL_STATUSES)}',
                    str(exc),
                )
        self.assert_no_api_request()

    def test_server_refusal_surfaces(self) -> None:
        snap_id = 'b233e125-00b7-4c40-af1a-199b522d2673'
        self.mock(
            'POST',
            f'/snapshots/{snap_id}/action',
            capture='err_demo_reset_status_403',
        )
        exc = self.assertRaises(
            sdk_exceptions.ForbiddenException,
            self.proxy.reset_snapshot_status,
            snap_id,
            'creating',
        )
        self.assertIn('snapshot_admin_actions:reset_status', str(exc.details))
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'err_demo_reset_status_403'
        )
        self.assert_request(request, method, path, query=query, json=body)


class TestSetStatus(fakes.ProxyTestCase):
    def _check(self, progress: object, expected: dict[str, str]) -> None:
        self.forget_requests()
        self.proxy.set_snapshot_status(
            SID,
            expected['status'],
            progress,  # type: ignore[arg-type]
        )
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            ACTION,
            json={'os-update_snapshot_status': expected},
        )

    def test_progress_values(self) -> None:
        self.mock('POST', ACTION, status_code=202)
        cases: list[tuple[object, dict[str, str]]] = [
            (50, {'status': 'creating', 'progress': '50%'}),
            ('50%', {'status': 'creating', 'progress': '50%'}),
            ('50', {'status': 'creating', 'progress': '50%'}),
            (0, {'status': 'creating', 'progress': '0%'}),
            (100, {'status': 'available', 'progress': '100%'}),
            (None, {'status': 'error'}),
        ]
        for progress, expected in cases:
            with self.subTest(progress=progress):
                self._check(progress, expected)

    def test_every_valid_status(self) -> None:
        self.mock('POST', ACTION, status_code=202)
        for status in sorted(_validate.UPDATE_STATUSES):
            with self.subTest(status=status):
                self._check(None, {'status': status})

    def test_matches_capture(self) -> None:
        snap_id = 'cccfcc3a-164a-427c-83a0-9f12c6254fce'
        self.mock(
            'POST',
            f'/snapshots/{snap_id}/action',
            capture='ok_uss_creating_to_error',
        )
        self.proxy.set_snapshot_status(snap_id, 'error')
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'ok_uss_creating_to_error'
        )
        self.assert_request(request, method, path, query=query, json=body)

    def test_bad_progress_refused(self) -> None:
        for progress in ('abc', 101, -1, True, False, '101%', 5.5, '', '-1%'):
            with self.subTest(progress=progress):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.set_snapshot_status,
                    SID,
                    'creating',
                    progress,
                )
                self.assertIn(
                    'progress must be an integer percentage from 0 to 100',
                    str(exc),
                )
                self.assertIn(repr(progress), str(exc))
        self.assert_no_api_request()

    def test_bad_status_refused(self) -> None:
        for status in ('bogus', 'deleted', 'updating', None):
            with self.subTest(status=status):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.set_snapshot_status,
                    SID,
                    status,
                )
                self.assertIn('update_snapshot_status', str(exc))
        self.assert_no_api_request()

    def test_server_refusal_surfaces(self) -> None:
        self.mock(
            'POST', ACTION, capture='err_update_snapshot_status_from_available'
        )
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            self.proxy.set_snapshot_status,
            SID,
            'error',
        )
        self.assertEqual(
            'Snapshot status available not allowed for update_snapshot_status',
            exc.details,
        )
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'err_update_snapshot_status_from_available'
        )
        self.assert_request(request, method, path, query=query, json=body)


class TestManage(fakes.ProxyTestCase):
    answer = {
        'snapshot': {
            'id': SID,
            'status': 'creating',
            'volume_id': VID,
            'name': 'managed',
        }
    }

    def test_manage_at_3_71(self) -> None:
        self.mock(
            'POST', '/manageable_snapshots', status_code=202, json=self.answer
        )
        snap = self.proxy.manage_snapshot(
            volume_id=VID,
            ref={'source-name': 'snap-1'},
            name='managed',
            description='d',
            metadata={'k': 'v'},
        )
        self.assertIsInstance(snap, _snapshot.Snapshot)
        self.assertEqual(SID, snap.id)
        self.assertEqual('creating', snap.status)
        self.assertEqual('3.71', snap.microversion)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/manageable_snapshots',
            json={
                'snapshot': {
                    'volume_id': VID,
                    'ref': {'source-name': 'snap-1'},
                    'name': 'managed',
                    'description': 'd',
                    'metadata': {'k': 'v'},
                }
            },
        )

    def test_missing_ref_refused(self) -> None:
        for attrs in (
            {'volume_id': VID, 'ref': {}},
            {'volume_id': VID, 'ref': 'x'},
            {'volume_id': '', 'ref': {'a': 'b'}},
            {'volume_id': VID, 'ref': {'a': 'b'}, 'metadata': {'k': 1}},
        ):
            with self.subTest(attrs=attrs):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.manage_snapshot,
                    **attrs,
                )
                self.assertNotIsInstance(exc, TypeError)
        self.assert_no_api_request()

    def test_argument_names_refused_as_type_errors(self) -> None:
        # Where Snapshot.manage's signature makes openstacksdk raise
        # TypeError, the early error is a TypeError too.
        for attrs in (
            {'volume_id': VID},
            {'ref': {'source-name': 'x'}},
            {'volume_id': VID, 'ref': {'a': 'b'}, 'size': 1},
        ):
            with self.subTest(attrs=attrs):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotArgument,
                    self.proxy.manage_snapshot,
                    **attrs,
                )
                self.assertIsInstance(exc, TypeError)
                self.assertIsInstance(exc, exceptions.InvalidSnapshotRequest)
                self.assertEqual(
                    'manage_snapshot takes volume_id and ref (required), '
                    'name, description and metadata; got '
                    + ', '.join(sorted(attrs)),
                    str(exc),
                )
        self.assert_no_api_request()

    def test_unmanage(self) -> None:
        self.mock('POST', ACTION, status_code=202)
        self.proxy.unmanage_snapshot(SID)
        (request,) = self.api_requests()
        self.assert_request(request, 'POST', ACTION, json={'os-unmanage': {}})

    def test_manageable_snapshots(self) -> None:
        item = {
            'reference': {'source-name': 'snap-1'},
            'size': 1,
            'safe_to_manage': True,
            'source_reference': {'source-name': 'vol-1'},
        }
        self.mock(
            'GET',
            '/manageable_snapshots',
            json={'manageable-snapshots': [item]},
        )
        items = list(self.proxy.manageable_snapshots(host='host@lvm'))
        self.assertEqual(1, len(items))
        self.assertIsInstance(items[0], _compat.ManageableSnapshot)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'GET',
            '/manageable_snapshots',
            query={'host': ['host@lvm']},
        )

    def test_manageable_snapshots_by_cluster(self) -> None:
        self.mock(
            'GET',
            '/manageable_snapshots/detail',
            json={'manageable-snapshots': []},
        )
        self.assertEqual(
            [],
            list(self.proxy.manageable_snapshots(details=True, cluster='c1')),
        )
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'GET',
            '/manageable_snapshots/detail',
            query={'cluster': ['c1']},
        )


class TestManageAt30(fakes.ProxyTestCase):
    max_version = '3.0'
    expected_microversion = '3.0'

    def test_manage_legacy_path(self) -> None:
        self.mock(
            'POST',
            '/os-snapshot-manage',
            status_code=202,
            json={'snapshot': {'id': SID, 'status': 'creating'}},
        )
        snap = self.proxy.manage_snapshot(
            volume_id=VID, ref={'source-name': 'snap-1'}
        )
        self.assertEqual(SID, snap.id)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/os-snapshot-manage',
            json={
                'snapshot': {
                    'volume_id': VID,
                    'ref': {'source-name': 'snap-1'},
                }
            },
        )


class TestManageAt37(fakes.ProxyTestCase):
    max_version = '3.7'
    expected_microversion = '3.7'

    def test_manage_legacy_path_below_3_8(self) -> None:
        self.mock(
            'POST',
            '/os-snapshot-manage',
            status_code=202,
            json={'snapshot': {'id': SID, 'status': 'creating'}},
        )
        self.proxy.manage_snapshot(volume_id=VID, ref={'source-id': 'x'})
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/os-snapshot-manage',
            json={'snapshot': {'volume_id': VID, 'ref': {'source-id': 'x'}}},
        )

    def test_listing_refused_before_any_request(self) -> None:
        for details in (False, True):
            exc = self.assertRaises(
                exceptions.MicroversionUnavailable,
                self.proxy.manageable_snapshots,
                details=details,
                host='h',
            )
            self.assertEqual('3.8', exc.required)
            self.assertEqual('3.7', exc.available)
            self.assertIn('manageable snapshots', str(exc))
        self.assert_no_api_request()


class TestManageAt38(fakes.ProxyTestCase):
    max_version = '3.8'
    expected_microversion = '3.8'

    def test_manage_new_path_from_3_8(self) -> None:
        self.mock(
            'POST',
            '/manageable_snapshots',
            status_code=202,
            json={'snapshot': {'id': SID, 'status': 'creating'}},
        )
        self.proxy.manage_snapshot(volume_id=VID, ref={'source-id': 'x'})
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/manageable_snapshots',
            json={'snapshot': {'volume_id': VID, 'ref': {'source-id': 'x'}}},
        )


class TestManageableAt316(fakes.ProxyTestCase):
    max_version = '3.16'
    expected_microversion = '3.16'

    def test_cluster_refused(self) -> None:
        exc = self.assertRaises(
            exceptions.MicroversionUnavailable,
            self.proxy.manageable_snapshots,
            cluster='c1',
        )
        self.assertEqual('3.17', exc.required)
        self.assertEqual('3.16', exc.available)
        self.assertIn('cluster', exc.feature)
        self.assertIn('3.17', str(exc))
        self.assertIn('3.16', str(exc))
        self.assert_no_api_request()

    def test_host_allowed(self) -> None:
        self.mock(
            'GET', '/manageable_snapshots', json={'manageable-snapshots': []}
        )
        self.assertEqual([], list(self.proxy.manageable_snapshots(host='h')))
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', '/manageable_snapshots', query={'host': ['h']}
        )
