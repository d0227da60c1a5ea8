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

import dataclasses
import datetime
from typing import Any

from openstack.block_storage.v3 import volume as _stock_volume

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
    interval: Any = _waiting.DEFAULT_INTERVAL,
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
    check_policy(keep, older_than)
    dry = _checks.flag('dry_run', dry_run, strict=True)
    workers = _bulk.check_concurrency(concurrency)
    waiting = _checks.flag('wait', wait, strict=True)
    everywhere = _checks.flag('all_projects', all_projects, strict=True)
    _waiting.timing(interval, timeout)

    query: dict[str, Any] = {'volume_id': volume_id}
    if everywhere:
        query['all_projects'] = True
    snapshots = [
        s
        for s in _snapshot.Snapshot.list(
            adapter_of(proxy), base_path='/snapshots/detail', **query
        )
        if s.volume_id == volume_id
    ]
    now = clock.now()
    decisions = plan(snapshots, keep, older_than, now, {})
    candidates = [
        d.snapshot.id for d in decisions if d.action == results.DELETE
    ]
    if candidates:
        volumes = _dependents.dependents(
            proxy, candidates, all_projects=everywhere
        )
        decisions = plan(snapshots, keep, older_than, now, volumes)
    result = results.PruneResult(volume_id, dry, tuple(decisions))
    if dry or not result.to_delete:
        return result
    deletions = _bulk.delete_snapshots(
        proxy,
        result.to_delete,
        concurrency=workers,
        wait=waiting,
        check=False,
        timeout=timeout,
        interval=interval,
        clock=clock,
    )
    return dataclasses.replace(result, deletions=deletions)
