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

"""The self-check of the precomputed construction path.

:mod:`snapshot_ext.v3._speedups` re-implements parts of openstacksdk's
``Resource`` (how keys are sorted into components, the location, what
``to_dict()`` gives).  They behave the same in every openstacksdk version
the tests cover; an openstacksdk released later may change them.  So
before a class's objects are built the fast way, :func:`differences`
builds sample objects of the class both ways, with the fast builder and
the class's mixin overrides, and with openstacksdk's own code, and
compares everything the unit tests compare (listed objects built one by
one and a page at a time, the page's keys and value types given or
not): ``==`` both ways, each
component's values and changed keys, ``to_dict()`` with every combination
of its flags, ``repr()``, the dict content in order, the location, the
microversion and the connection, also after a change of an attribute.
The classes' tables (``_attributes_iterator``, ``_get_mapping``) are
compared too.  Any difference, or an error in one path only, is reported;
the caller then builds the class with openstacksdk's own code.

The samples are made from the class's own fields (values of each field's
type, values needing conversion, ``None``, unknown keys, keys given by
attribute name or in another case, only computed keys, the token's
project and another one), built with and without a connection and with
and without a microversion.  The connection is a stand-in that answers
the two location calls openstacksdk makes.

A class that sends some requests its own way compares them too:
:func:`sent_differences` sends one both ways through a :class:`Recorder`,
a stand-in session that records each request and answers it, and
compares the requests and the objects they return.

This module depends on openstacksdk and :mod:`snapshot_ext.v3._compat`
only; what it checks is handed to it (:func:`differences`,
:func:`sent_differences`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
import copy
import functools
import json
from typing import Any
from typing import Protocol

from keystoneauth1 import adapter
from openstack import format as _format
from openstack import resource
import requests

from snapshot_ext.v3 import _compat
from snapshot_ext.v3._compat import fields


class FastBuilder(Protocol):
    """What :data:`MakeBuilder` makes: builds objects the fast way."""

    def __call__(self, attrs: dict[str, Any]) -> Any:
        """Build one object from the server's attributes."""

    def page(
        self,
        items: list[dict[str, Any]],
        keys: tuple[str, ...] | None = None,
    ) -> list[Any]:
        """Build the objects of one page of a listing."""


class MakeBuilder(Protocol):
    """Makes the fast builder of a class (e.g. :class:`.builder.Builder`)."""

    def __call__(
        self,
        cls: type,
        connection: Any,
        microversion: str | None,
        *,
        checked: Mapping[str, tuple[type, ...]] | None = None,
    ) -> FastBuilder:
        """Make the builder.

        :param cls: The resource class.
        :param connection: The connection its objects belong to, or
            ``None``.
        :param microversion: The microversion of the answers.
        :param checked: The exact types the values of some keys are
            known to have.
        """


#: Copies of a sample in the page the self-check builds of it.
PAGE_COPIES = 3

_COMPONENTS = ('_body', '_header', '_uri', '_computed')
_KINDS: tuple[Any, ...] = (
    fields.Body,
    fields.Header,
    fields.URI,
    fields.Computed,
    (fields.Body, fields.Header),
    (fields.Body, fields.Header, fields.Computed),
)
#: to_dict()'s flags (body, headers, computed, ignore_none,
#: original_names) compared: the defaults, which the fast path computes
#: itself, and each flag changed once (openstacksdk's code then, called
#: through the mixin's tables).
_TO_DICT_FLAGS = [
    (True, True, True, False, False),
    (False, True, True, False, False),
    (True, False, True, False, False),
    (True, True, False, False, False),
    (True, True, True, True, False),
    (True, True, True, False, True),
    (False, False, False, False, False),
]
#: The project of the stand-in connection's token.
OWN_PROJECT = 'own-project'


