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

"""Translation of snapshot list filters into Cinder's query string.

Every filter is checked before a request is sent: a value of the wrong
type, or a filter that needs a newer microversion than the connection
uses, raises an error naming the problem, instead of the server silently
ignoring the filter and returning everything.

A name that is not a filter Cinder applies but is a snapshot attribute
(``description``, ``size``, ``created_at``, ...) is compared with each
listed snapshot on the client, as openstacksdk's ``Resource.list`` does
(:func:`split`, :func:`matches`).  A name that is neither is refused:
openstacksdk would drop it and list every snapshot.
"""

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import json
from typing import Any
import warnings

from snapshot_ext import exceptions
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _microversion as mv

#: The one table of a snapshot listing's query parameters: the server's
#: name by the client-side name.  The resource's ``_query_mapping`` is
#: made from it, so openstacksdk's ``Snapshot.list`` takes the same names.
QUERY_MAPPING = {
    'name': 'name',
    'status': 'status',
    'volume_id': 'volume_id',
    'project_id': 'project_id',
    'limit': 'limit',
    'marker': 'marker',
    'offset': 'offset',
    'sort': 'sort',
    'sort_key': 'sort_key',
    'sort_dir': 'sort_dir',
    'with_count': 'with_count',
    'metadata': 'metadata',
    'consumes_quota': 'consumes_quota',
    'all_projects': 'all_tenants',
    'name_like': 'name~',
    'status_like': 'status~',
    'volume_id_like': 'volume_id~',
}

#: Server names the listing also takes as they are, beyond
#: :data:`QUERY_MAPPING` (which keeps openstacksdk's resource's names).
SERVER_NAMES = frozenset(
    {'availability_zone', 'all_tenants', 'name~', 'status~', 'volume_id~'}
)

#: Like-filters (substring match, 3.34+) by the client-side name.
LIKE_FILTERS = {
    **{
        client: server
        for client, server in QUERY_MAPPING.items()
        if server.endswith('~')
    },
    **{name: name for name in SERVER_NAMES if name.endswith('~')},
}

#: Listing options: query parameters that shape the listing rather than
#: filter it (Cinder takes them out before it checks filters).
OPTIONS = frozenset(
    {
        'all_projects',
        'all_tenants',
        'sort',
        'sort_key',
        'sort_dir',
        'limit',
        'offset',
        'marker',
        'with_count',
    }
)

#: Every query parameter a snapshot listing accepts, client-side names.
KNOWN = frozenset(QUERY_MAPPING) | SERVER_NAMES

# The filters whose value is sent as text, in query-string order.
_STRING_FILTERS = (
    'name',
    'status',
    'volume_id',
    'project_id',
    'availability_zone',
)

_SORT_DIRS = ('asc', 'desc')

#: Server filters that openstacksdk's own snapshot resource filters on the
#: client instead, with the microversion below which snapshot_ext does so
#: too (the server ignores them there).
CLIENT_SIDE_BELOW = {'metadata': mv.METADATA_FILTER}


def _count(name: str, value: Any, minimum: int) -> int:
    number = value
    if isinstance(value, str) and value.strip().isdigit():
        # Cinder reads the query string: '5' is as good as 5.
        number = int(value.strip())
    if isinstance(number, bool) or not isinstance(number, int):
        raise _checks.bad(
            f"{name} must be an integer, got {value!r}", query=True
        )
    if number < minimum:
        raise _checks.bad(
            f"{name} must be >= {minimum}, got {number}", query=True
        )
    return number


