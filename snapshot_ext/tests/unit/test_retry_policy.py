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

"""What the proxy repeats, what it never repeats, and how long it waits.

The delays between attempts are recorded instead of slept, so every
expected wait is asserted exactly and no test waits.
"""

from collections.abc import Callable
import copy
import dataclasses
import email.utils
from typing import Any
from unittest import mock

import fixtures
from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions
import requests
from urllib3 import exceptions as urllib3_exceptions

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _proxy
from snapshot_ext.v3 import _transport

SID = fakes.SNAPSHOT_ID
VID = fakes.VOLUME_ID
SHOW = fakes.load_capture('snapshot_show_mv3.71')['body']
PAGE1 = fakes.load_capture('snapshot_list_limit2')['body']
PAGE2 = fakes.load_capture('snapshot_list_limit2_page2')['body']
DETAIL = '/snapshots/detail'
ACTION = f'/snapshots/{SID}/action'


def lost_answer() -> Exception:
    """A connection that broke after the request went out."""
    return requests.exceptions.ConnectionError(
        urllib3_exceptions.ProtocolError(
            'Connection aborted.', ConnectionResetError(104, 'reset')
        )
    )


def refused() -> Exception:
    """A connection that could not be opened: nothing was sent."""
    return requests.exceptions.ConnectionError(
        urllib3_exceptions.MaxRetryError(
            None,  # type: ignore[arg-type]
            fakes.ENDPOINT,
            urllib3_exceptions.NewConnectionError(
                None,  # type: ignore[arg-type]
                'Connection refused',
            ),
        )
    )


class RetryTestCase(fakes.ProxyTestCase):
    """A fake cloud whose transport records its waits instead of sleeping."""

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.Timeout(30, gentle=True))
        self.sleeps: list[float] = []
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._transport._sleep', self.sleeps.append
            )
        )

    def answer(self, method: str, path: str, *answers: Any) -> None:
        """Answer successive requests in turn.

        :param method: The HTTP method.
        :param path: The path below the endpoint.
        :param answers: Each an int (that status with a Cinder error
            body), a ``(status, body)`` or ``(status, body, headers)``
            tuple, a dict (200 with that JSON body) or an exception to
            raise from the transport.
        """
        responses: list[dict[str, Any]] = []
        for answer in answers:
            headers = {'x-openstack-request-id': fakes.REQUEST_ID}
            if isinstance(answer, BaseException):
                responses.append({'exc': answer})
                continue
            if isinstance(answer, int):
                answer = (
                    answer,
                    {'computeFault': {'code': answer, 'message': 'boom'}},
                )
            if isinstance(answer, dict):
                answer = (200, answer)
            status, body, *more = answer
            if more:
                headers.update(more[0])
            entry: dict[str, Any] = {
                'status_code': status,
                'headers': headers,
            }
            if body is None:
                entry['text'] = ''
            else:
                entry['json'] = copy.deepcopy(body)
                headers['Content-Type'] = 'application/json'
            responses.append(entry)
        self.requests_mock.register_uri(
            method, fakes.ENDPOINT + path, responses
        )

    def registered(self, **config: Any) -> _proxy.Proxy:
        """Build another registered connection and return its proxy.

        :param config: clouds.yaml settings of the connection.
        :returns: Its block-storage proxy.
        """
        conn = self.make_connection(**config)
        snapshot_ext.register(conn)
        proxy = conn.block_storage
        assert isinstance(proxy, _proxy.Proxy)
        return proxy

    def assert_all_same(
        self, count: int, method: str, path: str, **kwargs: Any
    ) -> None:
        """Assert ``count`` identical requests were sent.

        :param count: How many.
        :param method: Their method.
        :param path: Their path.
        :param kwargs: More of :meth:`assert_request`'s expectations.
        """
        requests_sent = self.api_requests()
        self.assertEqual(
            count,
            len(requests_sent),
            str([f'{r.method} {r.url}' for r in requests_sent]),
        )
        for request in requests_sent:
            self.assert_request(request, method, path, **kwargs)


