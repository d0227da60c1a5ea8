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

"""What differs between the openstacksdk versions snapshot_ext runs on.

snapshot_ext supports openstacksdk 3.0.0 and newer (with the keystoneauth1
each release pins; see ``doc/source/support-matrix.rst``).  Every
difference the rest of the package depends on is hidden here, each name
with the openstacksdk version that changed it:

* :data:`fields`: ``openstack.fields`` (the field classes and
  ``_convert_type``) exists from 4.4.0; before, the same names are in
  ``openstack.resource``.
* :func:`field_type`: a field's type is ``data_type`` from 4.4.0, ``type``
  before.
* :data:`ResourceT`: ``openstack.resource.ResourceT`` exists from 4.4.0.
* :data:`InvalidResponse`: ``openstack.exceptions.InvalidResponse`` takes
  a message from 4.4.0; before, it took a response and dropped the
  message.
* :data:`GET_MICROVERSION_TAKES_ACTION`:
  ``Resource._get_microversion(session, *, action)`` lost ``action`` in
  4.5.0; :func:`resource_microversion` calls either form.
* :data:`ManageableSnapshot`:
  ``openstack.block_storage.v3.manageable_snapshot`` exists from 4.17.0;
  before, an equivalent resource is declared here.
* :func:`retry_setting` and :data:`PASSED_RETRY_SETTINGS`: the proxy
  receives ``connect_retry_delay`` from clouds.yaml from 4.13.0, and
  ``status_code_retry_delay`` and ``retriable_status_codes`` from 4.22.0;
  before, they are read from the cloud's configuration here, by the same
  rules.
* :func:`stock_signature` and :func:`call_known`: the block-storage
  proxy's verbs changed their parameters (``wait_for_status`` got
  ``attribute`` and ``wait=None`` in 4.4.0); snapshot_ext's overrides take
  the parameters of the installed openstacksdk's.
* :data:`HAS_RESET_STATUS` and :data:`HAS_FETCH_SNAPSHOT_METADATA`:
  ``Snapshot.reset_status`` and ``Proxy.reset_snapshot_status`` exist
  from 4.5.0, ``Proxy.fetch_snapshot_metadata`` from 4.14.0; before, the
  older names ``Snapshot.reset``, ``Proxy.reset_snapshot`` and
  ``Proxy.get_snapshot_metadata`` are the methods themselves rather than
  deprecated aliases of the new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
import functools
import inspect
import logging
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

from openstack import exceptions as _exceptions
from openstack import resource as _resource
from openstack.block_storage.v3 import _proxy as _stock_proxy
from openstack.block_storage.v3 import snapshot as _stock_snapshot
from openstack.config import cloud_region as _cloud_region

LOG = logging.getLogger(__name__)

if TYPE_CHECKING:
    from openstack import fields as fields
    from openstack.block_storage.v3.manageable_snapshot import (
        ManageableSnapshot as ManageableSnapshot,
    )
    from openstack.exceptions import InvalidResponse as InvalidResponse
    from openstack.resource import ResourceT as ResourceT
else:
    try:
        from openstack import fields
    except ImportError:  # openstacksdk < 4.4.0
        fields = _resource

    ResourceT = getattr(_resource, 'ResourceT', None)
    if ResourceT is None:  # openstacksdk < 4.4.0
        ResourceT = TypeVar('ResourceT', bound=_resource.Resource)

    if (
        'message'
        in inspect.signature(_exceptions.InvalidResponse.__init__).parameters
    ):
        InvalidResponse = _exceptions.InvalidResponse
    else:  # openstacksdk < 4.4.0

        class InvalidResponse(_exceptions.InvalidResponse):
            """``InvalidResponse`` that keeps its message."""

            def __init__(self, message: str | None = None) -> None:
                _exceptions.SDKException.__init__(self, message)
                self.response = None

        InvalidResponse.__module__ = _exceptions.__name__

    try:
        from openstack.block_storage.v3.manageable_snapshot import (
            ManageableSnapshot,
        )
    except ImportError:  # openstacksdk < 4.17.0

        class ManageableSnapshot(_resource.Resource):
            """A backend snapshot Cinder could manage (``GET
            /manageable_snapshots``)."""

            resource_key = 'manageable-snapshot'
            resources_key = 'manageable-snapshots'
            base_path = '/manageable_snapshots'

            allow_list = True

            _query_mapping = _resource.QueryParameters(
                'host', 'cluster', 'marker', 'limit', 'offset', 'sort'
            )

            #: The snapshot's ID in Cinder when it is managed already.
            cinder_id = _resource.Body('cinder_id')
            #: What the backend says about the snapshot.
            extra_info = _resource.Body('extra_info')
            #: Why managing the snapshot is not safe, when it is not.
            reason_not_safe = _resource.Body('reason_not_safe')
            #: The backend's reference of the snapshot.
            reference = _resource.Body('reference', type=dict)
            #: Whether the snapshot can be managed safely.
            safe_to_manage = _resource.Body('safe_to_manage', type=bool)
            #: The size in GiB.
            size = _resource.Body('size', type=int)
            #: The backend's reference of the snapshot's volume.
            source_reference = _resource.Body('source_reference', type=dict)


#: The attribute of a field holding its type.
_TYPE_ATTR = 'data_type' if hasattr(fields.Body('x'), 'data_type') else 'type'


def field_type(field: Any) -> Any:
    """The type a field converts its values to (``None`` for none).

    :param field: An ``openstack.fields`` field (Body, Header, ...).
    :returns: The field's type.
    """
    return getattr(field, _TYPE_ATTR)


#: Whether openstacksdk has ``Snapshot.reset_status`` and
#: ``Proxy.reset_snapshot_status`` (from 4.5.0).  From then on
#: ``Snapshot.reset`` and ``Proxy.reset_snapshot`` are deprecated aliases
#: of them; before, they send the reset themselves.
HAS_RESET_STATUS = hasattr(
    _stock_snapshot.Snapshot, 'reset_status'
) and hasattr(_stock_proxy.Proxy, 'reset_snapshot_status')

#: Whether openstacksdk has ``Proxy.fetch_snapshot_metadata`` (from
#: 4.14.0).  From then on ``Proxy.get_snapshot_metadata`` is a deprecated
#: alias of it; before, it reads the metadata itself.
HAS_FETCH_SNAPSHOT_METADATA = hasattr(
    _stock_proxy.Proxy, 'fetch_snapshot_metadata'
)

#: Whether ``Resource._get_microversion`` takes ``action`` (< 4.5.0).
GET_MICROVERSION_TAKES_ACTION = (
    'action'
    in inspect.signature(_resource.Resource._get_microversion).parameters
)


def resource_microversion(
    cls: type[_resource.Resource], session: Any, action: str = 'fetch'
) -> str | None:
    """``cls._get_microversion(session)``, on every openstacksdk.

    :param cls: The resource class.
    :param session: The proxy (a keystoneauth Adapter).
    :param action: What the microversion is for (``fetch``, ``list``...),
        which openstacksdk before 4.5.0 asks for.
    :returns: The microversion, or ``None``.
    """
    get: Any = cls._get_microversion
    if GET_MICROVERSION_TAKES_ACTION:
        return get(session, action=action)  # type: ignore[no-any-return]
    return get(session)  # type: ignore[no-any-return]


#: clouds.yaml retry settings, with how their values are read (the same
#: conversion openstacksdk applies where it passes them on).
_RETRY_SETTINGS: dict[str, Callable[[Any], Any]] = {
    'connect_retries': int,
    'status_code_retries': int,
    'connect_retry_delay': float,
    'status_code_retry_delay': float,
    'retriable_status_codes': lambda value: [
        int(code)
        for code in (value.split(',') if isinstance(value, str) else value)
    ],
}


def passed_settings(get_session_client: Callable[..., Any]) -> frozenset[str]:
    """The retry settings a ``get_session_client`` gives the proxy.

    openstacksdk's ``CloudRegion.get_session_client`` passes each setting
    it reads to the proxy as the keyword argument of the same name
    (``kwargs.setdefault('connect_retry_delay', ...)``), so the settings
    it passes are those named among the constants of its code.  When the
    code cannot be read, none counts as passed (each is then read from the
    configuration, which gives the same value).

    :param get_session_client: The function (or one decorating it).
    :returns: The names of :data:`_RETRY_SETTINGS` it passes.
    """
    code = getattr(inspect.unwrap(get_session_client), '__code__', None)
    names = (
        {c for c in code.co_consts if isinstance(c, str)} if code else set()
    )
    return frozenset(name for name in _RETRY_SETTINGS if name in names)


#: The retry settings the installed openstacksdk gives the block-storage
#: proxy from clouds.yaml: ``connect_retries`` and ``status_code_retries``
#: on every supported release, ``connect_retry_delay`` from 4.13.0,
#: ``status_code_retry_delay`` and ``retriable_status_codes`` from 4.22.0.
#: The proxy's value of these is the configured one, or ``None`` when
#: clouds.yaml sets none; :func:`retry_setting` reads only the others
#: from the configuration.
PASSED_RETRY_SETTINGS = passed_settings(
    _cloud_region.CloudRegion.get_session_client
)


def cloud_setting(
    proxy: Any, name: str, *, fallback_to_unprefixed: bool = False
) -> Any:
    """A clouds.yaml value for a block-storage proxy, as openstacksdk reads it.

    ``block_storage_<name>`` (or the ``volume``/``volumev3`` prefixes),
    else ``<name>`` when ``fallback_to_unprefixed``: openstacksdk's own
    ``CloudRegion._get_config``.  That copies the service-type tables on
    every call, so when no key of the configuration names the setting at
    all, ``None`` is returned without asking it.

    :param proxy: The block-storage proxy.
    :param name: The setting, without a prefix.
    :param fallback_to_unprefixed: Whether ``<name>`` alone counts.
    :returns: The raw value, or ``None`` when it is not set or the proxy
        has no cloud configuration.
    """
    region = getattr(getattr(proxy, '_connection', None), 'config', None)
    # CloudRegion answers any get_* name, so only its own reader is used.
    get_config = getattr(type(region), '_get_config', None)
    if get_config is None:
        return None
    config = getattr(region, 'config', None)
    if isinstance(config, Mapping):
        suffix = '_' + name
        if not any(
            isinstance(key, str) and (key == name or key.endswith(suffix))
            for key in config
        ):
            return None
    return get_config(
        region,
        name,
        getattr(proxy, 'service_type', None) or 'block-storage',
        fallback_to_unprefixed=fallback_to_unprefixed,
    )


def retry_setting(proxy: Any, name: str) -> Any:
    """A clouds.yaml retry setting of a block-storage proxy.

    The value openstacksdk gave the proxy, when this openstacksdk gives it
    (:data:`PASSED_RETRY_SETTINGS`).  Otherwise (openstacksdk before
    4.13.0 passes no ``connect_retry_delay``, before 4.22.0 no
    ``status_code_retry_delay`` and ``retriable_status_codes``) the
    proxy's own value when it has one, else the value read from the
    cloud's configuration as newer openstacksdk reads it:
    ``block_storage_<name>`` (or the ``volume``/``volumev3`` prefixes),
    else ``<name>``.  The first time a setting is read so, a debug message
    says so.

    :param proxy: The block-storage proxy.
    :param name: ``connect_retries``, ``status_code_retries``,
        ``connect_retry_delay``, ``status_code_retry_delay`` or
        ``retriable_status_codes``.
    :returns: The value, or ``None`` when it is not set.
    """
    convert = _RETRY_SETTINGS[name]
    value = getattr(proxy, name, None)
    if value is not None or name in PASSED_RETRY_SETTINGS:
        return value
    value = cloud_setting(proxy, name, fallback_to_unprefixed=True)
    if value is None:
        return None
    if name not in _READ_HERE:
        _READ_HERE.add(name)
        LOG.debug(
            "%s: read from the cloud's configuration by snapshot_ext; "
            "this openstacksdk does not pass it to the proxy",
            name,
        )
    return convert(value)


#: The retry settings read by retry_setting() itself so far (logged once).
_READ_HERE: set[str] = set()


def call_known(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func`` with the keyword arguments it takes.

    For a stock method some of whose parameters older openstacksdk lacks
    (``wait_for_status``'s ``attribute`` before 4.4.0): an override with
    the installed openstacksdk's signature (:func:`stock_signature`)
    always passes them their defaults there.

    :param func: The function.
    :param args: Its positional arguments.
    :param kwargs: Keyword arguments; those ``func`` does not take are
        left out.
    :returns: What ``func`` returns.
    """
    parameters = inspect.signature(func).parameters
    if not any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    ):
        kwargs = {k: v for k, v in kwargs.items() if k in parameters}
    return func(*args, **kwargs)


