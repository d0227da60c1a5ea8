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

"""Input cannot redirect requests; secrets stay out of logs and errors.

Checked over real sockets against the :class:`FaultServer`, which records
every request path exactly as it arrived.
"""

import io
import logging
from typing import Any

import fixtures
import openstack
from openstack import exceptions as sdk_exceptions
import requests

from snapshot_ext import exceptions
from snapshot_ext.tests import base
from snapshot_ext.tests import faultserver as fs

VOLUME = 'c779ffae-d7ca-4f21-8305-adecbf9a6165'

#: Values that would change the endpoint if they were not quoted.
HOSTILE = [
    'a/b',
    '../../other',
    '..%2f..%2fother',
    '%2e%2e',
    '%2F',
    '?x=1',
    '#frag',
    '&all_tenants=1',
    ';x=y',
    'a\\b',
    'x y',
    'é-ünïcode-名前',
    '\u202eevil',
    '..a',
    '.hidden',
]


class SecurityTestCase(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.Timeout(30, gentle=True))
        self.cloud = self.useFixture(fs.FaultCloud())
        self.server = self.cloud.server
        self.proxy = self.cloud.proxy


class TestPaths(SecurityTestCase):
    def test_hostile_ids_reach_only_that_snapshot(self) -> None:
        prefix = self.server.volume_prefix + '/snapshots/'
        for value in HOSTILE:
            with self.subTest(value=value):
                self.server.forget_requests()
                self.assertRaises(
                    sdk_exceptions.NotFoundException,
                    self.proxy.get_snapshot,
                    value,
                )
                self.assertRaises(
                    sdk_exceptions.NotFoundException,
                    self.proxy.delete_snapshot,
                    value,
                    ignore_missing=False,
                )
                self.assertRaises(
                    sdk_exceptions.NotFoundException,
                    self.proxy.reset_snapshot_status,
                    value,
                    'error',
                )
                sent = self.server.api_requests()
                self.assertEqual(
                    [
                        ('snapshot', value),
                        ('snapshot', value),
                        ('action', value),
                    ],
                    [r.route for r in sent],
                )
                for request in sent:
                    self.assertTrue(request.path.startswith(prefix))
                    self.assertEqual({}, request.query)

    def test_hostile_metadata_keys_address_only_that_key(self) -> None:
        snap = self.server.add_snapshot(
            volume_id=VOLUME, metadata={'keep': 'me'}
        )
        sid = snap['id']
        for key in HOSTILE:
            with self.subTest(key=key):
                # Such keys can only exist server-side (Cinder's schema
                # refuses them in requests that set metadata), so the
                # server holds the key and the proxy reads and deletes it.
                snap['metadata'][key] = 'v'
                self.server.forget_requests()
                self.assertEqual(
                    'v', self.proxy.get_snapshot_metadata_item(sid, key)
                )
                self.proxy.delete_snapshot_metadata(sid, keys=[key])
                self.assertEqual(
                    [('metadata_item', sid, key)] * 2,
                    [r.route for r in self.server.api_requests()],
                )
                self.assertEqual({'keep': 'me'}, snap['metadata'])
        self.assertIn(sid, self.server.snapshots)

    def test_keys_cinder_refuses_are_not_set(self) -> None:
        snap = self.server.add_snapshot(volume_id=VOLUME)
        self.server.forget_requests()
        # Cinder accepts ASCII letters, digits, space and - _ : . only.
        refused = [k for k in HOSTILE if k not in ('x y', '..a', '.hidden')]
        for key in refused:
            with self.subTest(key=key):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.set_snapshot_metadata,
                    snap['id'],
                    **{key: 'v'},
                )
                self.assertIn('metadata key', str(exc))
        self.assertEqual([], self.server.api_requests())

    def test_dot_segments_never_sent(self) -> None:
        snap = self.server.add_snapshot(volume_id=VOLUME)
        self.server.forget_requests()
        calls = []
        for dots in ('.', '..'):
            calls += [
                lambda d=dots: self.proxy.get_snapshot(d),
                lambda d=dots: self.proxy.delete_snapshot(d),
                lambda d=dots: self.proxy.get_snapshot_metadata_item(
                    snap['id'], d
                ),
                lambda d=dots: self.proxy.delete_snapshot_metadata(
                    snap['id'], keys=[d]
                ),
                # openstacksdk's own verbs are guarded by the transport.
                lambda d=dots: self.proxy.get_volume(d),
                lambda d=dots: self.proxy.delete_volume(d),
                lambda d=dots: self.proxy.get_backup(d),
            ]
        for call in calls:
            self.assertRaises(exceptions.InvalidSnapshotRequest, call)
        self.assertEqual([], self.server.api_requests())
        self.assertIn(snap['id'], self.server.snapshots)


