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

"""Keystone stopped before the first call of a new connection."""

import time

from keystoneauth1 import exceptions as ks_exceptions

from snapshot_ext.tests.chaos import base
from snapshot_ext.tests.functional import base as functional


class TestKeystoneStopped(base.ChaosTestCase):
    #: The api_timeout the connection is given, in seconds.
    API_TIMEOUT = 3

    def test_first_call_fails_fast_naming_keystone(self):
        volume = self.create_volume()
        name = self.unique_name('nokeystone')
        self.stop_service('keystone')
        start = time.monotonic()
        with self.assertRaises(Exception) as caught:
            conn = self.new_connection(
                functional.MEMBER_CLOUD, api_timeout=self.API_TIMEOUT
            )
            functional.block_storage(conn).create_snapshot(
                volume_id=volume.id, name=name
            )
        took = time.monotonic() - start
        self.start_service('keystone')

        # What the client reported: an error naming the endpoint that did
        # not answer, well within the timeout (the port is closed, so the
        # refusal is immediate; retries are bounded).
        message = str(caught.exception)
        self.assertIsInstance(
            caught.exception, ks_exceptions.ConnectFailure, message
        )
        self.assertIn('127.0.0.1:5000', message, message)
        self.assertLess(took, self.API_TIMEOUT * 4, message)
        self.note(f'error after {took:.2f} s: {message}')

        # What the server holds: nothing was created.
        self.assertEqual({}, self.server_snapshots(volume.id))
