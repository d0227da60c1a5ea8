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

"""The types snapshot_ext's proxy verbs return.

Import them from here or from :mod:`snapshot_ext` to annotate code that
receives them::

    from snapshot_ext import BulkResult


    def report(result: BulkResult) -> None:
        for item in result.failed:
            print(item.id, item.error)

A snapshot in these results is the plugin's
:class:`~snapshot_ext.v3.snapshot.Snapshot`, a subclass of openstacksdk's
:class:`~openstack.block_storage.v3.snapshot.Snapshot`, the type they are
annotated with.
"""

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
import dataclasses
import sys
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import overload

from openstack.block_storage.v3 import snapshot as _stock_snapshot

from snapshot_ext import exceptions

__all__ = [
    'BulkResult',
    'ItemResult',
    'Page',
    'PruneDecision',
    'PruneResult',
    'TransportPolicy',
]

#: A :class:`PruneDecision` action: the snapshot is kept.
KEEP = 'keep'
#: A :class:`PruneDecision` action: the snapshot is deleted.
DELETE = 'delete'
#: A :class:`PruneDecision` action: a candidate that cannot be deleted.
SKIP = 'skip'

if TYPE_CHECKING:
    from typing_extensions import TypeVar
else:
    from typing import TypeVar

T = TypeVar('T')
#: The snapshot type of a result: the plugin's Snapshot in what the proxy
#: returns, openstacksdk's Snapshot when a result is annotated without one
#: (a bare ``BulkResult`` takes any).
if TYPE_CHECKING or sys.version_info >= (3, 13):
    S = TypeVar(
        'S',
        bound=_stock_snapshot.Snapshot,
        covariant=True,
        default=_stock_snapshot.Snapshot,
    )
else:
    # Before Python 3.13 a TypeVar default (PEP 696) is for type checkers
    # only; typing_extensions, which has it, is not imported at run time.
    S = TypeVar('S', bound=_stock_snapshot.Snapshot, covariant=True)


@dataclasses.dataclass(frozen=True)
class ItemResult(Generic[S]):
    """The outcome for one item of a bulk operation.

    :param item: What the caller gave for this item: a create spec, a
        snapshot ID or a Snapshot.
    :param snapshot: The snapshot as last seen (``None`` when it was
        never created or never seen).
    :param error: The exception that made this item fail, or ``None``.
    :param missing: ``True`` when a snapshot to delete did not exist and
        ``ignore_missing`` allowed that.
    """

    item: Any
    snapshot: S | None = None
    error: BaseException | None = None
    missing: bool = False

    @property
    def ok(self) -> bool:
        """``True`` when this item succeeded."""
        return self.error is None

    @property
    def id(self) -> str | None:
        """The snapshot's ID, when known."""
        if self.snapshot is not None and self.snapshot.id:
            return str(self.snapshot.id)
        if isinstance(self.item, str):
            return self.item
        if isinstance(self.item, _stock_snapshot.Snapshot) and self.item.id:
            return str(self.item.id)
        return None


class BulkResult(Sequence[ItemResult[S]]):
    """The outcomes of a bulk operation, one per item in input order.

    :param results: The item results.
    """

    def __init__(self, results: Iterable[ItemResult[S]]) -> None:
        self._results = tuple(results)

    @overload
    def __getitem__(self, index: int) -> ItemResult[S]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ItemResult[S]]: ...

    def __getitem__(
        self, index: int | slice
    ) -> ItemResult[S] | Sequence[ItemResult[S]]:
        return self._results[index]

    def __len__(self) -> int:
        return len(self._results)

    def __iter__(self) -> Iterator[ItemResult[S]]:
        return iter(self._results)

    def __repr__(self) -> str:
        return (
            f"<BulkResult: {len(self.succeeded)} succeeded, "
            f"{len(self.failed)} failed>"
        )

    @property
    def succeeded(self) -> list[ItemResult[S]]:
        """The items that succeeded."""
        return [r for r in self._results if r.ok]

    @property
    def failed(self) -> list[ItemResult[S]]:
        """The items that failed; each has an ``error``."""
        return [r for r in self._results if not r.ok]

    @property
    def ok(self) -> bool:
        """``True`` when every item succeeded."""
        return not self.failed

    @property
    def snapshots(self) -> list[S]:
        """The snapshots of the items that succeeded, where known."""
        return [r.snapshot for r in self.succeeded if r.snapshot is not None]

    def raise_for_errors(self) -> None:
        """Raise when any item failed.

        :raises: :class:`~snapshot_ext.exceptions.BulkOperationError` carrying
            this result.
        """
        if self.failed:
            raise exceptions.BulkOperationError(self)


