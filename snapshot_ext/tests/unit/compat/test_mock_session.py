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

"""Snapshot calls over a ``mock.Mock()`` session, stock vs plugin.

Callers' own unit tests often hand the resource or the proxy a bare
``mock.Mock()`` in place of a keystoneauth adapter.  Such a session has no
endpoint data to negotiate a microversion with; stock sends its snapshot
class's fixed ``_max_microversion`` and so does the plugin.
"""

from collections.abc import Callable
from typing import Any
from unittest import mock

from keystoneauth1 import adapter as ks_adapter
from openstack.block_storage.v3 import _proxy as stock_proxy
from openstack.block_storage.v3 import snapshot as stock_snapshot

from snapshot_ext.tests import base
from snapshot_ext.tests.unit.compat import harness
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _proxy
from snapshot_ext.v3 import snapshot as _snapshot

ID = harness.ID

#: A case: given the snapshot class and a session, make the call.
Case = Callable[[type[stock_snapshot.Snapshot], Any], Any]


def _session(spec: bool) -> mock.Mock:
    session = mock.Mock(spec=ks_adapter.Adapter) if spec else mock.Mock()
    session.default_microversion = None
    session.post.return_value = mock.Mock(status_code=202, headers={})
    return session


class TestMockSession(base.TestCase):
    def _both(self, case: Case, spec: bool) -> tuple[Any, Any]:
        calls = []
        for cls in (stock_snapshot.Snapshot, _snapshot.Snapshot):
            session = _session(spec)
            case(cls, session)
            calls.append(session.post.call_args)
        return calls[0], calls[1]

    def test_actions_send_stock_microversion(self) -> None:
        cases: dict[str, Case] = {
            # Stock's reset_status is reset before openstacksdk 4.5.0.
            'reset_status': lambda cls, s: getattr(
                cls(id=ID), harness.method_name(cls, 'reset_status')
            )(s, 'available'),
            'reset': lambda cls, s: cls(id=ID).reset(s, 'available'),
            'set_status': lambda cls, s: cls(id=ID).set_status(
                s, 'available', '50%'
            ),
        }
        for spec in (False, True):
            for name, case in cases.items():
                with self.subTest(case=name, spec=spec):
                    stock, plugin = self._both(case, spec)
                    self.assertEqual(
                        stock_snapshot.Snapshot._max_microversion,
                        plugin.kwargs['microversion'],
                    )
                    self.assertEqual(stock.kwargs, plugin.kwargs)
                    # Difference: the path starts with a slash; the
                    # adapter joins both to the same URL.
                    self.assertEqual(f'snapshots/{ID}/action', stock.args[0])
                    self.assertEqual((f'/{stock.args[0]}',), plugin.args)

    def test_actions_with_empty_bodies(self) -> None:
        # Difference: {} where stock sends null (see compatibility.rst).
        cases: dict[str, tuple[Case, str]] = {
            'force_delete': (
                lambda cls, s: cls(id=ID).force_delete(s),
                'os-force_delete',
            ),
            'unmanage': (
                lambda cls, s: cls(id=ID).unmanage(s),
                'os-unmanage',
            ),
        }
        for name, (case, action) in cases.items():
            with self.subTest(case=name):
                stock, plugin = self._both(case, spec=False)
                self.assertEqual(
                    stock.kwargs['microversion'],
                    plugin.kwargs['microversion'],
                )
                self.assertEqual({action: None}, stock.kwargs['json'])
                self.assertEqual({action: {}}, plugin.kwargs['json'])

    def test_proxy_over_a_mock_session(self) -> None:
        # openstacksdk's own proxy tests build the proxy this way.
        plugin = _proxy.Proxy(mock.Mock())
        self.assertEqual(
            stock_snapshot.Snapshot._max_microversion,
            plugin.snapshot_microversion,
        )

    def test_manageable_snapshots_over_a_mock_session(self) -> None:
        plugin = _proxy.Proxy(mock.Mock())
        # Manageable snapshots need 3.8, which 3.65 has: no refusal.
        with mock.patch.object(_proxy.Proxy, '_list') as plugin_list:
            plugin.manageable_snapshots(host='h')
        self.assertEqual(
            (_compat.ManageableSnapshot,), plugin_list.call_args.args
        )
        self.assertEqual(
            {'base_path': None, 'microversion': '3.65', 'host': 'h'},
            plugin_list.call_args.kwargs,
        )
        if not hasattr(stock_proxy.Proxy, 'manageable_snapshots'):
            # Stock has the verb from openstacksdk 4.17.0 on.
            return
        stock = stock_proxy.Proxy(mock.Mock())
        with mock.patch.object(stock_proxy.Proxy, '_list') as stock_list:
            stock.manageable_snapshots(host='h')
        self.assertEqual(stock_list.call_args.args, plugin_list.call_args.args)
        self.assertEqual(
            {**stock_list.call_args.kwargs, 'microversion': '3.65'},
            plugin_list.call_args.kwargs,
        )
