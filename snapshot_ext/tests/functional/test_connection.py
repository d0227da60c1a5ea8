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

"""Plugging in through clouds.yaml, and microversion negotiation."""

import openstack

import snapshot_ext
from snapshot_ext.tests.functional import base
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import _proxy


class TestConnection(base.FunctionalTestCase):
    def test_vendor_hook_from_clouds_yaml_plugs_in_both_clouds(self):
        for conn in (self.admin, self.member):
            self.assertTrue(snapshot_ext.is_registered(conn))
            self.assertIsInstance(conn.block_storage, _proxy.Proxy)
            # Other services of the connection are untouched.
            self.assertNotIsInstance(conn.identity, _proxy.Proxy)

    def test_registration_is_per_connection(self):
        # A connection made without the hook keeps openstacksdk's proxy,
        # even while hooked connections exist in the same process.
        loader = openstack.config.OpenStackConfig(
            config_files=[base.clouds_file()], vendor_files=[]
        )
        region = loader.get_one(cloud=base.ADMIN_CLOUD)
        del region.config['vendor_hook']
        plain = openstack.connection.Connection(config=region)
        self.assertFalse(snapshot_ext.is_registered(plain))
        self.assertNotIsInstance(plain.block_storage, _proxy.Proxy)

    def test_negotiates_the_highest_common_microversion(self):
        # Cinder 29 announces 3.71, which is also snapshot_ext's ceiling.
        data = self.admin_proxy.get_endpoint_data()
        assert data is not None and data.max_microversion is not None
        server_max = '{}.{}'.format(*data.max_microversion[:2])
        expected = min(mv.parse(server_max), mv.parse(mv.MAX_MICROVERSION))
        self.assertEqual(
            '{}.{}'.format(*expected),
            self.admin_proxy.snapshot_microversion,
        )

    def test_configured_api_version_caps_the_microversion(self):
        conn = self.new_connection(
            base.ADMIN_CLOUD, block_storage_api_version='3.40'
        )
        self.assertEqual(
            '3.40', base.block_storage(conn).snapshot_microversion
        )

    def test_every_snapshot_request_carries_the_microversion(self):
        vol = self.create_volume()
        snap = self.create_snapshot(vol)
        proxy = self.admin_proxy
        counter = base.RequestCounter(self.admin)
        with counter.watching():
            proxy.get_snapshot(snap.id)
            list(proxy.snapshots(volume_id=vol.id))
            proxy.update_snapshot(snap, description='microversion')
            proxy.set_snapshot_metadata(snap, purpose='microversion')
            proxy.reset_snapshot_status(snap, 'available')
        self.assertEqual(5, len(counter.requests))
        # The server names the microversion it served each request at.
        expected = f'volume {proxy.snapshot_microversion}'
        for request in counter.requests:
            self.assertEqual(
                expected,
                request.api_version,
                f'{request.method} {request.url}',
            )
