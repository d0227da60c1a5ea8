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

"""snapshot_ext's ``openstack volume snapshot ...`` commands.

Exit codes (the same for every command):

* ``0``: everything asked succeeded (for ``prune`` without ``--yes``:
  the plan was made; for ``deletable``: the snapshot can be deleted).
* ``1``: the command ran but some items failed or timed out (each one
  is named on standard error, and its row says why), the snapshot is not
  deletable, or the cloud refused or failed the request.
* ``2``: bad usage or input (an unknown option, a negative ``--keep``,
  an unparsable duration, an unknown or ambiguous snapshot or volume,
  a volume given twice); nothing was sent to create, change or delete
  anything.
"""

import argparse
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
import re
from typing import Any
from typing import Protocol

from cliff import columns as cliff_columns
from cliff import lister
from cliff import show
from openstack import exceptions as sdk_exceptions

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext.osc import args as _args
from snapshot_ext.osc import progress as _progress

#: Exit code: everything succeeded.
EXIT_OK = 0
#: Exit code: some items failed or timed out, or the cloud refused.
EXIT_FAILED = 1
#: Exit code: bad usage or input; nothing was changed.
EXIT_USAGE = 2

#: The statuses ``volume snapshot wait`` can wait for.
WAIT_STATUSES = ('available', 'deleted')

_UUID = re.compile(
    r'[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}',
    re.IGNORECASE,
)

#: One row of a Lister's output.
Row = tuple[Any, ...]


class ListColumn(cliff_columns.FormattableColumn):  # type: ignore[type-arg]
    """A list of strings: one per line in a table, a list in JSON/YAML."""

    def human_readable(self) -> str:
        """Return the items, one per line.

        :returns: The text.
        """
        return '\n'.join(self._value)

    def machine_readable(self) -> list[str]:
        """Return the items as a list.

        :returns: A copy of the list.
        """
        return list(self._value)


class UsageError(Exception):
    """Bad input found before anything was changed (exit code 2)."""


class _Item(Protocol):
    """What the commands read of one item of a bulk result."""

    item: Any
    snapshot: Any
    error: BaseException | None
    missing: bool

    @property
    def ok(self) -> bool: ...

    @property
    def id(self) -> str | None: ...


def block_storage(app: Any) -> Any:
    """Return snapshot_ext's proxy of OpenStackClient's connection.

    :param app: The running OpenStackClient application.
    :returns: ``conn.block_storage`` of its openstacksdk connection, with
        snapshot_ext registered there (whether or not the cloud has the
        vendor hook; registering sends no request).
    """
    return snapshot_ext.proxy(app.client_manager.sdk_connection)


def _label(resource: Any) -> str:
    """Return ``'name (id)'``, or the ID of a nameless resource.

    :param resource: A snapshot or volume.
    :returns: The label.
    """
    name = getattr(resource, 'name', None)
    return f'{name} ({resource.id})' if name else str(resource.id)


def resolve(
    refs: Sequence[str],
    listing: Iterable[Any],
    kind: str,
    *,
    missing_ids_ok: bool = False,
) -> list[Any]:
    """Match names or IDs against one listing.

    :param refs: Names or IDs, as given on the command line.
    :param listing: The resources to match (one listing request).
    :param kind: ``'snapshot'`` or ``'volume'``, for the error.
    :param missing_ids_ok: Return an ID of UUID form that is not listed
        as it is (a snapshot already gone), instead of refusing it.
    :returns: One resource (or a passed-through ID) per ref, in order.
    :raises: :class:`UsageError` naming every unknown or ambiguous ref,
        or a ref given twice.
    """
    by_id: dict[str, Any] = {}
    by_name: dict[str, list[Any]] = {}
    for entry in listing:
        by_id[entry.id] = entry
        if entry.name:
            by_name.setdefault(entry.name, []).append(entry)
    found: list[Any] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for ref in refs:
        if ref in by_id:
            res: Any = by_id[ref]
        elif len(by_name.get(ref, ())) == 1:
            res = by_name[ref][0]
        elif ref in by_name:
            ids = ', '.join(sorted(r.id for r in by_name[ref]))
            problems.append(
                f"more than one {kind} is named {ref!r} ({ids}); give its ID"
            )
            continue
        elif missing_ids_ok and _UUID.fullmatch(ref):
            res = ref
        else:
            problems.append(f"no {kind} with name or ID {ref!r}")
            continue
        key = res if isinstance(res, str) else res.id
        if key in seen:
            problems.append(
                f"{kind} {ref!r} is given twice (also as {seen[key]!r})"
            )
            continue
        seen[key] = ref
        found.append(res)
    if problems:
        raise UsageError('; '.join(problems))
    return found


