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

"""Volumes created from a snapshot, and whether a snapshot can be deleted.

Cinder refuses (400) to delete a snapshot unless its status is
``available`` or ``error`` and it is not part of a group snapshot; a
force delete skips the status condition but not the group one.  Volumes
created from the snapshot do not stop the API, but backends that clone
(Ceph RBD, for one) then refuse the deletion as busy, and Cinder quietly
puts the snapshot back to ``available``.  :func:`blockers` names all
three conditions so callers can refuse up front.

Finding the volumes: ``GET /volumes/detail?snapshot_id=`` works for
admins, but from microversion 3.31 Cinder answers 400 to a non-admin
whose cloud does not list ``snapshot_id`` among the volume filters (the
default), and below 3.31 it silently drops the filter and returns every
volume.  openstacksdk's ``volumes(snapshot_id=...)`` never sends the
filter: it lists every volume and compares on the client.  Here the
filter is sent only where the cloud is known to honour it (listed in
``GET /resource_filters``, or below 3.31 where it is harmless), and the
volumes are always checked on the client, so the answer is right
whatever the cloud does.
"""

from collections.abc import Iterable
from typing import Any

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import volume as _volume

from snapshot_ext import exceptions
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._listing import filters as _filters
from snapshot_ext.v3._listing import pages as _pages
from snapshot_ext.v3._ops import ProxyLike
from snapshot_ext.v3._ops import adapter_of

#: Statuses from which a snapshot can be deleted without force.
DELETABLE_STATUSES = frozenset({'available', 'error'})

#: Below this microversion Cinder does not refuse unknown filters.
_FILTERS_CHECKED = '3.31'


def _server_filter_usable(proxy: ProxyLike) -> bool:
    version = mv.for_session(proxy)
    if mv.parse(version) < mv.parse(_FILTERS_CHECKED):
        return True
    if not mv.supports(proxy, mv.RESOURCE_FILTERS):
        return False
    return _filters.is_allowed(
        'snapshot_id', _filters.allowed(proxy, 'volume')
    )


def _list_volumes(
    proxy: ProxyLike, params: dict[str, str], snapshot_ids: set[str]
) -> list[_volume.Volume]:
    """List volumes and keep those created from one of ``snapshot_ids``.

    Only the kept items are turned into openstacksdk Volumes: where the
    cloud refuses the ``snapshot_id`` filter the listing holds every
    volume of the project, and building a Volume costs far more than
    reading one key of the raw item.
    """
    microversion = _compat.resource_microversion(_volume.Volume, proxy, 'list')
    get_connection = getattr(proxy, '_get_connection', None)
    conn = get_connection() if get_connection else None

    def fetch(query: dict[str, str]) -> Any:
        response = proxy.get(
            '/volumes/detail',
            params=query,
            headers={'Accept': 'application/json'},
            microversion=microversion,
        )
        sdk_exceptions.raise_from_response(response)
        try:
            return response.json()
        except ValueError as exc:
            raise _compat.InvalidResponse(
                f"the volume listing is not valid JSON: {exc}"
            ) from exc

    def build(raw: list[dict[str, Any]]) -> list[_volume.Volume | None]:
        return [
            _volume.Volume.existing(
                microversion=microversion, connection=conn, **attrs
            )
            if attrs.get('snapshot_id') in snapshot_ids
            else None
            for attrs in raw
        ]

    pages = _pages.iterate(fetch, build, params, 'volumes')
    return [v for page in pages for v in page if v is not None]


def dependents(
    proxy: ProxyLike,
    snapshot_ids: Iterable[str],
    *,
    all_projects: bool = False,
) -> dict[str, list[_volume.Volume]]:
    """Find the volumes created from each of some snapshots.

    Where the cloud honours the ``snapshot_id`` volume filter, one
    filtered listing is made per snapshot; otherwise one listing of every
    volume serves all of them.

    :param proxy: The block-storage proxy.
    :param snapshot_ids: The snapshots' IDs.
    :param all_projects: Look at every project's volumes (admin only).
    :returns: Every given ID mapped to its volumes (maybe none).
    """
    wanted = list(dict.fromkeys(snapshot_ids))
    result: dict[str, list[_volume.Volume]] = {sid: [] for sid in wanted}
    if not wanted:
        return result
    base: dict[str, str] = {'all_tenants': '1'} if all_projects else {}
    if _server_filter_usable(proxy):
        listings = [
            _list_volumes(proxy, {**base, 'snapshot_id': sid}, {sid})
            for sid in wanted
        ]
        volumes = [v for listing in listings for v in listing]
    else:
        volumes = _list_volumes(proxy, base, set(wanted))
    for volume in volumes:
        if volume.snapshot_id in result:
            result[volume.snapshot_id].append(volume)
    return result


def volumes_from_snapshot(
    proxy: ProxyLike,
    snapshot_id: str,
    *,
    all_projects: bool = False,
) -> list[_volume.Volume]:
    """List the volumes created from one snapshot.

    :param proxy: The block-storage proxy.
    :param snapshot_id: The snapshot's ID.
    :param all_projects: Look at every project's volumes (admin only).
    :returns: The volumes, as openstacksdk
        :class:`~openstack.block_storage.v3.volume.Volume` objects.
    """
    return dependents(proxy, [snapshot_id], all_projects=all_projects)[
        snapshot_id
    ]


def blockers(
    snapshot: _snapshot.Snapshot,
    volumes: list[_volume.Volume],
    *,
    force: bool = False,
) -> list[str]:
    """Say why a snapshot cannot be deleted.

    :param snapshot: The snapshot as fetched.
    :param volumes: The volumes created from it.
    :param force: Whether a force delete is meant (any status will do).
    :returns: One sentence per reason; empty when it can be deleted.
    """
    reasons = []
    status = snapshot.status
    if not force and status not in DELETABLE_STATUSES:
        reasons.append(
            f"its status is {status!r}, and only available or error "
            f"snapshots can be deleted (an admin can force-delete)"
        )
    if snapshot.group_snapshot_id:
        reasons.append(
            f"it belongs to group snapshot {snapshot.group_snapshot_id}; "
            f"delete the group snapshot instead"
        )
    if volumes:
        ids = ', '.join(sorted(str(v.id) for v in volumes))
        reasons.append(f"volumes were created from it: {ids}")
    return reasons


def check_deletable(
    proxy: ProxyLike,
    snapshot: _snapshot.Snapshot,
    *,
    force: bool = False,
    all_projects: bool = False,
) -> _snapshot.Snapshot:
    """Fetch a snapshot and refuse it when it cannot be deleted.

    :param proxy: The block-storage proxy.
    :param snapshot: The snapshot to check.
    :param force: Whether a force delete is meant.
    :param all_projects: Look at every project's volumes (admin only).
    :returns: The snapshot as fetched.
    :raises: :class:`~snapshot_ext.exceptions.SnapshotNotDeletable` naming
        every reason.
    :raises: :class:`~openstack.exceptions.NotFoundException` when the
        snapshot does not exist.
    """
    snapshot = snapshot.fetch(adapter_of(proxy), skip_cache=True)
    volumes = volumes_from_snapshot(
        proxy, snapshot.id, all_projects=all_projects
    )
    reasons = blockers(snapshot, volumes, force=force)
    if reasons:
        raise exceptions.SnapshotNotDeletable(
            snapshot, reasons, sorted(str(v.id) for v in volumes)
        )
    return snapshot
