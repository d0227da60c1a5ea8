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

"""Sixteen threads sharing one connection for a bounded time.

Beyond ``functional/test_concurrency.py`` (twenty creates, then twenty
deletes, at once): every thread runs its own snapshot's whole life over
and over (create, wait, get, metadata, a listing with a per-call
microversion on half the threads, delete, wait for the deletion), every
request is checked against what that thread's call should send, and the
memory the client libraries hold is measured as operations accumulate.
"""

import collections
import gc
import re
import threading
import time
import tracemalloc
from typing import Any

from snapshot_ext.tests.chaos import base

THREADS = 16
#: Seconds the threads keep starting new cycles.
DURATION = 20.0
#: Seconds after the start when memory is first measured.
WARMUP = 6.0
#: The microversion the even threads ask for on their listings.
LISTING_MICROVERSION = '3.30'
#: Where memory is measured: what the client libraries allocate.
MEASURED = (
    '*/snapshot_ext/v3/*',
    '*/openstack/*',
    '*/keystoneauth1/*',
    '*/requests/*',
    '*/urllib3/*',
)
SNAPSHOT_URL = re.compile(r'/snapshots/([0-9a-f-]{36})(?:/|$|\?)')


def measured_bytes():
    gc.collect()
    snap = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(True, pattern) for pattern in MEASURED]
    )
    return sum(stat.size for stat in snap.statistics('filename'))


class TestSixteenThreads(base.ChaosTestCase):
    def test_shared_connection_under_load(self):
        volume = self.create_volume()
        proxy, recorder = self.watched()
        negotiated = proxy.snapshot_microversion
        endpoint = str(proxy.get_endpoint()).rstrip('/') + '/'
        prefix = self.unique_name('thr')
        stop_at = time.monotonic() + DURATION
        lock = threading.Lock()
        ops: collections.Counter[str] = collections.Counter()
        owned = collections.defaultdict(set)
        listings: collections.Counter[str] = collections.Counter()
        errors = []
        memory = {}

        def count(op):
            with lock:
                ops[op] += 1
                total = sum(ops.values())
                if 'warm' not in memory and time.monotonic() > (
                    stop_at - DURATION + WARMUP
                ):
                    memory['warm'] = (total, measured_bytes())

        def cycle(index, n):
            name = threading.current_thread().name
            snap = proxy.create_snapshot(
                volume_id=volume.id, name=f'{prefix}-{index}-{n}'
            )
            with lock:
                owned[name].add(snap.id)
            count('create')
            result = proxy.wait_for_snapshots([snap.id], interval=0.2, wait=60)
            self.assertTrue(result.ok, result.failed)
            count('wait')
            got = proxy.get_snapshot(snap.id)
            self.assertEqual(f'{prefix}-{index}-{n}', got.name)
            count('get')
            meta = proxy.set_snapshot_metadata(snap.id, thread=str(index))
            self.assertEqual(str(index), meta.metadata['thread'])
            count('metadata')
            kwargs: dict[str, Any] = {}
            if index % 2 == 0:
                kwargs['microversion'] = LISTING_MICROVERSION
            listed = [
                s.id for s in proxy.snapshots(volume_id=volume.id, **kwargs)
            ]
            self.assertIn(snap.id, listed)
            count('list')
            with lock:
                listings[name] += 1
            proxy.delete_snapshot(snap.id)
            count('delete')
            result = proxy.wait_for_snapshots(
                [snap.id], status='deleted', interval=0.2, wait=60
            )
            self.assertTrue(result.ok, result.failed)
            count('wait')

        def worker(index):
            n = 0
            try:
                while time.monotonic() < stop_at:
                    cycle(index, n)
                    n += 1
            except BaseException as exc:  # reported below
                with lock:
                    errors.append((threading.current_thread().name, exc))

        tracemalloc.start()
        self.addCleanup(tracemalloc.stop)
        threads = [
            threading.Thread(target=worker, args=(i,), name=f'chaos-{i}')
            for i in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DURATION + 120)
        took = time.monotonic() - (stop_at - DURATION)
        self.assertEqual([], [t.name for t in threads if t.is_alive()])
        total = sum(ops.values())
        end_bytes = measured_bytes()

        # Only expected exceptions: none.
        self.assertEqual([], errors)

        # Every request as that thread's call should send it: to the
        # connection's endpoint, with a token, about that thread's own
        # snapshot, with the negotiated microversion except the even
        # threads' listings, which carry theirs (one request each).
        own = f'volume {LISTING_MICROVERSION}'
        wrong = []
        checked = 0
        asked: collections.Counter[str] = collections.Counter()
        for sent in recorder.sent:
            if not sent.thread.startswith('chaos-') or '/v3/auth/' in sent.url:
                continue
            checked += 1
            problems = []
            if not sent.url.startswith(endpoint):
                problems.append('endpoint')
            if not sent.token_sent:
                problems.append('no token')
            match = SNAPSHOT_URL.search(sent.url)
            if match and match.group(1) not in owned[sent.thread]:
                problems.append("another thread's snapshot")
            if sent.microversion == own:
                asked[sent.thread] += 1
                if not (
                    sent.method == 'GET' and '/snapshots/detail' in sent.url
                ):
                    problems.append(f'microversion {own}')
            elif sent.microversion != f'volume {negotiated}':
                problems.append(f'microversion {sent.microversion}')
            if problems:
                wrong.append((sent.thread, sent.method, sent.url, problems))
        self.assertEqual([], wrong[:5])
        self.assertGreater(checked, total)
        self.assertEqual(
            {
                name: n
                for name, n in listings.items()
                if int(name.split('-')[1]) % 2 == 0
            },
            dict(asked),
        )

        # Memory held by the client libraries does not grow with the
        # number of operations.
        warm_ops, warm_bytes = memory['warm']
        growth = end_bytes - warm_bytes
        per_op = growth / max(1, total - warm_ops)
        self.assertLess(growth, 1024 * 1024)

        # The server holds none of the snapshots: each was deleted.
        held = self.server_snapshots(volume.id)
        self.assertEqual({}, held)
        created = sum(len(ids) for ids in owned.values())
        self.note(
            f'{THREADS} threads, {took:.1f} s: {total} operations '
            f'({dict(ops)}), {created} snapshots created and deleted, '
            f'{checked} requests checked, 0 wrong; client memory '
            f'allocated since the start {warm_bytes / 1024:.0f} KiB '
            f'after {warm_ops} operations, '
            f'{end_bytes / 1024:.0f} KiB after {total} '
            f'({per_op:+.0f} bytes per operation)'
        )
