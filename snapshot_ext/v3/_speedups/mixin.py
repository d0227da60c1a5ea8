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

"""The mixin that makes openstacksdk's code use the precomputed layouts.

:class:`PrecomputedFields`, placed before openstacksdk's class in a
resource's bases, makes openstacksdk's own code paths (``new``,
``existing``, responses of fetch, create, commit and delete,
``to_dict()``) take the class's :class:`~.layouts.Layout` and the
connection's :class:`~.locations.Locations` instead of computing them for
each object.

:func:`layout` hands out each class's layout, made once, after
:func:`self_check` has built sample objects both ways and compared them
(:mod:`.check`); on any difference the class is built by openstacksdk's
own code from then on, with one warning on the
``snapshot_ext.v3._speedups`` logger.

The check costs about as much as building fifty objects openstacksdk's
way, so it runs when the fast path starts to pay: at a class's first
listing (:class:`~.builder.Builder` asks :func:`layout`), or when the
class's objects built one at a time (a get, a create) outnumber
:data:`UNCHECKED_OBJECTS`.  Until then :func:`current` gives
openstacksdk's own construction, so that a script that fetches one
snapshot does not pay for the check.
"""

from __future__ import annotations

from collections.abc import Generator
from collections.abc import MutableMapping
import logging
import threading
import types
from typing import TYPE_CHECKING
from typing import Any
import weakref

from openstack import resource

from snapshot_ext.v3._compat import fields
from snapshot_ext.v3._speedups import layouts
from snapshot_ext.v3._speedups import locations

if TYPE_CHECKING:
    from typing import Self

#: The fast path's one logger, named after its package (the name the
#: support matrix tells users to filter on).
LOG = logging.getLogger('snapshot_ext.v3._speedups')

#: Where :class:`~.builder.Builder` keeps an object's location until the
#: object's computed component is first used.
LOCATION_ATTR = '_snapshot_ext_location'
#: What a built object holds from the start.  A class using
#: :class:`PrecomputedFields` keeps these in slots (``__slots__ =
#: STATE_SLOTS``): in the object itself rather than in a ``__dict__`` made
#: for each object.
STATE_SLOTS = ('_connection', 'microversion', '_body', LOCATION_ATTR)

_BASE = resource.Resource
_Manager = resource._ComponentManager


def keeps_state_in_slots(cls: type) -> bool:
    """Tell whether a class keeps :data:`STATE_SLOTS` in slots.

    :param cls: A resource class.
    :returns: ``True`` when each of the names is a slot of the class.
    """
    return all(
        isinstance(getattr(cls, name, None), types.MemberDescriptorType)
        for name in STATE_SLOTS
    )


def _empty_component(owner: Any) -> layouts.Component:
    return layouts.Component.synchronized({})


def _computed_component(owner: Any) -> layouts.Component:
    # Clean, as openstacksdk leaves it: the location when there is a
    # connection (openstacksdk always sets one then), else nothing.
    attributes = {}
    if owner._connection:
        attributes['location'] = getattr(owner, LOCATION_ATTR, None)
    return layouts.Component.synchronized(attributes)


_layouts: dict[type, layouts.Layout] = {}
#: Layouts of classes whose self-check is under way (by this thread: the
#: lock is held meanwhile).
_checking: dict[type, layouts.Layout] = {}
_layouts_lock = threading.RLock()

#: Objects of a class built one at a time by openstacksdk's own code
#: before its self-check runs (see :func:`current`).
UNCHECKED_OBJECTS = 4
#: Objects built per class while its self-check had not run.
_unchecked: dict[type, int] = {}


class _Unchecked:
    """The layout of a class whose self-check has not run yet: every
    method of :class:`PrecomputedFields` uses openstacksdk's own code."""

    native = True


_UNCHECKED: Any = _Unchecked()


