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

"""Waiting for a snapshot to reach a status or to go away.

openstacksdk's waiters poll at a fixed interval, wait forever when
``wait=None``, keep polling a snapshot stuck in ``error_deleting`` until
the timeout and hand the progress callback the raw ``"NN%"`` string.
The waiters here know Cinder's snapshot states:

* a snapshot that reaches ``error`` or ``error_deleting`` fails the wait
  at once, as does one that disappears (404) while a status is awaited
  (:class:`~snapshot_ext.exceptions.SnapshotGone`, also a ``NotFoundException``
  as openstacksdk raises);
* a snapshot found ``available``, ``error`` or ``error_deleting`` while
  its deletion is awaited fails the wait at once with
  :class:`~snapshot_ext.exceptions.SnapshotNotDeleted`, which is also the
  ``ResourceTimeout`` openstacksdk raises once its timeout has passed: no
  deletion is under way (Cinder puts a snapshot back to ``available`` when
  the backend reports it busy);
* ``wait=None`` means :data:`DEFAULT_TIMEOUT` seconds, never forever;
* the pause between polls starts at ``interval`` and grows by
  :data:`BACKOFF_FACTOR` up to :data:`MAX_INTERVAL`, with
  ±:data:`JITTER` random spread so many waiters do not poll in step;
* the callback receives the progress as an int from 0 to 100.

Time comes from a :class:`Clock`, so tests can replace it and run
instantly.
"""

from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
import datetime
import random
import time
from typing import Any
from typing import NamedTuple
from typing import cast

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import snapshot as _snapshot

#: Seconds a wait lasts when ``wait=None`` is given.
DEFAULT_TIMEOUT = 600.0
#: Seconds between the first polls when ``interval=None`` is given.
DEFAULT_INTERVAL = 2.0
#: The same for the waits that poll many snapshots with one listing per
#: poll (``wait_for_snapshots`` and the bulk verbs): short, as a listing
#: costs the server the same for one snapshot or many, and the pauses
#: grow from it.
BULK_INTERVAL = 0.5
#: The shortest pause between polls; ``interval=0`` means this.
MIN_INTERVAL = 0.1
#: The longest pause between polls, unless ``interval`` is longer.
MAX_INTERVAL = 15.0
#: Each pause is this many times the previous one, up to the cap.
BACKOFF_FACTOR = 1.5
#: Each pause is spread at random by up to this fraction either way.
JITTER = 0.2

#: Statuses that end a wait for another status with a failure.
FAILURE_STATUSES = frozenset({'error', 'error_deleting'})
#: Statuses that show no deletion is under way (see :func:`wait_for_delete`).
NOT_DELETING_STATUSES = frozenset({'available', 'error'})

Callback = Callable[[int], None]


