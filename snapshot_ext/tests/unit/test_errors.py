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

from snapshot_ext.tests.unit import fakes

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