F = TypeVar('F', bound=Callable[..., Any])


def _shape(signature: inspect.Signature) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def stock_signature(stock: Callable[..., Any]) -> Callable[[F], F]:
    """Give a method the parameters of the stock method it overrides.

    When the installed openstacksdk's method takes other parameters or
    defaults than the override (an older openstacksdk), the override is
    wrapped: it is called with the stock method's parameters bound by
    name (and their stock defaults), and reports the stock signature.
    Parameters only the override has keep its defaults.  Otherwise the
    override is returned as it is.

    :param stock: The stock method (e.g. openstacksdk's
        ``Proxy.wait_for_status``).
    :returns: The decorator.
    :raises: TypeError when the stock method has a parameter the
        override lacks.
    """
    stock_sig = inspect.signature(stock)

    def decorate(method: F) -> F:
        own_sig = inspect.signature(method)
        if _shape(own_sig) == _shape(stock_sig):
            return method
        missing = set(stock_sig.parameters) - set(own_sig.parameters)
        if missing:
            raise TypeError(
                f"{method.__qualname__} lacks the parameters "
                f"{sorted(missing)} of the method it overrides"
            )

        kinds = {p.name: p.kind for p in stock_sig.parameters.values()}
        if inspect.Parameter.VAR_POSITIONAL in kinds.values():
            raise TypeError(f"{stock!r}: *args cannot be passed by name")

        @functools.wraps(method)
        def adapted(*args: Any, **kwargs: Any) -> Any:
            bound = stock_sig.bind(*args, **kwargs)
            bound.apply_defaults()
            named: dict[str, Any] = {}
            for name, value in bound.arguments.items():
                if kinds[name] is inspect.Parameter.VAR_KEYWORD:
                    named.update(value)
                else:
                    named[name] = value
            return method(**named)

        adapted.__signature__ = stock_sig  # type: ignore[attr-defined]
        return adapted  # type: ignore[return-value]

    return decorate
