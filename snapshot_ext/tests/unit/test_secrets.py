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

"""The token never shows in reprs, error messages or logs."""

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes

SID = fakes.SNAPSHOT_ID
TOKEN = fakes.TOKEN


class TestSecrets(fakes.ProxyTestCase):
    def assert_clean(self, obj: object) -> None:
        self.assertNotIn(TOKEN, repr(obj))
        self.assertNotIn(TOKEN, str(obj))

    def test_token_is_sent(self) -> None:
        # The checks below mean something only if the token is in play.
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        self.proxy.get_snapshot(SID)
        (request,) = self.api_requests()
        self.assertEqual(TOKEN, request.headers['X-Auth-Token'])

    def test_resources(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        self.mock(
            'GET', '/snapshots/detail', capture='snapshot_list_with_count'
        )
        snap = self.proxy.get_snapshot(SID)
        self.assert_clean(snap)
        self.assert_clean(snap.to_dict())
        page = next(self.proxy.snapshot_pages(with_count=True))
        self.assert_clean(page)
        for item in page:
            self.assert_clean(item)
        self.assert_clean(self.proxy)
        self.assert_clean(self.conn)

    def test_server_errors(self) -> None:
        self.mock(
            'POST',
            f'/snapshots/{SID}/action',
            capture='err_demo_force_delete_403',
        )
        exc = self.assertRaises(
            sdk_exceptions.ForbiddenException,
            self.proxy.force_delete_snapshot,
            SID,
        )
        self.assert_clean(exc)
        self.assert_clean(exc.details)
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)

    def test_listing_interrupted(self) -> None:
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail',
            [
                {
                    'json': {
                        'snapshots': [{'id': 'a'}],
                        'snapshots_links': [
                            {
                                'rel': 'next',
                                'href': f'{fakes.ENDPOINT}/snapshots/detail?marker=a',
                            }
                        ],
                    }
                },
                {
                    'status_code': 404,
                    'json': {'itemNotFound': {'code': 404, 'message': 'gone'}},
                },
            ],
        )
        exc = self.assertRaises(
            exceptions.ListingInterrupted, list, self.proxy.snapshots()
        )
        self.assert_clean(exc)
        self.assert_clean(exc.cause)

    def test_client_side_errors(self) -> None:
        errors = [
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.create_snapshot,
                name='x',
            ),
            self.assertRaises(
                exceptions.InvalidSnapshotQuery,
                self.proxy.snapshots,
                bogus=1,
            ),
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.set_snapshot_status,
                SID,
                'creating',
                'abc',
            ),
        ]
        for exc in errors:
            self.assert_clean(exc)
        self.assert_no_api_request()

    def test_logs(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        self.mock(
            'POST',
            f'/snapshots/{SID}/action',
            capture='err_demo_force_delete_403',
        )
        with self.assertLogs(level='DEBUG') as logs:
            self.proxy.get_snapshot(SID)
            self.assertRaises(
                sdk_exceptions.ForbiddenException,
                self.proxy.force_delete_snapshot,
                SID,
            )
        output = '\n'.join(logs.output)
        # Requests were logged (with headers), yet without the token.
        self.assertIn(f'/snapshots/{SID}', output)
        self.assertIn('X-Auth-Token', output)
        self.assertNotIn(TOKEN, output)
