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

"""The layer contract (snapshot_ext/tests/layers.py) and the public names."""

from collections.abc import Mapping
import importlib
import json
import pathlib
import subprocess
import sys

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.tests import base
from snapshot_ext.tests.layers import LAYERS
from snapshot_ext.tests.layers import imported
from snapshot_ext.tests.layers import package_sources
from snapshot_ext.tests.layers import violations
from snapshot_ext.v3 import _proxy


class TestLayerContract(base.TestCase):
    def test_package_keeps_the_layers(self) -> None:
        root = pathlib.Path(snapshot_ext.__file__).parent
        sources = package_sources(root)
        self.assertIn('snapshot_ext.v3._proxy', sources)
        self.assertEqual([], violations(sources))

    def test_every_layer_names_a_module(self) -> None:
        root = pathlib.Path(snapshot_ext.__file__).parent
        sources = package_sources(root)
        for layer in LAYERS:
            with self.subTest(layer=layer):
                self.assertTrue(
                    layer in sources
                    or any(m.startswith(layer + '.') for m in sources)
                )

    def test_leaves(self) -> None:
        # exceptions imports nothing of the package; results only the
        # exceptions.
        root = pathlib.Path(snapshot_ext.__file__).parent
        sources = package_sources(root)
        modules = frozenset(sources)

        def imports(name: str) -> set[str]:
            return {t for _, t in imported(name, sources[name], modules)}

        self.assertEqual(set(), imports('snapshot_ext.exceptions'))
        self.assertEqual(
            {'snapshot_ext.exceptions'}, imports('snapshot_ext.results')
        )


class TestContractCatchesViolations(base.TestCase):
    """The checker fails on imports that break the rule."""

    LAYERS = (
        'snapshot_ext.exceptions',
        'snapshot_ext.v3._fastpath',
        'snapshot_ext.v3.snapshot',
    )

    def check(self, sources: Mapping[str, str]) -> list[str]:
        return violations(
            sources, self.LAYERS, frozenset({'snapshot_ext.v3._fastpath'})
        )

    def test_upward_import(self) -> None:
        self.assertEqual(
            [
                'snapshot_ext.exceptions:1: imports '
                'snapshot_ext.v3.snapshot, a layer above it'
            ],
            self.check(
                {
                    'snapshot_ext.exceptions': (
                        'from snapshot_ext.v3 import snapshot\n'
                    ),
                    'snapshot_ext.v3.snapshot': '',
                }
            ),
        )

    def test_import_under_type_checking_or_in_a_function(self) -> None:
        source = (
            'from typing import TYPE_CHECKING\n'
            'if TYPE_CHECKING:\n'
            '    from snapshot_ext.v3.snapshot import Snapshot\n'
            'def f():\n'
            '    import snapshot_ext.v3.snapshot\n'
        )
        self.assertEqual(
            [
                'snapshot_ext.exceptions:3: imports '
                'snapshot_ext.v3.snapshot, a layer above it',
                'snapshot_ext.exceptions:5: imports '
                'snapshot_ext.v3.snapshot, a layer above it',
            ],
            self.check(
                {
                    'snapshot_ext.exceptions': source,
                    'snapshot_ext.v3.snapshot': '',
                }
            ),
        )

    def test_relative_import(self) -> None:
        self.assertEqual(
            [
                'snapshot_ext.exceptions:1: imports '
                'snapshot_ext.v3.snapshot, a layer above it'
            ],
            self.check(
                {
                    'snapshot_ext.exceptions': 'from .v3 import snapshot\n',
                    'snapshot_ext.v3.snapshot': '',
                }
            ),
        )

    def test_module_in_no_layer(self) -> None:
        self.assertEqual(
            [
                'snapshot_ext.v3._new: in no layer',
                'snapshot_ext.v3.snapshot:1: imports snapshot_ext.v3._new, '
                'in no layer',
            ],
            self.check(
                {
                    'snapshot_ext.v3._new': '',
                    'snapshot_ext.v3.snapshot': (
                        'from snapshot_ext.v3 import _new\n'
                    ),
                }
            ),
        )

    def test_downward_import_passes(self) -> None:
        self.assertEqual(
            [],
            self.check(
                {
                    'snapshot_ext.exceptions': 'import openstack\n',
                    'snapshot_ext.v3.snapshot': (
                        'from snapshot_ext import exceptions\n'
                        'from snapshot_ext.exceptions import X\n'
                    ),
                }
            ),
        )

    def test_same_layer_import(self) -> None:
        self.assertEqual(
            [
                'snapshot_ext.v3.snapshot:1: imports snapshot_ext.v3.snapshot'
                ', its own layer'
            ],
            self.check(
                {
                    'snapshot_ext.v3.snapshot': (
                        'import snapshot_ext.v3.snapshot\n'
                    )
                }
            ),
        )

    def test_open_package(self) -> None:
        sources = {
            'snapshot_ext.exceptions': '',
            'snapshot_ext.v3._fastpath': 'from . import layouts\n',
            'snapshot_ext.v3._fastpath.layouts': (
                'from snapshot_ext.v3._fastpath import check\n'
            ),
            'snapshot_ext.v3._fastpath.check': (
                'from snapshot_ext import exceptions\n'
            ),
        }
        self.assertEqual([], self.check(sources))
        sources['snapshot_ext.v3._fastpath.check'] = (
            'from snapshot_ext.v3 import snapshot\n'
        )
        sources['snapshot_ext.v3.snapshot'] = ''
        self.assertEqual(
            [
                'snapshot_ext.v3._fastpath.check:1: imports '
                'snapshot_ext.v3.snapshot, a layer above it'
            ],
            self.check(sources),
        )


