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
inside a function, or under ``if TYPE_CHECKING``.  A layer in
:data:`OPEN_PACKAGES` holds all of its package's modules, which may
import one another.

Standard library only, so that ``tools/lint`` can run it without the
package installed::

    python3 snapshot_ext/tests/layers.py
"""

import ast
from collections.abc import Iterator
from collections.abc import Mapping
import pathlib
import sys

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
    # The proxy's thin verbs by kind, the proxy combining them, then what
    # plugs it in.
    'snapshot_ext.v3._verbs.base',
    'snapshot_ext.v3._verbs.snapshots',
    'snapshot_ext.v3._verbs.metadata',
    'snapshot_ext.v3._verbs.actions',
    'snapshot_ext.v3._verbs.waiting',
    'snapshot_ext.v3._verbs.bulk',
    'snapshot_ext.v3._verbs.dependents',
    'snapshot_ext.v3._verbs.retention',
    'snapshot_ext.v3._verbs',
    'snapshot_ext.v3._proxy',
    'snapshot_ext.registration',
    'snapshot_ext',
    # The OpenStackClient plugin, on top: it uses the public API only.
    'snapshot_ext.osc',
    'snapshot_ext.osc.args',
    'snapshot_ext.osc.progress',
    # The commands' shared pieces, each command in its module, then the
    # module collecting them.
    'snapshot_ext.osc.base',
    'snapshot_ext.osc.lookup',
    'snapshot_ext.osc.options',
    'snapshot_ext.osc.prune',
    'snapshot_ext.osc.wait',
    'snapshot_ext.osc.bulk',
    'snapshot_ext.osc.deletable',
    'snapshot_ext.osc.commands',
    'snapshot_ext.osc.plugin',
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


def main() -> int:
    """Check the package this file belongs to; print each violation.

    :returns: The exit status: 0 when the contract holds, else 1.
    """
    root = pathlib.Path(__file__).resolve().parents[1]
    found = violations(package_sources(root))
    for line in found:
        print(f'layers: {line}', file=sys.stderr)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
