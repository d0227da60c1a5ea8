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

"""The three clients against the real devcloud (Keystone + Cinder 29).

Where ``run.py`` isolates the client with a loopback server, this runs the
same clients against the real services started by ``tools/devcloud up``,
to show what the client's own cost amounts to next to a real server's.

It makes a 1 GiB volume and ``--snapshots`` snapshots of it in the cloud's
project (``devcloud-member`` by default), then, alternating the clients,
times: listing them all, ``--gets`` sequential GETs, and ``--creates``
creates and deletes (only the create and delete calls are timed; waiting
for a new snapshot to become available, which Cinder requires before a
delete, is not).  Everything it made is deleted at the end, and the run
stops after ``--time-limit`` seconds whatever happens.

Usage::

    tools/devcloud up
    python tools/bench/devcloud.py [--cloud devcloud-member]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import os
import statistics
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, ROOT]

import clients  # noqa: E402

#: The clients compared here (see clients.py for all of them).
KINDS = ('keystoneauth', 'snapshot_ext', 'openstacksdk')
#: How often the waits poll, in seconds.
POLL = 0.25


class Deadline:
    """The run's time bound.

    :param seconds: How long the run may take.
    """

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.end - time.monotonic())

    def check(self, what: str) -> None:
        """Stop the run when the time is up.

        :param what: What was about to happen, for the message.
        :raises: TimeoutError.
        """
        if not self.left():
            raise TimeoutError(f'time limit reached before {what}')


def wait_for(
    what: str,
    done: Callable[[], bool],
    deadline: Deadline,
    timeout: float = 120.0,
) -> None:
    """Poll ``done`` until it is true, within bounds.

    :param what: A description, for the error.
    :param done: The condition.
    :param deadline: The run's bound.
    :param timeout: This wait's own bound, in seconds.
    :raises: TimeoutError when either bound passes first.
    """
    end = min(time.monotonic() + timeout, deadline.end)
    while not done():
        if time.monotonic() >= end:
            raise TimeoutError(f'{what} did not happen in time')
        time.sleep(POLL)


class Cloud:
    """Setup and cleanup through a plain keystoneauth adapter.

    :param helper: A set-up :class:`clients.KeystoneauthClient`.
    :param deadline: The run's bound.
    """

    def __init__(
        self, helper: clients.KeystoneauthClient, deadline: Deadline
    ) -> None:
        self.helper = helper
        self.adapter = helper.adapter
        self.microversion = helper.microversion
        self.deadline = deadline
        self.volumes: list[str] = []
        self.snapshots: list[str] = []

    def _status(self, kind: str, item_id: str) -> str | None:
        response = self.adapter.get(
            f'/{kind}s/{item_id}',
            microversion=self.microversion,
            raise_exc=False,
        )
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return str(response.json()[kind]['status'])

    def wait_status(self, kind: str, item_id: str, status: str) -> None:
        """Wait until a volume or snapshot has ``status``.

        :raises: RuntimeError when it goes to ``error``.
        """

        def done() -> bool:
            current = self._status(kind, item_id)
            if current in ('error', 'error_deleting'):
                raise RuntimeError(f'{kind} {item_id} went to {current}')
            return current == status

        wait_for(f'{kind} {item_id} {status}', done, self.deadline)

    def wait_gone(self, kind: str, item_id: str) -> None:
        """Wait until a volume or snapshot no longer exists."""
        wait_for(
            f'{kind} {item_id} deleted',
            lambda: self._status(kind, item_id) is None,
            self.deadline,
        )

    def make_volume(self) -> str:
        """Create the 1 GiB volume the snapshots are taken of."""
        volume = self.adapter.post(
            '/volumes',
            json={'volume': {'size': 1, 'name': 'bench-volume'}},
            microversion=self.microversion,
        ).json()['volume']
        self.volumes.append(volume['id'])
        self.wait_status('volume', volume['id'], 'available')
        return str(volume['id'])

    def make_snapshots(self, volume_id: str, count: int) -> list[str]:
        """Create ``count`` snapshots and wait until all are available."""
        made = []
        for n in range(count):
            self.deadline.check('creating the snapshots')
            snap = self.helper.create(volume_id, f'bench-listed-{n}')
            self.snapshots.append(snap['id'])
            made.append(snap['id'])
        for snapshot_id in made:
            self.wait_status('snapshot', snapshot_id, 'available')
        return made

    def cleanup(self) -> None:
        """Delete everything made here, within the run's bound."""
        for snapshot_id in self.snapshots:
            self.adapter.delete(
                f'/snapshots/{snapshot_id}',
                microversion=self.microversion,
                raise_exc=False,
            )
        for snapshot_id in self.snapshots:
            try:
                self.wait_gone('snapshot', snapshot_id)
            except TimeoutError as exc:
                print(f'cleanup: {exc}', file=sys.stderr)
        for volume_id in self.volumes:
            self.adapter.delete(
                f'/volumes/{volume_id}',
                microversion=self.microversion,
                raise_exc=False,
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or '').split('\n')[0]
    )
    parser.add_argument('--cloud', default='devcloud-member')
    parser.add_argument(
        '--clouds-yaml',
        default=os.path.join(ROOT, '.devcloud', 'clouds.yaml'),
    )
    parser.add_argument('--snapshots', type=int, default=50)
    parser.add_argument('--gets', type=int, default=100)
    parser.add_argument('--creates', type=int, default=10)
    parser.add_argument('--reps', type=int, default=3)
    parser.add_argument('--time-limit', type=float, default=600.0)
    args = parser.parse_args()
    if not os.path.exists(args.clouds_yaml):
        sys.exit(
            f'{args.clouds_yaml} not found; start the cloud with '
            f'tools/devcloud up'
        )
    deadline = Deadline(args.time_limit)
    made = {
        kind: clients.make(
            kind, cloud=args.cloud, clouds_yaml=args.clouds_yaml
        )
        for kind in KINDS
    }
    for client in made.values():
        client.setup()
    helper = made['keystoneauth']
    assert isinstance(helper, clients.KeystoneauthClient)
    cloud = Cloud(helper, deadline)
    times: dict[tuple[str, str], list[float]] = {}
    kinds = list(KINDS)
    try:
        volume_id = cloud.make_volume()
        ids = cloud.make_snapshots(volume_id, args.snapshots)
        for rep in range(args.reps):
            order = kinds[rep % len(kinds) :] + kinds[: rep % len(kinds)]
            for kind in order:
                client = made[kind]
                deadline.check(f'rep {rep + 1} of {kind}')
                start = time.perf_counter()
                listed = client.list_all()
                times.setdefault((kind, 'list'), []).append(
                    time.perf_counter() - start
                )
                if len(listed) < len(ids):
                    raise RuntimeError(
                        f'{kind} listed {len(listed)} of {len(ids)}'
                    )
                start = time.perf_counter()
                for n in range(args.gets):
                    client.get(ids[n % len(ids)])
                times.setdefault((kind, 'get'), []).append(
                    time.perf_counter() - start
                )
                spent = 0.0
                for n in range(args.creates):
                    deadline.check('creating')
                    start = time.perf_counter()
                    snap = client.create(volume_id, f'bench-{kind}-{n}')
                    spent += time.perf_counter() - start
                    snapshot_id = client.snapshot_id(snap)
                    cloud.snapshots.append(snapshot_id)
                    cloud.wait_status('snapshot', snapshot_id, 'available')
                    start = time.perf_counter()
                    client.delete(snap)
                    spent += time.perf_counter() - start
                    cloud.wait_gone('snapshot', snapshot_id)
                    cloud.snapshots.remove(snapshot_id)
                times.setdefault((kind, 'create'), []).append(spent)
                print(
                    f'  rep {rep + 1} {kind:14s} '
                    + '  '.join(
                        f'{w} {times[(kind, w)][-1]:.3f} s'
                        for w in ('list', 'get', 'create')
                    ),
                    flush=True,
                )
    finally:
        cloud.cleanup()
    report(args, times)


