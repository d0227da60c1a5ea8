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
strings, which cannot change; :meth:`Builder.sharing` lets the caller do
it while it reads those values anyway).  :meth:`Builder.page` builds a
whole page: when all its objects hold the same keys, the objects are
grouped by their values of the renamed keys and of what the location
depends on (a page usually holds one or a few such groups), one
``dict`` template is made per group, and the ``dict`` contents are
filled in for all the objects at once.

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
import operator
from typing import Any
from typing import Generic
from typing import TypeVar

from openstack import resource

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
_merge = operator.ior


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
            if value.__class__ is not str:
                # An equal string of another type is not the same value.
                continue
            try:
                attrs[key] = shared[value]
            except KeyError:
                if len(shared) < MAX_SHARED_VALUES:
                    shared[value] = value


#: Types whose equal values are the same value: grouping objects by such
#: values gives each object of a group its own value.
_SAME_WHEN_EQUAL = frozenset({str, int, bool, type(None)})


def _equal_is_same(types: Iterable[type]) -> bool:
    """Tell whether two equal values of these exact types are the same
    value of the same type.

    True for strings, ``None`` and integers or booleans, not both
    (``1 == True``); not for floats (``0.0 == -0.0``) or anything else.

    :param types: Exact types, as ``type(value)`` gives them.
    """
    found = set(types)
    return found <= _SAME_WHEN_EQUAL and not {int, bool} <= found


class _Groups(dict[Any, tuple[dict[str, Any], Any]]):
    """The group template of each distinct grouped value of a page.

    Maps what ``operator.itemgetter(*names)`` gives for an object (the
    values of its grouped keys) to the ``dict`` template of its group and
    its location; a value not seen yet makes its group
    (``__missing__``), so that mapping a page's values costs a lookup per
    object.

    The templates' keys are the page's own key objects where the names
    are the same (the JSON decoder makes one object per distinct key of
    a page), so that copying an object's values in over its template
    finds each key by identity.

    :param builder: The builder the groups are made for.
    :param names: The server names grouped on, in order.
    :param shape: The shape of the page's objects.
    :param keys: The keys of the page's objects.
    """

    def __init__(
        self,
        builder: Builder[Any],
        names: tuple[str, ...],
        shape: _Shape,
        keys: Iterable[str],
    ) -> None:
        super().__init__()
        self._builder = builder
        self._names = names
        self._shape = shape
        self._keys = {key: key for key in keys}
        #: The groups whose location openstacksdk marks changed.
        self.changed: list[int] = []

    def __missing__(self, value: Any) -> tuple[dict[str, Any], Any]:
        builder = self._builder
        values = dict(
            zip(
                self._names,
                (value,) if len(self._names) == 1 else value,
                strict=True,
            )
        )
        keys = self._keys
        template = {
            keys.get(key, key): default
            for key, default in builder._plan.template.items()
        }
        for key, name in self._shape.renamed:
            template[key] = values[name]
        location = None
        if builder.connection:
            depends = tuple(
                values.get(builder._server_names.get(attr, ''), template[attr])
                for attr in builder._location_attrs
            )
            found_by = depends[0] if len(depends) == 1 else depends
            try:
                location, changed = builder._locations[found_by]
            except KeyError:
                location, changed = builder._location(found_by)
            template['location'] = location
            if changed:
                self.changed.append(id(template))
        found = (template, location)
        self[value] = found
        return found


