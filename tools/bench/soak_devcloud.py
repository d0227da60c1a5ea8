#!/usr/bin/env python3
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

"""Churn snapshots on the devcloud for a while and watch the client.

``--concurrency`` threads share one Connection with snapshot_ext
registered.  Each thread takes its turn on the ``--volumes`` volumes and
repeats a cycle until ``--minutes`` have passed, alternating:

* single: ``create_snapshot``, ``wait_for_status(..., 'available')``,
  ``delete_snapshot``, ``wait_for_delete``;
* bulk: ``create_snapshots`` of ``--batch`` snapshots with ``wait=True``,
  then ``delete_snapshots(..., wait=True)`` of what was created.

Every ``--sample`` seconds it records the operations and snapshots done
so far, the errors by exception type, the HTTP requests, the resident
memory of the process (``VmRSS``) and what ``tracemalloc`` traces (the
Python allocations made since the churn started, current and peak).  An
error does not stop the run: it is counted, and the thread's snapshots
are cleaned up at the end.  Everything the run makes is deleted at the
end; the run is bounded by ``--minutes`` plus the bounded cleanup.

Usage::

    tools/devcloud up
    .venv/bin/python tools/bench/soak_devcloud.py --minutes 5

It reads ``$DEVCLOUD_DIR/clouds.yaml`` (``.devcloud/clouds.yaml`` of the
clone by default) unless ``OS_CLIENT_CONFIG_FILE`` is set.  Not a test,
and not run by CI.
"""

from __future__ import annotations

import argparse
import collections
from collections.abc import Sequence
import json
import os
import resource
import sys
import threading
import time
import tracemalloc
from typing import Any
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, ROOT]

import workflow_devcloud as workflow  # noqa: E402

#: Seconds any single wait of a cycle may take.
CYCLE_WAIT = 120.0
#: Seconds between the polls of every wait (the first pause; it grows).
INTERVAL = 0.5


