"""What the services need: Debian packages and a virtualenv."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

from devcloudlib.config import APT_PACKAGES
from devcloudlib.config import DATA_DIR
from devcloudlib.config import RABBIT_BIN
from devcloudlib.config import REQUIREMENTS
from devcloudlib.config import Paths
from devcloudlib.config import write_file
from devcloudlib.launch import run
from devcloudlib.output import Failure
from devcloudlib.output import say

#: Seconds apt-get waits for dpkg's lock held by another apt-get.
APT_LOCK_WAIT = 300


def ensure_apt_packages(paths: Paths) -> None:
    """Install MariaDB, RabbitMQ and python3-venv when missing.

    The packages' init scripts are kept from starting system-wide daemons.

    :param paths: the state layout.
    :raises Failure: when something is missing and we are not root, or
        apt fails.
    """
    needed = {
        'mariadbd': '/usr/sbin/mariadbd',
        'mariadb-install-db': '/usr/bin/mariadb-install-db',
        'mariadb': '/usr/bin/mariadb',
        'epmd': '/usr/bin/epmd',
        'rabbitmq-server': RABBIT_BIN + '/rabbitmq-server',
    }
    missing = [
        n
        for n, p in needed.items()
        if not (os.path.exists(p) or shutil.which(n))
    ]
    venv_ok = (
        subprocess.run(
            [sys.executable, '-c', 'import venv, ensurepip'],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        ).returncode
        == 0
    )
    packages = list(APT_PACKAGES) if missing else []
    if not venv_ok and not os.path.exists(paths.bin('python')):
        packages.append('python3-venv')
    if not packages:
        return
    if os.geteuid() != 0:
        what = ', '.join(missing or ['the python3 venv module'])
        raise Failure(
            'apt',
            f'missing {what}; as root run: apt-get '
            f'install {" ".join(packages)}',
        )
    say(f'apt: installing {" ".join(packages)}')
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    # policy-rc.d answering 101 keeps the packages' init scripts from
    # starting system-wide MariaDB and RabbitMQ daemons; it is only created
    # (and removed again) when the machine has none.
    policy = '/usr/sbin/policy-rc.d'
    made_policy = False
    if not os.path.exists(policy):
        write_file(policy, '#!/bin/sh\nexit 101\n', 0o755)
        made_policy = True
    try:
        # Another apt-get (e.g. tools/venv's, started alongside by
        # .ci/run) may hold dpkg's lock: wait for it instead of failing.
        wait = ['-o', f'DPkg::Lock::Timeout={APT_LOCK_WAIT}']
        run(
            paths,
            'apt',
            ['apt-get', *wait, 'update', '-q'],
            env=env,
            timeout=300 + APT_LOCK_WAIT,
        )
        run(
            paths,
            'apt',
            ['apt-get', *wait, 'install', '-y', '-q']
            + ['--no-install-recommends', *packages],
            env=env,
            timeout=600 + APT_LOCK_WAIT,
        )
    finally:
        if made_policy:
            os.unlink(policy)
    say('apt: done')


def venv_digest(constraints: bytes) -> str:
    """What the virtualenv was installed from, as a digest.

    :param constraints: the constraints file's content.
    :returns: a digest of it and of :data:`REQUIREMENTS`.
    """
    return hashlib.sha256(
        constraints + '\n'.join(REQUIREMENTS).encode()
    ).hexdigest()


def ensure_venv(paths: Paths) -> None:
    """Create the virtualenv and install Keystone and Cinder, once.

    :param paths: the state layout.
    :raises Failure: when venv or pip fails.
    """
    constraints = os.path.join(DATA_DIR, 'constraints.txt')
    with open(constraints, 'rb') as f:
        digest = venv_digest(f.read())
    stamp = os.path.join(paths.venv, '.devcloud-stamp')
    python = paths.bin('python')
    try:
        with open(stamp) as f:
            if f.read() == digest and os.path.exists(python):
                return
    except OSError:
        pass
    if not os.path.exists(python):
        say(f'venv: creating {paths.venv}')
        run(
            paths,
            'venv',
            [sys.executable, '-m', 'venv', paths.venv],
            logname='pip',
            timeout=300,
        )
    say(f'venv: pip install {" ".join(REQUIREMENTS)} (a minute or two)')
    run(
        paths,
        'venv',
        [
            paths.bin('pip'),
            'install',
            '--disable-pip-version-check',
            '-c',
            constraints,
            *REQUIREMENTS,
        ],
        logname='pip',
        timeout=1200,
    )
    write_file(stamp, digest)
    say('venv: ready')
