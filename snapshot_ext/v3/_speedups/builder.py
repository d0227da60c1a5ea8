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

"""Listed objects made directly from the decoded JSON.

:class:`Builder` makes the objects of a listing from the server's JSON
objects without going through ``Resource.existing``: the JSON object
becomes the object's body as it is, the ``dict`` content is copied in
once in ``to_dict()`` order, and only what the key order requires
(renamed keys, conversions) is done per object; what depends on that
order is worked out once per order (:class:`_Shape`).  What a listed
object does not need yet is not stored: its header, URI and computed
parts are made when first used, and within one listing equal values of
the keys the class names in ``_repeated_keys`` are stored once (they are
strings, which cannot change).  :meth:`Builder.page` builds a whole
page: when all its objects hold the same keys, the ``dict`` contents are
filled in for all of them at once and each location is found once per
distinct project.  :func:`json_body` reads a page in one piece.

A class whose construction the builder does not know, or whose
self-check found a difference (:attr:`.layouts.Layout.native`), is built
by openstacksdk's ``existing()``.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
import itertools
import json
import operator
from typing import Any
from typing import Generic
from typing import TypeVar

from openstack import resource
import requests

from snapshot_ext.v3._compat import fields
from snapshot_ext.v3._speedups import layouts
from snapshot_ext.v3._speedups import locations
from snapshot_ext.v3._speedups import mixin

R = TypeVar('R', bound=resource.Resource)

#: Distinct values a :class:`Builder` shares per listing, at most.
MAX_SHARED_VALUES = 4096
#: Key orders a :class:`Builder` keeps plans for, at most.
MAX_SHAPES = 64

_BASE = resource.Resource

_dict_new = dict.__new__
_dict_update = dict.update
_dict_set = dict.__setitem__
_dict_get = dict.get
_dict_clear = dict.clear
_dict_del = dict.__delitem__
_dict_pop = dict.pop
_new_component = layouts.Component.__new__
_repeat = itertools.repeat
_chain = itertools.chain.from_iterable
_item_getter = operator.itemgetter


def _run(calls: Iterable[Any]) -> None:
    """Consume an iterator of calls (``map(...)``) for their effect."""
    collections.deque(calls, 0)


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
        for known in (_BASE, mixin.PrecomputedFields):
            method = getattr(known, name, None)
            if found is getattr(method, '__func__', method):
                break
        else:
            return False
    return True


def builds_fast(cls: type, lay: layouts.Layout) -> bool:
    """Tell whether objects of a class may be built from its tables.

    True for a class using :class:`~.mixin.PrecomputedFields`, keeping
    :data:`~.mixin.STATE_SLOTS` in slots, whose objects are built by the
    known methods and hold body values and a location only (no header,
    URI or patch state), every attribute the location depends on being
    in ``to_dict()``.  Both the listing's
    :class:`Builder` and the single-object path
    (:func:`~.mixin.single_layout`) ask this.

    :param cls: The resource class.
    :param lay: Its layout.
    """
    cls_any: Any = cls
    plan = lay.plan
    return bool(
        issubclass(cls, mixin.PrecomputedFields)
        and mixin.keeps_state_in_slots(cls)
        and plan.exact
        and plan.body_only
        and list(plan.computed_keys) == ['location']
        and _known_construction(cls)
        and not cls_any.allow_patch
        and not lay.attributes(fields.Header)
        and not lay.attributes(fields.URI)
        and [a for a, _ in lay.attributes(fields.Computed)] == ['location']
        and all(attr in plan.template for _, attr in lay.location_from)
    )


def _changed_location(location: Any) -> layouts.Component:
    """The computed part of an object whose location openstacksdk put in
    place of the token's: holding it, marked changed."""
    computed = layouts.Component.synchronized({'location': location})
    computed._dirty = {'location'}
    return computed


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


def _share(
    shared: dict[str, str],
    items: Iterable[dict[str, Any]],
    repeated: tuple[str, ...],
) -> None:
    """Store each distinct string value of the repeated keys once.

    :param shared: The values stored so far (a builder's, per listing);
        new ones are added while it holds fewer than
        :data:`MAX_SHARED_VALUES`.
    :param items: Objects of the answer, changed in place.
    :param repeated: Their keys whose values to share.
    """
    for attrs in items:
        for key in repeated:
            value = attrs[key]
            try:
                attrs[key] = shared[value]
            except KeyError:
                if value.__class__ is str and len(shared) < MAX_SHARED_VALUES:
                    shared[value] = value
            except TypeError:
                # Not hashable: not a string.
                pass