def native_class(cls: type, mixin: type) -> type:
    """A subclass of ``cls`` built by openstacksdk's code alone.

    Every method ``mixin`` defines is put back to openstacksdk's
    ``Resource`` implementation; the name, qualified name and module stay
    those of ``cls`` (they appear in ``repr()``).

    :param cls: A resource class using ``mixin``.
    :param mixin: The mixin whose methods are taken out.
    :returns: The subclass.
    """
    namespace: dict[str, Any] = {
        '__module__': cls.__module__,
        '__qualname__': cls.__qualname__,
    }
    for name, value in vars(mixin).items():
        if name.startswith('__') or not callable(
            getattr(value, '__func__', value)
        ):
            continue
        for klass in resource.Resource.__mro__:
            if name in vars(klass):
                namespace[name] = vars(klass)[name]
                break
    return type(cls.__name__, (cls,), namespace)


_DEFAULT = object()


def _remember_attributes(native: type) -> None:
    """Make ``native`` keep what ``_attributes_iterator`` yields.

    openstacksdk's ``Resource._attributes_iterator`` walks the class's MRO
    and tests every class attribute; what it yields depends only on the
    class and the argument.  The reference objects of the check call it
    for every object built and every ``to_dict()``, which is most of the
    check's cost; ``native`` now yields, per class and argument, what
    openstacksdk's own method yielded the first time.

    :param native: The class :func:`native_class` made.
    """
    iterate: Any = resource.Resource._attributes_iterator
    iterate = iterate.__func__
    kept: dict[Any, tuple[tuple[str, Any], ...]] = {}

    def _attributes_iterator(
        klass: Any, components: Any = _DEFAULT
    ) -> Iterator[tuple[str, Any]]:
        args = () if components is _DEFAULT else (components,)
        try:
            found = kept[klass, components]
        except KeyError:
            found = kept[klass, components] = tuple(iterate(klass, *args))
        except TypeError:
            # An unhashable argument: not kept.
            found = tuple(iterate(klass, *args))
        return iter(found)

    remembered: Any = classmethod(_attributes_iterator)
    native_any: Any = native
    native_any._attributes_iterator = remembered


class StandInConnection:
    """Answers the location calls of openstacksdk's ``Resource``.

    The location of the token's project is :data:`OWN_PROJECT`'s; each
    other project (and zone) has its own.
    """

    def __init__(self) -> None:
        self.current_location = self._get_current_location()

    def _get_current_location(
        self, project_id: Any = None, zone: Any = None
    ) -> dict[str, Any]:
        return {
            'cloud': 'check',
            'region_name': 'RegionOne',
            'zone': zone,
            'project': {'id': project_id or OWN_PROJECT, 'name': None},
        }


def _value(data_type: Any, name: str) -> tuple[bool, Any, Any]:
    """A value of a field's type, and one that needs converting.

    :param data_type: The field's type (``None``: any).
    :param name: The field's server name, made part of string values.
    :returns: Whether the type is known, a value, a value to convert.
    """
    if data_type is None or data_type is str:
        return True, f'value-{name}', ['a', name]
    if data_type is bool:
        return True, True, 0
    if data_type is int:
        return True, 3, '7'
    if data_type is float:
        return True, 1.5, '2'
    if data_type is dict:
        return True, {'key': name}, None
    if data_type is list:
        return True, ['a', name], None
    if isinstance(data_type, type) and issubclass(data_type, _format.BoolStr):
        return True, 'true', False
    return False, None, None


