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

"""A loopback Keystone + Cinder shaped HTTP server for the benchmark.

It listens on 127.0.0.1 only and serves:

* Keystone v3: version discovery and ``POST /identity/v3/auth/tokens``
  answering a token with a catalog of twelve services (three interfaces
  each);
* Cinder v3 (microversions 3.0 to 3.71): version discovery,
  ``GET /snapshots[/detail]`` paginated by ``marker``/``limit`` over a fixed
  set of generated snapshots, ``GET``/``DELETE /snapshots/{id}`` and
  ``POST /snapshots``;
* ``GET /_bench/stats`` and ``POST /_bench/reset``: request counts per
  route (not counted themselves).

Answers are serialised once and cached, and requests are parsed by a
minimal HTTP/1.1 reader with keep-alive, so the server costs far less per
request than any client under test (``run.py --server-ceiling`` measures
it).  The process stops by itself after ``--max-seconds``, or as soon as
its standard input is closed (the benchmark runner keeps it open).

Run it alone with ``python tools/bench/server.py``; it prints one JSON line
with its base URL.
"""

import argparse
import collections
import json
import random
import socket
import sys
import threading
import time
from typing import Any
import urllib.parse
import uuid

MAX_MICROVERSION = (3, 71)
MAX_LIMIT = 1000
PROJECT_ID = 'a3f5c1d2e4b64f7a9c0d1e2f3a4b5c6d'
USER_ID = '5d0c1e2f3a4b4c5d8e9f0a1b2c3d4e5f'
TOKEN = 'gAAAAABbenchtokenbenchtokenbenchtokenbenchtoken'
CATALOG_TYPES = (
    ('identity', 'keystone', '/identity'),
    ('compute', 'nova', '/compute/v2.1'),
    ('image', 'glance', '/image'),
    ('network', 'neutron', '/networking'),
    ('block-storage', 'cinder', '/volume/v3/' + PROJECT_ID),
    ('volumev3', 'cinderv3', '/volume/v3/' + PROJECT_ID),
    ('object-store', 'swift', '/swift/v1/AUTH_' + PROJECT_ID),
    ('placement', 'placement', '/placement'),
    ('orchestration', 'heat', '/heat-api/v1/' + PROJECT_ID),
    ('load-balancer', 'octavia', '/load-balancer'),
    ('dns', 'designate', '/dns'),
    ('key-manager', 'barbican', '/key-manager'),
)
REASONS = {
    200: 'OK',
    201: 'Created',
    202: 'Accepted',
    300: 'Multiple Choices',
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    406: 'Not Acceptable',
}

Answer = tuple[int, bytes, list[tuple[str, str]]]


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(',', ':')).encode()


def make_snapshots(count: int, seed: int = 42) -> list[dict[str, Any]]:
    """Generate ``count`` snapshots shaped like Cinder 29's 3.71 detail view.

    :param count: How many.
    :param seed: Seed of the generator, so every run serves the same data.
    :returns: The snapshots, newest first (Cinder's default order).
    """
    rnd = random.Random(seed)
    volumes = [str(uuid.UUID(int=rnd.getrandbits(128))) for _ in range(50)]
    snapshots = []
    for n in range(count):
        stamp = time.strftime(
            '%Y-%m-%dT%H:%M:%S', time.gmtime(1790000000 - n * 60)
        )
        snapshots.append(
            {
                'consumes_quota': True,
                'created_at': stamp + '.000000',
                'description': None if n % 3 else f'bench snapshot {n}',
                'group_snapshot_id': None,
                'id': str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                'metadata': {'bench': 'yes', 'n': str(n)} if n % 2 else {},
                'name': f'bench-snap-{n:05d}',
                'os-extended-snapshot-attributes:progress': '100%',
                'os-extended-snapshot-attributes:project_id': PROJECT_ID,
                'size': 1 + n % 10,
                'status': 'available',
                'updated_at': stamp + '.000000',
                'user_id': USER_ID,
                'volume_id': volumes[n % len(volumes)],
            }
        )
    return snapshots


