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

"""The verbs about the volumes created from a snapshot."""

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import volume as _stock_volume

from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import SnapshotRef
from snapshot_ext.v3._verbs.waiting import WaitVerbs


class DependentVerbs(WaitVerbs):
    """The verbs about the volumes created from a snapshot."""

    def volumes_from_snapshot(
        self, snapshot: SnapshotRef, *, all_projects: bool = False
    ) -> list[_stock_volume.Volume]:
        """List the volumes created from a snapshot.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param all_projects: Look in every project (admin only).
        :returns: openstacksdk
            :class:`~openstack.block_storage.v3.volume.Volume` objects.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before any request for a bad argument.
        """
        res = self._snapshot_resource(snapshot)
        everywhere = _checks.flag('all_projects', all_projects, strict=True)
        # Imported on first use: not needed by the other verbs.
        from snapshot_ext.v3._ops import dependents as _dependents

        return _dependents.volumes_from_snapshot(
            self, res.id, all_projects=everywhere
        )

    def check_snapshot_deletable(
        self,
        snapshot: SnapshotRef,
        *,
        force: bool = False,
        all_projects: bool = False,
    ) -> _snapshot.Snapshot:
        """Refuse a snapshot that cannot be deleted, before deleting it.

        Cinder refuses (400) to delete a snapshot that is not
        ``available`` or ``error`` or that belongs to a group snapshot;
        backends that clone refuse one that volumes were created from,
        after the API has accepted the request.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param force: Check for a force delete (any status will do).
        :param all_projects: Look for dependent volumes in every project.
        :returns: The snapshot, freshly fetched, when it can be deleted.
        :raises: :class:`~snapshot_ext.exceptions.SnapshotNotDeletable`
            naming every reason.
        :raises: :class:`~openstack.exceptions.NotFoundException` when the
            snapshot does not exist.
        """
        res = self._snapshot_resource(snapshot)
        forced = _checks.flag('force', force, strict=True)
        everywhere = _checks.flag('all_projects', all_projects, strict=True)
        # Imported on first use: not needed by the other verbs.
        from snapshot_ext.v3._ops import dependents as _dependents

        return _dependents.check_deletable(
            self, res, force=forced, all_projects=everywhere
        )

    def safe_delete_snapshot(
        self,
        snapshot: SnapshotRef,
        ignore_missing: bool = True,
        force: bool = False,
        *,
        all_projects: bool = False,
    ) -> None:
        """Delete a snapshot after :meth:`check_snapshot_deletable`.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param ignore_missing: ``False`` raises
            :class:`~openstack.exceptions.NotFoundException` when the
            snapshot does not exist.
        :param force: Use the admin force-delete action.
        :param all_projects: Look for dependent volumes in every project.
        :returns: ``None``
        :raises: :class:`~snapshot_ext.exceptions.SnapshotNotDeletable`
            without sending the delete request.
        """
        lenient = _checks.flag('ignore_missing', ignore_missing, strict=True)
        try:
            res = self.check_snapshot_deletable(
                snapshot, force=force, all_projects=all_projects
            )
        except sdk_exceptions.NotFoundException:
            if lenient:
                return
            raise
        self.delete_snapshot(res, ignore_missing=lenient, force=force)