def samples(cls: type) -> list[dict[str, Any]]:
    """Server attributes to build objects of ``cls`` from.

    :param cls: The resource class.
    :returns: The samples (fresh; callers may change them).
    """
    body: list[tuple[str, str, Any, Any]] = []
    iterate: Any = resource.Resource._attributes_iterator
    for attr, _ in iterate.__func__(cls, fields.Body):
        field = getattr(cls, attr, None)
        if not isinstance(field, fields.Body):
            continue
        known, value, other = _value(_compat.field_type(field), field.name)
        if known:
            body.append((attr, field.name, value, other))
    full = {name: value for _, name, value, _ in body}
    project = getattr(cls, 'project_id', None)
    project_key = project.name if isinstance(project, fields.Body) else None
    found: list[dict[str, Any]] = [
        full,
        dict(reversed(list(full.items()))),
        {
            name: None if n % 2 else other
            for n, (_, name, _, other) in enumerate(body)
        },
        {**full, 'unknown_key': 'x'},
        {
            (attr if n % 2 else name.upper()): value
            for n, (attr, name, value, _) in enumerate(body)
        },
        dict(list(full.items())[:3]),
        {'location': {'cloud': 'elsewhere'}},
        {},
    ]
    if project_key is not None:
        found.append({**full, project_key: OWN_PROJECT})
        found.append({**full, project_key: None})
    return copy.deepcopy(found)


def _shape(obj: Any, thorough: bool) -> dict[str, Any]:
    """What of an object is compared, each under a name.

    :param obj: The object.
    :param thorough: Also ``to_dict()`` with other flags than the
        defaults (openstacksdk's own ``to_dict()`` then, over the mixin's
        tables, which are compared by themselves too).
    """
    found: dict[str, Any] = {
        'repr': repr(obj),
        'items': list(dict.items(obj)),
        'microversion': obj.microversion,
        'connection': id(obj._connection),
        'location': dict.get(obj, 'location'),
    }
    for part in _COMPONENTS:
        component = getattr(obj, part)
        found[part] = dict(component.attributes)
        found[part + ' changed'] = dict(component.dirty)
    for flags in _TO_DICT_FLAGS if thorough else _TO_DICT_FLAGS[:1]:
        found[f'to_dict{flags}'] = _built(
            functools.partial(
                obj.to_dict,
                body=flags[0],
                headers=flags[1],
                computed=flags[2],
                ignore_none=flags[3],
                original_names=flags[4],
            )
        )
    return found


def compare(
    expected: Any, actual: Any, where: str, thorough: bool = True
) -> Iterator[str]:
    """The differences between two objects.

    :param expected: The object openstacksdk built.
    :param actual: The object built the fast way.
    :param where: Names the sample, for the report.
    :param thorough: See :func:`_shape`.
    :returns: One line per difference.
    """
    if not (expected == actual and actual == expected):
        yield f'{where}: == differs'
    theirs = _shape(expected, thorough)
    mine = _shape(actual, thorough)
    for key, value in theirs.items():
        if mine[key] != value:
            yield f'{where}: {key} differs'


def _built(make: Callable[[], Any]) -> tuple[Any, str | None]:
    """What ``make()`` returns, or the name of what it raised."""
    try:
        return make(), None
    except Exception as exc:  # noqa: BLE001 - compared, not hidden
        return None, type(exc).__name__


def _pairs(
    cls: type, native: type, make_builder: MakeBuilder
) -> Iterator[tuple[int, str, Callable[[], Any], Callable[[], Any]]]:
    """(sample number, where, reference maker, fast maker) for each case.

    Every sample is built as a listing builds it, alone and (with a
    connection) in a page of copies; the first (full) one also by
    ``existing()`` and ``new()`` through the mixin, and updated with
    nothing as a proxy verb handed an object updates it.
    """
    stand_in = StandInConnection()
    for n, attrs in enumerate(samples(cls)):
        for conn, microversion in ((None, None), (stand_in, '3.0')):
            where = (
                f'sample {n}, '
                f'{"connection" if conn else "no connection"}, '
                f'microversion {microversion}'
            )
            existing = functools.partial(_existing, attrs, conn, microversion)
            yield (
                n,
                f'listed, {where}',
                functools.partial(existing, native),
                functools.partial(
                    _listed, make_builder, cls, attrs, conn, microversion
                ),
            )
            if conn is not None:
                # A page is built as one listed object is, but for all
                # objects at once: what openstacksdk decides (components,
                # renamed keys, location) is compared with a connection;
                # also when its keys and value types are known (as after
                # the listing's response check).
                pages = (('a page', False), ('a page of known types', True))
                for page, known in pages:
                    yield (
                        n,
                        f'listed in {page}, {where}',
                        functools.partial(existing, native),
                        functools.partial(
                            _listed,
                            make_builder,
                            cls,
                            attrs,
                            conn,
                            microversion,
                            page=True,
                            known=known,
                        ),
                    )
            if n:
                continue
            yield (
                n,
                f'existing, {where}',
                functools.partial(existing, native),
                functools.partial(existing, cls),
            )
            yield (
                n,
                f'new, {where}',
                functools.partial(_new, attrs, conn, native),
                functools.partial(_new, attrs, conn, cls),
            )
            for how, made in (
                ('made by existing()', functools.partial(existing, cls)),
                (
                    'listed',
                    functools.partial(
                        _listed, make_builder, cls, attrs, conn, microversion
                    ),
                ),
            ):
                yield (
                    n,
                    f'{how}, then updated with nothing, {where}',
                    functools.partial(
                        _updated, functools.partial(existing, native)
                    ),
                    functools.partial(_updated, made),
                )


