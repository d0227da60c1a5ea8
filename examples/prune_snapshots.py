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

"""Prune the snapshots of some volumes: a nightly cron job.

For each volume, keeps the ``--keep`` newest available snapshots and every
snapshot younger than ``--older-than-days``, and deletes the others that
can be deleted.  Nothing is deleted without ``--apply``::

    # crontab: every night at 03:00, keep a week of dailies, at least 7
    0 3 * * *  /usr/bin/python3 /opt/prune_snapshots.py --cloud mycloud \\
        --volume db-data --volume web-data --keep 7 --older-than-days 7 \\
        --apply

Exit status: 0 when all went well, 1 when a deletion failed, 2 when an
argument is wrong or a volume cannot be found.
"""

import argparse
import datetime
import sys

import openstack
from openstack import exceptions as sdk_exceptions

import snapshot_ext


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cloud', help='cloud name in clouds.yaml')
    parser.add_argument(
        '--volume',
        action='append',
        required=True,
        help='volume name or ID (repeatable)',
    )
    parser.add_argument(
        '--keep', type=int, help='keep this many newest available snapshots'
    )
    parser.add_argument(
        '--older-than-days',
        type=float,
        help='keep every snapshot younger than this many days',
    )
    parser.add_argument(
        '--apply', action='store_true', help='delete (default: dry run)'
    )
    args = parser.parse_args()

    conn = openstack.connect(cloud=args.cloud)
    # The same proxy as conn.block_storage, registered if clouds.yaml has
    # no vendor_hook, and typed as snapshot_ext's for type checkers.
    bs = snapshot_ext.proxy(conn)
    older_than = None
    if args.older_than_days is not None:
        older_than = datetime.timedelta(days=args.older_than_days)

    status = 0
    for name in args.volume:
        try:
            volume = bs.find_volume(name, ignore_missing=False)
        except sdk_exceptions.ResourceNotFound:
            print(f'{name}: no such volume', file=sys.stderr)
            return 2
        try:
            result = bs.prune_snapshots(
                volume,
                keep=args.keep,
                older_than=older_than,
                dry_run=not args.apply,
                wait=args.apply,
                timeout=900,
            )
        except ValueError as exc:  # bad --keep/--older-than-days
            print(f'{name}: {exc}', file=sys.stderr)
            return 2
        print(f'{volume.name or volume.id}: {result!r}')
        for decision in result.decisions:
            snap = decision.snapshot
            print(
                f'  {decision.action:<6} {snap.id} {snap.created_at} '
                f'{snap.status}: {decision.reason}'
            )
        for failure in result.failed:
            print(f'  FAILED {failure.id}: {failure.error}', file=sys.stderr)
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
