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

"""The clients the benchmark compares, doing the same work.

* ``snapshot_ext``: an openstacksdk Connection with snapshot_ext
  registered (``conn.block_storage`` is snapshot_ext's proxy), with the
  ``speedups`` extra when it is installed (``msgspec`` decodes the
  listing's pages);
* ``snapshot_ext_json``: the same without ``msgspec`` (its import is
  blocked in the client's process): the listing's pages are decoded by
  the standard library's ``json``, as without the extra;
* ``openstacksdk``: the same Connection without the plugin
  (openstacksdk's built-in block-storage proxy);
* ``keystoneauth``: a plain keystoneauth1 Session and Adapter sending the
  same requests and returning the decoded dicts, the floor any client
  built on keystoneauth can reach (the endpoint is looked up in the
  catalog for every request);
* ``floor``: a plain keystoneauth1 Session sending to absolute URLs built
  from one catalog lookup: the leanest client on keystoneauth, and the
  one every ratio is measured against;
* ``cinderclient``: python-cinderclient's v3 client on a keystoneauth
  Session (``pip install -r tools/bench/requirements.txt``).

Each client authenticates and negotiates the microversion in
:meth:`Client.setup`; the workloads are then the same HTTP requests.
"""

from __future__ import annotations

from collections.abc import Iterator
import importlib
import sys
from typing import Any
import urllib.parse

KINDS = (
    'floor',
    'snapshot_ext',
    'snapshot_ext_json',
    'cinderclient',
    'keystoneauth',
    'openstacksdk',
)
#: The client every ratio is measured against.
FLOOR = 'floor'
PAGE_SIZE = 1000
MICROVERSION_CEILING = (3, 71)


def auth_args(auth_url: str) -> dict[str, Any]:
    """The password credentials the loopback server accepts.

    :param auth_url: The server's Keystone v3 URL.
    :returns: keystoneauth/openstacksdk auth arguments.
    """
    return {
        'auth_url': auth_url,
        'username': 'bench',
        'password': 'bench',
        'project_name': 'bench',
        'user_domain_id': 'default',
        'project_domain_id': 'default',
    }


class Client:
    """One client under test.

    :param auth_url: The Keystone v3 URL to authenticate against.
    :param cloud: A clouds.yaml cloud name to use instead (the devcloud).
    :param clouds_yaml: The clouds.yaml file holding ``cloud``.
    """

    kind = ''

    def __init__(
        self,
        auth_url: str | None = None,
        cloud: str | None = None,
        clouds_yaml: str | None = None,
    ) -> None:
        self.auth_url = auth_url
        self.cloud = cloud
        self.clouds_yaml = clouds_yaml

    def setup(self) -> None:
        """Authenticate and negotiate; not part of the timed work."""
        raise NotImplementedError

    def iter_snapshots(self) -> Iterator[Any]:
        """Yield every snapshot (details), following pages of 1000."""
        raise NotImplementedError

    def list_all(self) -> list[Any]:
        """List every snapshot, keeping them all.

        :returns: The snapshots.
        """
        return list(self.iter_snapshots())

    def get(self, snapshot_id: str) -> Any:
        """Fetch one snapshot.

        :param snapshot_id: Its ID.
        :returns: The snapshot.
        """
        raise NotImplementedError

    def create(self, volume_id: str, name: str) -> Any:
        """Create a snapshot.

        :param volume_id: The volume to snapshot.
        :param name: The snapshot's name.
        :returns: The created snapshot.
        """
        raise NotImplementedError

    def delete(self, snapshot: Any) -> None:
        """Delete a snapshot this client created.

        :param snapshot: The snapshot :meth:`create` returned.
        """
        raise NotImplementedError

    def create_delete(self, volume_id: str, name: str) -> Any:
        """Create a snapshot, then delete it.

        :param volume_id: The volume to snapshot.
        :param name: The snapshot's name.
        :returns: The created snapshot.
        """
        snapshot = self.create(volume_id, name)
        self.delete(snapshot)
        return snapshot

    def snapshot_id(self, snapshot: Any) -> str:
        """The ID of a snapshot this client returned.

        :param snapshot: A snapshot.
        :returns: Its ID.
        """
        return str(snapshot['id'])


def _cloud_region(cloud: str, clouds_yaml: str | None) -> Any:
    import openstack.config

    config = openstack.config.OpenStackConfig(
        config_files=[clouds_yaml] if clouds_yaml else None
    )
    return config.get_one(cloud=cloud)


