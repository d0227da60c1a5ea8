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

"""The list filters a cloud allows, and checking a query against them.

From microversion 3.31 Cinder answers 400 "Invalid filters ... are found
in query options" when a non-admin filters on anything outside the cloud's
configured list (``resource_query_filters_file``), and from 3.33 it
publishes that list at ``GET /resource_filters``.  Admins are not held to
the list: an admin's unknown filter is applied as it is and usually
matches nothing, so a typo gives an empty listing instead of an error.

:func:`check_snapshot_query` applies the list the way Cinder applies it to
non-admins, before any listing request, so both mistakes surface as a
clear error naming the filters the cloud allows.  The list is fetched
once per proxy (one request for every resource type) and kept.
"""

from collections.abc import Mapping
import threading
from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3._listing import query as _query

_CACHE_ATTR = '_snapshot_ext_resource_filters'
_lock = threading.Lock()


def _parse(data: Any) -> dict[str, frozenset[str]]:
    entries = data.get('resource_filters') if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise _compat.InvalidResponse(
            "the resource_filters answer has no list under 'resource_filters'"
        )
    result: dict[str, frozenset[str]] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise _compat.InvalidResponse(
                f"a resource_filters entry is not an object: "
                f"{str(entry)[:200]}"
            )
        resource = entry.get('resource')
        filters = entry.get('filters')
        if not isinstance(resource, str) or not isinstance(filters, list):
            raise _compat.InvalidResponse(
                f"a resource_filters entry lacks resource or filters: "
                f"{str(entry)[:200]}"
            )
        result[resource] = frozenset(f for f in filters if isinstance(f, str))
    return result


def _cached(session: Any) -> dict[str, frozenset[str]] | None:
    value = getattr(session, _CACHE_ATTR, None)
    return value if isinstance(value, dict) else None


def resource_filters(session: Any) -> dict[str, frozenset[str]]:
    """Return the filters the cloud allows, by resource type.

    Fetched with one ``GET /resource_filters`` on the first call and kept
    on the proxy.

    :param session: The proxy.
    :returns: A dict such as ``{"snapshot": frozenset({"name", ...}),
        "volume": ...}``.
    :raises: :class:`~snapshot_ext.exceptions.MicroversionUnavailable`
        below microversion 3.33, before any request.
    """
    cached = _cached(session)
    if cached is not None:
        return cached
    version = mv.require(session, 'resource filters', mv.RESOURCE_FILTERS)
    with _lock:
        cached = _cached(session)
        if cached is not None:
            return cached
        response = session.get(
            '/resource_filters',
            headers={'Accept': 'application/json'},
            microversion=version,
        )
        sdk_exceptions.raise_from_response(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise _compat.InvalidResponse(
                f"the resource_filters answer is not valid JSON: {exc}"
            ) from exc
        result = _parse(data)
        setattr(session, _CACHE_ATTR, result)
        return result


def allowed(session: Any, resource: str) -> frozenset[str]:
    """Return the filters the cloud allows for one resource type.

    :param session: The proxy.
    :param resource: ``"snapshot"``, ``"volume"``, ...
    :returns: The filter names; empty when the cloud lists none.
    :raises: :class:`~snapshot_ext.exceptions.MicroversionUnavailable`
        below microversion 3.33.
    """
    return resource_filters(session).get(resource, frozenset())


def is_allowed(key: str, names: frozenset[str]) -> bool:
    """Tell whether Cinder accepts a filter, as it decides for non-admins.

    A key is accepted when it is listed, or when ``key~`` is listed (a
    listed like-filter also allows the exact filter).  ``name~`` is thus
    refused unless ``name~`` itself is listed.

    :param key: The filter as sent, e.g. ``"name"`` or ``"name~"``.
    :param names: The filters the cloud allows.
    :returns: ``True`` when accepted.
    """
    return key in names or f'{key}~' in names


def server_filters(query: Mapping[str, Any]) -> list[str]:
    """Name the filters of a snapshot query as they go on the wire.

    Options (paging, sorting, ``with_count``, ``all_projects``), ``None``
    values and names :mod:`snapshot_ext.v3._listing.query` does not know are
    left out; the latter are refused by the query check itself.

    :param query: The query by its client-side names.
    :returns: The server-side filter names, sorted.
    """
    names = set()
    for key, value in query.items():
        if value is None or key in _query.OPTIONS or key not in _query.KNOWN:
            continue
        names.add(_query.LIKE_FILTERS.get(key, key))
    return sorted(names)


def enabled(session: Any, check_filters: Any) -> bool:
    """Decide whether to check a listing's filters.

    :param session: The proxy; its ``check_snapshot_filters`` attribute
        is the default.
    :param check_filters: ``True``, ``False`` or ``None`` (the default).
    :returns: Whether to check.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery` for
        a value that is not a bool.
    """
    value = check_filters
    if value is None:
        value = getattr(session, 'check_snapshot_filters', False)
    return _checks.flag('check_filters', value, strict=True, query=True)


def check_snapshot_query(
    session: Any, query: Mapping[str, Any], all_projects: bool = False
) -> None:
    """Refuse snapshot filters the cloud does not allow.

    ``project_id`` is accepted together with ``all_projects``: that is
    the admin-only form, and Cinder does not restrict admins' filters.

    :param session: The proxy.
    :param query: The query by its client-side names.
    :param all_projects: Whether every project is listed.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery`
        naming the refused filters and the allowed ones.
    :raises: :class:`~snapshot_ext.exceptions.MicroversionUnavailable`
        below microversion 3.33.
    """
    wanted = server_filters(query)
    if not wanted:
        return
    names = allowed(session, 'snapshot')
    # The flags were checked when the listing was built.
    all_projects = all_projects or any(
        _checks.flag(key, query[key], query=True)
        for key in ('all_projects', 'all_tenants')
        if query.get(key) is not None
    )
    refused = [
        key
        for key in wanted
        if not is_allowed(key, names)
        and not (key == 'project_id' and all_projects)
    ]
    if refused:
        raise _checks.bad(
            f"this cloud does not allow filtering snapshots by "
            f"{', '.join(refused)}; allowed filters: "
            f"{', '.join(sorted(names)) or '(none)'}",
            query=True,
        )