@dataclasses.dataclass(frozen=True)
class PruneDecision(Generic[S]):
    """What pruning does with one snapshot, and why.

    :param snapshot: The snapshot, as listed.
    :param action: ``'keep'``, ``'delete'`` or ``'skip'`` (a candidate
        for deletion that cannot be deleted).
    :param reason: Why, in words.
    """

    snapshot: S
    action: str
    reason: str


@dataclasses.dataclass(frozen=True)
class PruneResult(Generic[S]):
    """The outcome of
    :meth:`~snapshot_ext.Proxy.prune_snapshots`.

    :param volume_id: The volume pruned.
    :param dry_run: ``True`` when nothing was deleted.
    :param decisions: One decision per snapshot of the volume, newest
        first.
    :param deletions: The result of the deletions, one item per snapshot
        of :attr:`to_delete` (``None`` in a dry run).
    """

    volume_id: str
    dry_run: bool
    decisions: tuple[PruneDecision[S], ...]
    deletions: BulkResult[S] | None = None

    def _with(self, action: str) -> list[S]:
        return [d.snapshot for d in self.decisions if d.action == action]

    @property
    def kept(self) -> list[S]:
        """The snapshots kept."""
        return self._with(KEEP)

    @property
    def to_delete(self) -> list[S]:
        """The snapshots deleted, or that would be in a dry run."""
        return self._with(DELETE)

    @property
    def skipped(self) -> list[PruneDecision[S]]:
        """Candidates that could not be deleted, with the reason."""
        return [d for d in self.decisions if d.action == SKIP]

    @property
    def deleted(self) -> list[S]:
        """The snapshots whose deletion succeeded (none in a dry run)."""
        if self.deletions is None:
            return []
        return [
            r.snapshot
            for r in self.deletions.succeeded
            if r.snapshot is not None
        ]

    @property
    def failed(self) -> list[ItemResult[S]]:
        """The deletions that failed, each with its ``error``."""
        return [] if self.deletions is None else self.deletions.failed

    @property
    def ok(self) -> bool:
        """``True`` when no deletion failed."""
        return not self.failed

    def raise_for_errors(self) -> None:
        """Raise when a deletion failed.

        :raises: :class:`~snapshot_ext.exceptions.BulkOperationError`.
        """
        if self.deletions is not None:
            self.deletions.raise_for_errors()

    def __repr__(self) -> str:
        done = '' if self.dry_run else f", {len(self.deleted)} deleted"
        return (
            f"<PruneResult volume {self.volume_id}"
            f"{' (dry run)' if self.dry_run else ''}: "
            f"{len(self.kept)} kept, {len(self.to_delete)} to delete"
            f"{done}, {len(self.skipped)} skipped, "
            f"{len(self.failed)} failed>"
        )


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a snapshot listing.

    :param items: The snapshots on this page.
    :param next_marker: The marker that fetches the next page, or ``None``
        when this is the last page.
    :param count: The total number of snapshots matching the filters
        (only with ``with_count=True``, microversion 3.45+), else ``None``.
    :param number: The page's position, starting at 1.
    """

    items: list[T]
    next_marker: str | None
    count: int | None
    number: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def is_last(self) -> bool:
        """``True`` when no page follows (``next_marker`` is ``None``).

        Cinder also links a next page after a last page that is exactly
        full; that next page is then empty and is the last one.
        """
        return self.next_marker is None


@dataclasses.dataclass(frozen=True)
class TransportPolicy:
    """How many times, and after how long, a failed request is repeated.

    :param connect_retries: Repeats after a connection failure or timeout.
    :param status_code_retries: Repeats after a retriable or rate-limit
        status.
    :param connect_retry_delay: Fixed delay between connection retries;
        ``None`` for exponential backoff from 0.5 s.
    :param status_code_retry_delay: Fixed delay between status retries
        when the server sends no ``Retry-After``; ``None`` for
        exponential backoff from 0.5 s.
    :param retriable_codes: Statuses repeated for requests that are safe
        to repeat.
    :param max_retry_after: The longest ``Retry-After`` honoured; when the
        server asks for more, the refusal is returned at once.
    """

    connect_retries: int = 3
    status_code_retries: int = 3
    connect_retry_delay: float | None = None
    status_code_retry_delay: float | None = None
    retriable_codes: frozenset[int] = frozenset({502, 503, 504})
    max_retry_after: float = 60.0