def layout(cls: type[resource.Resource]) -> layouts.Layout:
    """Return the :class:`~.layouts.Layout` of a resource class, made once.

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
            found = layouts.Layout(cls)
            if issubclass(cls, PrecomputedFields):
                _checking[cls] = found
                try:
                    found.native = not self_check(cls)
                finally:
                    del _checking[cls]
            _layouts[cls] = found
        return found


def current(cls: type[resource.Resource]) -> layouts.Layout:
    """The layout to build objects of a class with now.

    The class's :func:`layout` when its self-check has run (or is under
    way in this thread), else a stand-in whose
    :attr:`~.layouts.Layout.native` is true, without running the check.

    :param cls: The resource class.
    :returns: Its layout, or the stand-in.
    """
    try:
        return _layouts[cls]
    except KeyError:
        pass
    if not issubclass(cls, PrecomputedFields):
        # Nothing to check: made right away.
        return layout(cls)
    with _layouts_lock:
        found = _layouts.get(cls) or _checking.get(cls)
    if found is not None:
        return found
    return _UNCHECKED  # type: ignore[no-any-return]


def _count_unchecked(cls: type[resource.Resource]) -> None:
    """Count an object about to be built; run the class's self-check
    once more than :data:`UNCHECKED_OBJECTS` were built without it."""
    if cls in _layouts:
        return
    count = _unchecked.get(cls, 0) + 1
    _unchecked[cls] = count
    if count > UNCHECKED_OBJECTS:
        layout(cls)


def self_check(cls: type[resource.Resource]) -> bool:
    """Tell whether the fast path builds what openstacksdk builds.

    Run once per class, before the fast path builds its first object
    (by :func:`layout`): sample objects are built both ways and compared
    (:mod:`.check`).  A class that also sends some requests its own way
    (when :func:`single_layout` gives its layout) names them in a
    ``_send_differences()`` class method, which compares each with
    openstacksdk's (:func:`.check.sent_differences`) and is run here too.
    On any difference one warning is logged, and the class's objects are
    built, and its requests sent, by openstacksdk's own code from then on
    (:attr:`.layouts.Layout.native`).

    :param cls: A resource class using :class:`PrecomputedFields`.
    :returns: ``True`` when the fast path may be used.
    """
    # Imported here, when first needed (builder imports this module).
    from snapshot_ext.v3._speedups import builder
    from snapshot_ext.v3._speedups import check

    found = check.differences(cls, PrecomputedFields, builder.Builder)
    # The class's own fast requests, compared with openstacksdk's once
    # its objects are the same.
    sends = getattr(cls, '_send_differences', None)
    if sends is not None and not found:
        try:
            found.extend(sends())
        except Exception as exc:  # noqa: BLE001 - reported as a difference
            found.append(
                f'the check of the requests failed: '
                f'{type(exc).__name__}: {exc}'
            )
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


class SingleLayout:
    """What taking one object's answer needs for a class, made once.

    :param lay: The class's checked layout.
    """

    def __init__(self, lay: layouts.Layout) -> None:
        self.layout = lay
        plan = lay.plan
        self.plan = plan
        self.table = lay.table(fields.Body)
        servers = {e[0]: e[2] for e in plan.entries if e[1] == '_body'}
        targets = self.table.targets
        #: Server keys the body takes under their own name only.
        self.as_is = frozenset(
            key
            for key in self.table.exact
            if targets[key.lower()] == (key,) and servers.get(key, key) == key
        )
        #: (keyword, attribute) that Resource._update_location() reads.
        self.location_from = lay.location_from
        #: Whether a field has another name (``aka``), which
        #: ``Resource.__init__`` records for each object it builds.
        self.aliases = any(
            getattr(component, 'aka', None)
            for _, component in lay.attributes((fields.Body, fields.Header))
        )
        self._shapes: dict[tuple[str, ...], Any] = {}

    def _shape(self, keys: tuple[str, ...]) -> Any:
        """The listing's shape of a body with these keys, or ``None``."""
        try:
            return self._shapes[keys]
        except KeyError:
            pass
        # builder imports this module: imported here, when first needed.
        from snapshot_ext.v3._speedups import builder

        shape = None
        if self.as_is.issuperset(keys):
            shape = builder._Shape(self.plan, keys, (), {})
        if len(self._shapes) < builder.MAX_SHAPES:
            self._shapes[keys] = shape
        return shape

    def content(self, obj: Any, body: dict[str, Any], location: Any) -> Any:
        """What ``obj.to_dict()`` gives, for a body of known keys.

        Made as the listing's builder makes it: the class's template, the
        body's values under their attribute names, converted by their
        field's type.

        :param obj: The object (read when the template does not apply).
        :param body: Its body's values.
        :param location: Its location, or ``None``.
        :returns: The dict content.
        """
        shape = self._shape(tuple(body))
        if shape is None or (shape.lists and list in map(type, body.values())):
            return self.plan.compute(obj)
        out = dict(self.plan.template)
        out.update(body)
        for key, name in shape.renamed:
            out[key] = body[name]
        for name in shape.stray:
            del out[name]
        for key, name, data_type, list_type, exact in shape.converted:
            value = body[name]
            if value is not None and value.__class__ is not exact:
                out[key] = fields._convert_type(value, data_type, list_type)
        out['location'] = location
        return out


