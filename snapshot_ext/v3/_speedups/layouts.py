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

"""Precomputed resource layouts: openstacksdk resources at dict speed.

For every object it builds, openstacksdk's
:class:`~openstack.resource.Resource` works out again which server keys
belong to which attributes (walking the class's MRO and testing each class
attribute with ``isinstance``, then comparing every key with every field in
lower case), converts the whole object with ``to_dict()``, and asks the
connection for the object's location, which checks the token's expiry.
None of that depends on the object.  This module computes it once:

* :class:`Layout`: per resource class, the field tables and mappings, and
  a :class:`Plan` of what ``to_dict()`` gives;
* :class:`Locations`: per connection and token, the ``location`` of the
  token's project and of each other project seen.  The objects of one
  project share one location object, as they share the cloud, region and
  project it describes;
* :func:`endpoint_override`: per proxy and token, the service endpoint,
  which keystoneauth otherwise looks up in a deep copy of the service
  catalog for every request.

:class:`PrecomputedFields`, a mixin placed before openstacksdk's class,
makes openstacksdk's own code paths (``new``, ``existing``, responses of
fetch, create, commit and delete, ``to_dict()``) use these tables, and
:class:`Builder` makes listed objects directly from the decoded JSON
(:func:`json_body` reads a page in one piece).  Either way an object
equals (``==``, ``to_dict()``, ``repr()``, clean state) what openstacksdk
builds for the same class and values.  What a listed object does not need
yet is not stored: its header, URI and computed parts are made when first
used, and within one listing equal values of the keys the class names in
``_repeated_keys`` are stored once (they are strings, which cannot
change).  Nothing in openstacksdk itself changes: only classes that use
the mixin behave differently, and only in cost.

Before the first object of such a class is built, :func:`self_check`
builds sample objects both ways and compares them; on any difference the
class is built by openstacksdk's own code from then on, with one warning
(see :mod:`snapshot_ext.v3._speedups.check`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import MutableMapping
import json
import logging
import threading
import time
from typing import Any
from typing import Generic
from typing import TypeVar
import weakref

from openstack import resource
import requests

from snapshot_ext.v3 import _compat
from snapshot_ext.v3._compat import fields
from snapshot_ext.v3._speedups import check as _fast_check

LOG = logging.getLogger(__name__)

R = TypeVar('R', bound=resource.Resource)
T = TypeVar('T')

#: Distinct values a :class:`Builder` shares per listing, at most.
MAX_SHARED_VALUES = 4096
#: Locations kept per connection or listing (by project and zone), at most.
MAX_LOCATIONS = 1024
#: Key orders a :class:`Builder` keeps plans for, at most.
MAX_SHAPES = 64
#: Where :class:`Builder` keeps an object's location until the object's
#: computed component is first used.
LOCATION_ATTR = '_snapshot_ext_location'

_BASE = resource.Resource
_Manager = resource._ComponentManager
_TO_DICT = (fields.Body, fields.Header, fields.Computed)

_dict_new = dict.__new__
_dict_update = dict.update
_dict_set = dict.__setitem__
_dict_get = dict.get
_dict_clear = dict.clear
_dict_del = dict.__delitem__


class _MadeOnUse(Generic[T]):
    """A class attribute whose per-object value is made on first access.

    A non-data descriptor: once made, the value lives in the object's
    ``__dict__`` and is found there directly, so later reads and writes
    cost what any attribute costs.

    :param factory: Makes the value for an object.
    """

    def __init__(self, factory: Callable[[Any], T]) -> None:
        self.factory = factory
        self.name = ''

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = self.factory(instance)
        object.__setattr__(instance, self.name, value)
        return value


class Component(resource._ComponentManager):
    """openstacksdk's component manager, its set of changes made on use.

    Behaves exactly as openstacksdk's; an object that is never changed
    carries no empty set.
    """

    _dirty: set[str] = _MadeOnUse(  # type: ignore[assignment]
        lambda component: set()
    )

    @classmethod
    def synchronized(cls, attributes: dict[str, Any]) -> Component:
        """Make a clean component holding ``attributes`` (not copied).

        :param attributes: The values, keyed by server name.
        :returns: The component.
        """
        component = cls.__new__(cls)
        component.attributes = attributes
        return component


_new_component = Component.__new__


def _empty_component(owner: Any) -> Component:
    return Component.synchronized({})


def _computed_component(owner: Any) -> Component:
    # Clean, as openstacksdk leaves it: the location when there is a
    # connection (openstacksdk always sets one then), else nothing.
    attributes = {}
    if owner._connection:
        attributes['location'] = getattr(owner, LOCATION_ATTR, None)
    return Component.synchronized(attributes)


class _Table:
    """How ``Resource._consume_attrs`` sorts keys for one mapping.

    :param mapping: A mapping from server name to attribute name, as
        ``Resource._get_mapping`` makes it.
    """

    def __init__(self, mapping: MutableMapping[str, Any]) -> None:
        case_insensitive = not isinstance(mapping, dict)
        self.exact = frozenset(mapping.values()) | (
            frozenset() if case_insensitive else frozenset(mapping.keys())
        )
        self.lowered = (
            frozenset(k.lower() for k in mapping.keys())
            if case_insensitive
            else frozenset()
        )
        targets: dict[str, tuple[str, ...]] = {}
        for key in list(mapping.keys()) + list(mapping.values()):
            low = key.lower()
            targets[low] = tuple(
                server
                for server, attr in mapping.items()
                if low in (server.lower(), attr.lower())
            )
        self.targets = targets

    def consume(self, attrs: MutableMapping[str, Any]) -> dict[str, Any]:
        """Take the keys of ``attrs`` that the mapping knows.

        :param attrs: Keys and values; the known keys are removed.
        :returns: The values of the known keys, by server name.
        """
        relevant: dict[str, Any] = {}
        consumed = []
        exact = self.exact
        lowered = self.lowered
        targets = self.targets
        for key, value in attrs.items():
            if key in exact or (lowered and key.lower() in lowered):
                for server in targets[key.lower()]:
                    relevant[server] = value
                consumed.append(key)
        for key in consumed:
            attrs.pop(key)
        return relevant


class Plan:
    """What ``to_dict()`` with default arguments gives for one class.

    ``exact`` is ``False`` when the class has something the plan does not
    model (aliases, deprecated fields, fields shadowed by other
    attributes, unknown attributes kept in the body); openstacksdk's own
    ``to_dict()`` is used then.

    :param lay: The class's layout.
    """

    def __init__(self, lay: Layout) -> None:
        cls = lay.cls
        entries: list[tuple[str, str, str, Any, Any, Any]] = []
        seen: set[str] = set()
        exact = not (
            cls._allow_unknown_attrs_in_body
            or cls._store_unknown_attrs_as_properties
        )
        for attr, _component in lay.attributes(_TO_DICT):
            if attr in seen:
                continue
            seen.add(attr)
            # The value comes from the attribute the class resolves, which
            # may be a subclass's field of the same name.
            field = getattr(cls, attr, None)
            if (
                not isinstance(field, _TO_DICT)
                or field.alias
                or field.aka
                or field.deprecated
            ):
                exact = False
                break
            entries.append(
                (
                    attr,
                    field.key,
                    field.name,
                    field.default,
                    _compat.field_type(field),
                    field.list_type,
                )
            )
        self.exact = exact
        #: (key, component, server name, default, type, list type)
        self.entries = tuple(entries)
        #: Every key with its value when absent, in order.
        self.template = {e[0]: e[3] for e in entries}
        body = [e for e in entries if e[1] == '_body']
        #: (key, server name, type, list type, type taken as it is):
        #: body values converted by their field's type.
        self.converted = tuple(
            (
                e[0],
                e[2],
                e[4],
                e[5],
                e[4]
                if isinstance(e[4], type) and not issubclass(e[4], list)
                else None,
            )
            for e in body
            if e[4] is not None
        )
        #: Keys taken from the computed component (the location).
        self.computed_keys = tuple(
            e[0] for e in entries if e[1] == '_computed'
        )
        self.body_only = len(body) + len(self.computed_keys) == len(entries)

    def compute(self, obj: resource.Resource) -> dict[str, Any]:
        """``obj.to_dict()`` for an object of the class.

        :param obj: The object.
        :returns: The dictionary.
        """
        sources = {
            '_body': obj._body.attributes,
            '_header': obj._header.attributes,
            '_computed': obj._computed.attributes,
        }
        out: dict[str, Any] = {}
        for key, source, name, default, data_type, list_type in self.entries:
            values = sources[source]
            if name in values:
                value = values[name]
                if value is not None and data_type is not None:
                    value = fields._convert_type(value, data_type, list_type)
            else:
                value = default
            out[key] = _plain(value)
        return out


def _plain(value: Any) -> Any:
    """``Resource._attr_to_dict`` for a value already read."""
    if isinstance(value, resource.Resource):
        return value.to_dict()
    if value and isinstance(value, list):
        return [
            item.to_dict() if isinstance(item, resource.Resource) else item
            for item in value
        ]
    return value


class Layout:
    """Everything about a resource class that openstacksdk recomputes.

    Each table is made on first use with openstacksdk's own code, so it
    holds what openstacksdk computes for the class.

    :param cls: The resource class.
    """

    def __init__(self, cls: type[resource.Resource]) -> None:
        self.cls = cls
        self._iterated: dict[Any, tuple[tuple[str, Any], ...]] = {}
        self._mappings: dict[type, MutableMapping[str, Any]] = {}
        self._tables: dict[type, _Table] = {}
        self._plan: Plan | None = None
        #: Whether objects of the class are built by openstacksdk's own
        #: code: the self-check (:func:`layout`) found a difference.
        self.native = False

    def attributes(self, components: Any) -> tuple[tuple[str, Any], ...]:
        """``cls._attributes_iterator(components)``, as a tuple.

        :param components: A component class or a tuple of them.
        :returns: ``(attribute name, component)`` pairs in MRO order.
        """
        try:
            return self._iterated[components]
        except KeyError:
            pass
        iterate: Any = _BASE._attributes_iterator
        pairs = tuple(iterate.__func__(self.cls, components))
        self._iterated[components] = pairs
        return pairs

    def mapping(self, component: type) -> MutableMapping[str, Any]:
        """``Resource._get_mapping`` (server name to attribute name).

        :param component: The component class.
        :returns: The mapping, shared: callers must not change it.
        """
        try:
            return self._mappings[component]
        except KeyError:
            pass
        get_mapping: Any = _BASE._get_mapping
        mapping: MutableMapping[str, Any] = get_mapping.__func__(
            self.cls, component
        )
        self._mappings[component] = mapping
        return mapping

    def table(self, component: type) -> _Table:
        """The key table of one component class.

        :param component: The component class.
        :returns: The table.
        """
        try:
            return self._tables[component]
        except KeyError:
            pass
        table = _Table(self.mapping(component))
        self._tables[component] = table
        return table

    @property
    def plan(self) -> Plan:
        """The :class:`Plan` of ``to_dict()``."""
        plan = self._plan
        if plan is None:
            plan = self._plan = Plan(self)
        return plan


_layouts: dict[type, Layout] = {}
#: Layouts of classes whose self-check is under way (by this thread: the
#: lock is held meanwhile).
_checking: dict[type, Layout] = {}
_layouts_lock = threading.RLock()


def layout(cls: type[resource.Resource]) -> Layout:
    """Return the :class:`Layout` of a resource class, made once.

    :param cls: The resource class.
    :returns: Its layout.
    """
    try:
        return _layouts[cls]
    except KeyError:
        pass
    with _layouts_lock:
        found = _layouts.get(cls) or _checking.get(cls)
        if found is None:
            found = Layout(cls)
            if issubclass(cls, PrecomputedFields):
                _checking[cls] = found
                try:
                    found.native = not self_check(cls)
                finally:
                    del _checking[cls]
            _layouts[cls] = found
        return found


def self_check(cls: type[resource.Resource]) -> bool:
    """Tell whether the fast path builds what openstacksdk builds.

    Run once per class, before its first object is built (by
    :func:`layout`): sample objects are built both ways and compared
    (:mod:`snapshot_ext.v3._speedups.check`).  On any difference one warning
    is logged, and the class's objects are built by openstacksdk's own
    code from then on (:attr:`Layout.native`).

    :param cls: A resource class using :class:`PrecomputedFields`.
    :returns: ``True`` when the fast path may be used.
    """
    found = _fast_check.differences(cls, PrecomputedFields, Builder)
    if not found:
        return True
    LOG.warning(
        "%s.%s: objects built the fast way differ from openstacksdk's "
        "(%s%s); this openstacksdk's own construction is used for the "
        "class instead",
        cls.__module__,
        cls.__qualname__,
        '; '.join(found[:3]),
        f'; {len(found) - 3} more' if len(found) > 3 else '',
    )
    return False


# Locations ---------------------------------------------------------------


def _auth_ref(conn: Any) -> Any:
    auth = getattr(getattr(conn, 'session', None), 'auth', None)
    return getattr(auth, 'auth_ref', None)


class Locations:
    """The ``location`` values of one connection, made once per token.

    openstacksdk computes a location (cloud, region, project, zone) from
    the connection's configuration and the token's project for every
    object.  Here openstacksdk's own methods compute it once per token,
    project and zone, and the same object is handed to every resource of
    that project.  Without a token (or with an authentication plugin that
    keeps none) nothing is kept.
    """

    def __init__(self) -> None:
        self._ref: Any = None
        self._current: Any = None
        self._by_project: dict[tuple[Any, Any], Any] = {}

    def current(self, conn: Any) -> Any:
        """``conn.current_location``.

        :param conn: The connection.
        :returns: The location of the token's project.
        """
        ref = _auth_ref(conn)
        if ref is not None and ref is self._ref:
            return self._current
        current = conn.current_location
        self._by_project = {}
        self._current = current
        # Computing it may have fetched a token.
        self._ref = _auth_ref(conn)
        return current

    def get(self, conn: Any, **kwargs: Any) -> Any:
        """``conn._get_current_location(**kwargs)``.

        :param conn: The connection.
        :param kwargs: ``project_id`` and/or ``zone``.
        :returns: The location; the current one when they are equal.
        """
        current = self.current(conn)
        if self._ref is None:
            return conn._get_current_location(**kwargs)
        key = (kwargs.get('project_id'), kwargs.get('zone'))
        try:
            return self._by_project[key]
        except KeyError:
            pass
        except TypeError:
            return conn._get_current_location(**kwargs)
        location = conn._get_current_location(**kwargs)
        if location == current:
            location = current
        if len(self._by_project) < MAX_LOCATIONS:
            self._by_project[key] = location
        return location


_locations: weakref.WeakKeyDictionary[Any, Locations] = (
    weakref.WeakKeyDictionary()
)
_locations_lock = threading.Lock()


def locations(conn: Any) -> Locations:
    """Return the :class:`Locations` of a connection.

    :param conn: The connection.
    :returns: Its locations, made on first use and dropped with it.
    """
    try:
        return _locations[conn]
    except KeyError:
        pass
    with _locations_lock:
        found = _locations.get(conn)
        if found is None:
            found = _locations[conn] = Locations()
        return found


# The mixin ---------------------------------------------------------------


class PrecomputedFields:
    """Make openstacksdk's resource code use the class's :class:`Layout`.

    Placed before an openstacksdk resource class in the bases.  Each
    method replaced recomputes, in openstacksdk, something that depends
    only on the class or the connection; here it returns the same from
    tables made once.  The header, URI and computed components of objects
    made by :class:`Builder` are made when first used.
    """

    _header: _Manager = _MadeOnUse(  # type: ignore[assignment]
        _empty_component
    )
    _uri: _Manager = _MadeOnUse(  # type: ignore[assignment]
        _empty_component
    )
    _computed: _Manager = _MadeOnUse(  # type: ignore[assignment]
        _computed_component
    )

    @classmethod
    def _attributes_iterator(
        cls,
        components: Any = (fields.Body, fields.Header),
    ) -> Generator[tuple[str, Any], None, None]:
        this: Any = cls
        lay = layout(this)
        if lay.native:
            iterate: Any = _BASE._attributes_iterator
            yield from iterate.__func__(this, components)
            return
        yield from lay.attributes(components)

    @classmethod
    def _get_mapping(cls, component: type) -> MutableMapping[str, Any]:
        this: Any = cls
        lay = layout(this)
        if lay.native:
            get_mapping: Any = _BASE._get_mapping
            return get_mapping.__func__(this, component)  # type: ignore[no-any-return]
        mapping: Any = lay.mapping(component)
        return mapping.copy()  # type: ignore[no-any-return]

    def _consume_mapped_attrs(
        self,
        mapping_cls: type,
        attrs: MutableMapping[str, Any],
    ) -> dict[str, Any]:
        this: Any = type(self)
        lay = layout(this)
        if lay.native:
            consume: Any = _BASE._consume_mapped_attrs
            return consume(self, mapping_cls, attrs)  # type: ignore[no-any-return]
        return lay.table(mapping_cls).consume(attrs)

    def _collect_attrs(
        self, attrs: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
        this: Any = self
        if (
            layout(type(this)).native
            or type(this)._compute_attributes is not _BASE._compute_attributes
        ):
            return _BASE._collect_attrs(this, attrs)
        body = this._consume_body_attrs(attrs)
        header = this._consume_header_attrs(attrs)
        uri = this._consume_uri_attrs(attrs)
        if attrs:
            if this._allow_unknown_attrs_in_body:
                body.update(attrs)
            elif this._store_unknown_attrs_as_properties:
                body = this._pack_attrs_under_properties(body, attrs)
        if body or header or uri:
            # openstacksdk goes on with _compute_attributes(), which gives
            # nothing unless a subclass overrides it (handled above).
            computed: dict[str, Any] = {}
        else:
            computed = this._consume_mapped_attrs(fields.Computed, attrs)
        conn = this._connection
        if conn:
            computed.setdefault('location', locations(conn).current(conn))
        return body, header, uri, computed

    def _update_location(self) -> None:
        this: Any = self
        if layout(type(this)).native:
            _BASE._update_location(this)
            return
        conn = this._connection
        if not conn:
            return
        kwargs = {}
        if hasattr(this, 'project_id'):
            kwargs['project_id'] = this.project_id
        if hasattr(this, 'availability_zone'):
            kwargs['zone'] = this.availability_zone
        if kwargs:
            this.location = locations(conn).get(conn, **kwargs)

    def to_dict(
        self,
        body: bool = True,
        headers: bool = True,
        computed: bool = True,
        ignore_none: bool = False,
        original_names: bool = False,
        _to_munch: bool = False,
    ) -> dict[str, Any]:
        this: Any = self
        if (
            body
            and headers
            and computed
            and not (ignore_none or original_names or _to_munch)
        ):
            lay = layout(type(this))
            if not lay.native and lay.plan.exact:
                return lay.plan.compute(this)
        return _BASE.to_dict(
            this,
            body=body,
            headers=headers,
            computed=computed,
            ignore_none=ignore_none,
            original_names=original_names,
            _to_munch=_to_munch,
        )

    # openstacksdk's aliases of to_dict.
    toDict = to_dict
    copy = to_dict


# Building listed objects ---------------------------------------------------

# The methods that decide what an object built from attributes holds.
_CONSTRUCTION = (
    '__init__',
    '_collect_attrs',
    '_update_location',
    'to_dict',
    '_attr_to_dict',
    '_consume_body_attrs',
    '_consume_mapped_attrs',
    '_get_mapping',
    '_attributes_iterator',
    '_compute_attributes',
)


def _known_construction(cls: type) -> bool:
    """Tell whether ``cls`` builds objects with the known methods only."""
    for name in _CONSTRUCTION:
        found = getattr(cls, name)
        found = getattr(found, '__func__', found)
        for known in (_BASE, PrecomputedFields):
            method = getattr(known, name, None)
            if found is getattr(method, '__func__', method):
                break
        else:
            return False
    return True


def _kept_as_is(types: tuple[type, ...] | None, exact: type | None) -> bool:
    """Tell whether every value of these types is kept by the conversion
    to a field of type ``exact`` (see fields._convert_type)."""
    if types is None or exact is None:
        return False
    return all(t is type(None) or issubclass(t, exact) for t in types)


def _may_be_list(types: tuple[type, ...] | None) -> bool:
    """Tell whether a value of a key checked for these types may be a
    list (``None``: not checked)."""
    if types is None:
        return True
    return any(issubclass(t, list) for t in types)


class _Shape:
    """How to build objects whose keys come in one given order.

    :param plan: The class's :class:`Plan`.
    :param keys: The server keys of the objects, in order.
    :param repeated: The builder's repeated keys.
    :param checked: The builder's checked types, by server key.
    """

    __slots__ = ('renamed', 'stray', 'converted', 'repeated', 'lists')

    def __init__(
        self,
        plan: Plan,
        keys: tuple[str, ...],
        repeated: tuple[str, ...],
        checked: Mapping[str, tuple[type, ...]],
    ) -> None:
        present = set(keys)
        body = [e for e in plan.entries if e[1] == '_body']
        #: (key, server name) of the values stored under another name
        #: than their attribute's.
        self.renamed = tuple(
            (e[0], e[2]) for e in body if e[2] in present and e[2] != e[0]
        )
        #: Server names copied in with the body that are not keys.
        self.stray = tuple(
            {name for _, name in self.renamed if name not in plan.template}
        )
        #: The typed fields present whose values may need converting
        #: (see Plan.converted): not those whose checked types all are
        #: the field's type already.
        self.converted = tuple(
            entry
            for entry in plan.converted
            if entry[1] in present
            and not _kept_as_is(checked.get(entry[1]), entry[4])
        )
        #: Whether a value may be a list (which to_dict() copies).
        self.lists = any(_may_be_list(checked.get(key)) for key in keys)
        #: The repeated keys present.
        self.repeated = tuple(key for key in repeated if key in present)


class Builder(Generic[R]):
    """Make clean objects of one class from the objects of a listing.

    ``builder(attrs)`` returns what ``cls.existing(connection=connection,
    microversion=microversion, **attrs)`` returns, field for field, from
    one object of a decoded JSON answer, without recomputing the class's
    tables or the location for each object.  ``attrs`` becomes the
    object's body: the caller hands it over and must not use it after.
    What depends on the order of an object's keys is worked out once per
    order (the objects of one answer usually share it).

    :param cls: The resource class (one using :class:`PrecomputedFields`;
        any other class is built by ``cls.existing``).
    :param connection: The connection the objects belong to, or ``None``.
    :param microversion: The microversion the answer was made at.
    :param repeated: Server keys whose string values usually repeat from
        object to object; each distinct value is kept once per builder.
    :param checked: The types the caller has made sure the values of
        some keys have (``None`` included as ``type(None)``), e.g. from
        a response check; conversions and copies these types make
        unnecessary are skipped.
    """

    def __init__(
        self,
        cls: type[R],
        connection: Any,
        microversion: str | None,
        repeated: Iterable[str] = (),
        checked: Mapping[str, tuple[type, ...]] | None = None,
    ) -> None:
        self.cls = cls
        self.connection = connection
        self.microversion = microversion
        self.repeated = tuple(repeated)
        self.checked = dict(checked or {})
        self._shared: dict[str, str] = {}
        lay = layout(cls)
        self.fast = False
        self.build: Callable[[dict[str, Any]], R] = self._slow
        if lay.native:
            # The self-check found a difference: openstacksdk builds all.
            return
        plan = lay.plan
        self._plan = plan
        body_table = lay.table(fields.Body)
        # Keys that land in the body under their own name only.
        self._as_is = frozenset(
            key
            for key in body_table.exact
            if body_table.targets[key.lower()] == (key,)
        )
        # What Resource._update_location() reads, by keyword.
        self._location_from = tuple(
            (keyword, attr)
            for keyword, attr in (
                ('project_id', 'project_id'),
                ('zone', 'availability_zone'),
            )
            if hasattr(cls, attr)
        )
        self._location_attrs = tuple(a for _, a in self._location_from)
        # Locations of this builder's objects, by the values they depend on.
        self._locations: dict[Any, tuple[Any, bool]] = {}
        self._shapes: dict[tuple[str, ...], _Shape | None] = {}
        cls_any: Any = cls
        self.fast = (
            issubclass(cls, PrecomputedFields)
            and plan.exact
            and plan.body_only
            and list(plan.computed_keys) == ['location']
            and _known_construction(cls)
            and not cls_any.allow_patch
            and not lay.attributes(fields.Header)
            and not lay.attributes(fields.URI)
            and [a for a, _ in lay.attributes(fields.Computed)] == ['location']
            and all(attr in plan.template for attr in self._location_attrs)
        )
        if self.fast:
            self.build = self._compile()

    def __call__(self, attrs: dict[str, Any]) -> R:
        """Build one object.

        :param attrs: One object of the server's answer (taken over).
        :returns: The clean resource.
        """
        return self.build(attrs)

    def _slow(self, attrs: dict[str, Any]) -> R:
        return self.cls.existing(
            connection=self.connection,
            microversion=self.microversion,
            **attrs,
        )

    def _shape(self, keys: tuple[str, ...]) -> _Shape | None:
        """The shape of objects with these keys; ``None`` for unknown keys.

        :param keys: The keys of an object, in order.
        """
        try:
            return self._shapes[keys]
        except KeyError:
            pass
        shape = None
        if set(keys) <= self._as_is and self._renamable(keys):
            shape = _Shape(self._plan, keys, self.repeated, self.checked)
        if len(self._shapes) < MAX_SHAPES:
            self._shapes[keys] = shape
        return shape

    def _renamable(self, keys: tuple[str, ...]) -> bool:
        """Tell whether copying these keys in by name gives each attribute
        its own value: no key is another field's attribute name."""
        body = {e[0]: e[2] for e in self._plan.entries if e[1] == '_body'}
        return all(key not in body or body[key] == key for key in keys)

    def _build_other(self, attrs: dict[str, Any]) -> R:
        """Build from an object with keys the body does not take as-is."""
        body = layout(self.cls).table(fields.Body).consume(dict(attrs))
        if not body or self._shape(tuple(body)) is None:
            # openstacksdk then looks for computed values among them.
            return self._slow(attrs)
        return self.build(body)

    def _compile(self) -> Callable[[dict[str, Any]], R]:
        """Make the function that builds one object.

        Everything the function uses is bound once here, so that building
        an object only costs what the object needs.
        """
        cls = self.cls
        conn = self.connection
        microversion = self.microversion
        template = self._plan.template
        shapes = self._shapes
        find_shape = self._shape
        build_other = self._build_other
        shared = self._shared
        share = shared.setdefault
        compute = self._plan.compute
        convert = fields._convert_type
        locations_found = self._locations
        find_location = self._location
        location_attrs = self._location_attrs
        one_location_attr = (
            location_attrs[0] if len(location_attrs) == 1 else None
        )
        new_component = _new_component
        component_cls = Component

        def build(attrs: dict[str, Any]) -> R:
            keys = tuple(attrs)
            try:
                shape = shapes[keys]
            except KeyError:
                shape = find_shape(keys)
            if shape is None:
                return build_other(attrs)
            if shape.repeated and len(shared) < MAX_SHARED_VALUES:
                for key in shape.repeated:
                    value = attrs[key]
                    if value.__class__ is str:
                        attrs[key] = share(value, value)
            obj: Any = _dict_new(cls)
            # What to_dict() gives: every key in order with its default,
            # then the values under their attribute names, converted by
            # their field's type.
            _dict_update(obj, template)
            _dict_update(obj, attrs)
            for key, name in shape.renamed:
                _dict_set(obj, key, attrs[name])
            for name in shape.stray:
                _dict_del(obj, name)
            for key, name, data_type, list_type, exact in shape.converted:
                value = attrs[name]
                if value is not None and value.__class__ is not exact:
                    _dict_set(obj, key, convert(value, data_type, list_type))
            body = new_component(component_cls)
            body.attributes = attrs
            # A plain dict: smaller than the attribute storage CPython
            # reserves for the many attributes objects of the class may get.
            state = {
                '_connection': conn,
                'microversion': microversion,
                '_body': body,
            }
            if conn:
                if one_location_attr is not None:
                    depends: Any = _dict_get(obj, one_location_attr)
                else:
                    depends = tuple(_dict_get(obj, a) for a in location_attrs)
                try:
                    location, moved = locations_found[depends]
                except (KeyError, TypeError):
                    location, moved = find_location(depends)
                _dict_set(obj, 'location', location)
                if moved:
                    # openstacksdk replaced the token's location: a change.
                    computed = Component.synchronized({'location': location})
                    computed._dirty = {'location'}
                    state['_computed'] = computed
                else:
                    state[LOCATION_ATTR] = location
            obj.__dict__ = state
            if shape.lists and list in map(type, attrs.values()):
                # to_dict() copies lists.
                _dict_clear(obj)
                _dict_update(obj, compute(obj))
            return obj  # type: ignore[no-any-return]

        return build

    def _location(self, depends: Any) -> tuple[Any, bool]:
        """Find an object's location.

        :param depends: The object's values of the attributes
            ``Resource._update_location`` reads (one value, or a tuple).
        :returns: The location, and whether openstacksdk would have put it
            in place of the token's location (which marks it changed).
        """
        conn = self.connection
        locs = locations(conn)
        current = locs.current(conn)
        if self._location_from:
            values = depends if len(self._location_from) > 1 else (depends,)
            kwargs = {
                keyword: value
                for (keyword, _), value in zip(
                    self._location_from, values, strict=True
                )
            }
            location = locs.get(conn, **kwargs)
        else:
            location = current
        # The component marks a value changed when it differs (!=) from
        # the one it holds, as openstacksdk's _update_location does.
        found = (location, location != current)
        try:
            if len(self._locations) < MAX_LOCATIONS:
                self._locations[depends] = found
        except TypeError:
            pass
        return found


