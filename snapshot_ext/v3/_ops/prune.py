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

"""Retention pruning: keep a volume's newest snapshots, delete the rest.

A snapshot is kept while fewer than ``keep`` *available* snapshots of
the volume are newer than it (so the ``keep`` newest available snapshots
are kept, and so is anything newer than the oldest of them, e.g. a
snapshot still ``creating`` or one in ``error``), or when it is newer
than ``older_than``; with both given, either reason keeps it.  Nothing is
deleted unless ``keep`` newer snapshots can be restored from.

Every other snapshot is a candidate, deleted only when
:func:`~snapshot_ext.v3._ops.dependents.blockers` finds no reason against it
(status other than ``available``/``error``, membership of a group
snapshot, volumes created from it); otherwise it is skipped and the
reason recorded.  A snapshot whose creation time cannot be read is
skipped.

Only snapshots whose ``volume_id`` is the volume's are considered, even if
the server were to ignore the ``volume_id`` filter.  ``dry_run`` is the
default: nothing is deleted and the result says what would be.
"""

from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import datetime
from typing import Any

from openstack.block_storage.v3 import volume as _stock_volume

from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _waiting
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._ops import DEFAULT_CONCURRENCY
from snapshot_ext.v3._ops import ProxyLike
from snapshot_ext.v3._ops import adapter_of
from snapshot_ext.v3._ops import bulk as _bulk
from snapshot_ext.v3._ops import dependents as _dependents


def volume_id_of(volume: Any) -> str:
    """Check the ``volume`` argument.

    :param volume: A volume ID or an openstacksdk Volume.
    :returns: The volume's ID.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`.
    """
    if isinstance(volume, _stock_volume.Volume):
        volume = volume.id
    if not isinstance(volume, str):
        raise _checks.bad(
            f"volume must be a volume ID or a Volume, got {volume!r}"
        )
    _checks.path_segment(volume, 'volume ID')
    return volume


def check_policy(keep: Any, older_than: Any) -> None:
    """Check ``keep`` and ``older_than``.

    :param keep: ``None`` or an int >= 0.
    :param older_than: ``None`` or a non-negative
        :class:`datetime.timedelta`.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        unless at least one is given and each is well formed.
    """
    if keep is None and older_than is None:
        raise _checks.bad(
            "give keep (how many of the newest snapshots to keep) and/or "
            "older_than (a timedelta: delete only snapshots older than "
            "that)"
        )
    if keep is not None and (
        isinstance(keep, bool) or not isinstance(keep, int) or keep < 0
    ):
        raise _checks.bad(f"keep must be an integer >= 0, got {keep!r}")
    if older_than is not None:
        if not isinstance(older_than, datetime.timedelta):
            raise _checks.bad(
                f"older_than must be a datetime.timedelta, got {older_than!r}"
            )
        if older_than < datetime.timedelta(0):
            raise _checks.bad(
                f"older_than must not be negative, got {older_than}"
            )


def _newest_first(
    snapshots: list[_snapshot.Snapshot],
) -> list[tuple[_snapshot.Snapshot, datetime.datetime | None]]:
    dated = [(s, s.created) for s in snapshots]
    epoch = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    dated.sort(key=lambda p: (p[1] or epoch, str(p[0].id)), reverse=True)
    return dated


