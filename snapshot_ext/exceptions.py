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

"""Exceptions raised by snapshot_ext before a request reaches the server.

Every class derives from an :mod:`openstack.exceptions` type, so code that
already catches openstacksdk's exceptions keeps working.  Errors that come
from the server are openstacksdk's own types
(:class:`~openstack.exceptions.BadRequestException`,
:class:`~openstack.exceptions.ForbiddenException`,
:class:`~openstack.exceptions.NotFoundException`, ...) carrying the server's
message and request id.
"""

from openstack import exceptions


class InvalidSnapshotRequest(exceptions.InvalidRequest, ValueError):
    """A snapshot call was given arguments the API would refuse.

    Raised before any request is sent.
    """


class InvalidSnapshotQuery(exceptions.InvalidResourceQuery, ValueError):
    """A snapshot listing was given a filter or option the API refuses.

    Raised before any request is sent.
    """


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
