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

"""Page-by-page listing of snapshots.

The next page is always requested from the endpoint the first page came
from: only the ``marker`` is taken from the server's ``snapshots_links``,
so a link pointing at another host can never receive the token, and a
marker that repeats stops the listing with an error instead of looping,
as does a page holding only items already listed.  A page larger than the
``limit`` asked for is cut to it and the listing continues after the last
item kept.  Any failure after the first page (an HTTP error, a transport
failure once the proxy's retries are spent, an unreadable page) raises
:class:`~snapshot_ext.exceptions.ListingInterrupted`, saying how far the
listing got.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
import operator
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar
import urllib.parse

from snapshot_ext import exceptions as ext_exceptions
from snapshot_ext.v3 import _compat

if TYPE_CHECKING:
    from snapshot_ext import results

T = TypeVar('T')

_item_id = operator.itemgetter('id')
_join = ''.join


def _next_marker(links: Any, key: str) -> str | None:
    if links is None:
        return None
    if not isinstance(links, list):
        raise _compat.InvalidResponse(
            f"{key} in the listing is not a list: {type(links).__name__}"
        )
    for link in links:
        if not isinstance(link, dict) or link.get('rel') != 'next':
            continue
        href = link.get('href')
        if not isinstance(href, str):
            raise _compat.InvalidResponse(
                f"the next link in {key} has no href"
            )
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
        markers = query.get('marker')
        if not markers or not markers[-1]:
            raise _compat.InvalidResponse(
                f"the next link in {key} carries no marker: {href[:200]}"
            )
        return markers[-1]
    return None


def parse_page(
    data: Any, resources_key: str
) -> tuple[list[dict[str, Any]], str | None, int | None]:
    """Check a listing body and split it into items, marker and count.

    :param data: The decoded JSON body.
    :param resources_key: The key holding the list, e.g. ``"snapshots"``.
    :returns: The raw items, the next marker (or ``None``) and the count.
    :raises: :class:`~openstack.exceptions.InvalidResponse` when the body
        does not have the documented shape.
    """
    if not isinstance(data, dict):
        raise _compat.InvalidResponse(
            f"the listing body is a {type(data).__name__}, not an object"
        )
    items = data.get(resources_key)
    if not isinstance(items, list):
        raise _compat.InvalidResponse(
            f"the listing body has no list under {resources_key!r}"
        )
    try:
        # Joining the IDs refuses any that is not a string; getting them,
        # an item that is not a dict or holds none.
        _join(map(_item_id, items))
        well_formed = True
    except (TypeError, KeyError):
        well_formed = False
    if not well_formed:
        for item in items:
            if not isinstance(item, dict) or not isinstance(
                item.get('id'), str
            ):
                raise _compat.InvalidResponse(
                    f"an entry of {resources_key!r} is not an object with "
                    f"a string id: {str(item)[:200]}"
                )
    count = data.get('count')
    if count is not None and (
        isinstance(count, bool) or not isinstance(count, int)
    ):
        raise _compat.InvalidResponse(f"count is not an integer: {count!r}")
    marker = _next_marker(data.get(f'{resources_key}_links'), resources_key)
    return items, marker, count


def iterate(
    fetch: Callable[[dict[str, str]], Any],
    build: Callable[[list[dict[str, Any]]], list[T]],
    params: dict[str, str],
    resources_key: str,
    max_items: int | None = None,
) -> Iterator[results.Page[T]]:
    """Yield pages until the listing ends or ``max_items`` is reached.

    :param fetch: Sends one GET with the given query parameters and returns
        the decoded JSON body.
    :param build: Turns the raw items of one page into the objects to
        return, one per item, in order.
    :param params: The query parameters of the first page.
    :param resources_key: The key holding the list.
    :param max_items: Stop after this many items in all; ``None`` for all.
    :returns: An iterator of :class:`~snapshot_ext.results.Page`.
    :raises: :class:`~snapshot_ext.exceptions.ListingInterrupted` when a page
        after the first fails; the first page's error is raised as it is.
    """
    from snapshot_ext import results

    params = dict(params)
    page_size = int(params['limit']) if 'limit' in params else None
    # With with_count, a listing from the start is complete once it holds
    # ``count`` items; Cinder still links a next page after a short last
    # page then, which would cost one more request for an empty page.
    from_start = 'marker' not in params and 'offset' not in params
    seen: set[str] = set()
    listed: set[str] = set()
    number = 0
    total = 0
    while True:
        if max_items is not None:
            remaining = max_items - total
            if remaining <= 0:
                return
            if page_size is None or remaining < page_size:
                params['limit'] = str(remaining)
        try:
            data = fetch(params)
            raw, marker, count = parse_page(data, resources_key)
            limit = int(params['limit']) if 'limit' in params else None
            if limit is not None and len(raw) > limit:
                # More than asked for (a server ignoring limit): keep what
                # was asked for and continue after the last item kept.
                raw = raw[:limit]
                marker = raw[-1]['id'] if raw else None
            before = len(listed)
            listed.update(map(_item_id, raw))
            if raw and len(listed) == before:
                raise _compat.InvalidResponse(
                    f"page {number + 1} repeats only {resources_key} "
                    f"already listed (a pagination loop)"
                )
            items = build(raw)
        except Exception as exc:
            if number == 0:
                raise
            raise ext_exceptions.ListingInterrupted(
                f"listing {resources_key} failed after {number} page(s) "
                f"and {total} item(s); the result is incomplete: {exc}",
                pages=number,
                items=total,
                cause=exc,
            ) from exc
        number += 1
        total += len(items)
        if marker is not None and not items:
            marker = None
        if marker is not None and from_start and count is not None:
            if total >= count:
                marker = None
        if marker is not None and marker in seen:
            raise ext_exceptions.ListingInterrupted(
                f"listing {resources_key} stopped: the server sent "
                f"marker {marker!r} twice (a pagination loop) after "
                f"{number} page(s) and {total} item(s)",
                pages=number,
                items=total,
                cause=_compat.InvalidResponse('pagination loop'),
            )
        yield results.Page(
            items=items, next_marker=marker, count=count, number=number
        )
        if marker is None or (max_items is not None and total >= max_items):
            return
        seen.add(marker)
        params['marker'] = marker
        params.pop('offset', None)
