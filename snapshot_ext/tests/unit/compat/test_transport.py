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

"""Transport and answer checks, stock vs plugin: the documented
differences of "Transport and answers" in compatibility.rst."""

from typing import Any

import fixtures
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions
import requests

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.compat import harness
from snapshot_ext.v3 import _transport

ID = harness.ID
PATH = f'/snapshots/{ID}'
UNAVAILABLE = {'status_code': 503, 'json': {'error': 'unavailable'}}


class TestTransport(harness.CompatTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sleeps: list[float] = []
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._transport._sleep', self.sleeps.append
            )
        )

    def test_get_retried_after_503(self) -> None:
        def prepare() -> None:
            self.requests_mock.get(
                fakes.ENDPOINT + PATH,
                [UNAVAILABLE, {'json': {'snapshot': harness.SHOW}}],
            )

        stock, plugin = self.both(harness.verb('get_snapshot', ID), prepare)
        self.assertIsInstance(stock.error, sdk_exceptions.HttpException)
        self.assertEqual(1, len(stock.sent))
        self.assertIsNone(plugin.error)
        self.assertEqual(ID, plugin.raw.id)
        self.assertEqual([stock.sent[0]] * 2, plugin.sent)
        self.assertEqual(1, len(self.sleeps))

    def test_create_not_repeated_when_the_answer_is_lost(self) -> None:
        self.requests_mock.post(
            fakes.ENDPOINT + '/snapshots',
            exc=requests.exceptions.ConnectionError('reset by peer'),
        )
        stock, plugin = self.both(
            harness.verb(
                'create_snapshot', volume_id=harness.SHOW['volume_id']
            )
        )
        self.assertIsInstance(stock.error, ks_exceptions.ConnectionError)
        self.assertIsInstance(plugin.error, exceptions.RequestOutcomeUnknown)
        self.assertIsInstance(plugin.error, ks_exceptions.ConnectionError)
        self.assertEqual(1, len(plugin.sent))
        self.assertIn('look for it', str(plugin.error))

    def test_answer_of_another_snapshot(self) -> None:
        self.mock('GET', PATH, json={'snapshot': harness.snapshot(id='other')})
        stock, plugin = self.both(harness.verb('get_snapshot', ID))
        self.assertIsNone(stock.error)
        self.assertEqual('other', stock.raw.id)
        self.assertIsInstance(plugin.error, sdk_exceptions.InvalidResponse)

    def test_field_of_the_wrong_type(self) -> None:
        self.mock('GET', PATH, json={'snapshot': harness.snapshot(size='1')})
        stock, plugin = self.both(harness.verb('get_snapshot', ID))
        self.assertIsNone(stock.error)
        self.assertIsInstance(plugin.error, sdk_exceptions.InvalidResponse)
        self.assertIn("field 'size'", str(plugin.error))

    def test_answer_without_the_snapshot_envelope(self) -> None:
        # Difference: stock takes what it finds (no fields, or the bare
        # ones) and returns a snapshot with no or partial data; Cinder
        # always wraps the object in "snapshot", so such an answer comes
        # from something else, and returning an empty snapshot would hide
        # that.
        answers: dict[str, tuple[Any, str | None]] = {
            'a listing body': ({'snapshots': [harness.SHOW]}, None),
            'an empty object': ({}, None),
            'the bare fields': (harness.snapshot(), 'available'),
        }
        for name, (body, stock_status) in answers.items():
            with self.subTest(answer=name):
                self.mock('GET', PATH, json=body)
                stock, plugin = self.both(harness.verb('get_snapshot', ID))
                self.assertIsNone(stock.error)
                self.assertEqual(ID, stock.raw.id)
                self.assertEqual(stock_status, stock.raw.status)
                self.assertEqual(
                    [harness.Sent('GET', PATH, {}, None)], plugin.sent
                )
                self.assertEqual(stock.sent, plugin.sent)
                self.assertIsInstance(
                    plugin.error, sdk_exceptions.InvalidResponse
                )
                self.assertIn(
                    "the 'snapshot' of the answer", str(plugin.error)
                )

    def test_listing_interrupted(self) -> None:
        first: dict[str, Any] = {
            'snapshots': [harness.snapshot()],
            'snapshots_links': [
                {
                    'rel': 'next',
                    'href': f'{fakes.ENDPOINT}/snapshots/detail'
                    f'?limit=1&marker={ID}',
                }
            ],
        }
        stock, plugin = self.both(
            harness.verb('snapshots', limit=1),
            prepare=lambda: self.requests_mock.get(
                fakes.ENDPOINT + '/snapshots/detail',
                [
                    {'json': first},
                    {'status_code': 500, 'json': {'computeFault': {}}},
                ],
            ),
        )
        self.assertIsInstance(stock.error, sdk_exceptions.HttpException)
        self.assertIsInstance(plugin.error, exceptions.ListingInterrupted)
        assert isinstance(plugin.error, exceptions.ListingInterrupted)
        self.assertIsInstance(plugin.error.cause, type(stock.error))
        self.assertEqual((1, 1), (plugin.error.pages, plugin.error.items))
        self.assertEqual(stock.sent, plugin.sent)

    def test_default_timeout(self) -> None:
        # Without api_timeout in clouds.yaml stock's requests have no
        # timeout; the plugin's proxy has a default one.
        stock: Any = self.stock_conn.block_storage
        self.assertIsNone(stock.session.timeout)
        self.assertEqual(
            _transport.DEFAULT_TIMEOUT, self.plugin_proxy.session.timeout
        )
        # The connection's own session, used by its other services, is
        # left as it was.
        self.assertIsNone(self.plugin_conn.session.timeout)
