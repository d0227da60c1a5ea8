"""MariaDB, epmd and RabbitMQ, on a unix socket and 127.0.0.1 only."""

from __future__ import annotations

from collections.abc import Mapping
import grp
import os
import pwd
import shutil
import socket
import subprocess

from devcloudlib.config import RABBIT_BIN
from devcloudlib.config import RABBIT_NODE
from devcloudlib.config import Paths
from devcloudlib.config import render
from devcloudlib.config import write_file
from devcloudlib.launch import run
from devcloudlib.launch import spawn
from devcloudlib.launch import wait_for
from devcloudlib.output import say
from devcloudlib.ports import listening_sockets
from devcloudlib.processes import PidRecords

_DROPPED_PREFIXES = ('OS_', 'RABBITMQ_', 'ERL_', 'PYTHON', 'VIRTUAL_ENV')


def child_env(
    paths: Paths,
    extra: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a service.

    Client credentials, RabbitMQ/Erlang settings and Python settings of
    the caller are left out; the virtualenv comes first on ``PATH`` and
    the sbin folders last.

    :param paths: the state layout.
    :param extra: variables to set.
    :param environ: the caller's environment (default: ``os.environ``).
    :returns: the environment.
    """
    source = os.environ if environ is None else environ
    env = {
        k: v for k, v in source.items() if not k.startswith(_DROPPED_PREFIXES)
    }
    env['PATH'] = (
        os.path.join(paths.venv, 'bin')
        + os.pathsep
        + env.get('PATH', '/usr/local/bin:/usr/bin:/bin')
    )
    env['PATH'] += os.pathsep + '/usr/sbin:/sbin'
    env.update(extra or {})
    return env


def current_user() -> str:
    """The name of the effective user.

    :returns: the user name.
    """
    return pwd.getpwuid(os.geteuid()).pw_name


def current_group() -> str:
    """The name of the effective group.

    :returns: the group name.
    """
    return grp.getgrgid(os.getegid()).gr_name


def _db_setup_sql(sec: Mapping[str, str]) -> str:
    sql = []
    for db, pw in (
        ('keystone', sec['db_keystone']),
        ('cinder', sec['db_cinder']),
    ):
        sql.append(
            f'CREATE DATABASE IF NOT EXISTS {db} CHARACTER SET utf8mb4;'
        )
        sql.append(
            f"CREATE USER IF NOT EXISTS '{db}'@'localhost' "
            f"IDENTIFIED BY '{pw}';"
        )
        sql.append(f"ALTER USER '{db}'@'localhost' IDENTIFIED BY '{pw}';")
        sql.append(f"GRANT ALL PRIVILEGES ON {db}.* TO '{db}'@'localhost';")
    return '\n'.join(sql) + '\n'


def start_mariadb(
    paths: Paths, pids: PidRecords, sec: Mapping[str, str]
) -> None:
    """Start MariaDB on a unix socket and create both databases.

    :param paths: the state layout.
    :param pids: every record; MariaDB's is added.
    :param sec: the passwords.
    :raises Failure: when it does not start or accept connections.
    """
    sock = paths.mysql_socket()
    os.makedirs(os.path.dirname(sock), exist_ok=True)
    user = 'root' if os.geteuid() == 0 else None
    marker = os.path.join(paths.mysql_data, '.devcloud-initialized')
    if not os.path.exists(marker):
        # A new data directory invalidates every stamp of database state;
        # a half-made one (interrupted install) is made again.
        shutil.rmtree(paths.mysql_data, ignore_errors=True)
        shutil.rmtree(paths.stamps, ignore_errors=True)
        argv = [
            'mariadb-install-db',
            '--no-defaults',
            '--datadir=' + paths.mysql_data,
            '--skip-test-db',
            '--auth-root-authentication-method=socket',
        ]
        if user:
            argv.append('--user=' + user)
        run(
            paths,
            'mariadb',
            argv,
            env=child_env(paths),
            timeout=180,
            logname='mariadb-install',
        )
        write_file(marker, '')
    argv = [
        'mariadbd',
        '--no-defaults',
        '--datadir=' + paths.mysql_data,
        '--socket=' + sock,
        '--skip-networking',
        '--pid-file=' + os.path.join(paths.run, 'mysqld.pid'),
        '--log-error=' + paths.log('mariadb'),
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_general_ci',
        '--innodb-buffer-pool-size=128M',
        '--innodb-flush-log-at-trx-commit=0',
        '--skip-log-bin',
        '--max-connections=500',
        '--tmpdir=' + paths.run,
    ]
    if user:
        argv.append('--user=' + user)
    p = spawn(paths, 'mariadb', argv, child_env(paths), pids)
    client_user = user or current_user()

    def ping() -> bool:
        r = subprocess.run(
            [
                'mariadb',
                '--no-defaults',
                '--socket=' + sock,
                '-u',
                client_user,
                '-e',
                'SELECT 1',
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=False,
        )
        return r.returncode == 0

    wait_for(paths, 'mariadb', ping, 90, p, 'accepting connections')
    run(
        paths,
        'mariadb',
        ['mariadb', '--no-defaults', '--socket=' + sock, '-u', client_user],
        env=child_env(paths),
        timeout=60,
        input_text=_db_setup_sql(sec),
        logname='mariadb-setup',
    )
    say(f'mariadb: up (pid {p.pid}, socket {sock})')


def rabbit_env(paths: Paths) -> dict[str, str]:
    """RabbitMQ's environment: loopback only, state under the folder.

    :param paths: the state layout.
    :returns: the environment.
    """
    base = os.path.join(paths.state, 'rabbitmq')
    etc = os.path.join(paths.etc, 'rabbitmq')
    loopback = '-kernel inet_dist_use_interface {127,0,0,1}'
    return child_env(
        paths,
        {
            'HOME': base,
            'RABBITMQ_NODENAME': RABBIT_NODE,
            'RABBITMQ_NODE_IP_ADDRESS': '127.0.0.1',
            'RABBITMQ_NODE_PORT': '5672',
            'RABBITMQ_DIST_PORT': '25672',
            'ERL_EPMD_ADDRESS': '127.0.0.1',
            'ERL_EPMD_PORT': '4369',
            'RABBITMQ_MNESIA_BASE': os.path.join(base, 'mnesia'),
            'RABBITMQ_LOG_BASE': os.path.join(paths.logs, 'rabbitmq'),
            'RABBITMQ_CONFIG_FILE': os.path.join(etc, 'rabbitmq.conf'),
            'RABBITMQ_ADVANCED_CONFIG_FILE': os.path.join(
                etc, 'advanced.config'
            ),
            'RABBITMQ_CONF_ENV_FILE': os.path.join(etc, 'rabbitmq-env.conf'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(
                etc, 'enabled_plugins'
            ),
            'RABBITMQ_PID_FILE': os.path.join(paths.run, 'rabbitmq.pid'),
            'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS': loopback,
            'RABBITMQ_CTL_ERL_ARGS': loopback,
        },
    )


def start_epmd(paths: Paths, pids: PidRecords) -> None:
    """Start epmd on 127.0.0.1:4369, so that its pid is ours.

    :param paths: the state layout.
    :param pids: every record; epmd's is added.
    :raises Failure: when it does not listen within 30 s.
    """
    env = child_env(paths, {'ERL_EPMD_ADDRESS': '127.0.0.1'})
    p = spawn(
        paths,
        'epmd',
        ['epmd', '-address', '127.0.0.1', '-port', '4369'],
        env,
        pids,
    )
    wait_for(
        paths,
        'epmd',
        lambda: 4369 in listening_sockets(),
        30,
        p,
        'listening',
    )
    say(f'epmd: up (pid {p.pid})')


def amqp_ready() -> bool:
    """True when the broker answers the AMQP 0-9-1 protocol header.

    :returns: whether a connection frame came back within 5 s.
    :raises OSError: when the port does not accept connections.
    """
    with socket.create_connection(('127.0.0.1', 5672), timeout=5) as s:
        s.settimeout(5)
        s.sendall(b'AMQP\x00\x00\x09\x01')
        frame = s.recv(7)
        return len(frame) == 7 and frame[0] == 1


def start_rabbitmq(
    paths: Paths, pids: PidRecords, sec: Mapping[str, str]
) -> None:
    """Start RabbitMQ on 127.0.0.1:5672 (epmd must run).

    :param paths: the state layout.
    :param pids: every record; RabbitMQ's is added.
    :param sec: the passwords.
    :raises Failure: when it does not accept AMQP within 120 s.
    """
    etc = os.path.join(paths.etc, 'rabbitmq')
    render(
        'rabbitmq.conf.in',
        os.path.join(etc, 'rabbitmq.conf'),
        {'rabbit_password': sec['rabbit']},
    )
    write_file(os.path.join(etc, 'advanced.config'), '[].\n')
    write_file(os.path.join(etc, 'rabbitmq-env.conf'), '')
    write_file(os.path.join(etc, 'enabled_plugins'), '[].\n')
    env = rabbit_env(paths)
    os.makedirs(env['HOME'], exist_ok=True)
    os.makedirs(env['RABBITMQ_LOG_BASE'], exist_ok=True)
    p = spawn(
        paths,
        'rabbitmq',
        [os.path.join(RABBIT_BIN, 'rabbitmq-server')],
        env,
        pids,
    )
    wait_for(
        paths, 'rabbitmq', amqp_ready, 120, p, 'accepting AMQP connections'
    )
    say(f'rabbitmq: up (pid {p.pid})')
