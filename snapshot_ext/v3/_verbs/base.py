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

"""The proxy's transport and the helpers its verbs share.

:class:`ProxyBase` is openstacksdk's block-storage v3 proxy with
snapshot_ext's transport (the retry policy, the endpoint kept per token,
the cache-key names) and the snapshot helpers every verb uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from openstack.block_storage.v3 import _proxy as _stock_proxy
from openstack.block_storage.v3 import snapshot as _stock_snapshot
import requests

from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _endpoint
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import _transport
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import SnapshotRef

if TYPE_CHECKING:
    from snapshot_ext import results

# The positional parameters of openstack.proxy.Proxy.request after method.
_REQUEST_ARGS = (
    'error_message',
    'raise_exc',
    'connect_retries',
    'global_request_id',
)


class ProxyBase(_stock_proxy.Proxy):
    """The proxy's transport and the helpers its verbs share."""

    _resource_registry = {
        **_stock_proxy.Proxy._resource_registry,
        'snapshot': _snapshot.Snapshot,
    }

    _transport_settings: _transport.Settings
    _transport_policy: results.TransportPolicy

    def __init__(self, session: Any, *args: Any, **kwargs: Any) -> None:
        # Without clouds.yaml api_timeout, the proxy gets a session copy
        # with a default timeout (see _transport.bounded_session).
        super().__init__(_transport.bounded_session(session), *args, **kwargs)

    def _retry_settings(self) -> _transport.Settings:
        # Read from clouds.yaml on first use.
        try:
            return self._transport_settings
        except AttributeError:
            settings = _transport.settings_from_proxy(self)
            self._transport_settings = settings
            return settings

    @property
    def transport_policy(self) -> results.TransportPolicy:
        """What this proxy retries, how often and how long it waits.

        Read from clouds.yaml on first use; see
        :class:`~snapshot_ext.results.TransportPolicy`.
        """
        try:
            return self._transport_policy
        except AttributeError:
            policy = self._retry_settings().policy()
            self._transport_policy = policy
            return policy

    def request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Send a request under :attr:`transport_policy`.

        Requests that are safe to repeat are retried after transient
        failures; other ``POST`` requests are never re-sent once they may
        have reached the server.

        :param url: The URL or path below the endpoint.
        :param method: The HTTP method.
        :param args: openstacksdk's positional ``error_message``,
            ``raise_exc``, ``connect_retries`` and ``global_request_id``.
        :param kwargs: As for :meth:`openstack.proxy.Proxy.request`.
        :returns: The final response.
        :raises: :class:`~snapshot_ext.exceptions.RequestOutcomeUnknown`
            when a request that is not safe to repeat got no answer.
        """
        if args:
            kwargs.update(zip(_REQUEST_ARGS, args, strict=False))
        # The endpoint, resolved once per token instead of per request.
        _endpoint.add_endpoint(self, kwargs)
        return _transport.send(
            self._retry_settings(), super().request, url, method, **kwargs
        )

    def _get_cache_key_prefix(self, url: str) -> str:
        """Name the cache keys of a request as openstacksdk does.

        openstacksdk's own method asks the session for the token's project
        ID for every request; this asks once per token
        (:func:`~snapshot_ext.v3._endpoint.project_id`) and gives the same
        name.  It passes no service type to ``_extract_name``, which names
        the URL's parts without it; the openstacksdk releases that
        deprecate that argument warn for every request given it.

        :param url: The URL or path of the request.
        :returns: The service type and the names of the URL's parts,
            joined by dots.
        """
        service_type = self.service_type
        if not service_type:
            # openstacksdk's own error.
            return str(super()._get_cache_key_prefix(url))
        names = self._extract_name(url, None, _endpoint.project_id(self))
        return '.'.join([service_type, *names])

    @property
    def snapshot_microversion(self) -> str | None:
        """The microversion sent with every snapshot request.

        Negotiated on first use as the highest version both the cloud and
        snapshot_ext support (at most 3.71), or lower when clouds.yaml
        sets ``block_storage_api_version``.  ``None`` when the cloud
        announces no microversions.
        """
        return mv.for_session(self)

    def _snapshot_resource(
        self, value: SnapshotRef | None, **attrs: Any
    ) -> _snapshot.Snapshot:
        if isinstance(value, _stock_snapshot.Snapshot) and not isinstance(
            value, _snapshot.Snapshot
        ):
            value = value.id
        if value is None or (isinstance(value, str) and not value):
            raise _checks.bad(
                f"a snapshot ID or Snapshot is required, got {value!r}"
            )
        return self._get_resource(_snapshot.Snapshot, value, **attrs)
