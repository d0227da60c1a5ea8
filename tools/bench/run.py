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

"""Client-side cost of snapshot_ext and other Cinder clients.

Starts the loopback server (``server.py``, 127.0.0.1 only) in its own
process, then measures, for the clients of ``clients.py`` (the lean
keystoneauth floor, snapshot_ext with and without its ``speedups`` extra,
python-cinderclient, keystoneauth with an Adapter, openstacksdk):

* listing all snapshots (10,000 by default) with pages of 1000, kept in a
  list;
* 1000 sequential GETs of one snapshot;
* 200 create + delete;
* the memory the whole list holds, and the peak while iterating without
  keeping (tracemalloc, one fresh process per client);
* ``import snapshot_ext`` beyond ``import openstack`` (fresh processes);
* the cold start: import, connect and the first GET (fresh processes).

Every client runs the timed workloads in a process of its own (all in
one process with ``--one-process``), the clients alternating in a
rotating order, several repetitions; within a repetition the GETs and
the creates are split into blocks (``--blocks``, 10) and the clients take
turns block by block, so that changes in the machine's speed fall on all
of them alike; the listing is repeated as many times, each client taking
its turn, and its time is the mean listing (one listing for a client
that takes over a second).  The table shows medians, ratios to
the floor (and of snapshot_ext to cinderclient) and the requests the
server counted per workload.  The server's own ceiling (a raw
``http.client`` doing the same requests) is measured first.  The whole
run is bounded by ``--time-limit``: what has not started by then is
skipped and reported as such.

Usage::

    python tools/bench/run.py            # full run (about 10 minutes)
    python tools/bench/run.py --quick    # short run (about 2 minutes)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
import gc
import http.client
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, ROOT]

import clients  # noqa: E402
import server  # noqa: E402

VOLUME_ID = '0c2d4b6a-8e3f-4a1b-9c5d-7e6f8a9b0c1d'


class Deadline:
    """The run's time bound.

    :param seconds: How long the run may take.
    """

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.skipped: list[str] = []

    def left(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.end - time.monotonic())

    def allows(self, what: str, needs: float = 0.0) -> bool:
        """Tell whether ``what`` may start; record it when it may not.

        :param what: A description of the step.
        :param needs: Seconds it is expected to take.
        """
        if self.left() > needs:
            return True
        self.skipped.append(what)
        return False


class Server:
    """The loopback server process.

    :param snapshots: How many snapshots it serves.
    :param max_seconds: Its lifetime bound.
    """

    def __init__(self, snapshots: int, max_seconds: float) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                os.path.join(HERE, 'server.py'),
                '--snapshots',
                str(snapshots),
                '--max-seconds',
                str(int(max_seconds)),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError('the benchmark server did not start')
        self.info = json.loads(line)
        self.url = self.info['url']
        self.auth_url = self.info['auth_url']
        parsed = urllib.parse.urlsplit(self.url)
        self.host = parsed.hostname or '127.0.0.1'
        self.port = parsed.port or 80

    def _control(self, method: str, path: str) -> Any:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path)
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def counts(self) -> dict[str, int]:
        """Requests per route since the last reset."""
        return dict(self._control('GET', '/_bench/stats'))

    def reset(self) -> None:
        """Zero the request counters."""
        self._control('POST', '/_bench/reset')

    def stop(self) -> None:
        """Stop the server and wait for it (bounded)."""
        close_and_wait(self.process, 10)


def close_and_wait(process: subprocess.Popen[Any], seconds: float) -> None:
    """Close a child's standard input, which asks it to stop, and wait.

    :param process: The child.
    :param seconds: How long it may take to stop before it is killed.
    """
    if process.stdin:
        process.stdin.close()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _api_requests(counts: dict[str, int]) -> int:
    # Every request the server saw, token and discovery requests included.
    return sum(counts.values())


# The server's ceiling -----------------------------------------------------


def server_ceiling(
    srv: Server, snapshot_ids: list[str], gets: int
) -> dict[str, float]:
    """Time the workloads with a raw keep-alive ``http.client``.

    No JSON is decoded and no objects are built: this is what the server
    and the loopback cost, a floor under every client.

    :param srv: The server.
    :param snapshot_ids: IDs to GET.
    :param gets: How many GETs.
    :returns: Seconds per workload and GETs per second.
    """
    prefix = f"/volume/v3/{srv.info['project_id']}"
    headers = {
        'X-Auth-Token': server.TOKEN,
        'OpenStack-API-Version': 'volume 3.71',
    }
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
    try:
        start = time.perf_counter()
        marker = None
        while True:
            query = f'limit={clients.PAGE_SIZE}'
            if marker:
                query += f'&marker={marker}'
            conn.request(
                'GET', f'{prefix}/snapshots/detail?{query}', headers=headers
            )
            body = conn.getresponse().read()
            cut = body.rfind(b'marker=')
            if cut < 0:
                break
            marker = body[cut + 7 : body.index(b'"', cut)].decode()
        listing = time.perf_counter() - start
        start = time.perf_counter()
        for n in range(gets):
            snapshot_id = snapshot_ids[n % len(snapshot_ids)]
            conn.request(
                'GET', f'{prefix}/snapshots/{snapshot_id}', headers=headers
            )
            conn.getresponse().read()
        getting = time.perf_counter() - start
    finally:
        conn.close()
    return {
        'list': listing,
        'get': getting,
        'gets_per_second': gets / getting if getting else 0.0,
    }


# Timed workloads ------------------------------------------------------------


#: The timed workloads: (client, part, snapshot IDs) -> what it returns.
WORKLOADS: dict[str, Callable[[clients.Client, range, list[str]], Any]] = {
    'list': lambda c, _, ids: c.list_all(),
    'get': lambda c, part, ids: [c.get(ids[n % len(ids)]) for n in part],
    'create': lambda c, part, ids: [
        c.create_delete(VOLUME_ID, f'bench-{n}') for n in part
    ],
}


def run_block(
    client: clients.Client, name: str, part: range, snapshot_ids: list[str]
) -> tuple[float, float]:
    """Run one block of a workload, after a full garbage collection.

    :param client: The client, set up.
    :param name: The workload (a key of :data:`WORKLOADS`).
    :param part: The numbers of the operations of this block.
    :param snapshot_ids: The snapshots the GETs fetch.
    :returns: Wall-clock and CPU seconds of the block (freeing what it
        returned is not timed).
    """
    gc.collect()
    start = time.perf_counter()
    start_cpu = time.process_time()
    result = WORKLOADS[name](client, part, snapshot_ids)
    used = time.process_time() - start_cpu
    wall = time.perf_counter() - start
    del result
    return wall, used


class LocalRunner:
    """A client in this process (``--one-process``).

    :param kind: The client.
    :param auth_url: The server's Keystone URL.
    :param snapshot_ids: The snapshots the GETs fetch.
    """

    def __init__(
        self, kind: str, auth_url: str, snapshot_ids: list[str]
    ) -> None:
        self.client = clients.make(kind, auth_url=auth_url)
        self.client.setup()
        self.snapshot_ids = snapshot_ids

    def block(self, name: str, part: range) -> tuple[float, float]:
        """Run one block; see :func:`run_block`."""
        return run_block(self.client, name, part, self.snapshot_ids)

    def close(self) -> None:
        """Nothing to stop."""


class WorkerRunner:
    """A client in a process of its own (``run.py --worker KIND``).

    The process sets the client up, then runs the blocks this runner asks
    for, one JSON line each way, and times them itself; it waits on its
    standard input between blocks.  So no client runs in the heap, the
    garbage collector or the imported modules of another, as no user's
    program runs five Cinder clients at once.

    :param kind: The client.
    :param auth_url: The server's Keystone URL.
    :param snapshot_ids: The snapshots the GETs fetch.
    :raises RuntimeError: When the process does not start.
    """

    def __init__(
        self, kind: str, auth_url: str, snapshot_ids: list[str]
    ) -> None:
        self.kind = kind
        self.process = subprocess.Popen(
            [
                sys.executable,
                os.path.abspath(__file__),
                '--worker',
                kind,
                '--auth-url',
                auth_url,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._ask({'snapshot_ids': snapshot_ids})

    def _ask(self, message: dict[str, Any]) -> Any:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(message) + '\n')
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f'the {self.kind} worker stopped (exit status '
                f'{self.process.poll()})'
            )
        return json.loads(line)

    def block(self, name: str, part: range) -> tuple[float, float]:
        """Run one block in the worker; see :func:`run_block`."""
        wall, used = self._ask(
            {'workload': name, 'start': part.start, 'stop': part.stop}
        )
        return float(wall), float(used)

    def close(self) -> None:
        """Stop the worker (bounded)."""
        close_and_wait(self.process, 30)


def worker(kind: str, auth_url: str) -> None:
    """The process of one :class:`WorkerRunner`.

    Reads the snapshot IDs, then one block per line, and answers each
    with its wall-clock and CPU seconds.  Anything the client prints goes
    to standard error, away from the answers.

    :param kind: The client.
    :param auth_url: The server's Keystone URL.
    """
    answers = sys.stdout
    sys.stdout = sys.stderr
    client = clients.make(kind, auth_url=auth_url)
    client.setup()
    snapshot_ids = json.loads(sys.stdin.readline())['snapshot_ids']
    answers.write('"ready"\n')
    answers.flush()
    for line in sys.stdin:
        ask = json.loads(line)
        part = range(ask['start'], ask['stop'])
        timed = run_block(client, ask['workload'], part, snapshot_ids)
        answers.write(json.dumps(timed) + '\n')
        answers.flush()


def timed_runs(
    srv: Server,
    kinds: list[str],
    reps: int,
    gets: int,
    creates: int,
    snapshot_ids: list[str],
    deadline: Deadline,
    blocks: int = 1,
    one_process: bool = False,
) -> tuple[
    dict[tuple[str, str], list[float]],
    dict[tuple[str, str], list[float]],
    dict[Any, Any],
]:
    """Run the workloads, alternating clients, ``reps`` times.

    The GETs and creates of a repetition are split into ``blocks``
    blocks, and the listing is repeated ``blocks`` times (once for a
    client whose listing takes more than :data:`LONG_LISTING`); the
    clients take turns block by block, in a rotating order.  Every client
    runs in a process of its own (:class:`WorkerRunner`), or all in this
    one with ``one_process``.

    :returns: Wall-clock seconds per (client, workload), the CPU seconds
        of the client's process (the server runs in its own) per (client,
        workload), and the request counts per (client, workload) plus
        each client's setup requests.
    """
    runner = LocalRunner if one_process else WorkerRunner
    made: dict[str, LocalRunner | WorkerRunner] = {}
    requests: dict[Any, Any] = {}
    try:
        for kind in kinds:
            srv.reset()
            made[kind] = runner(kind, srv.auth_url, snapshot_ids)
            requests[(kind, 'setup')] = _api_requests(srv.counts())
        return _alternate(
            srv, made, kinds, reps, gets, creates, deadline, blocks, requests
        )
    finally:
        for made_runner in made.values():
            made_runner.close()


def _alternate(
    srv: Server,
    made: dict[str, LocalRunner | WorkerRunner],
    kinds: list[str],
    reps: int,
    gets: int,
    creates: int,
    deadline: Deadline,
    blocks: int,
    requests: dict[Any, Any],
) -> tuple[
    dict[tuple[str, str], list[float]],
    dict[tuple[str, str], list[float]],
    dict[Any, Any],
]:
    """The repetitions of :func:`timed_runs`, its runners set up."""
    # Expected cost per workload of the slowest client, to stay in bounds.
    expected = {'list': 20.0, 'get': gets * 0.01, 'create': creates * 0.02}
    # The GETs and creates run in blocks, every client doing one block in
    # turn, so that the machine's changes of speed (seconds long on a
    # shared host) fall on every client alike.  The listing is repeated
    # as many rounds, a client taking its turn each round, and its time is
    # the mean listing; a client whose listing takes longer than
    # LONG_LISTING seconds lists in the first round only.
    sizes = {
        'list': [range(1)] * max(1, blocks),
        'get': blocks_of(gets, blocks),
        'create': blocks_of(creates, blocks),
    }
    times: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for rep in range(reps):
        order = kinds[rep % len(kinds) :] + kinds[: rep % len(kinds)]
        for name in WORKLOADS:
            parts = sizes[name]
            # Every part of the listing is a whole listing, repeated.
            repeated = name == 'list'
            active = [
                kind
                for kind in order
                if deadline.allows(
                    f'{name} rep {rep + 1} {kind}', expected[name]
                )
            ]
            wall = dict.fromkeys(active, 0.0)
            used = dict.fromkeys(active, 0.0)
            seen: dict[str, dict[str, int]] = {kind: {} for kind in active}
            done = dict.fromkeys(active, 0)
            for number, part in enumerate(parts):
                turn = number % len(active) if active else 0
                for kind in active[turn:] + active[:turn]:
                    if (
                        repeated
                        and done[kind]
                        and wall[kind] / done[kind] > LONG_LISTING
                    ):
                        continue
                    done[kind] += 1
                    srv.reset()
                    block_wall, block_cpu = made[kind].block(name, part)
                    wall[kind] += block_wall
                    used[kind] += block_cpu
                    counts = srv.counts()
                    if repeated:
                        seen[kind] = counts
                    else:
                        for route, count in counts.items():
                            seen[kind][route] = (
                                seen[kind].get(route, 0) + count
                            )
            for kind in active:
                label = f'{name} rep {rep + 1} {kind}'
                if repeated:
                    wall[kind] /= done[kind]
                    used[kind] /= done[kind]
                    label += f' x{done[kind]}'
                times.setdefault((kind, name), []).append(wall[kind])
                cpu.setdefault((kind, name), []).append(used[kind])
                requests[(kind, name)] = seen[kind]
                print(
                    f'  {label:32s} {wall[kind]:8.3f} s  '
                    f'(CPU {used[kind]:.3f} s)  '
                    f'{_api_requests(seen[kind])} requests',
                    flush=True,
                )
    return times, cpu, requests


#: Seconds above which one listing per repetition is enough.
LONG_LISTING = 1.0


def blocks_of(count: int, blocks: int) -> list[range]:
    """Split ``range(count)`` into at most ``blocks`` consecutive parts.

    :param count: How many operations.
    :param blocks: How many parts at most.
    :returns: The parts, of sizes differing by one at most.
    """
    blocks = max(1, min(blocks, count))
    edges = [count * n // blocks for n in range(blocks + 1)]
    return [range(a, b) for a, b in zip(edges, edges[1:], strict=False)]


# Memory (one process per client) ----------------------------------------


def memory_child(kind: str, auth_url: str) -> dict[str, float]:
    """Measure one client's memory; runs in a fresh process.

    :param kind: The client.
    :param auth_url: The server's Keystone URL.
    :returns: Bytes held by the kept list, and the peak while iterating
        without keeping, both above the baseline.
    """
    client = clients.make(kind, auth_url=auth_url)
    client.setup()
    # Warm up: first-use imports and tables are not the list's cost.
    for n, _ in enumerate(client.iter_snapshots()):
        if n >= clients.PAGE_SIZE:
            break
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = client.list_all()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    count = len(kept)
    del kept
    gc.collect()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    streamed = sum(1 for _ in client.iter_snapshots())
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return {
        'kept_bytes': held,
        'stream_peak_bytes': peak,
        'count': count,
        'streamed': streamed,
    }


def memory(
    srv: Server, kinds: list[str], deadline: Deadline
) -> dict[str, dict[str, float]]:
    """Run :func:`memory_child` for each client in its own process.

    :returns: The child's results per client.
    """
    results = {}
    for kind in kinds:
        needs = 90.0 if kind == 'openstacksdk' else 10.0
        if not deadline.allows(f'memory {kind}', needs):
            continue
        done = subprocess.run(
            [
                sys.executable,
                os.path.abspath(__file__),
                '--memory-child',
                kind,
                '--auth-url',
                srv.auth_url,
            ],
            capture_output=True,
            text=True,
            timeout=max(10.0, deadline.left()),
            check=False,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            continue
        results[kind] = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"  memory {kind:14s} kept "
            f"{results[kind]['kept_bytes'] / 1e6:7.1f} MB, streaming peak "
            f"{results[kind]['stream_peak_bytes'] / 1e6:6.1f} MB",
            flush=True,
        )
    return results


# Import time -----------------------------------------------------------

_IMPORT = (
    'import time, json\n'
    't0 = time.perf_counter()\n'
    'import openstack\n'
    't1 = time.perf_counter()\n'
    'import snapshot_ext\n'
    't2 = time.perf_counter()\n'
    'print(json.dumps([t1 - t0, t2 - t1]))\n'
)


def compile_sources() -> None:
    """Write the bytecode of snapshot_ext and the benchmark's clients.

    An installed package has its bytecode written at installation; a
    source checkout gets it at its first import, unless
    ``PYTHONDONTWRITEBYTECODE`` is set, when every process compiles the
    sources again.  The fresh processes that time imports and cold
    starts read it as an installed package would.
    """
    for path in (os.path.join(ROOT, 'snapshot_ext'), HERE):
        subprocess.run(
            [sys.executable, '-m', 'compileall', '-q', path],
            check=True,
            timeout=120,
            stdout=subprocess.DEVNULL,
        )


def import_times(runs: int, deadline: Deadline) -> list[tuple[float, float]]:
    """Time ``import openstack`` then ``import snapshot_ext``.

    :param runs: How many fresh processes.
    :returns: (openstack, snapshot_ext beyond it) seconds per process.
    """
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [ROOT] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p]
    )
    compile_sources()
    out = []
    for _ in range(runs):
        if not deadline.allows('import time', 5.0):
            break
        done = subprocess.run(
            [sys.executable, '-c', _IMPORT],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        first, second = json.loads(done.stdout)
        out.append((first, second))
    return out


# Cold start (fresh processes) ---------------------------------------------

_COLD = (
    'import sys, time, json\n'
    't0 = time.perf_counter()\n'
    'kind, auth_url, snapshot_id = sys.argv[1:4]\n'
    'import clients\n'
    "if kind in ('snapshot_ext', 'openstacksdk'):\n"
    '    import openstack\n'
    '    conn = openstack.connect(\n'
    "        region_name='RegionOne', **clients.auth_args(auth_url))\n"
    "    if kind == 'snapshot_ext':\n"
    '        import snapshot_ext\n'
    '        snapshot_ext.register(conn)\n'
    '    conn.block_storage.get_snapshot(snapshot_id)\n'
    'else:\n'
    '    client = clients.make(kind, auth_url=auth_url)\n'
    '    client.setup()\n'
    '    client.get(snapshot_id)\n'
    'print(json.dumps([time.perf_counter() - t0, time.process_time()]))\n'
)


def cold_starts(
    srv: Server,
    kinds: list[str],
    runs: int,
    snapshot_id: str,
    deadline: Deadline,
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Time import, connect and the first GET in fresh processes.

    The clients alternate; each process imports its client, authenticates,
    discovers the endpoint (and, for the openstacksdk clients, the
    microversions) and fetches one snapshot.

    :param srv: The server.
    :param kinds: The clients.
    :param runs: How many processes per client.
    :param snapshot_id: The snapshot to fetch.
    :returns: Wall-clock seconds per process, per client, and the CPU
        seconds of each process (the interpreter's start included).
    """
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [HERE, ROOT]
        + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p]
    )
    compile_sources()
    out: dict[str, list[float]] = {}
    used: dict[str, list[float]] = {}
    # snapshot_ext_json differs from snapshot_ext only in a listing.
    kinds = [kind for kind in kinds if kind != 'snapshot_ext_json']
    for _ in range(runs):
        for kind in kinds:
            if not deadline.allows(f'cold start {kind}', 10.0):
                return out, used
            done = subprocess.run(
                [
                    sys.executable,
                    '-c',
                    _COLD,
                    kind,
                    srv.auth_url,
                    snapshot_id,
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                continue
            seconds, cpu = json.loads(done.stdout.strip().splitlines()[-1])
            out.setdefault(kind, []).append(seconds)
            used.setdefault(kind, []).append(cpu)
    for kind, values in out.items():
        print(
            f'  cold start {kind:14s} {statistics.median(values):8.3f} s  '
            f'(CPU {statistics.median(used[kind]):.3f} s)',
            flush=True,
        )
    return out, used


# Report ------------------------------------------------------------------


def _fmt_seconds(value: float | None) -> str:
    if value is None:
        return '-'
    return f'{value:.3f} s' if value < 100 else f'{value:.0f} s'


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return '-'
    return f'{value / base:.2f}x'


def _short(kind: str) -> str:
    return {
        'snapshot_ext': 'ext',
        'snapshot_ext_json': 'ext-json',
        'openstacksdk': 'sdk',
        'keystoneauth': 'ksa',
        'cinderclient': 'cinder',
    }.get(kind, kind)


def _ratio_columns(cols: list[str]) -> list[tuple[str, str, str]]:
    """The ratio columns: every client against the floor, and snapshot_ext
    (with and without msgspec) against cinderclient."""
    out = [
        (k, clients.FLOOR, f'{_short(k)}/floor')
        for k in cols
        if k != clients.FLOOR and clients.FLOOR in cols
    ]
    for ext in ('snapshot_ext', 'snapshot_ext_json'):
        if ext in cols and 'cinderclient' in cols:
            out.append((ext, 'cinderclient', f'{_short(ext)}/cinder'))
    return out


def _ratios(values: dict[str, float], cols: list[str]) -> str:
    return ''.join(
        f'{_ratio(values.get(kind), values.get(base)):>16s}'
        for kind, base, _ in _ratio_columns(cols)
    )


def report(
    args: argparse.Namespace,
    kinds: list[str],
    ceiling: dict[str, float],
    times: dict[tuple[str, str], list[float]],
    cpu: dict[tuple[str, str], list[float]],
    requests: dict[Any, Any],
    mem: dict[str, dict[str, float]],
    imports: list[tuple[float, float]],
    cold: tuple[dict[str, list[float]], dict[str, list[float]]],
    deadline: Deadline,
) -> dict[str, Any]:
    """Print the table and return the results as data."""
    names = {
        'list': f'list {args.snapshots} (pages of {clients.PAGE_SIZE})',
        'get': f'{args.gets} GETs',
        'create': f'{args.creates} create+delete',
    }
    cols = [c for c in clients.KINDS if c in kinds]
    head = f"{'workload':30s}" + ''.join(f'{_short(c):>10s}' for c in cols)
    head += ''.join(f'{title:>16s}' for *_, title in _ratio_columns(cols))
    head += '   requests ' + '/'.join(_short(c) for c in cols)
    print()
    print(
        f'Medians of {args.reps} repetitions; python {sys.version.split()[0]}'
    )
    print(head)
    print('-' * len(head))
    data: dict[str, Any] = {
        'workloads': {},
        'memory': {},
        'import': {},
        'cold_start': {},
    }
    for name, title in names.items():
        med = {
            k: statistics.median(times[(k, name)])
            for k in cols
            if times.get((k, name))
        }
        reqs = [
            str(_api_requests(requests[(k, name)]))
            if (k, name) in requests
            else '-'
            for k in cols
        ]
        line = f'{title:30s}' + ''.join(
            f'{_fmt_seconds(med.get(c)):>10s}' for c in cols
        )
        line += _ratios(med, cols)
        line += '   ' + '/'.join(reqs)
        print(line)
        data['workloads'][name] = {
            'median_seconds': med,
            'runs': {k: times.get((k, name), []) for k in cols},
            'median_cpu_seconds': {
                k: statistics.median(cpu[(k, name)])
                for k in cols
                if cpu.get((k, name))
            },
            'cpu_runs': {k: cpu.get((k, name), []) for k in cols},
            'requests': {k: requests.get((k, name), {}) for k in cols},
        }
    # The client's own CPU time: steadier than the wall clock when other
    # work shares the cores, since time spent waiting for a core or for
    # the server does not count.
    for name, title in names.items():
        med = data['workloads'][name]['median_cpu_seconds']
        line = f"{'CPU ' + title:30s}" + ''.join(
            f'{_fmt_seconds(med.get(c)):>10s}' for c in cols
        )
        print(line + _ratios(med, cols))
    for key, title in (
        ('kept_bytes', 'memory, whole list kept'),
        ('stream_peak_bytes', 'memory, peak while streaming'),
    ):
        vals = {k: mem[k][key] for k in cols if k in mem}
        line = f'{title:30s}' + ''.join(
            f"{(f'{vals[c] / 1e6:.1f} MB' if c in vals else '-'):>10s}"
            for c in cols
        )
        line += _ratios(vals, cols)
        print(line)
        data['memory'][key] = vals
    cold_wall, cold_cpu = cold
    if cold_wall:
        vals = {k: statistics.median(v) for k, v in cold_wall.items() if v}
        line = f'{"cold start (import+conn+GET)":30s}' + ''.join(
            f'{_fmt_seconds(vals.get(c)):>10s}' for c in cols
        )
        line += _ratios(vals, cols)
        n = min(len(v) for v in cold_wall.values())
        print(line + f'   (median of {n} processes)')
        used = {k: statistics.median(v) for k, v in cold_cpu.items() if v}
        line = f'{"CPU cold start":30s}' + ''.join(
            f'{_fmt_seconds(used.get(c)):>10s}' for c in cols
        )
        print(line + _ratios(used, cols))
        data['cold_start'] = {
            'median_seconds': vals,
            'runs': cold_wall,
            'median_cpu_seconds': used,
            'cpu_runs': cold_cpu,
        }
    if imports:
        extra = statistics.median(b for _, b in imports)
        base = statistics.median(a for a, _ in imports)
        print(
            f'import snapshot_ext: +{extra * 1000:.0f} ms beyond import '
            f'openstack ({base * 1000:.0f} ms; median of {len(imports)} '
            'processes)'
        )
        data['import'] = {
            'snapshot_ext_beyond_openstack_seconds': extra,
            'openstack_seconds': base,
            'runs': imports,
        }
    setup = {
        k: requests.get((k, 'setup')) for k in cols if (k, 'setup') in requests
    }
    print(
        'setup requests (auth + discovery, not timed): '
        + ', '.join(f'{k} {v}' for k, v in setup.items())
    )
    if ceiling:
        print(
            f"server ceiling (raw http.client, no JSON decoding): list "
            f"{ceiling['list']:.3f} s, {args.gets} GETs "
            f"{ceiling['get']:.3f} s ({ceiling['gets_per_second']:.0f}/s)"
        )
    if deadline.skipped:
        print(f'time limit reached; skipped: {", ".join(deadline.skipped)}')
    data['setup_requests'] = setup
    data['server_ceiling'] = ceiling
    data['skipped'] = deadline.skipped
    return data


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or '').split('\n')[0]
    )
    parser.add_argument(
        '--quick',
        action='store_true',
        help='fewer repetitions, GETs and creates',
    )
    parser.add_argument('--reps', type=int)
    parser.add_argument('--gets', type=int)
    parser.add_argument('--creates', type=int)
    parser.add_argument('--snapshots', type=int, default=10000)
    parser.add_argument(
        '--blocks',
        type=int,
        default=10,
        help='blocks the GETs and creates of a repetition are split into, '
        'and listings per repetition, the clients taking turns block by '
        'block (default 10)',
    )
    parser.add_argument(
        '--clients',
        default=','.join(clients.KINDS),
        help='comma-separated subset of ' + ', '.join(clients.KINDS),
    )
    parser.add_argument(
        '--time-limit', type=float, help='seconds the whole run may take'
    )
    parser.add_argument('--no-memory', action='store_true')
    parser.add_argument('--no-import', action='store_true')
    parser.add_argument(
        '--no-cold', action='store_true', help='skip the cold-start step'
    )
    parser.add_argument('--json', help='also write the results here')
    parser.add_argument(
        '--one-process',
        action='store_true',
        help='run the timed workloads of every client in this process '
        'instead of one process per client',
    )
    parser.add_argument('--memory-child', help=argparse.SUPPRESS)
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    parser.add_argument('--auth-url', help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.auth_url)))
        return
    if args.worker:
        worker(args.worker, args.auth_url)
        return

    args.reps = args.reps or (2 if args.quick else 5)
    args.gets = args.gets or (200 if args.quick else 1000)
    args.creates = args.creates or (50 if args.quick else 200)
    limit = args.time_limit or (240.0 if args.quick else 1200.0)
    kinds = [k.strip() for k in args.clients.split(',') if k.strip()]
    unknown = sorted(set(kinds) - set(clients.KINDS))
    if unknown:
        parser.error(f"unknown clients: {', '.join(unknown)}")
    if 'cinderclient' in kinds and not importlib.util.find_spec(
        'cinderclient'
    ):
        print(
            'cinderclient: left out, python-cinderclient is not installed '
            '(pip install -r tools/bench/requirements.txt)',
            file=sys.stderr,
        )
        kinds.remove('cinderclient')
    if 'snapshot_ext_json' in kinds and args.one_process:
        print(
            'snapshot_ext_json: left out, it needs a process of its own '
            '(without --one-process)',
            file=sys.stderr,
        )
        kinds.remove('snapshot_ext_json')
    if 'snapshot_ext' in kinds and not importlib.util.find_spec('msgspec'):
        print(
            'snapshot_ext: msgspec is not installed, so it decodes with '
            'json as snapshot_ext_json does (pip install -r '
            'tools/bench/requirements.txt)',
            file=sys.stderr,
        )
    deadline = Deadline(limit)
    snapshot_ids = [s['id'] for s in server.make_snapshots(args.snapshots)][
        :: max(1, args.snapshots // 997)
    ]

    srv = Server(args.snapshots, limit + 120)
    try:
        print(f'server {srv.url} serving {args.snapshots} snapshots')
        ceiling = server_ceiling(srv, snapshot_ids, args.gets)
        print(
            f"  server ceiling: list {ceiling['list']:.3f} s, "
            f"{ceiling['gets_per_second']:.0f} GETs/s",
            flush=True,
        )
        times, cpu, requests = timed_runs(
            srv,
            kinds,
            args.reps,
            args.gets,
            args.creates,
            snapshot_ids,
            deadline,
            args.blocks,
            args.one_process,
        )
        mem = {} if args.no_memory else memory(srv, kinds, deadline)
        imports = (
            []
            if args.no_import
            else import_times(3 if args.quick else 9, deadline)
        )
        cold = (
            ({}, {})
            if args.no_cold
            else cold_starts(
                srv, kinds, 3 if args.quick else 7, snapshot_ids[0], deadline
            )
        )
    finally:
        srv.stop()
    data = report(
        args,
        kinds,
        ceiling,
        times,
        cpu,
        requests,
        mem,
        imports,
        cold,
        deadline,
    )
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as out:
            json.dump(data, out, indent=2, default=str)


if __name__ == '__main__':
    main()
