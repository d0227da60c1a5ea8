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

"""Block Storage microversion negotiation for snapshot calls.

The highest microversion both the cloud and this code support is negotiated
once per proxy and then sent with every snapshot request, actions and
metadata calls included.
"""

from typing import Any

from keystoneauth1 import discover
from keystoneauth1 import exceptions as ks_exceptions
from openstack.block_storage.v3 import snapshot as _stock_snapshot

from snapshot_ext import exceptions

#: The newest Block Storage microversion this code understands.
MAX_MICROVERSION = '3.71'

#: Microversions that add snapshot features, by feature.
CREATE_FROM_IN_USE_WITHOUT_FORCE = '3.66'
MANAGE_VIA_MANAGEABLE_SNAPSHOTS = '3.8'
MANAGEABLE_BY_CLUSTER = '3.17'
METADATA_FILTER = '3.22'
SORT_BY_NAME = '3.30'
RESOURCE_FILTERS = '3.33'
LIKE_FILTERS = '3.34'
WITH_COUNT = '3.45'
CONSUMES_QUOTA = '3.65'

Version = tuple[int, int]

_ATTR = '_snapshot_ext_microversion'
_UNSET = object()


def parse(version: str | None) -> Version:
    """Turn ``"3.45"`` into ``(3, 45)``; ``None`` means ``(3, 0)``.

    :param version: A microversion string or ``None``.
    :returns: The version as a tuple of two integers.
    """
    if not version:
        return (3, 0)
    major, minor = discover.normalize_version_number(version)[:2]
    return (int(major), int(minor))


def negotiate(adapter: Any) -> str | None:
    """Find the highest microversion the adapter's endpoint and we support.

    A microversion configured by the user (``block_storage_api_version:
    '3.50'`` in clouds.yaml) is honoured as the ceiling.

    :param adapter: A :class:`keystoneauth1.adapter.Adapter` (a proxy).
    :returns: The microversion as a string, or ``None`` when the cloud
        announces no microversions.
    """
    ceiling = parse(MAX_MICROVERSION)
    configured = getattr(adapter, 'default_microversion', None)
    if configured and isinstance(configured, str):
        ceiling = min(ceiling, parse(configured))
    try:
        data = adapter.get_endpoint_data()
    except ks_exceptions.DiscoveryFailure:
        data = None
    if data is not None and not all(
        isinstance(v, tuple | None)
        for v in (data.max_microversion, data.min_microversion)
    ):
        # Not keystoneauth's endpoint data (versions as tuples) but a test
        # double such as mock.Mock(): send the fixed microversion
        # openstacksdk's snapshot resource sends.
        best = min(ceiling, parse(_stock_snapshot.Snapshot._max_microversion))
        return f'{best[0]}.{best[1]}'
    if data is None or not data.max_microversion:
        return None
    server_max = parse(discover.version_to_string(data.max_microversion))
    if data.min_microversion:
        server_min = parse(discover.version_to_string(data.min_microversion))
        if ceiling < server_min:
            return None
    best = min(ceiling, server_max)
    return f'{best[0]}.{best[1]}'


def for_session(session: Any) -> str | None:
    """Return the microversion to send on a snapshot request.

    The value is negotiated on the first call and remembered on the
    session (a proxy), so later calls cost nothing and all carry the same
    header.

    :param session: The proxy or adapter that sends the request.
    :returns: The microversion string, or ``None`` for plain 3.0.
    """
    cached = getattr(session, _ATTR, _UNSET)
    if cached is None or isinstance(cached, str):
        return cached
    version = negotiate(session)
    try:
        setattr(session, _ATTR, version)
    except AttributeError:
        pass
    return version


def remember(session: Any, version: str | None) -> None:
    """Make ``version`` the microversion :func:`for_session` gives.

    :param session: The proxy or adapter.
    :param version: The microversion, ``None`` for plain 3.0.
    """
    setattr(session, _ATTR, version)


def require(session: Any, feature: str, required: str) -> str | None:
    """Check that a feature is available before any request is sent.

    :param session: The proxy or adapter that will send the request.
    :param feature: A short description of the feature, for the error.
    :param required: The microversion the feature needs.
    :returns: The negotiated microversion.
    :raises: :class:`~snapshot_ext.exceptions.MicroversionUnavailable` when
        the negotiated microversion is older than ``required``.
    """
    version = for_session(session)
    if parse(version) < parse(required):
        raise exceptions.MicroversionUnavailable(feature, required, version)
    return version


def supports(session: Any, required: str) -> bool:
    """Tell whether the negotiated microversion is at least ``required``.

    :param session: The proxy or adapter that will send the request.
    :param required: A microversion string.
    :returns: ``True`` when the feature can be used.
    """
    return parse(for_session(session)) >= parse(required)
