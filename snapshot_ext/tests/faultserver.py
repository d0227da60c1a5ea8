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

"""A loopback cloud that misbehaves on command.

:class:`FaultServer` listens on ``127.0.0.1`` only and serves, over real
sockets, what a real ``openstack.connect(...)`` needs: a minimal Keystone v3
(version document, password / application-credential / token
authentication with a catalog) and a minimal Cinder v3 (version discovery,
snapshot listing with markers, get, create, update, delete, metadata and
actions, backed by a dictionary).

Tests queue faults for a method and path; each queued fault answers one
request in place of the normal behaviour:

* :class:`Status` / :class:`Json` / :class:`Body`: any status, headers and
  body, including garbage or a body that is not JSON;
* :class:`Truncated`: a ``Content-Length`` larger than the body sent;
* :class:`Drop`: close the connection without an answer;
* :class:`Reset`: abort the connection (TCP reset);
* :class:`Stall`: answer nothing for a while (bounded by
  :attr:`FaultServer.max_stall`), then close;
* :class:`Lost`: carry the request out, then lose the answer in one of
  the ways above.

Every request is recorded exactly as it arrived (raw path, headers, body).
Nothing waits without a bound: stalls are capped, sockets time out, and
:meth:`FaultServer.stop` wakes every stalled handler.
"""

import dataclasses
import datetime
import http.server
import io
import json
import socket
import struct
import threading
from typing import Any
import urllib.parse
import uuid

import fixtures
import openstack
from openstack import connection

from snapshot_ext.v3 import _proxy

#: The project of the fake cloud.
PROJECT_ID = 'f1e2d3c4b5a6978812345678abcdef00'
#: The user of the fake cloud.
USER_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9'
#: The highest microversion the fake Cinder announces.
MAX_MICROVERSION = '3.71'
#: The password of :class:`FaultCloud` connections (never to be logged).
PASSWORD = 'fault-password-5f1d0c2e9b'
#: The application credential secret of :class:`FaultCloud` connections.
APP_CREDENTIAL_SECRET = 'fault-app-secret-8e3a7b6c1d'
#: clouds.yaml settings that keep fault tests fast: short timeouts, small
#: backoff, short Retry-After bound.
FAST = {
    'api_timeout': 2,
    'block_storage_connect_retry_delay': 0.01,
    'block_storage_status_code_retry_delay': 0.01,
    'block_storage_max_retry_after': 0.5,
}


@dataclasses.dataclass
class Recorded:
    """One request as the server received it.

    :param method: The HTTP method.
    :param raw_path: The request target exactly as sent (quoted, with the
        query string).
    :param headers: The headers, names in lower case.
    :param body: The raw body.
    :param route: What the fake Cinder made of the path, e.g.
        ``('snapshot', '<id>')`` with IDs and keys unquoted; ``None`` for
        paths outside the Cinder API.
    """

    method: str
    raw_path: str
    headers: dict[str, str]
    body: bytes
    route: tuple[str, ...] | None = None

    @property
    def path(self) -> str:
        """The raw path without the query string."""
        return self.raw_path.partition('?')[0]

    @property
    def query(self) -> dict[str, list[str]]:
        """The query string, parsed."""
        return urllib.parse.parse_qs(
            self.raw_path.partition('?')[2], keep_blank_values=True
        )

    def json(self) -> Any:
        """The body decoded as JSON.

        :returns: The decoded body, or ``None`` when it is empty.
        """
        return json.loads(self.body) if self.body else None


class Fault:
    """One misbehaviour, answering one request."""

    def apply(self, handler: '_Handler') -> None:
        """Answer (or not) the request being handled.

        :param handler: The request handler.
        """
        raise NotImplementedError


@dataclasses.dataclass
class Body(Fault):
    """Answer with a raw body.

    :param body: The body, sent as it is.
    :param status: The status code.
    :param content_type: The ``Content-Type`` header.
    :param headers: More headers.
    """

    body: str | bytes
    status: int = 200
    content_type: str = 'application/json'
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    def apply(self, handler: '_Handler') -> None:
        data = (
            self.body if isinstance(self.body, bytes) else self.body.encode()
        )
        handler.answer(
            self.status,
            data,
            {'Content-Type': self.content_type, **self.headers},
        )


