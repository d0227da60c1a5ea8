"""Starting services and running one-off commands, bounded.

A service is started as the leader of a new session, with a random
``DEVCLOUD_SERVICE_TOKEN`` in its environment, and recorded in
``run/pids.json`` (see :mod:`devcloudlib.processes`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import os
import secrets
import subprocess
import time
from typing import TypeVar

from devcloudlib.config import Paths
from devcloudlib.output import Failure
from devcloudlib.output import open_log
from devcloudlib.processes import TOKEN_VAR
from devcloudlib.processes import PidRecords
from devcloudlib.processes import proc_stat
from devcloudlib.processes import save_pids

T = TypeVar('T')


def spawn(
    paths: Paths,
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str] | None,
    pids: PidRecords,
    cwd: str | None = None,
) -> subprocess.Popen[bytes]:
    """Start a service as a session leader, with output in its log.

    :param paths: the state layout.
    :param name: the service.
    :param argv: its command line.
    :param env: its environment (None: ours); the token is added.
    :param pids: every record; the new one is added and saved.
    :param cwd: its working folder (default: the state folder).
    :returns: the started process.
    :raises Failure: when it cannot be started.
    """
    logf = open_log(paths.log(name))
    token = secrets.token_hex(16)
    child_env = dict(os.environ if env is None else env)
    child_env[TOKEN_VAR] = token
    try:
        p = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=logf,
            stderr=subprocess.STDOUT,
            env=child_env,
            cwd=cwd or paths.state,
            start_new_session=True,
        )
    except OSError as e:
        raise Failure(
            name, f'cannot start {argv[0]}: {e}', paths.log(name)
        ) from e
    finally:
        logf.close()
    st = proc_stat(p.pid)
    # No start time (the process is already gone) means the record matches
    # no process later: nothing is ever signalled on its behalf.
    pids[name] = {
        'pid': p.pid,
        'start': st.start if st else None,
        'token': token,
        'cmd': ' '.join(argv)[:300],
        'log': paths.log(name),
    }
    save_pids(paths, pids)
    return p


def run(
    paths: Paths,
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    input_text: str | None = None,
    logname: str | None = None,
) -> None:
    """Run a command to completion with its output in a log; bounded.

    :param paths: the state layout.
    :param name: the service or step, for failures.
    :param argv: the command line.
    :param env: its environment (None: ours).
    :param timeout: seconds it may take.
    :param input_text: its standard input (None: nothing).
    :param logname: the log to write (default: ``name``).
    :raises Failure: when it cannot run, times out or exits non-zero.
    """
    log = paths.log(logname or name)
    logf = open_log(log)
    try:
        logf.write(('$ {}\n'.format(' '.join(argv))).encode())
        logf.flush()
        r = subprocess.run(
            list(argv),
            stdout=logf,
            stderr=subprocess.STDOUT,
            env=env,
            timeout=timeout,
            cwd=paths.state,
            input=input_text.encode() if input_text else None,
            stdin=None if input_text else subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise Failure(
            name,
            f'{os.path.basename(argv[0])} did not finish within {timeout}s',
            log,
        ) from e
    except OSError as e:
        raise Failure(name, f'cannot run {argv[0]}: {e}', log) from e
    finally:
        logf.close()
    if r.returncode != 0:
        raise Failure(
            name,
            f'{" ".join(argv[:2])} exited with status {r.returncode}',
            log,
        )


def wait_for(
    paths: Paths,
    name: str,
    check: Callable[[], T | None],
    bound: float,
    proc: subprocess.Popen[bytes] | None = None,
    what: str = 'ready',
) -> T:
    """Poll ``check`` until it returns a true value, at most ``bound`` s.

    :param paths: the state layout.
    :param name: the service, for failures.
    :param check: returns a true value when ready; a :class:`Failure` it
        raises ends the wait, other exceptions are retried.
    :param bound: seconds to wait.
    :param proc: the service's process: its exit ends the wait.
    :param what: what is awaited, for messages.
    :returns: what ``check`` returned.
    :raises Failure: at the bound, or when ``proc`` exits.
    """
    deadline = time.monotonic() + bound
    last_err: Exception | None = None
    while True:
        if proc is not None and proc.poll() is not None:
            raise Failure(
                name,
                f'exited with status {proc.returncode} before it was {what}',
                paths.log(name),
            )
        try:
            result = check()
            if result:
                return result
        except Failure:
            raise
        except Exception as e:  # noqa: BLE001 - reported at the bound
            last_err = e
        if time.monotonic() > deadline:
            detail = f' (last error: {last_err})' if last_err else ''
            raise Failure(
                name, f'not {what} after {bound}s{detail}', paths.log(name)
            )
        time.sleep(0.5)
