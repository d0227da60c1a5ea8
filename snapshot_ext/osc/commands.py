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

"""snapshot_ext's ``openstack volume snapshot ...`` commands, collected.

Each command lives in the module named for it: :mod:`.prune`,
:mod:`.wait`, :mod:`.bulk` (``bulk create`` and ``bulk delete``) and
:mod:`.deletable`; what they share (the exit codes, the bases, the
helpers) is in :mod:`.base`, :mod:`.lookup` and :mod:`.options`.  This
module gathers the commands and the shared public names in one place, so
that ``from snapshot_ext.osc import commands`` keeps working.  The exit
codes are described in :mod:`.base`.
"""

from snapshot_ext.osc.base import EXIT_FAILED
from snapshot_ext.osc.base import EXIT_OK
from snapshot_ext.osc.base import EXIT_USAGE
from snapshot_ext.osc.base import ListColumn
from snapshot_ext.osc.base import Row
from snapshot_ext.osc.base import SnapshotLister
from snapshot_ext.osc.base import SnapshotShowOne
from snapshot_ext.osc.base import UsageError
from snapshot_ext.osc.base import block_storage
from snapshot_ext.osc.base import failure_summary
from snapshot_ext.osc.base import outcome
from snapshot_ext.osc.bulk import BulkCreateSnapshots
from snapshot_ext.osc.bulk import BulkDeleteSnapshots
from snapshot_ext.osc.deletable import ShowSnapshotDeletable
from snapshot_ext.osc.lookup import resolve
from snapshot_ext.osc.prune import PruneSnapshots
from snapshot_ext.osc.wait import WAIT_STATUSES
from snapshot_ext.osc.wait import WaitForSnapshots

__all__ = [
    'EXIT_FAILED',
    'EXIT_OK',
    'EXIT_USAGE',
    'WAIT_STATUSES',
    'BulkCreateSnapshots',
    'BulkDeleteSnapshots',
    'ListColumn',
    'PruneSnapshots',
    'Row',
    'ShowSnapshotDeletable',
    'SnapshotLister',
    'SnapshotShowOne',
    'UsageError',
    'WaitForSnapshots',
    'block_storage',
    'failure_summary',
    'outcome',
    'resolve',
]
