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

"""The endpoint of a proxy, looked up once per token (``_endpoint``).

The Block Storage endpoint comes from the token's catalog, as in a real
cloud (:class:`~snapshot_ext.tests.unit.test_speedups.CatalogProxyTestCase`),
except where the fake cloud's endpoint override is meant.
"""

import datetime
from typing import Any
from unittest import mock

from keystoneauth1 import access

from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit import test_speedups
from snapshot_ext.v3 import _endpoint
from snapshot_ext.v3 import _proxy


class TestEndpointOnce(test_speedups.CatalogProxyTestCase):
    """The endpoint is looked up once per token, and correctly."""

    def get_snapshot(self, host: str = fakes.HOST) -> Any:
        capture = 'snapshot_show_mv3.71'
        snapshot_id = fakes.load_capture(capture)['body']['snapshot']['id']
        self.mock(
            'GET',
            f'/snapshots/{snapshot_id}',
            capture=capture,
            url=f'https://{host}/v3/{fakes.PROJECT_ID}/snapshots/'
            f'{snapshot_id}',
        )
        return self.proxy.get_snapshot(snapshot_id)

    def test_looked_up_once(self) -> None:
        proxy = self.proxy
        with mock.patch.object(
            proxy, 'get_endpoint', wraps=proxy.get_endpoint
        ) as lookup:
            for _ in range(3):
                self.get_snapshot()
        self.assertEqual(1, lookup.call_count)
        requests = self.api_requests()
        self.assertEqual(3, len(requests))
        for request in requests:
            self.assert_request(
                request, 'GET', f'/snapshots/{fakes.SNAPSHOT_ID}'
            )
        self.assertEqual(fakes.ENDPOINT, _endpoint.endpoint_override(proxy))

    def test_new_token_new_catalog(self) -> None:
        self.get_snapshot()
        # The token is re-issued with Block Storage moved elsewhere.
        moved = 'block-storage-2.example.com'
        self.register_token(endpoint=f'https://{moved}/v3/{fakes.PROJECT_ID}')
        self.requests_mock.get(
            f'https://{moved}/v3', json=fakes.version_document()
        )
        auth: Any = self.conn.session.auth
        auth.invalidate()
        self.forget_requests()
        snap = self.get_snapshot(host=moved)
        self.assertEqual(fakes.SNAPSHOT_ID, snap.id)
        (request,) = [
            r for r in self.api_requests() if not r.url.endswith('/v3')
        ]
        self.assertEqual(
            f'https://{moved}/v3/{fakes.PROJECT_ID}/snapshots/'
            f'{fakes.SNAPSHOT_ID}',
            request.url,
        )
        self.assertEqual(
            'volume 3.71', request.headers['OpenStack-API-Version']
        )

    def test_token_about_to_expire_is_left_to_keystoneauth(self) -> None:
        proxy = self.proxy
        self.get_snapshot()
        # keystoneauth re-authenticates two minutes before expiry; tokens
        # that expire sooner are never kept.
        soon = datetime.datetime.now(
            datetime.timezone.utc
        ) + datetime.timedelta(seconds=60)
        self.register_token(expires=soon)
        auth: Any = self.conn.session.auth
        auth.auth_ref = access.create(
            body=test_speedups.token_body(expires=soon), auth_token=fakes.TOKEN
        )
        self.assertIsNone(_endpoint.endpoint_override(proxy))
        self.forget_requests()
        snap = self.get_snapshot()
        self.assertEqual(fakes.SNAPSHOT_ID, snap.id)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{fakes.SNAPSHOT_ID}')

    def test_percent_in_endpoint(self) -> None:
        proxy = self.proxy
        with mock.patch.object(
            proxy, 'get_endpoint', return_value='https://h/v3/a%20b'
        ):
            self.assertEqual(
                'https://h/v3/a%%20b', _endpoint.endpoint_override(proxy)
            )

    def test_mock_session_left_to_keystoneauth(self) -> None:
        # A mock.Mock() session answers every lookup with a Mock, not an
        # endpoint: nothing is added, and keystoneauth (the mock) is asked
        # as usual.
        proxy = _proxy.Proxy(mock.Mock())
        self.assertIsNone(_endpoint.endpoint_override(proxy))
        kwargs: dict[str, Any] = {}
        _endpoint.add_endpoint(proxy, kwargs)
        self.assertEqual({}, kwargs)

    def test_request_arguments_win(self) -> None:
        proxy = self.proxy
        self.get_snapshot()
        for given in (
            {'endpoint_override': 'https://other/v3'},
            {'endpoint_filter': {'service_type': 'compute'}},
        ):
            with self.subTest(given=given):
                kwargs = dict(given)
                _endpoint.add_endpoint(proxy, kwargs)
                self.assertEqual(given, kwargs)
        kwargs = {}
        _endpoint.add_endpoint(proxy, kwargs)
        self.assertEqual({'endpoint_override': fakes.ENDPOINT}, kwargs)


class TestEndpointOverrideConfigured(fakes.ProxyTestCase):
    def test_adapter_override_is_used(self) -> None:
        # The fake cloud sets block_storage_endpoint_override.
        self.assertEqual(fakes.ENDPOINT, self.proxy.endpoint_override)
        self.assertIsNone(_endpoint.endpoint_override(self.proxy))
        kwargs: dict[str, Any] = {}
        _endpoint.add_endpoint(self.proxy, kwargs)
        self.assertEqual({}, kwargs)