#: Per layout: its :class:`SingleLayout`, or ``None`` when objects of its
#: class are not built that way (see :func:`single_layout`).
_single: weakref.WeakKeyDictionary[layouts.Layout, SingleLayout | None] = (
    weakref.WeakKeyDictionary()
)


def single_layout(cls: type[resource.Resource]) -> SingleLayout | None:
    """The tables to take one object's answer with, or ``None``.

    A get, create or delete answers with one object: :func:`take_answer`
    and :func:`build_fetched` then do what openstacksdk's
    ``Resource._translate_response`` (and, for a get, ``Resource.new``)
    do, from the class's tables.  They may only when the class's
    self-check has run and passed (:func:`current`) and the class is
    built the way the listing's fast path builds it: the known
    construction methods, no header, URI or patch state, ``location``
    the only computed value.  ``None`` means openstacksdk's own code.

    :param cls: The resource class.
    :returns: The tables of its checked layout, or ``None``.
    """
    lay = current(cls)
    if lay.native:
        return None
    try:
        return _single[lay]
    except KeyError:
        pass
    # builder imports this module: imported here, when first needed.
    from snapshot_ext.v3._speedups import builder

    found = SingleLayout(lay) if builder.builds_fast(cls, lay) else None
    _single[lay] = found
    return found


def take_answer(
    obj: resource.Resource,
    single: SingleLayout,
    attrs: dict[str, Any] | None,
) -> None:
    """Fill an object from its answer as ``_translate_response`` does.

    What openstacksdk's ``Resource._translate_response`` does once the
    answer's status was checked, for a class :func:`single_layout` gave
    ``single`` for: the body's known keys are taken and the body marked
    clean, the (empty) header marked clean, the location updated and the
    ``dict`` content made again.

    :param obj: The object (built by ``new``, ``existing`` or a listing).
    :param single: What :func:`single_layout` gave for its class.
    :param attrs: The decoded object of the answer (its known keys are
        removed), or ``None`` for an answer without a body.
    """
    this: Any = obj
    body = this._body
    if attrs is not None:
        body.attributes.update(_answer_values(single, attrs))
        body.clean()
    header = vars(this).get('_header')
    if header is not None:
        # The class has no header fields: nothing to take, as openstacksdk
        # takes nothing from the response headers.
        header.clean()
    this._update_location()
    computed = object.__getattribute__(this, '_computed')
    dict.update(
        this,
        single.content(
            this, body.attributes, computed.attributes.get('location')
        ),
    )


def _answer_values(
    single: SingleLayout, attrs: dict[str, Any]
) -> dict[str, Any]:
    """The body values an answer's object gives, as
    ``Resource._translate_response`` takes them: without a key named
    ``self``, each known key under its attribute's server name.

    :param single: What :func:`single_layout` gave for the class.
    :param attrs: The decoded object (taken over).
    :returns: The values (``attrs`` itself when its keys are kept as
        they are).
    """
    attrs.pop('self', None)
    if single.as_is.issuperset(attrs):
        return attrs
    return single.table.consume(attrs)


def build_fetched(
    cls: type[resource.Resource],
    single: SingleLayout,
    connection: Any,
    microversion: str | None,
    resource_id: str,
    attrs: dict[str, Any],
) -> Any:
    """Build the object a fetch by ID gives, from its answer.

    The object equals what ``cls.new(id=resource_id,
    connection=connection)`` gives once its ``fetch`` took this answer at
    this microversion: the body clean, the computed location changed (as
    ``new`` leaves it), the location updated from the answer.

    :param cls: The resource class.
    :param single: What :func:`single_layout` gave for it.
    :param connection: The connection, or ``None``.
    :param microversion: The microversion of the request.
    :param resource_id: The ID asked for.
    :param attrs: The decoded object of the answer (taken over).
    :returns: The object.
    """
    attrs = _answer_values(single, attrs)
    if next(iter(attrs), None) == 'id':
        # The ID first, as Resource.new(id=...) put it.
        body = attrs
    else:
        body = {'id': resource_id}
        body.update(attrs)
    return _made_new(
        cls,
        single,
        connection,
        microversion,
        layouts.Component.synchronized(body),
    )


