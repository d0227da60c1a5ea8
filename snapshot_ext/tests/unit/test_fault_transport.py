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

"""Connection faults over real sockets: what is retried, what never is.

A real ``openstack.connect`` (vendor hook ``snapshot_ext:register``)
authenticates against the loopback :class:`FaultServer` and talks to it
over TCP; the server drops, resets, stalls, truncates and refuses on
command and records every request it receives.
"""

import json
import logging
import socket
from typing import Any

import fixtures
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests import base
from snapshot_ext.tests import faultserver as fs
from snapshot_ext.v3 import _transport

VOLUME = 'c779ffae-d7ca-4f21-8305-adecbf9a6165'


class FaultTestCase(base.TestCase):
    """A fault cloud per test; no test can run longer than 30 s."""

    #: clouds.yaml settings of the connection.
    config: dict[str, Any] = fs.FAST

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.Timeout(30, gentle=True))
        self.cloud = self.useFixture(fs.FaultCloud(**self.config))
        self.server = self.cloud.server
        self.proxy = self.cloud.proxy

    def snapshot(self, **fields: Any) -> dict[str, Any]:
        return self.server.add_snapshot(volume_id=VOLUME, **fields)


class TestRealConnection(FaultTestCase):
    def test_connect_authenticate_discover_and_call(self) -> None:
        snap = self.snapshot(name='a')
        self.assertEqual('a', self.proxy.get_snapshot(snap['id']).name)
        self.assertEqual('3.71', self.proxy.snapshot_microversion)
        token_requests = [
            r for r in self.server.requests if r.path.endswith('/tokens')
        ]
        self.assertEqual(1, len(token_requests))
        (api,) = self.server.api_requests()
        self.assertEqual('GET', api.method)
        self.assertEqual(('snapshot', snap['id']), api.route)
        self.assertEqual(self.server.token, api.headers['x-auth-token'])
        self.assertEqual('volume 3.71', api.headers['openstack-api-version'])


class TestIdempotentRequests(FaultTestCase):
    def test_get_survives_drop_reset_truncation_and_stall(self) -> None:
        snap = self.snapshot(name='a')
        path = f"/snapshots/{snap['id']}"
        self.server.add(
            'GET',
            path,
            fs.Drop(),
            fs.Reset(),
            fs.Truncated(json.dumps({'snapshot': {'id': snap['id']}})),
        )
        self.assertEqual('a', self.proxy.get_snapshot(snap['id']).name)
        self.assertEqual(4, len(self.server.api_requests('GET', path)))

    def test_get_gives_up_after_the_bound(self) -> None:
        snap = self.snapshot()
        path = f"/snapshots/{snap['id']}"
        self.server.add('GET', path, fs.Drop(), times=None)
        exc = self.assertRaises(
            ks_exceptions.ConnectFailure, self.proxy.get_snapshot, snap['id']
        )
        self.assertIn('(4 attempts)', str(exc))
        self.assertEqual(4, len(self.server.api_requests('GET', path)))

    def test_503_then_success(self) -> None:
        snap = self.snapshot(name='a')
        path = f"/snapshots/{snap['id']}"
        self.server.add('GET', path, fs.Status(503), fs.Status(502))
        self.assertEqual('a', self.proxy.get_snapshot(snap['id']).name)
        self.assertEqual(3, len(self.server.api_requests('GET', path)))

    def test_update_and_delete_retried(self) -> None:
        snap = self.snapshot(name='a')
        path = f"/snapshots/{snap['id']}"
        self.server.add('PUT', path, fs.Reset())
        self.server.add('DELETE', path, fs.Status(503))
        self.assertEqual(
            'b', self.proxy.update_snapshot(snap['id'], name='b').name
        )
        self.proxy.delete_snapshot(snap['id'])
        self.assertNotIn(snap['id'], self.server.snapshots)
        self.assertEqual(2, len(self.server.api_requests('PUT', path)))
        self.assertEqual(2, len(self.server.api_requests('DELETE', path)))

    def test_reset_status_action_retried(self) -> None:
        snap = self.snapshot()
        path = f"/snapshots/{snap['id']}/action"
        self.server.add('POST', path, fs.Lost(fs.Drop()))
        self.proxy.reset_snapshot_status(snap['id'], 'error')
        self.assertEqual('error', self.server.snapshots[snap['id']]['status'])
        self.assertEqual(2, len(self.server.api_requests('POST', path)))


