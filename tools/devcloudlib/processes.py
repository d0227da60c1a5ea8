"""Recording started services, recognising them, stopping them.

Safety rules: devcloud only ever signals processes it started.  Every
service is started as the leader of a new session with a random token in
its environment (``DEVCLOUD_SERVICE_TOKEN``), and ``run/pids.json`` keeps
its pid, its start time (clock ticks since boot, from ``/proc/PID/stat``)
and the token.  A process counts as the service's only while the recorded
leader still runs with that start time, or, once the leader is gone, when
the process carries the token in its environment.  A recycled pid matches
neither, and every stop is bounded (TERM, then KILL after a bound).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
import json
import os
import signal
import time
from typing import NamedTuple
from typing import TypedDict
from typing import cast

from devcloudlib.config import Paths
from devcloudlib.config import write_file
from devcloudlib.output import say

TOKEN_VAR = 'DEVCLOUD_SERVICE_TOKEN'


class _PidRecordBase(TypedDict):
    pid: int
    start: int | None


class PidRecord(_PidRecordBase, total=False):
    """One started service in ``run/pids.json``.

    ``start`` is the leader's start time in clock ticks (None when it was
    gone at once: such a record matches no process); ``token`` is the
    random value of ``DEVCLOUD_SERVICE_TOKEN`` in its environment.
    """

    token: str
    cmd: str
    log: str


PidRecords = dict[str, PidRecord]


class ProcStat(NamedTuple):
    """The fields of ``/proc/PID/stat`` that devcloud uses."""

    session: int
    start: int
    state: str
    ppid: int


def parse_stat(data: str) -> ProcStat:
    """Parse the text of ``/proc/PID/stat``.

    The command name (field 2) is in parentheses and may hold spaces and
    parentheses itself, so the fields are counted after the last ``)``.

    :param data: the file's text.
    :returns: session id, start time, state and parent pid.
    :raises ValueError: on text that is not a stat line.
    """
    fields = data[data.rindex(')') + 2 :].split()
    # fields[0] is field 3 of proc(5): state; ppid 4, session 6, start 22.
    return ProcStat(
        session=int(fields[3]),
        start=int(fields[19]),
        state=fields[0],
        ppid=int(fields[1]),
    )


def proc_stat(pid: int) -> ProcStat | None:
    """The stat fields of a process.

    :param pid: the process.
    :returns: its fields, or None when there is no such process.
    """
    try:
        with open(f'/proc/{pid}/stat') as f:
            data = f.read()
    except OSError:
        return None
    return parse_stat(data)


def proc_cmdline(pid: int) -> str:
    """The command line of a process, for messages.

    :param pid: the process.
    :returns: its arguments joined by spaces, or ``?``.
    """
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            raw = f.read()
    except OSError:
        return '?'
    return raw.replace(b'\0', b' ').decode('utf-8', 'replace').strip()


def load_pids(paths: Paths) -> PidRecords:
    """The recorded services.

    :param paths: the state layout.
    :returns: record by service name; empty when there is none.
    """
    try:
        with open(paths.pids_file) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return cast(PidRecords, data) if isinstance(data, dict) else {}


def save_pids(paths: Paths, pids: PidRecords) -> None:
    """Write the records.

    :param paths: the state layout.
    :param pids: record by service name.
    """
    text = json.dumps(pids, indent=1, sort_keys=True) + '\n'
    write_file(paths.pids_file, text)


def is_live_stat(st: ProcStat | None, start: int | None) -> bool:
    """Whether a stat line is a live process with this start time.

    :param st: the process's fields, or None.
    :param start: the recorded start time.
    :returns: True when it runs (not a zombie) and started then.
    """
    return (
        st is not None
        and bool(start)
        and st.start == start
        and st.state not in 'ZX'
    )


def is_alive(rec: PidRecord) -> bool:
    """True when the recorded leader still runs (same start time).

    :param rec: the service's record.
    :returns: whether its leader runs.
    """
    return is_live_stat(proc_stat(rec['pid']), rec.get('start'))


def environ_has_token(environ: bytes, token: str | None) -> bool:
    """Whether a NUL-separated environment holds this service's token.

    :param environ: the text of ``/proc/PID/environ``.
    :param token: the recorded token; None or empty matches nothing.
    :returns: True when ``DEVCLOUD_SERVICE_TOKEN=<token>`` is in it.
    """
    if not token:
        return False
    return f'{TOKEN_VAR}={token}'.encode() in environ.split(b'\0')


def carries_token(pid: int, token: str | None) -> bool:
    """True when the process's environment holds this service's token.

    Every service is started with a random token in its environment,
    which its descendants inherit; a process that merely reuses a recorded
    pid (after a crash or a reboot) does not have it.  (A process that
    rewrites its title, as gunicorn does, may hide its environment: then
    it is only found while its recorded leader lives.)

    :param pid: the process.
    :param token: the recorded token.
    :returns: whether the process carries it.
    """
    if not token:
        return False
    try:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            return environ_has_token(f.read(), token)
    except OSError:
        return False


def select_members(
    rec: PidRecord,
    table: Mapping[int, ProcStat],
    leader_alive: bool,
    has_token: Callable[[int], bool],
) -> list[int]:
    """The processes of a process table that belong to a service.

    Candidates are live processes started no earlier than the leader; while
    the leader lives every candidate may be ours, once it is gone only
    those carrying the token.  Members are the candidates in the leader's
    session and, transitively, their children (Erlang's ``erl_child_setup``
    makes a session of its own).

    :param rec: the service's record; one without a start time matches
        nothing.
    :param table: stat fields by pid of every process.
    :param leader_alive: whether the recorded leader still runs.
    :param has_token: tells whether a pid carries the service's token.
    :returns: the member pids, sorted.
    """
    start = rec.get('start')
    if not start:
        return []
    candidates = {
        pid: st
        for pid, st in table.items()
        if st.start >= start
        and st.state not in 'ZX'
        and (leader_alive or has_token(pid))
    }
    members = {
        pid for pid, st in candidates.items() if st.session == rec['pid']
    }
    grew = True
    while grew:
        more = {
            pid
            for pid, st in candidates.items()
            if st.ppid in members and pid not in members
        }
        members |= more
        grew = bool(more)
    return sorted(members)


def process_table() -> dict[int, ProcStat]:
    """Stat fields of every process in ``/proc``.

    :returns: fields by pid.
    """
    table: dict[int, ProcStat] = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            st = proc_stat(int(name))
            if st is not None:
                table[int(name)] = st
    return table


def session_members(rec: PidRecord) -> list[int]:
    """Live processes that descend from the service ``up`` started.

    :param rec: the service's record.
    :returns: the member pids (see :func:`select_members`).
    """
    if not rec.get('start'):
        return []
    token = rec.get('token')
    return select_members(
        rec,
        process_table(),
        is_alive(rec),
        lambda pid: carries_token(pid, token),
    )


def signal_pids(pids: Iterable[int], sig: signal.Signals) -> None:
    """Send a signal to processes; ones already gone are skipped.

    :param pids: the processes (members of our services only).
    :param sig: the signal.
    """
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def stop_services(
    paths: Paths,
    names: Sequence[str],
    pids: PidRecords,
    bound: float = 20.0,
) -> None:
    """TERM the leaders, then every member, then KILL, all bounded.

    The stopped services' records are removed and the rest saved.

    :param paths: the state layout.
    :param names: the services to stop.
    :param pids: every record; changed in place.
    :param bound: seconds until KILL (members get TERM at half of it).
    """
    recs = {n: pids[n] for n in names if n in pids}
    if not recs:
        return
    for rec in recs.values():
        if is_alive(rec):
            signal_pids([rec['pid']], signal.SIGTERM)
    deadline = time.monotonic() + bound
    phase = 'leader'
    while True:
        found = {n: session_members(r) for n, r in recs.items()}
        left = {n: m for n, m in found.items() if m}
        if not left:
            break
        now = time.monotonic()
        if phase == 'leader' and now > deadline - bound / 2:
            for m in left.values():
                signal_pids(m, signal.SIGTERM)
            phase = 'members'
        elif now > deadline:
            for n, m in left.items():
                say(
                    f'{n}: still running after {bound:.0f}s, sending KILL '
                    f'to {" ".join(map(str, m))}'
                )
                signal_pids(m, signal.SIGKILL)
            time.sleep(0.5)
            break
        time.sleep(0.2)
    for n in recs:
        pids.pop(n, None)
    save_pids(paths, pids)
