"""Which TCP ports are taken, and by whom."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
import os

from devcloudlib.config import PORTS
from devcloudlib.output import Failure
from devcloudlib.processes import proc_cmdline


def parse_listening(lines: Iterable[str]) -> dict[int, list[int]]:
    """Listening sockets of a ``/proc/net/tcp`` table (header skipped).

    :param lines: the table's lines after its header.
    :returns: socket inodes by local port, for sockets in LISTEN state.
    """
    found: dict[int, list[int]] = {}
    for line in lines:
        parts = line.split()
        if len(parts) < 10 or parts[3] != '0A':
            continue
        port = int(parts[1].rsplit(':', 1)[1], 16)
        found.setdefault(port, []).append(int(parts[9]))
    return found


def listening_sockets() -> dict[int, list[int]]:
    """Every TCP socket in LISTEN state, IPv4 and IPv6.

    :returns: socket inodes by local port.
    """
    found: dict[int, list[int]] = {}
    for table in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(table) as f:
                next(f)
                for port, inodes in parse_listening(f).items():
                    found.setdefault(port, []).extend(inodes)
        except OSError:
            pass
    return found


def socket_owners(inodes: Iterable[int]) -> list[int]:
    """The processes holding any of these sockets open.

    :param inodes: socket inodes.
    :returns: pids, sorted (only those whose ``fd`` folder we may read).
    """
    wanted = {f'socket:[{i}]' for i in inodes}
    owners: set[int] = set()
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        fd_dir = f'/proc/{name}/fd'
        try:
            for fd in os.listdir(fd_dir):
                try:
                    if os.readlink(os.path.join(fd_dir, fd)) in wanted:
                        owners.add(int(name))
                        break
                except OSError:
                    pass
        except OSError:
            pass
    return sorted(owners)


def taken_ports(
    busy: Mapping[int, list[int]], ports: Iterable[int] = PORTS
) -> list[int]:
    """The needed ports that something listens on.

    :param busy: listening socket inodes by port.
    :param ports: the ports devcloud needs.
    :returns: the taken ones, in the order of ``ports``.
    """
    return [p for p in ports if p in busy]


def check_ports(ports: Iterable[int] = PORTS) -> None:
    """Refuse to start when a needed port is held by someone else.

    :param ports: the ports to check (default: all of :data:`PORTS`).
    :raises Failure: naming the first taken port and its holders.
    """
    busy = listening_sockets()
    for port in taken_ports(busy, ports):
        owners = socket_owners(busy[port])
        who = (
            ', '.join(f'pid {p} ({proc_cmdline(p)[:120]})' for p in owners)
            or 'an unknown process'
        )
        raise Failure(
            PORTS.get(port, str(port)),
            f'port {port} is already in use by '
            f'{who}, which devcloud did not start; refusing to start. Free '
            f'port {port} and run `tools/devcloud up` again.',
        )
