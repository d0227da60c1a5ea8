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

"""Tests of :func:`snapshot_ext.register`."""

import inspect
from typing import Any

from openstack import connection
from openstack.block_storage import block_storage_service
from openstack.block_storage.v3 import _proxy as stock_proxy

import snapshot_ext
from snapshot_ext import registration
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _proxy

SID = fakes.SNAPSHOT_ID


def _static_block_storage() -> object:
    return inspect.getattr_static(connection.Connection, 'block_storage')


class TestRegister(fakes.ProxyTestCase):
    register_plugin = False

    def test_register_sends_no_request(self) -> None:
        snapshot_ext.register(self.conn)
        self.assertEqual([], self.requests_mock.request_history)
        self.assertTrue(snapshot_ext.is_registered(self.conn))

    def test_registered_proxy_class(self) -> None:
        snapshot_ext.register(self.conn)
        self.assertIs(_proxy.Proxy, type(self.conn.block_storage))
        self.assertIsInstance(self.conn.block_storage, stock_proxy.Proxy)

    def test_proxy_registers_and_returns_the_typed_proxy(self) -> None:
        bs = snapshot_ext.proxy(self.conn)
        self.assertTrue(snapshot_ext.is_registered(self.conn))
        self.assertIs(_proxy.Proxy, type(bs))
        self.assertIs(bs, self.conn.block_storage)
        self.assertIs(bs, snapshot_ext.proxy(self.conn))
        self.assertEqual([], self.api_requests())

    def test_proxy_refuses_a_non_v3_block_storage(self) -> None:
        snapshot_ext.register(self.conn)
        # What a cloud with only the v2 API would have built.
        proxies: dict[str, Any] = self.conn._proxies
        proxies['block-storage'] = object()
        exc = self.assertRaises(TypeError, snapshot_ext.proxy, self.conn)
        self.assertIn('not the v3 API', str(exc))

    def test_unregistered_connection(self) -> None:
        self.assertFalse(snapshot_ext.is_registered(self.conn))
        self.assertIs(stock_proxy.Proxy, type(self.conn.block_storage))

    def test_connection_class_unchanged(self) -> None:
        before = _static_block_storage()
        snapshot_ext.register(self.conn)
        after = _static_block_storage()
        self.assertIs(before, after)
        self.assertIs(block_storage_service.BlockStorageService, type(after))
        self.assertNotIsInstance(after, registration.BlockStorageService)
        self.assertFalse(
            hasattr(connection.Connection, '_snapshot_ext_registered')
        )
        self.assertIsInstance(self.conn, connection.Connection)
        self.assertEqual('Connection', type(self.conn).__name__)

    def test_other_connections_keep_stock_proxy(self) -> None:
        made_before = self.make_connection()
        snapshot_ext.register(self.conn)
        made_after = self.make_connection()
        self.assertIs(_proxy.Proxy, type(self.conn.block_storage))
        self.assertIs(stock_proxy.Proxy, type(made_before.block_storage))
        self.assertIs(stock_proxy.Proxy, type(made_after.block_storage))
        self.assertIs(connection.Connection, type(made_before))
        self.assertIs(connection.Connection, type(made_after))
        self.assertFalse(snapshot_ext.is_registered(made_after))

    def test_register_twice_is_harmless(self) -> None:
        snapshot_ext.register(self.conn)
        registered_class = type(self.conn)
        proxy = self.conn.block_storage
        snapshot_ext.register(self.conn)
        self.assertIs(registered_class, type(self.conn))
        self.assertIs(proxy, self.conn.block_storage)
        self.assertIs(connection.Connection, registered_class.__base__)
        self.assertEqual(1, len(self.discovery_requests()))
        self.assert_no_api_request()

    def test_one_subclass_per_connection_class(self) -> None:
        other = self.make_connection()
        snapshot_ext.register(self.conn)
        snapshot_ext.register(other)
        self.assertIs(type(self.conn), type(other))

    def test_vendor_hook(self) -> None:
        conn = self.make_connection(vendor_hook='snapshot_ext:register')
        self.assertTrue(snapshot_ext.is_registered(conn))
        self.assertIs(_proxy.Proxy, type(conn.block_storage))
        self.assertIsInstance(conn, connection.Connection)

    def test_stock_proxy_built_before_is_replaced(self) -> None:
        stock = self.conn.block_storage
        self.assertIs(stock_proxy.Proxy, type(stock))
        snapshot_ext.register(self.conn)
        new = self.conn.block_storage
        self.assertIsNot(stock, new)
        self.assertIs(_proxy.Proxy, type(new))

    def test_aliases_after_block_storage(self) -> None:
        snapshot_ext.register(self.conn)
        proxy = self.conn.block_storage
        self.assertIs(proxy, self.conn.volume)
        self.assertIs(proxy, self.conn.block_store)

    def test_volume_alias_used_first(self) -> None:
        snapshot_ext.register(self.conn)
        self.assertIs(_proxy.Proxy, type(self.conn.volume))
        self.assertIs(self.conn.volume, self.conn.block_storage)

    def test_block_store_alias_used_first(self) -> None:
        snapshot_ext.register(self.conn)
        self.assertIs(_proxy.Proxy, type(self.conn.block_store))
        self.assertIs(self.conn.block_store, self.conn.block_storage)

    def test_register_refuses_non_connection(self) -> None:
        exc = self.assertRaises(
            TypeError,
            snapshot_ext.register,
            'x',  # type: ignore[arg-type]
        )
        self.assertIn('openstack.connection.Connection', str(exc))
        self.assertIn('str', str(exc))

    def test_registered_proxy_sends_requests(self) -> None:
        snapshot_ext.register(self.conn)
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        snap = self.conn.block_storage.get_snapshot(SID)
        self.assertEqual(SID, snap.id)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{SID}')
