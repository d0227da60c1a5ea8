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

"""Finding the snapshots and volumes named on the command line."""

from collections.abc import Iterable
from collections.abc import Sequence
import re
from typing import Any

from snapshot_ext.osc.base import UsageError

#: A snapshot or volume ID: a UUID, with or without its dashes.
UUID_PATTERN = re.compile(
    r'[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}',
    re.IGNORECASE,
)


def resolve(
    refs: Sequence[str],
    listing: Iterable[Any],
    kind: str,
    *,
    missing_ids_ok: bool = False,
) -> list[Any]:
    """Match names or IDs against one listing.

    :param refs: Names or IDs, as given on the command line.
    :param listing: The resources to match (one listing request).
    :param kind: ``'snapshot'`` or ``'volume'``, for the error.
    :param missing_ids_ok: Return an ID of UUID form that is not listed
        as it is (a snapshot already gone), instead of refusing it.
    :returns: One resource (or a passed-through ID) per ref, in order.
    :raises: :class:`UsageError` naming every unknown or ambiguous ref,
        or a ref given twice.
    """
    by_id: dict[str, Any] = {}
    by_name: dict[str, list[Any]] = {}
    for entry in listing:
        by_id[entry.id] = entry
        if entry.name:
            by_name.setdefault(entry.name, []).append(entry)
    found: list[Any] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for ref in refs:
        if ref in by_id:
            res: Any = by_id[ref]
        elif len(by_name.get(ref, ())) == 1:
            res = by_name[ref][0]
        elif ref in by_name:
            ids = ', '.join(sorted(r.id for r in by_name[ref]))
            problems.append(
                f"more than one {kind} is named {ref!r} ({ids}); give its ID"
            )
            continue
        elif missing_ids_ok and UUID_PATTERN.fullmatch(ref):
            res = ref
        else:
            problems.append(f"no {kind} with name or ID {ref!r}")
            continue
        key = res if isinstance(res, str) else res.id
        if key in seen:
            problems.append(
                f"{kind} {ref!r} is given twice (also as {seen[key]!r})"
            )
            continue
        seen[key] = ref
        found.append(res)
    if problems:
        raise UsageError('; '.join(problems))
    return found
