"""cinder-api (127.0.0.1:8776), cinder-scheduler and cinder-volume."""

from __future__ import annotations

from collections.abc import Mapping
import os
import subprocess

from devcloudlib.config import CINDER_URL
from devcloudlib.config import Paths
from devcloudlib.config import cinder_conf_values
from devcloudlib.config import render
from devcloudlib.config import stamp_ok
from devcloudlib.config import stamp_set
from devcloudlib.httpapi import get_token
from devcloudlib.httpapi import http
from devcloudlib.httpapi import http_ok
from devcloudlib.infra import child_env
from devcloudlib.launch import run
from devcloudlib.launch import spawn
from devcloudlib.launch import wait_for
from devcloudlib.output import Failure
from devcloudlib.output import say
from devcloudlib.processes import PidRecords

CINDER_SERVICES = ('cinder-api', 'cinder-scheduler', 'cinder-volume')


def cinder_conf(paths: Paths) -> str:
    """The path of the rendered cinder.conf.

    :param paths: the state layout.
    :returns: the path.
    """
    return os.path.join(paths.etc, 'cinder', 'cinder.conf')


def prepare_cinder(paths: Paths, sec: Mapping[str, str]) -> str:
    """Render cinder.conf and sync its database once.

    :param paths: the state layout.
    :param sec: the passwords.
    :returns: the path of cinder.conf.
    :raises Failure: when the database sync fails.
    """
    conf = cinder_conf(paths)
    render('cinder.conf.in', conf, cinder_conf_values(paths, sec))
    for d in ('locks', 'coordination'):
        os.makedirs(os.path.join(paths.state, 'cinder', d), exist_ok=True)
    if not stamp_ok(paths, 'cinder-db'):
        run(
            paths,
            'cinder',
            [paths.bin('cinder-manage'), '--config-file', conf, 'db', 'sync'],
            child_env(paths),
            600,
            None,
            'cinder-manage',
        )
        stamp_set(paths, 'cinder-db')
        say('cinder: database synced (unlimited default quotas)')
    return conf


def spawn_cinder(
    paths: Paths, pids: PidRecords, conf: str, name: str
) -> subprocess.Popen[bytes]:
    """Start one Cinder service.

    :param paths: the state layout.
    :param pids: every record; the service's is added.
    :param conf: the path of cinder.conf.
    :param name: ``cinder-api``, ``cinder-scheduler`` or ``cinder-volume``.
    :returns: the process.
    """
    argv = [paths.bin(name), '--config-file', conf]
    return spawn(paths, name, argv, child_env(paths), pids)


def wait_cinder_api(
    paths: Paths, proc: subprocess.Popen[bytes] | None
) -> None:
    """Wait (120 s at most) until cinder-api answers.

    :param paths: the state layout.
    :param proc: its process, whose exit ends the wait.
    :raises Failure: at the bound.
    """
    wait_for(
        paths,
        'cinder-api',
        lambda: http_ok(CINDER_URL + '/'),
        120,
        proc,
        f'answering on {CINDER_URL}',
    )


def start_cinder(
    paths: Paths, pids: PidRecords, sec: Mapping[str, str]
) -> None:
    """Start cinder-api, -scheduler and -volume; wait for a storage pool.

    Unless ``DEVCLOUD_SKIP_SELFTEST=1``, a 1 GiB volume is then created
    and deleted.

    :param paths: the state layout.
    :param pids: every record; the services' are added.
    :param sec: the passwords.
    :raises Failure: when a service exits or is not ready in time.
    """
    conf = prepare_cinder(paths, sec)
    procs = {n: spawn_cinder(paths, pids, conf, n) for n in CINDER_SERVICES}
    wait_cinder_api(paths, procs['cinder-api'])
    say(f'cinder-api: up (pid {procs["cinder-api"].pid}, {CINDER_URL})')
    token, project_id = get_token('admin', sec['admin'], 'admin')
    base = f'{CINDER_URL}/v3/{project_id}'

    def pools() -> list[str] | None:
        for name, p in procs.items():
            if p.poll() is not None:
                raise Failure(
                    name, f'exited with status {p.returncode}', paths.log(name)
                )
        status, _, data = http(
            'GET', base + '/scheduler-stats/get_pools', token=token
        )
        if status == 200 and data and data.get('pools'):
            return [p['name'] for p in data['pools']]
        return None

    try:
        names = wait_for(
            paths,
            'cinder-scheduler',
            pools,
            150,
            None,
            'listing a storage pool (GET /scheduler-stats/get_pools)',
        )
    except Failure as f:
        if f.service == 'cinder-scheduler':
            f.message += '; see also {}'.format(paths.log('cinder-volume'))
        raise
    say(
        f'cinder-scheduler: up (pid {procs["cinder-scheduler"].pid}), pool '
        f'{", ".join(names)}; cinder-volume: up '
        f'(pid {procs["cinder-volume"].pid})'
    )
    if os.environ.get('DEVCLOUD_SKIP_SELFTEST') != '1':
        selftest(paths, base, token)


def selftest(paths: Paths, base: str, token: str) -> None:
    """Create a 1 GiB volume, wait until available, delete it.

    :param paths: the state layout.
    :param base: the project's Cinder URL.
    :param token: an admin token.
    :raises Failure: when the volume fails or takes over 90 s.
    """
    status, _, data = http(
        'POST',
        base + '/volumes',
        {'volume': {'size': 1, 'name': 'devcloud-selftest'}},
        token,
    )
    if status != 202:
        raise Failure(
            'cinder-api',
            f'test volume create: HTTP {status} {data}',
            paths.log('cinder-api'),
        )
    vid = data['volume']['id']

    def available() -> bool:
        status, _, data = http('GET', f'{base}/volumes/{vid}', token=token)
        st = data['volume']['status'] if status == 200 else None
        if st == 'error':
            raise Failure(
                'cinder-volume',
                f'test volume {vid} went to error',
                paths.log('cinder-volume'),
            )
        return st == 'available'

    wait_for(
        paths,
        'cinder-volume',
        available,
        90,
        None,
        'making a test volume available',
    )
    status, _, data = http('DELETE', f'{base}/volumes/{vid}', token=token)
    if status != 202:
        raise Failure(
            'cinder-api',
            f'test volume delete: HTTP {status} {data}',
            paths.log('cinder-api'),
        )

    def gone() -> bool:
        status, _, data = http('GET', f'{base}/volumes/{vid}', token=token)
        if status == 200 and data['volume']['status'] == 'error_deleting':
            raise Failure(
                'cinder-volume',
                f'test volume {vid}: error_deleting',
                paths.log('cinder-volume'),
            )
        return status == 404

    wait_for(
        paths, 'cinder-volume', gone, 90, None, 'deleting the test volume'
    )
    say('cinder: 1 GiB test volume created and deleted')
