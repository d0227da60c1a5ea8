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

"""``openstack volume snapshot wait``: wait for many snapshots."""

import argparse
from typing import Any

from snapshot_ext.osc import progress as _progress
from snapshot_ext.osc.base import Row
from snapshot_ext.osc.base import SnapshotLister
from snapshot_ext.osc.base import block_storage
from snapshot_ext.osc.base import error_text
from snapshot_ext.osc.base import failure_summary
from snapshot_ext.osc.base import outcome
from snapshot_ext.osc.lookup import resolve
from snapshot_ext.osc.options import add_all_projects
from snapshot_ext.osc.options import add_timing_options

#: The statuses ``volume snapshot wait`` can wait for.
WAIT_STATUSES = ('available', 'deleted')


class WaitForSnapshots(SnapshotLister):
    """Wait for snapshots to reach a status, or to be deleted.

    One snapshot listing per poll, however many snapshots.  Exits 1 and
    names the snapshots that failed (error, error_deleting, gone) or did
    not get there in time.
    """

    COLUMNS: tuple[str, ...] = ('ID', 'Name', 'Status', 'Result', 'Error')

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """Build the command's parser.

        :param prog_name: The command's name.
        :returns: The parser.
        """
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'snapshots',
            metavar='<snapshot>',
            nargs='+',
            help='Snapshots to wait for (name or ID)',
        )
        parser.add_argument(
            '--status',
            choices=WAIT_STATUSES,
            default='available',
            help=(
                'The status to wait for; "deleted" waits until the '
                'snapshots are gone (default: available)'
            ),
        )
        add_timing_options(parser)
        add_all_projects(parser, "The snapshots are other projects'")
        return parser

    def take_action(
        self, parsed_args: argparse.Namespace
    ) -> tuple[tuple[str, ...], list[Row]]:
        """Wait, then list each snapshot's outcome.

        :param parsed_args: The parsed command line.
        :returns: The columns and one row per snapshot, in order.
        :raises: :class:`UsageError` for an unknown or ambiguous
            snapshot (with ``--status deleted``, an ID not listed counts
            as already gone).
        """
        bs = block_storage(self.app)
        deleted = parsed_args.status == 'deleted'
        snapshots = resolve(
            parsed_args.snapshots,
            bs.snapshots(all_projects=parsed_args.all_projects),
            'snapshot',
            missing_ids_ok=deleted,
        )
        bar = _progress.Progress(
            self.app.stderr, f'waiting for {parsed_args.status}'
        )
        try:
            result = bs.wait_for_snapshots(
                snapshots,
                parsed_args.status,
                interval=parsed_args.interval,
                wait=parsed_args.timeout,
                callback=bar,
                all_projects=parsed_args.all_projects,
            )
        finally:
            bar.close()
        verb = 'deleted' if deleted else f'{parsed_args.status}'
        summary = failure_summary(list(result), verb)
        if summary:
            self.fail(summary)
        names = {s.id: s.name for s in snapshots if not isinstance(s, str)}
        rows = []
        for item in result:
            snap = item.snapshot
            status: Any = 'deleted'
            if not (item.ok and deleted):
                status = getattr(snap, 'status', None)
            rows.append(
                (
                    item.id,
                    names.get(item.id) or getattr(snap, 'name', None),
                    status,
                    outcome(item),
                    error_text(item),
                )
            )
        return self.COLUMNS, rows
