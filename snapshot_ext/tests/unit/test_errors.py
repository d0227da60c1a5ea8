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

"""Server errors surface as openstacksdk exceptions with message and id."""

from collections.abc import Callable
from typing import Any

from openstack import exceptions as sdk_exceptions
import testtools

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import snapshot as _snapshot

SID = fakes.SNAPSHOT_ID
VID = fakes.VOLUME_ID
ACTION = f'/snapshots/{SID}/action'


class TestServerErrors(fakes.ProxyTestCase):
    def check(
        self,
        capture: str,
        method: str,
        path: str,
        call: Callable[[], Any],
        error: type[sdk_exceptions.HttpException],
        json: Any = None,
        query: dict[str, list[str]] | None = None,
    ) -> sdk_exceptions.HttpException:
        """Replay a captured error and check what the caller gets."""
        self.forget_requests()
        data = self.capture(capture)
        message = next(iter(data['body'].values()))['message']
        self.mock(method, path, capture=capture)
        exc = self.assertRaises(error, call)
        self.assertIs(error, type(exc))
        self.assertEqual(data['status'], exc.status_code)
        self.assertEqual(message, exc.details)
        self.assertIn(message, str(exc))
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)
        (request,) = self.api_requests()
        self.assert_request(request, method, path, query=query, json=json)
        return exc

    def test_reset_status_invalid(self) -> None:
        self.check(
            'err_reset_status_invalid',
            'POST',
            ACTION,
            lambda: self.proxy.reset_snapshot_status(SID, 'error'),
            sdk_exceptions.BadRequestException,
            json={'os-reset_status': {'status': 'error'}},
        )

    def test_force_delete_forbidden(self) -> None:
        exc = self.check(
            'err_demo_force_delete_403',
            'POST',
            ACTION,
            lambda: self.proxy.delete_snapshot(SID, force=True),
            sdk_exceptions.ForbiddenException,
            json={'os-force_delete': {}},
        )
        self.assertIn('snapshot_admin_actions:force_delete', str(exc.details))

    def test_get_not_found(self) -> None:
        self.check(
            'err_get_deleted_404',
            'GET',
            f'/snapshots/{SID}',
            lambda: self.proxy.get_snapshot(SID),
            sdk_exceptions.NotFoundException,
        )

    def test_update_refused(self) -> None:
        self.check(
            'err_update_empty_body',
            'PUT',
            f'/snapshots/{SID}',
            lambda: self.proxy.update_snapshot(SID, name='x'),
            sdk_exceptions.BadRequestException,
            json={'snapshot': {'name': 'x'}},
        )

    def test_create_refused(self) -> None:
        self.check(
            'err_create_snapshot_volume_in_error',
            'POST',
            '/snapshots',
            lambda: self.proxy.create_snapshot(volume_id=VID),
            sdk_exceptions.BadRequestException,
            json={'snapshot': {'volume_id': VID}},
        )

    def test_set_status_refused(self) -> None:
        self.check(
            'err_uss_creating_to_deleting',
            'POST',
            ACTION,
            lambda: self.proxy.set_snapshot_status(SID, 'deleting'),
            sdk_exceptions.BadRequestException,
            json={'os-update_snapshot_status': {'status': 'deleting'}},
        )

    def test_microversion_refused_by_server(self) -> None:
        exc = self.check(
            'err_mv_too_new',
            'GET',
            f'/snapshots/{SID}',
            lambda: self.proxy.get_snapshot(SID),
            sdk_exceptions.HttpException,
        )
        self.assertEqual(406, exc.status_code)

    def test_list_refused(self) -> None:
        self.check(
            'err_list_offset',
            'GET',
            '/snapshots',
            lambda: list(self.proxy.snapshots(details=False, offset=0)),
            sdk_exceptions.BadRequestException,
            query={'offset': ['0']},
        )

    def test_metadata_refused(self) -> None:
        self.check(
            'err_metadata_key_too_long',
            'PUT',
            f'/snapshots/{SID}/metadata',
            lambda: self.proxy.replace_snapshot_metadata(SID, k='v'),
            sdk_exceptions.BadRequestException,
            json={'metadata': {'k': 'v'}},
        )

    def test_over_limit(self) -> None:
        self.mock(
            'GET',
            f'/snapshots/{SID}',
            status_code=413,
            json={
                'overLimit': {
                    'code': 413,
                    'message': 'Too many requests',
                    'retryAfter': '0',
                }
            },
        )
        exc = self.assertRaises(
            sdk_exceptions.HttpException, self.proxy.get_snapshot, SID
        )
        self.assertEqual(413, exc.status_code)
        self.assertEqual('Too many requests', exc.details)
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)

    def test_error_without_json_body(self) -> None:
        self.mock(
            'DELETE',
            f'/snapshots/{SID}',
            status_code=500,
            text='',
            headers={'x-openstack-request-id': 'req-x'},
        )
        exc = self.assertRaises(
            sdk_exceptions.HttpException, self.proxy.delete_snapshot, SID
        )
        self.assertEqual(500, exc.status_code)
        self.assertEqual('req-x', exc.request_id)