# Response bodies ---------------------------------------------------------


def json_body(response: requests.Response) -> Any:
    """Decode a JSON response body, read in one piece.

    ``response.json()`` has ``requests`` read the body in chunks of 10 KiB
    and decode it to text first; a page of a thousand snapshots is about
    half a megabyte.  For a response requested with ``stream=True`` this
    reads it with one call and decodes the JSON from the bytes (UTF-8, 16
    or 32, as JSON allows).  A body already read (``stream=False``, or by
    keystoneauth's debug logging) is used as it is.

    :param response: The response.
    :returns: The decoded JSON.
    :raises: ValueError when the body is not JSON.
    """
    return json.loads(b''.join(response.iter_content(chunk_size=None)))


# Endpoints ---------------------------------------------------------------

_ENDPOINT_ATTR = '_snapshot_ext_endpoint'


def endpoint_override(proxy: Any) -> str | None:
    """The proxy's endpoint, looked up once per token.

    keystoneauth looks the endpoint up in the service catalog for every
    request (deep-copying the catalog each time).  This returns the URL
    that lookup gives, found once with the proxy's own service type,
    interface, region and version filters, and found again when the token
    is re-issued or due to be.  ``None`` means "let keystoneauth look it
    up": the proxy has an ``endpoint_override`` or ``allow`` filters of its
    own, there is no token yet, or the plugin keeps none.

    :param proxy: A keystoneauth Adapter (an openstacksdk proxy).
    :returns: The endpoint with ``%`` escaped for keystoneauth's
        ``endpoint_override`` substitution, or ``None``.
    """
    if proxy.endpoint_override or proxy.allow:
        return None
    auth = proxy.auth or getattr(proxy.session, 'auth', None)
    ref = getattr(auth, 'auth_ref', None)
    if ref is None:
        return None
    filters = (
        proxy.service_type,
        proxy.service_name,
        proxy.interface,
        proxy.region_name,
        proxy.version,
        proxy.min_version,
        proxy.max_version,
        proxy.allow_version_hack,
    )
    cached = getattr(proxy, _ENDPOINT_ATTR, None)
    if (
        cached is not None
        and cached[0] is auth
        and cached[1] is ref
        and cached[2] == filters
        and time.time() < cached[3]
    ):
        return str(cached[4])
    url = proxy.get_endpoint()
    # The lookup may have fetched a new token.
    ref = getattr(auth, 'auth_ref', None)
    if not url or not isinstance(url, str) or ref is None:
        # None, or not keystoneauth's answer (a mock.Mock() session).
        return None
    expires = getattr(ref, 'expires', None)
    if expires is None or not getattr(auth, 'reauthenticate', True):
        deadline = float('inf')
    else:
        # keystoneauth re-authenticates this long before expiry.
        margin = getattr(auth, 'MIN_TOKEN_LIFE_SECONDS', 120)
        deadline = expires.timestamp() - margin
    escaped = str(url).replace('%', '%%')
    setattr(proxy, _ENDPOINT_ATTR, (auth, ref, filters, deadline, escaped))
    if time.time() >= deadline:
        return None
    return escaped


def add_endpoint(proxy: Any, kwargs: dict[str, Any]) -> None:
    """Add the proxy's endpoint to the arguments of one request.

    Nothing is added when the request names its own ``endpoint_override``
    or ``endpoint_filter``, or when :func:`endpoint_override` gives
    ``None``; keystoneauth then looks the endpoint up as usual.

    :param proxy: The proxy sending the request.
    :param kwargs: The keyword arguments of ``Proxy.request``; changed.
    :returns: ``None``
    """
    if 'endpoint_override' in kwargs or 'endpoint_filter' in kwargs:
        return
    url = endpoint_override(proxy)
    if url is not None:
        kwargs['endpoint_override'] = url
