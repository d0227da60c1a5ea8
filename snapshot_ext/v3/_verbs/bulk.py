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

"""The bulk verbs: many creates or deletes at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import DEFAULT_CONCURRENCY
from snapshot_ext.v3._ops import SnapshotRef
from snapshot_ext.v3._verbs.waiting import WaitVerbs

if TYPE_CHECKING:
    from snapshot_ext import results


class BulkVerbs(WaitVerbs):
    """The bulk verbs: many creates or deletes at once."""

    def create_snapshots(
        self,
        specs: Iterable[dict[str, Any]],
        concurrency: int = DEFAULT_CONCURRENCY,
        wait: bool = False,
        *,
        timeout: int | float | None = None,
        interval: int | float | None = _waiting.BULK_INTERVAL,
    ) -> results.BulkResult[_snapshot.Snapshot]:
        """Create many snapshots concurrently.

        Every spec is checked before the first request.  One failure does
        not stop the others, and nothing is retried.

        :param specs: One dict of create attributes per snapshot, as for
            :meth:`create_snapshot`.
        :param concurrency: Threads, 1 to 64.
        :param wait: Also wait (one listing per poll) until every created
            snapshot is ``available``.
        :param timeout: Seconds to wait in all; ``None`` means 600.
        :param interval: Seconds before the second poll of the wait
            (``None``: 0.5); pauses grow by 1.5 up to 15 seconds.
        :returns: A :class:`~snapshot_ext.results.BulkResult` in the
            order of ``specs``.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before any request, naming the first bad spec.
        """
        # Imported on first use: not needed by the other verbs.
        from snapshot_ext.v3._ops import bulk as _bulk

        return _bulk.create_snapshots(
            self,
            specs,
            concurrency=concurrency,
            wait=wait,
            timeout=timeout,
            interval=interval,
            clock=self._wait_clock,
        )

    def delete_snapshots(
        self,
        snapshots: Iterable[SnapshotRef],
        concurrency: int = DEFAULT_CONCURRENCY,
        force: bool = False,
        wait: bool = False,
        *,
        ignore_missing: bool = True,
        check: bool = True,
        timeout: int | float | None = None,
        interval: int | float | None = _waiting.BULK_INTERVAL,
        all_projects: bool = False,
    ) -> results.BulkResult[_snapshot.Snapshot]:
        """Delete many snapshots concurrently.

        With ``check`` (the default) a snapshot that cannot be deleted
        (see :meth:`check_snapshot_deletable`) is not sent a delete
        request; its result carries
        :class:`~snapshot_ext.exceptions.SnapshotNotDeletable`.

        :param snapshots: Snapshot IDs or Snapshots.
        :param concurrency: Threads, 1 to 64.
        :param force: Use the admin force-delete action.
        :param wait: Also wait until every deleted snapshot is gone.
        :param ignore_missing: Count a snapshot that does not exist as a
            success (its result has ``missing=True``).
        :param check: Refuse snapshots that cannot be deleted.
        :param timeout: Seconds to wait in all; ``None`` means 600.
        :param interval: Seconds before the second poll of the wait
            (``None``: 0.5); pauses grow by 1.5 up to 15 seconds.
        :param all_projects: Look for dependent volumes in every project.
        :returns: A :class:`~snapshot_ext.results.BulkResult` in the
            order given.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before any request when an argument is bad.
        """
        # Imported on first use: not needed by the other verbs.
        from snapshot_ext.v3._ops import bulk as _bulk

        return _bulk.delete_snapshots(
            self,
            snapshots,
            concurrency=concurrency,
            force=force,
            wait=wait,
            ignore_missing=ignore_missing,
            check=check,
            timeout=timeout,
            interval=interval,
            all_projects=all_projects,
            clock=self._wait_clock,
        )
