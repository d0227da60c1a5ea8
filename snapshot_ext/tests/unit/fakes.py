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

"""A reusable test fixture: a real Connection talking to a fake cloud.

:class:`ProxyTestCase` builds a real :class:`openstack.connection.Connection`
with ``admin_token`` authentication and a Block Storage endpoint override,
registers snapshot_ext on it and puts a ``requests_mock`` fixture in front
of every HTTP request, so tests exercise the whole stack (proxy, resource,
keystoneauth adapter, discovery) without a network.

Typical use::

    class TestSomething(fakes.ProxyTestCase):
        def test_get(self) -> None:
            self.mock('GET', '/snapshots/abc', capture='snapshot_show_mv3.71')
            snap = self.proxy.get_snapshot('abc')
            (request,) = self.api_requests()
            self.assert_request(request, 'GET', '/snapshots/abc')

Set the class attributes :attr:`ProxyTestCase.max_version`,
:attr:`ProxyTestCase.min_version` or :attr:`ProxyTestCase.api_version` in
a subclass (or call :meth:`ProxyTestCase.make_connection` with other
values) to test other microversions, and
:attr:`ProxyTestCase.expected_microversion` to the header value
:meth:`ProxyTestCase.assert_request` should then expect.

The proxy is built on first use of ``self.proxy``, which sends one
``GET https://block-storage.example.com/v3`` (keystoneauth's version
discovery); :meth:`ProxyTestCase.api_requests` leaves it out.
"""

import copy
import json
import os
from typing import Any
import urllib.parse

from keystoneauth1 import discover
from openstack import connection
from openstack.block_storage.v3 import volume as _volume
from requests_mock import request as rm_request
from requests_mock.contrib import fixture as rm_fixture

import snapshot_ext
from snapshot_ext.tests import base
from snapshot_ext.v3 import _proxy

#: The host of the fake Block Storage service.
HOST = 'block-storage.example.com'
#: The versioned Block Storage endpoint; keystoneauth's discovery asks
#: for this URL when the endpoint override is under it.
VERSION_URL = f'https://{HOST}/v3'
#: The project of the fake cloud (the one the captures were made in).
PROJECT_ID = 'e080f68669cd48deb6c5be51af2cba97'
#: The endpoint override: the project-scoped Block Storage URL.
ENDPOINT = f'{VERSION_URL}/{PROJECT_ID}'
#: The path prefix of every API request (everything before ``/snapshots``).
PATH_PREFIX = f'/v3/{PROJECT_ID}'
#: The identity endpoint given to ``admin_token`` auth; never contacted.
AUTH_URL = 'https://identity.example.com/v3'
#: The token; tests check it never leaks into reprs or error messages.
TOKEN = 'sekrit-token-value'
#: The request id the fake server puts on every answer.
REQUEST_ID = 'req-5e2c5c8e-0a0b-4b7e-9d53-1c4f9d1a7f00'
#: A snapshot id found in the captures.
SNAPSHOT_ID = '49bc6358-9507-4df4-9518-59b07802650d'
#: The volume id of that snapshot.
VOLUME_ID = 'c779ffae-d7ca-4f21-8305-adecbf9a6165'

#: The microversion openstacksdk lists volumes at on the fake cloud (3.71
#: at most): its Volume class's maximum, which is 3.60 before
#: openstacksdk 4.5.0.
VOLUME_MICROVERSION = discover.version_to_string(
    min(
        discover.normalize_version_number('3.71'),
        discover.normalize_version_number(_volume.Volume._max_microversion),
    )
)

FIXTURES_DIR = os.path.join(os.path.dirname(__file__), 'fixtures')

_UNSET: Any = object()


def load_capture(name: str) -> dict[str, Any]:
    """Load a real request/response capture from ``fixtures/``.

    :param name: The file name, with or without ``.json``.
    :returns: A dict with ``request`` (``"METHOD URL"``), ``status``
        (int), ``body`` (the decoded response body, ``""`` when empty) and
        ``request_body`` (the decoded request body or ``None``; captures
        store it either as JSON text or as an object, both are decoded).
    """
    if not name.endswith('.json'):
        name += '.json'
    with open(os.path.join(FIXTURES_DIR, name), encoding='utf-8') as f:
        data: dict[str, Any] = json.load(f)
    request_body = data.get('request_body')
    if isinstance(request_body, str):
        data['request_body'] = json.loads(request_body)
    return data


def version_document(
    max_version: str | None = '3.71', min_version: str | None = '3.0'
) -> dict[str, Any]:
    """Build the Block Storage ``GET /v3`` version document.

    :param max_version: The announced maximum microversion (``version``),
        or ``None`` to leave both version fields out, as a cloud that
        announces no microversions does.
    :param min_version: The announced minimum microversion.
    :returns: ``{"version": {...}}`` shaped like Cinder's.
    """
    version: dict[str, Any] = {
        'id': 'v3.0',
        'status': 'CURRENT',
        'updated': '2023-08-31T00:00:00Z',
        'links': [
            {'href': f'{VERSION_URL}/', 'rel': 'self'},
        ],
        'media-types': [
            {
                'base': 'application/json',
                'type': 'application/vnd.openstack.volume+json;version=3',
            }
        ],
    }
    if max_version is not None:
        version['version'] = max_version
        version['min_version'] = min_version or ''
    return {'version': version}


