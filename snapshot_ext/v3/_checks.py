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

"""Checks of caller input, done before any request is sent, and of the
server's snapshot objects as they are read.

Every check raises the error :func:`bad` makes, and every flag is read by
:func:`flag`.
"""

import collections
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import datetime
import difflib
import functools
import itertools
import operator
import re
from typing import Any
import urllib.parse

from openstack.block_storage.v3 import snapshot as _stock_snapshot

from snapshot_ext import exceptions
from snapshot_ext.v3 import _compat

#: The strings Cinder reads as true or false in a flag (oslo.utils'
#: ``bool_from_string``), compared in lower case.
TRUE_STRINGS = frozenset({'1', 't', 'true', 'on', 'y', 'yes'})
FALSE_STRINGS = frozenset({'0', 'f', 'false', 'off', 'n', 'no'})


def bad(
    message: str,
    *,
    query: bool = False,
    names: Sequence[str] | None = None,
) -> exceptions.InvalidSnapshotRequest | exceptions.InvalidSnapshotQuery:
    """The error for bad caller input, to be raised.

    :param message: What is wrong, naming the argument.
    :param query: ``True`` for a listing's filter or option: the error
        is then an :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery`.
    :param names: The offending query parameter names (``query`` only),
        kept as the error's ``extra_data``.
    :returns: An :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`,
        or an :class:`~snapshot_ext.exceptions.InvalidSnapshotQuery`.
    """
    if query:
        return exceptions.InvalidSnapshotQuery(
            message=message, extra_data=set(names) if names else None
        )
    return exceptions.InvalidSnapshotRequest(message)


def flag(
    name: str, value: Any, *, strict: bool = False, query: bool = False
) -> bool:
    """Read a flag.

    :param name: The flag's name, for the error message.
    :param value: With ``strict``, ``True`` or ``False`` only (for the
        plugin's own flags, where ``"false"`` would be truthy).  Without,
        also what Cinder reads as a boolean: ``1``/``0`` and the strings
        ``'1'``, ``'true'``, ``'yes'``, ``'0'``, ``'false'``, ``'no'``,
        ... in any case.
    :param strict: Take real booleans only.
    :param query: The flag is a listing's filter or option (see
        :func:`bad`).
    :returns: The flag.
    :raises: The error of :func:`bad` for anything else, which Cinder
        would take as false or refuse.
    """
    if isinstance(value, bool):
        return value
    if strict:
        raise bad(f"{name} must be True or False, got {value!r}", query=query)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_STRINGS:
            return True
        if text in FALSE_STRINGS:
            return False
    raise bad(
        f"{name} must be a boolean (True/False, 1/0, 'true'/'false', "
        f"'yes'/'no'), got {value!r}",
        query=query,
    )


#: Every status ``os-reset_status`` accepts (Cinder's full set).
RESET_STATUSES = frozenset(
    {
        'creating',
        'available',
        'deleting',
        'deleted',
        'updating',
        'error',
        'error_deleting',
        'unmanaging',
        'backing-up',
        'restoring',
    }
)

#: Target statuses ``os-update_snapshot_status`` accepts.  The server also
#: checks the current status: from ``creating`` only creating, available
#: or error; from ``deleting`` only deleting or error_deleting.
UPDATE_STATUSES = frozenset(
    {'creating', 'available', 'error', 'deleting', 'error_deleting'}
)

#: Longest name, description, metadata key or value Cinder stores.
MAX_FIELD_LENGTH = 255

_PERCENT = re.compile(r'^\s*(\d{1,3})\s*%?\s*$')

#: The metadata keys Cinder's request schema accepts.
_METADATA_KEY = re.compile(r'^[a-zA-Z0-9\-_:. ]{1,255}$')


#: Attributes a snapshot can be created with (``force`` is ``is_forced``).
CREATE_ATTRS = frozenset(
    {'volume_id', 'name', 'description', 'metadata', 'force', 'is_forced'}
)

