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

"""An OpenStackClient plugin: snapshot_ext's verbs as ``openstack`` commands.

Installed with ``pip install snapshot_ext[cli]``, it adds ``openstack
volume snapshot prune``, ``wait``, ``bulk create``, ``bulk delete`` and
``deletable`` (see ``doc/source/cli.rst``).  :mod:`snapshot_ext.osc.plugin`
is the module OpenStackClient loads through the ``openstack.cli.extension``
entry point.  Each command is in a module of its own
(:mod:`snapshot_ext.osc.prune`, :mod:`~snapshot_ext.osc.wait`,
:mod:`~snapshot_ext.osc.bulk` and :mod:`~snapshot_ext.osc.deletable`);
:mod:`snapshot_ext.osc.commands` collects them.
"""