class _SDKClient(Client):
    register = False

    def setup(self) -> None:
        import openstack

        if self.cloud:
            from openstack import connection

            region = _cloud_region(self.cloud, self.clouds_yaml)
            # The devcloud's clouds.yaml registers snapshot_ext by a vendor
            # hook; whether it is registered is this client's choice.
            region.config.pop('vendor_hook', None)
            conn = connection.Connection(config=region)
        else:
            assert self.auth_url
            conn = openstack.connect(
                region_name='RegionOne', **auth_args(self.auth_url)
            )
        if self.register:
            import snapshot_ext

            snapshot_ext.register(conn)
        self.conn = conn
        proxy: Any = conn.block_storage
        self.proxy = proxy
        # Authenticates and discovers the endpoint and its versions.
        proxy.get_endpoint()
        if self.register:
            proxy.snapshot_microversion  # noqa: B018
            from snapshot_ext.v3 import _speedups
            from snapshot_ext.v3 import snapshot as ext_snapshot

            # The fast path's self-check, once per process.
            _speedups.layout(ext_snapshot.Snapshot)
        else:
            from openstack.block_storage.v3 import snapshot

            from snapshot_ext.v3 import _compat

            # Discovery, as openstacksdk's first snapshot call does it.
            _compat.resource_microversion(snapshot.Snapshot, proxy, 'list')

    def iter_snapshots(self) -> Iterator[Any]:
        snapshots: Iterator[Any] = self.proxy.snapshots(
            details=True, limit=PAGE_SIZE
        )
        return snapshots

    def get(self, snapshot_id: str) -> Any:
        return self.proxy.get_snapshot(snapshot_id)

    def create(self, volume_id: str, name: str) -> Any:
        return self.proxy.create_snapshot(volume_id=volume_id, name=name)

    def delete(self, snapshot: Any) -> None:
        self.proxy.delete_snapshot(snapshot)

    def snapshot_id(self, snapshot: Any) -> str:
        return str(snapshot.id)


class SnapshotExtClient(_SDKClient):
    """openstacksdk with snapshot_ext registered on the connection."""

    kind = 'snapshot_ext'
    register = True


class SnapshotExtJSONClient(SnapshotExtClient):
    """snapshot_ext decoding with the standard library's ``json`` only.

    Needs a process of its own: ``msgspec`` must not have been imported
    before :meth:`setup`, which blocks its import.
    """

    kind = 'snapshot_ext_json'

    def setup(self) -> None:
        if sys.modules.get('msgspec') is not None:
            raise RuntimeError(
                'snapshot_ext_json needs a process where msgspec was not '
                'imported'
            )
        # "import msgspec" now raises ImportError in this process.
        sys.modules['msgspec'] = None  # type: ignore[assignment]
        super().setup()
        from snapshot_ext.v3._speedups import decoding

        if decoding.accelerated():
            raise RuntimeError('snapshot_ext_json: msgspec is still used')


class OpenStackSDKClient(_SDKClient):
    """openstacksdk's built-in block-storage proxy."""

    kind = 'openstacksdk'
    register = False


class KeystoneauthClient(Client):
    """A plain keystoneauth1 Session returning the decoded dicts."""

    kind = 'keystoneauth'

    def setup(self) -> None:
        from keystoneauth1 import adapter
        from keystoneauth1 import session

        if self.cloud:
            region = _cloud_region(self.cloud, self.clouds_yaml)
            sess = region.get_session()
            interface = region.get_interface('block-storage') or 'public'
            region_name = region.get_region_name('block-storage')
        else:
            from keystoneauth1.identity import v3

            assert self.auth_url
            sess = session.Session(
                auth=v3.Password(**auth_args(self.auth_url))
            )
            interface = 'public'
            region_name = 'RegionOne'
        self.adapter = adapter.Adapter(
            sess,
            service_type='block-storage',
            interface=interface,
            region_name=region_name,
        )
        # Authenticate and discover the microversions, as the SDK does.
        data = self.adapter.get_endpoint_data()
        version = MICROVERSION_CEILING
        if data is not None and data.max_microversion:
            server = tuple(data.max_microversion[:2])
            version = min(version, (int(server[0]), int(server[1])))
        self.microversion = f'{version[0]}.{version[1]}'
        self.endpoint = self.adapter.get_endpoint()

    def iter_snapshots(self) -> Iterator[Any]:
        params: dict[str, Any] = {'limit': PAGE_SIZE}
        while True:
            body = self.adapter.get(
                '/snapshots/detail',
                params=params,
                microversion=self.microversion,
            ).json()
            yield from body['snapshots']
            marker = None
            for link in body.get('snapshots_links') or ():
                if link.get('rel') == 'next':
                    query = urllib.parse.urlsplit(link['href']).query
                    marker = urllib.parse.parse_qs(query)['marker'][-1]
            if marker is None:
                return
            params = {'limit': PAGE_SIZE, 'marker': marker}

    def get(self, snapshot_id: str) -> Any:
        return self.adapter.get(
            f'/snapshots/{snapshot_id}', microversion=self.microversion
        ).json()['snapshot']

    def create(self, volume_id: str, name: str) -> Any:
        return self.adapter.post(
            '/snapshots',
            json={'snapshot': {'volume_id': volume_id, 'name': name}},
            microversion=self.microversion,
        ).json()['snapshot']

    def delete(self, snapshot: Any) -> None:
        self.adapter.delete(
            f"/snapshots/{snapshot['id']}", microversion=self.microversion
        )