def plan(
    snapshots: list[_snapshot.Snapshot],
    keep: int | None,
    older_than: datetime.timedelta | None,
    now: datetime.datetime,
    volumes: dict[str, list[Any]],
) -> list[results.PruneDecision[_snapshot.Snapshot]]:
    """Decide about each snapshot of one volume.

    :param snapshots: The volume's snapshots.
    :param keep: How many of the newest available snapshots to keep.
    :param older_than: Keep every snapshot newer than this.
    :param now: The current time (timezone-aware).
    :param volumes: Volumes created from each candidate, by snapshot ID;
        a snapshot missing here counts as having none.
    :returns: One decision per snapshot, newest first.
    """
    decisions = []
    newer_available = 0
    cutoff = now - older_than if older_than is not None else None
    for snap, created in _newest_first(snapshots):
        if created is None:
            decisions.append(
                results.PruneDecision(
                    snap,
                    results.SKIP,
                    f"its creation time {snap.created_at!r} cannot be read",
                )
            )
            continue
        if keep is not None and newer_available < keep:
            if snap.status == 'available':
                newer_available += 1
                reason = f"one of the {keep} newest available snapshots"
            else:
                reason = f"fewer than {keep} available snapshots are newer"
            decisions.append(results.PruneDecision(snap, results.KEEP, reason))
            continue
        if cutoff is not None and created > cutoff:
            decisions.append(
                results.PruneDecision(
                    snap, results.KEEP, f"newer than {older_than}"
                )
            )
            continue
        reasons = _dependents.blockers(snap, volumes.get(snap.id, []))
        if reasons:
            decisions.append(
                results.PruneDecision(snap, results.SKIP, '; '.join(reasons))
            )
            continue
        why = []
        if keep is not None:
            why.append(f"{keep} or more newer available snapshots exist")
        if older_than is not None:
            why.append(f"older than {older_than}")
        decisions.append(
            results.PruneDecision(snap, results.DELETE, ' and '.join(why))
        )
    return decisions


def _options(
    keep: Any,
    older_than: Any,
    dry_run: Any,
    concurrency: Any,
    wait: Any,
    timeout: Any,
    interval: Any,
    all_projects: Any,
) -> tuple[bool, int, bool, bool]:
    """Check the options shared by both pruning verbs.

    :returns: ``dry_run``, the concurrency, ``wait`` and ``all_projects``
        as checked.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`.
    """
    check_policy(keep, older_than)
    dry = _checks.flag('dry_run', dry_run, strict=True)
    workers = _bulk.check_concurrency(concurrency)
    waiting = _checks.flag('wait', wait, strict=True)
    everywhere = _checks.flag('all_projects', all_projects, strict=True)
    _waiting.timing(interval, timeout, default_interval=_waiting.BULK_INTERVAL)
    return dry, workers, waiting, everywhere


def volume_ids_of(volumes: Any) -> list[str]:
    """Check the ``volumes`` argument of the many-volume verb.

    :param volumes: A list (or other iterable) of volume IDs or
        openstacksdk Volumes, each volume once.
    :returns: The volumes' IDs, in the order given.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        naming the problem: not an iterable, a single ID or Volume, an
        element that is not a volume (by index), a volume given twice.
    """
    if isinstance(volumes, (str, bytes)):
        raise _checks.bad(
            f"volumes must be a list of volume IDs or Volumes, got the "
            f"single value {volumes!r}; use prune_snapshots for one volume"
        )
    if isinstance(volumes, (_stock_volume.Volume, Mapping)):
        raise _checks.bad(
            f"volumes must be a list of volume IDs or Volumes, got "
            f"{type(volumes).__name__}; use prune_snapshots for one volume"
        )
    if not isinstance(volumes, Iterable):
        raise _checks.bad(
            f"volumes must be a list of volume IDs or Volumes, got {volumes!r}"
        )
    ids: list[str] = []
    seen: dict[str, int] = {}
    for index, volume in enumerate(volumes):
        try:
            volume_id = volume_id_of(volume)
        except exceptions.InvalidSnapshotRequest as exc:
            raise _checks.bad(f"volumes[{index}]: {exc.message}") from None
        if volume_id in seen:
            raise _checks.bad(
                f"volumes[{index}] is volume {volume_id}, already given "
                f"as volumes[{seen[volume_id]}]; give each volume once"
            )
        seen[volume_id] = index
        ids.append(volume_id)
    return ids


