"""The commands of ``tools/devcloud``."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
import fcntl
import os
import sys
import time
from typing import TextIO

from devcloudlib.blockstorage import start_cinder
from devcloudlib.config import CINDER_URL
from devcloudlib.config import KEYSTONE_URL
from devcloudlib.config import SERVICES
from devcloudlib.config import Paths
from devcloudlib.config import load_secrets
from devcloudlib.config import write_clouds
from devcloudlib.control import check_service
from devcloudlib.control import revoke_tokens
from devcloudlib.control import start_one
from devcloudlib.control import stop_one
from devcloudlib.httpapi import http_ok
from devcloudlib.identity import ensure_identity
from devcloudlib.identity import start_keystone
from devcloudlib.infra import start_epmd
from devcloudlib.infra import start_mariadb
from devcloudlib.infra import start_rabbitmq
from devcloudlib.install import ensure_apt_packages
from devcloudlib.install import ensure_venv
from devcloudlib.output import Failure
from devcloudlib.output import report_failure
from devcloudlib.output import say
from devcloudlib.ports import check_ports
from devcloudlib.processes import PidRecords
from devcloudlib.processes import is_alive
from devcloudlib.processes import load_pids
from devcloudlib.processes import stop_services

USAGE = """\
devcloud: a real Keystone and Cinder on 127.0.0.1 for functional tests.

Usage: tools/devcloud up | down | status | env
       tools/devcloud stop | start | restart SERVICE
       tools/devcloud revoke-tokens USER

  up      install what is missing, start MariaDB, epmd, RabbitMQ, Keystone
          (gunicorn), cinder-api, cinder-scheduler and cinder-volume, wait
          until a volume can be created, write $DEVCLOUD_DIR/clouds.yaml
  down    stop exactly the processes that `up` started (by recorded PID)
  status  one line per service; exit 0 only when all of them run
  env     print shell exports for the generated clouds.yaml

  stop SERVICE     stop one service that `up` started; the others keep
                   running (`status` then shows it as not running)
  start SERVICE    start one stopped service and wait until it is ready
                   (cinder-scheduler and cinder-volume: until a volume
                   can be created); the services it needs must run
  restart SERVICE  stop, then start
                   SERVICE: mariadb, epmd, rabbitmq, keystone, cinder-api,
                   cinder-scheduler, cinder-volume
  revoke-tokens USER
                   make Keystone refuse every token issued to USER so far
                   (admin, demo, cinder: their password is set again;
                   other users are disabled and enabled again); the user
                   can log in again at once

Environment:
  DEVCLOUD_DIR   state folder (default: <repo>/.devcloud)
  DEVCLOUD_VENV  virtualenv with Keystone and Cinder
                 (default: $DEVCLOUD_DIR/venv)
  DEVCLOUD_SKIP_SELFTEST=1   skip creating and deleting a 1 GiB test volume
  DEVCLOUD_KEEP_ON_FAILURE=1 leave started services running when `up` fails