def _sort(value: Any, session: Any) -> str:
    items: list[tuple[str, str | None]] = []
    if isinstance(value, str):
        for part in value.split(','):
            key, _, given = part.strip().partition(':')
            items.append((key.strip(), given.strip() or None))
    elif isinstance(value, Sequence):
        for part in value:
            if isinstance(part, str):
                items.append((part, None))
            elif (
                isinstance(part, Sequence)
                and len(part) == 2
                and all(isinstance(p, str) for p in part)
            ):
                items.append((part[0], part[1]))
            else:
                raise _checks.bad(
                    f"sort items must be 'key' or ('key', 'asc'|'desc'), "
                    f"got {part!r}",
                    query=True,
                )
    else:
        raise _checks.bad(
            f"sort must be a string like 'created_at:desc,name' or a list "
            f"of (key, direction) pairs, got {value!r}",
            query=True,
        )
    parts = []
    for key, written in items:
        direction = written.lower() if written is not None else None
        if not key:
            raise _checks.bad(
                f"sort has an empty key in {value!r}", query=True
            )
        if direction is not None and direction not in _SORT_DIRS:
            raise _checks.bad(
                f"sort direction for {key!r} must be 'asc' or 'desc', got "
                f"{written!r}",
                query=True,
            )
        if key == 'name':
            mv.require(session, 'sorting snapshots by name', mv.SORT_BY_NAME)
        parts.append(f'{key}:{direction}' if direction else key)
    return ','.join(parts)