@dataclasses.dataclass
class Json(Fault):
    """Answer with a JSON body.

    :param body: The object to encode.
    :param status: The status code.
    :param headers: More headers.
    """

    body: Any
    status: int = 200
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    def apply(self, handler: '_Handler') -> None:
        Body(json.dumps(self.body), self.status, headers=self.headers).apply(
            handler
        )


@dataclasses.dataclass
class Status(Fault):
    """Answer with a status and Cinder's error body for it.

    :param status: The status code.
    :param headers: More headers, e.g. ``{'Retry-After': '2'}``.
    :param body: The body; a Cinder-style fault by default.
    """

    status: int
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: Any = None

    def apply(self, handler: '_Handler') -> None:
        body = self.body
        if body is None:
            body = {
                'computeFault': {
                    'code': self.status,
                    'message': f'injected fault {self.status}',
                }
            }
        Json(body, self.status, self.headers).apply(handler)


@dataclasses.dataclass
class Truncated(Fault):
    """Announce the whole body but send only its first half, then close.

    :param body: The whole body.
    :param status: The status code.
    """

    body: str
    status: int = 200

    def apply(self, handler: '_Handler') -> None:
        data = self.body.encode()
        handler.send_response(self.status)
        handler.send_header('Content-Type', 'application/json')
        handler.send_header('Content-Length', str(len(data)))
        handler.end_headers()
        handler.wfile.write(data[: len(data) // 2])
        handler.wfile.flush()
        handler.close_connection = True


class Drop(Fault):
    """Close the connection without answering."""

    def apply(self, handler: '_Handler') -> None:
        handler.close_connection = True


class Reset(Fault):
    """Abort the connection with a TCP reset, without answering."""

    def apply(self, handler: '_Handler') -> None:
        handler.close_connection = True
        sock = handler.connection
        sock.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)
        )
        handler.wfile.close()
        handler.rfile.close()
        sock.close()
        # The handler flushes and closes these after the request.
        handler.wfile = io.BytesIO()
        handler.rfile = io.BytesIO()


@dataclasses.dataclass
class Stall(Fault):
    """Answer nothing for ``seconds`` (at most the server's max_stall).

    :param seconds: How long to wait before closing the connection.
    """

    seconds: float

    def apply(self, handler: '_Handler') -> None:
        server = handler.fault_server
        server.stopping.wait(min(self.seconds, server.max_stall))
        handler.close_connection = True


@dataclasses.dataclass
class Lost(Fault):
    """Carry the request out normally, then lose its answer.

    :param fault: How the answer is lost (:class:`Drop`, :class:`Reset`,
        :class:`Stall` ...).
    """

    fault: Fault

    def apply(self, handler: '_Handler') -> None:
        self.fault.apply(handler)


@dataclasses.dataclass
class _Queued:
    method: str
    path: str
    fault: Fault
    times: int | None


def _now(offset: float = 0.0) -> str:
    moment = datetime.datetime.now(datetime.timezone.utc)
    moment += datetime.timedelta(seconds=offset)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _error(status: int, kind: str, message: str) -> Json:
    return Json({kind: {'code': status, 'message': message}}, status)