#: Attributes a snapshot update can change.
UPDATE_ATTRS = frozenset({'name', 'description'})

#: Names openstacksdk's ``Proxy._create`` passes itself next to the
#: attributes: given as an attribute, stock raises ``TypeError``.
CREATE_ARGUMENTS = frozenset({'connection', 'resource_type'})

#: The same for ``Proxy._update`` (``id`` is the snapshot's own).
UPDATE_ARGUMENTS = frozenset({'connection', 'id', 'resource_type', 'value'})

#: Names that mean an accepted attribute (Cinder's legacy spellings).
_ALIASES = {'display_name': 'name', 'display_description': 'description'}


@functools.cache
def snapshot_fields() -> frozenset[str]:
    """Return the names of the fields of openstacksdk's snapshot resource.

    Worked out once: the class's fields are declared when openstacksdk is
    imported.

    :returns: Attribute names (``progress``) and the server's names
        (``os-extended-snapshot-attributes:progress``) alike: what stock
        sends when given as a create or update attribute.
    """
    mapping = _stock_snapshot.Snapshot._body_mapping()
    return frozenset(mapping) | frozenset(mapping.values())


def _suggest(name: str, accepted: Iterable[str]) -> str:
    alias = _ALIASES.get(name)
    if alias is None:
        close = difflib.get_close_matches(name, sorted(accepted), n=1)
        alias = close[0] if close else None
    return f" (did you mean {alias!r}?)" if alias else ''


def _refuse_names(
    names: Iterable[str],
    accepted: frozenset[str],
    arguments: frozenset[str],
    verb: str,
    refused: str,
    outcome: str,
) -> None:
    """Refuse attribute names a create or update cannot send.

    Three kinds, each with its own message: a name openstacksdk's proxy
    takes itself (a ``TypeError`` there too); a snapshot field Cinder does
    not take here (stock sends it and Cinder answers 400); and a name
    that is no snapshot field at all, which stock silently drops.

    :param names: The names given.
    :param accepted: The attributes the call can send.
    :param arguments: The names stock's proxy passes itself.
    :param verb: The proxy verb, for the message.
    :param refused: The message's start for a field Cinder refuses.
    :param outcome: What stock does without the dropped names.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotArgument`,
        :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`.
    """
    given = set(names)
    allowed = ', '.join(sorted(accepted))
    clash = sorted(given & arguments)
    if clash:
        raise exceptions.InvalidSnapshotArgument(
            f"{verb}() cannot take {', '.join(clash)} as an attribute: "
            f"openstacksdk's proxy passes that argument itself (a "
            f"TypeError there too); accepted attributes: {allowed}"
        )
    fields = snapshot_fields()
    unknown = sorted(given - accepted - fields)
    if unknown:
        named = ', '.join(f"{n}{_suggest(n, accepted)}" for n in unknown)
        raise bad(
            f"{verb}(): unknown snapshot attribute(s) {named}. "
            f"openstacksdk would silently "
            f"drop them and {outcome}; snapshot_ext refuses them so a "
            f"misspelt attribute is not lost. Accepted: {allowed}"
        )
    unsendable = sorted(given - accepted)
    if unsendable:
        raise bad(
            f"{refused}{', '.join(unsendable)}: Cinder would answer 400 "
            f"(openstacksdk sends it); accepted: {allowed}"
        )


def path_segment(value: Any, what: str) -> str:
    """Quote an ID or metadata key for use as one URL path segment.

    Slashes, ``?`` and ``#`` are escaped, and the dot segments ``.`` and
    ``..`` are refused, so a value can never change which endpoint a
    request reaches.  (Escaping cannot protect a dot segment: requests
    turns ``%2E`` back into ``.`` on the wire, where servers and proxies
    resolve ``..`` to the parent path.)

    :param value: The ID or key.
    :param what: What the value is, for the error message.
    :returns: The quoted segment.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` when
        the value is empty, not a string, or ``.`` or ``..``.
    """
    if not isinstance(value, str) or not value:
        raise bad(f"{what} must be a non-empty string, got {value!r}")
    if value in ('.', '..'):
        raise bad(f"{what} cannot be {value!r}: it is a relative path segment")
    return urllib.parse.quote(value, safe='')