def _snapshots_by_volume(
    proxy: ProxyLike,
    volume_ids: list[str],
    *,
    per_volume: bool,
    all_projects: bool,
) -> dict[str, list[_snapshot.Snapshot]]:
    """List the snapshots of some volumes, grouped by volume ID.

    :param proxy: The block-storage proxy.
    :param volume_ids: The volumes.
    :param per_volume: Make one listing filtered by ``volume_id`` per
        volume; otherwise one listing of the project's snapshots.
    :param all_projects: The volumes may be other projects' (admin).
    :returns: Every given volume ID mapped to its snapshots, as listed;
        a snapshot of any other volume is dropped.
    """
    groups: dict[str, list[_snapshot.Snapshot]] = {v: [] for v in volume_ids}
    extra: dict[str, Any] = {'all_projects': True} if all_projects else {}
    queries = (
        [{'volume_id': v, **extra} for v in volume_ids]
        if per_volume
        else [extra]
    )
    for query in queries:
        for snap in _snapshot.Snapshot.list(
            adapter_of(proxy), base_path='/snapshots/detail', **query
        ):
            wanted = query.get('volume_id', snap.volume_id)
            if snap.volume_id == wanted and snap.volume_id in groups:
                groups[snap.volume_id].append(snap)
    return groups


def _prune(
    proxy: ProxyLike,
    volume_ids: list[str],
    *,
    per_volume: bool,
    keep: int | None,
    older_than: datetime.timedelta | None,
    dry: bool,
    workers: int,
    waiting: bool,
    timeout: Any,
    interval: Any,
    everywhere: bool,
    clock: _waiting.Clock,
) -> list[results.PruneResult[_snapshot.Snapshot]]:
    """Prune some volumes with one dependents check and one bulk delete.

    The arguments are those of :func:`prune_snapshots_of_volumes`, checked.

    :returns: One result per volume, in the order of ``volume_ids``.
    """
    groups = _snapshots_by_volume(
        proxy, volume_ids, per_volume=per_volume, all_projects=everywhere
    )
    now = clock.now()
    plans = {
        v: plan(snaps, keep, older_than, now, {})
        for v, snaps in groups.items()
    }
    candidates = [
        d.snapshot.id
        for decisions in plans.values()
        for d in decisions
        if d.action == results.DELETE
    ]
    if candidates:
        volumes = _dependents.dependents(
            proxy, candidates, all_projects=everywhere
        )
        plans = {
            v: plan(snaps, keep, older_than, now, volumes)
            for v, snaps in groups.items()
        }
    pruned = [results.PruneResult(v, dry, tuple(plans[v])) for v in volume_ids]
    to_delete = [s for result in pruned for s in result.to_delete]
    if dry or not to_delete:
        return pruned
    deletions = iter(
        _bulk.delete_snapshots(
            proxy,
            to_delete,
            concurrency=workers,
            wait=waiting,
            check=False,
            timeout=timeout,
            interval=interval,
            clock=clock,
        )
    )
    # The bulk result is in the order given: each volume's to_delete in
    # turn, so each volume takes the next len(to_delete) items.
    return [
        dataclasses.replace(
            result,
            deletions=results.BulkResult(
                [next(deletions) for _ in result.to_delete]
            ),
        )
        if result.to_delete
        else result
        for result in pruned
    ]