class ProxyTestCase(base.TestCase):
    """A test case with a registered Connection and a fake cloud.

    Attributes set up for each test:

    * ``self.requests_mock``: the ``requests_mock`` fixture; unregistered
      URLs raise ``NoMockAddress``, so nothing reaches a network;
    * ``self.conn``: a real :class:`openstack.connection.Connection`,
      registered with :func:`snapshot_ext.register` when
      :attr:`register_plugin` is true;
    * ``self.proxy``: ``self.conn.block_storage`` (built on first use,
      which sends the discovery request).
    """

    #: The ``version`` (max microversion) the discovery document announces;
    #: ``None`` announces none (a plain 3.0 cloud).
    max_version: str | None = '3.71'
    #: The ``min_version`` the discovery document announces.
    min_version: str | None = '3.0'
    #: The ``block_storage_api_version`` of the connection; ``'3.50'``
    #: makes openstacksdk set a default microversion on the adapter.
    api_version: str = '3'
    #: Whether :meth:`setUp` registers snapshot_ext on the connection.
    register_plugin: bool = True
    #: The microversion :meth:`assert_request` expects by default.
    expected_microversion: str | None = '3.71'

    def setUp(self) -> None:
        super().setUp()
        self.requests_mock = self.useFixture(
            rm_fixture.Fixture(case_sensitive=True)
        )
        self._forgotten = 0
        self.register_discovery(self.max_version, self.min_version)
        self.conn = self.make_connection(api_version=self.api_version)
        if self.register_plugin:
            snapshot_ext.register(self.conn)

    # Set-up helpers ------------------------------------------------------

    @property
    def proxy(self) -> _proxy.Proxy:
        """``self.conn.block_storage``, the proxy under test."""
        proxy = self.conn.block_storage
        assert isinstance(proxy, _proxy.Proxy), type(proxy)
        return proxy

    def register_discovery(
        self, max_version: str | None = '3.71', min_version: str | None = '3.0'
    ) -> None:
        """Serve the version document at :data:`VERSION_URL`.

        :param max_version: See :func:`version_document`.
        :param min_version: See :func:`version_document`.
        """
        self.requests_mock.get(
            VERSION_URL,
            json=version_document(max_version, min_version),
            headers={'Content-Type': 'application/json'},
        )

    def make_connection(
        self, api_version: str = '3', **kwargs: Any
    ) -> connection.Connection:
        """Build a real Connection to the fake cloud (not registered).

        :param api_version: ``block_storage_api_version``.
        :param kwargs: More keyword arguments for ``Connection``, e.g.
            ``vendor_hook``.
        :returns: The connection; it is closed when the test ends.
        """
        conn = connection.Connection(
            auth_type='admin_token',
            auth={'endpoint': AUTH_URL},
            # Not auth={'token': ...}: before 4.5.0 openstacksdk sends
            # that token as the string 'None'.
            auth_token=TOKEN,
            block_storage_endpoint_override=ENDPOINT,
            block_storage_api_version=api_version,
            region_name='RegionOne',
            **kwargs,
        )
        self.addCleanup(conn.close)
        return conn

    def mock(
        self,
        method: str,
        path: str,
        *,
        capture: str | None = None,
        status_code: int | None = None,
        json: Any = _UNSET,
        text: str | None = None,
        headers: dict[str, str] | None = None,
        url: str | None = None,
    ) -> Any:
        """Answer ``method`` on ``ENDPOINT + path`` (any query string).

        The answer comes from a capture, from ``json``/``text``, or is an
        empty body.  Every answer carries ``x-openstack-request-id``
        (:data:`REQUEST_ID`) and a JSON content type when it has a body.

        :param method: The HTTP method.
        :param path: The path below the endpoint, e.g. ``'/snapshots'``.
            Give it quoted as it must appear on the wire.
        :param capture: The name of a capture in ``fixtures/`` whose status
            and body form the answer.
        :param status_code: The status (overrides the capture's).
        :param json: The JSON body (overrides the capture's).
        :param text: A raw text body.
        :param headers: More response headers.
        :param url: A full URL instead of ``ENDPOINT + path``.
        :returns: The ``requests_mock`` matcher (its ``call_count`` and
            ``request_history`` are available).
        """
        status = 200
        body: Any = _UNSET
        if capture is not None:
            data = load_capture(capture)
            status = data['status']
            body = data['body']
        if status_code is not None:
            status = status_code
        if json is not _UNSET:
            body = json
        response_headers = {'x-openstack-request-id': REQUEST_ID}
        kwargs: dict[str, Any] = {'status_code': status}
        if text is not None:
            kwargs['text'] = text
        elif body is _UNSET or body == '' or body is None:
            kwargs['text'] = ''
        else:
            kwargs['json'] = copy.deepcopy(body)
            response_headers['Content-Type'] = 'application/json'
        response_headers.update(headers or {})
        kwargs['headers'] = response_headers
        return self.requests_mock.register_uri(
            method, url or ENDPOINT + path, **kwargs
        )

    def capture(self, name: str) -> dict[str, Any]:
        """Load a capture from ``fixtures/``; see :func:`load_capture`.

        :param name: The file name, with or without ``.json``.
        :returns: The capture.
        """
        return load_capture(name)

    def captured_request(
        self, name: str
    ) -> tuple[str, str, dict[str, list[str]], Any]:
        """Tell what request a capture was made with.

        The captures come from several projects; the ``/v3/<project>``
        prefix is dropped so the path compares with :meth:`assert_request`.

        :param name: The capture's file name.
        :returns: The method, the path below the project endpoint, the
            parsed query (as ``parse_qs`` gives it) and the JSON body.
        """
        data = load_capture(name)
        method, url = data['request'].split(' ', 1)
        parts = urllib.parse.urlsplit(url)
        segments = parts.path.split('/')
        # ['', 'v3', '<project>', 'snapshots', ...]
        path = '/' + '/'.join(segments[3:])
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        return method, path, query, data['request_body']

    # Request inspection --------------------------------------------------

    @staticmethod
    def is_discovery(request: rm_request._RequestObjectProxy) -> bool:
        """Tell whether a request is keystoneauth's version discovery.

        :param request: A request from ``requests_mock``'s history.
        :returns: ``True`` for ``GET`` of the version document.
        """
        parts = urllib.parse.urlsplit(request.url)
        return (
            request.method == 'GET'
            and parts.netloc == HOST
            and parts.path.rstrip('/') in ('', '/v3')
        )

    def forget_requests(self) -> None:
        """Make :meth:`api_requests` ignore the requests sent so far.

        Use it between steps of one test (e.g. in a loop of sub-tests).
        Do not use ``self.requests_mock.reset_mock()`` for this: on the
        fixture it restarts the fixture instead.
        """
        self._forgotten = len(self.requests_mock.request_history)

    def discovery_requests(self) -> list[rm_request._RequestObjectProxy]:
        """Return every discovery request sent in this test.

        :returns: The requests, oldest first.
        """
        return [
            r
            for r in self.requests_mock.request_history
            if self.is_discovery(r)
        ]

    def api_requests(self) -> list[rm_request._RequestObjectProxy]:
        """Return the requests sent so far except discovery.

        :returns: The requests, oldest first, since the test started or
            since the last :meth:`forget_requests`.
        """
        history = self.requests_mock.request_history[self._forgotten :]
        return [r for r in history if not self.is_discovery(r)]

    def assert_no_api_request(self) -> None:
        """Assert that nothing but discovery was sent.

        :raises: AssertionError listing the requests that were sent.
        """
        sent = [f'{r.method} {r.url}' for r in self.api_requests()]
        self.assertEqual([], sent, 'no request was expected')

    def assert_request(
        self,
        request: rm_request._RequestObjectProxy,
        method: str,
        path: str,
        query: dict[str, list[str]] | None = None,
        json: Any = None,
        microversion: Any = _UNSET,
    ) -> None:
        """Check one request completely.

        :param request: A request from :meth:`api_requests`.
        :param method: The expected HTTP method.
        :param path: The expected raw (still quoted) path below the
            endpoint, e.g. ``'/snapshots/a%2Fb'``; a path starting with
            ``/v3/`` or a full ``https://`` URL is compared as it is.
        :param query: The expected query string as ``parse_qs`` gives it
            (a dict of lists); ``None`` means no query string.
        :param json: The expected JSON body; ``None`` means no body.
        :param microversion: The expected microversion in the
            ``OpenStack-API-Version`` header; ``None`` means no header.
            Defaults to :attr:`expected_microversion`.
        :raises: AssertionError on any difference.
        """
        if microversion is _UNSET:
            microversion = self.expected_microversion
        parts = urllib.parse.urlsplit(request.url)
        if path.startswith('https://'):
            expected = urllib.parse.urlsplit(path)
            self.assertEqual(expected.netloc, parts.netloc)
            expected_path = expected.path
        else:
            self.assertEqual(HOST, parts.netloc)
            expected_path = (
                path if path.startswith('/v3/') else PATH_PREFIX + path
            )
        self.assertEqual(method, request.method)
        self.assertEqual(expected_path, parts.path)
        self.assertEqual(
            query or {},
            urllib.parse.parse_qs(parts.query, keep_blank_values=True),
        )
        body = request.body
        if json is None:
            self.assertFalse(body, f'no body expected, got {body!r}')
        else:
            self.assertTrue(body, 'a JSON body was expected')
            self.assertEqual(json, request.json())
        header = request.headers.get('OpenStack-API-Version')
        if microversion is None:
            self.assertIsNone(header)
        else:
            self.assertEqual(f'volume {microversion}', header)
        self.assertEqual(TOKEN, request.headers.get('X-Auth-Token'))