def outcome(item: _Item) -> str:
    """Name the outcome of one bulk item in a word or two.

    :param item: One item of a bulk result.
    :returns: ``ok``, ``missing``, ``timed out``, ``not deletable`` or
        ``failed``.
    """
    if item.ok:
        return 'missing' if item.missing else 'ok'
    error = item.error
    if isinstance(error, exceptions.SnapshotNotDeletable):
        return 'not deletable'
    if isinstance(error, sdk_exceptions.ResourceTimeout) and not isinstance(
        error, exceptions.SnapshotNotDeleted
    ):
        return 'timed out'
    return 'failed'


def failure_summary(items: Sequence[_Item], what: str) -> str | None:
    """Describe the failed items, for standard error.

    :param items: Every item of a bulk result.
    :param what: What was done, e.g. ``'deleted'``.
    :returns: ``None`` when all succeeded, else one line naming each
        failed item and its outcome.
    """
    failed = [item for item in items if not item.ok]
    if not failed:
        return None
    named = ', '.join(
        f'{item.id or "item " + str(index + 1)} ({outcome(item)})'
        for index, item in enumerate(failed)
    )
    return f"{len(failed)} of {len(items)} snapshots not {what}: {named}"


class _Reporting:
    """Exit codes and messages shared by the commands."""

    app: Any

    #: The exit code take_action decided (failed items make it 1).
    status: int = EXIT_OK

    def fail(self, message: str) -> None:
        """Write ``message`` to standard error and make the exit code 1.

        :param message: What failed.
        :returns: ``None``
        """
        self.status = EXIT_FAILED
        self.app.stderr.write(f'error: {message}\n')

    def note(self, message: str) -> None:
        """Write ``message`` to standard error (not part of the output).

        :param message: A remark for a person.
        :returns: ``None``
        """
        self.app.stderr.write(f'{message}\n')

    def wait_after(
        self,
        bs: Any,
        items: Sequence[_Item],
        status: str,
        parsed_args: argparse.Namespace,
        label: str,
    ) -> list[_Item]:
        """Wait for the snapshots of the succeeded items, with a bar.

        One ``wait_for_snapshots`` (one listing per poll) for all of
        them; the progress bar is drawn on standard error when it is a
        terminal.

        :param bs: The proxy.
        :param items: The items of a bulk create or delete.
        :param status: ``'available'`` or ``'deleted'``.
        :param parsed_args: The parsed command line (``timeout``,
            ``interval``, ``all_projects``).
        :param label: Text before the progress bar.
        :returns: The items in the same order, each succeeded one
            replaced by its outcome of the wait.
        """
        pending = [
            item.snapshot if item.snapshot is not None else item.id
            for item in items
            if item.ok and item.id and not item.missing
        ]
        if not pending:
            return list(items)
        bar = _progress.Progress(self.app.stderr, label)
        try:
            waited = bs.wait_for_snapshots(
                pending,
                status,
                interval=parsed_args.interval,
                wait=parsed_args.timeout,
                callback=bar,
                all_projects=getattr(parsed_args, 'all_projects', False),
            )
        finally:
            bar.close()
        by_id = {item.id: item for item in waited if item.id}
        return [
            by_id.get(item.id, item) if item.ok and item.id else item
            for item in items
        ]

    def finish(self, run: Callable[[], int]) -> int:
        """Run the command, turning bad input into exit code 2.

        :param run: cliff's own ``run``.
        :returns: The exit code.
        """
        self.status = EXIT_OK
        try:
            code = run()
        except (UsageError, exceptions.InvalidSnapshotRequest) as exc:
            self.app.stderr.write(f'error: {exc}\n')
            return EXIT_USAGE
        return code or self.status


