"""Small JSON HTTP calls to Keystone and Cinder on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import Message
import json
from typing import Any
import urllib.error
import urllib.request

from devcloudlib.config import KEYSTONE_URL

HTTP_TIMEOUT = 10  # seconds, per HTTP request


def http(
    method: str,
    url: str,
    body: Any = None,
    token: str | None = None,
    timeout: float = HTTP_TIMEOUT,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, Message[str, str], Any]:
    """One HTTP request; never raises on 4xx or 5xx.

    :param method: the HTTP method.
    :param url: the URL (devcloud only calls 127.0.0.1).
    :param body: a JSON body, or None.
    :param token: a Keystone token for ``X-Auth-Token``.
    :param timeout: seconds for the request.
    :param headers: more headers.
    :returns: status, headers and the decoded JSON body (None when the
        body is empty or not JSON).
    :raises OSError: when the server cannot be reached or does not answer
        within ``timeout``.
    """
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    req.add_header('Accept', 'application/json')
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    if token:
        req.add_header('X-Auth-Token', token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    hdrs: Message[str, str]
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            status, hdrs, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, e.headers, e.read()
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return status, hdrs, parsed


def password_auth(username: str, password: str, project: str) -> Any:
    """The body of a project-scoped password token request.

    :param username: the user, in domain ``default``.
    :param password: the password.
    :param project: the project, in domain ``default``.
    :returns: the request body.
    """
    return {
        'auth': {
            'identity': {
                'methods': ['password'],
                'password': {
                    'user': {
                        'name': username,
                        'domain': {'id': 'default'},
                        'password': password,
                    }
                },
            },
            'scope': {
                'project': {'name': project, 'domain': {'id': 'default'}}
            },
        }
    }


def get_token(username: str, password: str, project: str) -> tuple[str, str]:
    """A project-scoped token.

    :param username: the user.
    :param password: the password.
    :param project: the project.
    :returns: the token and the project's id.
    :raises RuntimeError: when Keystone does not issue one (the password
        is not in the message).
    """
    status, hdrs, data = http(
        'POST',
        KEYSTONE_URL + '/v3/auth/tokens',
        password_auth(username, password, project),
    )
    if status != 201:
        raise RuntimeError(f'token request for {username}: HTTP {status}')
    return hdrs['X-Subject-Token'], data['token']['project']['id']


def http_ok(url: str) -> bool:
    """Whether a URL answers with a status below 500.

    :param url: the URL.
    :returns: True when it answered within 5 s with status < 500.
    """
    try:
        status, _, _ = http('GET', url, timeout=5)
    except OSError:
        return False
    return status < 500