class TestSettings(RetryTestCase):
    def test_transport_settings_are_the_policys(self) -> None:
        # The transport keeps the policy's values, with its defaults, in a
        # class of its own.
        self.assertEqual(
            tuple(f.name for f in dataclasses.fields(results.TransportPolicy)),
            _transport.Settings.__slots__,
        )
        self.assertEqual(
            results.TransportPolicy(), _transport.Settings().policy()
        )
        given: dict[str, Any] = {
            'connect_retries': 1,
            'status_code_retries': 0,
            'connect_retry_delay': 0.5,
            'status_code_retry_delay': 2.0,
            'retriable_codes': frozenset({500}),
            'max_retry_after': 5.0,
        }
        self.assertEqual(
            results.TransportPolicy(**given),
            _transport.Settings(**given).policy(),
        )

    def test_requests_do_not_make_the_policy(self) -> None:
        proxy = self.registered(block_storage_status_code_retries=1)
        self.answer('GET', f'/snapshots/{SID}', 503, SHOW)
        made = mock.Mock(wraps=results.TransportPolicy)
        with mock.patch.object(results, 'TransportPolicy', made):
            self.assertEqual(SID, proxy.get_snapshot(SID).id)
            self.assertEqual([], made.call_args_list)
            self.assert_all_same(2, 'GET', f'/snapshots/{SID}')
            self.assertEqual([0.5], self.sleeps)
            # Made when asked for, once.
            policy = proxy.transport_policy
            self.assertIs(policy, proxy.transport_policy)
        self.assertEqual(1, made.call_count)
        self.assertEqual(
            results.TransportPolicy(status_code_retries=1), policy
        )

    def test_defaults(self) -> None:
        policy = self.proxy.transport_policy
        self.assertEqual(results.TransportPolicy(), policy)
        self.assertEqual(3, policy.connect_retries)
        self.assertEqual(3, policy.status_code_retries)
        self.assertIsNone(policy.connect_retry_delay)
        self.assertIsNone(policy.status_code_retry_delay)
        self.assertEqual(frozenset({502, 503, 504}), policy.retriable_codes)
        self.assertEqual(60.0, policy.max_retry_after)

    def test_from_clouds_yaml_keys(self) -> None:
        proxy = self.registered(
            block_storage_connect_retries=1,
            block_storage_status_code_retries=5,
            block_storage_connect_retry_delay=0.25,
            block_storage_status_code_retry_delay='0.75',
            block_storage_retriable_status_codes='503,504',
            block_storage_max_retry_after=9,
        )
        self.assertEqual(
            results.TransportPolicy(
                connect_retries=1,
                status_code_retries=5,
                connect_retry_delay=0.25,
                status_code_retry_delay=0.75,
                retriable_codes=frozenset({503, 504}),
                max_retry_after=9.0,
            ),
            proxy.transport_policy,
        )

    def test_unprefixed_and_volume_keys(self) -> None:
        proxy = self.registered(
            connect_retries=2,
            status_code_retries=0,
            volume_max_retry_after=1.5,
        )
        policy = proxy.transport_policy
        self.assertEqual(2, policy.connect_retries)
        self.assertEqual(0, policy.status_code_retries)
        self.assertEqual(1.5, policy.max_retry_after)

    def test_configured_delay_is_used(self) -> None:
        proxy = self.registered(block_storage_status_code_retry_delay=0.125)
        self.answer('GET', f'/snapshots/{SID}', 503, 503, SHOW)
        proxy.get_snapshot(SID)
        self.assertEqual([0.125, 0.125], self.sleeps)

    def test_zero_retries_disables_them(self) -> None:
        proxy = self.registered(
            block_storage_status_code_retries=0,
            block_storage_connect_retries=0,
        )
        self.answer('GET', f'/snapshots/{SID}', 503, SHOW)
        self.assertRaises(
            sdk_exceptions.HttpException,
            proxy.get_snapshot,
            SID,
        )
        self.assertEqual(1, len(self.api_requests()))
        self.assertEqual([], self.sleeps)


