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

"""Running real clients against the devcloud, with and without the hook.

The clients (python-openstackclient's ``openstack`` and Ansible's
``ansible-playbook`` with the openstack.cloud collection) live in their own
virtualenv, made by ``tools/clients-venv`` with snapshot_ext installed in
it.  ``tools/run-tests`` exports its path as ``$SNAPSHOT_EXT_CLIENTS_VENV``.

Each client runs as a subprocess against a clouds.yaml derived from the
devcloud's: every devcloud cloud appears twice, under its own name with
``vendor_hook: snapshot_ext:register`` (snapshot_ext's proxy) and as
``<name>-stock`` without it (openstacksdk's proxy).  The same command run
on both clouds must give the same answer.
"""

from collections.abc import Mapping
from collections.abc import Sequence
import dataclasses
import json
import os
import re
import subprocess
import time
from typing import Any

import fixtures
import yaml  # type: ignore[import-untyped]

from snapshot_ext.tests.functional import base

#: Set by tools/run-tests: the virtualenv tools/clients-venv made.
CLIENTS_ENV = 'SNAPSHOT_EXT_CLIENTS_VENV'

#: The vendor hook the devcloud's clouds.yaml carries.
HOOK = 'snapshot_ext:register'

#: Suffix of the clouds without the vendor hook.
STOCK_SUFFIX = '-stock'

#: Bound of one client run, in seconds.
COMMAND_TIMEOUT = 180.0

#: The executables the tests need in the clients virtualenv.
EXECUTABLES = ('python', 'openstack', 'ansible-playbook')

_TIMESTAMP = re.compile(
    r'^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$'
)


def clients_required() -> bool:
    """Tell whether missing clients must fail rather than skip the tests.

    They must under ``tools/run-tests`` and CI (``SNAPSHOT_EXT_FUNCTIONAL=1``
    or ``CI=true``): a skip there would hide a missing install step.

    :returns: ``True`` when the tests must fail without the clients.
    """
    return base.functional_required() or os.environ.get('CI') == 'true'


def clients_problem() -> tuple[str | None, bool]:
    """Why the real clients cannot run, and whether that is a failure.

    :returns: ``(None, False)`` when they can run, else the reason and
        ``True`` when the tests must fail instead of being skipped (the
        variable is set but the virtualenv is broken, or the run is
        :func:`clients_required`).
    """
    venv = os.environ.get(CLIENTS_ENV)
    if not venv:
        return (
            f"the real clients are not installed: {CLIENTS_ENV} is not set "
            f"(tools/run-tests sets it after running tools/clients-venv)",
            clients_required(),
        )
    missing = [
        name
        for name in EXECUTABLES
        if not os.access(os.path.join(venv, 'bin', name), os.X_OK)
    ]
    if missing:
        return (
            f"{CLIENTS_ENV}={venv} lacks {', '.join(missing)}; rebuild it "
            f"with tools/clients-venv",
            True,
        )
    return None, False


def stock(cloud: str) -> str:
    """Return the name of the cloud without the vendor hook.

    :param cloud: A devcloud cloud name, e.g. ``devcloud-admin``.
    :returns: E.g. ``devcloud-admin-stock``.
    """
    return cloud + STOCK_SUFFIX


def write_clouds_yaml(source: str, folder: str) -> tuple[str, list[str]]:
    """Write the clouds.yaml the clients use, with stock twins.

    :param source: The devcloud's clouds.yaml.
    :param folder: Where to write ``clouds.yaml`` (mode 0600).
    :returns: The new file's path and the passwords it holds (to keep
        them out of failure messages).
    :raises: AssertionError when a devcloud cloud lacks the vendor hook.
    """
    with open(source, encoding='utf-8') as f:
        config = yaml.safe_load(f)
    clouds: dict[str, Any] = {}
    secrets: list[str] = []
    for name, cloud in config['clouds'].items():
        if cloud.get('vendor_hook') != HOOK:
            raise AssertionError(
                f"cloud {name} of {source} has no vendor_hook: {HOOK}"
            )
        password = cloud.get('auth', {}).get('password')
        if password:
            secrets.append(str(password))
        clouds[name] = cloud
        twin = dict(cloud)
        del twin['vendor_hook']
        clouds[stock(name)] = twin
    path = os.path.join(folder, 'clouds.yaml')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        # JSON is YAML: no dumper needed.
        json.dump({'clouds': clouds}, f, indent=2)
    return path, secrets


@dataclasses.dataclass(frozen=True)
class Result:
    """What one client run gave.

    :param argv: The command line, without the executable's folder.
    :param returncode: Its exit code.
    :param stdout: Its standard output.
    :param stderr: Its standard error.
    """

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """Parse the standard output as JSON.

        :returns: The parsed document.
        :raises: AssertionError naming the command when it is not JSON.
        """
        try:
            return json.loads(self.stdout)
        except ValueError as exc:
            raise AssertionError(
                f"{' '.join(self.argv)} printed no JSON ({exc}); exit "
                f"{self.returncode}, stderr:\n{self.stderr[-2000:]}"
            ) from exc


