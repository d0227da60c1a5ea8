"""The state folder layout, ports, secrets and configuration files.

Everything devcloud keeps lives in one state folder (``DEVCLOUD_DIR``,
default ``<repo>/.devcloud``)::

    secrets.json    random passwords (0600)
    clouds.yaml     clouds devcloud-admin and devcloud-member (0600)
    etc/            rendered keystone.conf, cinder.conf, rabbitmq.conf
    logs/           one log per service and step
    run/pids.json   what ``up`` started (see :mod:`devcloudlib.processes`)
    stamps/         which one-time steps are done
    mysql/          the MariaDB data directory
    venv/           Keystone and Cinder (``DEVCLOUD_VENV``)
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
import hashlib
import json
import os
import secrets
import string

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(TOOLS_DIR)
DATA_DIR = os.path.join(TOOLS_DIR, 'devcloud.d')

KEYSTONE_URL = 'http://127.0.0.1:5000'
CINDER_URL = 'http://127.0.0.1:8776'
REGION = 'RegionOne'
CINDER_ENDPOINT = CINDER_URL + '/v3/%(project_id)s'

PORTS = {
    5000: 'keystone',
    8776: 'cinder-api',
    5672: 'rabbitmq (AMQP)',
    4369: 'epmd',
    25672: 'rabbitmq (Erlang distribution)',
}

# Start order; `down` stops in reverse.
SERVICES = [
    'mariadb',
    'epmd',
    'rabbitmq',
    'keystone',
    'cinder-api',
    'cinder-scheduler',
    'cinder-volume',
]

REQUIREMENTS = [
    'cinder==29.0.0',
    'keystone==30.0.0',
    'openstacksdk',
    'gunicorn',
    'fixtures',
    'PyMySQL',
]
APT_PACKAGES = ['mariadb-server', 'rabbitmq-server']
RABBIT_BIN = '/usr/lib/rabbitmq/bin'
RABBIT_NODE = 'devcloud@localhost'

# Seconds cinder-api trusts a validated token ([keystone_authtoken]
# token_cache_time): how long a revoked token may still be accepted.
TOKEN_CACHE_TIME = 2

SECRET_NAMES = [
    'admin',
    'demo',
    'cinder',
    'db_keystone',
    'db_cinder',
    'rabbit',
]


@dataclasses.dataclass(frozen=True)
class Paths:
    """Where devcloud keeps its state.

    :ivar state: the state folder.
    :ivar venv: the virtualenv with Keystone and Cinder.
    """

    state: str
    venv: str

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str], repo_dir: str = REPO_DIR
    ) -> Paths:
        """The layout named by ``DEVCLOUD_DIR`` and ``DEVCLOUD_VENV``.

        :param environ: the environment.
        :param repo_dir: the checkout, for the default state folder.
        :returns: the layout, with absolute paths.
        """
        state = os.path.abspath(
            environ.get('DEVCLOUD_DIR') or os.path.join(repo_dir, '.devcloud')
        )
        venv = os.path.abspath(
            environ.get('DEVCLOUD_VENV') or os.path.join(state, 'venv')
        )
        return cls(state=state, venv=venv)

    @property
    def logs(self) -> str:
        """The log folder."""
        return os.path.join(self.state, 'logs')

    @property
    def run(self) -> str:
        """The folder of pid records, sockets and pid files."""
        return os.path.join(self.state, 'run')

    @property
    def etc(self) -> str:
        """The folder of rendered configuration files."""
        return os.path.join(self.state, 'etc')

    @property
    def pids_file(self) -> str:
        """The record of started services."""
        return os.path.join(self.run, 'pids.json')

    @property
    def secrets_file(self) -> str:
        """The random passwords."""
        return os.path.join(self.state, 'secrets.json')

    @property
    def clouds_file(self) -> str:
        """The generated clouds.yaml."""
        return os.path.join(self.state, 'clouds.yaml')

    @property
    def mysql_data(self) -> str:
        """The MariaDB data directory."""
        return os.path.join(self.state, 'mysql')

    @property
    def stamps(self) -> str:
        """The folder of one-time step markers."""
        return os.path.join(self.state, 'stamps')

    def log(self, name: str) -> str:
        """The log file of a service or step.

        :param name: the service or step.
        :returns: its path.
        """
        return os.path.join(self.logs, name + '.log')

    def bin(self, name: str) -> str:
        """A program of the virtualenv.

        :param name: the program.
        :returns: its path.
        """
        return os.path.join(self.venv, 'bin', name)

    def mysql_socket(self) -> str:
        """The MariaDB socket; unix socket paths are limited to 107 bytes.

        :returns: ``run/mysqld.sock``, or a short path derived from the
            state folder when that one is too long.
        """
        path = os.path.join(self.run, 'mysqld.sock')
        if len(path.encode()) > 100:
            digest = hashlib.sha256(self.state.encode()).hexdigest()[:12]
            path = f'/tmp/devcloud-{digest}/mysqld.sock'  # noqa: S108
        return path


def write_file(path: str, text: str, mode: int = 0o644) -> None:
    """Write a file atomically with the given mode.

    :param path: the file; its folder is created.
    :param text: the content.
    :param mode: the permission bits.
    """
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def render_text(template: str, values: Mapping[str, str]) -> str:
    """Fill a ``string.Template`` from ``tools/devcloud.d``.

    :param template: the template's file name.
    :param values: the ``$name`` substitutions; all must be given.
    :returns: the rendered text.
    :raises KeyError: when the template names a value not given.
    """
    with open(os.path.join(DATA_DIR, template)) as f:
        return string.Template(f.read()).substitute(values)


def render(
    template: str, dest: str, values: Mapping[str, str], mode: int = 0o600
) -> None:
    """Render a template into a file.

    :param template: the template's file name in ``tools/devcloud.d``.
    :param dest: the file to write.
    :param values: the substitutions.
    :param mode: the permission bits (0600: the files hold passwords).
    """
    write_file(dest, render_text(template, values), mode)


def load_secrets(paths: Paths) -> dict[str, str]:
    """Random passwords, made on the first ``up`` and kept in a 0600 file.

    :param paths: the state layout.
    :returns: password by name (:data:`SECRET_NAMES`).
    """
    data: dict[str, str] = {}
    if os.path.exists(paths.secrets_file):
        with open(paths.secrets_file) as f:
            data = json.load(f)
    if not all(n in data for n in SECRET_NAMES):
        for n in SECRET_NAMES:
            data.setdefault(n, secrets.token_hex(16))
        write_file(
            paths.secrets_file, json.dumps(data, indent=1) + '\n', 0o600
        )
    os.chmod(paths.secrets_file, 0o600)
    return data


def stamp_ok(paths: Paths, name: str, value: str = '') -> bool:
    """Whether a one-time step is recorded as done (with this value).

    :param paths: the state layout.
    :param name: the step.
    :param value: what the step was done for.
    :returns: True when the stamp exists and holds ``value``.
    """
    try:
        with open(os.path.join(paths.stamps, name)) as f:
            return f.read() == value
    except OSError:
        return False


def stamp_set(paths: Paths, name: str, value: str = '') -> None:
    """Record a one-time step as done.

    :param paths: the state layout.
    :param name: the step.
    :param value: what the step was done for.
    """
    write_file(os.path.join(paths.stamps, name), value)


def keystone_conf_values(
    paths: Paths, sec: Mapping[str, str]
) -> dict[str, str]:
    """The substitutions of ``keystone.conf.in``.

    :param paths: the state layout.
    :param sec: the passwords.
    :returns: the values.
    """
    return {
        'db_keystone_password': sec['db_keystone'],
        'mysql_socket': paths.mysql_socket(),
        'state_dir': paths.state,
    }


def cinder_conf_values(paths: Paths, sec: Mapping[str, str]) -> dict[str, str]:
    """The substitutions of ``cinder.conf.in``.

    :param paths: the state layout.
    :param sec: the passwords.
    :returns: the values.
    """
    return {
        'rabbit_password': sec['rabbit'],
        'venv': paths.venv,
        'state_dir': paths.state,
        'db_cinder_password': sec['db_cinder'],
        'mysql_socket': paths.mysql_socket(),
        'cinder_password': sec['cinder'],
        'token_cache_time': str(TOKEN_CACHE_TIME),
    }


def clouds_yaml(sec: Mapping[str, str]) -> str:
    """The clouds.yaml text: devcloud-admin and devcloud-member.

    :param sec: the passwords.
    :returns: the YAML text.
    """

    def cloud(user: str, password: str, project: str) -> str:
        return (
            '    auth:\n'
            f'      auth_url: {KEYSTONE_URL}/v3\n'
            f'      username: {user}\n'
            f'      password: "{password}"\n'
            f'      project_name: {project}\n'
            '      user_domain_name: Default\n'
            '      project_domain_name: Default\n'
            f'    region_name: {REGION}\n'
            '    interface: public\n'
            '    identity_api_version: 3\n'
            '    volume_api_version: 3\n'
            '    vendor_hook: snapshot_ext:register\n'
        )

    return (
        '# Generated by tools/devcloud; passwords are random per '
        'DEVCLOUD_DIR.\nclouds:\n'
        '  devcloud-admin:\n'
        + cloud('admin', sec['admin'], 'admin')
        + '  devcloud-member:\n'
        + cloud('demo', sec['demo'], 'demo')
    )


def write_clouds(paths: Paths, sec: Mapping[str, str]) -> None:
    """Write clouds.yaml (0600).

    :param paths: the state layout.
    :param sec: the passwords.
    """
    write_file(paths.clouds_file, clouds_yaml(sec), 0o600)
