"""One service at a time: stop, start, restart; revoking a user's tokens.

The same rules as ``up`` and ``down`` hold: only processes that devcloud
started (by their pid record and token) are signalled, every wait is
bounded, and a service is only started on a port that nobody holds.
"""

from __future__ import annotations

from collections.abc import Mapping
import datetime
import os
import time
from typing import Any

from devcloudlib.blockstorage import CINDER_SERVICES
from devcloudlib.blockstorage import prepare_cinder
from devcloudlib.blockstorage import selftest
from devcloudlib.blockstorage import spawn_cinder
from devcloudlib.blockstorage import wait_cinder_api
from devcloudlib.config import CINDER_URL
from devcloudlib.config import KEYSTONE_URL
from devcloudlib.config import SERVICES
from devcloudlib.config import TOKEN_CACHE_TIME
from devcloudlib.config import Paths
from devcloudlib.config import load_secrets
from devcloudlib.httpapi import get_token
from devcloudlib.httpapi import http
from devcloudlib.httpapi import http_ok
from devcloudlib.identity import Identity
from devcloudlib.identity import start_keystone
from devcloudlib.infra import start_epmd
from devcloudlib.infra import start_mariadb
from devcloudlib.infra import start_rabbitmq
from devcloudlib.launch import wait_for
from devcloudlib.output import Failure
from devcloudlib.output import say
from devcloudlib.ports import check_ports
from devcloudlib.processes import PidRecords
from devcloudlib.processes import is_alive
from devcloudlib.processes import session_members
from devcloudlib.processes import stop_services

# The TCP ports each service listens on (all on 127.0.0.1).
SERVICE_PORTS: Mapping[str, tuple[int, ...]] = {
    'epmd': (4369,),
    'rabbitmq': (5672, 25672),
    'keystone': (5000,),
    'cinder-api': (8776,),
}

# What must run before a service is started.  RabbitMQ would otherwise
# start an epmd of its own, which devcloud did not record.
REQUIRES: Mapping[str, tuple[str, ...]] = {
    'rabbitmq': ('epmd',),
    'keystone': ('mariadb',),
    'cinder-api': ('mariadb', 'rabbitmq'),
    'cinder-scheduler': ('mariadb', 'rabbitmq'),
    'cinder-volume': ('mariadb', 'rabbitmq'),
}

# Users whose password devcloud knows (secrets.json key by user name).
KNOWN_USERS: Mapping[str, str] = {
    'admin': 'admin',
    'demo': 'demo',
    'cinder': 'cinder',
}

REPORT_BOUND = 60  # seconds for a restarted Cinder service to report
# Seconds a Cinder service must keep running when its readiness cannot be
# checked (Keystone or cinder-api does not answer).
STARTUP_GRACE = 5.0


def stop_bound(name: str) -> float:
    """Seconds a service gets to stop before it is killed.

    :param name: the service.
    :returns: 30 for RabbitMQ, else 20.
    """
    return 30.0 if name == 'rabbitmq' else 20.0


def check_service(name: str) -> None:
    """Refuse a name that is not a devcloud service.

    :param name: the name given.
    :raises Failure: naming the services there are.
    """
    if name not in SERVICES:
        raise Failure(
            'devcloud',
            f'no service {name!r}; the services are {", ".join(SERVICES)}',
        )


def missing_requirements(name: str, pids: PidRecords) -> list[str]:
    """The services that must run before ``name`` starts but do not.

    :param name: the service.
    :param pids: every record.
    :returns: the missing ones, in start order.
    """
    return [
        r
        for r in REQUIRES.get(name, ())
        if r not in pids or not is_alive(pids[r])
    ]


def stop_one(paths: Paths, name: str, pids: PidRecords) -> bool:
    """Stop one recorded service (bounded); others keep running.

    :param paths: the state layout.
    :param name: the service.
    :param pids: every record; the service's is removed.
    :returns: False when nothing was recorded for it.
    :raises Failure: when epmd would be stopped under a running RabbitMQ.
    """
    if name not in pids:
        return False
    if name == 'epmd' and 'rabbitmq' in pids and is_alive(pids['rabbitmq']):
        raise Failure(
            'epmd',
            'RabbitMQ runs and is registered with epmd; stop rabbitmq '
            'first (tools/devcloud stop rabbitmq)',
        )
    stop_services(paths, [name], pids, bound=stop_bound(name))
    return True


def _utcnow() -> datetime.datetime:
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.replace(tzinfo=None, microsecond=0)


def reported_since(
    services: Any, binary: str, since: datetime.datetime
) -> bool:
    """Whether a Cinder service reported after a moment.

    :param services: the ``services`` list of ``GET /os-services``.
    :param binary: e.g. ``cinder-volume``.
    :param since: the moment (naive UTC, whole seconds).
    :returns: True when a service of that binary is ``up`` with an
        ``updated_at`` later than ``since``.
    """
    for svc in services or ():
        if svc.get('binary') != binary or svc.get('state') != 'up':
            continue
        stamp = svc.get('updated_at')
        if not stamp:
            continue
        when = datetime.datetime.fromisoformat(stamp.split('.')[0])
        if when > since:
            return True
    return False


