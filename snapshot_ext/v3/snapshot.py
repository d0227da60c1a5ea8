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

"""The Cinder v3 snapshot resource."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
import copy
import dataclasses
import datetime
import itertools
from typing import TYPE_CHECKING
from typing import Any

from keystoneauth1 import adapter
from openstack import exceptions
from openstack import format
from openstack import resource
from openstack.block_storage.v3 import snapshot as _stock
import requests

from snapshot_ext import exceptions as ext_exceptions
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import _speedups
from snapshot_ext.v3._listing import pages as _pages
from snapshot_ext.v3._listing import query as _query

if TYPE_CHECKING:
    from typing import Self

    from snapshot_ext import results


_UNSET: Any = object()
#: The errors of a create that may have made a snapshot.
_HINTED = (ext_exceptions.RequestOutcomeUnknown, exceptions.InvalidResponse)


def _connection_of(session: Any) -> Any:
    """The connection of the proxy a request goes through, if any.

    :param session: A proxy (``_get_connection()``) or another adapter.
    :returns: The connection, or ``None``.
    """
    get_connection = getattr(session, '_get_connection', None)
    return get_connection() if get_connection else None


def _hinted(exc: Exception, attrs: Mapping[str, Any]) -> Exception:
    """The error of a create that may have made a snapshot, with a hint.

    :param exc: A :class:`~snapshot_ext.exceptions.RequestOutcomeUnknown`
        (the outcome is unknown) or an
        :class:`~openstack.exceptions.InvalidResponse` (the answer is
        unusable).
    :param attrs: The create's attributes, which name the volume and the
        name to look for.
    :returns: The error to raise, caused by what ``exc`` was caused by
        (an outcome unknown) or by ``exc``.
    """
    hint = _lookup_hint(attrs.get('volume_id'), attrs.get('name'))
    if isinstance(exc, ext_exceptions.RequestOutcomeUnknown):
        hinted: Exception = exc.with_hint(hint)
        hinted.__cause__ = exc.cause
    else:
        hinted = _compat.InvalidResponse(
            f"the server accepted the snapshot create but its answer "
            f"is unusable ({exc}); a snapshot may have been created. "
            f"{hint}"
        )
        hinted.__cause__ = exc
    return hinted


def _lookup_hint(volume_id: Any, name: Any) -> str:
    query = f"volume_id={volume_id!r}"
    if name is not None:
        query += f", name={name!r}"
    return (
        f"Before creating it again, look for it: "
        f"conn.block_storage.snapshots({query}, sort='created_at:desc')."
    )


class Snapshot(_speedups.PrecomputedFields, _stock.Snapshot):
    """A Block Storage v3 snapshot.

    A subclass of openstacksdk's own snapshot resource, so attribute names,
    ``isinstance`` checks and ``to_dict()`` are unchanged; what differs is
    that every request carries the negotiated microversion, IDs and
    metadata keys are quoted in paths, input is checked before it is sent,
    and listings understand every filter Cinder has.
    """

    resource_key = 'snapshot'
    resources_key = 'snapshots'
    base_path = '/snapshots'

    # What every object holds from the start, kept in the object itself.
    __slots__ = _speedups.STATE_SLOTS

    # The names of the listing's one table of query parameters.
    _query_mapping = resource.QueryParameters(
        include_pagination_defaults=True, **_query.QUERY_MAPPING
    )

    # capabilities
    allow_fetch = True
    allow_create = True
    allow_delete = True
    allow_commit = True
    allow_list = True

    #: The snapshot's UUID.
    id = resource.Body('id')
    #: The snapshot's name.
    name = resource.Body('name')
    #: The snapshot's description.
    description = resource.Body('description')
    #: The ID of the volume the snapshot was taken of.
    volume_id = resource.Body('volume_id')
    #: One of creating, available, deleting, deleted, updating, error,
    #: error_deleting, unmanaging, backing-up, restoring.
    status = resource.Body('status')
    #: The size of the snapshot's volume, in GiB.
    size = resource.Body('size', type=int)
    #: Key/value metadata, both strings.
    metadata = resource.Body('metadata', type=dict)
    #: When the snapshot was created: an ISO 8601 string in UTC without a
    #: zone, as the server sends it.  See :attr:`created` for a datetime.
    created_at = resource.Body('created_at')
    #: When the snapshot was last updated, as :attr:`created_at`.
    #: See :attr:`updated` for a datetime.
    updated_at = resource.Body('updated_at')
    #: Progress as the server sends it, e.g. ``"50%"``.  See
    #: :attr:`progress_percent` for an int.
    progress = resource.Body('os-extended-snapshot-attributes:progress')
    #: The ID of the project owning the snapshot.
    project_id = resource.Body('os-extended-snapshot-attributes:project_id')
    #: The ID of the user who created the snapshot (microversion 3.41).
    user_id = resource.Body('user_id')
    #: The ID of the group snapshot it belongs to (microversion 3.14).
    group_snapshot_id = resource.Body('group_snapshot_id')
    #: Whether the snapshot counts against quota (microversion 3.65).
    consumes_quota = resource.Body('consumes_quota')
    #: Create even if the volume is in use.  Only sent below microversion
    #: 3.66; from 3.66 on the server needs no force and refuses
    #: ``force=False``, so it is left out of the request.
    is_forced = resource.Body('force', type=format.BoolStr)

    _max_microversion = mv.MAX_MICROVERSION

    #: Server keys whose values repeat from snapshot to snapshot (the
    #: owner, the volume, the status and the progress); a listing keeps
    #: each distinct value once.
    #: See :class:`snapshot_ext.v3._speedups.Builder`.
    _repeated_keys = (
        'os-extended-snapshot-attributes:project_id',
        'user_id',
        'volume_id',
        'status',
        'os-extended-snapshot-attributes:progress',
    )

    def _attributes(self, *args: Any, **kwargs: Any) -> list[str]:
        """Name the attributes, each once.

        openstacksdk walks the class's MRO, so a field this class declares
        again (every one, for its documentation) would otherwise appear
        twice in ``keys()``, ``items()`` and ``json.dumps()``.

        :param args: As for :meth:`openstack.resource.Resource._attributes`.
        :param kwargs: As for :meth:`openstack.resource.Resource._attributes`.
        :returns: The names without repeats, each where openstacksdk's own
            class has it (its last occurrence in the MRO walk).
        """
        names: list[str] = super()._attributes(*args, **kwargs)
        return list(reversed(dict.fromkeys(reversed(names))))

    # Parsed values -------------------------------------------------------

    @property
    def created(self) -> datetime.datetime | None:
        """:attr:`created_at` as a timezone-aware UTC datetime."""
        return _checks.parse_time(self.created_at)

    @property
    def updated(self) -> datetime.datetime | None:
        """:attr:`updated_at` as a timezone-aware UTC datetime."""
        return _checks.parse_time(self.updated_at)

    @property
    def progress_percent(self) -> int | None:
        """:attr:`progress` as an int from 0 to 100, or ``None``."""
        value = self.progress
        if isinstance(value, str):
            digits = value.strip().rstrip('%').strip()
            if digits.isdigit():
                return int(digits)
        elif isinstance(value, int) and not isinstance(value, bool):
            return value
        return None

    # Requests ------------------------------------------------------------

    @classmethod
    def _get_microversion(
        cls, session: adapter.Adapter, *, action: str | None = None
    ) -> str | None:
        # openstacksdk before 4.5.0 passes the action; it changes nothing.
        return mv.for_session(session)

    def _path(self, *parts: str) -> str:
        segments = [self.base_path.rstrip('/')]
        segments.append(_checks.path_segment(self.id, 'snapshot ID'))
        segments.extend(parts)
        return '/'.join(segments)

    def _prepare_request(
        self,
        *,
        requires_id: bool | None = None,
        base_path: str | None = None,
        **kwargs: Any,
    ) -> resource._Request:
        if requires_id is None:
            requires_id = self.requires_id
        request = super()._prepare_request(
            requires_id=False, base_path=base_path, **kwargs
        )
        if requires_id:
            segment = _checks.path_segment(self.id, 'snapshot ID')
            path, sep, query = request.url.partition('?')
            request.url = f"{path.rstrip('/')}/{segment}{sep}{query}"
        return request

    @classmethod
    def _from_server(
        cls, session: Any, attrs: dict[str, Any], microversion: str | None
    ) -> Self:
        """Build a snapshot from one object of a server response.

        :param session: The proxy the response came through.
        :param attrs: The snapshot's JSON object.
        :param microversion: The microversion the response was made at.
        :returns: A clean (not dirty) :class:`Snapshot`.
        """
        return cls._builder(session, microversion)(attrs)

    @classmethod
    def _builder(
        cls, session: Any, microversion: str | None
    ) -> _speedups.Builder[Self]:
        """Make the builder of the snapshots of one answer.

        :param session: The proxy the answer came through.
        :param microversion: The microversion the answer was made at.
        :returns: A :class:`~snapshot_ext.v3._speedups.Builder`; each object
            equals ``cls.existing(connection=..., microversion=...,
            **attrs)``.
        """
        return _speedups.Builder(
            cls,
            _connection_of(session),
            microversion,
            cls._repeated_keys,
            # What _checks.check_fields() lets through.
            checked={**_checks.FIELD_TYPES, 'id': (str,)},
        )

    @classmethod
    def _answer_fields(
        cls,
        response: requests.Response,
        error_message: str | None,
        key: str,
        expected_id: str | None,
    ) -> dict[str, Any]:
        """Check a single-snapshot answer and return its object.

        :param response: The answer.
        :param error_message: The message for an error status.
        :param key: The key holding the object.
        :param expected_id: The ID asked for, if any.
        :returns: The checked snapshot object (decoded once).
        :raises: :class:`~openstack.exceptions.HttpException` subclasses
            for an error status; :class:`~openstack.exceptions.
            InvalidResponse` for an answer that is not JSON, has no
            ``key`` object, names another snapshot than the one asked for,
            or has a field of the wrong type.
        """
        exceptions.raise_from_response(response, error_message=error_message)
        try:
            body = response.json()
        except ValueError as exc:
            raise _compat.InvalidResponse(
                f"the snapshot answer (HTTP {response.status_code}) is "
                f"not valid JSON: {exc}"
            ) from exc
        if not isinstance(body, dict):
            raise _compat.InvalidResponse(
                f"the snapshot answer is a {type(body).__name__}, not "
                f"an object"
            )
        attrs = _checks.check_fields(
            body.get(key), f"the {key!r} of the answer"
        )
        if expected_id is not None and attrs['id'] != expected_id:
            raise _compat.InvalidResponse(
                f"asked for snapshot {expected_id!r}, the answer is about "
                f"{attrs['id'][:64]!r}"
            )
        return attrs

    def _translate_response(
        self,
        response: requests.Response,
        has_body: bool | None = None,
        error_message: str | None = None,
        *,
        resource_response_key: str | None = None,
    ) -> None:
        """Check a single-snapshot answer, then take its values.

        An answer that is not JSON, has no ``snapshot`` object, names
        another snapshot than the one asked for, or has a field of the
        wrong type raises instead of leaving this snapshot half filled.
        The values are taken as openstacksdk's ``_translate_response``
        takes them, from the body decoded once (by openstacksdk's own code
        when the fast path's self-check has not passed).

        :param response: The answer.
        :param has_body: Whether the answer has a body to read.
        :param error_message: The message for an error status.
        :param resource_response_key: Another key holding the object.
        :raises: :class:`~openstack.exceptions.InvalidResponse`.
        """
        single = _speedups.single_layout(type(self))
        if has_body is None or has_body:
            attrs = self._answer_fields(
                response,
                error_message,
                resource_response_key or self.resource_key,
                self.id,
            )
            if single is not None:
                _speedups.take_answer(self, single, attrs)
                return
        elif single is not None:
            exceptions.raise_from_response(
                response, error_message=error_message
            )
            _speedups.take_answer(self, single, None)
            return
        super()._translate_response(
            response,
            has_body,
            error_message,
            resource_response_key=resource_response_key,
        )

    @classmethod
    def _fetch_by_id(
        cls, session: Any, snapshot_id: str, error_message: str
    ) -> Self | None:
        """Fetch a snapshot by ID, building it once from the answer.

        Sends what ``cls.new(id=snapshot_id).fetch(session,
        error_message=error_message)`` sends and returns an equal object,
        without building it first and filling it after.

        :param session: The proxy to send it through.
        :param snapshot_id: The snapshot's ID.
        :param error_message: The message for an error status.
        :returns: The snapshot; ``None``, before sending anything, when
            the fast path's self-check has not run or has not passed, or
            the class's base path has URI parameters (``fetch`` is used
            then).
        :raises: As :meth:`fetch`.
        """
        single = _speedups.single_layout(cls)
        if single is None or '%' in cls.base_path:
            # A base path with URI parameters: Resource._prepare_request
            # fills them in.
            return None
        segment = _checks.path_segment(snapshot_id, 'snapshot ID')
        microversion = cls._get_microversion(session)
        response = session.get(
            f"{cls.base_path.rstrip('/')}/{segment}",
            microversion=microversion,
            params={},
            skip_cache=False,
        )
        attrs = cls._answer_fields(
            response,
            error_message,
            cls.resource_key or 'snapshot',
            snapshot_id,
        )
        return _speedups.build_fetched(  # type: ignore[no-any-return]
            cls,
            single,
            _connection_of(session),
            microversion,
            snapshot_id,
            attrs,
        )

    def _action(
        self,
        session: adapter.Adapter,
        body: dict[str, Any],
        microversion: str | None = None,
    ) -> requests.Response:
        """Send one ``POST /snapshots/{id}/action``.

        :param session: The proxy to send it through.
        :param body: The action body, e.g. ``{"os-force_delete": {}}``.
        :param microversion: Override the negotiated microversion.
        :returns: The response.
        :raises: :class:`~openstack.exceptions.HttpException` subclasses
            carrying the server's message and request id.
        """
        response = session.post(
            self._path('action'),
            json=body,
            microversion=microversion or mv.for_session(session),
        )
        exceptions.raise_from_response(response)
        return response

    @classmethod
    def _fast_layout(cls) -> _speedups.SingleLayout | None:
        """The class's checked layout when create and delete may be sent
        the fast way.

        :returns: What :func:`~snapshot_ext.v3._speedups.single_layout`
            gives once the fast path's self-check has passed for the class
            (which compares these requests too, see
            :meth:`_send_differences`), when its base path has no URI
            parameters; else ``None``.
        """
        if '%' in cls.base_path:
            return None
        return _speedups.single_layout(cls)

    def _dirty_headers(self) -> dict[str, str]:
        # What Resource._prepare_request sends as headers; an object
        # whose header part was never used has none.
        if vars(self).get('_header') is None:
            return {}
        return {
            key: ', '.join(value) if isinstance(value, list) else str(value)
            for key, value in self._header.dirty.items()
        }

    def _send_create(self, session: adapter.Adapter) -> Self:
        """Send the create as ``Resource.create`` sends it, and take the
        answer.

        What ``Resource.create`` does for this class with its default
        arguments, without working out again for each call what depends
        on the class only (compared with it by the self-check).

        :param session: The proxy to send it through.
        :returns: This snapshot, filled from the answer.
        """
        response, microversion = self._post_create(
            session, self._body.dirty, self._dirty_headers()
        )
        self.microversion = microversion
        self._translate_response(response)
        return self

    @classmethod
    def _post_create(
        cls,
        session: adapter.Adapter,
        fields: dict[str, Any],
        headers: dict[str, str],
    ) -> tuple[requests.Response, str | None]:
        """Post a create as ``Resource.create`` posts it for the class.

        :param session: The proxy to send it through.
        :param fields: The changed fields to send.
        :param headers: The request headers.
        :returns: The answer and the microversion it was asked at.
        """
        session = cls._get_session(session)
        microversion = cls._get_microversion(session)
        response = session.post(
            cls.base_path,
            json={cls.resource_key: fields},
            headers=headers,
            microversion=microversion,
            params={},
        )
        return response, microversion

    def delete(
        self,
        session: adapter.Adapter,
        error_message: str | None = None,
        *,
        microversion: str | None = None,
        **kwargs: Any,
    ) -> Self:
        """Delete the snapshot on the server.

        Sends what :meth:`openstack.resource.Resource.delete` sends, and
        leaves the snapshot as it does.

        :param session: The proxy to send it through.
        :param error_message: The message for an error status.
        :param microversion: Override the negotiated microversion.
        :param kwargs: ``base_path`` and ``params``, as openstacksdk's
            ``delete`` takes them.
        :returns: This snapshot.
        :raises: :class:`~openstack.exceptions.HttpException` subclasses
            for an error status.
        """
        if (
            any(value is not None for value in kwargs.values())
            or not self.allow_delete
            or self._fast_layout() is None
        ):
            return super().delete(
                session, error_message, microversion=microversion, **kwargs
            )
        url = self._path()
        session = self._get_session(session)
        if microversion is None:
            microversion = self._get_microversion(session)
        response = session.delete(
            url, headers=self._dirty_headers(), microversion=microversion
        )
        self._translate_response(
            response, has_body=False, error_message=error_message
        )
        return self

    @classmethod
    def _send_differences(cls) -> list[str]:
        """Compare the fast create and delete with openstacksdk's.

        Run by the fast path's self-check
        (:func:`~snapshot_ext.v3._speedups.mixin.self_check`): a
        snapshot is created and one deleted both ways through a
        recording stand-in session.

        :returns: The differences found, one line each; empty when none.
        """
        from snapshot_ext.v3._speedups import check

        # A stand-in for a connection: what the location needs.
        conn: Any = check.StandInConnection()
        given = {
            'volume_id': 'volume-check',
            'name': 'name-check',
            'description': 'description-check',
            'metadata': {'key': 'value'},
        }
        answer = {
            'id': 'snapshot-check',
            'status': 'creating',
            'size': 1,
            'os-extended-snapshot-attributes:progress': '0%',
            'os-extended-snapshot-attributes:project_id': check.OWN_PROJECT,
            **given,
        }

        def prepare(recorder: Any) -> None:
            # As a proxy: its negotiated microversion and its connection.
            mv.remember(recorder, '3.60')
            recorder._connection = conn

        def new() -> Any:
            return cls.new(connection=conn, **copy.deepcopy(given))

        def created(obj: Any, session: Any) -> Any:
            return resource.Resource.create(obj, session)

        found = []
        refused = {'badRequest': {'code': 400, 'message': 'refused'}}
        for status, body in ((202, {'snapshot': answer}), (400, refused)):
            found.extend(
                check.sent_differences(
                    f'create answered {status}',
                    new,
                    created,
                    lambda obj, session: obj._create_checked(session),
                    (status, body),
                    prepare,
                )
            )
            found.extend(
                check.sent_differences(
                    f'create from fields answered {status}',
                    new,
                    created,
                    lambda obj, session: cls._create_from_fields(
                        session, copy.deepcopy(given)
                    ),
                    (status, body),
                    prepare,
                )
            )
        for status in (202, 404):
            found.extend(
                check.sent_differences(
                    f'delete answered {status}',
                    lambda: cls.existing(
                        connection=conn, **copy.deepcopy(answer)
                    ),
                    lambda obj, session: resource.Resource.delete(
                        obj, session
                    ),
                    lambda obj, session: obj.delete(session),
                    (status, None),
                    prepare,
                )
            )
        return found

    def create(
        self,
        session: adapter.Adapter,
        prepend_key: bool = True,
        base_path: str | None = None,
        **kwargs: Any,
    ) -> Self:
        """Create the snapshot on the server.

        ``volume_id`` is required.  ``force`` is sent only where the
        negotiated microversion understands it (below 3.66).

        :param session: The proxy to send it through.
        :param prepend_key: Wrap the body in ``{"snapshot": ...}``.
        :param base_path: Another collection path, if any.
        :param kwargs: Passed on to :meth:`openstack.resource.Resource.create`.
        :returns: This snapshot, filled from the server's answer.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before sending when the attributes are not acceptable.
        """
        attrs = self._body.attributes
        _checks.create_attrs(
            {k: attrs[k] for k in self._body._dirty if k in attrs}
        )
        return self._create_checked(
            session, prepend_key=prepend_key, base_path=base_path, **kwargs
        )

    def _create_checked(
        self,
        session: adapter.Adapter,
        prepend_key: bool = True,
        base_path: str | None = None,
        **kwargs: Any,
    ) -> Self:
        """:meth:`create` once its attributes were checked.

        :param session: The proxy to send it through.
        :param prepend_key: Wrap the body in ``{"snapshot": ...}``.
        :param base_path: Another collection path, if any.
        :param kwargs: Passed on to :meth:`openstack.resource.Resource.create`.
        :returns: This snapshot, filled from the server's answer.
        """
        attrs = self._body.attributes
        unsent = _UNSET
        if 'force' in attrs and mv.supports(
            session, mv.CREATE_FROM_IN_USE_WITHOUT_FORCE
        ):
            unsent = attrs.pop('force')
            self._body._dirty.discard('force')
        try:
            if (
                kwargs
                or not prepend_key
                or base_path is not None
                or self._fast_layout() is None
                or not self.allow_create
            ):
                created = super().create(
                    session,
                    prepend_key=prepend_key,
                    base_path=base_path,
                    **kwargs,
                )
            else:
                created = self._send_create(session)
        except _HINTED as exc:
            raise _hinted(exc, attrs)  # noqa: B904 - its cause is set
        if unsent is not _UNSET and 'force' not in self._body.attributes:
            # The answer has no force: keep what the caller asked for,
            # as openstacksdk does when it sends it.
            self._body.attributes['force'] = unsent
            dict.__setitem__(self, 'is_forced', self.is_forced)
        return created

    @classmethod
    def _create_from_fields(
        cls, session: adapter.Adapter, attrs: dict[str, Any]
    ) -> Self | None:
        """Create a snapshot, building it once from the answer.

        Sends what ``cls.new(connection=..., **attrs)`` would send from
        :meth:`_create_checked` and returns an equal object, without
        building it first and filling it after.

        :param session: The proxy to send it through.
        :param attrs: Checked fields (see
            :func:`~snapshot_ext.v3._checks.create_attrs`); not changed.
        :returns: The new snapshot; ``None``, before sending anything,
            when the fast path's self-check has not run or has not passed,
            when ``force`` is given (which may not be sent) or when
            ``attrs`` name anything but fields (:meth:`_create_checked`
            is used then).
        :raises: As :meth:`create`.
        """
        single = cls._fast_layout()
        if single is None or not cls.allow_create:
            return None
        body = _speedups.new_body(single, attrs)
        if body is None or 'force' in body:
            return None
        connection = _connection_of(session)
        try:
            # The changed fields in the order Resource.new's set of
            # changes gives them.
            response, microversion = cls._post_create(
                session, {name: body[name] for name in set(body)}, {}
            )
            answer = cls._answer_fields(
                response, None, cls.resource_key or 'snapshot', None
            )
        except _HINTED as exc:
            raise _hinted(exc, attrs)  # noqa: B904 - its cause is set
        return _speedups.build_created(  # type: ignore[no-any-return]
            cls, single, connection, microversion, body, answer
        )

    @classmethod
    def list(  # type: ignore[override]
        cls,
        session: adapter.Adapter,
        paginated: bool = True,
        base_path: str | None = None,
        allow_unknown_params: bool = False,
        *,
        microversion: str | None = None,
        headers: dict[str, str] | None = None,
        max_items: int | None = None,
        **params: Any,
    ) -> Iterator[Snapshot]:
        """List snapshots, following pages.

        Takes the same arguments as :meth:`pages`.

        :returns: A generator of snapshots.
        """
        pages = cls.pages(
            session,
            paginated=paginated,
            base_path=base_path,
            allow_unknown_params=allow_unknown_params,
            microversion=microversion,
            headers=headers,
            max_items=max_items,
            **params,
        )
        return (item for page in pages for item in page.items)

    @classmethod
    def pages(
        cls,
        session: adapter.Adapter,
        paginated: bool = True,
        base_path: str | None = None,
        allow_unknown_params: bool = False,
        *,
        microversion: str | None = None,
        headers: dict[str, str] | None = None,
        max_items: int | None = None,
        **params: Any,
    ) -> Iterator[results.Page[Snapshot]]:
        """List snapshots one page at a time.

        Filters are checked when this is called, before any request; the
        requests are made as the pages are consumed.

        :param session: The proxy to send requests through.
        :param paginated: ``False`` fetches the first page only.
        :param base_path: ``/snapshots`` (summary) or ``/snapshots/detail``.
        :param allow_unknown_params: Drop unknown filters instead of
            raising.
        :param microversion: Override the negotiated microversion.
        :param headers: Extra request headers.
        :param max_items: Stop after this many snapshots in all.
        :param params: Filters, as :meth:`snapshot_ext.Proxy.snapshots`
            takes them.
        :returns: A generator of :class:`~snapshot_ext.results.Page`.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery`,
            :class:`~snapshot_ext.exceptions.MicroversionUnavailable`.
        """
        if max_items is not None:
            max_items = _query._count('max_items', max_items, 1)
        attributes = cls._filter_attributes()
        if allow_unknown_params:
            params = {
                k: v
                for k, v in params.items()
                if k in _query.KNOWN or k in attributes
            }
        params, local = _query.split(session, params, attributes)
        query = _query.build(session, params)
        if microversion is None:
            microversion = mv.for_session(session)
        path = base_path or cls.base_path
        request_headers = {'Accept': 'application/json'}
        if headers:
            request_headers.update(headers)

        def fetch(query_params: dict[str, str]) -> Any:
            response = session.get(
                path,
                params=query_params,
                headers=request_headers,
                microversion=microversion,
                # The page is read in one piece (see _speedups.json_body).
                stream=True,
            )
            exceptions.raise_from_response(response)
            try:
                return _speedups.json_body(response)
            except ValueError as exc:
                raise _compat.InvalidResponse(
                    f"the snapshot listing is not valid JSON: {exc}"
                ) from exc

        builder = cls._builder(session, microversion)

        def build(raw: list[dict[str, Any]]) -> list[Snapshot]:
            # The check stores the repeated values once as it reads them.
            repeated, share = builder.sharing()
            keys = _checks.check_listed(
                raw, 'a listed snapshot', repeated, share
            )
            if keys is None:
                return builder.page(raw)
            # One key object per key for the page, as json decodes it.
            raw = _speedups.share_keys(raw, keys)
            return builder.page(raw, keys, shared=True)

        pages = _pages.iterate(
            fetch, build, query, cls.resources_key or 'snapshots', max_items
        )
        if local:
            # As openstacksdk: max_items counts the snapshots listed, the
            # filters then choose among them.
            pages = (
                dataclasses.replace(
                    page,
                    items=[s for s in page.items if _query.matches(s, local)],
                )
                for page in pages
            )
        if not paginated:
            return itertools.islice(pages, 1)
        return pages

    @classmethod
    def _filter_attributes(cls) -> frozenset[str]:
        """Name the attributes a listing can compare on the client.

        :returns: Every ``Body`` attribute of the class, as openstacksdk's
            ``Resource.list`` takes them.
        """
        return frozenset(cls._body_mapping().values())

    def _commit_fields(
        self,
        session: adapter.Adapter,
        base_path: str | None,
        attrs: Mapping[str, Any],
    ) -> Self:
        """Send the checked ``name``/``description`` of an update.

        The server accepts only those two: exactly they are sent, also
        when the snapshot was given with other changed attributes.

        :param session: The proxy to send it through.
        :param base_path: As openstacksdk's ``commit`` takes it.
        :param attrs: The checked attributes to change.
        :returns: The snapshot as the server returns it; with nothing to
            change, this snapshot, without a request.
        """
        self._update(**attrs)
        self._body._dirty.intersection_update(_checks.UPDATE_ATTRS)
        self._body._dirty.update(attrs)
        if not self._body._dirty:
            return self
        return self.commit(session, base_path=base_path)

    # Actions -------------------------------------------------------------

    def force_delete(self, session: adapter.Adapter) -> None:
        """Delete the snapshot whatever its status (admin only).

        :param session: The proxy to send it through.
        """
        self._action(session, {'os-force_delete': {}})

    def reset_status(self, session: adapter.Adapter, status: str) -> None:
        """Set the status in the database without any check (admin only).

        :param session: The proxy to send it through.
        :param status: A snapshot status Cinder knows (``creating``,
            ``available``, ``error``, ``deleting``, ``error_deleting``,
            ...), in any case (sent in lower case).
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            an unknown status, before sending.
        """
        status = _checks.reset_status(status)
        self._action(session, {'os-reset_status': {'status': status}})

    def reset(self, session: adapter.Adapter, status: str) -> None:
        """Set the status without any check: :meth:`reset_status`.

        The name openstacksdk before 4.5.0 has; from 4.5.0 on it is
        openstacksdk's deprecated alias, which warns as openstacksdk does.

        :param session: The proxy to send it through.
        :param status: See :meth:`reset_status`.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            an unknown status, before sending.
        """
        if _compat.HAS_RESET_STATUS:
            # openstacksdk's alias warns, then calls reset_status.
            super().reset(session, status)
            return
        self.reset_status(session, status)

    def set_status(
        self,
        session: adapter.Adapter,
        status: str,
        progress: str | int | None = None,
    ) -> None:
        """Report status and progress, as a storage driver does.

        The server allows it only from ``creating`` (to creating, available
        or error) and from ``deleting`` (to deleting or error_deleting).

        :param session: The proxy to send it through.
        :param status: The new status.
        :param progress: ``None``, an int 0-100 or a string like ``"50%"``.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
            an unknown status or malformed progress, before sending.
        """
        _checks.status(
            status, _checks.UPDATE_STATUSES, 'update_snapshot_status'
        )
        body: dict[str, Any] = {'status': status}
        percent = _checks.progress(progress)
        if percent is not None:
            body['progress'] = percent
        self._action(session, {'os-update_snapshot_status': body})

    def unmanage(self, session: adapter.Adapter) -> None:
        """Stop managing the snapshot, leaving it on the backend (admin).

        :param session: The proxy to send it through.
        """
        self._action(session, {'os-unmanage': {}})

    @classmethod
    def manage(
        cls,
        session: adapter.Adapter,
        volume_id: str,
        ref: dict[str, Any],
        name: str | None = None,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> Self:
        """Bring an existing backend snapshot under Cinder's management.

        Uses ``POST /manageable_snapshots`` from microversion 3.8 and the
        older ``POST /os-snapshot-manage`` below it.

        :param session: The proxy to send it through.
        :param volume_id: The volume the snapshot belongs to.
        :param ref: The backend's reference, e.g. ``{"source-name": "x"}``.
        :param name: A name for it.
        :param description: A description.
        :param metadata: Key/value metadata.
        :returns: The new snapshot.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            before sending when an argument is not acceptable.
        """
        _checks.path_segment(volume_id, 'volume_id')
        if not isinstance(ref, Mapping) or not ref:
            raise _checks.bad(
                f"ref must be a non-empty mapping such as "
                f"{{'source-name': 'snap-1'}}, got {ref!r}"
            )
        body: dict[str, Any] = {'volume_id': volume_id, 'ref': dict(ref)}
        if name is not None:
            body['name'] = _checks.text(name, 'name')
        if description is not None:
            body['description'] = _checks.text(description, 'description')
        if metadata is not None:
            body['metadata'] = _checks.metadata(metadata)
        microversion = mv.for_session(session)
        if mv.supports(session, mv.MANAGE_VIA_MANAGEABLE_SNAPSHOTS):
            url = '/manageable_snapshots'
        else:
            url = '/os-snapshot-manage'
        try:
            response = session.post(
                url, json={'snapshot': body}, microversion=microversion
            )
        except ext_exceptions.RequestOutcomeUnknown as exc:
            hint = _lookup_hint(volume_id, name).replace(
                'creating', 'managing'
            )
            raise exc.with_hint(hint) from exc.cause
        exceptions.raise_from_response(response)
        snapshot = cls()
        snapshot._translate_response(response)
        snapshot.microversion = microversion
        return snapshot

    # Metadata ------------------------------------------------------------

    def _metadata_request(
        self,
        session: adapter.Adapter,
        method: str,
        key: str | None = None,
        json: dict[str, Any] | None = None,
    ) -> requests.Response:
        parts = ['metadata']
        if key is not None:
            parts.append(_checks.path_segment(key, 'metadata key'))
        response = session.request(
            self._path(*parts),
            method,
            json=json,
            microversion=mv.for_session(session),
        )
        exceptions.raise_from_response(response)
        return response

    def _store_metadata(self, response: requests.Response, key: str) -> Any:
        try:
            data = response.json()
        except ValueError as exc:
            raise _compat.InvalidResponse(
                f"the metadata answer is not valid JSON: {exc}"
            ) from exc
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, dict):
            raise _compat.InvalidResponse(
                f"the metadata answer has no object under {key!r}"
            )
        for name, item in value.items():
            if not isinstance(name, str) or not isinstance(item, str):
                raise _compat.InvalidResponse(
                    f"the metadata answer under {key!r} is not strings to "
                    f"strings: no string value for {str(name)[:64]!r}"
                )
        return value

    def _set_metadata(self, metadata: dict[str, str]) -> None:
        self._body.attributes['metadata'] = metadata
        self._body.clean(['metadata'])
        dict.__setitem__(self, 'metadata', metadata)

    def fetch_metadata(self, session: adapter.Adapter) -> Self:
        """Read all metadata from the server into :attr:`metadata`.

        :param session: The proxy to send it through.
        :returns: This snapshot.
        """
        response = self._metadata_request(session, 'GET')
        metadata = self._store_metadata(response, 'metadata')
        self._set_metadata(metadata)
        return self

    def get_metadata_item(self, session: adapter.Adapter, key: str) -> Self:
        """Read one metadata key; the value lands in :attr:`metadata`.

        :param session: The proxy to send it through.
        :param key: The key.
        :returns: This snapshot.
        :raises: :class:`~openstack.exceptions.NotFoundException` when the
            key does not exist.
        """
        response = self._metadata_request(session, 'GET', key)
        meta = self._store_metadata(response, 'meta')
        if not isinstance(meta.get(key), str):
            raise _compat.InvalidResponse(
                f"the metadata answer has no string value for {key!r}"
            )
        metadata = dict(self.metadata or {})
        metadata[key] = meta[key]
        self._set_metadata(metadata)
        return self

    def set_metadata(
        self,
        session: adapter.Adapter,
        metadata: dict[str, Any] | None = None,
        replace: bool = False,
    ) -> Self:
        """Merge (``POST``) or replace (``PUT``) metadata.

        :param session: The proxy to send it through.
        :param metadata: Keys and values, all strings.
        :param replace: Replace all metadata instead of merging.
        :returns: This snapshot, :attr:`metadata` as the server now has it.
        :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
            for a non-string key or value, before sending.
        """
        checked = _checks.metadata(metadata or {})
        method = 'PUT' if replace else 'POST'
        response = self._metadata_request(
            session, method, json={'metadata': checked}
        )
        result = self._store_metadata(response, 'metadata')
        self._set_metadata(result)
        return self

    def replace_metadata(
        self,
        session: adapter.Adapter,
        metadata: dict[str, Any] | None = None,
    ) -> Self:
        """Replace all metadata with ``metadata`` (``PUT``).

        :param session: The proxy to send it through.
        :param metadata: The complete new metadata.
        :returns: This snapshot.
        """
        return self.set_metadata(session, metadata, replace=True)

    def delete_metadata(self, session: adapter.Adapter) -> Self:
        """Remove all metadata.

        :param session: The proxy to send it through.
        :returns: This snapshot.
        """
        return self.set_metadata(session, {}, replace=True)

    def set_metadata_item(
        self, session: adapter.Adapter, key: str, value: Any
    ) -> Self:
        """Create or change one metadata key.

        :param session: The proxy to send it through.
        :param key: The key.
        :param value: The value, a string.
        :returns: This snapshot.
        """
        checked = _checks.metadata({key: value})
        response = self._metadata_request(
            session, 'PUT', key, json={'meta': checked}
        )
        meta = self._store_metadata(response, 'meta')
        metadata = dict(self.metadata or {})
        metadata.update(meta)
        self._set_metadata(metadata)
        return self

    def delete_metadata_item(self, session: adapter.Adapter, key: str) -> Self:
        """Remove one metadata key.

        :param session: The proxy to send it through.
        :param key: The key.
        :returns: This snapshot.
        :raises: :class:`~openstack.exceptions.NotFoundException` when the
            key does not exist.
        """
        self._metadata_request(session, 'DELETE', key)
        metadata = dict(self.metadata or {})
        metadata.pop(key, None)
        self._set_metadata(metadata)
        return self


SnapshotDetail = Snapshot