class TestCreateNeverBlindlyRetried(FaultTestCase):
    # keystoneauth on its own would repeat a POST with these settings.
    config = {
        **fs.FAST,
        'block_storage_connect_retries': 3,
        'block_storage_status_code_retries': 3,
        'block_storage_retriable_status_codes': [502, 503, 504],
    }

    def create(self) -> Any:
        return self.proxy.create_snapshot(volume_id=VOLUME, name='nightly')

    def creates(self) -> list[fs.Recorded]:
        return self.server.api_requests('POST', '/snapshots')

    def test_lost_answer_names_what_to_look_for(self) -> None:
        self.server.add('POST', '/snapshots', fs.Lost(fs.Drop()))
        exc = self.assertRaises(exceptions.RequestOutcomeUnknown, self.create)
        self.assertEqual(1, len(self.creates()))
        self.assertIn('whether it took effect is unknown', str(exc))
        self.assertIn(f"volume_id='{VOLUME}'", str(exc))
        self.assertIn("name='nightly'", str(exc))
        # Following the hint finds the one snapshot that was created.
        found = list(self.proxy.snapshots(volume_id=VOLUME, name='nightly'))
        self.assertEqual(1, len(found))
        self.assertEqual(1, len(self.server.snapshots))

    def test_reset_stall_and_truncation_are_outcome_unknown(self) -> None:
        faults = [
            fs.Reset(),
            fs.Truncated('{"snapshot": {"id": "x", "status": "creating"}}'),
        ]
        for fault in faults:
            with self.subTest(fault=type(fault).__name__):
                self.server.forget_requests()
                self.server.add('POST', '/snapshots', fault)
                self.assertRaises(
                    exceptions.RequestOutcomeUnknown, self.create
                )
                self.assertEqual(1, len(self.creates()))

    def test_5xx_not_retried(self) -> None:
        self.server.add('POST', '/snapshots', fs.Status(503))
        exc = self.assertRaises(sdk_exceptions.HttpException, self.create)
        self.assertEqual(503, exc.status_code)
        self.assertEqual(1, len(self.creates()))

    def test_429_retried_after_the_wait_asked(self) -> None:
        self.server.add(
            'POST', '/snapshots', fs.Status(429, {'Retry-After': '0'})
        )
        self.assertEqual('nightly', self.create().name)
        self.assertEqual(2, len(self.creates()))
        self.assertEqual(1, len(self.server.snapshots))

    def test_413_quota_refusal_not_retried(self) -> None:
        body = {
            'overLimit': {
                'code': 413,
                'message': 'Maximum number of snapshots exceeded',
                'retryAfter': '0',
            }
        }
        self.server.add(
            'POST',
            '/snapshots',
            fs.Status(413, {'Retry-After': '0'}, body),
        )
        exc = self.assertRaises(sdk_exceptions.HttpException, self.create)
        self.assertEqual(413, exc.status_code)
        self.assertEqual(1, len(self.creates()))

    def test_retry_after_beyond_the_bound_not_waited(self) -> None:
        # FAST allows 0.5 s at most.
        self.server.add(
            'POST', '/snapshots', fs.Status(429, {'Retry-After': '30'})
        )
        exc = self.assertRaises(sdk_exceptions.HttpException, self.create)
        self.assertEqual(429, exc.status_code)
        self.assertEqual(1, len(self.creates()))

    def test_force_delete_lost_answer_not_repeated(self) -> None:
        snap = self.snapshot()
        path = f"/snapshots/{snap['id']}/action"
        self.server.add('POST', path, fs.Lost(fs.Reset()))
        self.assertRaises(
            exceptions.RequestOutcomeUnknown,
            self.proxy.force_delete_snapshot,
            snap['id'],
        )
        self.assertEqual(1, len(self.server.api_requests('POST', path)))


class TestTimeouts(FaultTestCase):
    config = {**fs.FAST, 'api_timeout': 0.3}

    def test_stalled_get_times_out_and_is_retried(self) -> None:
        snap = self.snapshot(name='a')
        path = f"/snapshots/{snap['id']}"
        self.server.add('GET', path, fs.Stall(3))
        self.assertEqual('a', self.proxy.get_snapshot(snap['id']).name)
        self.assertEqual(2, len(self.server.api_requests('GET', path)))

    def test_stalled_create_is_outcome_unknown(self) -> None:
        self.server.add('POST', '/snapshots', fs.Lost(fs.Stall(3)))
        exc = self.assertRaises(
            exceptions.RequestOutcomeUnknown,
            self.proxy.create_snapshot,
            volume_id=VOLUME,
        )
        self.assertIn('timed out', str(exc))
        self.assertEqual(
            1, len(self.server.api_requests('POST', '/snapshots'))
        )


class TestDefaultTimeout(base.TestCase):
    """Without api_timeout, the proxy's requests are bounded all the same."""

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.Timeout(30, gentle=True))
        # The default, shortened so a stall outlasts it quickly.
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._transport.DEFAULT_TIMEOUT', (1.0, 0.3)
            )
        )
        config: dict[str, Any] = {
            k: v for k, v in fs.FAST.items() if k != 'api_timeout'
        }
        config['block_storage_connect_retries'] = 0
        # Stalls last longer than the timeout; an unbounded request would
        # end with the server closing the connection instead.
        self.cloud = self.useFixture(fs.FaultCloud(max_stall=3, **config))
        self.server = self.cloud.server

    def test_stalled_api_request(self) -> None:
        self.server.add('GET', '/snapshots/x', fs.Stall(3))
        self.assertRaises(
            ks_exceptions.ConnectTimeout, self.cloud.proxy.get_snapshot, 'x'
        )

    def test_stalled_reauthentication(self) -> None:
        proxy = self.cloud.proxy
        # The token is refused, and fetching a new one stalls.
        self.server.add('GET', '/snapshots/x', fs.Status(401))
        self.server.add('POST', '/identity/v3/auth/tokens', fs.Stall(3))
        self.assertRaises(
            ks_exceptions.ConnectTimeout, proxy.get_snapshot, 'x'
        )
        tokens = [r for r in self.server.requests if r.path.endswith('tokens')]
        self.assertEqual(2, len(tokens))

    def test_stalled_token_request_while_building_the_proxy(self) -> None:
        # openstacksdk authenticates and discovers the block-storage
        # version through the connection's own session while it builds the
        # proxy, before the proxy (and its bounded session) exists; the
        # registration bounds that build too.
        self.server.add('POST', '/identity/v3/auth/tokens', fs.Stall(1.2))
        self.assertRaises(
            ks_exceptions.ConnectTimeout, lambda: self.cloud.proxy
        )


