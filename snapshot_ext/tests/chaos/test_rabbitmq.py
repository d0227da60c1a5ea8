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

"""RabbitMQ restarted in the middle of a bulk create.

cinder-api records each snapshot and casts the work to cinder-volume over
RabbitMQ.  The broker is stopped right after the second create was
answered and started again on another thread; the creates after it meet
a broker that is down or just back.  Whatever the server makes of them,
the client's report must match what it holds.
"""

import time

from snapshot_ext import exceptions
from snapshot_ext.tests.chaos import base

SERVICE = 'rabbitmq'


class TestRabbitmqRestarted(base.ChaosTestCase):
    COUNT = 6
    #: The timeout of the wait, in seconds.
    TIMEOUT = 20

    def present(self, snap, name):
        if snap is None:
            raise AssertionError(f'the server holds no snapshot {name}')
        return snap

    def test_bulk_create_reports_what_the_server_holds(self):
        volume = self.create_volume()
        prefix = self.unique_name('rabbit')
        specs = [
            {'volume_id': volume.id, 'name': f'{prefix}-{i}'}
            for i in range(self.COUNT)
        ]
        proxy, recorder = self.watched()
        answered = []

        def restart_after_second(sent):
            if not (
                sent.method == 'POST'
                and sent.url.endswith('/snapshots')
                and sent.status_code == 202
            ):
                return False
            answered.append(sent)
            return len(answered) == 2

        def restart():
            self.stop_service(SERVICE)
            self.start_in_background(SERVICE)

        recorder.on(restart_after_second, restart)
        start = time.monotonic()
        result = proxy.create_snapshots(
            specs,
            concurrency=1,
            wait=True,
            timeout=self.TIMEOUT,
            interval=0.5,
        )
        took = time.monotonic() - start
        for item in result:
            if item.id:
                self.addCleanup(self.purge_snapshot, item.id)
        self.join_background()

        held = self.server_snapshots(volume.id)
        by_name = {s.name: s for s in held.values()}
        self.assertEqual(len(by_name), len(held), 'a name created twice')
        outcome = []
        maybe = set()
        for spec, item in zip(specs, result, strict=True):
            on_server = by_name.get(spec['name'])
            if item.ok:
                # Reported created and available: it is.
                on_server = self.present(on_server, spec['name'])
                self.assertEqual(item.id, on_server.id)
                self.assertEqual('available', on_server.status)
                outcome.append('available')
            elif isinstance(item.error, exceptions.SnapshotTimeout):
                # Reported created but not ready: it is there, in the
                # status the error names.
                on_server = self.present(on_server, spec['name'])
                self.assertEqual(item.id, on_server.id)
                self.assertEqual(item.error.status, on_server.status)
                self.assertIn(item.id, str(item.error))
                outcome.append(f'timeout in {on_server.status}')
            elif isinstance(item.error, exceptions.SnapshotFailure):
                on_server = self.present(on_server, spec['name'])
                self.assertEqual(item.error.status, on_server.status)
                outcome.append(f'failed in {on_server.status}')
            elif isinstance(item.error, exceptions.RequestOutcomeUnknown):
                # The client says it cannot know: either is true.
                if on_server is not None:
                    maybe.add(on_server.id)
                outcome.append(
                    'unknown, '
                    + ('present' if on_server is not None else 'absent')
                )
            else:
                # Reported not created: the server has no such snapshot.
                self.assertIsNone(on_server, f'{spec["name"]}: {item.error}')
                outcome.append(f'refused: {type(item.error).__name__}')
        reported = {item.id for item in result if item.id}
        # Nothing on the server the client did not report (or say it
        # could not know).
        self.assertEqual(set(held) - maybe, reported)
        self.assertEqual(
            self.COUNT,
            len(recorder.answered('POST', '/snapshots', 202))
            + len([o for o in outcome if o.startswith('refused')]),
        )
        self.note(
            f'{self.COUNT} creates, RabbitMQ restarted after the second, '
            f'{took:.1f} s: ' + ', '.join(outcome)
        )