def report(
    args: argparse.Namespace, times: dict[tuple[str, str], list[float]]
) -> None:
    """Print medians and ratios to plain keystoneauth."""
    titles = {
        'list': f'list {args.snapshots}',
        'get': f'{args.gets} GETs',
        'create': f'{args.creates} create+delete calls',
    }
    cols = ['keystoneauth', 'snapshot_ext', 'openstacksdk']
    head = f"{'workload':28s}" + ''.join(f'{c:>14s}' for c in cols)
    head += f"{'ext/ksa':>10s}{'sdk/ksa':>10s}"
    print()
    print(f'{args.cloud}: medians of {args.reps} repetitions')
    print(head)
    print('-' * len(head))
    for name, title in titles.items():
        med: dict[str, Any] = {
            k: statistics.median(times[(k, name)])
            for k in cols
            if times.get((k, name))
        }
        line = f'{title:28s}' + ''.join(
            f"{(f'{med[c]:.3f} s' if c in med else '-'):>14s}" for c in cols
        )
        base = med.get('keystoneauth')
        for kind in ('snapshot_ext', 'openstacksdk'):
            value = med.get(kind)
            ratio = f'{value / base:.2f}x' if value and base else '-'
            line += f'{ratio:>10s}'
        print(line)


if __name__ == '__main__':
    main()