def normalise(
    value: Any,
    names: Mapping[str, str],
    exact: Mapping[str, str] | None = None,
) -> Any:
    """Replace what differs between two equal runs by placeholders.

    :param value: A JSON-like value (dicts, lists, strings...).
    :param names: Strings to replace (IDs, generated names) and their
        placeholders; also replaced inside longer strings, longest first.
    :param exact: Strings replaced only where they are a whole value
        (e.g. cloud names, which other names contain).
    :returns: A copy with ISO timestamps as ``<timestamp>`` and those
        strings replaced.
    """
    exact = exact or {}
    if isinstance(value, dict):
        return {
            normalise(k, names, exact): normalise(v, names, exact)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [normalise(v, names, exact) for v in value]
    if isinstance(value, str):
        if value in exact:
            return exact[value]
        if _TIMESTAMP.match(value):
            return '<timestamp>'
        for key in sorted(names, key=len, reverse=True):
            value = value.replace(key, names[key])
        return value
    return value


def differences(stock: Any, hooked: Any, path: str = '') -> list[str]:
    """List where two JSON-like values differ, one line per leaf.

    :param stock: The value from the run without the hook.
    :param hooked: The value from the run with it.
    :param path: The path of both values, for the lines.
    :returns: Lines ``path: stock=... hooked=...``; empty when equal.
    """
    if isinstance(stock, dict) and isinstance(hooked, dict):
        lines = []
        for key in sorted(set(stock) | set(hooked), key=str):
            lines += differences(
                stock.get(key, '<missing>'),
                hooked.get(key, '<missing>'),
                f'{path}.{key}',
            )
        return lines
    if (
        isinstance(stock, list)
        and isinstance(hooked, list)
        and len(stock) == len(hooked)
    ):
        lines = []
        for index, (one, other) in enumerate(zip(stock, hooked, strict=True)):
            lines += differences(one, other, f'{path}[{index}]')
        return lines
    if stock != hooked:
        return [f'{path or "value"}: stock={stock!r} hooked={hooked!r}']
    return []


class RealClientTestCase(base.FunctionalTestCase):
    """Run real clients on a cloud with and without the vendor hook."""

    def setUp(self) -> None:
        super().setUp()
        problem, fatal = clients_problem()
        if problem is not None:
            if fatal:
                self.fail(problem)
            self.skipTest(problem)
        #: The clients' virtualenv.
        self.venv = os.environ[CLIENTS_ENV]
        #: A private folder for the test's files, removed after it.
        self.folder = self.useFixture(fixtures.TempDir()).path
        #: The derived clouds.yaml and the passwords it holds.
        self.clouds, self.secrets = write_clouds_yaml(
            base.clouds_file(), self.folder
        )

    def environment(self, **extra: str) -> dict[str, str]:
        """Return the environment of a client run.

        Every ``OS_*`` variable of this process is dropped (the clients
        must see only the derived clouds.yaml), ``OS_CLIENT_CONFIG_FILE``
        names that file, and the locale is UTF-8.

        :param extra: More variables.
        :returns: The environment.
        """
        env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
        env.update(
            OS_CLIENT_CONFIG_FILE=self.clouds,
            LC_ALL='C.UTF-8',
            LANG='C.UTF-8',
            PYTHONWARNINGS='ignore',
        )
        env.update(extra)
        return env

    def redact(self, text: str) -> str:
        """Hide the clouds' passwords in ``text``.

        :param text: Output of a client.
        :returns: The text with every password replaced by ``***``.
        """
        for secret in self.secrets:
            text = text.replace(secret, '***')
        return text

    def assertSameOutput(
        self, what: str, stock: Any, hooked: Any, message: str = ''
    ) -> None:
        """Assert that two normalised outputs are equal, naming each leaf.

        :param what: What is compared, for the failure message.
        :param stock: The value from the run without the hook.
        :param hooked: The value from the run with it.
        :param message: More context for the failure message.
        """
        lines = differences(stock, hooked)
        if lines:
            self.fail(
                f"{what} differs between openstacksdk's proxy (stock) and "
                f"snapshot_ext's (hooked):\n  "
                + '\n  '.join(lines)
                + (f'\n{message}' if message else '')
            )

    def run_client(
        self,
        executable: str,
        *args: str,
        env: Mapping[str, str] | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> Result:
        """Run an executable of the clients' virtualenv, bounded.

        :param executable: Its name in the virtualenv's ``bin``.
        :param args: Its arguments.
        :param env: More environment variables.
        :param timeout: The bound in seconds.
        :returns: What it gave, passwords redacted.
        :raises: AssertionError when it outlives the bound.
        """
        (result,) = self.run_clients([(executable, args)], env, timeout)
        return result

    def run_clients(
        self,
        commands: Sequence[tuple[str, Sequence[str]]],
        env: Mapping[str, str] | None = None,
        timeout: float = COMMAND_TIMEOUT,
    ) -> list[Result]:
        """Run executables of the clients' virtualenv side by side.

        :param commands: Each executable's name in the virtualenv's
            ``bin`` and its arguments.
        :param env: More environment variables.
        :param timeout: The bound in seconds of the whole group.
        :returns: What each gave, in order, passwords redacted.
        :raises: AssertionError when one outlives the bound (all of
            them are then killed).
        """
        environment = self.environment(**(env or {}))
        started = []
        try:
            for executable, args in commands:
                path = os.path.join(self.venv, 'bin', executable)
                started.append(
                    subprocess.Popen(  # noqa: S603
                        [path, *args],
                        env=environment,
                        cwd=self.folder,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                )
            deadline = time.monotonic() + timeout
            results = []
            for (executable, args), process in zip(
                commands, started, strict=True
            ):
                argv = (executable, *args)
                try:
                    stdout, stderr = process.communicate(
                        timeout=max(0.0, deadline - time.monotonic())
                    )
                except subprocess.TimeoutExpired as exc:
                    raise AssertionError(
                        f"{' '.join(argv)} did not finish within "
                        f"{timeout:.0f} s"
                    ) from exc
                results.append(
                    Result(
                        argv=argv,
                        returncode=process.returncode,
                        stdout=self.redact(stdout),
                        stderr=self.redact(stderr),
                    )
                )
            return results
        finally:
            for process in started:
                if process.poll() is None:
                    process.kill()
                    process.communicate()
