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

"""The layer contract of the package (doc/source/contributor/architecture).

Every module of ``snapshot_ext`` (the tests aside) sits in one layer of
:data:`LAYERS`, listed bottom to top, and imports only modules of the
layers below its own.  Every import counts: at the top of a module,
inside a function, or under ``if TYPE_CHECKING``.  A layer that names a
package holds all of its modules, which may import one another.
"""

import ast
from collections.abc import Iterator
from collections.abc import Mapping
import importlib
import pathlib

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext import results
from snapshot_ext.tests import base
from snapshot_ext.v3 import _proxy

PACKAGE = 'snapshot_ext'

#: The layers, bottom to top.
LAYERS: tuple[str, ...] = (
    # Leaves: what users catch and what they receive.
    'snapshot_ext.exceptions',
    'snapshot_ext.results',
    # The v3 package itself imports nothing.
    'snapshot_ext.v3',
    # Version shims, input checks, microversions, the transport.
    'snapshot_ext.v3._compat',
    'snapshot_ext.v3._checks',
    'snapshot_ext.v3._microversion',
    'snapshot_ext.v3._transport',
    'snapshot_ext.v3._endpoint',
    # The fast construction path and its self-check, split by concern.
    'snapshot_ext.v3._speedups',
    # Listing: pages, the query and its one table, the cloud's filters.
    'snapshot_ext.v3._listing.pages',
    'snapshot_ext.v3._listing.query',
    'snapshot_ext.v3._listing.filters',
    'snapshot_ext.v3._listing',
    # The declarative resource.
    'snapshot_ext.v3.snapshot',
    # Waiting: one status verdict for single and batch waits.
    'snapshot_ext.v3._waiting',
    # Operations: the proxy protocol, then dependents, bulk, prune.
    'snapshot_ext.v3._ops',
    'snapshot_ext.v3._ops.dependents',
    'snapshot_ext.v3._ops.bulk',
    'snapshot_ext.v3._ops.prune',
    # The proxy's thin verbs, then what plugs it in.
    'snapshot_ext.v3._proxy',
    'snapshot_ext.registration',
    'snapshot_ext',
)

#: Layers that are packages whose modules may import one another (the
#: fast path is split by concern inside its package).
OPEN_PACKAGES: frozenset[str] = frozenset({'snapshot_ext.v3._speedups'})


def module_name(path: pathlib.Path, root: pathlib.Path) -> str:
    """The dotted name of a module file below ``root``'s parent."""
    parts = list(path.relative_to(root.parent).with_suffix('').parts)
    if parts[-1] == '__init__':
        parts.pop()
    return '.'.join(parts)


def package_sources(root: pathlib.Path) -> dict[str, str]:
    """Every module of the package but the tests, by dotted name."""
    return {
        module_name(path, root): path.read_text(encoding='utf-8')
        for path in sorted(root.rglob('*.py'))
        if 'tests' not in path.relative_to(root).parts
    }


def imported(
    name: str, source: str, modules: frozenset[str]
) -> Iterator[tuple[int, str]]:
    """The package's modules that a module imports, with the line.

    ``from a.b import c`` imports ``a.b.c`` when that is a module, else
    ``a.b``; relative imports are resolved against ``name``.

    :param name: The importing module's dotted name.
    :param source: Its source.
    :param modules: Every module name of the package.
    """
    is_package = any(m.startswith(name + '.') for m in modules)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split('.')[0] == PACKAGE:
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ''
            if node.level:
                anchor = name.split('.')
                drop = node.level - 1 if is_package else node.level
                anchor = anchor[: len(anchor) - drop] if drop else anchor
                target = '.'.join([*anchor, *([target] if target else [])])
            if target.split('.')[0] != PACKAGE:
                continue
            for alias in node.names:
                full = f'{target}.{alias.name}'
                yield node.lineno, full if full in modules else target


def layer_of(
    module: str, layers: tuple[str, ...], open_packages: frozenset[str]
) -> int | None:
    """The index of the layer holding ``module`` (longest name wins)."""
    best: int | None = None
    for index, layer in enumerate(layers):
        if module == layer or (
            layer in open_packages and module.startswith(layer + '.')
        ):
            if best is None or len(layer) > len(layers[best]):
                best = index
    return best


def violations(
    sources: Mapping[str, str],
    layers: tuple[str, ...] = LAYERS,
    open_packages: frozenset[str] = OPEN_PACKAGES,
) -> list[str]:
    """Check every module's imports against the layers.

    :param sources: Module sources by dotted name.
    :param layers: The layers, bottom to top.
    :param open_packages: Layers whose modules may import one another.
    :returns: One line per violation; empty when the contract holds.
    """
    modules = frozenset(sources)
    found = []
    for name, source in sorted(sources.items()):
        own = layer_of(name, layers, open_packages)
        if own is None:
            found.append(f'{name}: in no layer')
            continue
        for line, target in imported(name, source, modules):
            other = layer_of(target, layers, open_packages)
            if other is None:
                found.append(f'{name}:{line}: imports {target}, in no layer')
            elif other > own:
                found.append(
                    f'{name}:{line}: imports {target}, a layer above it'
                )
            elif other == own and layers[own] not in open_packages:
                found.append(f'{name}:{line}: imports {target}, its own layer')
    return found


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
                    'snapshot_ext.v3.snapshot': 'import snapshot_ext.v3.snapshot\n'
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
    RESULTS = (
        'BulkResult',
        'ItemResult',
        'Page',
        'PruneDecision',
        'PruneResult',
        'TransportPolicy',
    )

    def test_result_types_live_in_results(self) -> None:
        for name in self.RESULTS:
            with self.subTest(name=name):
                cls = getattr(snapshot_ext, name)
                self.assertIn(name, snapshot_ext.__all__)
                self.assertEqual('snapshot_ext.results', cls.__module__)
                self.assertIs(cls, getattr(results, name))

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