class Clock:
    """The source of time for waits and age calculations.

    Replace it (``proxy._wait_clock = MyClock()``) to make waits
    deterministic in tests.
    """

    def monotonic(self) -> float:
        """Seconds from an arbitrary start, never going backwards.

        :returns: :func:`time.monotonic`.
        """
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Pause the calling thread.

        :param seconds: How long.
        """
        time.sleep(seconds)

    def random(self) -> float:
        """A random number in [0, 1) for the jitter.

        :returns: :func:`random.random`.
        """
        return random.random()  # noqa: S311 - jitter, not cryptography

    def now(self) -> datetime.datetime:
        """The current time.

        :returns: A timezone-aware UTC datetime.
        """
        return datetime.datetime.now(datetime.timezone.utc)


#: The clock used unless the proxy is given another.
SYSTEM_CLOCK = Clock()


def _seconds(name: str, value: Any, default: float, minimum: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _checks.bad(f"{name} must be a number of seconds, got {value!r}")
    if value != value or value in (float('inf'), float('-inf')):
        raise _checks.bad(
            f"{name} must be a finite number of seconds, got {value}"
        )
    if value < 0:
        raise _checks.bad(f"{name} must not be negative, got {value}")
    return max(float(value), minimum)


class Timing(NamedTuple):
    """Checked timing parameters of one wait.

    :param interval: Seconds before the second poll.
    :param timeout: Seconds the wait may last.
    """

    interval: float
    timeout: float


def timing(
    interval: Any,
    wait: Any,
    default_timeout: float = DEFAULT_TIMEOUT,
    default_interval: float = DEFAULT_INTERVAL,
) -> Timing:
    """Check ``interval`` and ``wait`` as the waiters take them.

    :param interval: Seconds between the first polls; ``None`` means
        ``default_interval``, ``0`` means :data:`MIN_INTERVAL`.
    :param wait: Seconds to wait in all; ``None`` means
        ``default_timeout``.
    :param default_timeout: The timeout when ``wait`` is ``None``.
    :param default_interval: The interval when ``interval`` is ``None``.
    :returns: The checked values.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
        a value that is not a non-negative finite number.
    """
    return Timing(
        interval=_seconds(
            'interval', interval, default_interval, MIN_INTERVAL
        ),
        timeout=_seconds('wait', wait, default_timeout, 0.0),
    )


def status_arg(value: Any, name: str = 'status') -> str:
    """Check a status argument and normalise it to lower case.

    :param value: The status given.
    :param name: The argument's name, for the error.
    :returns: The status in lower case.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        when it is not a non-empty string.
    """
    if not isinstance(value, str) or not value.strip():
        raise _checks.bad(f"{name} must be a non-empty string, got {value!r}")
    return value.strip().lower()


def failures_arg(value: Any) -> frozenset[str]:
    """Check the ``failures`` argument.

    :param value: ``None`` or an iterable of statuses.
    :returns: The statuses in lower case.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        for a plain string or a non-string item.
    """
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _checks.bad(
            f"failures must be a list of statuses, got {value!r}"
        )
    return frozenset(status_arg(v, 'each item of failures') for v in value)


def callback_arg(value: Any) -> Callback | None:
    """Check the ``callback`` argument.

    :param value: ``None`` or a callable taking one int.
    :returns: The callback.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
        anything else.
    """
    if value is not None and not callable(value):
        raise _checks.bad(f"callback must be callable, got {value!r}")
    return cast(Callback | None, value)


def normalise(status: Any) -> str | None:
    """Lower-case a status read from the server.

    :param status: The value of the status attribute.
    :returns: The status in lower case, or ``None`` when it is not a
        string.
    """
    return status.lower() if isinstance(status, str) else None


def describe(snapshot: _snapshot.Snapshot) -> str:
    """Name a snapshot for messages.

    :param snapshot: The snapshot.
    :returns: ``"snapshot <id>"``, with its name when it has one.
    """
    if snapshot.name:
        return f"snapshot {snapshot.id} ({snapshot.name!r})"
    return f"snapshot {snapshot.id}"


def verdict(
    snapshot: _snapshot.Snapshot,
    target: str,
    failing: Collection[str] = (),
    *,
    deleting: bool = False,
    attribute: str = 'status',
) -> tuple[bool, exceptions.SnapshotFailure | None]:
    """Judge one look at a snapshot during a wait.

    The one verdict of every wait, single or batch.

    :param snapshot: The snapshot as just seen.
    :param target: The awaited status (``'deleted'`` for a deletion).
    :param failing: The statuses that end the wait with a failure.
    :param deleting: The wait is for a deletion: ``error_deleting``, and
        a status in :data:`NOT_DELETING_STATUSES`, end it with a
        :class:`~snapshot_ext.exceptions.SnapshotNotDeleted`.
    :param attribute: The attribute holding the status.
    :returns: ``(finished, error)``: whether the wait is over for this
        snapshot, and the failure that ended it (``None`` on success or
        while it goes on).
    """
    current = normalise(getattr(snapshot, attribute, None))
    if current == target:
        return True, None
    name = describe(snapshot)
    if deleting:
        if current == 'error_deleting':
            return True, exceptions.SnapshotNotDeleted(
                f"{name} reached status 'error_deleting'; an admin can "
                f"remove it with force_delete_snapshot",
                snapshot,
                current,
            )
        if current in NOT_DELETING_STATUSES:
            return True, exceptions.SnapshotNotDeleted(
                f"{name} is {current!r}: no deletion is under way (the "
                f"backend may have refused it as busy, e.g. because "
                f"volumes were created from it)",
                snapshot,
                current,
            )
        return False, None
    if current in failing:
        return True, exceptions.SnapshotFailure(
            f"{name} reached status {current!r} while waiting for {target!r}",
            snapshot,
            current,
        )
    return False, None


class Poller:
    """Paces the polls of one wait and enforces its deadline.

    :param timing: The checked timing parameters.
    :param clock: The source of time.
    """

    def __init__(self, timing: Timing, clock: Clock) -> None:
        self._clock = clock
        self._start = clock.monotonic()
        self._deadline = self._start + timing.timeout
        self._base = timing.interval
        self._cap = max(timing.interval, MAX_INTERVAL)

    @property
    def waited(self) -> float:
        """Seconds since the wait started."""
        return self._clock.monotonic() - self._start

    def next_delay(self) -> float:
        """The next pause: the backed-off interval with jitter.

        :returns: Seconds, at least :data:`MIN_INTERVAL`.
        """
        base = self._base
        self._base = min(self._cap, self._base * BACKOFF_FACTOR)
        spread = 1.0 + JITTER * (2.0 * self._clock.random() - 1.0)
        return max(MIN_INTERVAL, base * spread)

    def sleep(self) -> bool:
        """Pause before the next poll, never past the deadline.

        :returns: ``False`` when the deadline has passed and no further
            poll may be made; ``True`` after pausing.
        """
        remaining = self._deadline - self._clock.monotonic()
        if remaining <= 0:
            return False
        self._clock.sleep(min(self.next_delay(), remaining))
        return True


def report(callback: Callback | None, percent: int) -> None:
    """Call the progress callback, if any.

    :param callback: The callback or ``None``.
    :param percent: The progress, clamped to 0..100.
    """
    if callback is not None:
        callback(max(0, min(100, percent)))


def wait_for_status(
    session: Any,
    snapshot: _snapshot.Snapshot,
    *,
    status: Any = 'available',
    failures: Any = None,
    interval: Any = DEFAULT_INTERVAL,
    wait: Any = None,
    attribute: str = 'status',
    callback: Any = None,
    clock: Clock = SYSTEM_CLOCK,
) -> _snapshot.Snapshot:
    """Poll a snapshot until its status is ``status``.

    All arguments are checked before the first request.  The server is
    always asked at least once: the object given may be stale (an
    ``available`` snapshot an admin has since reset to ``error``).

    :param session: The proxy to send the requests through.
    :param snapshot: The snapshot to wait for.
    :param status: The awaited status.
    :param failures: More statuses that end the wait with a failure;
        ``error`` and ``error_deleting`` always do (unless awaited).
    :param interval: Seconds before the second poll; later pauses grow.
    :param wait: Seconds to wait in all; ``None`` means
        :data:`DEFAULT_TIMEOUT`.
    :param attribute: The attribute holding the status.
    :param callback: Called after each poll with the progress, an int
        from 0 to 100.
    :param clock: The source of time.
    :returns: The snapshot as last fetched.
    :raises: :class:`~snapshot_ext.exceptions.SnapshotFailure` (an
        :class:`~openstack.exceptions.ResourceFailure`) on a failure
        status; :class:`~snapshot_ext.exceptions.SnapshotGone` (also a
        :class:`~openstack.exceptions.NotFoundException`) on a 404.
    :raises: :class:`~snapshot_ext.exceptions.SnapshotTimeout` (an
        :class:`~openstack.exceptions.ResourceTimeout`) when the time is
        up.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
        a bad argument, before any request.
    """
    target = status_arg(status)
    failing = set(failures_arg(failures))
    if not isinstance(attribute, str) or not attribute:
        raise _checks.bad(
            f"attribute must be an attribute name, got {attribute!r}"
        )
    if attribute == 'status':
        failing |= FAILURE_STATUSES
    failing.discard(target)
    pace = timing(interval, wait)
    progress = callback_arg(callback)

    name = describe(snapshot)
    poller = Poller(pace, clock)
    while True:
        try:
            snapshot = snapshot.fetch(session, skip_cache=True)
        except sdk_exceptions.NotFoundException as exc:
            raise exceptions.SnapshotGone(
                f"{name} disappeared (404) while waiting for status "
                f"{target!r}",
                snapshot,
                None,
            ) from exc
        report(progress, snapshot.progress_percent or 0)
        done, error = verdict(snapshot, target, failing, attribute=attribute)
        if error is not None:
            raise error
        if done:
            return snapshot
        current = normalise(getattr(snapshot, attribute, None))
        if not poller.sleep():
            raise exceptions.SnapshotTimeout(
                f"timed out after {poller.waited:.1f}s waiting for {name} "
                f"to reach status {target!r}; last status {current!r}",
                snapshot,
                current,
                poller.waited,
            )


def wait_for_delete(
    session: Any,
    snapshot: _snapshot.Snapshot,
    *,
    interval: Any = DEFAULT_INTERVAL,
    wait: Any = None,
    callback: Any = None,
    clock: Clock = SYSTEM_CLOCK,
) -> _snapshot.Snapshot:
    """Poll a snapshot until it is gone (404 or status ``deleted``).

    Meant to be called after the delete request: Cinder sets ``deleting``
    before it answers that request, so a snapshot that is ``available`` or
    ``error`` has no deletion under way.  That happens when the backend
    refuses the deletion as busy, e.g. when volumes were cloned from the
    snapshot; Cinder then puts it back to ``available`` and records a
    user message.

    :param session: The proxy to send the requests through.
    :param snapshot: The snapshot being deleted.
    :param interval: Seconds before the second poll; later pauses grow.
    :param wait: Seconds to wait in all; ``None`` means
        :data:`DEFAULT_TIMEOUT`.
    :param callback: Called after each poll with 0 while the snapshot
        exists and 100 once it is gone (Cinder reports no progress for a
        deletion).
    :param clock: The source of time.
    :returns: The snapshot as last seen.
    :raises: :class:`~snapshot_ext.exceptions.SnapshotNotDeleted` (a
        :class:`~snapshot_ext.exceptions.SnapshotFailure` and a
        :class:`~openstack.exceptions.ResourceTimeout`) on ``error_deleting``,
        or when the snapshot is ``available`` or ``error``.
    :raises: :class:`~snapshot_ext.exceptions.SnapshotTimeout` when the time is
        up.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
        a bad argument, before any request.
    """
    pace = timing(interval, wait)
    progress = callback_arg(callback)
    name = describe(snapshot)
    poller = Poller(pace, clock)
    while True:
        try:
            snapshot.fetch(session, skip_cache=True)
        except sdk_exceptions.NotFoundException:
            report(progress, 100)
            return snapshot
        done, error = verdict(snapshot, 'deleted', deleting=True)
        if done and error is None:
            report(progress, 100)
            return snapshot
        report(progress, 0)
        if error is not None:
            raise error
        current = normalise(snapshot.status)
        if not poller.sleep():
            raise exceptions.SnapshotTimeout(
                f"timed out after {poller.waited:.1f}s waiting for {name} "
                f"to be deleted; last status {current!r}",
                snapshot,
                current,
                poller.waited,
            )
