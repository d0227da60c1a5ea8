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

"""The retention verbs: pruning old snapshots."""

from __future__ import annotations

from collections.abc import Iterable
import datetime
from typing import TYPE_CHECKING

from openstack.block_storage.v3 import volume as _stock_volume

from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import DEFAULT_CONCURRENCY
from snapshot_ext.v3._verbs.bulk import BulkVerbs
from snapshot_ext.v3._verbs.dependents import DependentVerbs

if TYPE_CHECKING:
    from snapshot_ext import results


class RetentionVerbs(BulkVerbs, DependentVerbs):
    """The retention verbs: pruning old snapshots."""

    def prune_snapshots(
        self,
        volume: str | _stock_volume.Volume,
        keep: int | None = None,
        older_than: datetime.timedelta | None = None,
        dry_run: bool = True,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        wait: bool = False,
        timeout: int | float | None = None,
        interval: int | float | None = _waiting.BULK_INTERVAL,
        all_projects: bool = False,
    ) -> results.PruneResult[_snapshot.Snapshot]:
        """Keep a volume's newest snapshots and delete the others.

        A snapshot is kept while fewer than ``keep`` ``available``
        snapshots are newer than it, or when it is newer than
        ``older_than``.  Any other snapshot of the volume is deleted
        unless its status is not ``available``/``error``, it belongs to a
        group snapshot, or volumes were created from it; those are
        skipped, with the reason.  Snapshots of other volumes are never
        touched.

        :param volume: A volume ID or Volume.
        :param keep: Keep this many of the newest available snapshots
            (and anything newer than the oldest of them).
        :param older_than: Keep every snapshot newer than this.
        :param dry_run: Only report what would be deleted (the default).
        :param concurrency: Threads for the deletions, 1 to 64.
        :param wait: Wait until the deleted snapshots are gone.
        :param timeout: Seconds to wait in all; ``None`` means 600.
        :param interval: Seconds before the second poll of the wait
            (``None``: 0.5); pauses grow by 1.5 up to 15 seconds.
        :param all_projects: The volume is another project's (admin).
        :returns: A :class:`~snapshot_ext.results.PruneResult`: the
            decision for each snapshot, and per-snapshot deletion
            results unless ``dry_run``.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before any request when an argument is bad (``keep`` not an
            int >= 0, ``older_than`` not a timedelta, neither given).
        """
        # Imported on first use: not needed by the other verbs.
        from snapshot_ext.v3._ops import prune as _prune

        return _prune.prune_snapshots(
            self,
            volume,
            keep=keep,
            older_than=older_than,
            dry_run=dry_run,
            concurrency=concurrency,
            wait=wait,
            timeout=timeout,
            interval=interval,
            all_projects=all_projects,
            clock=self._wait_clock,
        )

    def prune_snapshots_of_volumes(
        self,
        volumes: Iterable[str | _stock_volume.Volume],
        keep: int | None = None,
        older_than: datetime.timedelta | None = None,
        dry_run: bool = True,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        wait: bool = False,
        timeout: int | float | None = None,
        interval: int | float | None = _waiting.BULK_INTERVAL,
        all_projects: bool = False,
    ) -> list[results.PruneResult[_snapshot.Snapshot]]:
        """Apply one retention policy to each of many volumes.

        Decides exactly as :meth:`prune_snapshots` called once per
        volume, with far fewer requests: one listing of the project's
        snapshots split by volume on the client (with ``all_projects``,
        one listing per volume filtered by ``volume_id``), one check for
        volumes created from any candidate, and all the deletions sent
        together (and waited for together with ``wait``).  An empty
        ``volumes`` sends nothing and returns ``[]``.

        :param volumes: Volume IDs or Volumes, each volume once (a list,
            not a single ID: use :meth:`prune_snapshots` for one volume).
        :param keep: Keep this many of the newest available snapshots
            (and anything newer than the oldest of them).
        :param older_than: Keep every snapshot newer than this.
        :param dry_run: Only report what would be deleted (the default).
        :param concurrency: Threads for all the deletions, 1 to 64.
        :param wait: Wait until the deleted snapshots are gone.
        :param timeout: Seconds to wait in all; ``None`` means 600.
        :param interval: Seconds before the second poll of the wait
            (``None``: 0.5); pauses grow by 1.5 up to 15 seconds.
        :param all_projects: The volumes may be other projects' (admin).
        :returns: One :class:`~snapshot_ext.results.PruneResult` per
            volume, in the order given; each volume's ``deletions`` hold
            its own snapshots only.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before any request when an argument is bad (``volumes`` a
            single ID or Volume, an element not a volume, a volume given
            twice, or a bad option as for :meth:`prune_snapshots`).
        """
        # Imported on first use: not needed by the other verbs.
        from snapshot_ext.v3._ops import prune as _prune

        return _prune.prune_snapshots_of_volumes(
            self,
            volumes,
            keep=keep,
            older_than=older_than,
            dry_run=dry_run,
            concurrency=concurrency,
            wait=wait,
            timeout=timeout,
            interval=interval,
            all_projects=all_projects,
            clock=self._wait_clock,
        )
