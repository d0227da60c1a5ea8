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

"""The differential suite: the same call on stock openstacksdk and on a
registered connection, over the same fake answers, compared.

It lives under ``tests/unit`` so every unit-test runner runs it.  The
expected behaviour is what the installed openstacksdk does at run time,
so the suite stays right on every openstacksdk version snapshot_ext
supports; each difference that remains is asserted as such, and listed
in ``doc/source/compatibility.rst``.
"""
