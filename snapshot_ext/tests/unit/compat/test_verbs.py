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

"""The snapshot verbs of the block-storage proxy, stock vs plugin."""

import json
from typing import Any
import warnings

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import _proxy as stock_proxy
from openstack.block_storage.v3 import snapshot as stock_snapshot

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.compat import harness

ID = harness.ID
VOLUME_ID = harness.SHOW['volume_id']
PATH = f'/snapshots/{ID}'
ACTION = f'{PATH}/action'

BAD_REQUEST = {'badRequest': {'code': 400, 'message': 'Invalid input.'}}
NOT_FOUND = {'itemNotFound': {'code': 404, 'message': 'not found'}}


def _stock_object(conn: Any) -> stock_snapshot.Snapshot:
    # A stock Snapshot, as code that made one itself holds it.
    return stock_snapshot.Snapshot.existing(
        connection=conn, **harness.snapshot()
    )


class TestReadVerbs(harness.CompatTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mock('GET', PATH, json={'snapshot': harness.SHOW})
        self.mock('GET', '/snapshots/missing', status_code=404, json=NOT_FOUND)
        answer = harness.listing(harness.trio() + [harness.SHOW])
        for path in ('/snapshots', '/snapshots/detail'):
            self.requests_mock.get(fakes.ENDPOINT + path, json=answer)
        for name in ('alpha', 'beta', 'nothing'):
            self.mock(
                'GET', f'/snapshots/{name}', status_code=404, json=NOT_FOUND
            )

    def test_same(self) -> None:
        cases: dict[str, harness.Call] = {
            'get by ID': lambda c: c.block_storage.get_snapshot(ID),
            'get a stock object': lambda c: c.block_storage.get_snapshot(
                _stock_object(c)
            ),
            'get missing': lambda c: c.block_storage.get_snapshot('missing'),
            '_get': lambda c: c.block_storage._get(
                type(c.block_storage)._resource_registry['snapshot'], ID
            ),
            'find by ID': lambda c: c.block_storage.find_snapshot(
                ID, ignore_missing=False
            ),
            'find by name': lambda c: c.block_storage.find_snapshot(
                'alpha', ignore_missing=False
            ),
            'find summary': lambda c: c.block_storage.find_snapshot(
                'alpha', ignore_missing=False, details=False
            ),
            'find missing, ignored': lambda c: c.block_storage.find_snapshot(
                'nothing'
            ),
            'find missing': lambda c: c.block_storage.find_snapshot(
                'nothing', ignore_missing=False
            ),
            '_find': lambda c: c.block_storage._find(
                type(c.block_storage)._resource_registry['snapshot'],
                'alpha',
                ignore_missing=False,
            ),
            'cloud get by id': lambda c: c.get_volume_snapshot_by_id(ID),
            'cloud get': lambda c: c.get_volume_snapshot('alpha'),
            'cloud get missing': lambda c: c.get_volume_snapshot('nothing'),
            'cloud get, filters': lambda c: c.get_volume_snapshot(
                'alpha', filters={'size': 1}
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                self.assert_same(call)

    def test_stock_object_not_updated_in_place(self) -> None:
        # Difference: a stock Snapshot given to a verb is read for its ID;
        # the plugin returns its own Snapshot (equal, per the cases
        # above) and leaves the given object as it was.
        def call(c: Any) -> Any:
            given = _stock_object(c)
            given.name = 'stale'
            given._body.clean()
            return given, c.block_storage.get_snapshot(given)

        stock, plugin = self.both(call)
        self.assertEqual(stock.sent, plugin.sent)
        self.assertEqual(stock.result[1], plugin.result[1])
        given, returned = stock.raw
        self.assertIs(given, returned)
        given, returned = plugin.raw
        self.assertIsNot(given, returned)
        self.assertEqual('stale', given.name)
        self.assertEqual(harness.SHOW['name'], returned.name)

    def test_find_duplicate(self) -> None:
        twins = [harness.snapshot(), harness.snapshot(id='other')]
        answer = harness.listing(twins)
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail', json=answer
        )
        self.mock(
            'GET',
            f"/snapshots/{harness.SHOW['name']}",
            status_code=404,
            json=NOT_FOUND,
        )
        stock, _ = self.assert_same(
            lambda c: c.block_storage.find_snapshot(
                harness.SHOW['name'], ignore_missing=False
            )
        )
        self.assertIsInstance(stock.error, sdk_exceptions.DuplicateResource)

    def test_find_all_projects(self) -> None:
        # The one difference: all_tenants=1 instead of True.
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.find_snapshot(
                'alpha', ignore_missing=False, all_projects=True
            ),
            same_requests=False,
        )
        self.assertEqual(
            {'all_tenants': ['True'], 'name': ['alpha']},
            {**stock.sent[1].query},
        )
        self.assertEqual(
            {'all_tenants': ['1'], 'name': ['alpha']}, plugin.sent[1].query
        )
        self.assertEqual(stock.sent[0], plugin.sent[0])


class TestWriteVerbs(harness.CompatTestCase):
    def test_create(self) -> None:
        created = harness.snapshot(status='creating')
        self.mock(
            'POST', '/snapshots', status_code=202, json={'snapshot': created}
        )
        attrs = {
            'volume_id': VOLUME_ID,
            'name': 'n',
            'description': 'd',
            'metadata': {'k': 'v'},
        }
        self.assert_same(lambda c: c.block_storage.create_snapshot(**attrs))
        self.assert_same(
            lambda c: c.block_storage._create(
                type(c.block_storage)._resource_registry['snapshot'], **attrs
            )
        )

    def test_create_force_from_366(self) -> None:
        # Difference: from microversion 3.66 the plugin leaves force out
        # of the request (Cinder refuses force=False there); the returned
        # object carries is_forced as given, as stock's does.
        created = harness.snapshot(status='creating')
        self.mock(
            'POST', '/snapshots', status_code=202, json={'snapshot': created}
        )
        for force in (True, False, 'true'):
            with self.subTest(force=force):
                if not self.supports('3.66'):
                    self.assert_same(
                        harness.verb(
                            'create_snapshot', volume_id=VOLUME_ID, force=force
                        )
                    )
                    continue
                stock, plugin = self.assert_same(
                    harness.verb(
                        'create_snapshot', volume_id=VOLUME_ID, force=force
                    ),
                    same_requests=False,
                )
                self.assertEqual(
                    {'snapshot': {'volume_id': VOLUME_ID}},
                    plugin.sent[0].body,
                )
                self.assertIn('force', stock.sent[0].body['snapshot'])
                self.assertIsNotNone(plugin.raw.is_forced)
                self.assertEqual(stock.raw.is_forced, plugin.raw.is_forced)
                self.assertEqual(
                    json.dumps(stock.raw, sort_keys=True),
                    json.dumps(plugin.raw, sort_keys=True),
                )
                self.assertEqual(dict(stock.raw), dict(plugin.raw))

    def test_create_refused_early(self) -> None:
        # What Cinder answers with 400 the plugin refuses before sending,
        # with a subclass of the same BadRequestException.
        self.mock('POST', '/snapshots', status_code=400, json=BAD_REQUEST)
        cases = {
            'no volume_id': {'name': 'n'},
            'a read-only attribute': {'volume_id': VOLUME_ID, 'size': 5},
            'status': {'volume_id': VOLUME_ID, 'status': 'available'},
            'id': {'volume_id': VOLUME_ID, 'id': 'x'},
            'created_at': {'volume_id': VOLUME_ID, 'created_at': 'x'},
            'a field by its server name': {
                'volume_id': VOLUME_ID,
                'os-extended-snapshot-attributes:progress': '5%',
            },
            'a non-string metadata value': {
                'volume_id': VOLUME_ID,
                'metadata': {'k': 1},
            },
            'a name too long': {'volume_id': VOLUME_ID, 'name': 'x' * 256},
        }
        for name, attrs in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.assert_same(
                    harness.verb('create_snapshot', **attrs),
                    same_requests=False,
                )
                self.assertIsInstance(
                    stock.error, sdk_exceptions.BadRequestException
                )
                self.assertIsInstance(
                    plugin.error, exceptions.InvalidSnapshotRequest
                )
                self.assertEqual(1, len(stock.sent))
                # Stock sends every attribute given: Cinder refuses it.
                self.assertEqual({'snapshot': dict(attrs)}, stock.sent[0].body)
                self.assertEqual([], plugin.sent)

    def test_update(self) -> None:
        self.mock('PUT', PATH, json={'snapshot': harness.SHOW})
        cases: dict[str, harness.Call] = {
            'name': lambda c: c.block_storage.update_snapshot(ID, name='n'),
            'both': lambda c: c.block_storage.update_snapshot(
                ID, name='n', description='d'
            ),
            'a stock object': lambda c: c.block_storage.update_snapshot(
                _stock_object(c), description='d'
            ),
            '_update': lambda c: c.block_storage._update(
                type(c.block_storage)._resource_registry['snapshot'],
                ID,
                name='n',
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                self.assert_same(call)

    def test_update_nothing(self) -> None:
        self.mock('PUT', PATH, json={'snapshot': harness.SHOW})
        stock, plugin = self.both(
            lambda c: c.block_storage.update_snapshot(
                c.block_storage.get_snapshot(ID)
            ),
            prepare=lambda: self.mock(
                'GET', PATH, json={'snapshot': harness.SHOW}
            ),
        )
        self.assertEqual(stock.result, plugin.result)
        self.assertEqual(stock.sent, plugin.sent)

    def test_update_refused_early(self) -> None:
        # Snapshot fields Cinder does not update: stock sends them and
        # Cinder answers 400.
        self.mock('PUT', PATH, status_code=400, json=BAD_REQUEST)
        for attrs in (
            {'size': 3},
            {'name': 'm', 'status': 'error'},
            {'created_at': 'x'},
            {'metadata': {'k': 'v'}},
        ):
            with self.subTest(attrs=attrs):
                stock, plugin = self.assert_same(
                    harness.verb('update_snapshot', ID, **attrs),
                    same_requests=False,
                )
                self.assertIsInstance(
                    stock.error, sdk_exceptions.BadRequestException
                )
                self.assertEqual({'snapshot': attrs}, stock.sent[0].body)
                self.assertIsInstance(
                    plugin.error, exceptions.InvalidSnapshotRequest
                )
                self.assertIn('Cinder would answer 400', str(plugin.error))
                self.assertEqual([], plugin.sent)

    def test_base_path(self) -> None:
        # Passed on to Proxy._create and Proxy._update, as stock does.
        created = harness.snapshot(status='creating')
        for path in ('/snapshots', '/other'):
            self.mock(
                'POST', path, status_code=202, json={'snapshot': created}
            )
            self.mock('PUT', f'{path}/{ID}', json={'snapshot': harness.SHOW})
        cases: dict[str, tuple[harness.Call, list[str]]] = {
            'create, None': (
                harness.verb(
                    'create_snapshot', volume_id=VOLUME_ID, base_path=None
                ),
                ['/snapshots'],
            ),
            'create, another path': (
                harness.verb(
                    'create_snapshot', volume_id=VOLUME_ID, base_path='/other'
                ),
                ['/other'],
            ),
            'update, None': (
                harness.verb('update_snapshot', ID, name='m', base_path=None),
                [PATH],
            ),
            'update, another path': (
                harness.verb(
                    'update_snapshot', ID, name='m', base_path='/other'
                ),
                [f'/other/{ID}'],
            ),
            'update, nothing to change': (
                harness.verb('update_snapshot', ID, base_path='/other'),
                [],
            ),
        }
        for name, (call, paths) in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.assert_same(call)
                self.assertIsNone(plugin.error)
                self.assertEqual(paths, [sent.path for sent in plugin.sent])

    def test_unknown_attributes_refused(self) -> None:
        # Difference: a name that is no snapshot attribute is dropped by
        # stock without a word (a misspelt description is then simply not
        # set); the plugin refuses it, saying so.
        created = harness.snapshot(status='creating')
        self.mock(
            'POST', '/snapshots', status_code=202, json={'snapshot': created}
        )
        self.mock('PUT', PATH, json={'snapshot': harness.SHOW})
        create_body = {'snapshot': {'volume_id': VOLUME_ID}}
        cases: dict[str, tuple[harness.Call, list[harness.Sent], str]] = {
            'create, misspelt': (
                harness.verb(
                    'create_snapshot', volume_id=VOLUME_ID, descripton='d'
                ),
                [harness.Sent('POST', '/snapshots', {}, create_body)],
                "descripton (did you mean 'description'?)",
            ),
            'create, a legacy name': (
                harness.verb(
                    'create_snapshot', volume_id=VOLUME_ID, display_name='n'
                ),
                [harness.Sent('POST', '/snapshots', {}, create_body)],
                "display_name (did you mean 'name'?)",
            ),
            'create, a computed attribute': (
                harness.verb(
                    'create_snapshot', volume_id=VOLUME_ID, location='l'
                ),
                [harness.Sent('POST', '/snapshots', {}, create_body)],
                'attribute(s) location.',
            ),
            'update, alone': (
                harness.verb('update_snapshot', ID, x=1),
                [],
                'attribute(s) x.',
            ),
            'update, with a name': (
                harness.verb('update_snapshot', ID, name='m', x=1),
                [harness.Sent('PUT', PATH, {}, {'snapshot': {'name': 'm'}})],
                'attribute(s) x.',
            ),
        }
        for name, (call, stock_sent, named) in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.both(call)
                self.assertIsNone(stock.error)
                self.assertEqual(stock_sent, stock.sent)
                self.assertIsInstance(
                    plugin.error, exceptions.InvalidSnapshotRequest
                )
                self.assertNotIsInstance(plugin.error, TypeError)
                message = str(plugin.error)
                self.assertIn(named, message)
                self.assertIn('openstacksdk would silently drop', message)
                self.assertIn('Accepted: ', message)
                self.assertEqual([], plugin.sent)

    def test_cloud_layer_unknown_names(self) -> None:
        # The cloud layer checks its keyword arguments itself (name,
        # description and their display_ spellings): TypeError on both.
        stock, plugin = self.assert_same(
            harness.cloud(
                'create_volume_snapshot', VOLUME_ID, wait=False, descripton='d'
            )
        )
        self.assertIsInstance(stock.error, TypeError)
        self.assertEqual([], plugin.sent)

    def test_names_the_stock_proxy_takes_itself(self) -> None:
        # Both raise TypeError before sending (the plugin's is also an
        # InvalidSnapshotRequest).
        self.mock('PUT', PATH, json={'snapshot': harness.SHOW})
        cases: dict[str, harness.Call] = {
            'create with connection': harness.verb(
                'create_snapshot', volume_id=VOLUME_ID, connection=None
            ),
            'update with id': harness.verb('update_snapshot', ID, id='x'),
            'update with value': harness.verb(
                'update_snapshot', ID, name='m', value='x'
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.assert_same(call)
                self.assertIsInstance(stock.error, TypeError)
                self.assertIsInstance(
                    plugin.error, exceptions.InvalidSnapshotArgument
                )
                self.assertEqual([], plugin.sent)

    def test_delete(self) -> None:
        self.mock('DELETE', PATH, status_code=202)
        self.mock(
            'DELETE', '/snapshots/missing', status_code=404, json=NOT_FOUND
        )
        cases: dict[str, harness.Call] = {
            'delete': lambda c: c.block_storage.delete_snapshot(ID),
            'a stock object': lambda c: c.block_storage.delete_snapshot(
                _stock_object(c)
            ),
            'missing, ignored': lambda c: c.block_storage.delete_snapshot(
                'missing'
            ),
            'missing': lambda c: c.block_storage.delete_snapshot(
                'missing', ignore_missing=False
            ),
            '_delete': lambda c: c.block_storage._delete(
                type(c.block_storage)._resource_registry['snapshot'], ID
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                self.assert_same(call)

    def test_force_delete(self) -> None:
        # Difference: the action body is {"os-force_delete": {}} (what
        # Cinder documents) instead of null.
        self.mock('POST', ACTION, status_code=202)
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.delete_snapshot(ID, force=True),
            same_requests=False,
        )
        self.assertEqual({'os-force_delete': None}, stock.sent[0].body)
        self.assertEqual({'os-force_delete': {}}, plugin.sent[0].body)
        self.assertEqual(stock.sent[0].path, plugin.sent[0].path)

    def test_force_delete_missing(self) -> None:
        # Difference: stock's force delete ignores ignore_missing (404
        # raises); the plugin honours it.
        self.mock('POST', ACTION, status_code=404, json=NOT_FOUND)
        stock, plugin = self.both(
            lambda c: c.block_storage.delete_snapshot(ID, force=True)
        )
        self.assertIsInstance(stock.error, sdk_exceptions.NotFoundException)
        self.assertIsNone(plugin.error)
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.delete_snapshot(
                ID, force=True, ignore_missing=False
            ),
            same_requests=False,
        )
        self.assertIsInstance(plugin.error, sdk_exceptions.NotFoundException)


class TestMetadataVerbs(harness.CompatTestCase):
    def setUp(self) -> None:
        super().setUp()
        meta = {'metadata': {'a': '1', 'b': '2'}}
        self.mock('GET', f'{PATH}/metadata', json=meta)
        self.mock('POST', f'{PATH}/metadata', json=meta)
        self.mock('PUT', f'{PATH}/metadata', json={'metadata': {}})
        for key in ('a', 'b'):
            self.mock('DELETE', f'{PATH}/metadata/{key}')
        self.mock(
            'DELETE', f'{PATH}/metadata/zz', status_code=404, json=NOT_FOUND
        )

    def test_same(self) -> None:
        cases: dict[str, harness.Call] = {
            'fetch': harness.verb('fetch_snapshot_metadata', ID),
            'set': lambda c: c.block_storage.set_snapshot_metadata(
                ID, a='1', b='2'
            ),
            'delete keys': lambda c: c.block_storage.delete_snapshot_metadata(
                ID, keys=['a', 'b']
            ),
            'delete all': lambda c: c.block_storage.delete_snapshot_metadata(
                ID
            ),
            'delete a missing key': lambda c: (
                c.block_storage.delete_snapshot_metadata(ID, keys=['zz'])
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                self.assert_same(call, same_stored=False)

    def test_metadata_stored_as_read(self) -> None:
        # Difference: stock's metadata calls leave the snapshot's plain
        # dict contents (dict.copy, C code reading the dict) at the old
        # metadata; the plugin's hold what the server answered, as
        # to_dict() and item access do on both.
        stock, plugin = self.both(harness.verb('fetch_snapshot_metadata', ID))
        self.assertEqual(
            {'a': '1', 'b': '2'}, plugin.raw.to_dict()['metadata']
        )
        self.assertEqual(
            plugin.raw.to_dict()['metadata'], dict.copy(plugin.raw)['metadata']
        )
        self.assertEqual(
            plugin.raw.to_dict()['metadata'], stock.raw.to_dict()['metadata']
        )
        self.assertIsNone(dict.copy(stock.raw)['metadata'])

    def test_set_returns_the_merged_metadata(self) -> None:
        # Difference: a merge (POST) answers with all the snapshot's
        # metadata; the plugin returns that, stock only the keys sent.
        stock, plugin = self.both(
            harness.verb('set_snapshot_metadata', ID, a='1')
        )
        self.assertEqual(stock.sent, plugin.sent)
        self.assertEqual({'a': '1'}, stock.raw.metadata)
        self.assertEqual({'a': '1', 'b': '2'}, plugin.raw.metadata)

    def test_get_snapshot_metadata(self) -> None:
        self.require(stock_proxy.Proxy, 'get_snapshot_metadata')
        self.assert_same(
            harness.verb('get_snapshot_metadata', ID), same_stored=False
        )


class TestActions(harness.CompatTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mock('POST', ACTION, status_code=202)

    def test_same(self) -> None:
        cases: dict[str, harness.Call] = {
            'reset': harness.verb('reset_snapshot_status', ID, 'available'),
            'set status': lambda c: c.block_storage.set_snapshot_status(
                ID, 'error'
            ),
            'set status and progress': lambda c: (
                c.block_storage.set_snapshot_status(ID, 'creating', '50%')
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                self.assert_same(call)

    def test_reset_upper_case(self) -> None:
        # Difference: the status is sent in lower case (Cinder lower-cases
        # it itself; same effect).
        stock, plugin = self.assert_same(
            harness.verb('reset_snapshot_status', ID, 'AVAILABLE'),
            same_requests=False,
        )
        self.assertEqual(
            {'os-reset_status': {'status': 'AVAILABLE'}}, stock.sent[0].body
        )
        self.assertEqual(
            {'os-reset_status': {'status': 'available'}}, plugin.sent[0].body
        )

    def test_refused_early(self) -> None:
        self.mock('POST', ACTION, status_code=400, json=BAD_REQUEST)
        cases: dict[str, harness.Call] = {
            'reset to an unknown status': harness.verb(
                'reset_snapshot_status', ID, 'bogus'
            ),
            'set an unknown status': lambda c: (
                c.block_storage.set_snapshot_status(ID, 'bogus')
            ),
            'set a malformed progress': lambda c: (
                c.block_storage.set_snapshot_status(ID, 'creating', 'half')
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.assert_same(call, same_requests=False)
                self.assertIsInstance(
                    stock.error, sdk_exceptions.BadRequestException
                )
                self.assertEqual([], plugin.sent)

    def test_unmanage(self) -> None:
        # Difference: {"os-unmanage": {}} instead of null.
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.unmanage_snapshot(ID),
            same_requests=False,
        )
        self.assertEqual({'os-unmanage': None}, stock.sent[0].body)
        self.assertEqual({'os-unmanage': {}}, plugin.sent[0].body)

    def test_manage(self) -> None:
        # Difference: name, description and metadata are left out when
        # not given, instead of sent as null.
        # /os-snapshot-manage below 3.8.
        for path in ('/manageable_snapshots', '/os-snapshot-manage'):
            self.mock(
                'POST', path, status_code=202, json={'snapshot': harness.SHOW}
            )
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.manage_snapshot(
                volume_id=VOLUME_ID, ref={'source-name': 's'}
            ),
            same_requests=False,
        )
        self.assertEqual(
            {
                'snapshot': {
                    'volume_id': VOLUME_ID,
                    'ref': {'source-name': 's'},
                    'name': None,
                    'description': None,
                    'metadata': None,
                }
            },
            stock.sent[0].body,
        )
        self.assertEqual(
            {
                'snapshot': {
                    'volume_id': VOLUME_ID,
                    'ref': {'source-name': 's'},
                }
            },
            plugin.sent[0].body,
        )
        full = {
            'volume_id': VOLUME_ID,
            'ref': {'source-name': 's'},
            'name': 'n',
            'description': 'd',
            'metadata': {'k': 'v'},
        }
        self.assert_same(lambda c: c.block_storage.manage_snapshot(**full))

    def test_manage_argument_errors(self) -> None:
        # Names Snapshot.manage does not take, or its required ones
        # missing: TypeError on both, nothing sent.
        self.mock(
            'POST',
            '/manageable_snapshots',
            status_code=202,
            json={'snapshot': harness.SHOW},
        )
        cases: dict[str, dict[str, Any]] = {
            'an unknown name': {
                'volume_id': VOLUME_ID,
                'ref': {'source-name': 's'},
                'snapshot_name': 'n',
            },
            'no ref': {'volume_id': VOLUME_ID},
            'no volume_id': {'ref': {'source-name': 's'}},
        }
        for name, attrs in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.assert_same(
                    harness.verb('manage_snapshot', **attrs)
                )
                self.assertIsInstance(stock.error, TypeError)
                self.assertIsInstance(
                    plugin.error, exceptions.InvalidSnapshotArgument
                )
                self.assertEqual([], plugin.sent)

    def test_manageable_snapshots(self) -> None:
        self.require(stock_proxy.Proxy, 'manageable_snapshots')
        body = {
            'manageable-snapshots': [
                {
                    'reference': {'source-name': 's'},
                    'size': 1,
                    'safe_to_manage': True,
                    'source_reference': {'source-name': 'v'},
                }
            ]
        }
        for path in ('/manageable_snapshots', '/manageable_snapshots/detail'):
            self.mock('GET', path, json=body)
        cases: dict[str, harness.Call] = {
            'host': lambda c: c.block_storage.manageable_snapshots(host='h'),
            'detail': lambda c: c.block_storage.manageable_snapshots(
                details=True, host='h'
            ),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                # Below 3.8 Cinder has no /manageable_snapshots.
                self.assert_same_or_gated(call, '3.8')


class TestRefusedEarly(harness.CompatTestCase):
    """Input stock sends (to be refused or misread) and the plugin refuses.

    Each is a documented difference: the plugin raises a
    :class:`~openstack.exceptions.BadRequestException` subclass naming
    the problem and sends nothing.
    """

    def setUp(self) -> None:
        super().setUp()
        answer = harness.listing(harness.trio())
        for path in ('/snapshots', '/snapshots/detail'):
            self.requests_mock.get(fakes.ENDPOINT + path, json=answer)
        self.mock('GET', '/snapshots/', status_code=404, json=NOT_FOUND)
        self.mock('DELETE', f'{PATH}/metadata/a', status_code=200)
        self.mock('DELETE', f'{PATH}/metadata/b', status_code=200)

    def test_refused(self) -> None:
        cases: dict[str, tuple[harness.Call, str]] = {
            # Stock asks for GET /snapshots/ (404) or lists by name ''.
            'an empty ID': (
                harness.verb('get_snapshot', ''),
                'a snapshot ID or Snapshot is required',
            ),
            'an empty name': (
                harness.verb('find_snapshot', ''),
                'name_or_id must be a non-empty string',
            ),
            # Stock deletes the keys 'a' and 'b'.
            'keys as one string': (
                harness.verb('delete_snapshot_metadata', ID, keys='ab'),
                'keys must be a list of metadata keys',
            ),
            # Stock lists everything (0 is no cap for it).
            'max_items=0': (
                harness.verb('snapshots', max_items=0),
                'max_items must be >= 1',
            ),
            # Stock sends status=available once per item.
            'a list as a filter value': (
                harness.verb('snapshots', status=['available']),
                'status must be a string',
            ),
        }
        for name, (call, message) in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.both(call)
                self.assertTrue(stock.sent)
                self.assertIsInstance(
                    plugin.error, sdk_exceptions.BadRequestException
                )
                self.assertIn(message, str(plugin.error))
                self.assertEqual([], plugin.sent)

    def test_accepted_as_stock(self) -> None:
        # Values stock sends as text, sent the same way.
        self.assert_same(harness.verb('snapshots', name=5))

    def test_sort_direction_lower_cased(self) -> None:
        stock, plugin = self.assert_same(
            harness.verb('snapshots', sort_key='created_at', sort_dir='DESC'),
            same_requests=False,
        )
        self.assertEqual(['DESC'], stock.sent[0].query['sort_dir'])
        self.assertEqual(['desc'], plugin.sent[0].query['sort_dir'])

    def test_ids_quoted_in_paths(self) -> None:
        # Difference: an ID or name with a slash stays one path segment.
        self.mock('GET', '/snapshots/a/b', status_code=404, json=NOT_FOUND)
        self.mock('GET', '/snapshots/a%2Fb', status_code=404, json=NOT_FOUND)
        stock, plugin = self.assert_same(
            harness.verb('find_snapshot', 'a/b'), same_requests=False
        )
        self.assertEqual('/snapshots/a/b', stock.sent[0].path)
        self.assertEqual('/snapshots/a%2Fb', plugin.sent[0].path)
        self.assertEqual(stock.sent[1:], plugin.sent[1:])

    def test_deprecated_aliases(self) -> None:
        # The older names are the verbs themselves before openstacksdk
        # 4.5.0 (reset_snapshot) and 4.14.0 (get_snapshot_metadata), and
        # deprecated aliases from then on; the plugin warns where stock
        # does, and sends what its newer verbs send on every version.
        self.mock('POST', ACTION, status_code=202)
        self.mock('GET', f'{PATH}/metadata', json={'metadata': {'a': '1'}})
        cases = {
            'reset_snapshot': (
                harness.verb('reset_snapshot', ID, 'available'),
                'reset_snapshot_status',
            ),
            'get_snapshot_metadata': (
                harness.verb('get_snapshot_metadata', ID),
                'fetch_snapshot_metadata',
            ),
        }
        for name, (call, newer) in cases.items():
            with self.subTest(case=name):
                self.require(stock_proxy.Proxy, name)
                self.assert_same(call, same_stored=False)
                stock, plugin = (
                    self._warnings_naming(conn, call, name)
                    for conn in (self.stock_conn, self.plugin_conn)
                )
                deprecated = hasattr(stock_proxy.Proxy, newer)
                self.assertEqual(1 if deprecated else 0, len(stock))
                self.assertEqual(stock, plugin)

    @staticmethod
    def _warnings_naming(conn: Any, call: harness.Call, name: str) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            call(conn)
        return [
            (w.category, str(w.message))
            for w in caught
            if name in str(w.message)
        ]
