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

"""Decoding the JSON of a listing's pages.

A page of a thousand snapshots is about half a megabyte of JSON, and
decoding it is most of what a listing costs the client.  When the
optional ``msgspec`` package is installed (``pip install
snapshot_ext[speedups]``), :func:`loads` decodes with it, in about half
the time of the standard library's ``json``.  Every document ``msgspec``
accepts decodes to what ``json.loads`` gives (the same values of the same
types, integers of any size included, keys in the same order, the last
of repeated keys kept); every document it refuses (``NaN`` or
``Infinity``, numbers too large for a float, UTF-16 or UTF-32, a byte
order mark, lone surrogates, or no JSON at all) is decoded by ``json``
instead, so the result, or the error and its message, is always
``json.loads``'s.

``json`` makes one string object per distinct key of a document; msgspec
does so only for short keys, not for the 40 characters of
``os-extended-snapshot-attributes:progress``, so each object of a page
would hold copies of the long ones.  :func:`share_keys` makes the
objects of a checked page hold the same key objects again.
"""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import itertools
import json
import operator
from typing import Any

import requests

try:
    from msgspec import json as _msgspec_json
except ImportError:  # pragma: no cover - depends on what is installed
    _fast_loads: Callable[[bytes], Any] | None = None
else:
    _fast_loads = _msgspec_json.decode


def accelerated() -> bool:
    """Tell whether :func:`loads` decodes with ``msgspec``.

    :returns: ``True`` when ``msgspec`` is installed.
    """
    return _fast_loads is not None


def loads(data: bytes) -> Any:
    """Decode a JSON document as ``json.loads`` does.

    :param data: The document's bytes (UTF-8, 16 or 32, as JSON allows).
    :returns: The decoded document.
    :raises: ValueError (``json.JSONDecodeError``) when it is not JSON,
        with ``json``'s message.
    """
    if _fast_loads is not None:
        # Whatever msgspec refuses, with whichever error its version
        # raises, json.loads decides, and words the error as it always did.
        with contextlib.suppress(Exception):
            return _fast_loads(data)
    return json.loads(data)


def json_body(response: requests.Response) -> Any:
    """Decode a JSON response body, read in one piece.

    ``response.json()`` has ``requests`` read the body in chunks of 10 KiB
    and decode it to text first; a page of a thousand snapshots is about
    half a megabyte.  For a response requested with ``stream=True`` this
    reads it with one call and decodes the JSON from the bytes with
    :func:`loads`.  A body already read (``stream=False``, or by
    keystoneauth's debug logging) is used as it is.

    :param response: The response.
    :returns: The decoded JSON.
    :raises: ValueError when the body is not JSON.
    """
    return loads(b''.join(response.iter_content(chunk_size=None)))


_copy = dict.copy
# ``copy |= item``: dict.update without an argument tuple per call.
_merge = operator.ior
_same = operator.is_


def share_keys(
    items: list[dict[str, Any]], keys: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Make the objects of a page hold the same key objects.

    :param items: The page's objects, each holding exactly ``keys`` in
        that order (as :func:`snapshot_ext.v3._checks.check_listed` made
        sure).
    :param keys: Their keys, as the first object holds them.
    :returns: ``items`` when the last object holds the key objects of the
        first already (as ``json`` decodes); else new objects, equal to
        them, whose keys are those of ``keys`` (the old objects are left
        to the caller, who drops them).
    """
    if not items or all(map(_same, keys, items[-1])):
        return items
    template = dict.fromkeys(keys)
    # Merging into a copy of the template keeps the template's key objects
    # and takes the item's values.
    return list(
        map(_merge, map(_copy, itertools.repeat(template, len(items))), items)
    )
