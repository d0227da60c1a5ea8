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

"""The Snapshot object itself, stock class vs plugin class.

Every constructor is combined with every probe (attribute and item
access, ``to_dict()`` with each flag, the dict protocol, ``json.dumps``,
equality, ``repr``, dirty tracking); each probe's answer, or the class of
the exception it raises, must be the same for both classes.
"""

import copy
import itertools
import json
from typing import Any

from openstack.block_storage.v3 import snapshot as stock_snapshot

from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.compat import harness
from snapshot_ext.v3 import snapshot as plugin_snapshot

Constructor = Any
Probe = Any

STOCK = stock_snapshot.Snapshot
PLUGIN = plugin_snapshot.Snapshot

#: Attribute names: every Body field of stock's class, plus location.
ATTRIBUTES = sorted(STOCK._body_mapping().values()) + ['location']

CONSTRUCTORS: dict[str, Constructor] = {
    'empty': lambda cls: cls(),
    'server names': lambda cls: cls(**harness.snapshot()),
    'attribute names': lambda cls: cls(
        id='i',
        name='n',
        project_id='p',
        progress='5%',
        is_forced=True,
        size=3,
        metadata={'k': 'v'},
    ),
    'values to convert': lambda cls: cls(
        size='5',
        is_forced='true',
        consumes_quota='false',
        metadata=None,
        description=None,
    ),
    'unknown keys': lambda cls: cls(id='i', bogus=1, **{'x-y': 2}),
    'existing': lambda cls: cls.existing(**harness.snapshot()),
    'new': lambda cls: cls.new(**harness.snapshot()),
    'new by id': lambda cls: cls.new(id=harness.ID),
    'from a dict': lambda cls: cls._from_munch(harness.snapshot()),
    'changed after': lambda cls: _changed(cls.existing(**harness.snapshot())),
    'updated after': lambda cls: _updated(cls.existing(**harness.snapshot())),
}


def _changed(snap: Any) -> Any:
    snap.name = 'renamed'
    snap.metadata = {'x': 'y'}
    return snap


def _updated(snap: Any) -> Any:
    snap._update(description='d', size=7)
    return snap


def _attributes(snap: Any) -> dict[str, Any]:
    return {name: getattr(snap, name) for name in ATTRIBUTES}


def _items(snap: Any) -> dict[str, Any]:
    result = {}
    for key in ATTRIBUTES + [
        'os-extended-snapshot-attributes:progress',
        'force',
        'missing',
    ]:
        try:
            result[key] = snap[key]
        except Exception as exc:
            result[key] = ('raises', type(exc).__name__)
    return result


def _repr(snap: Any) -> str:
    # The class's module path differs; see test_repr_names_the_class.
    return repr(snap).replace(type(snap).__module__, '<module>')


def _to_dict_flags() -> dict[str, Probe]:
    probes: dict[str, Probe] = {}
    flags = ('body', 'headers', 'computed', 'ignore_none', 'original_names')
    defaults = {
        'body': True,
        'headers': True,
        'computed': True,
        'ignore_none': False,
        'original_names': False,
    }
    for values in itertools.product((False, True), repeat=len(flags)):
        kwargs = dict(zip(flags, values, strict=True))
        changed = {k: v for k, v in kwargs.items() if defaults[k] != v}
        name = 'to_dict(' + ', '.join(f'{k}={v}' for k, v in changed.items())
        probes[name + ')'] = lambda s, kw=kwargs: s.to_dict(**kw)
    probes['to_dict(_to_munch=True)'] = lambda s: s.to_dict(_to_munch=True)
    return probes


PROBES: dict[str, Probe] = {
    'attributes': _attributes,
    'items by key': _items,
    'get': lambda s: (s.get('name'), s.get('missing', 'dflt')),
    'keys': lambda s: sorted(s.keys()),
    'items': lambda s: sorted(s.items(), key=lambda kv: kv[0]),
    'values': lambda s: sorted(map(repr, s.values())),
    'len': len,
    'iteration': lambda s: sorted(s),
    'dict()': lambda s: dict(s),
    'json.dumps': lambda s: json.dumps(s, sort_keys=True),
    'in': lambda s: ('name' in s, 'force' in s, 'missing' in s),
    'equal to its copy': lambda s: s == copy.copy(s),
    'equal to a deep copy': lambda s: s == copy.deepcopy(s),
    'equal to its dict': lambda s: s == s.to_dict(),
    'equal to another': lambda s: s == type(s)(id='other'),
    'repr': _repr,
    'str': lambda s: str(s).replace(type(s).__module__, '<module>'),
    'dirty body': lambda s: sorted(s._body.dirty),
    'requires_commit': lambda s: s.requires_commit,
    'dirty after a change': lambda s: sorted(_changed(s)._body.dirty),
    'dirty after clean': lambda s: (s._body.clean(), sorted(s._body.dirty)),
    'to_dict after setting by key': lambda s: (
        s.__setitem__('name', 'k'),
        s.to_dict(),
    ),
    'attributes after setting by key': lambda s: (
        s.__setitem__('description', 'k'),
        _attributes(s),
    ),
    'hash': lambda s: _raises_or(lambda: hash(s)),
    **_to_dict_flags(),
}


