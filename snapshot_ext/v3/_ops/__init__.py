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

"""Operations over snapshots that take more than one request.

:mod:`.dependents` finds what keeps a snapshot from being deleted,
:mod:`.bulk` creates, deletes and waits for many snapshots, and
:mod:`.prune` applies a retention policy to a volume's snapshots.  Each
takes keyword-only arguments and the proxy as an
:class:`~snapshot_ext.v3._ops.ProxyLike`.
"""

from typing import Any
from typing import Protocol
from typing import cast

from keystoneauth1 import adapter
from openstack.block_storage.v3 import snapshot as _stock_snapshot
import requests

from snapshot_ext.v3 import snapshot as _snapshot

#: A snapshot as callers give it: its ID or a Snapshot.
SnapshotRef = str | _stock_snapshot.Snapshot

#: Threads a bulk operation uses when no concurrency is given.
DEFAULT_CONCURRENCY = 8


class ProxyLike(Protocol):
    """What the operations call on the block-storage proxy.

    snapshot_ext's :class:`~snapshot_ext.Proxy` is one; the
    operations pass it on to openstacksdk's resources as the keystoneauth
    adapter it also is (:func:`adapter_of`).
    """

    def _snapshot_resource(
        self, value: SnapshotRef | None, **attrs: Any
    ) -> _snapshot.Snapshot: ...

    def create_snapshot(self, **attrs: Any) -> _snapshot.Snapshot: ...

    def delete_snapshot(
        self,
        snapshot: SnapshotRef,
        ignore_missing: bool = True,
        force: bool = False,
    ) -> None: ...

    def get_project_id(self) -> str | None: ...

    def get(self, url: str, **kwargs: Any) -> requests.Response: ...


def adapter_of(proxy: ProxyLike) -> adapter.Adapter:
    """The proxy as the adapter openstacksdk's resources send through.

    The proxy is a keystoneauth :class:`~keystoneauth1.adapter.Adapter`,
    which a protocol cannot say.

    :param proxy: The proxy.
    :returns: The same object, typed as an adapter.
    """
    return cast(adapter.Adapter, proxy)
