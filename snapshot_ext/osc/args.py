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

"""Parsing and checking the commands' arguments, before any request.

Each function here is an ``argparse`` ``type=``: a bad value makes the
command exit 2 with argparse's ``argument --x: ...`` message, before
the command sends anything to Block Storage.
"""

import argparse
import datetime
import re
import string

#: Seconds per duration unit.
UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}

_PART = re.compile(r'(\d+)([smhdw])')
_DURATION = re.compile(r'(?:\d+[smhdw])+')

#: The most threads a bulk command may use (as snapshot_ext allows).
MAX_CONCURRENCY = 64


def duration(text: str) -> datetime.timedelta:
    """Parse a duration such as ``30d``, ``12h``, ``90m``, ``1w2d``.

    :param text: Whole numbers each followed by a unit: ``s`` (seconds),
        ``m`` (minutes), ``h`` (hours), ``d`` (days) or ``w`` (weeks).
    :returns: The duration.
    :raises: :class:`argparse.ArgumentTypeError` naming the value when
        it is not of that form.
    """
    value = text.strip().lower()
    if not _DURATION.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r}: give whole numbers each followed "
            f"by s, m, h, d or w (seconds, minutes, hours, days, weeks), "
            f"e.g. 30d, 12h, 90m, 1w or 1d12h"
        )
    seconds = sum(
        int(number) * UNITS[unit] for number, unit in _PART.findall(value)
    )
    try:
        return datetime.timedelta(seconds=seconds)
    except OverflowError:
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r}: too long"
        ) from None


def non_negative_int(text: str) -> int:
    """Parse a whole number that is 0 or more.

    :param text: The argument.
    :returns: The number.
    :raises: :class:`argparse.ArgumentTypeError` otherwise.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def concurrency(text: str) -> int:
    """Parse a number of threads, 1 to :data:`MAX_CONCURRENCY`.

    :param text: The argument.
    :returns: The number.
    :raises: :class:`argparse.ArgumentTypeError` otherwise.
    """
    value = non_negative_int(text)
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"must be from 1 to {MAX_CONCURRENCY}, got {value}"
        )
    return value


def seconds(text: str) -> float:
    """Parse a positive number of seconds (``600``, ``2.5``).

    :param text: The argument.
    :returns: The number.
    :raises: :class:`argparse.ArgumentTypeError` otherwise.
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds"
        ) from None
    if not value > 0 or value == float('inf'):
        raise argparse.ArgumentTypeError(
            f"must be a positive number of seconds, got {text}"
        )
    return value


def property_pair(text: str) -> tuple[str, str]:
    """Parse a ``KEY=VALUE`` snapshot property.

    :param text: The argument.
    :returns: ``(key, value)``.
    :raises: :class:`argparse.ArgumentTypeError` without ``=`` or with
        an empty key.
    """
    key, sep, value = text.partition('=')
    if not sep or not key:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not of the form KEY=VALUE"
        )
    return key, value


#: The fields a ``bulk create --name`` template may use.
NAME_FIELDS = ('volume', 'volume_id', 'index')


def name_template(text: str) -> str:
    """Check a ``bulk create --name`` template.

    :param text: A name, optionally with ``{volume}`` (the volume's name,
        or its ID when it has none), ``{volume_id}`` and ``{index}`` (1,
        2, ... in the order the volumes are given).
    :returns: The template.
    :raises: :class:`argparse.ArgumentTypeError` for another field or a
        stray brace.
    """
    allowed = ', '.join('{' + f + '}' for f in NAME_FIELDS)
    try:
        fields = [
            field
            for _, field, _, _ in string.Formatter().parse(text)
            if field is not None
        ]
        if all(f in NAME_FIELDS for f in fields):
            # Format specifications and conversions are checked here.
            text.format(volume='name', volume_id='id', index=1)
    except ValueError as exc:
        problem = str(exc)
    else:
        unknown = [f for f in fields if f not in NAME_FIELDS]
        if not unknown:
            return text
        problem = f"unknown field {{{unknown[0]}}}"
    raise argparse.ArgumentTypeError(
        f"invalid name template {text!r} ({problem}); it may use "
        f"{allowed} and doubled braces for a literal brace"
    )
