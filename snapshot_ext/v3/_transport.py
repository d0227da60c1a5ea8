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

"""The transport policy of snapshot_ext's proxy: retries and timeouts.

Every request of the block-storage proxy goes through
:func:`send`, which decides whether a failed attempt may be
repeated:

* A request that is safe to repeat (``GET``, ``HEAD``, ``PUT``,
  ``DELETE``, ``OPTIONS``, plus the two ``POST`` requests whose repetition
  has the same effect as one: the ``os-reset_status`` action and the
  metadata merge) is repeated after a connection failure, a timeout, an
  answer cut short, or a status in
  :attr:`~snapshot_ext.results.TransportPolicy.retriable_codes` (502, 503 and
  504 by default).
* Any request, ``POST`` included, is repeated when the connection could not
  even be opened (nothing was sent), and when the server refuses it with
  429, or 413 with a positive ``Retry-After``, as long as the wait it asks
  for is at most :attr:`~snapshot_ext.results.TransportPolicy.max_retry_after`.
* Any other ``POST`` (create, manage, force-delete, unmanage, status
  update) is never repeated once it may have reached the server: if its
  answer is lost, :class:`~snapshot_ext.exceptions.RequestOutcomeUnknown` says
  so.

keystoneauth's own connection and status-code retries are switched off for
these requests, so the two never stack and a ``POST`` is never re-sent by
them.  The counts and delays are read from clouds.yaml with the keys
openstacksdk already uses for them (see :func:`settings_from_proxy`).

Every request also has a timeout: when clouds.yaml sets no ``api_timeout``
the proxy's session gets :data:`DEFAULT_TIMEOUT` (see
:func:`bounded_session`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
import contextlib
import copy
import email.utils
import logging
import math
import time
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
import requests
from urllib3 import exceptions as urllib3_exceptions
from urllib3 import response as urllib3_response

from snapshot_ext import exceptions
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _compat

if TYPE_CHECKING:
    from snapshot_ext import results

LOG = logging.getLogger(__name__)

#: Connection timeout and read timeout, in seconds, of every request when
#: clouds.yaml sets no ``api_timeout``.
DEFAULT_TIMEOUT = (10.0, 60.0)
# The defaults of snapshot_ext.results.TransportPolicy, the documented ones
# (a unit test keeps the two the same).
#: Retries of a connection failure or timeout when clouds.yaml sets none.
DEFAULT_CONNECT_RETRIES = 3
#: Retries of a retriable status when clouds.yaml sets none.
DEFAULT_STATUS_CODE_RETRIES = 3
#: Statuses that mean "try again" for a request that is safe to repeat.
DEFAULT_RETRIABLE_CODES = frozenset({502, 503, 504})
#: The longest ``Retry-After`` (seconds) honoured when clouds.yaml sets
#: no ``block_storage_max_retry_after``; a longer one ends the retries.
DEFAULT_MAX_RETRY_AFTER = 60.0
#: Statuses by which a server refuses a request it did not carry out.
RATE_LIMIT_CODES = frozenset({413, 429})
#: Methods that are safe to repeat.
IDEMPOTENT_METHODS = frozenset({'GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'})
#: Actions (``POST .../action``) that are safe to repeat: each sets an
#: absolute value, so two have the effect of one.
IDEMPOTENT_ACTIONS = frozenset({'os-reset_status'})

#: The first delay of the exponential backoff, in seconds.
BACKOFF_START = 0.5
#: The longest delay of the exponential backoff, in seconds.
BACKOFF_MAX = 30.0

# The sleep between attempts; replaceable, e.g. to record the delays.
_sleep: Callable[[float], None] = time.sleep


def _backoff(fixed: float | None) -> Iterator[float]:
    if fixed is not None:
        while True:
            yield fixed
    delay = BACKOFF_START
    while True:
        yield delay
        delay = min(delay * 2, BACKOFF_MAX)


def retry_after(response: requests.Response) -> float | None:
    """Read how long the server asks the client to wait.

    The ``Retry-After`` header (seconds or an HTTP date) is used, or for a
    413 without it the ``retryAfter`` of Cinder's ``overLimit`` body.

    :param response: The refused response.
    :returns: Seconds to wait (never negative), or ``None`` when the
        server gave no usable value.
    """
    value: Any = response.headers.get('Retry-After')
    if value is None and response.status_code == 413:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            for fault in body.values():
                if isinstance(fault, dict) and 'retryAfter' in fault:
                    value = fault['retryAfter']
                    break
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        try:
            when = email.utils.parsedate_to_datetime(str(value))
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = when.timestamp() - time.time()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def _path(url: str) -> str:
    return url.partition('?')[0].partition('#')[0]


def check_path(url: str) -> None:
    """Refuse a URL whose path has a ``.`` or ``..`` segment.

    ``requests`` decodes ``%2E`` back to ``.`` before sending, so a quoted
    dot segment still reaches the wire as ``..``, where a proxy or server
    resolves it to another endpoint (``DELETE
    /snapshots/<id>/metadata/..`` would become ``DELETE /snapshots/<id>``).

    :param url: The URL or path about to be requested.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` when
        the path has such a segment; nothing is sent.
    """
    path = _path(url)
    if '.' not in path and '%2' not in path:
        return
    for segment in path.split('/'):
        plain = segment.replace('%2E', '.').replace('%2e', '.')
        if plain in ('.', '..'):
            raise _checks.bad(
                f"refusing to request {path[:200]!r}: the segment "
                f"{segment!r} is a dot segment, which would address "
                f"another endpoint; an ID, name or metadata key of '.' or "
                f"'..' cannot be used in a URL"
            )


def is_repeatable(method: str, url: str, json: Any) -> bool:
    """Tell whether sending a request twice has the effect of once.

    :param method: The HTTP method, upper case.
    :param url: The URL or path.
    :param json: The JSON body, if any.
    :returns: ``True`` for the idempotent methods, the ``os-reset_status``
        action and the metadata merge (``POST .../metadata``).
    """
    if method in IDEMPOTENT_METHODS:
        return True
    if method != 'POST':
        return False
    path = _path(url).rstrip('/')
    if path.endswith('/metadata'):
        return True
    return (
        path.endswith('/action')
        and isinstance(json, dict)
        and len(json) == 1
        and next(iter(json)) in IDEMPOTENT_ACTIONS
    )


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        for arg in current.args:
            if isinstance(arg, BaseException):
                yield arg
                reason = getattr(arg, 'reason', None)
                if isinstance(reason, BaseException):
                    yield reason
        current = current.__cause__ or current.__context__


def never_sent(exc: BaseException) -> bool:
    """Tell whether a connection error happened before anything was sent.

    :param exc: The error keystoneauth raised.
    :returns: ``True`` when the connection could not be opened (refused,
        name not resolved, connect timeout), so the server cannot have
        seen the request.
    """
    for error in _chain(exc):
        if isinstance(
            error,
            (
                requests.exceptions.ConnectTimeout,
                urllib3_exceptions.NewConnectionError,
                urllib3_exceptions.ConnectTimeoutError,
            ),
        ):
            return True
    return False


def _read_body(response: requests.Response) -> None:
    """Read a streamed response's whole body in one call and keep it.

    What ``response.content`` does, without its 10 KiB chunks: a page of
    a thousand snapshots (about half a megabyte) is read by one call
    instead of fifty, which takes about half the time.  The body is kept
    where ``requests`` keeps it, so ``content``, ``text`` and ``json()``
    use it; a read failure is raised as ``requests`` raises it then.
    A body already read, or a response without a readable ``raw`` (a
    test double), is read by ``response.content``.

    :param response: A response requested with ``stream=True``.
    :raises: ``requests``' ``ChunkedEncodingError``,
        ``ContentDecodingError``, ``ConnectionError`` or ``SSLError``.
    """
    raw = response.raw
    if getattr(response, '_content_consumed', True) or not isinstance(
        raw, urllib3_response.HTTPResponse
    ):
        response.content  # noqa: B018 (reads and keeps the body)
        return
    try:
        body = raw.read(decode_content=True)
    except urllib3_exceptions.ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except urllib3_exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    except urllib3_exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc) from exc
    except urllib3_exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc
    response._content = body or b''
    response._content_consumed = True  # type: ignore[attr-defined]


def _send_and_read(
    send_once: Callable[..., requests.Response],
    read_stream: bool,
    /,
    *args: Any,
    **kwargs: Any,
) -> requests.Response:
    """Send one attempt and, for ``stream=True``, read its whole body.

    The body is read within the attempt so that an answer cut short is a
    lost answer like any other; ``requests`` keeps the bytes, so later
    reads (``response.json()``, ``iter_content``) use them.  A body read
    while sending (keystoneauth's debug logging reads it) fails the same
    way.

    :param send_once: Sends the request.
    :param read_stream: Whether the body is streamed and must be read
        here.
    :param args: Passed on to ``send_once``.
    :param kwargs: Passed on to ``send_once``.
    :returns: The response, body read.
    :raises: keystoneauth's ``ConnectionError`` subclasses when the body is
        cut short or cannot be read.
    """
    try:
        response = send_once(*args, **kwargs)
        if read_stream:
            _read_body(response)
        return response
    except (
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
    ) as exc:
        raise ks_exceptions.UnknownConnectionError(
            f"the answer was cut short: {exc}", exc
        ) from exc
    except requests.exceptions.ConnectionError as exc:
        raise ks_exceptions.ConnectFailure(
            f"reading the answer failed: {exc}"
        ) from exc


def _repeated_delete(
    response: requests.Response, verb: str, url: str
) -> requests.Response:
    """Judge the answer to a DELETE repeated after a lost answer.

    404: the first attempt deleted it, which is what was asked; answered
    as a success (204).  400 or 409 (Cinder refuses to delete a snapshot
    that is already ``deleting``): the first attempt probably took effect,
    but that is not certain, so
    :class:`~snapshot_ext.exceptions.RequestOutcomeUnknown` says so.
    """
    code = response.status_code
    if code == 404:
        LOG.info(
            "%s %s: the answer to the first attempt was lost and the "
            "repeat found nothing to delete; the first attempt deleted it",
            verb,
            _path(url),
        )
        done = requests.Response()
        done.status_code = 204
        done.url = response.url
        done.request = response.request
        done.headers = response.headers
        done.reason = 'No Content'
        response.close()
        return done
    if code in (400, 409):
        cause = ks_exceptions.from_response(response, verb, url)
        raise exceptions.RequestOutcomeUnknown(
            verb,
            url,
            cause,
            hint=(
                f"The repeat was refused with HTTP {code}, which usually "
                f"means the first attempt took effect (a snapshot being "
                f"deleted is in status 'deleting'); check the resource's "
                f"status before trying again."
            ),
        )
    return response


def _is_transient(exc: ks_exceptions.ConnectionError) -> bool:
    if isinstance(exc, ks_exceptions.RetriableConnectionFailure):
        return True
    # An answer cut short while its body was read.
    original = getattr(exc, 'original', None)
    return isinstance(
        original,
        (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ),
    )


class Settings:
    """The retry settings :func:`send` applies.

    The values of a :class:`~snapshot_ext.results.TransportPolicy`, with
    its defaults, in a plain class: requests are sent without making the
    result types, which :meth:`policy` makes on first use.

    :param connect_retries: See :class:`~snapshot_ext.results.TransportPolicy`.
    :param status_code_retries: Likewise.
    :param connect_retry_delay: Likewise.
    :param status_code_retry_delay: Likewise.
    :param retriable_codes: Likewise.
    :param max_retry_after: Likewise.
    """

    __slots__ = (
        'connect_retries',
        'status_code_retries',
        'connect_retry_delay',
        'status_code_retry_delay',
        'retriable_codes',
        'max_retry_after',
    )

    def __init__(
        self,
        *,
        connect_retries: int = DEFAULT_CONNECT_RETRIES,
        status_code_retries: int = DEFAULT_STATUS_CODE_RETRIES,
        connect_retry_delay: float | None = None,
        status_code_retry_delay: float | None = None,
        retriable_codes: frozenset[int] = DEFAULT_RETRIABLE_CODES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
    ) -> None:
        self.connect_retries = connect_retries
        self.status_code_retries = status_code_retries
        self.connect_retry_delay = connect_retry_delay
        self.status_code_retry_delay = status_code_retry_delay
        self.retriable_codes = retriable_codes
        self.max_retry_after = max_retry_after

    def policy(self) -> results.TransportPolicy:
        """The same values as a :class:`~snapshot_ext.results.TransportPolicy`.

        :returns: The policy.
        """
        from snapshot_ext import results

        return results.TransportPolicy(
            **{name: getattr(self, name) for name in self.__slots__}
        )


def settings_from_proxy(proxy: Any) -> Settings:
    """Read the retry settings from a proxy's clouds.yaml settings.

    openstacksdk puts these clouds.yaml values on the proxy (each also
    read with a ``volume_``/``volumev3_`` prefix, or without a
    prefix): ``block_storage_connect_retries``,
    ``block_storage_status_code_retries``,
    ``block_storage_connect_retry_delay``,
    ``block_storage_status_code_retry_delay`` and
    ``block_storage_retriable_status_codes``.  snapshot_ext adds
    ``block_storage_max_retry_after`` (prefixed only).  Unset values
    take the defaults of :class:`~snapshot_ext.results.TransportPolicy`.

    :param proxy: The block-storage proxy (a keystoneauth Adapter).
    :returns: The settings.
    """
    settings: dict[str, Any] = {}
    for name, kind in (
        ('connect_retries', int),
        ('status_code_retries', int),
        ('connect_retry_delay', float),
        ('status_code_retry_delay', float),
    ):
        value = _compat.retry_setting(proxy, name)
        if value is not None:
            settings[name] = kind(value)
    codes = _compat.retry_setting(proxy, 'retriable_status_codes')
    if codes:
        settings['retriable_codes'] = frozenset(int(c) for c in codes)
    max_retry_after = _compat.cloud_setting(proxy, 'max_retry_after')
    if max_retry_after is not None:
        settings['max_retry_after'] = float(max_retry_after)
    return Settings(**settings)


def _status_delay(
    policy: Settings,
    response: requests.Response,
    repeatable: bool,
    backoff: Iterator[float],
) -> float | None:
    code = response.status_code
    if code in RATE_LIMIT_CODES:
        wait = retry_after(response)
        if wait is None:
            if code == 413:
                # A 413 without a wait is a quota refusal.
                return None
            wait = next(backoff)
        elif code == 413 and wait <= 0:
            # Cinder's quota errors say "Retry-After: 0".
            return None
    elif code in policy.retriable_codes and repeatable:
        wait = retry_after(response)
        if wait is None:
            wait = next(backoff)
    else:
        return None
    if wait > policy.max_retry_after:
        LOG.warning(
            "The server asks to wait %.1f s, longer than the %.1f s "
            "allowed (block_storage_max_retry_after); not retrying",
            wait,
            policy.max_retry_after,
        )
        return None
    return wait


def send(
    policy: Settings,
    send_once: Callable[..., requests.Response],
    url: str,
    method: str,
    *,
    raise_exc: bool = False,
    connect_retries: int | None = None,
    **kwargs: Any,
) -> requests.Response:
    """Send a request, repeating it as ``policy`` allows.

    :param policy: The retry settings.

    :param send_once: Sends one attempt (``Proxy.request`` of
        openstacksdk); called with keystoneauth's retries off.
    :param url: The URL or path.
    :param method: The HTTP method.
    :param raise_exc: Raise keystoneauth's ``HttpError`` for a final
        status of 400 or more instead of returning the response.
    :param connect_retries: Connection retries for this request
        instead of the policy's.
    :param kwargs: Passed on to ``send_once``.
    :returns: The final response.
    :raises: :class:`~snapshot_ext.exceptions.RequestOutcomeUnknown` when a
        request that is not safe to repeat may have been sent but got no
        answer; keystoneauth's connection errors when the retries run out;
        :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for a
        dot segment in the path.
    """
    check_path(url)
    # A streamed answer's body is read here, within the attempt, so
    # that an answer cut short is retried like any other lost answer.
    stream = bool(kwargs.get('stream'))
    for key in ('status_code_retries', 'retriable_status_codes'):
        # keystoneauth's own status retries stay off; the policy's
        # apply (set them in clouds.yaml).
        if kwargs.pop(key, None) is not None:
            LOG.debug(
                "%s given for %s %s is ignored; the transport policy "
                "decides status retries",
                key,
                method,
                _path(url),
            )
    verb = method.upper()
    repeatable = is_repeatable(verb, url, kwargs.get('json'))
    connect_left = (
        policy.connect_retries if connect_retries is None else connect_retries
    )
    status_left = policy.status_code_retries
    connect_backoff = _backoff(policy.connect_retry_delay)
    status_backoff = _backoff(policy.status_code_retry_delay)
    attempt = 1
    lost_answer = False
    while True:
        try:
            response = _send_and_read(
                send_once,
                stream,
                url,
                method,
                raise_exc=False,
                connect_retries=0,
                status_code_retries=0,
                **kwargs,
            )
        except ks_exceptions.ConnectionError as exc:
            if not _is_transient(exc):
                raise
            unsent = never_sent(exc)
            if not unsent and not repeatable:
                raise exceptions.RequestOutcomeUnknown(verb, url, exc) from exc
            if connect_left <= 0:
                if attempt > 1:
                    exc.message = f'{exc.message} ({attempt} attempts)'
                    exc.args = (exc.message, *exc.args[1:])
                raise
            connect_left -= 1
            lost_answer = lost_answer or not unsent
            delay = next(connect_backoff)
            LOG.warning(
                "%s %s: %s; retrying in %.2f s (%d left)",
                verb,
                _path(url),
                type(exc).__name__,
                delay,
                connect_left,
            )
            _sleep(delay)
            attempt += 1
            continue
        wait = (
            _status_delay(policy, response, repeatable, status_backoff)
            if status_left > 0
            else None
        )
        if wait is None:
            break
        status_left -= 1
        LOG.warning(
            "%s %s: HTTP %d; retrying in %.2f s (%d left)",
            verb,
            _path(url),
            response.status_code,
            wait,
            status_left,
        )
        response.close()
        _sleep(wait)
        attempt += 1
    if lost_answer and verb == 'DELETE':
        response = _repeated_delete(response, verb, url)
    elif lost_answer and response.status_code in (400, 404, 409):
        LOG.warning(
            "%s %s was repeated after an answer was lost; HTTP %d to "
            "the repeat may mean the first attempt took effect",
            verb,
            _path(url),
            response.status_code,
        )
    if raise_exc and response.status_code >= 400:
        raise ks_exceptions.from_response(response, method, url)
    return response


def bounded_session(session: Any) -> Any:
    """Give a session without a timeout :data:`DEFAULT_TIMEOUT`.

    The timeout of a keystoneauth session applies to everything sent
    through it: API requests, version discovery and token requests.  When
    clouds.yaml sets ``api_timeout`` the session already has one and is
    returned as it is.  Otherwise a shallow copy with the default timeout
    is returned, so the connection's own session (used by its other
    services) is left alone; the copy shares the connection pool, the
    authentication and the discovery cache, and does not own (close) the
    pool.

    :param session: The keystoneauth session given to the proxy.
    :returns: A session whose requests all have a timeout.
    """
    if not isinstance(session, ks_session.Session):
        return session
    if session.timeout is not None and not getattr(session, _TEMPORARY, False):
        return session
    bounded = copy.copy(session)
    bounded._session = None
    vars(bounded).pop(_TEMPORARY, None)
    # requests takes a (connect, read) pair.
    cast(Any, bounded).timeout = DEFAULT_TIMEOUT
    return bounded


_TEMPORARY = '_snapshot_ext_temporary_timeout'


@contextlib.contextmanager
def bounded_while_building(session: Any) -> Iterator[None]:
    """Bound a connection's session while a proxy is built through it.

    openstacksdk authenticates and discovers the API version through the
    connection's own session before the proxy (and its bounded copy, see
    :func:`bounded_session`) exists.  When that session has no timeout it
    gets :data:`DEFAULT_TIMEOUT` for the duration of the block, and is
    marked so that :func:`bounded_session` still makes the proxy its own
    bounded copy.

    :param session: The connection's keystoneauth session.
    :returns: A context manager.
    """
    if not isinstance(session, ks_session.Session) or (
        session.timeout is not None
    ):
        yield
        return
    cast(Any, session).timeout = DEFAULT_TIMEOUT
    setattr(session, _TEMPORARY, True)
    try:
        yield
    finally:
        cast(Any, session).timeout = None
        vars(session).pop(_TEMPORARY, None)
