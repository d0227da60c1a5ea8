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

"""The snapshot verbs: get, find, list, create, update, delete."""

from __future__ import annotations

from collections.abc import Generator
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import overload

from openstack import exceptions as sdk_exceptions

from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._listing import filters as _filters
from snapshot_ext.v3._ops import SnapshotRef
from snapshot_ext.v3._verbs.base import ProxyBase

if TYPE_CHECKING:
    from snapshot_ext import results


class SnapshotVerbs(ProxyBase):
    """The snapshot verbs: get, find, list, create, update, delete."""

    def get_snapshot(self, snapshot: SnapshotRef) -> _snapshot.Snapshot:
        """Get a single snapshot.

        :param snapshot: The ID of a snapshot or a
            :class:`~snapshot_ext.v3.snapshot.Snapshot`.
        :returns: One :class:`~snapshot_ext.v3.snapshot.Snapshot`.
        :raises: :class:`~openstack.exceptions.NotFoundException` when no
            snapshot has that ID.
        """
        error_message = f"No Snapshot found for {snapshot}"
        if isinstance(snapshot, str) and snapshot:
            # Built once from the answer (None: openstacksdk's own fetch).
            found = _snapshot.Snapshot._fetch_by_id(
                self, snapshot, error_message
            )
            if found is not None:
                return found
        return self._snapshot_resource(snapshot).fetch(
            self, error_message=error_message
        )

    @overload
    def find_snapshot(
        self,
        name_or_id: str,
        ignore_missing: Literal[False],
        *,
        details: bool = True,
        all_projects: bool = False,
    ) -> _snapshot.Snapshot: ...

    @overload
    def find_snapshot(
        self,
        name_or_id: str,
        ignore_missing: bool = True,
        *,
        details: bool = True,
        all_projects: bool = False,
    ) -> _snapshot.Snapshot | None: ...

    def find_snapshot(
        self,
        name_or_id: str,
        ignore_missing: bool = True,
        *,
        details: bool = True,
        all_projects: bool = False,
    ) -> _snapshot.Snapshot | None:
        """Find a single snapshot by name or ID.

        :param name_or_id: The name or ID of a snapshot.
        :param ignore_missing: ``False`` raises
            :class:`~openstack.exceptions.NotFoundException` when nothing
            matches; ``True`` returns ``None``.
        :param details: Search the detailed listing.
        :param all_projects: Search every project (admin only).
        :returns: One :class:`~snapshot_ext.v3.snapshot.Snapshot` or None.
        :raises: :class:`~openstack.exceptions.NotFoundException` when
            nothing matches and ``ignore_missing`` is ``False``.
        :raises: :class:`~openstack.exceptions.DuplicateResource` when more
            than one snapshot matches.
        """
        _checks.path_segment(name_or_id, 'name_or_id')
        query: dict[str, Any] = {}
        if _checks.flag('all_projects', all_projects, query=True):
            query['all_projects'] = True
        return self._find(
            _snapshot.Snapshot,
            name_or_id,
            ignore_missing=ignore_missing,
            list_base_path='/snapshots/detail' if details else None,
            **query,
        )

    def snapshots(
        self,
        *,
        details: bool = True,
        all_projects: bool = False,
        **query: Any,
    ) -> Generator[_snapshot.Snapshot, None, None]:
        """List snapshots, following pages as they are consumed.

        Every filter is checked before the first request: an unknown one,
        a wrong type, or one the negotiated microversion lacks raises.

        :param details: ``True`` lists ``/snapshots/detail`` (all fields).
        :param all_projects: List every project's snapshots (admin only);
            ``True``/``False``, ``1``/``0`` or a string Cinder reads as a
            boolean (``'true'``, ``'no'``, ...), as is ``all_tenants``.
        :param query: Filters and options:

            * ``name``, ``status``, ``volume_id``, ``availability_zone``,
              ``project_id`` (strings; ``project_id`` only applies with
              ``all_projects``);
            * any other snapshot attribute (``description``, ``size``,
              ``created_at``, ...), compared with each listed snapshot on
              the client as openstacksdk does (``metadata`` too, below
              3.22);
            * ``metadata`` (a dict, 3.22+), ``consumes_quota`` (bool,
              3.65+), ``name~``/``name_like``, ``status~``/``status_like``,
              ``volume_id~``/``volume_id_like`` (substring match, 3.34+);
            * ``sort`` (``'key:dir,...'`` or a list of pairs) or
              ``sort_key``/``sort_dir``;
            * ``limit``: the **page size** (items per request), not a cap;
              ``max_items``: the cap on the total returned;
            * ``offset``, ``marker``; ``with_count`` (3.45+, see
              :meth:`snapshot_pages` to read the count);
            * ``check_filters``: check the filters against the cloud's
              ``GET /resource_filters`` first (see :meth:`snapshot_pages`);
            * ``paginated``, ``allow_unknown_params``, ``microversion``,
              ``headers`` and the deprecated ``jmespath_filters``, as
              openstacksdk's ``Proxy._list`` takes them.
        :returns: A generator of :class:`~snapshot_ext.v3.snapshot.Snapshot`.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery`,
            :class:`~snapshot_ext.exceptions.MicroversionUnavailable`.
        """
        if query.get('jmespath_filters'):
            # openstacksdk's deprecated jmespath filtering, as it does it.
            if all_projects is not False:
                query['all_projects'] = all_projects
            return self._list(
                _snapshot.Snapshot,
                base_path='/snapshots/detail' if details else None,
                **query,
            )
        query.pop('jmespath_filters', None)
        pages = self.snapshot_pages(
            details=details, all_projects=all_projects, **query
        )
        return (item for page in pages for item in page)

    def snapshot_pages(
        self,
        *,
        details: bool = True,
        all_projects: bool = False,
        page_size: int | None = None,
        max_items: int | None = None,
        check_filters: bool | None = None,
        **query: Any,
    ) -> Iterator[results.Page[_snapshot.Snapshot]]:
        """List snapshots one page (one request) at a time.

        Filters are checked when this is called, before any request.

        :param details: ``True`` lists ``/snapshots/detail``.
        :param all_projects: List every project's snapshots (admin only).
        :param page_size: Items per request (sent as ``limit``); the
            server caps it at its ``osapi_max_limit`` (1000 by default).
        :param max_items: Stop after this many snapshots in all.
        :param check_filters: Refuse, before listing, a filter the cloud
            does not allow (``GET /resource_filters``, fetched once per
            proxy; 3.33+), with an error naming the allowed ones.
            ``None`` follows :attr:`check_snapshot_filters`.
        :param query: Filters, as for :meth:`snapshots`.
        :returns: A generator of :class:`~snapshot_ext.results.Page`;
            each has ``items``, ``next_marker`` and ``count``.  Filters
            compared on the client narrow ``items``; ``count`` is Cinder's
            count for the filters it applied.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery`,
            :class:`~snapshot_ext.exceptions.MicroversionUnavailable`.
        """
        if page_size is not None:
            if 'limit' in query and query['limit'] != page_size:
                raise _checks.bad(
                    "give page_size or limit (the same thing), not both",
                    query=True,
                )
            if page_size == 0 and not isinstance(page_size, bool):
                # limit=0 is an empty listing; pages of none are no pages.
                raise _checks.bad("page_size must be >= 1, got 0", query=True)
            query['limit'] = page_size
        if all_projects is not False:
            # Checked as a filter: a non-bool such as 'false' is refused.
            query['all_projects'] = all_projects
        pages = _snapshot.Snapshot.pages(
            self,
            base_path='/snapshots/detail' if details else None,
            max_items=max_items,
            **query,
        )
        if _filters.enabled(self, check_filters):
            _filters.check_snapshot_query(self, query)
        return pages

    def create_snapshot(self, **attrs: Any) -> _snapshot.Snapshot:
        """Create a snapshot of a volume.

        :param attrs: ``volume_id`` (required), ``name``, ``description``,
            ``metadata`` (str to str) and ``force`` (or ``is_forced``).
            ``force`` matters only below microversion 3.66; from 3.66 on a
            snapshot of an in-use volume needs no force and the flag is not
            sent.  ``base_path`` is used as openstacksdk's
            ``Proxy._create`` uses it (``None``: ``/snapshots``).
        :returns: The new :class:`~snapshot_ext.v3.snapshot.Snapshot`, in
            status ``creating``.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before sending when ``volume_id`` is missing or an attribute is
            unknown or malformed.  An unknown name is refused although
            openstacksdk would drop it: a misspelt ``descripton=`` must not
            be lost.
        """
        base_path = attrs.pop('base_path', None)
        _checks.create_attrs(attrs)
        if base_path is None:
            created = _snapshot.Snapshot._create_from_fields(self, attrs)
            if created is not None:
                return created
        # What openstacksdk's Proxy._create does; Snapshot.create would
        # check the same attributes again.
        snapshot = _snapshot.Snapshot.new(
            connection=self._get_connection(), **attrs
        )
        return snapshot._create_checked(self, base_path=base_path)

    def update_snapshot(
        self, snapshot: SnapshotRef, **attrs: Any
    ) -> _snapshot.Snapshot:
        """Change a snapshot's name and/or description.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param attrs: ``name`` and/or ``description``; ``base_path`` is
            passed on as openstacksdk's ``Proxy._update`` takes it.
        :returns: The updated snapshot as the server returns it; with
            nothing to change, the snapshot as given, without a request
            (as openstacksdk does).
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before sending when another attribute is given (an unknown
            name too, which openstacksdk would drop).
        """
        base_path = attrs.pop('base_path', None)
        _checks.update_attrs(attrs)
        return self._snapshot_resource(snapshot)._commit_fields(
            self, base_path, attrs
        )

    def delete_snapshot(
        self,
        snapshot: SnapshotRef,
        ignore_missing: bool = True,
        force: bool = False,
    ) -> None:
        """Delete a snapshot.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param ignore_missing: ``False`` raises
            :class:`~openstack.exceptions.NotFoundException` when the
            snapshot does not exist.
        :param force: Use the admin force-delete action, which works from
            any status (see :meth:`force_delete_snapshot`).
        :returns: ``None``
        """
        if force:
            self.force_delete_snapshot(snapshot, ignore_missing=ignore_missing)
        elif isinstance(snapshot, _snapshot.Snapshot):
            self._delete_object(snapshot, ignore_missing)
        else:
            self._delete_object(
                self._snapshot_resource(snapshot), ignore_missing
            )

    def _delete_object(
        self, snapshot: _snapshot.Snapshot, ignore_missing: bool
    ) -> None:
        """What ``Proxy._delete`` does with a snapshot it is handed.

        ``Proxy._delete`` first updates the object with nothing
        (``Proxy._get_resource``), which makes its location and ``dict``
        content again, then deletes it, whose answer makes them again.
        Here they are made once: from the answer, or, when the delete
        raises, by the update before the error goes on, so that the object
        ends as openstacksdk leaves it.

        :param snapshot: The snapshot.
        :param ignore_missing: ``True`` ignores a snapshot that no longer
            exists.
        """
        deferred = snapshot._update_before_answer()
        try:
            snapshot.delete(self)
        except BaseException as exc:
            if deferred:
                snapshot._update()
            if ignore_missing and isinstance(
                exc, sdk_exceptions.NotFoundException
            ):
                return
            raise

    def force_delete_snapshot(
        self, snapshot: SnapshotRef, ignore_missing: bool = False
    ) -> None:
        """Delete a snapshot whatever its status (admin only).

        This is how a snapshot stuck in ``error_deleting`` is removed.

        :param snapshot: The ID of a snapshot or a Snapshot.
        :param ignore_missing: ``True`` ignores a snapshot that no longer
            exists.
        :returns: ``None``
        :raises: :class:`~openstack.exceptions.ForbiddenException` for a
            non-admin.
        """
        try:
            self._snapshot_resource(snapshot).force_delete(self)
        except sdk_exceptions.NotFoundException:
            if not ignore_missing:
                raise

    def snapshot_filters(self) -> frozenset[str]:
        """Return the snapshot list filters this cloud allows.

        Read from ``GET /resource_filters`` once per proxy.  Cinder holds
        non-admins to this list from microversion 3.31 (400 for another
        filter); admins may filter on anything.  A listed ``key~`` also
        allows ``key``; ``name~`` needs ``name~`` itself listed.

        :returns: The filter names, e.g. ``{"name", "status", ...}``.
        :raises: :class:`~snapshot_ext.exceptions.MicroversionUnavailable`
            below microversion 3.33, before any request.
        """
        return _filters.allowed(self, 'snapshot')
