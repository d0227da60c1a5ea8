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
from openstack.block_storage.v3 import _proxy as _stock_proxy

from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit import test_speedups
from snapshot_ext.v3 import _endpoint
from snapshot_ext.v3 import _proxy

OTHER_PROJECT = '0b7e1c2d3f4a45b6a7c8d9e0f1a2b3c4'


class _GetTestCase(test_speedups.CatalogProxyTestCase):
    """The catalog cloud, and a snapshot to get from it."""

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


class TestEndpointOnce(_GetTestCase):
    """The endpoint is looked up once per token, and correctly."""

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


class TestProjectIdOnce(_GetTestCase):
    """The token's project, which names openstacksdk's cache keys, is
    asked once per token."""

    def stock_prefix(self, url: str) -> str:
        return str(_stock_proxy.Proxy._get_cache_key_prefix(self.proxy, url))

    def test_asked_once_per_token(self) -> None:
        proxy = self.proxy
        session: Any = proxy.session
        with mock.patch.object(
            session, 'get_project_id', wraps=session.get_project_id
        ) as asked:
            for _ in range(3):
                self.get_snapshot()
            self.assertEqual(1, asked.call_count)
            url = f'/snapshots/{fakes.SNAPSHOT_ID}'
            self.assertEqual(
                'block-storage.snapshot', proxy._get_cache_key_prefix(url)
            )
            self.assertEqual(1, asked.call_count)
        self.assertEqual(3, len(self.api_requests()))
        self.assertEqual(fakes.PROJECT_ID, _endpoint.project_id(proxy))
        for url in (
            f'/snapshots/{fakes.SNAPSHOT_ID}',
            '/snapshots/detail',
            f'{fakes.ENDPOINT}/snapshots',
        ):
            with self.subTest(url=url):
                self.assertEqual(
                    self.stock_prefix(url), proxy._get_cache_key_prefix(url)
                )

    def test_new_token_other_project(self) -> None:
        proxy = self.proxy
        self.get_snapshot()
        url = f'https://{fakes.HOST}/v3/{OTHER_PROJECT}/snapshots'
        before = proxy._get_cache_key_prefix(url)
        # Another project's ID is a part of the name.
        self.assertEqual(f'block-storage.{OTHER_PROJECT}', before)
        self.assertEqual(self.stock_prefix(url), before)
        # The token is re-issued for another project.
        self.register_token(project_id=OTHER_PROJECT)
        auth: Any = self.conn.session.auth
        auth.invalidate()
        self.assertEqual(OTHER_PROJECT, _endpoint.project_id(proxy))
        self.assertEqual(OTHER_PROJECT, auth.auth_ref.project_id)
        after = proxy._get_cache_key_prefix(url)
        self.assertEqual('block-storage.snapshots', after)
        self.assertEqual(self.stock_prefix(url), after)

    def test_other_token_object_asks_again(self) -> None:
        proxy = self.proxy
        session: Any = proxy.session
        self.get_snapshot()
        auth: Any = session.auth
        with mock.patch.object(
            session, 'get_project_id', wraps=session.get_project_id
        ) as asked:
            self.assertEqual(fakes.PROJECT_ID, _endpoint.project_id(proxy))
            self.assertEqual(0, asked.call_count)
            auth.auth_ref = access.create(
                body=test_speedups.token_body(project_id=OTHER_PROJECT),
                auth_token=fakes.TOKEN,
            )
            self.assertEqual(OTHER_PROJECT, _endpoint.project_id(proxy))
            self.assertEqual(1, asked.call_count)

    def test_token_due_asks_again(self) -> None:
        proxy = self.proxy
        session: Any = proxy.session
        self.get_snapshot()
        soon = datetime.datetime.now(
            datetime.timezone.utc
        ) + datetime.timedelta(seconds=60)
        auth: Any = session.auth
        auth.auth_ref = access.create(
            body=test_speedups.token_body(expires=soon),
            auth_token=fakes.TOKEN,
        )
        # keystoneauth re-issues the token when asked for the project.
        self.register_token(project_id=OTHER_PROJECT)
        with mock.patch.object(
            session, 'get_project_id', wraps=session.get_project_id
        ) as asked:
            self.assertEqual(OTHER_PROJECT, _endpoint.project_id(proxy))
            self.assertEqual(OTHER_PROJECT, _endpoint.project_id(proxy))
            self.assertEqual(1, asked.call_count)

    def test_no_token_kept_asks_every_time(self) -> None:
        proxy = _proxy.Proxy(mock.Mock())
        session: Any = proxy.session
        session.get_project_id.return_value = 'p1'
        session.auth.auth_ref = None
        self.assertEqual('p1', _endpoint.project_id(proxy))
        self.assertEqual('p1', _endpoint.project_id(proxy))
        self.assertEqual(2, session.get_project_id.call_count)