def _existing(
    attrs: dict[str, Any], conn: Any, microversion: str | None, cls: Any
) -> Any:
    return cls.existing(
        connection=conn, microversion=microversion, **copy.deepcopy(attrs)
    )


def _new(attrs: dict[str, Any], conn: Any, cls: Any) -> Any:
    return cls.new(connection=conn, **copy.deepcopy(attrs))


def _updated(make: Callable[[], Any]) -> Any:
    # What a proxy verb does with an object it is handed
    # (Proxy._get_resource).
    obj = make()
    obj._update()
    return obj


def _listed(
    make_builder: MakeBuilder,
    cls: type,
    attrs: dict[str, Any],
    conn: Any,
    microversion: str | None,
    page: bool = False,
    known: bool = False,
) -> Any:
    if not known:
        builder = make_builder(cls, conn, microversion)
        keys = None
    else:
        types = {key: (type(value),) for key, value in attrs.items()}
        builder = make_builder(cls, conn, microversion, checked=types)
        keys = tuple(attrs)
    if not page:
        return builder(copy.deepcopy(attrs))
    # A page of copies: built as one page when the builder can.
    copies = [copy.deepcopy(attrs) for _ in range(PAGE_COPIES)]
    built = builder.page(copies, keys)
    if len(built) != PAGE_COPIES:
        raise ValueError(f'{len(built)} objects for {PAGE_COPIES}')
    return built[-1]


def differences(
    cls: type, mixin: type, make_builder: MakeBuilder
) -> list[str]:
    """Compare the fast construction of ``cls`` with openstacksdk's.

    :param cls: A resource class using ``mixin``.
    :param mixin: The mixin replacing openstacksdk's methods.
    :param make_builder: Makes the fast builder of a class for a
        connection and microversion.
    :returns: The differences found, one line each; empty when none.
    """
    found: list[str] = []
    try:
        native = native_class(cls, mixin)
        _remember_attributes(native)
        this: Any = cls
        that: Any = native
        for kinds in _KINDS:
            if list(this._attributes_iterator(kinds)) != list(
                that._attributes_iterator(kinds)
            ):
                found.append(f'_attributes_iterator({kinds}) differs')
        for kind in _KINDS[:4]:
            mine = this._get_mapping(kind)
            theirs = that._get_mapping(kind)
            if type(mine) is not type(theirs) or dict(mine) != dict(theirs):
                found.append(f'_get_mapping({kind.__name__}) differs')
        change = next(
            (
                attr
                for attr, _ in that._attributes_iterator(fields.Body)
                if _compat.field_type(getattr(cls, attr)) in (None, str)
            ),
            None,
        )
        for n, where, reference, fast in _pairs(cls, native, make_builder):
            # Everything for the first (full) sample; the others are
            # compared as built, with to_dict()'s default flags.
            thorough = n == 0
            expected, expected_error = _built(reference)
            actual, actual_error = _built(fast)
            if expected_error or actual_error:
                if expected_error != actual_error:
                    found.append(
                        f'{where}: raised {actual_error}, '
                        f'openstacksdk {expected_error}'
                    )
                continue
            found.extend(compare(expected, actual, where, thorough))
            if thorough and change is not None:
                setattr(expected, change, 'changed')
                setattr(actual, change, 'changed')
                found.extend(compare(expected, actual, f'{where}, changed'))
    except Exception as exc:  # noqa: BLE001 - reported as a difference
        found.append(f'the check failed: {type(exc).__name__}: {exc}')
    return found


