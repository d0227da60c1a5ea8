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

"""Plugging snapshot_ext into one openstacksdk Connection.

:func:`register` gives one connection snapshot_ext's block-storage proxy.
Nothing global changes: openstacksdk's ``Connection`` class is left alone
(unlike ``Connection.add_service``, which sets a property on the class and
so reaches every connection in the process).  Instead the one connection
object is moved to a small subclass, made once per connection class, whose
block-storage attributes describe snapshot_ext's proxy.  The proxy is
built lazily on first use, as openstacksdk's own are, so registering sends
no request.
"""

import threading
from typing import Any

from openstack import connection as _connection
from openstack.block_storage import block_storage_service
from openstack.block_storage.v2 import _proxy as _v2_proxy

from snapshot_ext.v3 import _proxy as _v3_proxy
from snapshot_ext.v3 import _transport

_lock = threading.Lock()
_build_lock = threading.Lock()
_subclasses: dict[type, type] = {}


class BlockStorageService(block_storage_service.BlockStorageService):
    """openstacksdk's block-storage service with snapshot_ext's v3 proxy.

    Building the proxy authenticates and discovers the API version through
    the connection's own session.  When clouds.yaml sets no
    ``api_timeout`` that session has no timeout, so for the duration of
    the build it gets the proxy's default one: a stalled Keystone or
    Cinder cannot hang the first use of ``conn.block_storage``.
    """

    supported_versions = {
        '3': _v3_proxy.Proxy,
        '2': _v2_proxy.Proxy,
    }

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None or self.service_type in instance._proxies:
            return super().__get__(instance, owner)
        with _build_lock:
            with _transport.bounded_while_building(
                getattr(instance, 'session', None)
            ):
                return super().__get__(instance, owner)


def _service_attributes(cls: type) -> list[str]:
    # Every name the class serves block storage under (block_storage,
    # block_store, volume): all must give the same proxy, whichever is
    # used first.
    names = set()
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, block_storage_service.BlockStorageService):
                names.add(name)
    return sorted(names)


def _subclass_for(cls: type) -> type:
    with _lock:
        sub = _subclasses.get(cls)
        if sub is None:
            service = BlockStorageService(service_type='block-storage')
            attrs: dict[str, Any] = {
                name: service for name in _service_attributes(cls)
            }
            attrs['_snapshot_ext_registered'] = True
            attrs['__module__'] = cls.__module__
            attrs['__qualname__'] = cls.__qualname__
            sub = type(cls.__name__, (cls,), attrs)
            _subclasses[cls] = sub
        return sub


def register(conn: _connection.Connection) -> None:
    """Give ``conn`` snapshot_ext's block-storage proxy.

    Works as a clouds.yaml vendor hook (``vendor_hook:
    snapshot_ext:register``), as ``openstack.connect(...,
    vendor_hook='snapshot_ext:register')``, or called directly.  Only
    ``conn`` changes; registering twice is harmless; no request is sent.

    :param conn: The connection to extend.
    :returns: ``None``
    :raises: TypeError when ``conn`` is not an openstacksdk Connection.
    """
    if not isinstance(conn, _connection.Connection):
        raise TypeError(
            f"register() needs an openstack.connection.Connection, got "
            f"{type(conn).__name__}"
        )
    if getattr(type(conn), '_snapshot_ext_registered', False):
        return
    conn.__class__ = _subclass_for(type(conn))
    # A stock proxy built before registration would shadow ours.
    proxy = conn._proxies.get('block-storage')
    if proxy is not None and not isinstance(proxy, _v3_proxy.Proxy):
        del conn._proxies['block-storage']


def is_registered(conn: _connection.Connection) -> bool:
    """Tell whether :func:`register` was applied to ``conn``.

    :param conn: A connection.
    :returns: ``True`` when ``conn`` uses snapshot_ext's proxy.
    """
    return bool(getattr(type(conn), '_snapshot_ext_registered', False))


def proxy(conn: _connection.Connection) -> _v3_proxy.Proxy:
    """Return ``conn``'s block-storage proxy, typed as snapshot_ext's.

    ``conn.block_storage`` works the same at run time; type checkers,
    though, only know openstacksdk's own proxy types for it.  This
    registers ``conn`` when it is not yet (no request is sent for that)
    and returns the proxy with its real type.

    :param conn: The connection.
    :returns: The :class:`snapshot_ext.Proxy` of ``conn``.
    :raises: TypeError when the cloud's block-storage API is not v3.
    """
    register(conn)
    block_storage: Any = conn.block_storage
    if not isinstance(block_storage, _v3_proxy.Proxy):
        raise TypeError(
            f"the block-storage service of this connection is "
            f"{type(block_storage).__name__}, not the v3 API"
        )
    return block_storage
