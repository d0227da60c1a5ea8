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

"""``openstack volume snapshot deletable``: can a snapshot be deleted."""

import argparse
from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.osc.base import ListColumn
from snapshot_ext.osc.base import SnapshotShowOne
from snapshot_ext.osc.base import UsageError
from snapshot_ext.osc.base import block_storage
from snapshot_ext.osc.lookup import UUID_PATTERN
from snapshot_ext.osc.options import add_all_projects


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
        add_all_projects(
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
        if not UUID_PATTERN.fullmatch(ref):
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