class _Shape:
    """How to build objects whose keys come in one given order.

    :param plan: The class's :class:`~.layouts.Plan`.
    :param keys: The server keys of the objects, in order.
    :param repeated: The builder's repeated keys.
    :param checked: The builder's checked types, by server key.
    """

    __slots__ = ('renamed', 'stray', 'converted', 'repeated', 'lists')

    def __init__(
        self,
        plan: layouts.Plan,
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

    :param cls: The resource class (one using
        :class:`~.mixin.PrecomputedFields`; any other class is built by
        ``cls.existing``).
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
        lay = mixin.layout(cls)
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
        self._location_from = lay.location_from
        self._location_attrs = tuple(a for _, a in self._location_from)
        # The server name of each body attribute.
        self._server_names = {
            e[0]: e[2] for e in plan.entries if e[1] == '_body'
        }
        # Locations of this builder's objects, by the values they depend on.
        self._locations: dict[Any, tuple[Any, bool]] = {}
        self._shapes: dict[tuple[str, ...], _Shape | None] = {}
        self.fast = builds_fast(cls, lay)
        if self.fast:
            self.build = self._compile()

    def __call__(self, attrs: dict[str, Any]) -> R:
        """Build one object.

        :param attrs: One object of the server's answer (taken over).
        :returns: The clean resource.
        """
        return self.build(attrs)

    def page(
        self,
        items: list[dict[str, Any]],
        keys: tuple[str, ...] | None = None,
    ) -> list[R]:
        """Build the objects of one page.

        Gives what ``[builder(attrs) for attrs in items]`` gives.  When
        every object has the same keys and none needs a conversion or a
        copied list, what depends on the keys is worked out once for the
        page and the ``dict`` contents are filled in for all the objects
        at once.

        :param items: The page's objects, each a dict of the server's
            answer (taken over, as by ``builder(attrs)``).
        :param keys: The keys every one of ``items`` holds, in the order
            of the first, when the caller has made sure of it (see
            :func:`snapshot_ext.v3._checks.check_listed`); ``None`` to
            have them compared here.
        :returns: The clean resources, in order.
        """
        if not self.fast or not items:
            return list(map(self.build, items))
        if keys is None:
            keys = self._same_keys(items)
            if keys is None:
                return list(map(self.build, items))
        try:
            shape = self._shapes[keys]
        except KeyError:
            shape = self._shape(keys)
        if shape is None or not self._as_they_are(items, shape):
            return list(map(self.build, items))
        return self._build_page(items, keys, shape)

    @staticmethod
    def _same_keys(items: list[dict[str, Any]]) -> tuple[str, ...] | None:
        """The keys of the first of ``items`` when each holds exactly
        those, else ``None``.

        :param items: The page's objects.
        """
        keys = tuple(items[0])
        # Every object holds as many keys as the first, and all of them
        # together hold no other key: each holds the same keys.
        if set(map(len, items)) != {len(keys)}:
            return None
        if len(set(_chain(items))) != len(keys):
            return None
        return keys

    @staticmethod
    def _as_they_are(items: list[dict[str, Any]], shape: _Shape) -> bool:
        """Tell whether no value of the page needs a conversion or a copy
        (which ``to_dict()`` makes of lists).

        :param items: The page's objects, all of ``shape``.
        """
        for _, name, _, _, exact in shape.converted:
            if exact is None:
                return False
            found = set(map(type, map(_item_getter(name), items)))
            if not found <= {exact, type(None)}:
                return False
        if shape.lists:
            found = set(map(type, _chain(map(dict.values, items))))
            if list in found:
                return False
        return True

    def _build_page(
        self,
        items: list[dict[str, Any]],
        keys: tuple[str, ...],
        shape: _Shape,
    ) -> list[R]:
        """Build a page whose objects all hold ``keys``, of ``shape``."""
        count = len(items)
        if shape.repeated:
            _share(self._shared, items, shape.repeated)
        conn = self.connection
        located = self._page_locations(items, keys) if conn else None
        if conn and located is None:
            return list(map(self.build, items))
        # The dict content, for all the objects at once: the template (with
        # the object's location), then the values.
        objs: list[Any] = list(map(_dict_new, _repeat(self.cls, count)))
        if located is None:
            templates: Iterable[Any] = _repeat(self._plan.template, count)
        else:
            templates = located[1]
        _run(map(_dict_update, objs, templates))
        _run(map(_dict_update, objs, items))
        # Server names renamed that are no key: moved to their key.
        moved = tuple(
            (key, name) for key, name in shape.renamed if name in shape.stray
        )
        moved_names = {name for _, name in moved}
        renamed = tuple(pair for pair in shape.renamed if pair not in moved)
        stray = tuple(name for name in shape.stray if name not in moved_names)
        microversion = self.microversion
        component_cls = layouts.Component
        new_component = _new_component
        pop = _dict_pop
        locs = located[0] if located is not None else _repeat(None, count)
        # The state, in the objects' slots (see mixin.STATE_SLOTS).
        for obj, attrs, location in zip(objs, items, locs, strict=True):
            for key, name in moved:
                _dict_set(obj, key, pop(obj, name))
            for key, name in renamed:
                _dict_set(obj, key, attrs[name])
            for name in stray:
                _dict_del(obj, name)
            body = new_component(component_cls)
            body.attributes = attrs
            obj._connection = conn
            obj.microversion = microversion
            obj._body = body
            obj._snapshot_ext_location = location
        if located is not None:
            for n in located[2]:
                # openstacksdk replaced the token's location: a change.
                objs[n]._computed = _changed_location(located[0][n])
        return objs

    def _page_locations(
        self, items: list[dict[str, Any]], keys: tuple[str, ...]
    ) -> tuple[list[Any], list[dict[str, Any]], list[int]] | None:
        """The locations of a page's objects, which all hold ``keys``.

        :returns: Per object its location and its ``dict`` template (the
            class's, with the location), and the indexes of the objects
            whose location openstacksdk marks changed; ``None`` when a
            value the location depends on cannot be a dictionary key.
        """
        count = len(items)
        template = self._plan.template
        columns = []
        for attr in self._location_attrs:
            name = self._server_names.get(attr)
            if name is not None and name in keys:
                columns.append(list(map(_item_getter(name), items)))
            else:
                columns.append([template[attr]] * count)
        if len(columns) == 1:
            depends: list[Any] = columns[0]
        elif columns:
            depends = list(zip(*columns, strict=True))
        else:
            depends = [()] * count
        try:
            distinct = set(depends)
        except TypeError:
            return None
        found: dict[Any, tuple[dict[str, Any], Any]] = {}
        moved_values: set[Any] = set()
        for value in distinct:
            try:
                location, changed = self._locations[value]
            except KeyError:
                location, changed = self._location(value)
            found[value] = ({**template, 'location': location}, location)
            if changed:
                moved_values.add(value)
        pairs = list(map(found.__getitem__, depends))
        moved = (
            [n for n, value in enumerate(depends) if value in moved_values]
            if moved_values
            else []
        )
        return [p[1] for p in pairs], [p[0] for p in pairs], moved

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
        body = mixin.layout(self.cls).table(fields.Body).consume(dict(attrs))
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
        compute = self._plan.compute
        convert = fields._convert_type
        locations_found = self._locations
        find_location = self._location
        location_attrs = self._location_attrs
        one_location_attr = (
            location_attrs[0] if len(location_attrs) == 1 else None
        )
        new_component = _new_component
        component_cls = layouts.Component

        def build(attrs: dict[str, Any]) -> R:
            keys = tuple(attrs)
            try:
                shape = shapes[keys]
            except KeyError:
                shape = find_shape(keys)
            if shape is None:
                return build_other(attrs)
            if shape.repeated:
                _share(shared, (attrs,), shape.repeated)
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
            obj._connection = conn
            obj.microversion = microversion
            obj._body = body
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
                    obj._computed = _changed_location(location)
                else:
                    obj._snapshot_ext_location = location
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
        locs = locations.locations(conn)
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
            if len(self._locations) < locations.MAX_LOCATIONS:
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
