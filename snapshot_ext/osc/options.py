# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The options several commands share.

``--wait``, ``--timeout``, ``--interval``, ``--concurrency`` and
``--all-projects``, with the same defaults and checks everywhere.
"""

import argparse

from snapshot_ext.osc import args as _args
from snapshot_ext.v3 import _waiting


def add_wait_options(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--wait``, ``--timeout`` and ``--interval``.

    :param parser: The command's parser.
    :param what: What ``--wait`` waits for, for its help.
    """
    parser.add_argument(
        '--wait',
        action='store_true',
        help=f'Wait until {what} (one snapshot listing per poll)',
    )
    add_timing_options(parser)


def add_timing_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--timeout`` and ``--interval``.

    :param parser: The command's parser.
    """
    parser.add_argument(
        '--timeout',
        metavar='<seconds>',
        type=_args.seconds,
        default=600.0,
        help='Seconds to wait in all (default: 600)',
    )
    parser.add_argument(
        '--interval',
        metavar='<seconds>',
        type=_args.seconds,
        default=_waiting.BULK_INTERVAL,
        help=(
            'Seconds before the second poll; later pauses grow up to '
            f'15 seconds (default: {_waiting.BULK_INTERVAL:g})'
        ),
    )


def add_concurrency(parser: argparse.ArgumentParser) -> None:
    """Add ``--concurrency``.

    :param parser: The command's parser.
    """
    parser.add_argument(
        '--concurrency',
        metavar='<threads>',
        type=_args.concurrency,
        default=8,
        help='Requests sent at once, 1 to 64 (default: 8)',
    )


def add_all_projects(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--all-projects``.

    :param parser: The command's parser.
    :param what: What it applies to, for its help.
    """
    parser.add_argument(
        '--all-projects',
        action='store_true',
        help=f'{what} (admin only)',
    )