def status(value: Any, allowed: frozenset[str], action: str) -> str:
    """Check a status against the set an action accepts.

    :param value: The status the caller asked for.
    :param allowed: The statuses the action accepts.
    :param action: The action's name, for the error message.
    :returns: The status.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`.
    """
    if not isinstance(value, str) or value not in allowed:
        raise bad(
            f"{action}: status {value!r} is not valid; valid statuses are "
            f"{', '.join(sorted(allowed))}"
        )
    return value


def reset_status(value: Any) -> str:
    """Check a status for ``os-reset_status`` and lower-case it.

    Cinder reads the status in any case.

    :param value: The status the caller asked for.
    :returns: The status in lower case.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`.
    """
    if isinstance(value, str):
        value = value.strip().lower()
    return status(value, RESET_STATUSES, 'reset_status')


def progress(value: Any) -> str | None:
    """Normalise a progress value to Cinder's ``"NN%"`` form.

    :param value: ``None``, an int from 0 to 100, or a string such as
        ``"50%"`` or ``"50"``.
    :returns: ``None`` or a string like ``"50%"``.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` when
        the value is not an integer percentage from 0 to 100.
    """
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str):
        match = _PERCENT.match(value)
        if match:
            number = int(match.group(1))
    if number is None or not 0 <= number <= 100:
        raise bad(
            f"progress must be an integer percentage from 0 to 100 such as "
            f"50 or '50%', got {value!r}"
        )
    return f'{number}%'


def text(value: Any, what: str, *, allow_none: bool = True) -> str | None:
    """Check a name or description.

    :param value: The value.
    :param what: The field's name, for the error message.
    :param allow_none: Whether ``None`` is accepted.
    :returns: The value.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`.
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise bad(f"{what} must be a string, got {value!r}")
    if len(value) > MAX_FIELD_LENGTH:
        raise bad(
            f"{what} is {len(value)} characters long; the limit is "
            f"{MAX_FIELD_LENGTH}"
        )
    return value


def metadata(value: Any) -> dict[str, str]:
    """Check snapshot metadata: a mapping of strings to strings.

    :param value: The metadata the caller gave.
    :returns: A plain dict copy.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` naming
        the first offending key.
    """
    if not isinstance(value, Mapping):
        raise bad(
            f"metadata must be a mapping of strings to strings, got "
            f"{type(value).__name__}"
        )
    result: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise bad(f"metadata keys must be non-empty strings, got {key!r}")
        if len(key) > MAX_FIELD_LENGTH:
            raise bad(
                f"metadata key {key[:40]!r}... is {len(key)} characters "
                f"long; the limit is {MAX_FIELD_LENGTH}"
            )
        if not _METADATA_KEY.match(key):
            raise bad(
                f"metadata key {key!r} has a character Cinder refuses; keys "
                f"may hold ASCII letters, digits, space and - _ : ."
            )
        if not isinstance(item, str):
            raise bad(
                f"metadata value for key {key!r} must be a string, got "
                f"{type(item).__name__} {item!r}"
            )
        if len(item) > MAX_FIELD_LENGTH:
            raise bad(
                f"metadata value for key {key!r} is {len(item)} characters "
                f"long; the limit is {MAX_FIELD_LENGTH}"
            )
        result[key] = item
    return result


def metadata_keys(keys: Any) -> list[str]:
    """Check a collection of metadata keys to delete.

    :param keys: An iterable of keys (a single string is refused, since it
        would be taken as its characters).
    :returns: The keys as a list.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`.
    """
    if isinstance(keys, (str, bytes)):
        raise bad(
            f"keys must be a list of metadata keys, not the string {keys!r}"
        )
    try:
        result = list(keys)
    except TypeError:
        raise bad(
            f"keys must be a list of metadata keys, got {keys!r}"
        ) from None
    for key in result:
        path_segment(key, 'metadata key')
    return result


def create_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Check the attributes of a snapshot to create.

    :param attrs: The attributes, by attribute name (``is_forced``) or
        body name (``force``).
    :returns: The attributes.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` when
        ``volume_id`` is missing or an attribute is unknown or malformed
        (:class:`~snapshot_ext.exceptions.InvalidSnapshotArgument` for a
        name openstacksdk's proxy takes itself).
    """
    _refuse_names(
        attrs,
        CREATE_ATTRS,
        CREATE_ARGUMENTS,
        'create_snapshot',
        'cannot create a snapshot with ',
        'create the snapshot without them',
    )
    if not attrs.get('volume_id'):
        raise bad("volume_id is required to create a snapshot")
    path_segment(attrs['volume_id'], 'volume_id')
    text(attrs.get('name'), 'name')
    text(attrs.get('description'), 'description')
    if attrs.get('metadata') is not None:
        metadata(attrs['metadata'])
    for name in ('force', 'is_forced'):
        if attrs.get(name) is not None:
            flag(name, attrs[name])
    return dict(attrs)


