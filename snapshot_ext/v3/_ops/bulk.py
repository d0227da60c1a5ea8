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

"""Operations over many snapshots: create, delete and wait.

Every argument is checked before the first request.  Requests then run
on a bounded pool of threads sharing the proxy: keystoneauth's session
and the ``requests`` connection pool under it are used from many threads
by openstacksdk itself (segmented object uploads), the token is fetched
under a lock, and the microversion and any listing the operation needs
are settled on the calling thread before the pool starts.  ``requests``
keeps 10 connections per host; a concurrency above 10 works but opens
extra short-lived connections.

Each item gets its own :class:`~snapshot_ext.results.ItemResult`, in the order
given: one failure never stops or hides the others, and nothing is retried.
"""

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import concurrent.futures
import dataclasses
import functools
from typing import Any
from typing import TypeVar

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import snapshot as _stock_snapshot

from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _microversion as mv
from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import DEFAULT_CONCURRENCY
from snapshot_ext.v3._ops import ProxyLike
from snapshot_ext.v3._ops import adapter_of
from snapshot_ext.v3._ops import dependents as _dependents

#: The most threads a bulk operation may use.
MAX_CONCURRENCY = 64

T = TypeVar('T')


def check_concurrency(value: Any) -> int:
    """Check the ``concurrency`` argument.

    :param value: The number of threads.
    :returns: It, when an int from 1 to :data:`MAX_CONCURRENCY`.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        otherwise.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise _checks.bad(f"concurrency must be an integer, got {value!r}")
    if not 1 <= value <= MAX_CONCURRENCY:
        raise _checks.bad(
            f"concurrency must be from 1 to {MAX_CONCURRENCY}, got {value}"
        )
    return value


def resolve(proxy: ProxyLike, snapshots: Any) -> list[tuple[Any, Any]]:
    """Check a collection of snapshot references and resolve them.

    :param proxy: The block-storage proxy.
    :param snapshots: An iterable of snapshot IDs or Snapshots.
    :returns: ``(given, Snapshot)`` pairs, in order.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        for a plain string, an item that is neither, an empty ID or the
        same snapshot given twice.
    """
    if isinstance(snapshots, str | Mapping) or not isinstance(
        snapshots, Iterable
    ):
        raise _checks.bad(
            f"snapshots must be a list of snapshot IDs or Snapshots, got "
            f"{snapshots!r}"
        )
    pairs = []
    seen: set[str] = set()
    for index, given in enumerate(snapshots):
        if isinstance(given, _stock_snapshot.Snapshot):
            sid = given.id
        elif isinstance(given, str):
            sid = given
        else:
            raise _checks.bad(
                f"snapshots[{index}] must be a snapshot ID or a Snapshot, "
                f"got {given!r}"
            )
        _checks.path_segment(sid, f"snapshots[{index}] ID")
        if sid in seen:
            raise _checks.bad(f"snapshot {sid} is given more than once")
        seen.add(sid)
        pairs.append((given, proxy._snapshot_resource(given)))
    return pairs


def run(
    concurrency: int, tasks: Sequence[Callable[[], T]]
) -> list[tuple[T | None, Exception | None]]:
    """Run tasks on a bounded thread pool.

    An interruption (Ctrl-C) cancels the tasks not yet started.

    :param concurrency: The most threads to use.
    :param tasks: Callables taking no argument.
    :returns: ``(value, None)`` or ``(None, exception)`` per task, in
        order.
    """
    if not tasks:
        return []
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=min(concurrency, len(tasks)),
        thread_name_prefix='snapshot_ext',
    )
    try:
        futures = [pool.submit(task) for task in tasks]
        outcomes: list[tuple[T | None, Exception | None]] = []
        for future in futures:
            try:
                outcomes.append((future.result(), None))
            except Exception as exc:
                outcomes.append((None, exc))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return outcomes


def _project_id(proxy: ProxyLike) -> str | None:
    """The project a listing without ``all_projects`` covers."""
    try:
        project = proxy.get_project_id()
    except Exception:  # no project-scoped token: every absence is checked
        return None
    return project if isinstance(project, str) and project else None


def _gone(
    last: _snapshot.Snapshot,
    target: str,
    how: str,
    cause: BaseException | None,
) -> tuple[_snapshot.Snapshot, BaseException | None]:
    """The outcome for a snapshot that no longer exists."""
    if target == 'deleted':
        return last, None
    failure = exceptions.SnapshotFailure(
        f"{_waiting.describe(last)} disappeared ({how}) while waiting for "
        f"status {target!r}",
        last,
        None,
    )
    failure.__cause__ = cause
    return last, failure


def _name_unknown(
    exc: Exception, pending: Mapping[str, _snapshot.Snapshot], done: int
) -> None:
    """Name, in a failed poll's error, the snapshots left unknown.

    The error keeps its type (code catching it keeps working); its
    message gains which snapshots the wait had not seen finish, with
    their last status, and how many it had.

    :param exc: The error of the poll's listing.
    :param pending: The snapshots not finished, by ID.
    :param done: How many had finished before.
    """
    unknown = ', '.join(
        f"{sid} (last status {snap.status!r})" for sid, snap in pending.items()
    )
    note = (
        f"; the wait ended with {len(pending)} snapshot(s) in an unknown "
        f"state: {unknown} ({done} had finished)"
    )
    message = getattr(exc, 'message', None)
    text = message if isinstance(message, str) else str(exc)
    if isinstance(message, str):
        exc.message = message + note  # type: ignore[attr-defined]
    exc.args = (text + note, *exc.args[1:])


@dataclasses.dataclass
class _Polled:
    """Where a batch wait stopped.

    :ivar finished: The snapshots that finished, by ID, with their last
        state and their error (``None`` for success).
    :ivar pending: The snapshots not seen finish, by ID, with their last
        state.
    :ivar error: The error of the listing that ended the wait early, if
        one did.
    """

    finished: dict[str, tuple[_snapshot.Snapshot, BaseException | None]]
    pending: dict[str, _snapshot.Snapshot]
    error: Exception | None


def _poll(
    proxy: ProxyLike,
    pairs: list[tuple[Any, _snapshot.Snapshot]],
    target: str,
    failing: frozenset[str],
    pace: _waiting.Timing,
    progress: _waiting.Callback | None,
    everywhere: bool,
    clock: _waiting.Clock,
) -> _Polled:
    """Poll until every snapshot finished, the time ran out or a
    listing failed.

    :returns: Where the wait stopped.  The error of a listing, or one
        that is not an API error (a connection failure, say) of a fetch,
        is returned, not raised, so that the caller knows which
        snapshots had finished.
    """
    project = _project_id(proxy)
    pending: dict[str, _snapshot.Snapshot] = {s.id: s for _, s in pairs}
    finished: dict[str, tuple[_snapshot.Snapshot, BaseException | None]] = {}
    poller = _waiting.Poller(pace, clock)
    while pending:
        query: dict[str, Any] = {}
        volumes = {s.volume_id for s in pending.values()}
        if len(volumes) == 1 and None not in volumes:
            query['volume_id'] = volumes.pop()
        if everywhere:
            query['all_projects'] = True
        try:
            listed = {
                s.id: s
                for s in _snapshot.Snapshot.list(
                    adapter_of(proxy), base_path='/snapshots/detail', **query
                )
                if s.id in pending
            }
        except Exception as exc:
            return _Polled(finished, pending, exc)
        for sid, last in list(pending.items()):
            seen = listed.get(sid)
            if seen is None and (
                everywhere or (project and last.project_id == project)
            ):
                # The listing covers it, so it is gone.
                del pending[sid]
                finished[sid] = _gone(last, target, 'no longer listed', None)
                continue
            if seen is None:
                try:
                    seen = last.fetch(adapter_of(proxy), skip_cache=True)
                except sdk_exceptions.NotFoundException as exc:
                    del pending[sid]
                    finished[sid] = _gone(last, target, '404', exc)
                    continue
                except sdk_exceptions.SDKException as exc:
                    del pending[sid]
                    finished[sid] = (last, exc)
                    continue
                except Exception as exc:
                    return _Polled(finished, pending, exc)
            done, error = _waiting.verdict(
                seen, target, failing, deleting=target == 'deleted'
            )
            if done:
                del pending[sid]
                finished[sid] = (seen, error)
            else:
                pending[sid] = seen
        if progress is not None:
            total = 100 * len(finished)
            if target != 'deleted':
                total += sum(s.progress_percent or 0 for s in pending.values())
            _waiting.report(progress, total // len(pairs))
        if pending and not poller.sleep():
            for sid, last in pending.items():
                finished[sid] = (
                    last,
                    exceptions.SnapshotTimeout(
                        f"timed out after {poller.waited:.1f}s waiting for "
                        f"{_waiting.describe(last)} to reach status "
                        f"{target!r}; last status {last.status!r}",
                        last,
                        last.status,
                        poller.waited,
                    ),
                )
            break
    return _Polled(finished, pending, None)


def wait_for_snapshots(
    proxy: ProxyLike,
    snapshots: Any,
    *,
    status: Any = 'available',
    failures: Any = None,
    interval: Any = _waiting.BULK_INTERVAL,
    wait: Any = None,
    callback: Any = None,
    all_projects: Any = False,
    clock: _waiting.Clock = _waiting.SYSTEM_CLOCK,
) -> results.BulkResult[_snapshot.Snapshot]:
    """Wait for many snapshots with one listing per poll.

    Each poll lists ``/snapshots/detail`` (filtered by ``volume_id`` when
    every snapshot is known to be of one volume) and matches by ID.  A
    snapshot missing from the listing is gone when the listing covers it
    (``all_projects``, or a snapshot seen before in the caller's project);
    otherwise it is fetched once on its own, to tell.
    ``status='deleted'`` waits for deletion: gone is success,
    ``error_deleting`` is failure.

    :param proxy: The block-storage proxy.
    :param snapshots: Snapshot IDs or Snapshots.
    :param status: The awaited status, or ``'deleted'``.
    :param failures: More failure statuses (``error`` and
        ``error_deleting`` always are).
    :param interval: Seconds before the second poll; later pauses grow.
    :param wait: Seconds in all; ``None`` means
        :data:`~snapshot_ext.v3._waiting.DEFAULT_TIMEOUT`.
    :param callback: Called after each poll with the overall progress,
        an int from 0 to 100 (finished snapshots count as 100).
    :param all_projects: List every project's snapshots (admin), for
        snapshots of other projects.
    :param clock: The source of time.
    :returns: A :class:`~snapshot_ext.results.BulkResult` in input order;
        failed items carry a
        :class:`~snapshot_ext.exceptions.SnapshotFailure`,
        :class:`~snapshot_ext.exceptions.SnapshotTimeout` or the error of
        their fetch.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest` for
        a bad argument, before any request; the error of a listing
        request, which ends the whole wait: its message then also names
        the snapshots not seen finished, with their last status.
    """
    target = _waiting.status_arg(status)
    failing = (_waiting.FAILURE_STATUSES | _waiting.failures_arg(failures)) - {
        target
    }
    pace = _waiting.timing(
        interval, wait, default_interval=_waiting.BULK_INTERVAL
    )
    progress = _waiting.callback_arg(callback)
    everywhere = _checks.flag('all_projects', all_projects, strict=True)
    pairs = resolve(proxy, snapshots)
    if not pairs:
        return results.BulkResult([])

    polled = _poll(
        proxy, pairs, target, failing, pace, progress, everywhere, clock
    )
    if polled.error is not None:
        _name_unknown(polled.error, polled.pending, len(polled.finished))
        raise polled.error
    return results.BulkResult(
        results.ItemResult(
            item=given,
            snapshot=polled.finished[s.id][0],
            error=polled.finished[s.id][1],
        )
        for given, s in pairs
    )


def _wait_for(
    proxy: ProxyLike,
    item_results: list[results.ItemResult[_snapshot.Snapshot]],
    *,
    status: str,
    interval: Any,
    timeout: Any,
    clock: _waiting.Clock,
) -> list[results.ItemResult[_snapshot.Snapshot]]:
    """Wait for the successful items of a bulk create or delete.

    A listing error that ends the wait early fails only the items not
    seen finish; its message names them.  The items that finished keep
    their own outcome.
    """
    waiting = [r.snapshot for r in item_results if r.ok and not r.missing]
    if not waiting:
        return item_results
    polled = _poll(
        proxy,
        resolve(proxy, waiting),
        status,
        _waiting.FAILURE_STATUSES - {status},
        _waiting.timing(
            interval, timeout, default_interval=_waiting.BULK_INTERVAL
        ),
        None,
        False,
        clock,
    )
    outcome = dict(polled.finished)
    if polled.error is not None:
        _name_unknown(polled.error, polled.pending, len(polled.finished))
        for sid, last in polled.pending.items():
            outcome[sid] = (last, polled.error)
    merged = []
    for result in item_results:
        waited = outcome.get(result.id) if result.ok and result.id else None
        if waited is None or result.missing:
            merged.append(result)
        else:
            merged.append(
                dataclasses.replace(
                    result, snapshot=waited[0], error=waited[1]
                )
            )
    return merged


def check_specs(specs: Any) -> list[dict[str, Any]]:
    """Check every create spec before anything is sent.

    :param specs: An iterable of mappings of create attributes.
    :returns: The specs as dicts, in order.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        naming the first bad spec by its index.
    """
    if isinstance(specs, str | Mapping) or not isinstance(specs, Iterable):
        raise _checks.bad(
            f"specs must be a list of dicts of snapshot attributes, got "
            f"{specs!r}"
        )
    checked = []
    for index, spec in enumerate(specs):
        if not isinstance(spec, Mapping):
            raise _checks.bad(f"specs[{index}] must be a dict, got {spec!r}")
        attrs = dict(spec)
        try:
            _checks.create_attrs(attrs)
        except exceptions.InvalidSnapshotRequest as exc:
            raise _checks.bad(f"specs[{index}]: {exc}") from exc
        checked.append(attrs)
    return checked


def create_snapshots(
    proxy: ProxyLike,
    specs: Any,
    *,
    concurrency: Any = DEFAULT_CONCURRENCY,
    wait: Any = False,
    timeout: Any = None,
    interval: Any = _waiting.BULK_INTERVAL,
    clock: _waiting.Clock = _waiting.SYSTEM_CLOCK,
) -> results.BulkResult[_snapshot.Snapshot]:
    """Create many snapshots concurrently.

    :param proxy: The block-storage proxy.
    :param specs: Create attributes, one mapping per snapshot, as for
        :meth:`~snapshot_ext.Proxy.create_snapshot`.
    :param concurrency: Threads, 1 to :data:`MAX_CONCURRENCY`.
    :param wait: Also wait until every created snapshot is available.
    :param timeout: Seconds to wait in all; ``None`` means 600.
    :param interval: Seconds before the second poll of the wait.
    :param clock: The source of time.
    :returns: A :class:`~snapshot_ext.results.BulkResult` in the order of
        ``specs``; a snapshot that was created but failed while waited for
        keeps its ``snapshot`` so it can be cleaned up.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        before any request when an argument or a spec is bad.
    """
    workers = check_concurrency(concurrency)
    waiting = _checks.flag('wait', wait, strict=True)
    _waiting.timing(interval, timeout, default_interval=_waiting.BULK_INTERVAL)
    checked = check_specs(specs)
    if not checked:
        return results.BulkResult([])
    mv.for_session(proxy)

    tasks = [
        functools.partial(proxy.create_snapshot, **attrs) for attrs in checked
    ]
    outcomes = run(workers, tasks)
    item_results = [
        results.ItemResult(item=spec, snapshot=value, error=error)
        for spec, (value, error) in zip(checked, outcomes, strict=True)
    ]
    if waiting:
        item_results = _wait_for(
            proxy,
            item_results,
            status='available',
            interval=interval,
            timeout=timeout,
            clock=clock,
        )
    return results.BulkResult(item_results)


def delete_snapshots(
    proxy: ProxyLike,
    snapshots: Any,
    *,
    concurrency: Any = DEFAULT_CONCURRENCY,
    force: Any = False,
    wait: Any = False,
    ignore_missing: Any = True,
    check: Any = True,
    timeout: Any = None,
    interval: Any = _waiting.BULK_INTERVAL,
    all_projects: Any = False,
    clock: _waiting.Clock = _waiting.SYSTEM_CLOCK,
) -> results.BulkResult[_snapshot.Snapshot]:
    """Delete many snapshots concurrently.

    With ``check`` (the default) each snapshot is fetched first and not
    deleted when :func:`~snapshot_ext.v3._ops.dependents.blockers` finds a
    reason (status, group membership, volumes created from it); its
    result then carries a
    :class:`~snapshot_ext.exceptions.SnapshotNotDeletable`.  The
    volumes are found with one listing for all the snapshots.

    :param proxy: The block-storage proxy.
    :param snapshots: Snapshot IDs or Snapshots.
    :param concurrency: Threads, 1 to :data:`MAX_CONCURRENCY`.
    :param force: Use the admin force-delete action.
    :param wait: Also wait until every deleted snapshot is gone.
    :param ignore_missing: Count a snapshot that does not exist as a
        success (``missing=True``) rather than a failure.
    :param check: Refuse snapshots that cannot be deleted, without
        sending their delete request.
    :param timeout: Seconds to wait in all; ``None`` means 600.
    :param interval: Seconds before the second poll of the wait.
    :param all_projects: Look for dependent volumes in every project.
    :param clock: The source of time.
    :returns: A :class:`~snapshot_ext.results.BulkResult` in the order given.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        before any request when an argument is bad.
    """
    workers = check_concurrency(concurrency)
    forced = _checks.flag('force', force, strict=True)
    waiting = _checks.flag('wait', wait, strict=True)
    lenient = _checks.flag('ignore_missing', ignore_missing, strict=True)
    checking = _checks.flag('check', check, strict=True)
    everywhere = _checks.flag('all_projects', all_projects, strict=True)
    _waiting.timing(interval, timeout, default_interval=_waiting.BULK_INTERVAL)
    pairs = resolve(proxy, snapshots)
    if not pairs:
        return results.BulkResult([])
    mv.for_session(proxy)
    volumes: dict[str, list[Any]] = {}
    if checking:
        volumes = _dependents.dependents(
            proxy, [s.id for _, s in pairs], all_projects=everywhere
        )

    def task(
        snap: _snapshot.Snapshot,
    ) -> Callable[[], results.ItemResult[_snapshot.Snapshot]]:
        def delete() -> results.ItemResult[_snapshot.Snapshot]:
            try:
                if checking:
                    snap.fetch(adapter_of(proxy), skip_cache=True)
                    reasons = _dependents.blockers(
                        snap, volumes[snap.id], force=forced
                    )
                    if reasons:
                        raise exceptions.SnapshotNotDeletable(
                            snap,
                            reasons,
                            sorted(str(v.id) for v in volumes[snap.id]),
                        )
                proxy.delete_snapshot(snap, ignore_missing=False, force=forced)
            except sdk_exceptions.NotFoundException:
                if not lenient:
                    raise
                return results.ItemResult(
                    item=None, snapshot=snap, missing=True
                )
            return results.ItemResult(item=None, snapshot=snap)

        return delete

    outcomes = run(workers, [task(snap) for _, snap in pairs])
    item_results = []
    for (given, snap), (value, error) in zip(pairs, outcomes, strict=True):
        if value is None:
            item_results.append(
                results.ItemResult(item=given, snapshot=snap, error=error)
            )
        else:
            item_results.append(dataclasses.replace(value, item=given))
    if waiting:
        item_results = _wait_for(
            proxy,
            item_results,
            status='deleted',
            interval=interval,
            timeout=timeout,
            clock=clock,
        )
    return results.BulkResult(item_results)
