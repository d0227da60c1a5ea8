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

"""Tests of microversion negotiation and of the header on every call."""

from typing import Any
from unittest import mock

from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import exceptions as ks_exceptions

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext.tests import base
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import snapshot as _snapshot

SID = fakes.SNAPSHOT_ID
VID = fakes.VOLUME_ID
SHOW = {'snapshot': {'id': SID, 'name': 'n', 'status': 'available'}}


class EveryCallMixin(fakes.ProxyTestCase):
    """Run every snapshot verb and check each request's header."""

    def mock_everything(self) -> None:
        action = f'/snapshots/{SID}/action'
        meta = f'/snapshots/{SID}/metadata'
        self.mock('GET', f'/snapshots/{SID}', json=SHOW)
        self.mock('PUT', f'/snapshots/{SID}', json=SHOW)
        self.mock('DELETE', f'/snapshots/{SID}', status_code=202)
        self.mock('POST', '/snapshots', status_code=202, json=SHOW)
        self.mock('GET', '/snapshots/detail', json={'snapshots': []})
        self.mock('GET', '/snapshots', json={'snapshots': []})
        self.mock('POST', action, status_code=202)
        self.mock('GET', meta, json={'metadata': {'a': 'b'}})
        self.mock('POST', meta, json={'metadata': {'a': 'b'}})
        self.mock('PUT', meta, json={'metadata': {'a': 'b'}})
        self.mock('GET', f'{meta}/a', json={'meta': {'a': 'b'}})
        self.mock('DELETE', f'{meta}/a')
        self.mock('POST', '/manageable_snapshots', status_code=202, json=SHOW)
        self.mock('POST', '/os-snapshot-manage', status_code=202, json=SHOW)
        self.mock(
            'GET', '/manageable_snapshots', json={'manageable-snapshots': []}
        )

    def call_everything(self) -> int:
        """Call every verb once; return how many requests that makes."""
        p = self.proxy
        p.get_snapshot(SID)
        p.find_snapshot(SID, ignore_missing=False)
        list(p.snapshots())
        list(p.snapshots(details=False))
        list(p.snapshot_pages())
        p.create_snapshot(volume_id=VID, name='n')
        p.update_snapshot(SID, name='n')
        p.delete_snapshot(SID)
        p.delete_snapshot(SID, force=True)
        p.force_delete_snapshot(SID)
        p.fetch_snapshot_metadata(SID)
        p.get_snapshot_metadata_item(SID, 'a')
        p.set_snapshot_metadata(SID, a='b')
        p.replace_snapshot_metadata(SID, a='b')
        p.delete_snapshot_metadata(SID, ['a'])
        p.delete_snapshot_metadata(SID)
        p.reset_snapshot_status(SID, 'error')
        p.set_snapshot_status(SID, 'error', 10)
        p.manage_snapshot(volume_id=VID, ref={'source-name': 'x'})
        p.unmanage_snapshot(SID)
        if not mv.supports(p, mv.MANAGE_VIA_MANAGEABLE_SNAPSHOTS):
            # No /manageable_snapshots below 3.8: refused before sending.
            self.assertRaises(
                exceptions.MicroversionUnavailable,
                p.manageable_snapshots,
                host='h',
            )
            return 20
        list(p.manageable_snapshots(host='h'))
        return 21

    def assert_every_call_carries(self, header: str | None) -> None:
        self.mock_everything()
        with mock.patch.object(
            mv, 'negotiate', autospec=True, side_effect=mv.negotiate
        ) as negotiate:
            expected = self.call_everything()
            self.call_everything()
        requests = self.api_requests()
        self.assertEqual(2 * expected, len(requests))
        seen = {r.headers.get('OpenStack-API-Version') for r in requests}
        self.assertEqual({header}, seen)
        # Negotiated once for the proxy; discovery asked once.
        self.assertEqual(1, negotiate.call_count)
        self.assertEqual(1, len(self.discovery_requests()))