def _next_marker(body: dict[str, Any]) -> str | None:
    for link in body.get('snapshots_links') or ():
        if link.get('rel') == 'next':
            query = urllib.parse.urlsplit(link['href']).query
            return str(urllib.parse.parse_qs(query)['marker'][-1])
    return None


class FloorClient(KeystoneauthClient):
    """A keystoneauth1 Session sending to absolute URLs.

    The endpoint is looked up in the catalog once, in :meth:`setup`; every
    request then goes to ``endpoint + path`` through the Session with the
    microversion header, and returns the decoded dicts.
    """

    kind = 'floor'

    def setup(self) -> None:
        super().setup()
        assert self.endpoint
        self.session = self.adapter.session
        self.base = self.endpoint.rstrip('/')
        self.headers = {'OpenStack-API-Version': f'volume {self.microversion}'}

    def iter_snapshots(self) -> Iterator[Any]:
        url = f'{self.base}/snapshots/detail'
        params: dict[str, Any] = {'limit': PAGE_SIZE}
        while True:
            body = self.session.get(
                url, params=params, headers=self.headers
            ).json()
            yield from body['snapshots']
            marker = _next_marker(body)
            if marker is None:
                return
            params = {'limit': PAGE_SIZE, 'marker': marker}

    def get(self, snapshot_id: str) -> Any:
        return self.session.get(
            f'{self.base}/snapshots/{snapshot_id}', headers=self.headers
        ).json()['snapshot']

    def create(self, volume_id: str, name: str) -> Any:
        return self.session.post(
            f'{self.base}/snapshots',
            json={'snapshot': {'volume_id': volume_id, 'name': name}},
            headers=self.headers,
        ).json()['snapshot']

    def delete(self, snapshot: Any) -> None:
        self.session.delete(
            f"{self.base}/snapshots/{snapshot['id']}", headers=self.headers
        )


class CinderclientClient(KeystoneauthClient):
    """python-cinderclient's v3 client on a keystoneauth1 Session.

    It negotiates the microversion in :meth:`setup` as the other clients
    do, and lists with explicit ``marker`` and ``limit`` so that it sends
    the same pages of 1000.
    """

    kind = 'cinderclient'

    def setup(self) -> None:
        super().setup()
        # Imported by name: an optional package without type hints.
        api_versions = importlib.import_module('cinderclient.api_versions')
        v3_client = importlib.import_module('cinderclient.v3.client')
        self.client = v3_client.Client(
            session=self.adapter.session,
            service_type='block-storage',
            interface=self.adapter.interface,
            region_name=self.adapter.region_name,
            api_version=api_versions.APIVersion(self.microversion),
        )

    def iter_snapshots(self) -> Iterator[Any]:
        manager = self.client.volume_snapshots
        marker = None
        while True:
            page = manager.list(detailed=True, marker=marker, limit=PAGE_SIZE)
            yield from page
            if len(page) < PAGE_SIZE:
                return
            marker = page[-1].id

    def get(self, snapshot_id: str) -> Any:
        return self.client.volume_snapshots.get(snapshot_id)

    def create(self, volume_id: str, name: str) -> Any:
        return self.client.volume_snapshots.create(volume_id, name=name)

    def delete(self, snapshot: Any) -> None:
        self.client.volume_snapshots.delete(snapshot)

    def snapshot_id(self, snapshot: Any) -> str:
        return str(snapshot.id)


CLIENTS: dict[str, type[Client]] = {
    'floor': FloorClient,
    'snapshot_ext': SnapshotExtClient,
    'snapshot_ext_json': SnapshotExtJSONClient,
    'cinderclient': CinderclientClient,
    'keystoneauth': KeystoneauthClient,
    'openstacksdk': OpenStackSDKClient,
}


def make(kind: str, **kwargs: Any) -> Client:
    """Make a client of one kind.

    :param kind: One of :data:`KINDS`.
    :param kwargs: Passed to the client.
    :returns: The client, not yet set up.
    """
    return CLIENTS[kind](**kwargs)