class SecretsTestCase(SecurityTestCase):
    """Debug logging of every library on; secrets must not show."""

    auth_type = 'password'
    secret = fs.PASSWORD

    def setUp(self) -> None:
        base.TestCase.setUp(self)
        self.useFixture(fixtures.Timeout(30, gentle=True))
        self.log = io.StringIO()
        self.capture_all_logging()
        openstack.enable_logging(debug=True, http_debug=True, stream=self.log)
        self.cloud = self.useFixture(
            fs.FaultCloud(auth_type=self.auth_type, **fs.FAST)
        )
        self.server = self.cloud.server
        self.proxy = self.cloud.proxy

    def capture_all_logging(self) -> None:
        """Send every logger's records, at DEBUG, to :attr:`log`."""
        names = ['', 'openstack', 'keystoneauth', 'urllib3', 'stevedore']
        names += [n for n in logging.root.manager.loggerDict if '.' not in n]
        for name in set(names):
            logger = logging.getLogger(name)
            saved = (logger.level, list(logger.handlers), logger.propagate)
            self.addCleanup(self._restore, logger, saved)
        handler = logging.StreamHandler(self.log)
        handler.setFormatter(
            logging.Formatter('%(name)s %(levelname)s %(message)s')
        )
        handler.setLevel(logging.DEBUG)
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.DEBUG)

    @staticmethod
    def _restore(
        logger: logging.Logger, saved: tuple[int, list[Any], bool]
    ) -> None:
        level, handlers, propagate = saved
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate

    def exercise(self) -> list[BaseException]:
        """Run successes and failures of every kind; return the errors."""
        errors: list[BaseException] = []

        def expect(kind: type[BaseException], call: Any) -> None:
            errors.append(self.assertRaises(kind, call))

        snaps = [
            self.server.add_snapshot(volume_id=VOLUME, name=f's{i}')
            for i in range(3)
        ]
        sid = snaps[0]['id']
        # Successes, one after a retried 503.
        self.server.add('GET', f'/snapshots/{sid}', fs.Status(503))
        snap = self.proxy.get_snapshot(sid)
        self.proxy.set_snapshot_metadata(sid, a='b')
        created = self.proxy.create_snapshot(volume_id=VOLUME, name='n')
        listed = list(self.proxy.snapshots(limit=2))
        # Failures of every kind.
        expect(
            sdk_exceptions.NotFoundException,
            lambda: self.proxy.get_snapshot('missing'),
        )
        self.server.add('POST', '/snapshots', fs.Lost(fs.Drop()))
        expect(
            exceptions.RequestOutcomeUnknown,
            lambda: self.proxy.create_snapshot(volume_id=VOLUME),
        )
        pages = self.proxy.snapshot_pages(page_size=2)
        next(pages)
        self.server.add('GET', '/snapshots/detail', fs.Reset(), times=None)
        expect(exceptions.ListingInterrupted, lambda: next(pages))
        self.server.add('GET', f'/snapshots/{sid}', fs.Body('{"snap'))
        expect(
            sdk_exceptions.InvalidResponse,
            lambda: self.proxy.get_snapshot(sid),
        )
        expect(
            exceptions.InvalidSnapshotRequest,
            lambda: self.proxy.get_snapshot('..'),
        )
        # Objects whose repr or str could carry a secret.
        self.objects: list[Any] = [
            snap,
            snap.to_dict(),
            created,
            listed,
            self.proxy,
            self.proxy.transport_policy,
            self.cloud.conn,
        ]
        return errors

    def assert_secrets_absent(self, text: str, where: str) -> None:
        for name, value in (
            ('token', self.server.token),
            ('secret', self.secret),
        ):
            self.assertNotIn(value, text, f'{name} found in {where}')

    def test_no_secret_in_logs_errors_or_reprs(self) -> None:
        errors = self.exercise()
        # The checks mean something only if the secrets were in play.
        auth = [r for r in self.server.requests if r.path.endswith('tokens')]
        self.assertIn(self.secret, auth[0].body.decode())
        api = self.server.api_requests()
        self.assertEqual(self.server.token, api[0].headers['x-auth-token'])
        # ... and if the debug log really holds the HTTP traffic.
        log = self.log.getvalue()
        self.assertIn('REQ: curl -g -i -X GET', log)
        self.assertIn('X-Auth-Token: {SHA256}', log)
        self.assertIn('snapshot_ext.v3._transport', log)
        self.assert_secrets_absent(log, 'the debug log')
        for error in errors:
            chain: BaseException | None = error
            while chain is not None:
                self.assert_secrets_absent(str(chain), 'an error message')
                self.assert_secrets_absent(repr(chain), 'an error repr')
                chain = chain.__cause__ or chain.__context__
        for obj in self.objects:
            self.assert_secrets_absent(repr(obj), f'{type(obj)} repr')
            self.assert_secrets_absent(str(obj), f'{type(obj)} str')


class TestApplicationCredentialSecret(SecretsTestCase):
    auth_type = 'v3applicationcredential'
    secret = fs.APP_CREDENTIAL_SECRET


class TestTLS(base.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.Timeout(30, gentle=True))
        self.cloud = self.useFixture(fs.FaultCloud())

    def test_verification_on_by_default(self) -> None:
        proxy = self.cloud.proxy
        self.assertIs(True, self.cloud.conn.session.verify)
        self.assertIs(True, proxy.session.verify)
        sent = self.useFixture(
            fixtures.MockPatchObject(
                requests.adapters.HTTPAdapter,
                'send',
                autospec=True,
                side_effect=requests.adapters.HTTPAdapter.send,
            )
        ).mock
        self.assertRaises(
            sdk_exceptions.NotFoundException, proxy.get_snapshot, 'x'
        )
        self.assertTrue(sent.call_args_list)
        for call in sent.call_args_list:
            # True, or the CA bundle requests takes from the environment.
            self.assertNotIn(call.kwargs['verify'], (False, None, ''))

    def test_off_only_when_configured(self) -> None:
        conn = self.cloud.connect(verify=False, **fs.FAST)
        self.assertIs(False, fs.FaultCloud.proxy_of(conn).session.verify)
        conn = self.cloud.connect(cacert='/etc/ssl/ca.pem', **fs.FAST)
        self.assertEqual(
            '/etc/ssl/ca.pem', fs.FaultCloud.proxy_of(conn).session.verify
        )
