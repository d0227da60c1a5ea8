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

"""The fast construction path: openstacksdk resources at dict speed.

For every object it builds, openstacksdk's
:class:`~openstack.resource.Resource` recomputes what depends only on the
class (which server keys belong to which attributes, what ``to_dict()``
gives) or on the connection and token (the object's ``location``).  This
package computes it once and builds objects from those tables; nothing in
openstacksdk itself changes, and only classes that opt in (by the mixin)
behave differently, and only in cost.

**Contract.**  An object built here is identical to the one openstacksdk's
own construction builds for the same class and values: ``==`` both ways,
``to_dict()`` with every flag, ``repr()``, the ``dict`` content and its
order, each component's values and changed keys, the location, the
microversion and the connection, also after an attribute is changed.
Because the tables re-implement openstacksdk internals that a later
openstacksdk may change, this is proven at run time: before the fast path
builds the first object of a class, :func:`layout` runs the self-check
(:mod:`.check`), which builds sample objects both ways and compares them.
On any difference one warning is logged on the
``snapshot_ext.v3._speedups`` logger and the class is built by
openstacksdk's own code from then on (:attr:`.layouts.Layout.native`).
The check runs at the class's first listing, or once a few objects were
built one at a time (:data:`.mixin.UNCHECKED_OBJECTS`); openstacksdk's
own code builds those few.  A class that sends some requests itself once
the check has passed (``Snapshot``'s create and delete) has them compared
with openstacksdk's by the same check (``_send_differences``).

**Modules.**

* :mod:`.layouts`: per class, the precomputed tables
  (:class:`~.layouts.Layout`, the ``to_dict()`` :class:`~.layouts.Plan`)
  and the component manager whose parts are made on use;
* :mod:`.locations`: per connection and token, the ``location`` values
  (:class:`~.locations.Locations`);
* :mod:`.mixin`: :class:`PrecomputedFields`, which makes openstacksdk's
  own code paths (``new``, ``existing``, fetch, create, commit and delete
  responses, ``to_dict()``) use those tables, and :func:`layout`, which
  makes each class's layout once, behind the self-check;
* :mod:`.builder`: :class:`Builder`, which makes the objects of a listing
  directly from the decoded JSON, one at a time or a page at once;
* :mod:`.decoding`: :func:`json_body`, which reads a page in one piece
  and decodes it with ``msgspec`` when it is installed, exactly as
  ``json`` does, and :func:`share_keys`, which gives the objects of a
  page the same key objects;
* :mod:`.check`: the self-check itself (depends on openstacksdk only; what
  it checks is handed to it).

The endpoint cache, which saves keystoneauth's catalog lookup per request,
is transport and lives in :mod:`snapshot_ext.v3._endpoint`.

**Internal API.**  The rest of snapshot_ext uses only the names below: a
resource class lists :class:`PrecomputedFields` first in its bases (and
keeps :data:`STATE_SLOTS` in slots), a
listing builds its objects with :class:`Builder` from :func:`json_body`,
and :func:`layout` runs the self-check ahead of time where its cost should
not fall on the first listing.  The answer of a get, create or delete
(one object) is taken with :func:`take_answer`, a get by ID builds its
object once with :func:`build_fetched`, and a create from fields builds
its object once with :func:`build_created` (from :func:`new_body` and the
answer), when :func:`single_layout` gives the class's checked layout.
The builder, the decoding and the check are imported when first used (a
listing, the self-check): a script that only gets or creates snapshots
does not load them.
"""

from typing import TYPE_CHECKING
from typing import Any

from snapshot_ext.v3._speedups.mixin import STATE_SLOTS
from snapshot_ext.v3._speedups.mixin import PrecomputedFields
from snapshot_ext.v3._speedups.mixin import SingleLayout
from snapshot_ext.v3._speedups.mixin import build_created
from snapshot_ext.v3._speedups.mixin import build_fetched
from snapshot_ext.v3._speedups.mixin import layout
from snapshot_ext.v3._speedups.mixin import new_body
from snapshot_ext.v3._speedups.mixin import single_layout
from snapshot_ext.v3._speedups.mixin import take_answer

if TYPE_CHECKING:
    from snapshot_ext.v3._speedups.builder import Builder
    from snapshot_ext.v3._speedups.decoding import json_body
    from snapshot_ext.v3._speedups.decoding import share_keys

__all__ = [
    'Builder',
    'PrecomputedFields',
    'STATE_SLOTS',
    'SingleLayout',
    'build_created',
    'build_fetched',
    'json_body',
    'layout',
    'new_body',
    'share_keys',
    'single_layout',
    'take_answer',
]


def __getattr__(name: str) -> Any:
    # The builder's and the decoding's names, imported on first use
    # (PEP 562).
    if name == 'Builder':
        from snapshot_ext.v3._speedups import builder

        return builder.Builder
    if name in ('json_body', 'share_keys'):
        from snapshot_ext.v3._speedups import decoding

        return getattr(decoding, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