class SnapshotLister(_Reporting, lister.Lister):
    """A cliff Lister with the plugin's exit codes."""

    def run(self, parsed_args: argparse.Namespace) -> int:
        """Run the command.

        :param parsed_args: The parsed command line.
        :returns: The exit code (see the module's documentation).
        """
        return self.finish(
            lambda: super(SnapshotLister, self).run(parsed_args)
        )


class SnapshotShowOne(_Reporting, show.ShowOne):
    """A cliff ShowOne with the plugin's exit codes."""

    def run(self, parsed_args: argparse.Namespace) -> int:
        """Run the command.

        :param parsed_args: The parsed command line.
        :returns: The exit code (see the module's documentation).
        """
        return self.finish(
            lambda: super(SnapshotShowOne, self).run(parsed_args)
        )


def _add_wait_options(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--wait``, ``--timeout`` and ``--interval``.

    :param parser: The command's parser.
    :param what: What ``--wait`` waits for, for its help.
    """
    parser.add_argument(
        '--wait',
        action='store_true',
        help=f'Wait until {what} (one snapshot listing per poll)',
    )
    _add_timing_options(parser)


def _add_timing_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--timeout`` and ``--interval``.

    :param parser: The command's parser.
    """
    parser.add_argument(
        '--timeout',
        metavar='<seconds>',
        type=_args.seconds,
        default=600.0,
        help='Seconds to wait in all (default: 600)',
    )
    parser.add_argument(
        '--interval',
        metavar='<seconds>',
        type=_args.seconds,
        default=2.0,
        help=(
            'Seconds before the second poll; later pauses grow up to '
            '15 seconds (default: 2)'
        ),
    )


def _add_concurrency(parser: argparse.ArgumentParser) -> None:
    """Add ``--concurrency``.

    :param parser: The command's parser.
    """
    parser.add_argument(
        '--concurrency',
        metavar='<threads>',
        type=_args.concurrency,
        default=8,
        help='Requests sent at once, 1 to 64 (default: 8)',
    )


def _add_all_projects(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--all-projects``.

    :param parser: The command's parser.
    :param what: What it applies to, for its help.
    """
    parser.add_argument(
        '--all-projects',
        action='store_true',
        help=f'{what} (admin only)',
    )


def _error_text(item: _Item) -> str:
    """Return the error of one item as one line, or ``''``.

    :param item: One item of a bulk result.
    :returns: The error message.
    """
    return '' if item.error is None else ' '.join(str(item.error).split())


# ====== prune ======


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
        _add_wait_options(parser, 'the deleted snapshots are gone')
        _add_concurrency(parser)
        _add_all_projects(parser, "The volumes are other projects'")
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
        results: dict[str, _Item] = {}
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
            deletions: list[_Item] = [
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


def _deletion_result(item: _Item | None) -> str:
    """Return the Result cell of one snapshot of a pruning.

    :param item: The snapshot's deletion, or ``None`` when it was not
        deleted.
    :returns: ``''``, ``'deleted'`` or the outcome and its error.
    """
    if item is None:
        return ''
    if item.ok:
        return 'deleted'
    return f'{outcome(item)}: {_error_text(item)}'


# ====== wait ======


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
        _add_timing_options(parser)
        _add_all_projects(parser, "The snapshots are other projects'")
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
                    _error_text(item),
                )
            )
        return self.COLUMNS, rows


# ====== bulk delete ======


class BulkDeleteSnapshots(SnapshotLister):
    """Delete many snapshots at once, with a result per snapshot.

    Each snapshot is checked first (--check, the default): one that
    cannot be deleted is not sent a delete request and its row says why.
    Every name and ID is looked up (one listing) before anything is
    deleted.
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
            help='Snapshots to delete (name or ID)',
        )
        parser.add_argument(
            '--force',
            action='store_true',
            help='Use the force-delete action, any status (admin only)',
        )
        check = parser.add_mutually_exclusive_group()
        check.add_argument(
            '--check',
            dest='check',
            action='store_true',
            default=True,
            help=(
                'Refuse, without a delete request, snapshots that cannot '
                'be deleted: wrong status, in a group snapshot, volumes '
                'created from them (default)'
            ),
        )
        check.add_argument(
            '--no-check',
            dest='check',
            action='store_false',
            help='Send every delete request unchecked',
        )
        _add_wait_options(parser, 'the deleted snapshots are gone')
        _add_concurrency(parser)
        _add_all_projects(parser, "The snapshots are other projects'")
        return parser

    def take_action(
        self, parsed_args: argparse.Namespace
    ) -> tuple[tuple[str, ...], list[Row]]:
        """Delete the snapshots.

        :param parsed_args: The parsed command line.
        :returns: The columns and one row per snapshot, in order.
        :raises: :class:`UsageError` for an unknown or ambiguous
            snapshot, before anything is deleted.
        """
        bs = block_storage(self.app)
        snapshots = resolve(
            parsed_args.snapshots,
            bs.snapshots(all_projects=parsed_args.all_projects),
            'snapshot',
        )
        result: list[_Item] = list(
            bs.delete_snapshots(
                snapshots,
                concurrency=parsed_args.concurrency,
                force=parsed_args.force,
                check=parsed_args.check,
                all_projects=parsed_args.all_projects,
            )
        )
        if parsed_args.wait:
            result = self.wait_after(
                bs, result, 'deleted', parsed_args, 'deleting'
            )
        summary = failure_summary(result, 'deleted')
        if summary:
            self.fail(summary)
        rows = []
        for given, item in zip(snapshots, result, strict=True):
            snap = item.snapshot if item.snapshot is not None else given
            if item.missing:
                status: Any = None
            elif item.ok:
                # Cinder answers a delete with 202 and status deleting.
                status = 'deleted' if parsed_args.wait else 'deleting'
            else:
                status = snap.status
            rows.append(
                (
                    given.id,
                    given.name,
                    status,
                    outcome(item),
                    _error_text(item),
                )
            )
        return self.COLUMNS, rows


# ====== bulk create ======


class BulkCreateSnapshots(SnapshotLister):
    """Snapshot many volumes at once, with a result per volume.

    Every volume is looked up (one listing) before anything is created;
    a failed create is not retried.
    """

    COLUMNS: tuple[str, ...] = (
        'Volume ID',
        'ID',
        'Name',
        'Status',
        'Result',
        'Error',
    )

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """Build the command's parser.

        :param prog_name: The command's name.
        :returns: The parser.
        """
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--volume',
            metavar='<volume>',
            dest='volumes',
            action='append',
            required=True,
            help='Volume to snapshot (name or ID); repeat for more',
        )
        parser.add_argument(
            '--name',
            metavar='<template>',
            type=_args.name_template,
            help=(
                'Snapshot name; {volume} is the volume\'s name (its ID '
                'when it has none), {volume_id} its ID, {index} 1, 2, ... '
                'in the order given'
            ),
        )
        parser.add_argument(
            '--description',
            metavar='<description>',
            help='Snapshot description',
        )
        parser.add_argument(
            '--property',
            metavar='<key=value>',
            type=_args.property_pair,
            action='append',
            default=[],
            help='Property of every snapshot; repeat for more',
        )
        parser.add_argument(
            '--force',
            action='store_true',
            help='Snapshot volumes that are attached (in-use)',
        )
        _add_wait_options(parser, 'the snapshots are available')
        _add_concurrency(parser)
        return parser

    def take_action(
        self, parsed_args: argparse.Namespace
    ) -> tuple[tuple[str, ...], list[Row]]:
        """Create the snapshots.

        :param parsed_args: The parsed command line.
        :returns: The columns and one row per volume, in order.
        :raises: :class:`UsageError` for an unknown or ambiguous volume,
            before anything is created.
        """
        bs = block_storage(self.app)
        volumes = resolve(parsed_args.volumes, bs.volumes(), 'volume')
        specs = []
        for index, volume in enumerate(volumes, start=1):
            spec: dict[str, Any] = {'volume_id': volume.id}
            if parsed_args.name is not None:
                spec['name'] = parsed_args.name.format(
                    volume=volume.name or volume.id,
                    volume_id=volume.id,
                    index=index,
                )
            if parsed_args.description is not None:
                spec['description'] = parsed_args.description
            if parsed_args.property:
                spec['metadata'] = dict(parsed_args.property)
            if parsed_args.force:
                spec['force'] = True
            specs.append(spec)
        result: list[_Item] = list(
            bs.create_snapshots(specs, concurrency=parsed_args.concurrency)
        )
        if parsed_args.wait:
            result = self.wait_after(
                bs, result, 'available', parsed_args, 'creating'
            )
        summary = failure_summary(result, 'created')
        if summary:
            self.fail(summary)
        rows = []
        for spec, item in zip(specs, result, strict=True):
            snap = item.snapshot
            rows.append(
                (
                    spec['volume_id'],
                    getattr(snap, 'id', None),
                    getattr(snap, 'name', spec.get('name')),
                    getattr(snap, 'status', None),
                    outcome(item),
                    _error_text(item),
                )
            )
        return self.COLUMNS, rows


