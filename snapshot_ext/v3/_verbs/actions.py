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

"""The snapshot action verbs: status, manage and unmanage."""

from collections.abc import Generator
from typing import Any

from snapshot_ext import exceptions
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import SnapshotRef
from snapshot_ext.v3._verbs.base import ProxyBase


class ActionVerbs(ProxyBase):
    """The snapshot action verbs: status, manage and unmanage."""

    def reset_snapshot_status(
        self, snapshot: SnapshotRef, status: str
    ) -> None:
        """Set a snapshot's status without any check (admin only).

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param status: One of creating, available, deleting, deleted,
            updating, error, error_deleting, unmanaging, backing-up,
            restoring, in any case (sent in lower case, as Cinder reads
            it).
        :returns: ``None``
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            an unknown status, before sending.
        """
        status = _checks.reset_status(status)
        self._snapshot_resource(snapshot).reset_status(self, status)

    def reset_snapshot(self, snapshot: SnapshotRef, status: str) -> None:
        """Set a snapshot's status: :meth:`reset_snapshot_status`.

        The name openstacksdk before 4.5.0 has; from 4.5.0 on it is
        openstacksdk's deprecated alias, which warns as openstacksdk does.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param status: See :meth:`reset_snapshot_status`.
        :returns: ``None``
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            an unknown status, before sending.
        """
        if _compat.HAS_RESET_STATUS:
            # openstacksdk's alias warns, then calls reset_snapshot_status.
            super().reset_snapshot(snapshot, status)
            return
        self.reset_snapshot_status(snapshot, status)

    def set_snapshot_status(
        self,
        snapshot: SnapshotRef,
        status: str,
        progress: str | int | None = None,
    ) -> None:
        """Update a snapshot's status and progress.

        Allowed from ``creating`` (to creating, available, error) and from
        ``deleting`` (to deleting, error_deleting).

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param status: The new status.
        :param progress: An int 0-100 or a string like ``"50%"``.
        :returns: ``None``
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            an unknown status or malformed progress, before sending.
        """
        _checks.status(
            status, _checks.UPDATE_STATUSES, 'update_snapshot_status'
        )
        _checks.progress(progress)
        self._snapshot_resource(snapshot).set_status(self, status, progress)

    def manage_snapshot(self, **attrs: Any) -> _snapshot.Snapshot:
        """Bring an existing backend snapshot under Cinder's management.

        :param attrs: ``volume_id`` and ``ref`` (required), ``name``,
            ``description``, ``metadata``.
        :returns: The new :class:`~snapshot_ext.v3.snapshot.Snapshot`.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotArgument`
            (a ``TypeError``, as openstacksdk raises) before sending when
            an argument is missing or not one ``Snapshot.manage`` takes;
            :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` when
            one is malformed.
        """
        allowed = {'volume_id', 'ref', 'name', 'description', 'metadata'}
        unknown = sorted(set(attrs) - allowed)
        if unknown or 'volume_id' not in attrs or 'ref' not in attrs:
            raise exceptions.InvalidSnapshotArgument(
                f"manage_snapshot takes volume_id and ref (required), name, "
                f"description and metadata; got {', '.join(sorted(attrs))}"
            )
        return _snapshot.Snapshot.manage(self, **attrs)

    def unmanage_snapshot(self, snapshot: SnapshotRef) -> None:
        """Stop managing a snapshot, leaving it on the backend (admin).

        :param snapshot: The ID of a snapshot or a Snapshot.
        :returns: ``None``
        """
        self._snapshot_resource(snapshot).unmanage(self)

    def manageable_snapshots(
        self,
        *,
        details: bool = False,
        **query: Any,
    ) -> Generator[_compat.ManageableSnapshot, None, None]:
        """List backend snapshots that could be managed.

        :param details: ``True`` lists the detailed form.
        :param query: ``host`` or ``cluster`` (3.17+), ``marker``,
            ``limit``, ``offset``, ``sort``.
        :returns: A generator of manageable snapshots.
        :raises: :class:`~snapshot_ext.exceptions.MicroversionUnavailable`
            below 3.8 (no ``/manageable_snapshots``), and for ``cluster``
            below 3.17.
        """
        mv.require(
            self,
            'listing manageable snapshots',
            mv.MANAGE_VIA_MANAGEABLE_SNAPSHOTS,
        )
        if 'cluster' in query:
            mv.require(
                self,
                'listing manageable snapshots by cluster',
                mv.MANAGEABLE_BY_CLUSTER,
            )
        return self._list(
            _compat.ManageableSnapshot,
            base_path='/manageable_snapshots/detail' if details else None,
            microversion=mv.for_session(self),
            **query,
        )
