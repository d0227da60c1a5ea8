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

"""The Block Storage v3 proxy with complete snapshot support.

A subclass of openstacksdk's own block-storage v3 proxy: every stock verb
keeps working, and the snapshot verbs keep their names and signatures.
Each verb is thin: it resolves the snapshot, checks the caller's input and
calls the resource method with the proxy as the session.
"""

from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterable
from collections.abc import Iterator
import datetime
from typing import Any
from typing import Literal
from typing import cast
from typing import overload

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import _proxy as _stock_proxy
from openstack.block_storage.v3 import snapshot as _stock_snapshot
from openstack.block_storage.v3 import volume as _stock_volume
import requests

from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _endpoint
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import _transport
from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._listing import filters as _filters
from snapshot_ext.v3._ops import DEFAULT_CONCURRENCY
from snapshot_ext.v3._ops import SnapshotRef

# The positional parameters of openstack.proxy.Proxy.request after method.
_REQUEST_ARGS = (
    'error_message',
    'raise_exc',
    'connect_retries',
    'global_request_id',
)


class Proxy(_stock_proxy.Proxy):
    """Block Storage v3 proxy; see :mod:`snapshot_ext` for what it adds."""

    _resource_registry = {
        **_stock_proxy.Proxy._resource_registry,
        'snapshot': _snapshot.Snapshot,
    }

    _transport_policy: results.TransportPolicy

    # ====== Transport ======

    def __init__(self, session: Any, *args: Any, **kwargs: Any) -> None:
        # Without clouds.yaml api_timeout, the proxy gets a session copy
        # with a default timeout (see _transport.bounded_session).
        super().__init__(_transport.bounded_session(session), *args, **kwargs)

    @property
    def transport_policy(self) -> results.TransportPolicy:
        """What this proxy retries, how often and how long it waits.

        Read from clouds.yaml on first use; see
        :class:`~snapshot_ext.results.TransportPolicy`.
        """
        try:
            return self._transport_policy
        except AttributeError:
            policy = _transport.policy_from_proxy(self)
            self._transport_policy = policy
            return policy

    def request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Send a request under :attr:`transport_policy`.

        Requests that are safe to repeat are retried after transient
        failures; other ``POST`` requests are never re-sent once they may
        have reached the server.

        :param url: The URL or path below the endpoint.
        :param method: The HTTP method.
        :param args: openstacksdk's positional ``error_message``,
            ``raise_exc``, ``connect_retries`` and ``global_request_id``.
        :param kwargs: As for :meth:`openstack.proxy.Proxy.request`.
        :returns: The final response.
        :raises: :class:`~snapshot_ext.exceptions.RequestOutcomeUnknown`
            when a request that is not safe to repeat got no answer.
        """
        if args:
            kwargs.update(zip(_REQUEST_ARGS, args, strict=False))
        # The endpoint, resolved once per token instead of per request.
        _endpoint.add_endpoint(self, kwargs)
        return _transport.send(
            self.transport_policy, super().request, url, method, **kwargs
        )

    def _get_cache_key_prefix(self, url: str) -> str:
        """Name the cache keys of a request as openstacksdk does.

        openstacksdk's own method asks the session for the token's project
        ID for every request; this asks once per token
        (:func:`~snapshot_ext.v3._endpoint.project_id`) and gives the same
        name.  It passes no service type to ``_extract_name``, which names
        the URL's parts without it; the openstacksdk releases that
        deprecate that argument warn for every request given it.

        :param url: The URL or path of the request.
        :returns: The service type and the names of the URL's parts,
            joined by dots.
        """
        service_type = self.service_type
        if not service_type:
            # openstacksdk's own error.
            return str(super()._get_cache_key_prefix(url))
        names = self._extract_name(url, None, _endpoint.project_id(self))
        return '.'.join([service_type, *names])

    # ====== Helpers ======

    @property
    def snapshot_microversion(self) -> str | None:
        """The microversion sent with every snapshot request.

        Negotiated on first use as the highest version both the cloud and
        snapshot_ext support (at most 3.71), or lower when clouds.yaml
        sets ``block_storage_api_version``.  ``None`` when the cloud
        announces no microversions.
        """
        return mv.for_session(self)

    def _snapshot_resource(
        self, value: SnapshotRef | None, **attrs: Any
    ) -> _snapshot.Snapshot:
        if isinstance(value, _stock_snapshot.Snapshot) and not isinstance(
            value, _snapshot.Snapshot
        ):
            value = value.id
        if value is None or (isinstance(value, str) and not value):
            raise _checks.bad(
                f"a snapshot ID or Snapshot is required, got {value!r}"
            )
        return self._get_resource(_snapshot.Snapshot, value, **attrs)

    # ====== Snapshots ======

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
        else:
            if not isinstance(snapshot, _snapshot.Snapshot):
                # A snapshot_ext Snapshot is taken as it is: Proxy._delete
                # brings it up to date (Proxy._get_resource) once.
                snapshot = self._snapshot_resource(snapshot)
            self._delete(
                _snapshot.Snapshot, snapshot, ignore_missing=ignore_missing
            )

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

    # ====== Snapshot metadata ======

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

    # ====== Snapshot actions ======

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

    # ====== Waiting ======

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

    # ====== Bulk ======

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

    # ====== Dependents ======

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

    # ====== Filters ======

    #: Whether :meth:`snapshots` and :meth:`snapshot_pages` check filters
    #: against the cloud's list when ``check_filters`` is not given.
    check_snapshot_filters: bool = False

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

    # ====== Retention ======

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
