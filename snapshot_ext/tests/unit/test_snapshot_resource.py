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

"""Tests of the Snapshot resource: fields, parsed values, reprs."""

import datetime

from openstack.block_storage.v3 import snapshot as stock_snapshot

from snapshot_ext.tests import base
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import snapshot as _snapshot

UTC = datetime.timezone.utc


class TestSnapshotResource(base.TestCase):
    def test_subclass_of_stock(self) -> None:
        self.assertTrue(
            issubclass(_snapshot.Snapshot, stock_snapshot.Snapshot)
        )
        self.assertIs(_snapshot.Snapshot, _snapshot.SnapshotDetail)
        self.assertEqual('snapshot', _snapshot.Snapshot.resource_key)
        self.assertEqual('snapshots', _snapshot.Snapshot.resources_key)
        self.assertEqual('/snapshots', _snapshot.Snapshot.base_path)

    def test_capabilities(self) -> None:
        cls = _snapshot.Snapshot
        self.assertTrue(cls.allow_fetch)
        self.assertTrue(cls.allow_create)
        self.assertTrue(cls.allow_delete)
        self.assertTrue(cls.allow_commit)
        self.assertTrue(cls.allow_list)

    def test_query_mapping(self) -> None:
        self.assertEqual(
            {
                'name': 'name',
                'status': 'status',
                'volume_id': 'volume_id',
                'project_id': 'project_id',
                'limit': 'limit',
                'marker': 'marker',
                'offset': 'offset',
                'sort': 'sort',
                'sort_key': 'sort_key',
                'sort_dir': 'sort_dir',
                'with_count': 'with_count',
                'metadata': 'metadata',
                'consumes_quota': 'consumes_quota',
                'all_projects': 'all_tenants',
                'name_like': 'name~',
                'status_like': 'status~',
                'volume_id_like': 'volume_id~',
            },
            _snapshot.Snapshot._query_mapping._mapping,
        )

    def test_fields_from_show_3_71(self) -> None:
        body = fakes.load_capture('snapshot_show_mv3.71')['body']
        snap = _snapshot.Snapshot.existing(**body['snapshot'])
        self.assertEqual('49bc6358-9507-4df4-9518-59b07802650d', snap.id)
        self.assertEqual('smoke-snap-65d279', snap.name)
        self.assertEqual('created by smoke.py', snap.description)
        self.assertEqual(fakes.VOLUME_ID, snap.volume_id)
        self.assertEqual('available', snap.status)
        self.assertEqual(1, snap.size)
        self.assertEqual({'k1': 'v1'}, snap.metadata)
        self.assertEqual('2026-11-27T15:42:42.000000', snap.created_at)
        self.assertEqual('2026-11-27T15:42:42.000000', snap.updated_at)
        self.assertEqual('100%', snap.progress)
        self.assertEqual(100, snap.progress_percent)
        self.assertEqual('e080f68669cd48deb6c5be51af2cba97', snap.project_id)
        self.assertEqual('f7f7a3399b364b329f137ba356793794', snap.user_id)
        self.assertIsNone(snap.group_snapshot_id)
        self.assertIs(True, snap.consumes_quota)
        self.assertEqual(
            datetime.datetime(2026, 11, 27, 15, 42, 42, tzinfo=UTC),
            snap.created,
        )
        self.assertEqual(
            datetime.datetime(2026, 11, 27, 15, 42, 42, tzinfo=UTC),
            snap.updated,
        )

    def test_fields_from_show_3_0(self) -> None:
        body = fakes.load_capture('snapshot_show_mv3.0')['body']
        self.assertNotIn('user_id', body['snapshot'])
        snap = _snapshot.Snapshot.existing(**body['snapshot'])
        self.assertEqual('smoke-snap-65d279', snap.name)
        self.assertIsNone(snap.user_id)
        self.assertIsNone(snap.consumes_quota)
        self.assertIsNone(snap.group_snapshot_id)
        self.assertEqual(100, snap.progress_percent)

    def test_to_dict_uses_attribute_names(self) -> None:
        body = fakes.load_capture('snapshot_show_mv3.71')['body']
        snap = _snapshot.Snapshot.existing(**body['snapshot'])
        data = snap.to_dict(computed=False)
        self.assertEqual('100%', data['progress'])
        self.assertEqual(
            'e080f68669cd48deb6c5be51af2cba97', data['project_id']
        )
        self.assertNotIn('os-extended-snapshot-attributes:progress', data)

    def test_progress_percent(self) -> None:
        cases: list[tuple[object, int | None]] = [
            ('50%', 50),
            ('0%', 0),
            (' 7 % ', 7),
            ('100', 100),
            (42, 42),
            (True, None),
            ('abc', None),
            ('', None),
            ('-5%', None),
            ('5.5%', None),
            (None, None),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                snap = _snapshot.Snapshot(progress=value)
                self.assertEqual(expected, snap.progress_percent)

    def test_time_parsing(self) -> None:
        cases: list[tuple[object, datetime.datetime | None]] = [
            (
                '2026-11-27T15:42:42.123456',
                datetime.datetime(2026, 11, 27, 15, 42, 42, 123456, UTC),
            ),
            (
                '2026-11-27T15:42:42Z',
                datetime.datetime(2026, 11, 27, 15, 42, 42, tzinfo=UTC),
            ),
            (
                '2026-11-27T17:42:42+02:00',
                datetime.datetime(2026, 11, 27, 15, 42, 42, tzinfo=UTC),
            ),
            ('not a date', None),
            ('', None),
            (None, None),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                snap = _snapshot.Snapshot(created_at=value, updated_at=value)
                self.assertEqual(expected, snap.created)
                self.assertEqual(expected, snap.updated)
                if expected is not None:
                    self.assertIsNotNone(snap.created)
                    assert snap.created is not None
                    self.assertEqual(
                        datetime.timedelta(0), snap.created.utcoffset()
                    )
                # The raw string is left as the server sent it.
                self.assertEqual(value, snap.created_at)

    def test_is_forced_body_name(self) -> None:
        snap = _snapshot.Snapshot(volume_id='v', is_forced=True)
        self.assertEqual(
            {'volume_id': 'v', 'force': True},
            snap._body.dirty,
        )

    def test_repr_carries_no_connection_secret(self) -> None:
        body = fakes.load_capture('snapshot_show_mv3.71')['body']
        snap = _snapshot.Snapshot.existing(**body['snapshot'])
        self.assertIn('49bc6358-9507-4df4-9518-59b07802650d', repr(snap))
        self.assertNotIn(fakes.TOKEN, repr(snap))
        self.assertNotIn(fakes.TOKEN, str(snap))
