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

"""Exceptions raised by snapshot_ext.

Every class derives from an openstacksdk or keystoneauth exception type,
so code that already catches those keeps working.  Input errors are raised
before any request is sent.  Errors that come from the server are
openstacksdk's own types
(:class:`~openstack.exceptions.BadRequestException`,
:class:`~openstack.exceptions.ForbiddenException`,
:class:`~openstack.exceptions.NotFoundException`, ...) carrying the server's
message and request id.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import Protocol

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions
from openstack.block_storage.v3 import snapshot as _stock_snapshot


class _ItemOutcome(Protocol):
    # What BulkOperationError reads of one item of a
    # snapshot_ext.results.BulkResult.
    @property
    def ok(self) -> bool: ...

    @property
    def id(self) -> str | None: ...

    @property
    def error(self) -> BaseException | None: ...


class _BulkOutcome(Protocol):
    # The reading side of a snapshot_ext.results.BulkResult, which this
    # module cannot import (results imports this module).
    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[_ItemOutcome]: ...

    @property
    def ok(self) -> bool: ...

    @property
    def succeeded(self) -> Sequence[_ItemOutcome]: ...

    @property
    def failed(self) -> Sequence[_ItemOutcome]: ...

    @property
    def snapshots(self) -> Sequence[_stock_snapshot.Snapshot]: ...


class InvalidSnapshotRequest(
    exceptions.BadRequestException, exceptions.InvalidRequest, ValueError
):
    """A snapshot call was given arguments the API would refuse.

    Raised before any request is sent.  It is a
    :class:`~openstack.exceptions.BadRequestException`, the class the
    server's HTTP 400 answer would have raised, and also an
    :class:`~openstack.exceptions.InvalidRequest` and a ``ValueError``.
    Since nothing was sent, :attr:`response`, :attr:`status_code` and
    :attr:`request_id` are ``None``.

    :param message: What is wrong, naming the argument.
    """

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.__class__.__name__)


class InvalidSnapshotArgument(InvalidSnapshotRequest, TypeError):
    """A snapshot call was given an argument name it does not take.

    Raised before any request is sent, where openstacksdk raises
    ``TypeError`` for the same call: ``manage_snapshot`` without
    ``volume_id`` or ``ref`` or with a name ``Snapshot.manage`` does not
    take, and ``create_snapshot``/``update_snapshot`` given a name
    openstacksdk's proxy already passes itself (``id`` of an update,
    ``connection``).  It is an
    :class:`InvalidSnapshotRequest` (so also a
    :class:`~openstack.exceptions.BadRequestException` and a
    ``ValueError``) and a ``TypeError``.

    :param message: What is wrong, naming the argument.
    """


class InvalidSnapshotQuery(
    exceptions.BadRequestException, exceptions.InvalidResourceQuery, ValueError
):
    """A snapshot listing was given a filter or option the API refuses.

    Raised before any request is sent.  It is a
    :class:`~openstack.exceptions.BadRequestException`, the class the
    server's HTTP 400 answer would have raised, and also an
    :class:`~openstack.exceptions.InvalidResourceQuery` and a
    ``ValueError``.  :attr:`response`, :attr:`status_code` and
    :attr:`request_id` are ``None``.

    :param message: What is wrong, naming the filter.
    :param extra_data: The offending filter names, if any.
    """

    def __init__(
        self, message: str | None = None, extra_data: Any = None
    ) -> None:
        super().__init__(message or self.__class__.__name__)
        self.extra_data = extra_data


class MicroversionUnavailable(exceptions.NotSupported):
    """A feature needs a newer Block Storage microversion than is in use.

    Raised before any request is sent.

    :param feature: What the caller asked for, e.g. ``"with_count"``.
    :param required: The microversion the feature needs, e.g. ``"3.45"``.
    :param available: The microversion negotiated with the cloud, or
        ``None`` when the cloud announces no microversions (3.0).
    """

    def __init__(
        self, feature: str, required: str, available: str | None
    ) -> None:
        self.feature = feature
        self.required = required
        self.available = available
        offered = available or '3.0 (no microversion announced)'
        super().__init__(
            f"{feature} needs Block Storage API microversion {required} or "
            f"later, but this connection uses {offered}"
        )


class ListingInterrupted(exceptions.SDKException):
    """A listing failed part of the way through.

    :param message: What went wrong.
    :param pages: How many pages were fetched before the failure.
    :param items: How many items those pages held.
    :param cause: The exception that stopped the listing.
    """

    def __init__(
        self, message: str, pages: int, items: int, cause: BaseException
    ) -> None:
        self.pages = pages
        self.items = items
        self.cause = cause
        super().__init__(message)


class RequestOutcomeUnknown(ks_exceptions.ConnectionError):
    """A request that must not be repeated was sent but got no answer.

    The connection failed or timed out after the request may have reached
    the server, so whether it took effect is unknown.  It is not repeated
    automatically; :attr:`hint` says what to look at before trying again.
    A subclass of keystoneauth's ``ConnectionError``, which is what the
    failure would otherwise have raised.

    :param method: The HTTP method.
    :param url: The URL or path of the request.
    :param cause: The connection error.
    :param hint: What to check before repeating the request.
    """

    def __init__(
        self,
        method: str,
        url: str,
        cause: BaseException,
        hint: str | None = None,
    ) -> None:
        self.method = method
        self.url = url
        self.cause = cause
        self.hint = hint or (
            "Check the state of the resource before repeating the request."
        )
        super().__init__(
            f"{method} {url}: the request was sent but no answer arrived "
            f"({cause}); whether it took effect is unknown, and it was not "
            f"repeated because repeating it could act twice. {self.hint}"
        )

    def with_hint(self, hint: str) -> RequestOutcomeUnknown:
        """Return the same error with a more specific hint.

        :param hint: What to check before repeating the request.
        :returns: A new :class:`RequestOutcomeUnknown`.
        """
        return RequestOutcomeUnknown(self.method, self.url, self.cause, hint)


class SnapshotFailure(exceptions.ResourceFailure):
    """A snapshot reached a failure status or disappeared during a wait.

    A subclass of openstacksdk's
    :class:`~openstack.exceptions.ResourceFailure`.

    :param message: What happened, naming the snapshot and its status.
    :param snapshot: The snapshot as last seen.
    :param status: Its status as last seen, or ``None`` when it is gone.
    """

    def __init__(
        self,
        message: str,
        snapshot: _stock_snapshot.Snapshot,
        status: str | None,
    ) -> None:
        super().__init__(message)
        #: The snapshot as last seen.
        self.resource = snapshot
        #: Its status as last seen, or ``None`` when it is gone.
        self.status = status

    @property
    def snapshot(self) -> _stock_snapshot.Snapshot:
        """The snapshot as last seen (the same as :attr:`resource`)."""
        return self.resource


class SnapshotGone(SnapshotFailure, exceptions.NotFoundException):
    """A snapshot disappeared (404) while a status was awaited.

    A :class:`SnapshotFailure` and also the
    :class:`~openstack.exceptions.NotFoundException` openstacksdk's own
    wait raises in that case.  :attr:`status` is ``None``.
    """


class SnapshotNotDeleted(SnapshotFailure, exceptions.ResourceTimeout):
    """A snapshot whose deletion was awaited will not go away.

    Raised at once when the snapshot is ``error_deleting`` (the backend
    failed to delete it) or ``available`` / ``error`` (no deletion is
    under way, e.g. the backend refused it as busy), instead of polling
    until the time is up.  A :class:`SnapshotFailure` and also the
    :class:`~openstack.exceptions.ResourceTimeout` that openstacksdk's
    own wait raises for such a snapshot once its timeout has passed.
    """


class SnapshotTimeout(exceptions.ResourceTimeout):
    """A snapshot did not reach the awaited state in time.

    A subclass of openstacksdk's
    :class:`~openstack.exceptions.ResourceTimeout`.

    :param message: What was awaited, for how long, and the last status.
    :param snapshot: The snapshot as last seen.
    :param status: Its status as last seen.
    :param waited: Seconds waited.
    """

    def __init__(
        self,
        message: str,
        snapshot: _stock_snapshot.Snapshot,
        status: str | None,
        waited: float,
    ) -> None:
        super().__init__(message)
        #: The snapshot as last seen.
        self.resource = snapshot
        #: Its status as last seen.
        self.status = status
        #: Seconds waited.
        self.waited = waited

    @property
    def snapshot(self) -> _stock_snapshot.Snapshot:
        """The snapshot as last seen (the same as :attr:`resource`)."""
        return self.resource


class BulkOperationError(exceptions.SDKException):
    """Some items of a bulk operation failed.

    Raised by
    :meth:`snapshot_ext.results.BulkResult.raise_for_errors`.

    :param result: The whole result.
    """

    def __init__(self, result: _BulkOutcome) -> None:
        #: The whole result, successes included: a
        #: :class:`snapshot_ext.results.BulkResult`.
        self.result = result
        failed = [(i, r) for i, r in enumerate(result) if not r.ok]
        shown = '; '.join(
            f"{r.id or f'item {i}'}: {r.error}" for i, r in failed[:5]
        )
        more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ''
        super().__init__(
            f"{len(failed)} of {len(result)} snapshot operations failed: "
            f"{shown}{more}"
        )


class SnapshotNotDeletable(exceptions.InvalidRequest):
    """A snapshot cannot be deleted; found before the delete request.

    :param snapshot: The snapshot as fetched.
    :param reasons: Why, one sentence each.
    :param volume_ids: IDs of volumes created from it.
    """

    def __init__(
        self,
        snapshot: _stock_snapshot.Snapshot,
        reasons: list[str],
        volume_ids: list[str],
    ) -> None:
        #: The snapshot as fetched.
        self.snapshot = snapshot
        #: Why it cannot be deleted.
        self.reasons = list(reasons)
        #: IDs of volumes created from it.
        self.volume_ids = list(volume_ids)
        super().__init__(
            f"snapshot {snapshot.id} cannot be deleted: "
            f"{'; '.join(self.reasons)}"
        )


class ProjectFilterWarning(UserWarning):
    """``project_id`` was given without ``all_projects``.

    Cinder only applies a ``project_id`` filter together with
    ``all_tenants`` (as an admin); otherwise it lists the caller's own
    project whatever the filter says.
    """
