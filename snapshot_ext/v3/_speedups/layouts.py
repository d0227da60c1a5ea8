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

"""Precomputed class layouts: what openstacksdk recomputes per object.

For every object it builds, openstacksdk's
:class:`~openstack.resource.Resource` works out again which server keys
belong to which attributes (walking the class's MRO and testing each class
attribute with ``isinstance``, then comparing every key with every field in
lower case) and converts the whole object with ``to_dict()``.  None of
that depends on the object.  Here it is computed once per class, with
openstacksdk's own code:

* :class:`Layout`: the class's attribute lists, mappings and key tables,
  and a :class:`Plan` of what ``to_dict()`` gives;
* :class:`Component`: openstacksdk's component manager, whose set of
  changes is made when first used (:class:`_MadeOnUse`).

The layouts are made and handed out by
:func:`snapshot_ext.v3._speedups.mixin.layout`, after the self-check.
This module depends on openstacksdk and :mod:`snapshot_ext.v3._compat`
only.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import MutableMapping
import functools
from typing import Any
from typing import Generic
from typing import TypeVar

from openstack import resource

from snapshot_ext.v3 import _compat
from snapshot_ext.v3._compat import fields

T = TypeVar('T')

_BASE = resource.Resource
_TO_DICT = (fields.Body, fields.Header, fields.Computed)


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

    # The values, in the object itself rather than in a __dict__ of its own.
    __slots__ = ('attributes',)

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
        #: code: the self-check (:func:`.mixin.layout`) found a
        #: difference.
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

    @functools.cached_property
    def location_from(self) -> tuple[tuple[str, str], ...]:
        """What ``Resource._update_location()`` reads for the class.

        It reads each attribute the class has of ``project_id`` and
        ``availability_zone`` (as ``hasattr`` on the object, which for a
        field of the class is always true).

        :returns: (keyword of the location, attribute) pairs.
        """
        return tuple(
            (keyword, attr)
            for keyword, attr in (
                ('project_id', 'project_id'),
                ('zone', 'availability_zone'),
            )
            if hasattr(self.cls, attr)
        )

    @property
    def plan(self) -> Plan:
        """The :class:`Plan` of ``to_dict()``."""
        plan = self._plan
        if plan is None:
            plan = self._plan = Plan(self)
        return plan