def build_new(
    cls: type[resource.Resource],
    single: SingleLayout,
    attrs: dict[str, Any],
) -> Any:
    """Build what ``cls.new(**attrs)`` gives, when ``attrs`` name fields.

    The object of a create: every value given is in the body and marked
    changed, the computed location too (as ``Resource.new`` leaves it),
    the location updated from the values.

    :param cls: The resource class.
    :param single: What :func:`single_layout` gave for it.
    :param attrs: The keyword arguments of ``new`` (not changed).
    :returns: The object, or ``None`` when ``attrs`` hold anything but
        body fields (and ``connection``, ``microversion``): openstacksdk
        then builds it.
    """
    rest = dict(attrs)
    connection = rest.pop('connection', None)
    microversion = rest.pop('microversion', None)
    body = _consumed_body(single, rest)
    if body is None:
        return None
    component = layouts.Component.synchronized(body)
    component._dirty = set(body)
    return _made_new(cls, single, connection, microversion, component)


def new_body(single: SingleLayout, attrs: dict[str, Any]) -> Any:
    """The body ``cls.new(**attrs)`` makes, when ``attrs`` name fields.

    :param single: What :func:`single_layout` gave for the class.
    :param attrs: Keyword arguments (not changed).
    :returns: The body's values, in openstacksdk's order; ``None`` when
        ``attrs`` are empty or hold anything but body fields.
    """
    return _consumed_body(single, dict(attrs))


def _consumed_body(single: SingleLayout, rest: dict[str, Any]) -> Any:
    # new_body() of keyword arguments the caller copied (consumed here).
    body = single.table.consume(rest)
    if rest or not body or single.aliases:
        return None
    return body


def build_created(
    cls: type[resource.Resource],
    single: SingleLayout,
    connection: Any,
    microversion: str | None,
    body: dict[str, Any],
    attrs: dict[str, Any],
) -> Any:
    """Build the object a create leaves, from the values sent and its
    answer.

    The object equals what ``cls.new(connection=connection, **given)``
    gives (``body`` its body, see :func:`new_body`) once its ``create``
    took this answer at this microversion: the body the values sent, then
    the answer's, all clean; the computed location changed (as ``new``
    leaves it) and updated from the values.

    :param cls: The resource class.
    :param single: What :func:`single_layout` gave for it.
    :param connection: The connection, or ``None``.
    :param microversion: The microversion of the request.
    :param body: The values sent (not changed).
    :param attrs: The decoded object of the answer (taken over).
    :returns: The object.
    """
    attrs = _answer_values(single, attrs)
    values = dict(body)
    values.update(attrs)
    return _made_new(
        cls,
        single,
        connection,
        microversion,
        layouts.Component.synchronized(values),
    )


def _made_new(
    cls: type[resource.Resource],
    single: SingleLayout,
    connection: Any,
    microversion: str | None,
    body: layouts.Component,
) -> Any:
    """An object as ``Resource.new`` leaves it, holding ``body``.

    The computed location is marked changed (as ``new`` leaves it) and
    updated from the values; the header and URI parts are made on use.

    :param cls: The resource class.
    :param single: What :func:`single_layout` gave for it.
    :param connection: The connection, or ``None``.
    :param microversion: The object's microversion.
    :param body: Its body component.
    :returns: The object.
    """
    obj: Any = dict.__new__(cls)
    obj._connection = connection
    obj.microversion = microversion
    obj._body = body
    state: dict[str, Any] = {'_unknown_attrs_in_body': {}}
    location = None
    if connection:
        locs = locations.locations(connection)
        location = locs.current(connection)
        computed = layouts.Component.synchronized({'location': location})
        # Resource.new leaves its values changed.
        computed._dirty = {'location'}
        state['_computed'] = computed
    obj.__dict__ = state
    content = single.content(obj, body.attributes, location)
    if connection and single.location_from:
        # Resource._update_location(), from the attribute values.
        location = locs.get(
            connection,
            **{kw: content[attr] for kw, attr in single.location_from},
        )
        computed.attributes['location'] = location
        content['location'] = location
    dict.update(obj, content)
    return obj


#: Per class: ``Resource._alternate_id()``, which depends on the class's
#: own attributes only.
_alternate_ids: weakref.WeakKeyDictionary[type, str] = (
    weakref.WeakKeyDictionary()
)