class TestNegotiatedAt371(EveryCallMixin):
    def test_every_call_carries_3_71(self) -> None:
        self.assert_every_call_carries('volume 3.71')
        self.assertEqual('3.71', self.proxy.snapshot_microversion)

    def test_resource_remembers_microversion(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', json=SHOW)
        snap = self.proxy.get_snapshot(SID)
        self.assertEqual('3.71', snap.microversion)


class TestServerMaxBelowOurs(EveryCallMixin):
    max_version = '3.50'
    expected_microversion = '3.50'

    def test_every_call_carries_server_max(self) -> None:
        self.assert_every_call_carries('volume 3.50')


class TestServerMaxAboveOurs(fakes.ProxyTestCase):
    max_version = '3.80'

    def test_capped_at_ours(self) -> None:
        self.assertEqual(mv.MAX_MICROVERSION, '3.71')
        self.mock('GET', f'/snapshots/{SID}', json=SHOW)
        self.proxy.get_snapshot(SID)
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', f'/snapshots/{SID}', microversion='3.71'
        )


class TestConfiguredCeiling(EveryCallMixin):
    """``block_storage_api_version: '3.50'`` caps the microversion."""

    api_version = '3.50'
    expected_microversion = '3.50'

    def test_adapter_default_microversion(self) -> None:
        # openstacksdk sets the adapter's default from the config.
        self.assertEqual('3.50', self.proxy.default_microversion)
        self.assertEqual('3.50', self.proxy.snapshot_microversion)

    def test_every_call_carries_ceiling(self) -> None:
        self.assert_every_call_carries('volume 3.50')

    def test_feature_above_ceiling_refused(self) -> None:
        exc = self.assertRaises(
            exceptions.MicroversionUnavailable,
            self.proxy.snapshots,
            consumes_quota=True,
        )
        self.assertEqual('3.65', exc.required)
        self.assertEqual('3.50', exc.available)
        self.assert_no_api_request()

    def test_force_sent_below_3_66(self) -> None:
        self.mock('POST', '/snapshots', status_code=202, json=SHOW)
        self.proxy.create_snapshot(volume_id=VID, force=True)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/snapshots',
            json={'snapshot': {'volume_id': VID, 'force': True}},
        )


class TestServerAt30(EveryCallMixin):
    """A cloud announcing a maximum of 3.0 gets the 3.0 header."""

    max_version = '3.0'
    expected_microversion = '3.0'

    def test_every_call_carries_3_0(self) -> None:
        self.assert_every_call_carries('volume 3.0')


class TestNoMicroversions(EveryCallMixin):
    """A cloud announcing no microversion gets no header at all."""

    max_version = None
    expected_microversion = None

    def test_no_header(self) -> None:
        self.assert_every_call_carries(None)
        self.assertIsNone(self.proxy.snapshot_microversion)

    def test_feature_refused(self) -> None:
        exc = self.assertRaises(
            exceptions.MicroversionUnavailable,
            self.proxy.snapshot_pages,
            with_count=True,
        )
        self.assertIn('3.0 (no microversion announced)', str(exc))
        self.assert_no_api_request()


class TestPerProxy(fakes.ProxyTestCase):
    def test_each_connection_negotiates_its_own(self) -> None:
        other = self.make_connection(api_version='3.40')
        snapshot_ext.register(other)
        self.mock('GET', f'/snapshots/{SID}', json=SHOW)
        self.proxy.get_snapshot(SID)
        other.block_storage.get_snapshot(SID)
        self.proxy.get_snapshot(SID)
        first, second, third = self.api_requests()
        self.assert_request(
            first, 'GET', f'/snapshots/{SID}', microversion='3.71'
        )
        self.assert_request(
            second, 'GET', f'/snapshots/{SID}', microversion='3.40'
        )
        self.assert_request(
            third, 'GET', f'/snapshots/{SID}', microversion='3.71'
        )

    def test_explicit_microversion_for_a_listing(self) -> None:
        self.mock('GET', '/snapshots/detail', json={'snapshots': []})
        list(self.proxy.snapshots(microversion='3.60'))
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', '/snapshots/detail', microversion='3.60'
        )


class _FakeAdapter:
    """Just what :func:`mv.negotiate` reads from an adapter."""

    def __init__(
        self,
        max_version: tuple[int, int] | None,
        min_version: tuple[int, int] | None = (3, 0),
        default: str | None = None,
        error: Exception | None = None,
    ) -> None:
        self.default_microversion = default
        self._data = mock.Mock(
            max_microversion=max_version, min_microversion=min_version
        )
        self._error = error
        self.calls = 0

    def get_endpoint_data(self) -> Any:
        self.calls += 1
        if self._error is not None:
            raise self._error
        return self._data