class TestNothingListening(base.TestCase):
    def test_refused_connection_fails_after_the_bound(self) -> None:
        self.useFixture(fixtures.Timeout(30, gentle=True))
        cloud = self.useFixture(fs.FaultCloud())
        # Point the block-storage endpoint at a port nobody listens on.
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        conn = cloud.connect(
            block_storage_endpoint_override=(
                f'http://127.0.0.1:{port}/volume/v3/{fs.PROJECT_ID}'
            ),
            **fs.FAST,
        )
        proxy = fs.FaultCloud.proxy_of(conn)
        exc = self.assertRaises(
            ks_exceptions.ConnectFailure, proxy.get_volume, 'x'
        )
        # Nothing was sent, so even a POST would have been retried.
        self.assertIn('(4 attempts)', str(exc))
        self.assertTrue(_transport.never_sent(exc))


class TestListing(FaultTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ids = [self.snapshot(name=f's{i}')['id'] for i in range(5)]
        self.ids.reverse()  # newest first, as Cinder lists them

    def test_failed_page_is_retried_first(self) -> None:
        listing = self.proxy.snapshots(limit=2)
        first = [next(listing).id, next(listing).id]
        self.server.add(
            'GET', '/snapshots/detail', fs.Drop(), fs.Status(503), fs.Reset()
        )
        rest = [s.id for s in listing]
        self.assertEqual(self.ids, first + rest)
        pages = self.server.api_requests('GET', '/snapshots/detail')
        # Page 1, page 2 three times failing then once more, pages 3, 4.
        self.assertEqual(1 + 4 + 1, len(pages))
        for request in pages[1:5]:
            self.assertEqual([self.ids[1]], request.query['marker'])

    def test_page_cut_short_is_retried(self) -> None:
        # Listing pages are read as a stream; an answer cut short while
        # its body is read is a lost answer like any other, and retried.
        # (keystoneauth's debug log would read the body while sending:
        # keep it quiet so the streamed read is what is tested.)
        self.useFixture(
            fixtures.FakeLogger(name='keystoneauth', level=logging.INFO)
        )
        body = json.dumps({'snapshots': [{'id': 'x'}]})
        self.server.add(
            'GET', '/snapshots/detail', fs.Truncated(body), fs.Truncated(body)
        )
        listing = self.proxy.snapshots(limit=2)
        first = [next(listing).id, next(listing).id]
        self.server.add('GET', '/snapshots/detail', fs.Truncated(body))
        rest = [s.id for s in listing]
        self.assertEqual(self.ids, first + rest)
        pages = self.server.api_requests('GET', '/snapshots/detail')
        # Page 1 twice cut short then whole, page 2 once cut short then
        # whole, page 3.
        self.assertEqual(3 + 2 + 1, len(pages))

    def test_page_that_keeps_failing_interrupts(self) -> None:
        pages = self.proxy.snapshot_pages(page_size=2)
        self.assertEqual(self.ids[:2], [s.id for s in next(pages)])
        self.server.add('GET', '/snapshots/detail', fs.Drop(), times=None)
        exc = self.assertRaises(exceptions.ListingInterrupted, next, pages)
        self.assertEqual(1, exc.pages)
        self.assertEqual(2, exc.items)
        self.assertIn('failed after 1 page(s) and 2 item(s)', str(exc))
        self.assertIsInstance(exc.cause, ks_exceptions.ConnectFailure)
        self.assertEqual(
            1 + 4, len(self.server.api_requests('GET', '/snapshots/detail'))
        )

    def test_page_stalling_interrupts_within_the_timeout(self) -> None:
        conn = self.cloud.connect(
            **{**fs.FAST, 'api_timeout': 0.3},
            block_storage_connect_retries=1,
        )
        pages = fs.FaultCloud.proxy_of(conn).snapshot_pages(page_size=2)
        next(pages)
        self.server.add('GET', '/snapshots/detail', fs.Stall(3), times=None)
        exc = self.assertRaises(exceptions.ListingInterrupted, next, pages)
        self.assertIsInstance(exc.cause, ks_exceptions.ConnectTimeout)
