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

"""The service endpoint of a proxy, looked up once per token.

keystoneauth looks the endpoint up in the service catalog for every
request, deep-copying the catalog each time.  :func:`add_endpoint` gives
each request of the proxy the endpoint found once per token instead
(:func:`endpoint_override`).  openstacksdk's ``Proxy.request`` also asks
the session for the token's project ID for every request (to name its
cache keys), which has keystoneauth parse the token's expiry date again;
:func:`project_id` answers it once per token.

This belongs to the transport layer, beside :mod:`._transport`: it
decides where requests go, not how objects are built.  It is a module of
its own rather than part of :mod:`._transport` because it shares nothing
with the retry and timeout policy there: it only reads the proxy's
filters and its authentication plugin's token, and the proxy's
``request`` calls the two one after the other.
"""

from __future__ import annotations

import time
from typing import Any

_ENDPOINT_ATTR = '_snapshot_ext_endpoint'
_PROJECT_ATTR = '_snapshot_ext_project_id'


def _token_deadline(auth: Any, ref: Any) -> float:
    """When keystoneauth would re-authenticate for this token.

    :param auth: The authentication plugin.
    :param ref: Its current ``auth_ref``.
    :returns: A :func:`time.time` value; ``inf`` for a token that never
        expires or a plugin that never re-authenticates.
    """
    expires = getattr(ref, 'expires', None)
    if expires is None or not getattr(auth, 'reauthenticate', True):
        return float('inf')
    # keystoneauth re-authenticates this long before expiry.
    margin = getattr(auth, 'MIN_TOKEN_LIFE_SECONDS', 120)
    return float(expires.timestamp()) - margin


#: What :func:`_kept` gives when nothing is kept for the current token.
_MISSING: Any = object()


def _kept(proxy: Any, attr: str, auth: Any, key: Any) -> Any:
    """What :func:`_keep` kept for the plugin's current token.

    :param proxy: The proxy the value is kept on.
    :param attr: The attribute it is kept in.
    :param auth: The authentication plugin.
    :param key: What else the value depends on (compared with ``==``).
    :returns: The value kept for the same plugin, the same token (its
        ``auth_ref``, the very object) and an equal ``key``, until
        keystoneauth would re-authenticate; else :data:`_MISSING`.
    """
    ref = getattr(auth, 'auth_ref', None)
    cached = getattr(proxy, attr, None)
    if (
        ref is not None
        and cached is not None
        and cached[0] is auth
        and cached[1] is ref
        and cached[2] == key
        and time.time() < cached[3]
    ):
        return cached[4]
    return _MISSING


def _keep(proxy: Any, attr: str, auth: Any, key: Any, value: Any) -> bool:
    """Keep a value found for the plugin's current token.

    The token is read after the lookup, which may have fetched a new one.

    :param proxy: The proxy to keep it on.
    :param attr: The attribute to keep it in.
    :param auth: The authentication plugin.
    :param key: What else the value depends on.
    :param value: The value.
    :returns: ``False`` when there is no token to keep it for, or the
        token is already due to be re-issued.
    """
    ref = getattr(auth, 'auth_ref', None)
    if ref is None:
        setattr(proxy, attr, None)
        return False
    deadline = _token_deadline(auth, ref)
    setattr(proxy, attr, (auth, ref, key, deadline, value))
    return time.time() < deadline


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
    url = _kept(proxy, _ENDPOINT_ATTR, auth, filters)
    if url is not _MISSING:
        return str(url)
    url = proxy.get_endpoint()
    if not url or not isinstance(url, str):
        # None, or not keystoneauth's answer (a mock.Mock() session).
        return None
    escaped = str(url).replace('%', '%%')
    if not _keep(proxy, _ENDPOINT_ATTR, auth, filters, escaped):
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


def project_id(proxy: Any) -> Any:
    """The session's ``get_project_id()``, asked once per token.

    openstacksdk's ``Proxy.request`` names its cache keys after the
    token's project, and asks the session for it for every request.  This
    gives what the session answered for the same authentication plugin
    and the same token (its ``auth_ref``, the very object), until
    keystoneauth would re-authenticate; a new token, another plugin or a
    token due to be re-issued asks the session again.

    :param proxy: A keystoneauth Adapter (an openstacksdk proxy).
    :returns: The project ID, or ``None``.
    """
    session = proxy.session
    auth = getattr(session, 'auth', None)
    found = _kept(proxy, _PROJECT_ATTR, auth, session)
    if found is not _MISSING:
        return found
    found = session.get_project_id()
    if isinstance(found, (str, type(None))):
        _keep(proxy, _PROJECT_ATTR, auth, session, found)
    else:
        # Not keystoneauth's answer (a mock session).
        setattr(proxy, _PROJECT_ATTR, None)
    return found