class TestNegotiate(base.TestCase):
    def test_parse(self) -> None:
        self.assertEqual((3, 45), mv.parse('3.45'))
        self.assertEqual((3, 0), mv.parse(None))
        self.assertEqual((3, 0), mv.parse(''))
        self.assertEqual((3, 5), mv.parse('3.5'))
        self.assertLess(mv.parse('3.9'), mv.parse('3.10'))

    def test_negotiate(self) -> None:
        cases: list[tuple[_FakeAdapter, str | None]] = [
            (_FakeAdapter((3, 71)), '3.71'),
            (_FakeAdapter((3, 99)), '3.71'),
            (_FakeAdapter((3, 44)), '3.44'),
            (_FakeAdapter((3, 71), default='3.50'), '3.50'),
            (_FakeAdapter((3, 40), default='3.50'), '3.40'),
            (_FakeAdapter((3, 71), default='3'), '3.0'),
            (_FakeAdapter(None), None),
            (_FakeAdapter((3, 71), min_version=(3, 80)), None),
            (_FakeAdapter((3, 71), min_version=None), '3.71'),
            (
                _FakeAdapter(
                    (3, 71), error=ks_exceptions.DiscoveryFailure('x')
                ),
                None,
            ),
        ]
        for adapter, expected in cases:
            with self.subTest(expected=expected):
                self.assertEqual(expected, mv.negotiate(adapter))

    def test_for_session_remembers(self) -> None:
        adapter = _FakeAdapter((3, 60))
        self.assertEqual('3.60', mv.for_session(adapter))
        self.assertEqual('3.60', mv.for_session(adapter))
        self.assertEqual(1, adapter.calls)

    def test_require_and_supports(self) -> None:
        adapter = _FakeAdapter((3, 44))
        self.assertTrue(mv.supports(adapter, '3.44'))
        self.assertFalse(mv.supports(adapter, '3.45'))
        self.assertEqual('3.44', mv.require(adapter, 'x', '3.10'))
        exc = self.assertRaises(
            exceptions.MicroversionUnavailable,
            mv.require,
            adapter,
            'with_count',
            '3.45',
        )
        self.assertEqual(
            'with_count needs Block Storage API microversion 3.45 or '
            'later, but this connection uses 3.44',
            str(exc),
        )


class TestTestDoubleSession(base.TestCase):
    """A bare ``mock.Mock()`` session, as callers' own unit tests use.

    It has no endpoint data in keystoneauth's form (versions as tuples),
    so the fixed microversion openstacksdk's snapshot resource sends is
    used, as stock does.
    """

    def test_negotiate(self) -> None:
        for session in (mock.Mock(), mock.Mock(spec=ks_adapter.Adapter)):
            with self.subTest(session=session):
                session.default_microversion = None
                self.assertEqual('3.65', mv.negotiate(session))
        # A ceiling configured as a string is still honoured.
        session = mock.Mock(default_microversion='3.50')
        self.assertEqual('3.50', mv.negotiate(session))
        # Real endpoint data (tuples, or None) is negotiated as before.
        session = mock.Mock(default_microversion=None)
        session.get_endpoint_data.return_value = mock.Mock(
            max_microversion=(3, 71), min_microversion=None
        )
        self.assertEqual('3.71', mv.negotiate(session))

    def test_for_session_remembers_a_string(self) -> None:
        # A Mock answers every attribute, the cache's included: that is
        # not taken for a remembered microversion.
        session = mock.Mock(default_microversion=None)
        self.assertEqual('3.65', mv.for_session(session))
        self.assertEqual('3.65', mv.for_session(session))
        self.assertEqual(1, session.get_endpoint_data.call_count)

    def test_action_over_a_mock_session(self) -> None:
        session = mock.Mock(default_microversion=None)
        session.post.return_value = mock.Mock(status_code=202, headers={})
        _snapshot.Snapshot(id=SID).force_delete(session)
        session.post.assert_called_once_with(
            f'/snapshots/{SID}/action',
            json={'os-force_delete': {}},
            microversion='3.65',
        )