def _raises_or(call: Any) -> Any:
    try:
        return ('returns', type(call()).__name__)
    except Exception as exc:
        return ('raises', type(exc).__name__)


def _run(source: Any, make: Constructor, probe: Probe) -> Any:
    try:
        return ('ok', probe(make(source)))
    except Exception as exc:
        return ('raises', type(exc).__name__)


class TestSnapshotObject(harness.CompatTestCase):
    def test_same(self) -> None:
        for (cname, make), (pname, probe) in itertools.product(
            CONSTRUCTORS.items(), PROBES.items()
        ):
            with self.subTest(constructor=cname, probe=pname):
                self.assertEqual(
                    _run(STOCK, make, probe),
                    _run(PLUGIN, make, probe),
                    f'{cname} / {pname}',
                )

    def test_same_from_the_server(self) -> None:
        # Objects made from answers (the plugin builds listed objects
        # its own way) answer every probe as stock's do.
        self.mock(
            'GET', f'/snapshots/{harness.ID}', json={'snapshot': harness.SHOW}
        )
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail',
            json=harness.listing(harness.trio()),
        )
        self.mock(
            'POST',
            '/snapshots',
            status_code=202,
            json={'snapshot': harness.snapshot(status='creating')},
        )
        sources: dict[str, harness.Call] = {
            'get': lambda c: c.block_storage.get_snapshot(harness.ID),
            'list': lambda c: list(c.block_storage.snapshots())[1],
            'create': lambda c: c.block_storage.create_snapshot(
                volume_id=harness.SHOW['volume_id'], name='n'
            ),
        }
        for (sname, source), (pname, probe) in itertools.product(
            sources.items(), PROBES.items()
        ):
            with self.subTest(source=sname, probe=pname):
                stock = _run(self.stock_conn, source, probe)
                plugin = _run(self.plugin_conn, source, probe)
                self.assertEqual(stock, plugin, f'{sname} / {pname}')

    def test_plugin_class_is_stock_class(self) -> None:
        self.assertTrue(issubclass(PLUGIN, STOCK))
        self.assertIs(PLUGIN, plugin_snapshot.SnapshotDetail)
        for name in ('resource_key', 'resources_key', 'base_path'):
            self.assertEqual(getattr(STOCK, name), getattr(PLUGIN, name))
        for name in (
            'allow_fetch',
            'allow_create',
            'allow_delete',
            'allow_commit',
            'allow_list',
        ):
            self.assertEqual(getattr(STOCK, name), getattr(PLUGIN, name))

    def test_repr_names_the_class(self) -> None:
        # Difference: repr() names the plugin's class.
        for make in CONSTRUCTORS.values():
            stock, plugin = make(STOCK), make(PLUGIN)
            self.assertEqual(
                repr(stock).replace(
                    'openstack.block_storage.v3.snapshot.', ''
                ),
                repr(plugin).replace('snapshot_ext.v3.snapshot.', ''),
            )

    def test_state_is_in_slots_not_in_vars(self) -> None:
        # Difference: the connection, microversion and body are kept in
        # slots; read and set as attributes as on stock's objects.
        state = {'_connection', 'microversion', '_body'}
        for name, make in CONSTRUCTORS.items():
            with self.subTest(constructor=name):
                stock, plugin = make(STOCK), make(PLUGIN)
                self.assertLessEqual(state, set(vars(stock)))
                self.assertEqual(set(), state & set(vars(plugin)))
                for attr in state:
                    self.assertEqual(
                        getattr(stock, attr) is None,
                        getattr(plugin, attr) is None,
                        attr,
                    )
                self.assertEqual(
                    stock._body.attributes, plugin._body.attributes
                )
                self.assertEqual(stock.microversion, plugin.microversion)

    def test_cross_class_equality(self) -> None:
        # A stock and a plugin snapshot of the same values are equal.
        for name, make in CONSTRUCTORS.items():
            with self.subTest(constructor=name):
                self.assertEqual(make(STOCK), make(PLUGIN))
                self.assertEqual(make(PLUGIN), make(STOCK))

    def test_query_mapping_keeps_stock_names(self) -> None:
        # Every query parameter stock's class knows is known to the
        # plugin's, under the same server name.
        stock = STOCK._query_mapping._mapping
        plugin = PLUGIN._query_mapping._mapping
        for key, value in stock.items():
            with self.subTest(key=key):
                self.assertEqual(value, plugin.get(key))