def update_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Check the attributes of a snapshot update.

    :param attrs: The attributes to change.
    :returns: The attributes.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` when
        an attribute cannot be changed
        (:class:`~snapshot_ext.exceptions.InvalidSnapshotArgument` for a
        name openstacksdk's proxy takes itself).
    """
    _refuse_names(
        attrs,
        UPDATE_ATTRS,
        UPDATE_ARGUMENTS,
        'update_snapshot',
        'a snapshot update can change only name and description, not ',
        'send the update without them (nothing when nothing else is given)',
    )
    for key, value in attrs.items():
        text(value, key)
    return dict(attrs)


# ====== Response checks ======


def parse_time(value: Any) -> datetime.datetime | None:
    """Read a time the server sent.

    :param value: An ISO 8601 string (``Z`` or an offset, or none for
        UTC), as Cinder sends ``created_at``/``updated_at``.
    :returns: The time in UTC, or ``None`` when it cannot be read.
    """
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(('Z', 'z')):
        text = text[:-1] + '+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


_STR = (str, type(None))
#: The JSON types of a snapshot's fields, as Cinder sends them.
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    'name': _STR,
    'description': _STR,
    'volume_id': _STR,
    'status': _STR,
    'created_at': _STR,
    'updated_at': _STR,
    'user_id': _STR,
    'group_snapshot_id': _STR,
    'os-extended-snapshot-attributes:project_id': _STR,
    'os-extended-snapshot-attributes:progress': (str, int, type(None)),
    'size': (int, type(None)),
    'metadata': (dict, type(None)),
    'consumes_quota': (bool, type(None)),
}


#: (keys, value types) signatures that passed check_fields()'s type check.
_TYPES_ACCEPTED: set[tuple[tuple[str, ...], tuple[type, ...]]] = set()
_TYPES_ACCEPTED_MAX = 256
_is_str = str.__instancecheck__


def check_fields(attrs: Any, where: str) -> dict[str, Any]:
    """Check one snapshot object of a server answer.

    :param attrs: The decoded JSON object.
    :param where: Where it came from, for the error message.
    :returns: ``attrs``.
    :raises: :class:`~openstack.exceptions.InvalidResponse` when it is not
        an object with a non-empty string ``id``, or a known field has
        another JSON type than Cinder's (metadata included: strings to
        strings).
    """
    if not isinstance(attrs, dict):
        raise _compat.InvalidResponse(
            f"{where} is a {type(attrs).__name__}, not a snapshot object"
        )
    snap_id = attrs.get('id')
    if not isinstance(snap_id, str) or not snap_id:
        raise _compat.InvalidResponse(
            f"{where} has no string id: {str(snap_id)[:100]!r}"
        )
    # The outcome of the type check depends only on the keys and the
    # types of their values: the objects of a listing share a few such
    # signatures, so each is checked once.
    signature = (tuple(attrs), tuple(map(type, attrs.values())))
    if signature not in _TYPES_ACCEPTED:
        for key, value in attrs.items():
            expected = FIELD_TYPES.get(key)
            if expected is not None and (
                not isinstance(value, expected)
                or (isinstance(value, bool) and bool not in expected)
            ):
                raise _compat.InvalidResponse(
                    f"{where}: field {key!r} of snapshot {snap_id[:64]!r} "
                    f"is {type(value).__name__} {str(value)[:100]!r}"
                )
        if len(_TYPES_ACCEPTED) < _TYPES_ACCEPTED_MAX:
            _TYPES_ACCEPTED.add(signature)
    metadata = attrs.get('metadata')
    if metadata and not (
        all(map(_is_str, metadata)) and all(map(_is_str, metadata.values()))
    ):
        raise _compat.InvalidResponse(
            f"{where}: the metadata of snapshot {snap_id[:64]!r} is not "
            f"strings to strings"
        )
    return attrs


class _Missing:
    """Stands for a key an object does not hold."""


_MISSING = _Missing()
#: FIELD_TYPES as sets of exact types, a missing key allowed.
_EXACT_TYPES = {
    key: frozenset(types) | {_Missing} for key, types in FIELD_TYPES.items()
}
_get = dict.get
_repeat = itertools.repeat
_chain = itertools.chain.from_iterable
_getter = operator.itemgetter
_dict_set = operator.setitem
_values = dict.values
#: Objects of a page transposed at a time: the keys' and values'
#: iterators of a chunk are alive at once, and many at once would have
#: the garbage collector run early.
_CHUNK = 128
# ``item |= values``: dict.update without an argument tuple per call.
_merge = operator.ior
_join = ''.join
#: The exact types of values shared by check_listed().
_SHAREABLE = frozenset({str, type(None)})

#: How check_listed() stores a repeated value once:
#: ``share(value, value)`` returns the value to keep (see
#: :meth:`snapshot_ext.v3._speedups.Builder.sharing`).
Share = Callable[[Any, Any], Any]


def _all_str(values: Iterable[Any]) -> bool:
    """Tell whether every one of ``values`` is a string (of any
    subclass of ``str``, as ``isinstance`` tells)."""
    try:
        _join(values)
    except TypeError:
        return False
    return True


def _metadata_passes(values: Iterable[Any]) -> bool:
    """Tell whether every non-empty metadata among ``values`` (dicts or
    ``None``) maps strings to strings."""
    metadata = list(filter(None, values))
    return not metadata or (
        _all_str(_chain(metadata))
        and _all_str(_chain(map(dict.values, metadata)))
    )


def _same_keys_pass(
    items: list[Any], repeated: Sequence[str], share: Share | None
) -> tuple[str, ...] | None:
    """The keys of the first of ``items`` when every item holds exactly
    them, in the same order, and certainly passes :func:`check_fields`,
    else ``None``.

    Values of the ``repeated`` keys whose exact types all are ``str`` or
    ``None`` are mapped through ``share`` as they are checked.

    :raises: TypeError, ValueError when an item is not a dict or does not
        hold as many keys as the first.
    """
    keys = tuple(items[0])
    if 'id' not in keys:
        return None
    count = len(items)
    columns: list[list[Any]] = [[] for _ in keys]
    for start in range(0, count, _CHUNK):
        chunk = items[start : start + _CHUNK]
        size = len(chunk)
        # The keys at each position, one tuple per position: each the
        # first's (an item holding more or fewer keys raises ValueError).
        for key, names in zip(keys, zip(*chunk, strict=True), strict=True):
            if names.count(key) != size:
                return None
        # The values of each key.
        for column, part in zip(
            columns, zip(*map(_values, chunk), strict=True), strict=True
        ):
            column.extend(part)
    constant: dict[str, str] = {}
    for key, column in zip(keys, columns, strict=True):
        if key == 'id':
            if not (_all_str(column) and all(column)):
                return None
        elif key == 'metadata':
            if not (
                _EXACT_TYPES[key].issuperset(map(type, column))
                and _metadata_passes(column)
            ):
                return None
        elif key in _EXACT_TYPES:
            types = set(map(type, column))
            if not _EXACT_TYPES[key].issuperset(types):
                return None
            if share is not None and key in repeated and types <= _SHAREABLE:
                _share_column(items, key, column, share, constant)
    if constant:
        collections.deque(map(_merge, items, _repeat(constant)), 0)
    return keys


def _share_column(
    items: list[dict[str, Any]],
    key: str,
    column: Sequence[Any],
    share: Share,
    constant: dict[str, str],
) -> None:
    """Put the kept value in place of each value of one key.

    A value held by every item is looked up once and added to
    ``constant`` for the caller to put in place in one pass over the
    items; other values are looked up and put in place one by one.

    :param items: The objects, all holding ``key``.
    :param key: The key.
    :param column: Its values, in the order of ``items``; exact strings
        or ``None``.
    :param share: See :meth:`snapshot_ext.v3._speedups.Builder.sharing`.
    :param constant: The kept values of the keys holding one value
        throughout, by key (``None`` is left as it is).
    """
    first = column[0]
    if column.count(first) == len(column):
        if first is not None:
            constant[key] = share(first, first)
        return
    collections.deque(
        map(_dict_set, items, _repeat(key), map(share, column, column)), 0
    )


def _listed_pass(items: list[Any]) -> bool:
    """Tell whether all ``items`` certainly pass :func:`check_fields`.

    ``False`` means only that the objects need checking one by one: a
    value of a subclass of an allowed type passes :func:`check_fields`
    but not this.

    :raises: TypeError, ValueError when an item is not a dict or does not
        hold as many keys as the first.
    """
    ids = list(map(_get, items, _repeat('id')))
    if not (all(map(_is_str, ids)) and all(ids)):
        return False
    for key, allowed in _EXACT_TYPES.items():
        values = map(_get, items, _repeat(key), _repeat(_MISSING))
        if not allowed.issuperset(map(type, values)):
            return False
    return _metadata_passes(map(_get, items, _repeat('metadata')))


def check_listed(
    items: list[Any],
    where: str,
    repeated: Sequence[str] = (),
    share: Share | None = None,
) -> tuple[str, ...] | None:
    """Check the snapshot objects of one page of a listing.

    Accepts and refuses exactly what :func:`check_fields` does for each
    object, looking at one key of all the objects at a time, which costs
    a fraction of checking object by object.

    :param items: The page's decoded JSON objects.
    :param where: Where they came from, for the error message.
    :param repeated: Keys whose values to map through ``share`` while
        they are checked (see
        :meth:`snapshot_ext.v3._speedups.Builder.sharing`).
    :param share: Returns the value to keep in place of an equal one,
        called as ``share(value, value)``; ``None`` to change nothing.
        Only exact strings and ``None`` are passed to it (an equal
        value of these types in place of another is the same value).
    :returns: The keys of the objects when they all hold the same keys
        in the same order and the exact type of each value of a key of
        :data:`FIELD_TYPES` is one of its types; else ``None``.
    :raises: :class:`~openstack.exceptions.InvalidResponse` for the first
        object :func:`check_fields` refuses, with its message.
    """
    if not items:
        return None
    try:
        keys = _same_keys_pass(items, repeated, share)
    except (TypeError, ValueError):
        keys = None
    if keys is not None:
        return keys
    try:
        passed = _listed_pass(items)
    except TypeError:
        passed = False
    if not passed:
        for attrs in items:
            check_fields(attrs, where)
    return None
