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
from snapshot_ext.v3 import _microversion as mv

_STRING_FILTERS = (
    'name',
    'status',
    'volume_id',
    'project_id',
    'availability_zone',
)

#: Like-filters (substring match, 3.34+) by the client-side name.
LIKE_FILTERS = {
    'name~': 'name~',
    'name_like': 'name~',
    'status~': 'status~',
    'status_like': 'status~',
    'volume_id~': 'volume_id~',
    'volume_id_like': 'volume_id~',
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
KNOWN = (
    frozenset(
        _STRING_FILTERS + ('metadata', 'consumes_quota') + tuple(LIKE_FILTERS)
    )
    | OPTIONS
)

_SORT_DIRS = ('asc', 'desc')

#: The strings Cinder reads as true or false in a flag (oslo.utils'
#: ``bool_from_string``), compared in lower case.
TRUE_STRINGS = frozenset({'1', 't', 'true', 'on', 'y', 'yes'})
FALSE_STRINGS = frozenset({'0', 'f', 'false', 'off', 'n', 'no'})

#: Server filters that openstacksdk's own snapshot resource filters on the
#: client instead, with the microversion below which snapshot_ext does so
#: too (the server ignores them there).
CLIENT_SIDE_BELOW = {'metadata': mv.METADATA_FILTER}


class ProjectFilterWarning(UserWarning):
    """``project_id`` was given without ``all_projects``.

    Cinder only applies a ``project_id`` filter together with
    ``all_tenants`` (as an admin); otherwise it lists the caller's own
    project whatever the filter says.
    """


def _bad(
    message: str, names: Sequence[str] | None = None
) -> exceptions.InvalidSnapshotQuery:
    return exceptions.InvalidSnapshotQuery(
        message=message, extra_data=set(names) if names else None
    )


def flag(name: str, value: Any) -> bool:
    """Read a flag the way Cinder does.

    :param name: The flag's name, for the error message.
    :param value: ``True``/``False``, ``1``/``0``, or a string Cinder
        reads as a boolean (``'1'``, ``'true'``, ``'yes'``, ``'0'``,
        ``'false'``, ``'no'``, ... in any case).
    :returns: The flag.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery` for
        anything else, which Cinder would take as false or refuse.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_STRINGS:
            return True
        if text in FALSE_STRINGS:
            return False
    raise _bad(
        f"{name} must be a boolean (True/False, 1/0, 'true'/'false', "
        f"'yes'/'no'), got {value!r}"
    )


def _count(name: str, value: Any, minimum: int) -> int:
    number = value
    if isinstance(value, str) and value.strip().isdigit():
        # Cinder reads the query string: '5' is as good as 5.
        number = int(value.strip())
    if isinstance(number, bool) or not isinstance(number, int):
        raise _bad(f"{name} must be an integer, got {value!r}")
    if number < minimum:
        raise _bad(f"{name} must be >= {minimum}, got {number}")
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
                raise _bad(
                    f"sort items must be 'key' or ('key', 'asc'|'desc'), "
                    f"got {part!r}"
                )
    else:
        raise _bad(
            f"sort must be a string like 'created_at:desc,name' or a list "
            f"of (key, direction) pairs, got {value!r}"
        )
    parts = []
    for key, written in items:
        direction = written.lower() if written is not None else None
        if not key:
            raise _bad(f"sort has an empty key in {value!r}")
        if direction is not None and direction not in _SORT_DIRS:
            raise _bad(
                f"sort direction for {key!r} must be 'asc' or 'desc', got "
                f"{written!r}"
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
        raise _bad(
            f"unknown snapshot list filter(s): {', '.join(sorted(unknown))}"
            f": neither a filter Cinder applies nor a snapshot attribute "
            f"to compare listed snapshots with, so it cannot narrow the "
            f"listing (openstacksdk would drop it and list every "
            f"snapshot). Filters: {', '.join(sorted(KNOWN))}. Attributes: "
            f"{', '.join(sorted(names - KNOWN))}",
            unknown,
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
        raise _bad(
            f"unknown snapshot list filter(s): {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(KNOWN))}",
            unknown,
        )
    if 'all_projects' in given and 'all_tenants' in given:
        if flag('all_projects', given['all_projects']) != flag(
            'all_tenants', given['all_tenants']
        ):
            raise _bad("all_projects and all_tenants disagree; give one")
        del given['all_tenants']
    if 'sort' in given and ('sort_key' in given or 'sort_dir' in given):
        raise _bad(
            "sort cannot be combined with sort_key/sort_dir; use "
            "sort='key:dir,...' alone"
        )

    params: dict[str, str] = {}
    for name in _STRING_FILTERS:
        if name in given:
            value = given[name]
            if isinstance(value, int) and not isinstance(value, bool):
                # The query string carries it as text either way.
                value = str(value)
            if not isinstance(value, str):
                raise _bad(f"{name} must be a string, got {value!r}")
            params[name] = value

    flag_name = 'all_tenants' if 'all_tenants' in given else 'all_projects'
    all_projects = flag(flag_name, given.get(flag_name, False))
    if all_projects:
        params['all_tenants'] = '1'
    elif 'project_id' in params:
        warnings.warn(
            "project_id is ignored by Cinder unless all_projects=True is "
            "also given (and the caller is an admin)",
            ProjectFilterWarning,
            stacklevel=4,
        )

    for client, server in LIKE_FILTERS.items():
        if client in given:
            if server in params:
                raise _bad(f"{server} was given twice (as {client!r})")
            if not isinstance(given[client], str):
                raise _bad(f"{client} must be a string, got {given[client]!r}")
            mv.require(session, f"like filter {server}", mv.LIKE_FILTERS)
            params[server] = given[client]

    if 'metadata' in given:
        meta = given['metadata']
        if not isinstance(meta, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in meta.items()
        ):
            raise _bad(
                f"metadata filter must be a mapping of strings to strings, "
                f"got {meta!r}"
            )
        mv.require(session, 'metadata filter', mv.METADATA_FILTER)
        params['metadata'] = json.dumps(dict(meta), sort_keys=True)

    if 'consumes_quota' in given:
        quota = flag('consumes_quota', given['consumes_quota'])
        mv.require(session, 'consumes_quota filter', mv.CONSUMES_QUOTA)
        params['consumes_quota'] = 'true' if quota else 'false'

    if 'sort' in given:
        params['sort'] = _sort(given['sort'], session)
    if 'sort_key' in given:
        if not isinstance(given['sort_key'], str) or not given['sort_key']:
            raise _bad(f"sort_key must be a string, got {given['sort_key']!r}")
        if given['sort_key'] == 'name':
            mv.require(session, 'sorting snapshots by name', mv.SORT_BY_NAME)
        params['sort_key'] = given['sort_key']
    if 'sort_dir' in given:
        sort_dir = given['sort_dir']
        if not isinstance(sort_dir, str) or sort_dir.lower() not in _SORT_DIRS:
            raise _bad(f"sort_dir must be 'asc' or 'desc', got {sort_dir!r}")
        params['sort_dir'] = sort_dir.lower()

    if 'limit' in given:
        # limit=0 is sent as openstacksdk sends it: Cinder answers it with
        # an empty page, so the listing is empty.
        params['limit'] = str(_count('limit', given['limit'], 0))
    if 'offset' in given:
        params['offset'] = str(_count('offset', given['offset'], 0))
    if 'marker' in given:
        if not isinstance(given['marker'], str) or not given['marker']:
            raise _bad(
                f"marker must be a snapshot ID, got {given['marker']!r}"
            )
        params['marker'] = given['marker']

    if 'with_count' in given and flag('with_count', given['with_count']):
        mv.require(session, 'with_count', mv.WITH_COUNT)
        params['with_count'] = 'true'
    return params
