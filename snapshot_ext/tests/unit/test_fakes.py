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

"""Tests of the test fixture itself: it must see what is really sent."""

from snapshot_ext.tests.unit import fakes

SID = fakes.SNAPSHOT_ID


class TestProxyTestCase(fakes.ProxyTestCase):
    def test_setup_sends_nothing(self) -> None:
        self.assertEqual([], self.requests_mock.request_history)

    def test_first_proxy_use_sends_one_discovery_request(self) -> None:
        self.assertIsNotNone(self.proxy)
        history = self.requests_mock.request_history
        self.assertEqual(1, len(history))
        self.assertEqual('GET', history[0].method)
        self.assertEqual(fakes.VERSION_URL, history[0].url)
        self.assertTrue(self.is_discovery(history[0]))
        self.assertEqual([], self.api_requests())
        self.assert_no_api_request()

    def test_api_requests_excludes_discovery_only(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        self.proxy.get_snapshot(SID)
        self.assertEqual(1, len(self.discovery_requests()))
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{SID}')
        self.assertRaises(AssertionError, self.assert_no_api_request)

    def test_assert_request_detects_differences(self) -> None:
        self.mock('POST', f'/snapshots/{SID}/action', status_code=202)
        self.proxy.reset_snapshot_status(SID, 'error')
        (request,) = self.api_requests()
        path = f'/snapshots/{SID}/action'
        body = {'os-reset_status': {'status': 'error'}}
        self.assert_request(request, 'POST', path, json=body)
        bad_calls: list[tuple[tuple[str, str], dict[str, object]]] = [
            (('PUT', path), {'json': body}),
            (('POST', path + 'x'), {'json': body}),
            (('POST', path), {'json': {'os-reset_status': {}}}),
            (('POST', path), {}),
            (('POST', path), {'json': body, 'query': {'a': ['b']}}),
            (('POST', path), {'json': body, 'microversion': '3.70'}),
            (('POST', path), {'json': body, 'microversion': None}),
        ]
        for args, kwargs in bad_calls:
            self.assertRaises(
                AssertionError,
                self.assert_request,
                request,
                *args,
                **kwargs,  # type: ignore[arg-type]
            )

    def test_capture_decodes_request_body(self) -> None:
        as_text = self.capture('err_reset_status_invalid')
        as_object = self.capture('ok_reset_status_available.json')
        self.assertEqual(
            {'os-reset_status': {'status': 'bogus'}}, as_text['request_body']
        )
        self.assertEqual(
            {'os-reset_status': {'status': 'available'}},
            as_object['request_body'],
        )
        self.assertEqual(400, as_text['status'])
        self.assertEqual('', as_object['body'])

    def test_captured_request(self) -> None:
        method, path, query, body = self.captured_request(
            'snapshot_list_limit2_page2'
        )
        self.assertEqual('GET', method)
        self.assertEqual('/snapshots/detail', path)
        self.assertEqual(
            {
                'limit': ['2'],
                'marker': ['d684955c-e41c-4d07-859a-ff938d201740'],
                'volume_id': [fakes.VOLUME_ID],
            },
            query,
        )
        self.assertIsNone(body)


class TestNoMicroversionCloud(fakes.ProxyTestCase):
    max_version = None

    def test_version_fields_absent(self) -> None:
        doc = fakes.version_document(None)
        self.assertNotIn('version', doc['version'])
        self.assertNotIn('min_version', doc['version'])
        self.assertIsNone(self.proxy.snapshot_microversion)