class Recorder(adapter.Adapter):
    """A stand-in session that records what is sent and answers it.

    Each request is recorded as ``(method, url, keyword arguments)`` and
    answered with the status and JSON body it was made with; nothing
    reaches a network.

    :param status: The status of every answer.
    :param body: The JSON body of every answer, ``None`` for none.
    :param connection: What :meth:`_get_connection` gives, as an
        openstacksdk proxy gives its connection.
    """

    def __init__(self, status: int, body: Any, connection: Any = None) -> None:
        super().__init__(session=None)  # type: ignore[arg-type]
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self._status = status
        self._answer = body
        self._connection = connection

    def _get_connection(self) -> Any:
        """The connection given, as ``Proxy._get_connection``."""
        return self._connection

    def request(  # type: ignore[override]
        self, url: str, method: str, **kwargs: Any
    ) -> requests.Response:
        """Record one request and answer it.

        :param url: The URL or path.
        :param method: The HTTP method.
        :param kwargs: The request's keyword arguments (recorded).
        :returns: The canned answer.
        """
        self.sent.append((method, url, copy.deepcopy(kwargs)))
        response = requests.Response()
        response.status_code = self._status
        response.url = url
        response.headers['x-openstack-request-id'] = 'req-check'
        if self._answer is None:
            response._content = b''
        else:
            response.headers['Content-Type'] = 'application/json'
            response._content = json.dumps(self._answer).encode()
        return response


def sent_differences(
    where: str,
    make: Callable[[], Any],
    reference: Callable[[Any, Recorder], Any],
    fast: Callable[[Any, Recorder], Any],
    answer: tuple[int, Any],
    prepare: Callable[[Recorder], None],
) -> list[str]:
    """Compare a request sent openstacksdk's way and the fast way.

    Two equal objects are made; ``reference(obj, session)`` sends with
    one, ``fast(obj, session)`` with the other, each through its own
    :class:`Recorder`.  The requests (method, URL and every keyword
    argument: body, headers, microversion, query) must be the same, and
    so must the objects they return (as :func:`compare` compares them,
    thoroughly), or the exception they raise.

    :param where: What is compared, for the messages.
    :param make: Makes one object to send with.
    :param reference: Sends the request with openstacksdk's own code;
        returns the object to compare.
    :param fast: Sends it the fast way; returns the object to compare.
    :param answer: The status and JSON body (``None``: none) of the
        answer.
    :param prepare: Readies each recorder before use (e.g. gives it the
        microversion a proxy would have negotiated).
    :returns: The differences found, one line each; empty when none.
    """
    outcomes = []
    for send in (reference, fast):
        recorder = Recorder(*answer)
        prepare(recorder)
        result, error = _built(functools.partial(send, make(), recorder))
        outcomes.append((result, recorder.sent, error))
    (expected, expected_sent, expected_error) = outcomes[0]
    (actual, actual_sent, actual_error) = outcomes[1]
    found = []
    if expected_error != actual_error:
        found.append(
            f'{where}: raised {actual_error}, openstacksdk {expected_error}'
        )
    if actual_sent != expected_sent:
        found.append(f'{where}: the request differs')
    if not (expected_error or actual_error):
        found.extend(compare(expected, actual, where, thorough=True))
    return found
