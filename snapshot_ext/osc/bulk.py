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

"""``openstack volume snapshot bulk delete`` and ``bulk create``."""

import argparse
from typing import Any

from snapshot_ext.osc import args as _args
from snapshot_ext.osc.base import Item
from snapshot_ext.osc.base import Row
from snapshot_ext.osc.base import SnapshotLister
from snapshot_ext.osc.base import block_storage
from snapshot_ext.osc.base import error_text
from snapshot_ext.osc.base import failure_summary
from snapshot_ext.osc.base import outcome
from snapshot_ext.osc.lookup import resolve
from snapshot_ext.osc.options import add_all_projects
from snapshot_ext.osc.options import add_concurrency
from snapshot_ext.osc.options import add_wait_options


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
        add_wait_options(parser, 'the deleted snapshots are gone')
        add_concurrency(parser)
        add_all_projects(parser, "The snapshots are other projects'")
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
        result: list[Item] = list(
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
                    error_text(item),
                )
            )
        return self.COLUMNS, rows


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
        add_wait_options(parser, 'the snapshots are available')
        add_concurrency(parser)
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
        result: list[Item] = list(
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
                    error_text(item),
                )
            )
        return self.COLUMNS, rows
