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

"""Complete Cinder v3 snapshot support for openstacksdk.

Plug it into a connection with a clouds.yaml vendor hook
(``vendor_hook: snapshot_ext:register``) or in code::

    import openstack
    import snapshot_ext

    conn = openstack.connect(cloud='mycloud')
    snapshot_ext.register(conn)
    for snap in conn.block_storage.snapshots(status='available'):
        print(snap.name, snap.created)

For type checkers, :func:`proxy` returns the same proxy with its real
type, :class:`Proxy`: ``bs = snapshot_ext.proxy(conn)``.  The types the proxy's
verbs return are importable from here (or :mod:`snapshot_ext.results`), and the
exceptions from :mod:`snapshot_ext.exceptions`::

    from snapshot_ext import BulkResult
    from snapshot_ext import exceptions
"""

from typing import TYPE_CHECKING
from typing import Any

from snapshot_ext import exceptions
from snapshot_ext.registration import is_registered
from snapshot_ext.registration import proxy
from snapshot_ext.registration import register
from snapshot_ext.v3._proxy import Proxy

if TYPE_CHECKING:
    from snapshot_ext.results import BulkResult
    from snapshot_ext.results import ItemResult
    from snapshot_ext.results import Page
    from snapshot_ext.results import PruneDecision
    from snapshot_ext.results import PruneResult
    from snapshot_ext.results import TransportPolicy

__all__ = [
    'BulkResult',
    'ItemResult',
    'Page',
    'PruneDecision',
    'PruneResult',
    'Proxy',
    'TransportPolicy',
    'exceptions',
    'is_registered',
    'proxy',
    'register',
]

# The result types are made when first used (a listing, a bulk verb, a
# proxy's transport_policy), not when the package is imported.
_RESULTS = frozenset(
    {
        'BulkResult',
        'ItemResult',
        'Page',
        'PruneDecision',
        'PruneResult',
        'TransportPolicy',
    }
)


def __getattr__(name: str) -> Any:
    """The result types of :mod:`snapshot_ext.results`, on first use.

    :param name: The attribute asked for.
    :returns: The result type.
    :raises: AttributeError for any other name.
    """
    if name in _RESULTS:
        from snapshot_ext import results

        value = getattr(results, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names, the result types among them.

    :returns: The names, sorted.
    """
    return sorted(set(globals()) | _RESULTS)