def split(
    session: Any, query: Mapping[str, Any], attributes: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separate the filters Cinder applies from those compared locally.

    :param session: The proxy that will send the request.
    :param query: The filters and options, by their client-side names.
    :param attributes: The snapshot attribute names (``Body`` fields)
        that can be compared with listed snapshots.
    :returns: The server query (for :func:`build`) and the client-side
        filters (for :func:`matches`).  ``metadata`` is compared locally
        below microversion 3.22, where Cinder ignores it.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery` for a
        name that is neither a filter nor an attribute, saying why.
    """
    names = frozenset(attributes)
    server: dict[str, Any] = {}
    client: dict[str, Any] = {}
    unknown = []
    for key, value in query.items():
        below = CLIENT_SIDE_BELOW.get(key)
        if key in KNOWN and not (below and not mv.supports(session, below)):
            server[key] = value
        elif key in names:
            client[key] = value
        else:
            unknown.append(key)
    if unknown:
        raise _checks.bad(
            f"unknown snapshot list filter(s): {', '.join(sorted(unknown))}"
            f": neither a filter Cinder applies nor a snapshot attribute "
            f"to compare listed snapshots with, so it cannot narrow the "
            f"listing (openstacksdk would drop it and list every "
            f"snapshot). Filters: {', '.join(sorted(KNOWN))}. Attributes: "
            f"{', '.join(sorted(names - KNOWN))}",
            query=True,
            names=unknown,
        )
    return server, client


def _dict_matches(wanted: Mapping[str, Any], actual: Any) -> bool:
    if not actual or not isinstance(actual, Mapping):
        return False
    for key, value in wanted.items():
        if isinstance(value, dict):
            if not _dict_matches(value, actual.get(key)):
                return False
        elif actual.get(key) != value:
            return False
    return True


def matches(item: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    """Compare a listed snapshot with client-side filters.

    As openstacksdk's ``Resource.list``: a dict value matches when each
    of its keys has the same value in the attribute (recursively), any
    other value when it equals the attribute (``None`` included).

    :param item: The snapshot.
    :param filters: Attribute names and wanted values.
    :returns: Whether every filter matches.
    """
    for key, value in filters.items():
        actual = item.get(key, None)
        if isinstance(value, dict):
            if not _dict_matches(value, actual):
                return False
        elif actual != value:
            return False
    return True


def build(session: Any, query: Mapping[str, Any]) -> dict[str, str]:
    """Check list filters and turn them into Cinder query parameters.

    :param session: The proxy that will send the request; used to check
        that the negotiated microversion supports each filter.
    :param query: The filters, by their client-side names (see
        :data:`KNOWN`).  ``None`` values are dropped.
    :returns: The query string parameters, by their server-side names.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery` for an
        unknown filter or a bad value.
    :raises: :class:`~snapshot_ext.exceptions.MicroversionUnavailable`
        when a filter needs a newer microversion.
    """
    given = {k: v for k, v in query.items() if v is not None}
    unknown = sorted(set(given) - KNOWN)
    if unknown:
        raise _checks.bad(
            f"unknown snapshot list filter(s): {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(KNOWN))}",
            query=True,
            names=unknown,
        )
    if 'all_projects' in given and 'all_tenants' in given:
        if _checks.flag(
            'all_projects', given['all_projects'], query=True
        ) != _checks.flag('all_tenants', given['all_tenants'], query=True):
            raise _checks.bad(
                "all_projects and all_tenants disagree; give one", query=True
            )
        del given['all_tenants']
    if 'sort' in given and ('sort_key' in given or 'sort_dir' in given):
        raise _checks.bad(
            "sort cannot be combined with sort_key/sort_dir; use "
            "sort='key:dir,...' alone",
            query=True,
        )

    params: dict[str, str] = {}
    for name in _STRING_FILTERS:
        if name in given:
            value = given[name]
            if isinstance(value, int) and not isinstance(value, bool):
                # The query string carries it as text either way.
                value = str(value)
            if not isinstance(value, str):
                raise _checks.bad(
                    f"{name} must be a string, got {value!r}", query=True
                )
            params[name] = value

    flag_name = 'all_tenants' if 'all_tenants' in given else 'all_projects'
    all_projects = _checks.flag(
        flag_name, given.get(flag_name, False), query=True
    )
    if all_projects:
        params['all_tenants'] = '1'
    elif 'project_id' in params:
        warnings.warn(
            "project_id is ignored by Cinder unless all_projects=True is "
            "also given (and the caller is an admin)",
            exceptions.ProjectFilterWarning,
            stacklevel=4,
        )

    for client, server in LIKE_FILTERS.items():
        if client in given:
            if server in params:
                raise _checks.bad(
                    f"{server} was given twice (as {client!r})", query=True
                )
            if not isinstance(given[client], str):
                raise _checks.bad(
                    f"{client} must be a string, got {given[client]!r}",
                    query=True,
                )
            mv.require(session, f"like filter {server}", mv.LIKE_FILTERS)
            params[server] = given[client]

    if 'metadata' in given:
        meta = given['metadata']
        if not isinstance(meta, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in meta.items()
        ):
            raise _checks.bad(
                f"metadata filter must be a mapping of strings to strings, "
                f"got {meta!r}",
                query=True,
            )
        mv.require(session, 'metadata filter', mv.METADATA_FILTER)
        params['metadata'] = json.dumps(dict(meta), sort_keys=True)

    if 'consumes_quota' in given:
        quota = _checks.flag(
            'consumes_quota', given['consumes_quota'], query=True
        )
        mv.require(session, 'consumes_quota filter', mv.CONSUMES_QUOTA)
        params['consumes_quota'] = 'true' if quota else 'false'

    if 'sort' in given:
        params['sort'] = _sort(given['sort'], session)
    if 'sort_key' in given:
        if not isinstance(given['sort_key'], str) or not given['sort_key']:
            raise _checks.bad(
                f"sort_key must be a string, got {given['sort_key']!r}",
                query=True,
            )
        if given['sort_key'] == 'name':
            mv.require(session, 'sorting snapshots by name', mv.SORT_BY_NAME)
        params['sort_key'] = given['sort_key']
    if 'sort_dir' in given:
        sort_dir = given['sort_dir']
        if not isinstance(sort_dir, str) or sort_dir.lower() not in _SORT_DIRS:
            raise _checks.bad(
                f"sort_dir must be 'asc' or 'desc', got {sort_dir!r}",
                query=True,
            )
        params['sort_dir'] = sort_dir.lower()

    if 'limit' in given:
        # limit=0 is sent as openstacksdk sends it: Cinder answers it with
        # an empty page, so the listing is empty.
        params['limit'] = str(_count('limit', given['limit'], 0))
    if 'offset' in given:
        params['offset'] = str(_count('offset', given['offset'], 0))
    if 'marker' in given:
        if not isinstance(given['marker'], str) or not given['marker']:
            raise _checks.bad(
                f"marker must be a snapshot ID, got {given['marker']!r}",
                query=True,
            )
        params['marker'] = given['marker']

    if 'with_count' in given and _checks.flag(
        'with_count', given['with_count'], query=True
    ):
        mv.require(session, 'with_count', mv.WITH_COUNT)
        params['with_count'] = 'true'
    return params