class _Shape:
    """How to build objects whose keys come in one given order.

    :param plan: The class's :class:`~.layouts.Plan`.
    :param keys: The server keys of the objects, in order.
    :param repeated: The builder's repeated keys.
    :param checked: The builder's checked types, by server key.
    :param location_attrs: The attributes the location depends on.
    :param server_names: The server name of each body attribute.
    """

    __slots__ = (
        'renamed',
        'stray',
        'converted',
        'repeated',
        'lists',
        'grouped',
        'groupable',
    )

    def __init__(
        self,
        plan: layouts.Plan,
        keys: tuple[str, ...],
        repeated: tuple[str, ...],
        checked: Mapping[str, tuple[type, ...]],
        location_attrs: tuple[str, ...] = (),
        server_names: Mapping[str, str] | None = None,
    ) -> None:
        server_names = server_names or {}
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
        #: The server names a page's objects are grouped on: the renamed
        #: keys, then those the location depends on.
        grouped = [name for _, name in self.renamed]
        for attr in location_attrs:
            name = server_names.get(attr)
            if name is not None and name in present and name not in grouped:
                grouped.append(name)
        self.grouped = tuple(grouped)
        #: Whether the checked types of the grouped keys make equal
        #: values the same (else a page's values are looked at).
        self.groupable = all(
            name in checked and _equal_is_same(checked[name])
            for name in self.grouped
        )


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

    def sharing(
        self,
    ) -> tuple[tuple[str, ...], Callable[[str, str], str]]:
        """What the caller needs to share the repeated values itself.

        A caller that reads every value of the repeated keys anyway (the
        listing's response check does) stores them once at the same time
        and then passes ``shared=True`` to :meth:`page`.

        :returns: The repeated keys, and the function to map each of their
            values through as ``share(value, value)``: it returns the
            value kept for an equal string (the value itself when none
            is kept) and keeps new ones while the builder holds fewer
            than :data:`MAX_SHARED_VALUES` at the start of a page.  Only
            values of exact type ``str`` or ``None`` may be passed.
        """
        shared = self._shared
        if len(shared) < MAX_SHARED_VALUES:
            return self.repeated, shared.setdefault
        return self.repeated, shared.get

    def page(
        self,
        items: list[dict[str, Any]],
        keys: tuple[str, ...] | None = None,
        shared: bool = False,
    ) -> list[R]:
        """Build the objects of one page.

        Gives what ``[builder(attrs) for attrs in items]`` gives.  When
        every object has the same keys and none needs a conversion or a
        copied list, what depends on the keys is worked out once for the
        page, once per group of objects with equal values of the renamed
        keys and the location, and the ``dict`` contents are filled in
        for all the objects at once.

        :param items: The page's objects, each a dict of the server's
            answer (taken over, as by ``builder(attrs)``).
        :param keys: The keys every one of ``items`` holds, in the order
            of the first, when the caller has made sure of it and that
            the exact type of every value of a key in ``checked`` is one
            of its types (see
            :func:`snapshot_ext.v3._checks.check_listed`); ``None`` to
            have them compared here.
        :param shared: Whether the caller has already mapped the values of
            the repeated keys through :meth:`sharing`'s function.
        :returns: The clean resources, in order.
        """
        if not self.fast or not items:
            return list(map(self.build, items))
        checked = keys is not None
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
        if shape.repeated and not shared:
            _share(self._shared, items, shape.repeated)
        # The grouped values, one column per key.
        columns = [
            list(map(_item_getter(name), items)) for name in shape.grouped
        ]
        if not (checked and shape.groupable) and not _equal_is_same(
            set(map(type, _chain(columns)))
        ):
            # Equal values of other types than the checked ones may differ.
            return list(map(self.build, items))
        return self._build_page(items, shape, columns)

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
        shape: _Shape,
        columns: list[list[Any]],
    ) -> list[R]:
        """Build a page whose objects all are of ``shape``, and whose
        equal values of the grouped keys are the same.

        :param columns: The values of each of ``shape.grouped``, in order.
        """
        count = len(items)
        conn = self.connection
        groups = _Groups(self, shape.grouped, shape, items[0])
        if all(column.count(column[0]) == count for column in columns):
            # One group (one project, one progress): looked up once.
            first = tuple(column[0] for column in columns)
            template, location = groups[first[0] if len(first) == 1 else first]
            templates = [template] * count
            locations: Iterable[Any] = _repeat(location, count)
        else:
            found = list(
                map(
                    groups.__getitem__,
                    zip(*columns, strict=True)
                    if len(columns) > 1
                    else columns[0],
                )
            )
            templates = list(map(_item_getter(0), found))
            locations = map(_item_getter(1), found)
        # The dict content, for all the objects at once: the group's
        # template (renamed values and location in place), then the values,
        # then without the server names that are no key.
        # (``dict |= other`` is dict.update without building an argument
        # tuple per call.)
        objs: list[Any] = list(
            map(_merge, map(_dict_new, _repeat(self.cls, count)), templates)
        )
        _run(map(_merge, objs, items))
        for name in shape.stray:
            _run(map(_dict_pop, objs, _repeat(name, count)))
        microversion = self.microversion
        component_cls = layouts.Component
        new_component = _new_component
        # The state, in the objects' slots (see mixin.STATE_SLOTS).
        for obj, attrs, location in zip(objs, items, locations, strict=True):
            body = new_component(component_cls)
            body.attributes = attrs
            obj._connection = conn
            obj.microversion = microversion
            obj._body = body
            obj._snapshot_ext_location = location
        if groups.changed:
            changed = set(groups.changed)
            for obj, template in zip(objs, templates, strict=True):
                if id(template) in changed:
                    # openstacksdk replaced the token's location: a change.
                    obj._computed = _changed_location(template['location'])
        return objs

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
            shape = _Shape(
                self._plan,
                keys,
                self.repeated,
                self.checked,
                self._location_attrs,
                self._server_names,
            )
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
