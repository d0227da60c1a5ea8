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

"""A user's tokens revoked in the middle of an operation.

``tools/devcloud revoke-tokens demo`` sets the member's password again:
Keystone refuses every token issued before, and Cinder does too once its
two-second token cache has expired (the command waits for that).  The
operation runs on a new member connection and must go on after
keystoneauth re-authenticates on the 401.
"""

import collections

from snapshot_ext.tests.chaos import base
from snapshot_ext.tests.functional import base as functional

USER = 'demo'


class TestTokenRevoked(base.ChaosTestCase):
    def setUp(self):
        super().setUp()
        self.volume = self.create_volume(self.member)

    def make_snapshots(self, count, prefix):
        return self.bulk_snapshots(
            self.member_proxy, self.volume.id, count, prefix
        )

    def assertReauthenticated(self, recorder, path_part):
        """A request was refused with 401, then a new token was issued."""
        refused = recorder.answered('GET', path_part, 401)
        self.assertNotEqual([], refused, 'no request was refused')
        self.assertNotEqual(
            [], recorder.answered('POST', '/v3/auth/tokens', 201)
        )

    def test_paged_listing_goes_on(self):
        ids = self.make_snapshots(6, self.unique_name('pages'))
        proxy, recorder = self.watched(functional.MEMBER_CLOUD)
        pages = proxy.snapshot_pages(volume_id=self.volume.id, page_size=2)
        first = next(pages)
        took = self.revoke_tokens(USER)
        rest = list(pages)

        listed = [s.id for page in [first, *rest] for s in page]
        self.assertEqual(len(listed), len(set(listed)), 'listed twice')
        self.assertEqual(sorted(ids), sorted(listed))
        self.assertGreaterEqual(len(rest), 2)
        self.assertReauthenticated(recorder, '/snapshots/detail')
        # The server's own view, through a connection that saw no fault.
        self.assertEqual(
            sorted(listed), sorted(self.server_snapshots(self.volume.id))
        )
        self.note(
            f'{len(listed)} snapshots in {1 + len(rest)} pages, tokens '
            f'revoked after page 1 ({took:.1f} s); '
            f'{len(recorder.answered("GET", "/snapshots/detail", 401))} '
            f'page request refused with 401, then re-authenticated'
        )

    def test_batch_wait_goes_on(self):
        ids = self.make_snapshots(4, self.unique_name('wait'))
        for sid in ids:
            self.admin_proxy.reset_snapshot_status(sid, 'creating')
        proxy, recorder = self.watched(functional.MEMBER_CLOUD)
        polls = []

        def callback(progress):
            polls.append(progress)
            if len(polls) == 1:
                self.revoke_tokens(USER)
                for sid in ids:
                    self.admin_proxy.reset_snapshot_status(sid, 'available')

        result = proxy.wait_for_snapshots(
            ids, interval=0.5, wait=self.WAIT, callback=callback
        )

        self.assertTrue(result.ok, result.failed)
        self.assertEqual(ids, [item.id for item in result])
        self.assertEqual(
            ['available'] * len(ids),
            [i.snapshot.status if i.snapshot else None for i in result],
        )
        self.assertGreaterEqual(len(polls), 2)
        self.assertReauthenticated(recorder, '/snapshots/detail')
        held = self.server_snapshots(self.volume.id)
        self.assertEqual(
            {sid: 'available' for sid in ids},
            {sid: s.status for sid, s in held.items()},
        )
        self.note(
            f'wait for {len(ids)} snapshots: {len(polls)} polls, tokens '
            f'revoked after poll 1, all available'
        )

    def test_prune_goes_on(self):
        ids = self.make_snapshots(5, self.unique_name('prune'))
        proxy, recorder = self.watched(functional.MEMBER_CLOUD)
        recorder.on(
            lambda s: s.method == 'DELETE' and s.status_code == 202,
            lambda: self.revoke_tokens(USER),
        )
        result = proxy.prune_snapshots(
            self.volume.id,
            keep=2,
            dry_run=False,
            concurrency=1,
            wait=True,
            timeout=self.WAIT,
            interval=0.5,
        )

        kept = sorted(s.id for s in result.kept)
        deleted = sorted(s.id for s in result.deleted)
        self.assertEqual(2, len(kept))
        self.assertEqual(3, len(deleted))
        self.assertEqual(sorted(ids), sorted(kept + deleted))
        deletions = result.deletions
        if deletions is None:
            raise AssertionError('prune reports no deletions')
        self.assertTrue(deletions.ok, deletions.failed)
        # Each delete reached Cinder once with a token it accepted; the
        # ones refused with 401 were sent again after re-authentication.
        accepted = collections.Counter(
            s.url.rsplit('/', 1)[-1]
            for s in recorder.answered('DELETE', '/snapshots/')
            if s.status_code != 401
        )
        self.assertEqual({sid: 1 for sid in deleted}, dict(accepted))
        self.assertNotEqual(
            [], recorder.answered('DELETE', '/snapshots/', 401)
        )
        self.assertEqual(kept, sorted(self.server_snapshots(self.volume.id)))
        self.note(
            f'prune keep=2 of 5: 3 deleted, 2 kept; tokens revoked after '
            f'the first delete; '
            f'{len(recorder.answered("DELETE", "/snapshots/", 401))} '
            f'delete refused with 401 and sent again, none twice accepted'
        )

    def test_bulk_create_sends_no_create_twice(self):
        prefix = self.unique_name('create')
        specs = [
            {'volume_id': self.volume.id, 'name': f'{prefix}-{i}'}
            for i in range(4)
        ]
        proxy, recorder = self.watched(functional.MEMBER_CLOUD)
        recorder.on(
            lambda s: (
                s.method == 'POST'
                and s.url.endswith('/snapshots')
                and s.status_code == 202
            ),
            lambda: self.revoke_tokens(USER),
        )
        result = proxy.create_snapshots(specs, concurrency=1)
        for item in result:
            if item.id:
                self.addCleanup(self.purge_snapshot, item.id)

        self.assertTrue(result.ok, result.failed)
        posts = [
            s
            for s in recorder.answered('POST', '/snapshots')
            if s.url.endswith('/snapshots')
        ]
        self.assertEqual(
            len(specs), len([s for s in posts if s.status_code == 202])
        )
        self.assertNotEqual([], [s for s in posts if s.status_code == 401])
        held = self.server_snapshots(self.volume.id)
        self.assertEqual(
            sorted(spec['name'] for spec in specs),
            sorted(s.name for s in held.values()),
        )
        self.assertEqual(sorted(str(i.id) for i in result), sorted(held))
        self.note(
            f'{len(specs)} creates, tokens revoked after the first: '
            f'{len([s for s in posts if s.status_code == 401])} refused '
            f'with 401 and sent again; the server holds exactly '
            f'{len(held)}'
        )