def prune_snapshots(
    proxy: ProxyLike,
    volume: Any,
    *,
    keep: Any = None,
    older_than: Any = None,
    dry_run: Any = True,
    concurrency: Any = DEFAULT_CONCURRENCY,
    wait: Any = False,
    timeout: Any = None,
    interval: Any = _waiting.BULK_INTERVAL,
    all_projects: Any = False,
    clock: _waiting.Clock = _waiting.SYSTEM_CLOCK,
) -> results.PruneResult[_snapshot.Snapshot]:
    """Keep a volume's newest snapshots and delete the others.

    Requests: one listing of the volume's snapshots; when there are
    candidates, the volume listing of
    :func:`~snapshot_ext.v3._ops.dependents.dependents`; unless ``dry_run``,
    one delete per snapshot to delete (concurrently), and with ``wait``
    one snapshot listing per poll.

    :param proxy: The block-storage proxy.
    :param volume: A volume ID or an openstacksdk Volume.
    :param keep: Keep this many of the newest available snapshots.
    :param older_than: Keep every snapshot newer than this timedelta.
    :param dry_run: Only say what would be deleted (the default).
    :param concurrency: Threads for the deletions, 1 to 64.
    :param wait: Wait until the deleted snapshots are gone.
    :param timeout: Seconds to wait in all; ``None`` means 600.
    :param interval: Seconds before the second poll of the wait.
    :param all_projects: The volume is another project's (admin).
    :param clock: The source of the current time.
    :returns: A :class:`results.PruneResult`.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        before any request when an argument is bad.
    """
    volume_id = volume_id_of(volume)
    dry, workers, waiting, everywhere = _options(
        keep,
        older_than,
        dry_run,
        concurrency,
        wait,
        timeout,
        interval,
        all_projects,
    )
    (result,) = _prune(
        proxy,
        [volume_id],
        per_volume=True,
        keep=keep,
        older_than=older_than,
        dry=dry,
        workers=workers,
        waiting=waiting,
        timeout=timeout,
        interval=interval,
        everywhere=everywhere,
        clock=clock,
    )
    return result


def prune_snapshots_of_volumes(
    proxy: ProxyLike,
    volumes: Any,
    *,
    keep: Any = None,
    older_than: Any = None,
    dry_run: Any = True,
    concurrency: Any = DEFAULT_CONCURRENCY,
    wait: Any = False,
    timeout: Any = None,
    interval: Any = _waiting.BULK_INTERVAL,
    all_projects: Any = False,
    clock: _waiting.Clock = _waiting.SYSTEM_CLOCK,
) -> list[results.PruneResult[_snapshot.Snapshot]]:
    """Apply one retention policy to each of many volumes.

    Decides exactly as :func:`prune_snapshots` called once per volume,
    with fewer requests: one snapshot listing of the project (every
    page), split by ``volume_id`` on the client (with ``all_projects``,
    one listing filtered by ``volume_id`` per volume instead, as a
    listing of every project would be far larger); when any volume has
    candidates, one volume listing (or one per candidate where the cloud
    honours the ``snapshot_id`` filter) for all of them; unless
    ``dry_run``, one delete per snapshot to delete, all sent
    concurrently, and with ``wait`` one snapshot listing per poll for
    all of them.  An empty ``volumes`` sends nothing and returns ``[]``.

    :param proxy: The block-storage proxy.
    :param volumes: Volume IDs or openstacksdk Volumes, each once.
    :param keep: Keep this many of the newest available snapshots.
    :param older_than: Keep every snapshot newer than this timedelta.
    :param dry_run: Only say what would be deleted (the default).
    :param concurrency: Threads for the deletions, 1 to 64.
    :param wait: Wait until the deleted snapshots are gone.
    :param timeout: Seconds to wait in all; ``None`` means 600.
    :param interval: Seconds before the second poll of the wait.
    :param all_projects: The volumes may be other projects' (admin).
    :param clock: The source of the current time.
    :returns: One :class:`results.PruneResult` per volume, in the order
        given.
    :raises: :class:`~snapshot_ext.exceptions.InvalidSnapshotRequest`
        before any request when an argument is bad.
    """
    volume_ids = volume_ids_of(volumes)
    dry, workers, waiting, everywhere = _options(
        keep,
        older_than,
        dry_run,
        concurrency,
        wait,
        timeout,
        interval,
        all_projects,
    )
    if not volume_ids:
        return []
    return _prune(
        proxy,
        volume_ids,
        per_volume=everywhere,
        keep=keep,
        older_than=older_than,
        dry=dry,
        workers=workers,
        waiting=waiting,
        timeout=timeout,
        interval=interval,
        everywhere=everywhere,
        clock=clock,
    )
