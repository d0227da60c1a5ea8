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

"""What snapshot_ext's ``openstack volume snapshot ...`` commands share.

The exit codes, the error for bad input, the bases the commands derive
from, and how the items of a bulk result are described.

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
from collections.abc import Sequence
from typing import Any
from typing import Protocol

from cliff import columns as cliff_columns
from cliff import lister
from cliff import show
from openstack import exceptions as sdk_exceptions

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext.osc import progress as _progress

#: Exit code: everything succeeded.
EXIT_OK = 0
#: Exit code: some items failed or timed out, or the cloud refused.
EXIT_FAILED = 1
#: Exit code: bad usage or input; nothing was changed.
EXIT_USAGE = 2

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


class Item(Protocol):
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


def outcome(item: Item) -> str:
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


def failure_summary(items: Sequence[Item], what: str) -> str | None:
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


def error_text(item: Item) -> str:
    """Return the error of one item as one line, or ``''``.

    :param item: One item of a bulk result.
    :returns: The error message.
    """
    return '' if item.error is None else ' '.join(str(item.error).split())


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
        items: Sequence[Item],
        status: str,
        parsed_args: argparse.Namespace,
        label: str,
    ) -> list[Item]:
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
