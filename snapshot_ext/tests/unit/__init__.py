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

"""Unit tests: a real Connection over requests-mock (see fakes.py)."""

from snapshot_ext.v3 import _speedups
from snapshot_ext.v3 import snapshot as _snapshot

# The fast path checks itself before the first snapshot of a process is
# built (snapshot_ext.v3._speedups.mixin.self_check).  Running the check
# here, when the tests are loaded, keeps any test's mocks from deciding it
# for the tests after it in the same process.
_speedups.layout(_snapshot.Snapshot)