_SUMMARY_DROP = (
    'os-extended-snapshot-attributes:progress',
    'os-extended-snapshot-attributes:project_id',
    'group_snapshot_id',
    'user_id',
    'consumes_quota',
)


def _view(
    snap: dict[str, Any], version: tuple[int, int], detail: bool = True
) -> dict[str, Any]:
    """Return the fields Cinder shows at ``version`` (detail or summary)."""
    view = dict(snap)
    if not detail:
        for key in _SUMMARY_DROP:
            view.pop(key, None)
        return view
    if version < (3, 14):
        view.pop('group_snapshot_id', None)
    if version < (3, 41):
        view.pop('user_id', None)
    if version < (3, 65):
        view.pop('consumes_quota', None)
    return view


def _bucket(version: tuple[int, int]) -> tuple[int, int]:
    """The lowest microversion showing the same fields as ``version``."""
    for edge in ((3, 65), (3, 41), (3, 14)):
        if version >= edge:
            return edge
    return (3, 0)


class State:
    """The data and counters behind the server.

    :param base_url: ``http://127.0.0.1:PORT``.
    :param count: How many snapshots to serve.
    :param prewarm: Serialise the pages of 1000 and every snapshot at
        the newest microversion before serving.
    """

    def __init__(
        self, base_url: str, count: int, prewarm: bool = True
    ) -> None:
        self.base_url = base_url
        self.volume_root = f'{base_url}/volume'
        self.cinder_url = f'{base_url}/volume/v3/{PROJECT_ID}'
        self.snapshots = make_snapshots(count)
        self.index = {s['id']: n for n, s in enumerate(self.snapshots)}
        self.created: dict[str, dict[str, Any]] = {}
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.cache: dict[Any, bytes] = {}
        self.token_body = _dumps(self._token())
        self.keystone_versions = _dumps(self._keystone_versions())
        self.keystone_v3 = _dumps(
            {'version': self._keystone_versions()['versions']['values'][0]}
        )
        self.cinder_versions = _dumps({'versions': [self._cinder_version()]})
        self.cinder_v3 = _dumps({'version': self._cinder_version()})
        if prewarm:
            # Serialise the pages and objects the benchmark asks for now,
            # so that no request pays for it.
            for marker in [None] + [
                s['id'] for s in self.snapshots[MAX_LIMIT - 1 :: MAX_LIMIT]
            ]:
                query = {'limit': str(MAX_LIMIT)}
                if marker:
                    query['marker'] = marker
                self.listing(query, MAX_MICROVERSION, True)
            for snap in self.snapshots:
                self.show(snap['id'], MAX_MICROVERSION)

    # Documents -----------------------------------------------------------

    def _keystone_versions(self) -> dict[str, Any]:
        return {
            'versions': {
                'values': [
                    {
                        'id': 'v3.14',
                        'status': 'stable',
                        'updated': '2020-04-07T00:00:00Z',
                        'links': [
                            {
                                'rel': 'self',
                                'href': f'{self.base_url}/identity/v3/',
                            }
                        ],
                        'media-types': [
                            {
                                'base': 'application/json',
                                'type': 'application/'
                                'vnd.openstack.identity-v3+json',
                            }
                        ],
                    }
                ]
            }
        }

    def _cinder_version(self) -> dict[str, Any]:
        return {
            'id': 'v3.0',
            'links': [
                {
                    'href': 'https://docs.openstack.org/',
                    'rel': 'describedby',
                    'type': 'text/html',
                },
                {'href': f'{self.volume_root}/v3/', 'rel': 'self'},
            ],
            'media-types': [
                {
                    'base': 'application/json',
                    'type': 'application/vnd.openstack.volume+json;version=3',
                }
            ],
            'min_version': '3.0',
            'status': 'CURRENT',
            'updated': '2023-08-31T00:00:00Z',
            'version': '{}.{}'.format(*MAX_MICROVERSION),
        }

    def _token(self) -> dict[str, Any]:
        catalog = []
        for n, (stype, name, path) in enumerate(CATALOG_TYPES):
            endpoints = []
            for interface in ('public', 'internal', 'admin'):
                endpoints.append(
                    {
                        'id': f'{n:02d}{interface}'.ljust(32, '0'),
                        'interface': interface,
                        'region': 'RegionOne',
                        'region_id': 'RegionOne',
                        'url': self.base_url + path,
                    }
                )
            catalog.append(
                {
                    'endpoints': endpoints,
                    'id': f'{n:02d}'.ljust(32, 'f'),
                    'name': name,
                    'type': stype,
                }
            )
        domain = {'id': 'default', 'name': 'Default'}
        return {
            'token': {
                'audit_ids': ['benchbenchbenchbench'],
                'catalog': catalog,
                'expires_at': '2099-01-01T00:00:00.000000Z',
                'is_domain': False,
                'issued_at': '2025-01-01T00:00:00.000000Z',
                'methods': ['password'],
                'project': {
                    'domain': domain,
                    'id': PROJECT_ID,
                    'name': 'bench',
                },
                'roles': [
                    {'id': 'ab' * 16, 'name': 'admin'},
                    {'id': 'cd' * 16, 'name': 'member'},
                    {'id': 'ef' * 16, 'name': 'reader'},
                ],
                'user': {
                    'domain': domain,
                    'id': USER_ID,
                    'name': 'bench',
                    'password_expires_at': None,
                },
            }
        }

    # Cinder --------------------------------------------------------------

    def _find(self, snapshot_id: str) -> dict[str, Any] | None:
        n = self.index.get(snapshot_id)
        if n is not None:
            return self.snapshots[n]
        return self.created.get(snapshot_id)

    def listing(
        self, query: dict[str, str], version: tuple[int, int], detail: bool
    ) -> Answer:
        try:
            limit = min(int(query.get('limit', MAX_LIMIT)), MAX_LIMIT)
        except ValueError:
            return _error(400, 'badRequest', 'limit must be an integer')
        if limit < 0:
            return _error(400, 'badRequest', 'limit must be >= 0')
        marker = query.get('marker')
        if marker:
            n = self.index.get(marker)
            if n is None:
                return _error(
                    404, 'itemNotFound', f'Marker {marker} could not be found.'
                )
            start = n + 1
        else:
            start = 0
        key = ('list', start, limit, _bucket(version), detail)
        body = self.cache.get(key)
        if body is None:
            items = [
                _view(s, version, detail)
                for s in self.snapshots[start : start + limit]
            ]
            doc: dict[str, Any] = {'snapshots': items}
            if limit and len(items) == limit:
                path = '/snapshots/detail' if detail else '/snapshots'
                href = f'{self.cinder_url}{path}?' + urllib.parse.urlencode(
                    {'limit': limit, 'marker': items[-1]['id']}
                )
                doc['snapshots_links'] = [{'href': href, 'rel': 'next'}]
            body = _dumps(doc)
            self.cache[key] = body
        return 200, body, []

    def show(self, snapshot_id: str, version: tuple[int, int]) -> Answer:
        key = ('show', snapshot_id, _bucket(version))
        body = self.cache.get(key)
        if body is None:
            snap = self._find(snapshot_id)
            if snap is None:
                return _error(
                    404,
                    'itemNotFound',
                    f'Snapshot {snapshot_id} could not be found.',
                )
            body = _dumps({'snapshot': _view(snap, version)})
            if snapshot_id in self.index:
                self.cache[key] = body
        return 200, body, []

    def create(self, raw: bytes, version: tuple[int, int]) -> Answer:
        try:
            doc = json.loads(raw)
            attrs = doc['snapshot']
            volume_id = attrs['volume_id']
        except (ValueError, KeyError, TypeError):
            return _error(
                400, 'badRequest', "Invalid input: 'volume_id' is required"
            )
        stamp = time.strftime('%Y-%m-%dT%H:%M:%S.000000', time.gmtime())
        snap = {
            'consumes_quota': True,
            'created_at': stamp,
            'description': attrs.get('description'),
            'group_snapshot_id': None,
            'id': str(uuid.uuid4()),
            'metadata': attrs.get('metadata') or {},
            'name': attrs.get('name'),
            'os-extended-snapshot-attributes:progress': '0%',
            'os-extended-snapshot-attributes:project_id': PROJECT_ID,
            'size': 1,
            'status': 'creating',
            'updated_at': None,
            'user_id': USER_ID,
            'volume_id': volume_id,
        }
        with self.lock:
            self.created[snap['id']] = snap
        return 202, _dumps({'snapshot': _view(snap, version)}), []

    def delete(self, snapshot_id: str) -> Answer:
        with self.lock:
            snap = self.created.pop(snapshot_id, None)
        if snap is None:
            if snapshot_id in self.index:
                return _error(
                    400, 'badRequest', 'The generated snapshots are read-only.'
                )
            return _error(
                404,
                'itemNotFound',
                f'Snapshot {snapshot_id} could not be found.',
            )
        return 202, b'', []

    # Routing -------------------------------------------------------------

    def route(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[str, Answer]:
        """Answer one request.

        :returns: The route label it is counted under, and the answer.
        """
        path, _, raw_query = target.partition('?')
        if path.startswith('/_bench/'):
            return '', self._control(method, path)
        if path.startswith('/identity'):
            return self._keystone(method, path, headers)
        if path.startswith('/volume'):
            return self._cinder(method, path, raw_query, headers, body)
        return f'{method} other', _error(404, 'itemNotFound', 'no such path')

    def _control(self, method: str, path: str) -> Answer:
        if path == '/_bench/stats':
            with self.lock:
                counts = dict(self.counts)
            return 200, _dumps(counts), []
        if path == '/_bench/reset' and method == 'POST':
            with self.lock:
                self.counts.clear()
            return 200, b'{}', []
        return _error(404, 'itemNotFound', 'no such control path')

    def _keystone(
        self, method: str, path: str, headers: dict[str, str]
    ) -> tuple[str, Answer]:
        stripped = path.rstrip('/')
        if method == 'GET' and stripped == '/identity':
            return 'GET /identity', (300, self.keystone_versions, [])
        if method == 'GET' and stripped == '/identity/v3':
            return 'GET /identity/v3', (200, self.keystone_v3, [])
        if method == 'POST' and stripped == '/identity/v3/auth/tokens':
            return 'POST /identity/v3/auth/tokens', (
                201,
                self.token_body,
                [('X-Subject-Token', TOKEN)],
            )
        return f'{method} /identity/other', _error(
            404, 'itemNotFound', 'no such identity path'
        )

    def _cinder(
        self,
        method: str,
        path: str,
        raw_query: str,
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[str, Answer]:
        stripped = path.rstrip('/')
        if method == 'GET' and stripped == '/volume':
            return 'GET /volume', (300, self.cinder_versions, [])
        if method == 'GET' and stripped == '/volume/v3':
            return 'GET /volume/v3', (200, self.cinder_v3, [])
        prefix = f'/volume/v3/{PROJECT_ID}'
        if not stripped.startswith(prefix):
            return f'{method} /volume/other', _error(
                404, 'itemNotFound', 'no such volume path'
            )
        rest = stripped[len(prefix) :]
        if rest == '':
            return f'{method} /volume/v3/{{project}}', (
                200,
                self.cinder_v3,
                [],
            )
        if headers.get('x-auth-token') != TOKEN:
            return f'{method} unauthorised', _error(
                401,
                'unauthorized',
                'The request you have made requires authentication.',
            )
        version = _requested_version(headers.get('openstack-api-version'))
        if version is None or version > MAX_MICROVERSION:
            return f'{method} bad-microversion', _error(
                406,
                'computeFault',
                f'Version {version} is not supported by the API. Minimum '
                f'is 3.0 and maximum is {MAX_MICROVERSION[0]}.'
                f'{MAX_MICROVERSION[1]}.',
            )
        echo = [('OpenStack-API-Version', f'volume {version[0]}.{version[1]}')]
        query = dict(urllib.parse.parse_qsl(raw_query))
        if rest in ('/snapshots/detail', '/snapshots') and method == 'GET':
            label = f'GET {rest}'
            answer = self.listing(query, version, rest.endswith('/detail'))
        elif rest == '/snapshots' and method == 'POST':
            label = 'POST /snapshots'
            answer = self.create(body, version)
        elif rest.startswith('/snapshots/') and rest.count('/') == 2:
            snapshot_id = rest[len('/snapshots/') :]
            if method == 'GET':
                label = 'GET /snapshots/{id}'
                answer = self.show(snapshot_id, version)
            elif method == 'DELETE':
                label = 'DELETE /snapshots/{id}'
                answer = self.delete(snapshot_id)
            else:
                label = f'{method} /snapshots/{{id}}'
                answer = _error(400, 'badRequest', 'not supported here')
        else:
            label = f'{method} /volume/other'
            answer = _error(404, 'itemNotFound', 'no such volume path')
        status, payload, extra = answer
        return label, (status, payload, extra + echo)


def _requested_version(header: str | None) -> tuple[int, int] | None:
    if not header:
        return (3, 0)
    service, _, value = header.strip().partition(' ')
    if service not in ('volume', 'block-storage'):
        return (3, 0)
    if value == 'latest':
        return MAX_MICROVERSION
    try:
        major, minor = value.split('.')
        return (int(major), int(minor))
    except ValueError:
        return None


def _error(status: int, kind: str, message: str) -> Answer:
    return status, _dumps({kind: {'code': status, 'message': message}}), []


def _serve_connection(state: State, conn: socket.socket) -> None:
    """Answer requests on one keep-alive connection until it closes."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.settimeout(60)
    rfile = conn.makefile('rb', buffering=65536)
    request_number = 0
    try:
        while True:
            line = rfile.readline(65537)
            if not line:
                return
            parts = line.decode('latin-1').split()
            if len(parts) != 3:
                return
            method, target, _ = parts
            headers: dict[str, str] = {}
            while True:
                raw = rfile.readline(65537)
                if raw in (b'\r\n', b'\n', b''):
                    break
                name, _, value = raw.decode('latin-1').partition(':')
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get('content-length') or 0)
            body = rfile.read(length) if length else b''
            label, (status, payload, extra) = state.route(
                method, target, headers, body
            )
            if label:
                with state.lock:
                    state.counts[label] += 1
            request_number += 1
            head = [
                f'HTTP/1.1 {status} {REASONS.get(status, "Unknown")}',
                f'Content-Length: {len(payload)}',
                'Content-Type: application/json',
                f'X-OpenStack-Request-Id: req-{id(conn):x}-{request_number}',
            ]
            head.extend(f'{k}: {v}' for k, v in extra)
            conn.sendall(('\r\n'.join(head) + '\r\n\r\n').encode() + payload)
            if headers.get('connection', '').lower() == 'close':
                return
    except (OSError, ValueError):
        return
    finally:
        rfile.close()
        conn.close()


def serve(count: int, max_seconds: float, port: int = 0) -> None:
    """Serve on 127.0.0.1 until stdin closes or ``max_seconds`` pass.

    :param count: How many snapshots to generate.
    :param max_seconds: The longest the server lives.
    :param port: The port, 0 for any free one.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', port))
    listener.listen(64)
    listener.settimeout(0.5)
    host, bound = listener.getsockname()
    state = State(f'http://{host}:{bound}', count)
    print(
        json.dumps(
            {
                'url': state.base_url,
                'auth_url': f'{state.base_url}/identity/v3',
                'snapshots': count,
                'project_id': PROJECT_ID,
            }
        ),
        flush=True,
    )
    stop = threading.Event()

    def watch_stdin() -> None:
        # The runner holds the pipe open; EOF means it has gone.
        try:
            sys.stdin.read()
        finally:
            stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    deadline = time.monotonic() + max_seconds
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            break
        threading.Thread(
            target=_serve_connection, args=(state, conn), daemon=True
        ).start()
    listener.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--snapshots', type=int, default=10000)
    parser.add_argument('--max-seconds', type=float, default=1800)
    parser.add_argument('--port', type=int, default=0)
    args = parser.parse_args()
    serve(args.snapshots, args.max_seconds, args.port)


if __name__ == '__main__':
    main()
