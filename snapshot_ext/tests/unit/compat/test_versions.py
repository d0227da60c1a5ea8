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

"""The differential suite against clouds with older microversions.

At 3.65 stock and plugin send the same microversion (stock's snapshot
class goes no higher); at 3.7 the manage verbs use the older paths; a 3.0
cloud announces no microversion at all.
"""

from snapshot_ext.tests.unit.compat import test_listing
from snapshot_ext.tests.unit.compat import test_snapshot_object
from snapshot_ext.tests.unit.compat import test_verbs
from snapshot_ext.tests.unit.compat import test_waits


class TestListingAt365(test_listing.TestListing):
    max_version = '3.65'


class TestListingAt30(test_listing.TestListing):
    max_version = None


class TestReadVerbsAt30(test_verbs.TestReadVerbs):
    max_version = None


class TestWriteVerbsAt365(test_verbs.TestWriteVerbs):
    max_version = '3.65'


class TestWriteVerbsAt30(test_verbs.TestWriteVerbs):
    max_version = None


class TestMetadataVerbsAt30(test_verbs.TestMetadataVerbs):
    max_version = None


class TestActionsAt37(test_verbs.TestActions):
    max_version = '3.7'


class TestActionsAt30(test_verbs.TestActions):
    max_version = None


class TestWaitsAt30(test_waits.TestWaits):
    max_version = None


class TestCloudLayerAt365(test_waits.TestCloudLayer):
    max_version = '3.65'


class TestCloudLayerAt30(test_waits.TestCloudLayer):
    max_version = None


class TestSnapshotObjectAt30(test_snapshot_object.TestSnapshotObject):
    max_version = None
