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

"""``openstack volume snapshot prune``: retention for volumes."""

import argparse
from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext.osc import args as _args
from snapshot_ext.osc.base import Item
from snapshot_ext.osc.base import Row
from snapshot_ext.osc.base import SnapshotLister
from snapshot_ext.osc.base import UsageError
from snapshot_ext.osc.base import block_storage
from snapshot_ext.osc.base import error_text
from snapshot_ext.osc.base import failure_summary
from snapshot_ext.osc.base import outcome
from snapshot_ext.osc.options import add_all_projects
from snapshot_ext.osc.options import add_concurrency
from snapshot_ext.osc.options import add_wait_options


def _label(resource: Any) -> str:
    """Return ``'name (id)'``, or the ID of a nameless resource.

    :param resource: A snapshot or volume.
    :returns: The label.
    """
    name = getattr(resource, 'name', None)
    return f'{name} ({resource.id})' if name else str(resource.id)


class PruneSnapshots(SnapshotLister):
    """Keep a volume's newest snapshots and delete the others.

    A dry run unless --yes is given: the table shows what would be kept,
    deleted or skipped, and why.  A snapshot is kept while fewer than
    --keep available snapshots are newer than it, or when it is newer
    than --older-than; snapshots that cannot be deleted (their status,
    a group snapshot, volumes created from them) are skipped.  Give
    --volume more than once to prune several volumes with one snapshot
    listing, one check for volumes created from snapshots and one bulk
    delete; the table then has a Volume column.
    """

    COLUMNS: tuple[str, ...] = (
        'ID',
        'Name',
        'Status',
        'Created At',
        'Action',
        'Reason',
    )

    #: The columns with several --volume options.
    MANY_COLUMNS: tuple[str, ...] = (COLUMNS[0], 'Volume', *COLUMNS[1:])

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """Build the command's parser.

        :param prog_name: The command's name.
        :returns: The parser.
        """
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--volume',
            metavar='<volume>',
            action='append',
            required=True,
            help=(
                'Volume whose snapshots to prune (name or ID); repeat to '
                'prune several volumes with one policy'
            ),
        )
        parser.add_argument(
            '--keep',
            metavar='<count>',
            type=_args.non_negative_int,
            help=(
                'Keep this many of the newest available snapshots (and '
                'anything newer than the oldest of them)'
            ),
        )
        parser.add_argument(
            '--older-than',
            metavar='<duration>',
            type=_args.duration,
            help=(
                'Keep every snapshot newer than this, e.g. 30d, 12h, 90m, '
                '1w (units s, m, h, d, w); at least one of --keep and '
                '--older-than is required'
            ),
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            '--dry-run',
            dest='yes',
            action='store_false',
            default=False,
            help='Only show what would be deleted (default)',
        )
        mode.add_argument(
            '--yes',
            dest='yes',
            action='store_true',
            help='Delete the snapshots the plan marks "delete"',
        )
        add_wait_options(parser, 'the deleted snapshots are gone')
        add_concurrency(parser)
        add_all_projects(parser, "The volumes are other projects'")
        return parser

    def take_action(
        self, parsed_args: argparse.Namespace
    ) -> tuple[tuple[str, ...], list[Row]]:
        """Plan (and with --yes, carry out) the pruning.

        :param parsed_args: The parsed command line.
        :returns: The columns and one row per snapshot, newest first
            (with several volumes: grouped by volume, in the order
            given).
        :raises: :class:`UsageError` before any request without
            --keep and --older-than; before any pruning request for an
            unknown or ambiguous volume, or a volume given twice.
        """
        if parsed_args.keep is None and parsed_args.older_than is None:
            raise UsageError('give --keep, --older-than or both')
        if parsed_args.wait and not parsed_args.yes:
            raise UsageError('--wait needs --yes (a dry run deletes nothing)')
        bs = block_storage(self.app)
        many = len(parsed_args.volume) > 1
        plans = self._plans(bs, parsed_args)
        columns = self.MANY_COLUMNS if many else self.COLUMNS
        results: dict[str, Item] = {}
        if not parsed_args.yes:
            count = sum(len(plan.to_delete) for _, plan in plans)
            total = sum(len(plan.decisions) for _, plan in plans)
            what = (
                f"{len(plans)} volumes"
                if many
                else f"volume {_label(plans[0][0])}"
            )
            self.note(
                f"dry run: {count} of {total} snapshots of {what} would be "
                f"deleted; nothing was deleted (give --yes to delete them)"
            )
        else:
            columns = (*columns, 'Result')
            deletions: list[Item] = [
                item for _, plan in plans for item in plan.deletions or ()
            ]
            if parsed_args.wait:
                deletions = self.wait_after(
                    bs, deletions, 'deleted', parsed_args, 'deleting'
                )
            for item in deletions:
                if item.id:
                    results[item.id] = item
            summary = failure_summary(deletions, 'deleted')
            if summary:
                self.fail(summary)
        rows = []
        for volume, plan in plans:
            for decision in plan.decisions:
                snap = decision.snapshot
                row: Row = (
                    snap.id,
                    *((volume.id,) if many else ()),
                    snap.name,
                    snap.status,
                    snap.created_at,
                    decision.action,
                    decision.reason,
                )
                if parsed_args.yes:
                    row = (*row, _deletion_result(results.get(snap.id)))
                rows.append(row)
        return columns, rows

    def _plans(
        self, bs: Any, parsed_args: argparse.Namespace
    ) -> list[tuple[Any, Any]]:
        """Find the volumes, then prune them (one call for all).

        :param bs: The proxy.
        :param parsed_args: The parsed command line.
        :returns: Each volume with its
            :class:`~snapshot_ext.results.PruneResult`, in the order
            given.
        :raises: :class:`UsageError`, before any pruning request, naming
            each unknown or ambiguous volume and each one given twice.
        """
        options: dict[str, Any] = {
            'keep': parsed_args.keep,
            'older_than': parsed_args.older_than,
            'dry_run': not parsed_args.yes,
            'concurrency': parsed_args.concurrency,
            'all_projects': parsed_args.all_projects,
        }
        refs: list[str] = parsed_args.volume
        if len(refs) == 1:
            volume = self._find_volume(bs, refs[0], parsed_args)
            return [(volume, bs.prune_snapshots(volume.id, **options))]
        volumes: list[Any] = []
        problems: list[str] = []
        seen: dict[str, str] = {}
        for ref in refs:
            try:
                volume = self._find_volume(bs, ref, parsed_args)
            except UsageError as exc:
                problems.append(str(exc))
                continue
            if volume.id in seen:
                problems.append(
                    f"volume {ref!r} is given twice (also as "
                    f"{seen[volume.id]!r})"
                )
                continue
            seen[volume.id] = ref
            volumes.append(volume)
        if problems:
            raise UsageError('; '.join(problems))
        pruned = bs.prune_snapshots_of_volumes(
            [volume.id for volume in volumes], **options
        )
        return list(zip(volumes, pruned, strict=True))

    @staticmethod
    def _find_volume(
        bs: Any, ref: str, parsed_args: argparse.Namespace
    ) -> Any:
        """Find one volume by name or ID.

        :param bs: The proxy.
        :param ref: The volume's name or ID, as given.
        :param parsed_args: The parsed command line.
        :returns: The volume.
        :raises: :class:`UsageError` when none or several match.
        """
        try:
            volume = bs.find_volume(
                ref,
                ignore_missing=True,
                all_projects=parsed_args.all_projects,
            )
        except sdk_exceptions.DuplicateResource:
            raise UsageError(
                f"more than one volume is named {ref!r}; give its ID"
            ) from None
        if volume is None:
            raise UsageError(f"no volume with name or ID {ref!r}")
        return volume


def _deletion_result(item: Item | None) -> str:
    """Return the Result cell of one snapshot of a pruning.

    :param item: The snapshot's deletion, or ``None`` when it was not
        deleted.
    :returns: ``''``, ``'deleted'`` or the outcome and its error.
    """
    if item is None:
        return ''
    if item.ok:
        return 'deleted'
    return f'{outcome(item)}: {error_text(item)}'