class FaultServer:
    """A loopback Keystone + Cinder that misbehaves on command.

    Use it as a context manager or call :meth:`start` and :meth:`stop`.

    :param token: The token Keystone issues (API requests must carry it).
    :param max_stall: The longest a :class:`Stall` may last, in seconds.
    :param max_microversion: The highest microversion Cinder announces.
    """

    def __init__(
        self,
        token: str | None = None,
        max_stall: float = 5.0,
        max_microversion: str = MAX_MICROVERSION,
    ) -> None:
        self.token = token or f'fault-token-{uuid.uuid4().hex}'
        self.max_stall = max_stall
        self.max_microversion = max_microversion
        self.stopping = threading.Event()
        self.snapshots: dict[str, dict[str, Any]] = {}
        self._order: list[str] = []
        self._requests: list[Recorded] = []
        self._queue: list[_Queued] = []
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._httpd: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Life cycle ----------------------------------------------------------

    def start(self) -> 'FaultServer':
        """Start listening on an ephemeral port of 127.0.0.1.

        :returns: The server.
        """
        server = self

        class Handler(_Handler):
            fault_server = server

        self._httpd = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), Handler
        )
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={'poll_interval': 0.05},
            name='faultserver',
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake stalled handlers and close every connection."""
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> 'FaultServer':
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Addresses -----------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on."""
        assert self._httpd is not None, 'not started'
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f'http://127.0.0.1:{self.port}'

    @property
    def auth_url(self) -> str:
        """The Keystone v3 URL to give ``auth_url``."""
        return f'{self.base_url}/identity/v3'

    @property
    def volume_prefix(self) -> str:
        """The path of the project-scoped Cinder endpoint."""
        return f'/volume/v3/{PROJECT_ID}'

    @property
    def volume_url(self) -> str:
        """The project-scoped Cinder endpoint of the catalog."""
        return self.base_url + self.volume_prefix

    # Scripting -----------------------------------------------------------

    def add(
        self, method: str, path: str, *faults: Fault, times: int | None = 1
    ) -> None:
        """Queue faults for requests of ``method`` on ``path``.

        Queued faults answer matching requests in the order given; each
        answers ``times`` requests (``None``: every one from then on).

        :param method: The HTTP method.
        :param path: The path below the Cinder project endpoint (e.g.
            ``'/snapshots/detail'``), or a path starting with ``/identity``
            or ``/volume``, or ``'*'`` for any path.  Compared with the raw
            path, without the query string.
        :param faults: The faults.
        :param times: How many requests each fault answers.
        """
        if path != '*' and not path.startswith(('/identity', '/volume')):
            path = self.volume_prefix + path
        with self._lock:
            for fault in faults:
                self._queue.append(_Queued(method, path, fault, times))

    def _take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for entry in self._queue:
                if entry.method == method and entry.path in ('*', path):
                    if entry.times is not None:
                        entry.times -= 1
                        if entry.times <= 0:
                            self._queue.remove(entry)
                    return entry.fault
        return None

    def add_snapshot(self, **fields: Any) -> dict[str, Any]:
        """Store a snapshot the fake Cinder will serve.

        :param fields: Fields overriding the defaults (``id`` included).
        :returns: The stored snapshot.
        """
        with self._lock:
            return self._store(fields)

    def _store(self, fields: dict[str, Any]) -> dict[str, Any]:
        snap_id = fields.get('id') or str(uuid.uuid4())
        snap: dict[str, Any] = {
            'id': snap_id,
            'name': None,
            'description': None,
            'volume_id': str(uuid.uuid4()),
            'status': 'available',
            'size': 1,
            'metadata': {},
            'created_at': _now()[:-1],
            'updated_at': None,
            'os-extended-snapshot-attributes:progress': '100%',
            'os-extended-snapshot-attributes:project_id': PROJECT_ID,
            'user_id': USER_ID,
            'group_snapshot_id': None,
            'consumes_quota': True,
        }
        snap.update(fields)
        snap['id'] = snap_id
        self.snapshots[snap_id] = snap
        if snap_id in self._order:
            self._order.remove(snap_id)
        self._order.append(snap_id)
        return snap

    # Inspection ----------------------------------------------------------

    @property
    def requests(self) -> list[Recorded]:
        """Every request received, oldest first."""
        with self._lock:
            return list(self._requests)

    def api_requests(
        self, method: str | None = None, path: str | None = None
    ) -> list[Recorded]:
        """The requests to the Cinder API (not discovery, not Keystone).

        :param method: Only this method.
        :param path: Only this path below the project endpoint.
        :returns: The matching requests, oldest first.
        """
        full = None if path is None else self.volume_prefix + path
        return [
            r
            for r in self.requests
            if r.path.startswith(self.volume_prefix + '/')
            and (method is None or r.method == method)
            and (full is None or r.path == full)
        ]

    def forget_requests(self) -> None:
        """Forget the requests recorded so far."""
        with self._lock:
            self._requests.clear()

    # Request handling ----------------------------------------------------

    def _record(self, recorded: Recorded) -> None:
        with self._lock:
            self._requests.append(recorded)

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)

    def handle(self, handler: '_Handler', recorded: Recorded) -> None:
        """Answer one request: a queued fault, or the normal behaviour.

        :param handler: The request handler.
        :param recorded: The request.
        """
        recorded.route = self._route(recorded.path)
        self._record(recorded)
        fault = self._take(recorded.method, recorded.path)
        if fault is None:
            fault = self._normal(recorded)
        elif isinstance(fault, Lost):
            self._normal(recorded)
        fault.apply(handler)

    def _route(self, path: str) -> tuple[str, ...] | None:
        prefix = self.volume_prefix + '/'
        if not path.startswith(prefix):
            return None
        parts = [
            urllib.parse.unquote(p) for p in path[len(prefix) :].split('/')
        ]
        if parts[0] != 'snapshots':
            return ('other', *parts)
        if len(parts) == 1:
            return ('snapshots',)
        if len(parts) == 2 and parts[1] == 'detail':
            return ('snapshots_detail',)
        if len(parts) == 2:
            return ('snapshot', parts[1])
        if len(parts) == 3 and parts[2] == 'action':
            return ('action', parts[1])
        if len(parts) == 3 and parts[2] == 'metadata':
            return ('metadata', parts[1])
        if len(parts) == 4 and parts[2] == 'metadata':
            return ('metadata_item', parts[1], parts[3])
        return ('other', *parts)

    def _normal(self, req: Recorded) -> Fault:
        path = req.path
        if path.startswith('/identity'):
            return self._keystone(req)
        if path.rstrip('/') in ('/volume', '/volume/v3'):
            return self._versions(path.rstrip('/') == '/volume')
        if req.route is None:
            return _error(404, 'itemNotFound', 'no such path')
        if req.headers.get('x-auth-token') != self.token:
            return _error(401, 'unauthorized', 'a valid token is required')
        with self._lock:
            return self._cinder(req)

    def _versions(self, multiple_choice: bool) -> Fault:
        version = {
            'id': 'v3.0',
            'status': 'CURRENT',
            'version': self.max_microversion,
            'min_version': '3.0',
            'updated': '2023-08-31T00:00:00Z',
            'links': [{'href': f'{self.base_url}/volume/v3/', 'rel': 'self'}],
            'media-types': [
                {
                    'base': 'application/json',
                    'type': 'application/vnd.openstack.volume+json;version=3',
                }
            ],
        }
        return Json({'versions': [version]}, 300 if multiple_choice else 200)

    def _keystone(self, req: Recorded) -> Fault:
        path = req.path.rstrip('/')
        if req.method == 'GET' and path in ('/identity', '/identity/v3'):
            version = {
                'id': 'v3.14',
                'status': 'stable',
                'updated': '2020-04-07T00:00:00Z',
                'links': [{'rel': 'self', 'href': self.auth_url + '/'}],
                'media-types': [
                    {
                        'base': 'application/json',
                        'type': 'application/vnd.openstack.identity-v3+json',
                    }
                ],
            }
            if path == '/identity':
                return Json({'versions': {'values': [version]}}, 300)
            return Json({'version': version})
        if req.method == 'POST' and path == '/identity/v3/auth/tokens':
            try:
                methods = req.json()['auth']['identity']['methods']
            except (ValueError, KeyError, TypeError):
                return _error(400, 'error', 'malformed auth request')
            endpoint = {
                'id': 'e-volume',
                'interface': 'public',
                'region': 'RegionOne',
                'region_id': 'RegionOne',
                'url': self.volume_url,
            }
            catalog = [
                {
                    'id': f's-{kind}',
                    'type': kind,
                    'name': 'cinder',
                    'endpoints': [endpoint],
                }
                for kind in ('block-storage', 'volumev3')
            ]
            catalog.append(
                {
                    'id': 's-identity',
                    'type': 'identity',
                    'name': 'keystone',
                    'endpoints': [
                        {**endpoint, 'id': 'e-id', 'url': self.auth_url}
                    ],
                }
            )
            domain = {'id': 'default', 'name': 'Default'}
            token = {
                'methods': methods,
                'expires_at': _now(3600),
                'issued_at': _now(),
                'user': {
                    'id': USER_ID,
                    'name': 'fault-user',
                    'domain': domain,
                },
                'project': {
                    'id': PROJECT_ID,
                    'name': 'fault-project',
                    'domain': domain,
                },
                'roles': [{'id': 'r-member', 'name': 'member'}],
                'catalog': catalog,
            }
            return Json(
                {'token': token}, 201, headers={'X-Subject-Token': self.token}
            )
        return _error(404, 'error', 'no such identity path')

    def _cinder(self, req: Recorded) -> Fault:
        route = req.route or ('other',)
        kind = route[0]
        method = req.method
        if kind in ('snapshots', 'snapshots_detail') and method == 'GET':
            return self._list(req, kind == 'snapshots_detail')
        if kind == 'snapshots' and method == 'POST':
            body = req.json() or {}
            fields = body.get('snapshot') if isinstance(body, dict) else None
            if not isinstance(fields, dict) or not fields.get('volume_id'):
                return _error(400, 'badRequest', 'volume_id is required')
            fields = {k: v for k, v in fields.items() if k != 'force'}
            created = self._store({**fields, 'status': 'creating'})
            return Json({'snapshot': created}, 202)
        snap_id = route[1] if len(route) > 1 else ''
        snap = self.snapshots.get(snap_id)
        if kind in ('snapshot', 'action', 'metadata', 'metadata_item'):
            if snap is None:
                return _error(
                    404,
                    'itemNotFound',
                    f'Snapshot {snap_id} could not be found.',
                )
        else:
            return _error(404, 'itemNotFound', 'no such resource')
        assert snap is not None
        if kind == 'snapshot':
            if method == 'GET':
                return Json({'snapshot': snap})
            if method == 'PUT':
                body = req.json() or {}
                snap.update(body.get('snapshot') or {})
                snap['updated_at'] = _now()[:-1]
                return Json({'snapshot': snap})
            if method == 'DELETE':
                self._remove(snap_id)
                return Body(b'', 202)
        if kind == 'action' and method == 'POST':
            body = req.json() or {}
            action = next(iter(body), None) if isinstance(body, dict) else None
            if action == 'os-reset_status':
                snap['status'] = body[action]['status']
            elif action in ('os-force_delete', 'os-unmanage'):
                self._remove(snap_id)
            elif action == 'os-update_snapshot_status':
                snap['status'] = body[action]['status']
            else:
                return _error(400, 'badRequest', 'There is no such action')
            return Body(b'', 202)
        if kind == 'metadata':
            if method == 'GET':
                return Json({'metadata': snap['metadata']})
            body = req.json() or {}
            if method == 'POST':
                snap['metadata'].update(body.get('metadata') or {})
                return Json({'metadata': snap['metadata']})
            if method == 'PUT':
                snap['metadata'] = dict(body.get('metadata') or {})
                return Json({'metadata': snap['metadata']})
        if kind == 'metadata_item':
            key = route[2]
            if method == 'GET':
                if key not in snap['metadata']:
                    return _error(404, 'itemNotFound', 'no such key')
                return Json({'meta': {key: snap['metadata'][key]}})
            if method == 'PUT':
                meta = (req.json() or {}).get('meta') or {}
                snap['metadata'].update(meta)
                return Json({'meta': meta})
            if method == 'DELETE':
                if key not in snap['metadata']:
                    return _error(404, 'itemNotFound', 'no such key')
                del snap['metadata'][key]
                return Body(b'', 200)
        return _error(405, 'badRequest', 'method not allowed')

    def _remove(self, snap_id: str) -> None:
        self.snapshots.pop(snap_id, None)
        if snap_id in self._order:
            self._order.remove(snap_id)

    def _list(self, req: Recorded, detail: bool) -> Fault:
        query = {k: v[-1] for k, v in req.query.items()}
        items = [self.snapshots[i] for i in reversed(self._order)]
        for name in ('volume_id', 'name', 'status'):
            if name in query:
                items = [s for s in items if s.get(name) == query[name]]
        marker = query.get('marker')
        if marker is not None:
            ids = [s['id'] for s in items]
            if marker not in ids:
                return _error(
                    404, 'itemNotFound', f'Marker {marker} could not be found.'
                )
            items = items[ids.index(marker) + 1 :]
        body: dict[str, Any] = {}
        limit = int(query['limit']) if 'limit' in query else None
        if limit is not None:
            page = items[:limit]
            if len(page) == limit and page:
                params = {k: v for k, v in query.items() if k != 'marker'}
                params['marker'] = page[-1]['id']
                suffix = '/detail' if detail else ''
                href = (
                    f'{self.volume_url}/snapshots{suffix}?'
                    f'{urllib.parse.urlencode(params)}'
                )
                body['snapshots_links'] = [{'href': href, 'rel': 'next'}]
            items = page
        if not detail:
            keep = (
                'id',
                'name',
                'description',
                'volume_id',
                'status',
                'size',
                'metadata',
                'created_at',
                'updated_at',
            )
            items = [{k: s[k] for k in keep} for s in items]
        body['snapshots'] = items
        if query.get('with_count') == 'true':
            body['count'] = len(self.snapshots)
        return Json(body)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Reads one request and hands it to the :class:`FaultServer`."""

    fault_server: FaultServer
    protocol_version = 'HTTP/1.1'
    # No socket operation of a handler waits longer than this.
    timeout = 10

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this the
        # client's delayed acknowledgement slows every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.fault_server._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.fault_server._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def answer(
        self, status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        """Send a complete answer.

        :param status: The status code.
        :param body: The body.
        :param headers: The headers.
        """
        self.send_response(status)
        microversion = self.fault_server.max_microversion
        all_headers = {
            'x-openstack-request-id': f'req-{uuid.uuid4()}',
            'OpenStack-API-Version': f'volume {microversion}',
            **headers,
        }
        for name, value in all_headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _serve(self) -> None:
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        recorded = Recorded(
            method=self.command,
            raw_path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        self.fault_server.handle(self, recorded)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_DELETE = _serve
    do_HEAD = _serve
    do_PATCH = _serve


class FaultCloud(fixtures.Fixture):
    """A started :class:`FaultServer` and a real registered connection.

    The connection is made by ``openstack.connect`` with the
    ``snapshot_ext:register`` vendor hook, so authentication, the catalog,
    discovery and every API call go over real sockets to the server.

    :param auth_type: ``'password'`` or ``'v3applicationcredential'``.
    :param max_stall: The server's bound on stalls.
    :param config: More clouds.yaml settings; :data:`FAST` by default.
    """

    def __init__(
        self,
        *,
        auth_type: str = 'password',
        max_stall: float = 5.0,
        **config: Any,
    ) -> None:
        super().__init__()
        self.auth_type = auth_type
        self.max_stall = max_stall
        self.config = config if config else dict(FAST)

    def _setUp(self) -> None:
        self.server = FaultServer(max_stall=self.max_stall).start()
        self.addCleanup(self.server.stop)
        self.conn = self.connect(**self.config)

    def connect(self, **config: Any) -> connection.Connection:
        """Make another registered connection to the server.

        :param config: clouds.yaml settings.
        :returns: The connection; it is closed at clean-up.
        """
        auth: dict[str, Any] = {'auth_url': self.server.auth_url}
        if self.auth_type == 'v3applicationcredential':
            auth.update(
                application_credential_id='app-cred-1',
                application_credential_secret=APP_CREDENTIAL_SECRET,
            )
        else:
            auth.update(
                username='fault-user',
                password=PASSWORD,
                project_name='fault-project',
                user_domain_name='Default',
                project_domain_name='Default',
            )
        conn = openstack.connect(
            load_yaml_config=False,
            load_envvars=False,
            auth_type=self.auth_type,
            auth=auth,
            region_name='RegionOne',
            block_storage_api_version='3',
            vendor_hook='snapshot_ext:register',
            **config,
        )
        self.addCleanup(conn.close)
        return conn

    @property
    def proxy(self) -> _proxy.Proxy:
        """The connection's block-storage proxy (snapshot_ext's)."""
        return self.proxy_of(self.conn)

    @staticmethod
    def proxy_of(conn: connection.Connection) -> _proxy.Proxy:
        """Return a registered connection's block-storage proxy.

        :param conn: The connection.
        :returns: Its proxy, checked to be snapshot_ext's.
        """
        proxy = conn.block_storage
        assert isinstance(proxy, _proxy.Proxy), type(proxy)
        return proxy