def _start_cinder_worker(
    paths: Paths, pids: PidRecords, sec: Mapping[str, str], name: str
) -> None:
    conf = prepare_cinder(paths, sec)
    since = _utcnow()
    p = spawn_cinder(paths, pids, conf, name)
    if not (http_ok(KEYSTONE_URL + '/v3') and http_ok(CINDER_URL + '/')):
        time.sleep(STARTUP_GRACE)
        if p.poll() is not None:
            raise Failure(
                name,
                f'exited with status {p.returncode} right after it started',
                paths.log(name),
            )
        say(
            f'{name}: started (pid {p.pid}); Keystone or cinder-api does '
            'not answer, so its readiness was not checked'
        )
        return
    token, project_id = get_token('admin', sec['admin'], 'admin')
    base = f'{CINDER_URL}/v3/{project_id}'

    def reported() -> bool:
        status, _, data = http(
            'GET', f'{base}/os-services?binary={name}', token=token
        )
        return status == 200 and reported_since(
            (data or {}).get('services'), name, since
        )

    wait_for(paths, name, reported, REPORT_BOUND, p, 'reporting as up')
    say(f'{name}: up (pid {p.pid})')
    if os.environ.get('DEVCLOUD_SKIP_SELFTEST') != '1':
        selftest(paths, base, token)


def start_one(paths: Paths, name: str, pids: PidRecords) -> bool:
    """Start one service, bounded; the others must run as it needs.

    :param paths: the state layout.
    :param name: the service.
    :param pids: every record; the service's is added.
    :returns: False when it was already running.
    :raises Failure: when a required service does not run, a port is
        taken, or the service is not ready in time.
    """
    rec = pids.get(name)
    if rec is not None and is_alive(rec):
        return False
    missing = missing_requirements(name, pids)
    if missing:
        raise Failure(
            name,
            f'needs {", ".join(missing)} running first '
            f'(tools/devcloud start {missing[0]})',
        )
    if rec is not None and session_members(rec):
        # The leader is gone but processes with its token remain.
        stop_services(paths, [name], pids, bound=stop_bound(name))
    check_ports(SERVICE_PORTS.get(name, ()))
    sec = load_secrets(paths)
    if name == 'mariadb':
        start_mariadb(paths, pids, sec)
    elif name == 'epmd':
        start_epmd(paths, pids)
    elif name == 'rabbitmq':
        start_rabbitmq(paths, pids, sec)
    elif name == 'keystone':
        start_keystone(paths, pids, sec)
    elif name == 'cinder-api':
        p = spawn_cinder(paths, pids, prepare_cinder(paths, sec), name)
        wait_cinder_api(paths, p)
        say(f'cinder-api: up (pid {p.pid}, {CINDER_URL})')
    elif name in CINDER_SERVICES:
        _start_cinder_worker(paths, pids, sec, name)
    return True


def revoke_tokens(paths: Paths, username: str) -> str:
    """Revoke every token Keystone issued to a user so far.

    Keystone records a revocation event for the user when its password is
    set or when it is disabled.  A user whose password devcloud keeps
    (admin, demo, cinder) gets that same password set again; any other
    user is disabled and enabled again.  Either way the user logs in as
    before, and tokens issued before are refused (401): by Keystone at
    once, by cinder-api once its token cache (``TOKEN_CACHE_TIME``
    seconds) has expired, which this waits for.

    :param paths: the state layout.
    :param username: the user's name in domain ``Default``.
    :returns: the user's id.
    :raises Failure: when there is no such user or Keystone refuses.
    """
    sec = load_secrets(paths)
    try:
        token, _ = get_token('admin', sec['admin'], 'admin')
        ks = Identity(token)
        user = ks.find('users', name=username, domain_id='default')
        if not user:
            raise Failure(
                'keystone', f'no user {username!r} in domain Default'
            )
        path = '/users/' + user['id']
        secret = KNOWN_USERS.get(username)
        if secret is not None:
            ks.call('PATCH', path, {'user': {'password': sec[secret]}})
        else:
            ks.call('PATCH', path, {'user': {'enabled': False}})
            ks.call('PATCH', path, {'user': {'enabled': True}})
    except (RuntimeError, OSError, KeyError) as e:
        raise Failure(
            'keystone',
            f'revoking the tokens of {username!r} failed: {e}',
            paths.log('keystone'),
        ) from e
    # cinder-api trusts a token it validated for TOKEN_CACHE_TIME seconds;
    # Fernet tokens carry their issue time in whole seconds, so one issued
    # in the second of the revocation would count as revoked too.
    time.sleep(TOKEN_CACHE_TIME + 1.1)
    return str(user['id'])