class TestIdempotentRetries(RetryTestCase):
    def test_get_retried_with_exponential_backoff(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', 503, 502, 504, SHOW)
        snap = self.proxy.get_snapshot(SID)
        self.assertEqual(SID, snap.id)
        self.assert_all_same(4, 'GET', f'/snapshots/{SID}')
        self.assertEqual([0.5, 1.0, 2.0], self.sleeps)

    def test_get_gives_up_after_the_bound(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', 503, 503, 503, 503, SHOW)
        exc = self.assertRaises(
            sdk_exceptions.HttpException, self.proxy.get_snapshot, SID
        )
        self.assertEqual(503, exc.status_code)
        self.assert_all_same(4, 'GET', f'/snapshots/{SID}')
        self.assertEqual([0.5, 1.0, 2.0], self.sleeps)

    def test_other_5xx_not_retried(self) -> None:
        for status in (500, 501, 505):
            with self.subTest(status=status):
                self.forget_requests()
                self.answer('GET', f'/snapshots/{SID}', status, SHOW)
                exc = self.assertRaises(
                    sdk_exceptions.HttpException,
                    self.proxy.get_snapshot,
                    SID,
                )
                self.assertEqual(status, exc.status_code)
                self.assertEqual(1, len(self.api_requests()))
        self.assertEqual([], self.sleeps)

    def test_put_retried_with_the_same_body(self) -> None:
        self.answer('PUT', f'/snapshots/{SID}', 503, SHOW)
        self.proxy.update_snapshot(SID, name='n')
        self.assert_all_same(
            2, 'PUT', f'/snapshots/{SID}', json={'snapshot': {'name': 'n'}}
        )
        self.assertEqual([0.5], self.sleeps)

    def test_delete_retried(self) -> None:
        self.answer('DELETE', f'/snapshots/{SID}', 502, (202, None))
        self.proxy.delete_snapshot(SID)
        self.assert_all_same(2, 'DELETE', f'/snapshots/{SID}')

    def test_metadata_merge_post_retried(self) -> None:
        path = f'/snapshots/{SID}/metadata'
        self.answer('POST', path, 503, {'metadata': {'a': '1'}})
        snap = self.proxy.set_snapshot_metadata(SID, a='1')
        self.assertEqual({'a': '1'}, snap.metadata)
        self.assert_all_same(2, 'POST', path, json={'metadata': {'a': '1'}})

    def test_reset_status_action_retried(self) -> None:
        self.answer('POST', ACTION, 503, (202, None))
        self.proxy.reset_snapshot_status(SID, 'error')
        self.assert_all_same(
            2,
            'POST',
            ACTION,
            json={'os-reset_status': {'status': 'error'}},
        )

    def test_connection_failures_retried(self) -> None:
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            lost_answer(),
            requests.exceptions.ReadTimeout('read timed out'),
            requests.exceptions.ChunkedEncodingError('answer cut short'),
            SHOW,
        )
        self.assertEqual(SID, self.proxy.get_snapshot(SID).id)
        self.assert_all_same(4, 'GET', f'/snapshots/{SID}')
        self.assertEqual([0.5, 1.0, 2.0], self.sleeps)

    def test_connection_failures_give_up_after_the_bound(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', *[lost_answer()] * 5)
        exc = self.assertRaises(
            ks_exceptions.ConnectFailure, self.proxy.get_snapshot, SID
        )
        self.assertIn('(4 attempts)', str(exc))
        self.assert_all_same(4, 'GET', f'/snapshots/{SID}')

    def test_ssl_error_not_retried(self) -> None:
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            requests.exceptions.SSLError('certificate verify failed'),
            SHOW,
        )
        self.assertRaises(ks_exceptions.SSLError, self.proxy.get_snapshot, SID)
        self.assertEqual(1, len(self.api_requests()))

    def test_stock_verbs_use_the_policy_too(self) -> None:
        self.answer(
            'GET',
            '/volumes/v1',
            503,
            {'volume': {'id': 'v1', 'status': 'available'}},
        )
        self.assertEqual('v1', self.proxy.get_volume('v1').id)
        self.assertEqual(2, len(self.api_requests()))

    def test_repeated_delete_answered_404_is_done(self) -> None:
        # The first DELETE took effect but its answer was lost; the repeat
        # finds nothing.  What was asked for happened: no error, even
        # with ignore_missing=False.
        self.answer(
            'DELETE',
            f'/snapshots/{SID}',
            lost_answer(),
            (404, {'itemNotFound': {'code': 404, 'message': 'gone'}}),
        )
        self.proxy.delete_snapshot(SID, ignore_missing=False)
        self.assertEqual(2, len(self.api_requests()))
        for request in self.api_requests():
            self.assert_request(request, 'DELETE', f'/snapshots/{SID}')

    def test_repeated_delete_refused_is_outcome_unknown(self) -> None:
        # Cinder refuses to delete a snapshot that is already 'deleting':
        # the first attempt probably took effect, and the error says so
        # instead of passing the 400 on as if the delete had failed.
        self.answer(
            'DELETE',
            f'/snapshots/{SID}',
            lost_answer(),
            (
                400,
                {
                    'badRequest': {
                        'code': 400,
                        'message': 'Snapshot status must be available or '
                        'error',
                    }
                },
            ),
        )
        exc = self.assertRaises(
            exceptions.RequestOutcomeUnknown,
            self.proxy.delete_snapshot,
            SID,
        )
        self.assertIn('HTTP 400', exc.hint)
        self.assertIn("'deleting'", str(exc))
        self.assertEqual(2, len(self.api_requests()))

    def test_caller_status_retry_settings_do_not_clash(self) -> None:
        # A stock keystoneauth keyword given by the caller is accepted;
        # the policy decides status retries.
        self.answer('GET', f'/snapshots/{SID}', 503, (200, {'ok': True}))
        response = self.proxy.get(
            f'/snapshots/{SID}',
            status_code_retries=5,
            retriable_status_codes=[500],
        )
        self.assertEqual(200, response.status_code)
        self.assertEqual(2, len(self.api_requests()))

    def test_raise_exc_is_honoured(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', 503, 404)
        self.assertRaises(
            ks_exceptions.NotFound,
            self.proxy.get,
            f'/snapshots/{SID}',
            raise_exc=True,
        )
        self.assertEqual(2, len(self.api_requests()))
        # openstacksdk's positional form of the same call.
        self.forget_requests()
        self.answer('GET', f'/snapshots/{SID}', 404)
        self.assertRaises(
            ks_exceptions.NotFound,
            self.proxy.request,
            f'/snapshots/{SID}',
            'GET',
            None,
            True,
        )


class TestPostsNeverBlindlyRetried(RetryTestCase):
    CREATE = {'snapshot': {'volume_id': VID, 'name': 'nightly'}}

    def create(self) -> Any:
        return self.proxy.create_snapshot(volume_id=VID, name='nightly')

    def test_create_not_retried_on_5xx(self) -> None:
        for status in (502, 503, 504):
            with self.subTest(status=status):
                self.forget_requests()
                self.answer('POST', '/snapshots', status, (202, SHOW))
                exc = self.assertRaises(
                    sdk_exceptions.HttpException, self.create
                )
                self.assertEqual(status, exc.status_code)
                self.assert_all_same(1, 'POST', '/snapshots', json=self.CREATE)
        self.assertEqual([], self.sleeps)

    def test_keystoneauth_retries_do_not_resend_a_create(self) -> None:
        # keystoneauth would repeat this POST three times on its own.
        proxy = self.registered(
            block_storage_status_code_retries=3,
            block_storage_connect_retries=3,
            block_storage_retriable_status_codes=[503],
        )
        self.answer('POST', '/snapshots', 503, lost_answer(), (202, SHOW))
        self.assertRaises(
            sdk_exceptions.HttpException,
            proxy.create_snapshot,
            volume_id=VID,
            name='nightly',
        )
        self.assert_all_same(1, 'POST', '/snapshots', json=self.CREATE)

    def test_lost_answer_to_create_is_outcome_unknown(self) -> None:
        for failure in (
            lost_answer(),
            requests.exceptions.ReadTimeout('read timed out'),
            requests.exceptions.ChunkedEncodingError('answer cut short'),
        ):
            with self.subTest(failure=type(failure).__name__):
                self.forget_requests()
                self.answer('POST', '/snapshots', failure, (202, SHOW))
                exc = self.assertRaises(
                    exceptions.RequestOutcomeUnknown, self.create
                )
                self.assertIsInstance(exc, ks_exceptions.ConnectionError)
                message = str(exc)
                self.assertIn('POST', message)
                self.assertIn('whether it took effect is unknown', message)
                self.assertIn('not repeated', message)
                self.assertIn(f"volume_id='{VID}'", message)
                self.assertIn("name='nightly'", message)
                self.assertIn('conn.block_storage.snapshots(', message)
                self.assertIs(exc.cause, exc.__cause__)
                self.assert_all_same(1, 'POST', '/snapshots', json=self.CREATE)
        self.assertEqual([], self.sleeps)

    def test_create_retried_when_nothing_was_sent(self) -> None:
        self.answer(
            'POST',
            '/snapshots',
            refused(),
            requests.exceptions.ConnectTimeout('connect timed out'),
            (202, SHOW),
        )
        self.assertEqual(SID, self.create().id)
        self.assert_all_same(3, 'POST', '/snapshots', json=self.CREATE)
        self.assertEqual([0.5, 1.0], self.sleeps)

    def test_unusable_create_answer_says_it_may_exist(self) -> None:
        self.answer('POST', '/snapshots', (202, {'snapshot': 'garbage'}))
        exc = self.assertRaises(sdk_exceptions.InvalidResponse, self.create)
        self.assertIn('a snapshot may have been created', str(exc))
        self.assertIn(f"volume_id='{VID}'", str(exc))
        self.assert_all_same(1, 'POST', '/snapshots', json=self.CREATE)

    def test_actions_not_retried(self) -> None:
        calls: list[tuple[str, Callable[..., Any], tuple[str, ...]]] = [
            ('os-force_delete', self.proxy.force_delete_snapshot, ()),
            ('os-unmanage', self.proxy.unmanage_snapshot, ()),
            (
                'os-update_snapshot_status',
                self.proxy.set_snapshot_status,
                ('error',),
            ),
        ]
        for name, verb, args in calls:
            with self.subTest(action=name):
                self.forget_requests()
                self.answer('POST', ACTION, 503, (202, None))
                self.assertRaises(
                    sdk_exceptions.HttpException, verb, SID, *args
                )
                self.assertEqual(1, len(self.api_requests()))
                self.forget_requests()
                self.answer('POST', ACTION, lost_answer(), (202, None))
                exc = self.assertRaises(
                    exceptions.RequestOutcomeUnknown, verb, SID, *args
                )
                self.assertIn(ACTION.lstrip('/'), exc.url)
                self.assertEqual(1, len(self.api_requests()))
        self.assertEqual([], self.sleeps)

    def test_manage_outcome_unknown_names_the_volume(self) -> None:
        self.answer('POST', '/manageable_snapshots', lost_answer())
        exc = self.assertRaises(
            exceptions.RequestOutcomeUnknown,
            self.proxy.manage_snapshot,
            volume_id=VID,
            ref={'source-name': 'x'},
            name='adopted',
        )
        self.assertIn(f"volume_id='{VID}'", str(exc))
        self.assertIn("name='adopted'", str(exc))
        self.assertEqual(1, len(self.api_requests()))


class TestRetryAfter(RetryTestCase):
    CREATE = {'snapshot': {'volume_id': VID}}

    def test_429_retry_after_honoured_even_for_a_create(self) -> None:
        self.answer(
            'POST',
            '/snapshots',
            (429, {'message': 'slow down'}, {'Retry-After': '7'}),
            (202, SHOW),
        )
        self.assertEqual(SID, self.proxy.create_snapshot(volume_id=VID).id)
        self.assert_all_same(2, 'POST', '/snapshots', json=self.CREATE)
        self.assertEqual([7.0], self.sleeps)

    def test_429_without_retry_after_backs_off(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', 429, 429, SHOW)
        self.proxy.get_snapshot(SID)
        self.assertEqual([0.5, 1.0], self.sleeps)

    def test_413_over_limit_body_retry_after(self) -> None:
        over = {
            'overLimit': {
                'code': 413,
                'message': 'Too many requests',
                'retryAfter': '3',
            }
        }
        self.answer('GET', f'/snapshots/{SID}', (413, over), SHOW)
        self.proxy.get_snapshot(SID)
        self.assertEqual([3.0], self.sleeps)
        self.assertEqual(2, len(self.api_requests()))

    def test_413_quota_refusal_not_retried(self) -> None:
        # Cinder's quota errors are 413 with "Retry-After: 0".
        quota = {
            'overLimit': {
                'code': 413,
                'message': 'SnapshotLimitExceeded',
                'retryAfter': '0',
            }
        }
        self.answer(
            'POST',
            '/snapshots',
            (413, quota, {'Retry-After': '0'}),
            (202, SHOW),
        )
        exc = self.assertRaises(
            sdk_exceptions.HttpException,
            self.proxy.create_snapshot,
            volume_id=VID,
        )
        self.assertEqual(413, exc.status_code)
        self.assertEqual(1, len(self.api_requests()))
        self.assertEqual([], self.sleeps)

    def test_wait_longer_than_allowed_is_not_waited(self) -> None:
        self.answer(
            'GET',
            f'/snapshots/{SID}',
            (429, {}, {'Retry-After': '3600'}),
            SHOW,
        )
        exc = self.assertRaises(
            sdk_exceptions.HttpException, self.proxy.get_snapshot, SID
        )
        self.assertEqual(429, exc.status_code)
        self.assertEqual(1, len(self.api_requests()))
        self.assertEqual([], self.sleeps)

    def test_retry_after_on_503_honoured(self) -> None:
        self.answer(
            'GET', f'/snapshots/{SID}', (503, {}, {'Retry-After': '4'}), SHOW
        )
        self.proxy.get_snapshot(SID)
        self.assertEqual([4.0], self.sleeps)

    def test_garbage_retry_after_falls_back_to_backoff(self) -> None:
        for value in ('soon', 'nan', 'inf', '-5'):
            with self.subTest(value=value):
                self.sleeps.clear()
                self.answer(
                    'GET',
                    f'/snapshots/{SID}',
                    (503, {}, {'Retry-After': value}),
                    SHOW,
                )
                self.proxy.get_snapshot(SID)
                expected = [0.0] if value == '-5' else [0.5]
                self.assertEqual(expected, self.sleeps)

    def test_http_date(self) -> None:
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._transport.time.time',
                return_value=1_000_000_000.0,
            )
        )
        when = email.utils.formatdate(1_000_000_012, usegmt=True)
        response = requests.Response()
        response.status_code = 429
        response.headers['Retry-After'] = when
        self.assertEqual(12.0, _transport.retry_after(response))
        response.headers['Retry-After'] = email.utils.formatdate(
            999_999_000, usegmt=True
        )
        self.assertEqual(0.0, _transport.retry_after(response))


class TestTimeouts(RetryTestCase):
    def test_default_timeout_on_every_request(self) -> None:
        self.answer('GET', f'/snapshots/{SID}', SHOW)
        self.proxy.get_snapshot(SID)
        history = self.requests_mock.request_history
        # Discovery and the API request alike.
        self.assertEqual(2, len(history))
        for request in history:
            self.assertEqual((10.0, 60.0), request.timeout)
            # True, or the CA bundle requests takes from the environment.
            self.assertNotIn(request.verify, (False, None, ''))
        # The connection's own session (other services) is left alone.
        self.assertIsNone(self.conn.session.timeout)

    def test_api_timeout_from_clouds_yaml_wins(self) -> None:
        proxy = self.registered(api_timeout=5)
        self.answer('GET', f'/snapshots/{SID}', SHOW)
        proxy.get_snapshot(SID)
        conn = proxy._get_connection()
        assert conn is not None
        self.assertIs(conn.session, proxy.session)
        for request in self.requests_mock.request_history:
            self.assertEqual(5.0, request.timeout)

    def test_session_copy_does_not_own_the_pool(self) -> None:
        bounded = self.proxy.session
        self.assertIsNot(self.conn.session, bounded)
        self.assertIsNone(bounded._session)
        self.assertIs(self.conn.session.session, bounded.session)
        self.assertIs(self.conn.session.auth, bounded.auth)
        if not hasattr(bounded, 'close'):
            self.skipTest('keystoneauth1 < 5.18: sessions have no close()')
        bounded.close()
        self.assertIsNotNone(self.conn.session._session)

    def test_tls_verification_stays_on(self) -> None:
        self.assertIs(True, self.conn.session.verify)
        self.assertIs(True, self.proxy.session.verify)

    def test_tls_verification_off_only_when_configured(self) -> None:
        proxy = self.registered(verify=False)
        self.assertIs(False, proxy.session.verify)


class TestListingRetries(RetryTestCase):
    def test_failed_page_retried_before_giving_up(self) -> None:
        self.answer(
            'GET', DETAIL, PAGE1, 503, lost_answer(), PAGE2, {'snapshots': []}
        )
        ids = [s.id for s in self.proxy.snapshots(limit=2, volume_id=VID)]
        self.assertEqual(4, len(ids))
        self.assertEqual(4, len(set(ids)))
        marker = PAGE1['snapshots'][-1]['id']
        first, *retries, last = self.api_requests()
        self.assertEqual([PAGE2['snapshots'][-1]['id']], last.qs['marker'])
        self.assert_request(
            first, 'GET', DETAIL, query={'limit': ['2'], 'volume_id': [VID]}
        )
        self.assertEqual(3, len(retries))
        for request in retries:
            self.assert_request(
                request,
                'GET',
                DETAIL,
                query={
                    'limit': ['2'],
                    'volume_id': [VID],
                    'marker': [marker],
                },
            )

    def test_page_failing_after_retries_interrupts(self) -> None:
        self.answer('GET', DETAIL, PAGE1, 503, 503, 503, 503, PAGE2)
        pages = self.proxy.snapshot_pages(page_size=2, volume_id=VID)
        self.assertEqual(2, len(next(pages)))
        exc = self.assertRaises(exceptions.ListingInterrupted, next, pages)
        self.assertEqual(1, exc.pages)
        self.assertEqual(2, exc.items)
        self.assertIn('failed after 1 page(s) and 2 item(s)', str(exc))
        self.assertIsInstance(exc.cause, sdk_exceptions.HttpException)
        self.assertEqual(1 + 4, len(self.api_requests()))

    def test_transport_failure_interrupts(self) -> None:
        self.answer('GET', DETAIL, PAGE1, *[lost_answer()] * 4, PAGE2)
        seen: list[str] = []

        def consume() -> None:
            for snap in self.proxy.snapshots(limit=2, volume_id=VID):
                seen.append(snap.id)

        exc = self.assertRaises(exceptions.ListingInterrupted, consume)
        self.assertEqual(2, len(seen))
        self.assertEqual(2, exc.items)
        self.assertIsInstance(exc.cause, ks_exceptions.ConnectFailure)
        self.assertIn('the result is incomplete', str(exc))
        self.assertEqual(1 + 4, len(self.api_requests()))


class TestDotSegments(RetryTestCase):
    def test_stock_verb_cannot_reach_another_endpoint(self) -> None:
        for value in ('..', '.', '%2e%2E', '%2E'):
            with self.subTest(value=value):
                self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.get_volume,
                    value,
                )
                self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.delete,
                    f'/snapshots/{SID}/metadata/{value}',
                )
        self.assert_no_api_request()

    def test_dots_inside_a_segment_are_fine(self) -> None:
        _transport.check_path('/snapshots/a..b/metadata/.x?marker=..')
        _transport.check_path('https://h.example.com/v3.1/p/snapshots')
