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

"""The waiting verbs: one snapshot, or many with one listing per poll."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import cast

from openstack.block_storage.v3 import _proxy as _stock_proxy
from openstack.block_storage.v3 import snapshot as _stock_snapshot

from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import SnapshotRef
from snapshot_ext.v3._verbs.snapshots import SnapshotVerbs

if TYPE_CHECKING:
    from snapshot_ext import results


class WaitVerbs(SnapshotVerbs):
    """The waiting verbs: one snapshot, or many with one listing per poll."""

    #: The source of time for waits and pruning; tests replace it.
    _wait_clock: _waiting.Clock = _waiting.SYSTEM_CLOCK

    @_compat.stock_signature(_stock_proxy.Proxy.wait_for_status)
    def wait_for_status(
        self,
        res: _compat.ResourceT,
        status: str = 'available',
        failures: list[str] | None = None,
        interval: int | float | None = 2,
        wait: int | None = None,
        attribute: str = 'status',
        callback: Callable[[int], None] | None = None,
    ) -> _compat.ResourceT:
        """Wait for a resource to reach a status.

        For a snapshot the wait knows Cinder's states: ``error`` and
        ``error_deleting`` fail it at once, as does a 404; ``wait=None``
        means 600 seconds; the pause between polls grows from
        ``interval`` up to 15 seconds with random jitter.  Other
        resources get openstacksdk's own wait.

        :param res: The resource to wait for.
        :param status: The awaited status.
        :param failures: More statuses that end the wait with a failure.
        :param interval: Seconds before the second poll.
        :param wait: Seconds to wait in all; ``None`` means 600 for a
            snapshot (openstacksdk waits forever for other resources).
        :param attribute: The attribute holding the status.
        :param callback: Called after each poll with the progress, an
            int from 0 to 100.
        :returns: The resource as last fetched.
        :raises: :class:`~openstack.exceptions.ResourceFailure` (for a
            snapshot :class:`~snapshot_ext.exceptions.SnapshotFailure`,
            which carries the snapshot and its status).
        :raises: :class:`~openstack.exceptions.ResourceTimeout` (for a
            snapshot :class:`~snapshot_ext.exceptions.SnapshotTimeout`).
        """
        if not isinstance(res, _stock_snapshot.Snapshot):
            return cast(
                _compat.ResourceT,
                _compat.call_known(
                    super().wait_for_status,
                    res,
                    status=status,
                    failures=failures,
                    interval=interval,
                    wait=wait,
                    attribute=attribute,
                    callback=callback,
                ),
            )
        snapshot = self._snapshot_resource(res)
        result = _waiting.wait_for_status(
            self,
            snapshot,
            status=status,
            failures=failures,
            interval=interval,
            wait=wait,
            attribute=attribute,
            callback=callback,
            clock=self._wait_clock,
        )
        return cast(_compat.ResourceT, result)

    @_compat.stock_signature(_stock_proxy.Proxy.wait_for_delete)
    def wait_for_delete(
        self,
        res: _compat.ResourceT,
        interval: int | float | None = 2,
        wait: int | None = 120,
        callback: Callable[[int], None] | None = None,
    ) -> _compat.ResourceT:
        """Wait for a resource to be deleted.

        For a snapshot a 404 (or status ``deleted``) ends the wait;
        ``error_deleting`` fails it at once, as does ``available`` or
        ``error`` (no deletion under way: the backend may have refused it
        as busy); ``wait=None`` means 600 seconds; the pause between
        polls grows from ``interval`` with jitter.  Other resources get
        openstacksdk's own wait.

        :param res: The resource being deleted.
        :param interval: Seconds before the second poll.
        :param wait: Seconds to wait in all.
        :param callback: For a snapshot, called after each poll with 0
            while it exists and 100 once it is gone.
        :returns: The resource as last seen.
        :raises: :class:`~openstack.exceptions.ResourceFailure` (for a
            snapshot :class:`~snapshot_ext.exceptions.SnapshotFailure`).
        :raises: :class:`~openstack.exceptions.ResourceTimeout`.
        """
        if not isinstance(res, _stock_snapshot.Snapshot):
            return super().wait_for_delete(res, interval, wait, callback)
        snapshot = self._snapshot_resource(res)
        result = _waiting.wait_for_delete(
            self,
            snapshot,
            interval=interval,
            wait=wait,
            callback=callback,
            clock=self._wait_clock,
        )
        return cast(_compat.ResourceT, result)

    def wait_for_snapshots(
        self,
        snapshots: Iterable[SnapshotRef],
        status: str = 'available',
        failures: list[str] | None = None,
        interval: int | float | None = _waiting.BULK_INTERVAL,
        wait: int | float | None = None,
        callback: Callable[[int], None] | None = None,
        *,
        all_projects: bool = False,
    ) -> results.BulkResult[_snapshot.Snapshot]:
        """Wait for many snapshots at once, one listing per poll.

        Each poll lists ``/snapshots/detail`` (by ``volume_id`` when all
        the snapshots are of one volume) and matches by ID, instead of
        one ``GET`` per snapshot.  ``status='deleted'`` waits until they
        are gone.

        :param snapshots: Snapshot IDs or Snapshots.
        :param status: The awaited status, or ``'deleted'``.
        :param failures: More failure statuses (``error`` and
            ``error_deleting`` always are).
        :param interval: Seconds before the second poll (``None``:
            0.5); pauses grow by 1.5 up to 15 seconds, with jitter.
        :param wait: Seconds in all; ``None`` means 600.
        :param callback: Called after each poll with the overall
            progress, an int from 0 to 100.
        :param all_projects: List every project's snapshots (admin), for
            snapshots of other projects.
        :returns: A :class:`~snapshot_ext.results.BulkResult`, one
            :class:`~snapshot_ext.results.ItemResult` per snapshot in
            the order given.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            for a bad argument, before any request; the error of a poll's
            listing, whose message names the snapshots not seen finished.
        """
        # Imported on first use: not needed by the other verbs.
        from snapshot_ext.v3._ops import bulk as _bulk

        return _bulk.wait_for_snapshots(
            self,
            snapshots,
            status=status,
            failures=failures,
            interval=interval,
            wait=wait,
            callback=callback,
            all_projects=all_projects,
            clock=self._wait_clock,
        )
