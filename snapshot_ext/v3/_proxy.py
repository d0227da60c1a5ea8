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


"""The Block Storage v3 proxy with complete snapshot support.

A subclass of openstacksdk's own block-storage v3 proxy: every stock verb
keeps working, and the snapshot verbs keep their names and signatures.
Each verb is thin: it resolves the snapshot, checks the caller's input and
calls the resource method or the operation with the proxy as the session.
The verbs live in :mod:`snapshot_ext.v3._verbs`, one module per kind.
"""

from snapshot_ext.v3._verbs.actions import ActionVerbs
from snapshot_ext.v3._verbs.metadata import MetadataVerbs
from snapshot_ext.v3._verbs.retention import RetentionVerbs


class Proxy(RetentionVerbs, ActionVerbs, MetadataVerbs):
    """Block Storage v3 proxy; see :mod:`snapshot_ext` for what it adds.

    A subclass of openstacksdk's own
    ``openstack.block_storage.v3._proxy.Proxy``, so every stock verb is
    there too.
    Its verbs, by kind: getting, finding, listing, creating, updating and
    deleting snapshots; their metadata; status, manage and unmanage
    actions; waiting for one snapshot or many; bulk creates and deletes;
    the volumes created from a snapshot; pruning.
    """

    #: Whether :meth:`snapshots` and :meth:`snapshot_pages` check filters
    #: against the cloud's list when ``check_filters`` is not given.
    check_snapshot_filters: bool = False
