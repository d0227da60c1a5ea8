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

"""Put snapshot_ext in place of openstacksdk's block-storage v3 classes.

This module is part of the ``tools/sdk-tests`` harness, which runs
openstacksdk's own unit tests (the ``openstack/tests/unit`` tree its wheel
ships) once on stock openstacksdk and once with snapshot_ext.  It is never
imported by snapshot_ext itself.

Python imports a module named ``sitecustomize`` at start-up when one is on
``sys.path``.  ``tools/sdk-tests`` puts this module's folder on
``PYTHONPATH`` for the snapshot_ext run only, so the stestr runner and
every stestr worker it starts apply :func:`install` before any test module
is imported.  The stock (control) run does not have this folder on
``PYTHONPATH``.

:func:`install` does three things:

* ``openstack.block_storage.v3._proxy.Proxy`` becomes
  :class:`snapshot_ext.Proxy`;
* ``openstack.block_storage.v3.snapshot.Snapshot`` (and its alias
  ``SnapshotDetail``) becomes :class:`snapshot_ext.v3.snapshot.Snapshot`;
* ``openstack.connection.Connection.__init__`` ends with
  ``snapshot_ext.register(self)``, as a clouds.yaml ``vendor_hook:
  snapshot_ext:register`` would, so every connection a test builds uses
  snapshot_ext's proxy.

openstacksdk's tests import the modules (``from
openstack.block_storage.v3 import snapshot``) and look the classes up as
module attributes when a test runs (``snapshot.Snapshot``,
``_proxy.Proxy(self.session)``, ``mock.patch('openstack.block_storage.v3.
snapshot.Snapshot.reset_status')``), so replacing the module attributes
reaches them all.  openstacksdk's own modules that look the classes up at
run time (the cloud layer, the stock proxy's inherited methods) get
snapshot_ext's classes too, as they would in a process where only
snapshot_ext builds snapshots.  Classes captured at import time (the
block-storage service's version table) are not changed; the registration
on every connection covers them, as it does for real users.

When the substitution cannot be made the interpreter stops with a message
(``SystemExit``): a run that silently used the stock classes would report
stock openstacksdk's results as snapshot_ext's.
"""

import functools
from typing import Any


def install() -> None:
    """Substitute snapshot_ext's classes and register it on connections.

    Applying it twice is harmless.

    :returns: ``None``
    """
    from openstack import connection
    from openstack.block_storage.v3 import _proxy as stock_proxy
    from openstack.block_storage.v3 import snapshot as stock_snapshot

    import snapshot_ext
    from snapshot_ext.v3 import _proxy
    from snapshot_ext.v3 import snapshot

    stock_proxy.Proxy = _proxy.Proxy  # type: ignore[misc]
    stock_snapshot.Snapshot = snapshot.Snapshot  # type: ignore[misc]
    stock_snapshot.SnapshotDetail = snapshot.Snapshot  # type: ignore[misc]

    init = connection.Connection.__init__
    if getattr(init, '_snapshot_ext_sdk_tests', False):
        return

    @functools.wraps(init)
    def __init__(self: connection.Connection, *a: Any, **kw: Any) -> None:
        init(self, *a, **kw)
        snapshot_ext.register(self)

    __init__._snapshot_ext_sdk_tests = True  # type: ignore[attr-defined]
    connection.Connection.__init__ = __init__  # type: ignore[method-assign]


try:
    install()
except Exception as exc:  # noqa: BLE001 - any failure must stop the run
    raise SystemExit(
        f"tools/sdk-tests: cannot put snapshot_ext in place of "
        f"openstacksdk's classes: {type(exc).__name__}: {exc}"
    ) from exc