class PrecomputedFields:
    """Make openstacksdk's resource code use the class's layout.

    Placed before an openstacksdk resource class in the bases, it makes
    that code read the class's :class:`~.layouts.Layout`.  Each method
    replaced recomputes, in openstacksdk, something that depends
    only on the class or the connection; here it returns the same from
    tables made once.  The header, URI and computed components of objects
    made by :class:`~.builder.Builder` are made when first used.
    """

    _header: _Manager = layouts._MadeOnUse(  # type: ignore[assignment]
        _empty_component
    )
    _uri: _Manager = layouts._MadeOnUse(  # type: ignore[assignment]
        _empty_component
    )
    _computed: _Manager = layouts._MadeOnUse(  # type: ignore[assignment]
        _computed_component
    )

    @classmethod
    def _attributes_iterator(
        cls,
        components: Any = (fields.Body, fields.Header),
    ) -> Generator[tuple[str, Any], None, None]:
        this: Any = cls
        lay = current(this)
        if lay.native:
            iterate: Any = _BASE._attributes_iterator
            yield from iterate.__func__(this, components)
            return
        yield from lay.attributes(components)

    @classmethod
    def _get_mapping(cls, component: type) -> MutableMapping[str, Any]:
        this: Any = cls
        lay = current(this)
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
        lay = current(this)
        if lay.native:
            consume: Any = _BASE._consume_mapped_attrs
            return consume(self, mapping_cls, attrs)  # type: ignore[no-any-return]
        return lay.table(mapping_cls).consume(attrs)

    @classmethod
    def new(cls, **kwargs: Any) -> Self:
        this: Any = cls
        single = single_layout(this)
        if single is not None:
            built = build_new(this, single, kwargs)
            if built is not None:
                return built  # type: ignore[no-any-return]
        new: Any = _BASE.new
        return new.__func__(this, **kwargs)  # type: ignore[no-any-return]

    @classmethod
    def _alternate_id(cls) -> str:
        # Read for every ``.id`` of an object without one (a snapshot to
        # create): openstacksdk tests each attribute of the class anew.
        this: Any = cls
        if current(this).native:
            alternate: Any = _BASE._alternate_id
            return alternate.__func__(this)  # type: ignore[no-any-return]
        try:
            return _alternate_ids[this]
        except KeyError:
            pass
        base: Any = _BASE._alternate_id
        found: str = base.__func__(this)
        _alternate_ids[this] = found
        return found

    def _collect_attrs(
        self, attrs: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
        this: Any = self
        # The first step of building an object (Resource.__init__).
        _count_unchecked(type(this))
        if (
            current(type(this)).native
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
            computed.setdefault(
                'location', locations.locations(conn).current(conn)
            )
        return body, header, uri, computed

    def _update(self, **attrs: Any) -> None:
        this: Any = self
        if attrs:
            _BASE._update(this, **attrs)
            return
        # What openstacksdk's _update() does given nothing (a proxy
        # verb handed an object, e.g. delete_snapshot(snapshot)): the
        # microversion reset and the token's location offered to the
        # computed part, then the location updated and the dict content
        # made again.  The header and URI parts take nothing, and are left
        # unmade when they are.
        if this._update_before_answer():
            this._update_location()
            dict.update(this, this.to_dict())

    def _update_before_answer(self) -> bool:
        """Begin what ``_update()`` given nothing does, before a request.

        A proxy verb handed an object updates it with nothing
        (``Proxy._get_resource``), then sends a request whose answer
        (:func:`take_answer`) makes the location and the ``dict`` content
        again.  This does the rest of that update only: the microversion
        reset and the token's location offered to the computed part.
        Should the request fail, the caller calls ``_update()`` before the
        error goes on, which leaves the object as openstacksdk would.

        :returns: ``True`` when only that part was done; ``False`` when
            the whole update was (openstacksdk's own code builds the
            class).
        """
        this: Any = self
        if (
            current(type(this)).native
            or type(this)._compute_attributes is not _BASE._compute_attributes
        ):
            _BASE._update(this)
            return False
        this.microversion = None
        conn = this._connection
        if conn:
            this._computed['location'] = locations.locations(conn).current(
                conn
            )
        return True

    def _update_location(self) -> None:
        this: Any = self
        lay = current(type(this))
        if lay.native:
            _BASE._update_location(this)
            return
        conn = this._connection
        if not conn:
            return
        # The attributes openstacksdk's hasattr() finds, named once per
        # class: an attribute the class lacks is not looked for on each
        # object (a raised and caught AttributeError).
        names = lay.location_from
        if names:
            this.location = locations.locations(conn).get(
                conn, **{kw: getattr(this, attr) for kw, attr in names}
            )

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
            lay = current(type(this))
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
