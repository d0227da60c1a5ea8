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

"""The openstacksdk unit tests that ``tools/sdk-tests`` runs.

stestr discovers tests in one folder; openstacksdk's whole
``openstack/tests/unit`` tree would import every service's tests (and
needs ``hacking`` and ``keyring``).  ``tools/sdk-tests`` links this
package into its run folder and points stestr's ``--test-path`` at it;
unittest's ``load_tests`` protocol then loads only the modules and
packages named in ``selection.txt`` next to this package.  Test ids stay
openstacksdk's own (``openstack.tests.unit.block_storage.v3...``).
"""

import importlib
import pathlib
import pkgutil
import unittest

SELECTION = pathlib.Path(__file__).resolve().parent.parent / 'selection.txt'


def selected_names() -> list[str]:
    """Read the dotted module and package names from ``selection.txt``.

    :returns: The names, in file order, without comments and blank lines.
    """
    names = []
    for line in SELECTION.read_text(encoding='utf-8').splitlines():
        name = line.split('#', 1)[0].strip()
        if name:
            names.append(name)
    return names


def module_names(name: str) -> list[str]:
    """Expand one selected name into test module names.

    :param name: A dotted module or package name.
    :returns: ``[name]`` for a module; for a package, every module under
        it (at any depth) whose own name starts with ``test``.
    """
    package = importlib.import_module(name)
    path = getattr(package, '__path__', None)
    if path is None:
        return [name]
    return sorted(
        info.name
        for info in pkgutil.walk_packages(path, prefix=name + '.')
        if not info.ispkg and info.name.rsplit('.', 1)[1].startswith('test')
    )


def load_tests(
    loader: unittest.TestLoader,
    standard_tests: unittest.TestSuite,
    pattern: str | None,
) -> unittest.TestSuite:
    """Return the selected openstacksdk tests (unittest protocol).

    :param loader: The loader running the discovery.
    :param standard_tests: Tests found in this package (none).
    :param pattern: The discovery pattern (unused: the modules are named).
    :returns: One suite with every selected test.
    """
    suite = unittest.TestSuite()
    for name in selected_names():
        for module in module_names(name):
            suite.addTests(loader.loadTestsFromName(module))
    return suite