def rss_bytes() -> int:
    """The resident memory of this process.

    :returns: Bytes (``VmRSS`` from ``/proc``, else the peak that
        :func:`resource.getrusage` knows).
    """
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Tally:
    """Thread-safe counts of operations, snapshots and errors."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.operations: collections.Counter[str] = collections.Counter()
        self.errors: collections.Counter[str] = collections.Counter()
        self.examples: dict[str, str] = {}
        self.created = 0
        self.deleted = 0

    def operation(self, name: str, created: int = 0, deleted: int = 0) -> None:
        """Count one finished operation.

        :param name: The operation.
        :param created: Snapshots it made available.
        :param deleted: Snapshots it saw gone.
        """
        with self._lock:
            self.operations[name] += 1
            self.created += created
            self.deleted += deleted

    def error(self, where: str, exc: BaseException) -> None:
        """Count one error by its type.

        :param where: The operation that raised it.
        :param exc: The exception.
        """
        key = f'{where}: {type(exc).__name__}'
        with self._lock:
            self.errors[key] += 1
            self.examples.setdefault(key, str(exc)[:300])

    def snapshot(self) -> dict[str, Any]:
        """The counts so far.

        :returns: A JSON-ready dict.
        """
        with self._lock:
            return {
                'operations': sum(self.operations.values()),
                'by_operation': dict(self.operations),
                'snapshots_created': self.created,
                'snapshots_deleted': self.deleted,
                'errors': sum(self.errors.values()),
                'errors_by_type': dict(self.errors),
            }


def single_cycle(proxy: Any, volume_id: str, name: str, tally: Tally) -> None:
    """One snapshot through its life with the single-snapshot verbs.

    :param proxy: snapshot_ext's proxy.
    :param volume_id: The volume.
    :param name: The snapshot's name.
    :param tally: Where to count.
    """
    snapshot = proxy.create_snapshot(volume_id=volume_id, name=name)
    tally.operation('create_snapshot')
    proxy.wait_for_status(
        snapshot, 'available', interval=INTERVAL, wait=CYCLE_WAIT
    )
    tally.operation('wait_for_status', created=1)
    proxy.delete_snapshot(snapshot)
    tally.operation('delete_snapshot')
    proxy.wait_for_delete(snapshot, interval=INTERVAL, wait=CYCLE_WAIT)
    tally.operation('wait_for_delete', deleted=1)


def bulk_cycle(
    proxy: Any, volume_id: str, name: str, batch: int, tally: Tally
) -> None:
    """A batch of snapshots through their life with the bulk verbs.

    :param proxy: snapshot_ext's proxy.
    :param volume_id: The volume.
    :param name: The snapshots' name prefix.
    :param batch: How many snapshots.
    :param tally: Where to count.
    """
    made = proxy.create_snapshots(
        [
            {'volume_id': volume_id, 'name': f'{name}-{n}'}
            for n in range(batch)
        ],
        concurrency=batch,
        wait=True,
        timeout=CYCLE_WAIT,
        interval=INTERVAL,
    )
    ok = [r.snapshot for r in made if r.ok]
    tally.operation('create_snapshots', created=len(ok))
    if ok:
        gone = proxy.delete_snapshots(
            ok,
            concurrency=batch,
            wait=True,
            check=False,
            timeout=CYCLE_WAIT,
            interval=INTERVAL,
        )
        tally.operation(
            'delete_snapshots', deleted=sum(1 for r in gone if r.ok)
        )
        gone.raise_for_errors()
    made.raise_for_errors()


def worker(
    proxy: Any,
    volume_id: str,
    tag: str,
    number: int,
    batch: int,
    stop: threading.Event,
    tally: Tally,
) -> None:
    """Repeat the cycles until ``stop`` is set.

    :param proxy: snapshot_ext's proxy.
    :param volume_id: This thread's volume.
    :param tag: The run's name tag.
    :param number: This thread's number.
    :param batch: Snapshots per bulk cycle.
    :param stop: Set when the time is up.
    :param tally: Where to count.
    """
    cycle = 0
    while not stop.is_set():
        name = f'soak-{tag}-t{number}-c{cycle}'
        bulk = cycle % 2 == 1
        try:
            if bulk:
                bulk_cycle(proxy, volume_id, name, batch, tally)
            else:
                single_cycle(proxy, volume_id, name, tally)
        except Exception as exc:  # counted; the run goes on
            tally.error('bulk' if bulk else 'single', exc)
            # Do not spin on a persistent failure.
            stop.wait(1.0)
        cycle += 1


def sample(
    start: float, tally: Tally, counter: workflow.Counter
) -> dict[str, Any]:
    """One sample of progress and memory.

    :param start: The churn's start (:func:`time.perf_counter`).
    :param tally: The counts.
    :param counter: The request counter.
    :returns: A JSON-ready dict.
    """
    traced, peak = (
        tracemalloc.get_traced_memory()
        if tracemalloc.is_tracing()
        else (None, None)
    )
    return {
        'seconds': round(time.perf_counter() - start, 1),
        **tally.snapshot(),
        'requests': counter.count,
        'rss_bytes': rss_bytes(),
        'traced_bytes': traced,
        'traced_peak_bytes': peak,
        'threads': threading.active_count(),
    }


def show(row: dict[str, Any]) -> None:
    """Print one sample.

    :param row: A sample from :func:`sample`.
    """
    mib = 1024 * 1024
    traced = (
        f"{row['traced_bytes'] / mib:7.2f} MiB"
        if row['traced_bytes'] is not None
        else '      -'
    )
    print(
        f"{row['seconds']:7.1f}s  ops {row['operations']:6d}  "
        f"snapshots +{row['snapshots_created']}/-{row['snapshots_deleted']}  "
        f"requests {row['requests']:7d}  errors {row['errors']:4d}  "
        f"rss {row['rss_bytes'] / mib:7.1f} MiB  traced {traced}",
        flush=True,
    )


def memory_trend(samples: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Compare memory in the two halves of the churn after warm-up.

    Warm-up is the first quarter of the samples taken during the churn
    (caches, connection pools and the threads' stacks fill there).  The
    highest value of each half is compared: Python's memory rises and
    falls as the garbage collector runs, so two single samples say
    little, while a leak raises the second half's highest value above
    the first's.

    :param samples: The samples, the first one taken before the churn,
        the last one after the threads stopped.
    :returns: The highest RSS and traced memory of each half, or
        ``None`` with fewer than four samples during the churn.
    """
    churn = samples[1:-1]
    if len(churn) < 4:
        return None
    rest = churn[len(churn) // 4 :]
    first, second = rest[: len(rest) // 2], rest[len(rest) // 2 :]

    def highest(rows: list[dict[str, Any]], key: str) -> int | None:
        values = [r[key] for r in rows if r[key] is not None]
        return max(values) if values else None

    return {
        'first_half': [first[0]['seconds'], first[-1]['seconds']],
        'second_half': [second[0]['seconds'], second[-1]['seconds']],
        'rss_max_bytes': [
            highest(first, 'rss_bytes'),
            highest(second, 'rss_bytes'),
        ],
        'traced_max_bytes': [
            highest(first, 'traced_bytes'),
            highest(second, 'traced_bytes'),
        ],
        'operations': [
            first[-1]['operations'] - first[0]['operations'],
            second[-1]['operations'] - second[0]['operations'],
        ],
    }


def make_volumes(proxy: Any, count: int, tag: str) -> list[str]:
    """Make the volumes (bounded wait).

    :param proxy: snapshot_ext's proxy.
    :param count: How many.
    :param tag: The run's name tag.
    :returns: Their IDs.
    """
    return workflow.make_volumes(proxy, count, 0, f'soak-{tag}', 1)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the soak.

    :param argv: The command line arguments.
    :returns: The exit status: 0, or 1 when any error was counted.
    """
    parser = argparse.ArgumentParser(
        description=(__doc__ or '').split('\n')[0],
        epilog='Start the cloud first: tools/devcloud up',
    )
    parser.add_argument(
        '--cloud', default='devcloud-member', help='clouds.yaml cloud'
    )
    parser.add_argument(
        '--minutes', type=float, default=5.0, help='how long to churn'
    )
    parser.add_argument(
        '--volumes', type=int, default=4, help='volumes to snapshot'
    )
    parser.add_argument(
        '--concurrency',
        type=int,
        default=4,
        help='threads sharing the one Connection (each on one volume, '
        'round robin)',
    )
    parser.add_argument(
        '--batch', type=int, default=3, help='snapshots per bulk cycle'
    )
    parser.add_argument(
        '--sample', type=float, default=15.0, help='seconds between samples'
    )
    parser.add_argument(
        '--no-tracemalloc',
        action='store_true',
        help='do not trace Python allocations (they cost some speed)',
    )
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= 24 * 60:
        parser.error('--minutes must be more than 0 and at most 1440')
    if args.volumes < 1 or args.concurrency < 1 or args.batch < 1:
        parser.error('--volumes, --concurrency and --batch must be >= 1')
    if args.concurrency > 64 or args.batch > 64:
        parser.error('--concurrency and --batch must be at most 64')
    if args.sample <= 0:
        parser.error('--sample must be more than 0')

    clouds_yaml = workflow.devcloud_clouds_yaml()
    if clouds_yaml is None:
        return 2
    conn = workflow.connect(args.cloud, clouds_yaml, plugin=True)
    proxy = conn.block_storage
    tag = uuid.uuid4().hex[:8]
    tally = Tally()
    samples: list[dict[str, Any]] = []
    volume_ids: list[str] = []
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        volume_ids = make_volumes(proxy, args.volumes, tag)
        print(
            f'churning for {args.minutes:g} min: {args.concurrency} threads, '
            f'{args.volumes} volumes, bulk batches of {args.batch}',
            flush=True,
        )
        with workflow.Counter(conn.session.session) as counter:
            if not args.no_tracemalloc:
                tracemalloc.start()
            start = time.perf_counter()
            samples.append(sample(start, tally, counter))
            show(samples[-1])
            for n in range(args.concurrency):
                thread = threading.Thread(
                    target=worker,
                    args=(
                        proxy,
                        volume_ids[n % len(volume_ids)],
                        tag,
                        n,
                        args.batch,
                        stop,
                        tally,
                    ),
                    name=f'soak-{n}',
                    daemon=True,
                )
                thread.start()
                threads.append(thread)
            end = start + args.minutes * 60
            while time.perf_counter() < end:
                time.sleep(
                    min(args.sample, max(0.0, end - time.perf_counter()))
                )
                samples.append(sample(start, tally, counter))
                show(samples[-1])
            stop.set()
            for thread in threads:
                # A cycle's waits are bounded, so the threads end.
                thread.join(timeout=4 * CYCLE_WAIT)
            samples.append(sample(start, tally, counter))
            show(samples[-1])
            tracemalloc.stop()
    finally:
        stop.set()
        if volume_ids:
            workflow.cleanup(proxy, volume_ids)
        conn.close()

    final = samples[-1]
    seconds = final['seconds'] or 1.0
    print()
    print(
        f"{final['operations']} operations in {seconds:.0f} s "
        f"({final['operations'] / seconds:.2f}/s), "
        f"{final['snapshots_created']} snapshots created and "
        f"{final['snapshots_deleted']} deleted, "
        f"{final['requests']} requests, {final['errors']} errors"
    )
    for key, count in sorted(tally.errors.items()):
        print(f'  {count:5d}  {key}: {tally.examples[key]}')
    for name, count in sorted(final['by_operation'].items()):
        print(f'  {count:5d}  {name}')
    trend = memory_trend(samples)
    if trend:
        mib = 1024 * 1024
        rss, traced = trend['rss_max_bytes'], trend['traced_max_bytes']
        halves = [
            f"{trend[h][0]:.0f}-{trend[h][1]:.0f} s"
            for h in ('first_half', 'second_half')
        ]
        line = (
            f'highest memory, {halves[0]} against {halves[1]}: rss '
            f'{rss[0] / mib:.1f} / {rss[1] / mib:.1f} MiB'
        )
        if traced[0] is not None:
            line += (
                f', traced {traced[0] / mib:.2f} / {traced[1] / mib:.2f} MiB'
            )
        print(line)
    alive = [t.name for t in threads if t.is_alive()]
    if alive:
        print(f"threads still running: {', '.join(alive)}")
    data = {
        'minutes': args.minutes,
        'volumes': args.volumes,
        'concurrency': args.concurrency,
        'batch': args.batch,
        'tracemalloc': not args.no_tracemalloc,
        'samples': samples,
        'memory_trend': trend,
        'errors_by_type': dict(tally.errors),
        'error_examples': tally.examples,
        'threads_left': alive,
    }
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as out:
            json.dump(data, out, indent=2)
    return 1 if final['errors'] or alive else 0


if __name__ == '__main__':
    sys.exit(main())
