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

"""The snapshot metadata verbs."""

from collections.abc import Iterable
from typing import cast

from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import SnapshotRef
from snapshot_ext.v3._verbs.base import ProxyBase


class MetadataVerbs(ProxyBase):
    """The snapshot metadata verbs."""

    def fetch_snapshot_metadata(
        self, snapshot: SnapshotRef
    ) -> _snapshot.Snapshot:
        """Read a snapshot's metadata.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :returns: The :class:`~snapshot_ext.v3.snapshot.Snapshot`, its
            ``metadata`` as the server has it.
        """
        return self._snapshot_resource(snapshot).fetch_metadata(self)

    def get_snapshot_metadata(
        self, snapshot: SnapshotRef
    ) -> _snapshot.Snapshot:
        """Read a snapshot's metadata: :meth:`fetch_snapshot_metadata`.

        The name openstacksdk before 4.14.0 has; from 4.14.0 on it is
        openstacksdk's deprecated alias, which warns as openstacksdk does.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :returns: The :class:`~snapshot_ext.v3.snapshot.Snapshot`, its
            ``metadata`` as the server has it.
        """
        if _compat.HAS_FETCH_SNAPSHOT_METADATA:
            # openstacksdk's alias warns, then calls fetch_snapshot_metadata.
            return cast(
                _snapshot.Snapshot, super().get_snapshot_metadata(snapshot)
            )
        return self.fetch_snapshot_metadata(snapshot)

    def get_snapshot_metadata_item(
        self, snapshot: SnapshotRef, key: str
    ) -> str:
        """Read one metadata value.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param key: The metadata key.
        :returns: The value.
        :raises: :class:`~openstack.exceptions.NotFoundException` when the
            key does not exist.
        """
        res = self._snapshot_resource(snapshot).get_metadata_item(self, key)
        return str(res.metadata[key])

    def set_snapshot_metadata(
        self, snapshot: SnapshotRef, **metadata: str
    ) -> _snapshot.Snapshot:
        """Add or change metadata keys, keeping the others (merge).

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param metadata: Keys and values, all strings.
        :returns: The Snapshot, ``metadata`` as the server now has it.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            a non-string value, before sending.
        """
        _checks.metadata(metadata)
        return self._snapshot_resource(snapshot).set_metadata(
            self, metadata=metadata
        )

    def replace_snapshot_metadata(
        self, snapshot: SnapshotRef, **metadata: str
    ) -> _snapshot.Snapshot:
        """Replace all metadata; keys not given are removed.

        This is gophercloud's ``UpdateMetadata``.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param metadata: The complete new metadata.
        :returns: The Snapshot, ``metadata`` as the server now has it.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            a non-string value, or for no keys at all (which would delete
            every key: :meth:`delete_snapshot_metadata` says that
            explicitly), before sending.
        """
        if not metadata:
            raise _checks.bad(
                "replace_snapshot_metadata needs the new metadata; with no "
                "keys it would delete every key, which "
                "delete_snapshot_metadata(snapshot) does explicitly"
            )
        _checks.metadata(metadata)
        return self._snapshot_resource(snapshot).replace_metadata(
            self, metadata
        )

    def delete_snapshot_metadata(
        self, snapshot: SnapshotRef, keys: Iterable[str] | None = None
    ) -> None:
        """Delete the given metadata keys, or all metadata.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param keys: The keys to delete (one request each); ``None``
            deletes all metadata in one request.
        :returns: ``None``
        :raises: :class:`~openstack.exceptions.NotFoundException` when a
            key does not exist.
        """
        res = self._snapshot_resource(snapshot)
        if keys is None:
            res.delete_metadata(self)
            return
        for key in _checks.metadata_keys(keys):
            res.delete_metadata_item(self, key)