Python standard library only; the services run from the virtualenv."""

LOCK_BOUND = 900  # seconds another devcloud run may hold the lock


def running_state(paths: Paths) -> tuple[PidRecords, list[str]]:
    """The records and the services that do not run.

    :param paths: the state layout.
    :returns: record by service, and the services not running.
    """
    pids = load_pids(paths)
    down = [s for s in SERVICES if s not in pids or not is_alive(pids[s])]
    return pids, down


def api_answering() -> bool:
    """Whether Keystone and cinder-api both answer.

    :returns: True when both do.
    """
    return http_ok(KEYSTONE_URL + '/v3') and http_ok(CINDER_URL + '/')


def lock(paths: Paths) -> TextIO:
    """Take the state folder's lock, waiting at most 900 s.

    :param paths: the state layout.
    :returns: the open lock file; the lock lasts while it is open.
    :raises Failure: when another run holds it longer.
    """
    os.makedirs(paths.state, mode=0o700, exist_ok=True)
    f = open(os.path.join(paths.state, '.lock'), 'w')  # noqa: SIM115
    deadline = time.monotonic() + LOCK_BOUND
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return f
        except BlockingIOError as e:
            if time.monotonic() > deadline:
                raise Failure(
                    'devcloud',
                    'another tools/devcloud run holds '
                    f'{paths.state}/.lock for more than {LOCK_BOUND} s',
                ) from e
            time.sleep(1)


def stop_all(paths: Paths, pids: PidRecords) -> None:
    """Stop every recorded service: API services first, epmd last.

    :param paths: the state layout.
    :param pids: every record; emptied.
    """
    for group in (
        ['cinder-volume', 'cinder-scheduler', 'cinder-api', 'keystone'],
        ['rabbitmq', 'mariadb'],
        ['epmd'],
        sorted(set(pids) - set(SERVICES)),
    ):
        names = [n for n in group if n in pids]
        if names:
            stop_services(
                paths,
                names,
                pids,
                bound=30.0 if 'rabbitmq' in names else 20.0,
            )
            say('stopped {}'.format(', '.join(names)))


def cmd_up(paths: Paths) -> int:
    """Start everything (see the usage text).

    :param paths: the state layout.
    :returns: the exit status.
    :raises Failure: when a step fails.
    """
    lk = lock(paths)
    pids, down = running_state(paths)
    if not down and os.path.exists(paths.clouds_file) and api_answering():
        say(f'devcloud is already up ({paths.clouds_file}); nothing to do')
        return 0
    ours = [s for s in SERVICES if s in pids]
    if ours:
        say(
            'devcloud is partly up (not running: {}); stopping the rest '
            'to start clean'.format(', '.join(down or ['API not answering']))
        )
        stop_all(paths, pids)
    check_ports()
    for d in (paths.logs, paths.run, paths.etc):
        os.makedirs(d, exist_ok=True)
    os.chmod(paths.state, 0o700)
    ensure_apt_packages(paths)
    ensure_venv(paths)
    sec = load_secrets(paths)
    pids = load_pids(paths)
    try:
        start_mariadb(paths, pids, sec)
        start_epmd(paths, pids)
        start_rabbitmq(paths, pids, sec)
        start_keystone(paths, pids, sec)
        try:
            ensure_identity(paths, sec)
        except (RuntimeError, OSError, KeyError) as e:
            raise Failure(
                'keystone',
                f'creating projects, users and the catalog failed: {e}',
                paths.log('keystone'),
            ) from e
        start_cinder(paths, pids, sec)
        write_clouds(paths, sec)
    except Failure:
        if os.environ.get('DEVCLOUD_KEEP_ON_FAILURE') != '1':
            say('stopping what this run started')
            stop_all(paths, load_pids(paths))
        raise
    say(
        'devcloud is up: clouds devcloud-admin and devcloud-member in '
        f'{paths.clouds_file}'
    )
    lk.close()
    return 0


def cmd_down(paths: Paths) -> int:
    """Stop exactly what ``up`` started.

    :param paths: the state layout.
    :returns: the exit status.
    """
    lock(paths)
    pids = load_pids(paths)
    if not pids:
        say(f'devcloud is not running (nothing recorded in {paths.pids_file})')
        return 0
    stop_all(paths, pids)
    say('devcloud is down')
    return 0


def status_line(name: str, state: str) -> str:
    """One line of ``status``.

    :param name: the service.
    :param state: its state.
    :returns: the line.
    """
    return f'{name:<17} {state}'


def cmd_status(paths: Paths) -> int:
    """Print one line per service.

    :param paths: the state layout.
    :returns: 0 when every service runs and the APIs answer, else 1.
    """
    pids, down = running_state(paths)
    for s in SERVICES:
        rec = pids.get(s)
        if rec and is_alive(rec):
            state = f'running (pid {rec["pid"]})'
        elif rec:
            state = f'NOT running (recorded pid {rec["pid"]} is gone)'
        else:
            state = 'not running'
        print(status_line(s, state))
    if not down:
        ok = api_answering()
        api = 'keystone and cinder answering' if ok else 'NOT answering'
        print(status_line('api', api))
        print(status_line('clouds.yaml', paths.clouds_file))
        return 0 if ok else 1
    return 1


def cmd_env(paths: Paths) -> int:
    """Print shell exports for the generated clouds.yaml.

    :param paths: the state layout.
    :returns: 0.
    """
    print(f'export OS_CLIENT_CONFIG_FILE={paths.clouds_file}')
    print('export OS_CLOUD=devcloud-admin')
    return 0


def cmd_stop(paths: Paths, name: str) -> int:
    """Stop one service.

    :param paths: the state layout.
    :param name: the service.
    :returns: 0.
    :raises Failure: for an unknown service.
    """
    check_service(name)
    lk = lock(paths)
    pids = load_pids(paths)
    if stop_one(paths, name, pids):
        say(f'stopped {name}')
    else:
        say(f'{name} is not running (nothing recorded for it)')
    lk.close()
    return 0


def cmd_start(paths: Paths, name: str) -> int:
    """Start one service.

    :param paths: the state layout.
    :param name: the service.
    :returns: 0.
    :raises Failure: for an unknown service, or when it does not start.
    """
    check_service(name)
    lk = lock(paths)
    pids = load_pids(paths)
    if not start_one(paths, name, pids):
        say(f'{name} is already running (pid {pids[name]["pid"]})')
    lk.close()
    return 0


def cmd_restart(paths: Paths, name: str) -> int:
    """Stop, then start one service.

    :param paths: the state layout.
    :param name: the service.
    :returns: 0.
    :raises Failure: for an unknown service, or when it does not start.
    """
    check_service(name)
    lk = lock(paths)
    pids = load_pids(paths)
    if stop_one(paths, name, pids):
        say(f'stopped {name}')
    start_one(paths, name, pids)
    lk.close()
    return 0


def cmd_revoke_tokens(paths: Paths, username: str) -> int:
    """Revoke every token of a user.

    :param paths: the state layout.
    :param username: the user.
    :returns: 0.
    :raises Failure: when there is no such user or Keystone refuses.
    """
    lk = lock(paths)
    user_id = revoke_tokens(paths, username)
    say(
        f'keystone: every token issued to {username} (id {user_id}) so '
        'far is revoked'
    )
    lk.close()
    return 0


COMMANDS: dict[str, Callable[[Paths], int]] = {
    'up': cmd_up,
    'down': cmd_down,
    'status': cmd_status,
    'env': cmd_env,
}

# Commands that take one argument: a service or a user name.
COMMANDS_WITH_ARG: dict[str, Callable[[Paths, str], int]] = {
    'stop': cmd_stop,
    'start': cmd_start,
    'restart': cmd_restart,
    'revoke-tokens': cmd_revoke_tokens,
}


def main(argv: Sequence[str]) -> int:
    """Run one command.

    :param argv: the command line, program name first.
    :returns: the exit status: 2 for a usage error or an unknown
        service, 1 for a failure,
        130 when interrupted.
    """
    with_arg = len(argv) == 3 and argv[1] in COMMANDS_WITH_ARG
    if not with_arg and (len(argv) != 2 or argv[1] not in COMMANDS):
        print(USAGE, file=sys.stderr)
        return 2
    if with_arg and argv[1] != 'revoke-tokens' and argv[2] not in SERVICES:
        print(
            f'devcloud: no service {argv[2]!r}; the services are '
            f'{", ".join(SERVICES)}',
            file=sys.stderr,
        )
        return 2
    paths = Paths.from_environ(os.environ)
    try:
        if with_arg:
            return COMMANDS_WITH_ARG[argv[1]](paths, argv[2])
        return COMMANDS[argv[1]](paths)
    except Failure as f:
        report_failure(f)
        return 1
    except KeyboardInterrupt:
        print('devcloud: interrupted', file=sys.stderr)
        return 130
