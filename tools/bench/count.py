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

"""One client's workload, for counting its instructions with callgrind.

Starts the loopback server (``server.py``) in its own process, sets the
client up, then runs the workload ``--times`` times with the garbage
collector off, inside ``functools.reduce``, so that callgrind can count
that call alone::

    valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect=functools_reduce \\
        .venv/bin/python tools/bench/count.py snapshot_ext create

callgrind's ``summary`` line is then the count of the workload alone
(the server runs outside valgrind), the same from run to run whatever
else runs on the machine.  Divide it by ``--times``.
"""

import argparse
import functools
import gc
import json
import os
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import clients  # noqa: E402

VOLUME_ID = 'bdd640fb-0667-1ad1-1c80-317fa3b1799d'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('client', choices=sorted(clients.CLIENTS))
    parser.add_argument('workload', choices=('list', 'get', 'create'))
    parser.add_argument(
        '--times', type=int, default=None, help='list 3, get and create 100'
    )
    args = parser.parse_args()
    times = args.times or (3 if args.workload == 'list' else 100)
    server = subprocess.Popen(
        [
            sys.executable,
            os.path.join(HERE, 'server.py'),
            '--max-seconds',
            '600',
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        started = json.loads(server.stdout.readline())
        client = clients.make(args.client, auth_url=started['auth_url'])
        client.setup()
        ids = [
            client.snapshot_id(s)
            for s, _ in zip(client.iter_snapshots(), range(50), strict=False)
        ]

        def once(_: Any, n: int) -> None:
            if args.workload == 'list':
                client.list_all()
            elif args.workload == 'get':
                client.get(ids[n % len(ids)])
            else:
                client.create_delete(VOLUME_ID, f'count-{n}')

        # Warm up outside the count: first-use imports and tables.
        for n in range(10):
            once(None, n)
        gc.collect()
        gc.disable()
        functools.reduce(once, range(times), None)
        gc.enable()
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)


if __name__ == '__main__':
    main()