# ====== deletable ======


class ShowSnapshotDeletable(SnapshotShowOne):
    """Tell whether a snapshot can be deleted, and if not, why.

    Exits 0 when it can be deleted, 1 when it cannot; the reasons are
    its status, membership of a group snapshot and the volumes created
    from it.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """Build the command's parser.

        :param prog_name: The command's name.
        :returns: The parser.
        """
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'snapshot',
            metavar='<snapshot>',
            help='Snapshot to check (name or ID)',
        )
        parser.add_argument(
            '--force',
            action='store_true',
            help='Check for a force delete, which any status allows',
        )
        _add_all_projects(
            parser, 'Look in every project (for the snapshot and volumes)'
        )
        return parser

    def take_action(
        self, parsed_args: argparse.Namespace
    ) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        """Check the snapshot.

        :param parsed_args: The parsed command line.
        :returns: The fields and their values.
        :raises: :class:`UsageError` for an unknown or ambiguous snapshot.
        """
        bs = block_storage(self.app)
        ref = parsed_args.snapshot
        snap: Any = ref
        if not _UUID.fullmatch(ref):
            # A name: look it up (an ID is fetched by the check itself).
            try:
                snap = bs.find_snapshot(
                    ref,
                    ignore_missing=True,
                    all_projects=parsed_args.all_projects,
                )
            except sdk_exceptions.DuplicateResource:
                raise UsageError(
                    f"more than one snapshot is named {ref!r}; give its ID"
                ) from None
            if snap is None:
                raise UsageError(f"no snapshot with name or ID {ref!r}")
        reasons: list[str] = []
        volume_ids: list[str] = []
        try:
            snap = bs.check_snapshot_deletable(
                snap,
                force=parsed_args.force,
                all_projects=parsed_args.all_projects,
            )
        except sdk_exceptions.NotFoundException:
            raise UsageError(f"no snapshot with name or ID {ref!r}") from None
        except exceptions.SnapshotNotDeletable as exc:
            snap = exc.snapshot
            reasons = list(exc.reasons)
            volume_ids = list(exc.volume_ids)
            self.fail(str(exc))
        columns = ('id', 'name', 'status', 'deletable', 'reasons', 'volumes')
        values = (
            snap.id,
            snap.name,
            snap.status,
            not reasons,
            ListColumn(reasons),
            ListColumn(volume_ids),
        )
        return columns, values