class TestPublicNames(base.TestCase):
    RESULTS = tuple(results.__all__)

    def test_package_names_every_result_type(self) -> None:
        # The package lists them to make them on first use.
        self.assertEqual(set(self.RESULTS), snapshot_ext._RESULTS)

    def test_result_types_live_in_results(self) -> None:
        for name in self.RESULTS:
            with self.subTest(name=name):
                cls = getattr(snapshot_ext, name)
                self.assertIn(name, snapshot_ext.__all__)
                self.assertEqual('snapshot_ext.results', cls.__module__)
                self.assertIs(cls, getattr(results, name))

    def test_result_types_are_made_on_first_use(self) -> None:
        # In a fresh interpreter: importing the package makes none of the
        # result types and imports no typing_extensions; dir() lists them
        # all the same, and the first use makes them.
        code = (
            'import json, sys\n'
            'import openstack\n'
            'before = set(sys.modules)\n'
            'import snapshot_ext\n'
            'loaded = sorted(set(sys.modules) - before)\n'
            'unlisted = sorted(set(snapshot_ext.__all__)'
            ' - set(dir(snapshot_ext)))\n'
            'from snapshot_ext import BulkResult\n'
            'print(json.dumps([loaded, unlisted, BulkResult.__module__,'
            ' "snapshot_ext.results" in sys.modules]))\n'
        )
        done = subprocess.run(
            [sys.executable, '-c', code],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            cwd=pathlib.Path(snapshot_ext.__file__).parents[1],
        )
        loaded, unlisted, module, made = json.loads(done.stdout)
        self.assertIn('snapshot_ext.v3._proxy', loaded)
        self.assertNotIn('snapshot_ext.results', loaded)
        self.assertNotIn('typing_extensions', loaded)
        # The listing's builder and decoding (and so msgspec), and the
        # fast path's self-check too.
        self.assertNotIn('snapshot_ext.v3._speedups.builder', loaded)
        self.assertNotIn('snapshot_ext.v3._speedups.decoding', loaded)
        self.assertNotIn('msgspec', loaded)
        self.assertNotIn('snapshot_ext.v3._speedups.check', loaded)
        self.assertEqual([], unlisted)
        self.assertEqual('snapshot_ext.results', module)
        self.assertTrue(made)

    def test_unknown_names_are_not_found(self) -> None:
        with self.assertRaisesRegex(AttributeError, "'BulkResults'"):
            snapshot_ext.BulkResults  # noqa: B018

    def test_private_modules_hold_no_public_types(self) -> None:
        # Neither the result types nor the exceptions are reachable under
        # a private module's name.
        names = set(self.RESULTS) | {
            name
            for name, value in vars(exceptions).items()
            if isinstance(value, type)
            and value.__module__ == exceptions.__name__
            and not name.startswith('_')
        }
        self.assertIn('SnapshotTimeout', names)
        root = pathlib.Path(snapshot_ext.__file__).parent
        for module in package_sources(root):
            if module.split('.')[-1].startswith('_') or '._' in module:
                with self.subTest(module=module):
                    namespace = vars(importlib.import_module(module))
                    self.assertEqual(set(), names & set(namespace))

    def test_proxy_and_exceptions_are_public(self) -> None:
        self.assertIs(_proxy.Proxy, snapshot_ext.Proxy)
        self.assertIs(exceptions, snapshot_ext.exceptions)