class TestEarlyErrorClasses(testtools.TestCase):
    """Errors raised before sending are the classes the server's would be."""

    def test_request_error(self) -> None:
        exc = exceptions.InvalidSnapshotRequest('volume_id is required')
        for cls in (
            sdk_exceptions.BadRequestException,
            sdk_exceptions.HttpException,
            sdk_exceptions.InvalidRequest,
            sdk_exceptions.SDKException,
            ValueError,
        ):
            self.assertIsInstance(exc, cls)
        self.assertEqual('volume_id is required', str(exc))
        self.assertEqual('volume_id is required', exc.message)
        self.assertEqual(
            "InvalidSnapshotRequest('volume_id is required')", repr(exc)
        )
        # Nothing was sent: no response, status or request id.
        self.assertIsNone(exc.response)
        self.assertIsNone(exc.status_code)
        self.assertIsNone(exc.request_id)
        self.assertEqual(
            'InvalidSnapshotRequest', str(exceptions.InvalidSnapshotRequest())
        )

    def test_query_error(self) -> None:
        exc = exceptions.InvalidSnapshotQuery(
            message='unknown filter foo', extra_data={'foo'}
        )
        for cls in (
            sdk_exceptions.BadRequestException,
            sdk_exceptions.InvalidResourceQuery,
            ValueError,
        ):
            self.assertIsInstance(exc, cls)
        self.assertEqual('unknown filter foo', str(exc))
        self.assertEqual({'foo'}, exc.extra_data)
        self.assertEqual(
            "InvalidSnapshotQuery('unknown filter foo')", repr(exc)
        )
        self.assertIsNone(exc.status_code)
        positional = exceptions.InvalidSnapshotQuery('bad', ['x'])
        self.assertEqual(
            ('bad', ['x']), (str(positional), positional.extra_data)
        )

    def test_caught_as_the_server_error(self) -> None:
        try:
            raise exceptions.InvalidSnapshotRequest('bad')
        except sdk_exceptions.BadRequestException as exc:
            caught: Exception = exc
        self.assertEqual('bad', str(caught))

    def test_wait_errors(self) -> None:
        snap = _snapshot.Snapshot(id='s')
        gone = exceptions.SnapshotGone('gone', snap, None)
        self.assertIsInstance(gone, exceptions.SnapshotFailure)
        self.assertIsInstance(gone, sdk_exceptions.ResourceFailure)
        self.assertIsInstance(gone, sdk_exceptions.NotFoundException)
        self.assertEqual('gone', str(gone))
        self.assertIs(snap, gone.snapshot)
        self.assertIsNone(gone.status)
        stuck = exceptions.SnapshotNotDeleted('stuck', snap, 'available')
        self.assertIsInstance(stuck, exceptions.SnapshotFailure)
        self.assertIsInstance(stuck, sdk_exceptions.ResourceFailure)
        self.assertIsInstance(stuck, sdk_exceptions.ResourceTimeout)
        self.assertEqual('stuck', str(stuck))
        self.assertEqual('available', stuck.status)
        self.assertEqual("SnapshotNotDeleted('stuck')", repr(stuck))
