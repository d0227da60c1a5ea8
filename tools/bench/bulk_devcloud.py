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

"""Time deleting many snapshots one by one and in bulk, on the devcloud.

For each way of deleting, ``--count`` snapshots of one volume are created
(in bulk, untimed), then deleted and waited for until the server answers
404 for every one of them (timed):

``one-by-one``
    ``delete_snapshot`` then ``wait_for_delete`` for each snapshot in turn,
    as a simple script does;
``sequential``
    every ``delete_snapshot`` in turn, then one ``wait_for_snapshots``;
``bulk``
    ``delete_snapshots(concurrency=N, wait=True, check=False)``;
``bulk+check``
    the same with the default ``check=True`` (each snapshot fetched and
    the project's volumes listed once, before deleting);
``requests-sequential`` and ``requests-bulk``
    only the delete requests, one by one or with ``delete_snapshots(...,
    wait=False, check=False)``: the time until every request is answered
    (the wait that follows is not timed).

Every wait polls with the same ``--interval``.  The volume and anything
left of its snapshots are removed at the end, also after a failure.

Usage::

    tools/devcloud up
    python tools/bench/bulk_devcloud.py --count 50 --concurrency 8

It reads ``<repo>/.devcloud/clouds.yaml`` unless ``OS_CLIENT_CONFIG_FILE``
is set, and prints one line per way, or JSON with ``--json``.
"""

import argparse
import collections.abc
import json
import os
import statistics
import sys
import threading
import time
from typing import Any
import uuid

REPO_DIR = os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
)
sys.path.insert(0, REPO_DIR)

import openstack  # noqa: E402
from openstack import exceptions as sdk_exceptions  # noqa: E402

import snapshot_ext  # noqa: E402

MODES = (
    'one-by-one',
    'sequential',
    'bulk',
    'bulk+check',
    'requests-sequential',
    'requests-bulk',
)


class Counter:
    """Count the HTTP requests a connection's session gets answers to."""

    def __init__(self, conn: Any) -> None:
        self._session = conn.session.session
        self._lock = threading.Lock()
        self.count = 0

    def _hook(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.count += 1
        return response

    def __enter__(self) -> 'Counter':
        self._session.hooks.setdefault('response', []).append(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.hooks['response'].remove(self._hook)


def wait_volume(proxy: Any, volume_id: str, status: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        vol = proxy.get_volume(volume_id)
        if vol.status == status:
            return
        if vol.status == 'error':
            raise RuntimeError(f"volume {volume_id} went to error")
        time.sleep(0.5)
    raise RuntimeError(f"volume {volume_id} did not become {status}")


def make_snapshots(
    proxy: Any, volume_id: str, count: int, concurrency: int, tag: str
) -> list[Any]:
    specs = [
        {'volume_id': volume_id, 'name': f'bench-bulk-{tag}-{i}'}
        for i in range(count)
    ]
    result = proxy.create_snapshots(
        specs, concurrency=concurrency, wait=True, timeout=300
    )
    result.raise_for_errors()
    return list(result.snapshots)


def delete(
    mode: str, proxy: Any, snaps: list[Any], concurrency: int, interval: float
) -> None:
    if mode == 'requests-sequential':
        for snap in snaps:
            proxy.delete_snapshot(snap)
    elif mode == 'requests-bulk':
        proxy.delete_snapshots(
            snaps, concurrency=concurrency, check=False
        ).raise_for_errors()
    elif mode == 'one-by-one':
        for snap in snaps:
            proxy.delete_snapshot(snap)
            proxy.wait_for_delete(snap, interval=interval, wait=300)
    elif mode == 'sequential':
        for snap in snaps:
            proxy.delete_snapshot(snap)
        proxy.wait_for_snapshots(
            snaps, 'deleted', interval=interval, wait=300
        ).raise_for_errors()
    else:
        proxy.delete_snapshots(
            snaps,
            concurrency=concurrency,
            wait=True,
            check=(mode == 'bulk+check'),
            interval=interval,
            timeout=300,
        ).raise_for_errors()


def cleanup(proxy: Any, volume_id: str) -> None:
    for snap in proxy.snapshots(volume_id=volume_id):
        try:
            proxy.force_delete_snapshot(snap, ignore_missing=True)
        except sdk_exceptions.HttpException:
            proxy.delete_snapshot(snap, ignore_missing=True)
    deadline = time.monotonic() + 300
    while any(True for _ in proxy.snapshots(volume_id=volume_id)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"snapshots of {volume_id} remain")
        time.sleep(0.5)
    proxy.delete_volume(volume_id, ignore_missing=True)


def main(argv: collections.abc.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cloud', default='devcloud-admin')
    parser.add_argument('--count', type=int, default=50)
    parser.add_argument('--concurrency', type=int, default=8)
    parser.add_argument('--interval', type=float, default=0.25)
    parser.add_argument('--rounds', type=int, default=1)
    parser.add_argument('--modes', default=','.join(MODES))
    parser.add_argument('--json', action='store_true')
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(',') if m]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        parser.error(f"unknown modes: {', '.join(unknown)}")

    config = os.environ.get('OS_CLIENT_CONFIG_FILE') or os.path.join(
        REPO_DIR, '.devcloud', 'clouds.yaml'
    )
    if not os.path.isfile(config):
        print(
            f"no devcloud: {config} does not exist (tools/devcloud up)",
            file=sys.stderr,
        )
        return 2
    os.environ['OS_CLIENT_CONFIG_FILE'] = config
    conn = openstack.connect(cloud=args.cloud)
    proxy = snapshot_ext.proxy(conn)
    tag = uuid.uuid4().hex[:8]
    vol = proxy.create_volume(size=1, name=f'bench-bulk-{tag}')
    timings: dict[str, list[float]] = {m: [] for m in modes}
    requests: dict[str, list[int]] = {m: [] for m in modes}
    try:
        wait_volume(proxy, vol.id, 'available')
        for _ in range(args.rounds):
            for mode in modes:
                snaps = make_snapshots(
                    proxy, vol.id, args.count, args.concurrency, tag
                )
                with Counter(conn) as counter:
                    start = time.perf_counter()
                    delete(mode, proxy, snaps, args.concurrency, args.interval)
                    timings[mode].append(time.perf_counter() - start)
                requests[mode].append(counter.count)
                if mode.startswith('requests-'):
                    proxy.wait_for_snapshots(
                        snaps, 'deleted', interval=args.interval, wait=300
                    ).raise_for_errors()
    finally:
        cleanup(proxy, vol.id)
        conn.close()

    report = {
        'count': args.count,
        'concurrency': args.concurrency,
        'interval': args.interval,
        'rounds': args.rounds,
        'modes': {
            m: {
                'seconds_median': statistics.median(timings[m]),
                'seconds': timings[m],
                'requests_median': statistics.median(requests[m]),
            }
            for m in modes
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    base = report['modes'].get('one-by-one', {}).get('seconds_median')
    print(
        f"deleting {args.count} snapshots, concurrency {args.concurrency}, "
        f"poll interval {args.interval} s, {args.rounds} round(s):"
    )
    for mode in modes:
        row = report['modes'][mode]
        speedup = f"  x{base / row['seconds_median']:.1f}" if base else ''
        print(
            f"  {mode:<11} {row['seconds_median']:7.2f} s  "
            f"{row['requests_median']:6.0f} requests{speedup}"
        )
    return 0


if __name__ == '__main__':
    sys.exit(main())
