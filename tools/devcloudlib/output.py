"""Progress lines, failures and service logs."""

from __future__ import annotations

import os
import sys
import time
from typing import BinaryIO

T0 = time.monotonic()


class Failure(Exception):
    """A step failed; ``service`` names it and ``log`` is its log file."""

    def __init__(
        self, service: str, message: str, log: str | None = None
    ) -> None:
        """Record what failed.

        :param service: the service or step that failed.
        :param message: what went wrong.
        :param log: the log file to show, if any.
        """
        super().__init__(message)
        self.service = service
        self.message = message
        self.log = log


def say(msg: str) -> None:
    """Print a progress line with the time since the command started.

    :param msg: the line.
    """
    print(f'[{time.monotonic() - T0:6.1f}s] {msg}', flush=True)


def tail(path: str, lines: int = 30) -> str:
    """The last lines of a log file (read from its last 256 KiB).

    :param path: the log file.
    :param lines: how many lines.
    :returns: the lines, or a note saying why the file cannot be read.
    """
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 256 * 1024))
            data = f.read().decode('utf-8', 'replace')
    except OSError as e:
        return f'(cannot read {path}: {e})'
    return '\n'.join(data.splitlines()[-lines:])


def report_failure(fail: Failure) -> None:
    """Print a failure and the tail of its log on standard error.

    :param fail: the failure.
    """
    print(
        f'devcloud: FAILED: {fail.service}: {fail.message}',
        file=sys.stderr,
        flush=True,
    )
    if fail.log:
        print(
            f'devcloud: log of {fail.service}: {fail.log} '
            '(last 30 lines below)',
            file=sys.stderr,
        )
        print('-' * 72, file=sys.stderr)
        print(tail(fail.log), file=sys.stderr)
        print('-' * 72, file=sys.stderr, flush=True)


def open_log(path: str) -> BinaryIO:
    """Open a service log for appending, with a header for this run.

    :param path: the log file; its folder is created.
    :returns: the open file.
    """
    os.makedirs(os.path.dirname(path), exist_ok=True)
    f = open(path, 'ab')  # noqa: SIM115 - the caller closes it
    args = ' '.join(sys.argv[1:])
    when = time.strftime('%Y-%m-%d %H:%M:%S')
    f.write(f'\n==== devcloud {args} {when} ====\n'.encode())
    f.flush()
    return f
