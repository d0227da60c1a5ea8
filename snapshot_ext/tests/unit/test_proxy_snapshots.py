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

"""Tests of the proxy's snapshot verbs: get, find, create, update, delete."""

import datetime

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import snapshot as _snapshot

SID = fakes.SNAPSHOT_ID
VID = fakes.VOLUME_ID
UTC = datetime.timezone.utc
NOT_FOUND = {'itemNotFound': {'code': 404, 'message': 'not found'}}


class TestGetSnapshot(fakes.ProxyTestCase):
    def test_get_snapshot(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        snap = self.proxy.get_snapshot(SID)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{SID}')
        self.assertIsInstance(snap, _snapshot.Snapshot)
        self.assertEqual(SID, snap.id)
        self.assertEqual('smoke-snap-65d279', snap.name)
        self.assertEqual('created by smoke.py', snap.description)
        self.assertEqual(VID, snap.volume_id)
        self.assertEqual('available', snap.status)
        self.assertEqual(1, snap.size)
        self.assertEqual({'k1': 'v1'}, snap.metadata)
        self.assertEqual('e080f68669cd48deb6c5be51af2cba97', snap.project_id)
        self.assertEqual('f7f7a3399b364b329f137ba356793794', snap.user_id)
        self.assertIsNone(snap.group_snapshot_id)
        self.assertIs(True, snap.consumes_quota)
        self.assertEqual('2026-11-27T15:42:42.000000', snap.created_at)
        self.assertEqual('2026-11-27T15:42:42.000000', snap.updated_at)
        self.assertEqual('100%', snap.progress)
        self.assertEqual(100, snap.progress_percent)
        expected = datetime.datetime(2026, 11, 27, 15, 42, 42, tzinfo=UTC)
        self.assertEqual(expected, snap.created)
        self.assertEqual(expected, snap.updated)
        assert snap.created is not None
        self.assertEqual(datetime.timedelta(0), snap.created.utcoffset())
        self.assertEqual('3.71', snap.microversion)

    def test_get_snapshot_by_resource(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        snap = self.proxy.get_snapshot(_snapshot.Snapshot(id=SID))
        self.assertEqual('smoke-snap-65d279', snap.name)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{SID}')

    def test_get_snapshot_not_found(self) -> None:
        missing = '2b626fc0-e136-4122-a3ae-ce4c97388a94'
        self.mock('GET', f'/snapshots/{missing}', capture='err_get_not_found')
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException, self.proxy.get_snapshot, missing
        )
        self.assertEqual(404, exc.status_code)
        self.assertIn(f'Snapshot {missing} could not be found.', str(exc))
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{missing}')


class TestFindSnapshot(fakes.ProxyTestCase):
    name = 'demo-snap-65d279'

    def test_find_by_id(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        snap = self.proxy.find_snapshot(SID, ignore_missing=False)
        self.assertEqual(SID, snap.id)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{SID}')

    def test_find_by_name(self) -> None:
        self.mock(
            'GET', f'/snapshots/{self.name}', status_code=404, json=NOT_FOUND
        )
        self.mock(
            'GET',
            '/snapshots/detail',
            capture='snapshot_list_all_tenants_admin',
        )
        snap = self.proxy.find_snapshot(self.name, ignore_missing=False)
        self.assertEqual('b233e125-00b7-4c40-af1a-199b522d2673', snap.id)
        self.assertEqual(self.name, snap.name)
        get, listing = self.api_requests()
        self.assert_request(get, 'GET', f'/snapshots/{self.name}')
        self.assert_request(
            listing, 'GET', '/snapshots/detail', query={'name': [self.name]}
        )

    def test_find_by_name_all_projects(self) -> None:
        self.mock(
            'GET', f'/snapshots/{self.name}', status_code=404, json=NOT_FOUND
        )
        self.mock(
            'GET',
            '/snapshots/detail',
            capture='snapshot_list_all_tenants_admin',
        )
        snap = self.proxy.find_snapshot(
            self.name, ignore_missing=False, all_projects=True
        )
        self.assertEqual('73b39c2cf5134e87ae494809774af275', snap.project_id)
        _, listing = self.api_requests()
        method, path, query, _ = self.captured_request(
            'snapshot_list_all_tenants_admin'
        )
        self.assert_request(listing, method, path, query=query)

    def test_find_by_name_summary_listing(self) -> None:
        self.mock(
            'GET', f'/snapshots/{self.name}', status_code=404, json=NOT_FOUND
        )
        self.mock(
            'GET', '/snapshots', capture='snapshot_list_all_tenants_admin'
        )
        self.proxy.find_snapshot(
            self.name, ignore_missing=False, details=False
        )
        _, listing = self.api_requests()
        self.assert_request(
            listing, 'GET', '/snapshots', query={'name': [self.name]}
        )

    def test_find_duplicate(self) -> None:
        item = fakes.load_capture('snapshot_list_all_tenants_admin')['body'][
            'snapshots'
        ][0]
        twin = dict(item, id='11111111-2222-3333-4444-555555555555')
        self.mock(
            'GET', f'/snapshots/{self.name}', status_code=404, json=NOT_FOUND
        )
        self.mock('GET', '/snapshots/detail', json={'snapshots': [item, twin]})
        exc = self.assertRaises(
            sdk_exceptions.DuplicateResource,
            self.proxy.find_snapshot,
            self.name,
            ignore_missing=False,
        )
        self.assertIn(self.name, str(exc))
        self.assertEqual(2, len(self.api_requests()))

    def test_find_missing_raises(self) -> None:
        self.mock('GET', '/snapshots/nope', status_code=404, json=NOT_FOUND)
        self.mock('GET', '/snapshots/detail', json={'snapshots': []})
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.find_snapshot,
            'nope',
            ignore_missing=False,
        )
        self.assertIn('nope', str(exc))
        get, listing = self.api_requests()
        self.assert_request(get, 'GET', '/snapshots/nope')
        self.assert_request(
            listing, 'GET', '/snapshots/detail', query={'name': ['nope']}
        )

    def test_find_missing_ignored(self) -> None:
        self.mock('GET', '/snapshots/nope', status_code=404, json=NOT_FOUND)
        self.mock('GET', '/snapshots/detail', json={'snapshots': []})
        self.assertIsNone(
            self.proxy.find_snapshot('nope', ignore_missing=True)
        )
        self.assertEqual(2, len(self.api_requests()))

    def test_find_all_projects_must_be_a_flag(self) -> None:
        exc = self.assertRaises(
            exceptions.InvalidSnapshotQuery,
            self.proxy.find_snapshot,
            'x',
            ignore_missing=False,
            all_projects='maybe',
        )
        self.assertIn(
            "all_projects must be a boolean (True/False, 1/0, "
            "'true'/'false', 'yes'/'no'), got 'maybe'",
            str(exc),
        )
        self.assert_no_api_request()

    def test_find_empty_refused(self) -> None:
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.find_snapshot,
            '',
            ignore_missing=False,
        )
        self.assert_no_api_request()


class TestCreateSnapshot(fakes.ProxyTestCase):
    created = {
        'snapshot': {
            'id': SID,
            'volume_id': VID,
            'name': 'n',
            'status': 'creating',
            'size': 1,
            'metadata': {'k': 'v'},
            'created_at': '2026-11-27T15:42:42.000000',
        }
    }

    def _mock_create(self) -> None:
        self.mock('POST', '/snapshots', status_code=202, json=self.created)

    def test_create(self) -> None:
        self._mock_create()
        snap = self.proxy.create_snapshot(
            volume_id=VID, name='n', description='d', metadata={'k': 'v'}
        )
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/snapshots',
            json={
                'snapshot': {
                    'volume_id': VID,
                    'name': 'n',
                    'description': 'd',
                    'metadata': {'k': 'v'},
                }
            },
        )
        self.assertIsInstance(snap, _snapshot.Snapshot)
        self.assertEqual(SID, snap.id)
        self.assertEqual('creating', snap.status)
        self.assertEqual(
            datetime.datetime(2026, 11, 27, 15, 42, 42, tzinfo=UTC),
            snap.created,
        )

    def test_create_minimal_matches_capture(self) -> None:
        self._mock_create()
        self.proxy.create_snapshot(
            volume_id='4464543f-96ad-43b4-ae06-c6b59c86d6f6'
        )
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'err_create_snapshot_volume_in_error'
        )
        self.assert_request(request, method, path, query=query, json=body)

    def test_force_true_omitted_at_3_71(self) -> None:
        for key in ('force', 'is_forced'):
            with self.subTest(key=key):
                self.forget_requests()
                self._mock_create()
                self.proxy.create_snapshot(volume_id=VID, **{key: True})
                (request,) = self.api_requests()
                self.assert_request(
                    request,
                    'POST',
                    '/snapshots',
                    json={'snapshot': {'volume_id': VID}},
                )

    def test_is_forced_kept_when_not_sent(self) -> None:
        # As openstacksdk, whose answer has no force either: the created
        # snapshot says what was asked for, and is clean.
        for value in (True, False, 'true'):
            with self.subTest(force=value):
                self._mock_create()
                snap = self.proxy.create_snapshot(volume_id=VID, force=value)
                self.assertIs(value in (True, 'true'), snap.is_forced)
                self.assertEqual(snap.is_forced, snap.to_dict()['is_forced'])
                self.assertEqual(snap.is_forced, snap['is_forced'])
                self.assertEqual(snap.is_forced, dict(snap)['is_forced'])
                self.assertEqual(set(), set(snap._body.dirty))
        self._mock_create()
        snap = self.proxy.create_snapshot(volume_id=VID)
        self.assertIsNone(snap.is_forced)

    def test_force_false_omitted_at_3_71(self) -> None:
        self._mock_create()
        self.proxy.create_snapshot(volume_id=VID, force=False)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/snapshots',
            json={'snapshot': {'volume_id': VID}},
        )

    def test_volume_id_required(self) -> None:
        for attrs in (
            {},
            {'name': 'x'},
            {'volume_id': ''},
            {'volume_id': None},
        ):
            with self.subTest(attrs=attrs):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.create_snapshot,
                    **attrs,
                )
                self.assertIn('volume_id is required', str(exc))
        self.assert_no_api_request()

    def test_unknown_attribute_refused(self) -> None:
        exc = self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.create_snapshot,
            volume_id=VID,
            size=5,
        )
        self.assertIn('size', str(exc))
        self.assertIn(
            'accepted: description, force, is_forced, metadata, '
            'name, volume_id',
            str(exc),
        )
        self.assert_no_api_request()

    def test_base_path_passed_on(self) -> None:
        # As openstacksdk's Proxy._create takes it; None is the default.
        self.mock('POST', '/other', status_code=202, json=self.created)
        self._mock_create()
        for base_path, path in ((None, '/snapshots'), ('/other', '/other')):
            with self.subTest(base_path=base_path):
                self.forget_requests()
                snap = self.proxy.create_snapshot(
                    volume_id=VID, name='n', base_path=base_path
                )
                (request,) = self.api_requests()
                self.assert_request(
                    request,
                    'POST',
                    path,
                    json={'snapshot': {'volume_id': VID, 'name': 'n'}},
                )
                self.assertEqual(SID, snap.id)

    def test_bad_values_refused(self) -> None:
        cases: list[tuple[dict[str, object], str]] = [
            ({'volume_id': 5}, 'volume_id must be a non-empty string'),
            ({'volume_id': '..'}, "volume_id cannot be '..'"),
            ({'metadata': {'k': 1}}, "metadata value for key 'k'"),
            ({'metadata': {1: 'v'}}, 'metadata keys must be'),
            ({'metadata': ['k']}, 'metadata must be a mapping'),
            ({'name': 5}, 'name must be a string'),
            ({'name': 'n' * 256}, 'name is 256 characters long'),
            ({'description': 'd' * 256}, 'description is 256'),
            ({'force': 'maybe'}, 'force must be a boolean'),
            ({'is_forced': 2}, 'is_forced must be a boolean'),
        ]
        for attrs, message in cases:
            with self.subTest(attrs=attrs):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.create_snapshot,
                    **{'volume_id': VID, **attrs},
                )
                self.assertIn(message, str(exc))
        self.assert_no_api_request()

    def test_server_error_surfaces(self) -> None:
        self.mock('POST', '/snapshots', capture='err_create_unknown_volume')
        volume = 'a22e050a-b03c-47ed-b29f-aac2584a7665'
        exc = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.create_snapshot,
            volume_id=volume,
        )
        self.assertIn(f'Volume {volume} could not be found.', str(exc.details))
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'err_create_unknown_volume'
        )
        self.assert_request(request, method, path, query=query, json=body)


class TestCreateSnapshotBelow366(fakes.ProxyTestCase):
    max_version = '3.65'
    expected_microversion = '3.65'

    def test_force_true_sent(self) -> None:
        self.mock(
            'POST',
            '/snapshots',
            status_code=202,
            json={'snapshot': {'id': SID, 'status': 'creating'}},
        )
        self.proxy.create_snapshot(volume_id=VID, force=True)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/snapshots',
            json={'snapshot': {'volume_id': VID, 'force': True}},
        )

    def test_is_forced_sent_as_force(self) -> None:
        self.mock(
            'POST',
            '/snapshots',
            status_code=202,
            json={'snapshot': {'id': SID, 'status': 'creating'}},
        )
        self.proxy.create_snapshot(volume_id=VID, is_forced=True)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            '/snapshots',
            json={'snapshot': {'volume_id': VID, 'force': True}},
        )


class TestUpdateSnapshot(fakes.ProxyTestCase):
    def _mock_update(self) -> None:
        self.mock(
            'PUT',
            f'/snapshots/{SID}',
            json={
                'snapshot': {
                    'id': SID,
                    'name': 'new',
                    'description': 'desc',
                    'status': 'available',
                }
            },
        )

    def test_update_name_and_description(self) -> None:
        self._mock_update()
        snap = self.proxy.update_snapshot(SID, name='new', description='desc')
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'PUT',
            f'/snapshots/{SID}',
            json={'snapshot': {'name': 'new', 'description': 'desc'}},
        )
        self.assertEqual('new', snap.name)
        self.assertEqual('desc', snap.description)

    def test_update_description_only(self) -> None:
        self._mock_update()
        self.proxy.update_snapshot(SID, description='desc')
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'PUT',
            f'/snapshots/{SID}',
            json={'snapshot': {'description': 'desc'}},
        )

    def test_update_resource_sends_only_name_and_description(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='snapshot_show_mv3.71')
        self._mock_update()
        snap = self.proxy.get_snapshot(SID)
        snap.size = 5
        snap.status = 'error'
        snap.metadata = {'x': 'y'}
        self.proxy.update_snapshot(snap, name='new')
        _, request = self.api_requests()
        self.assert_request(
            request,
            'PUT',
            f'/snapshots/{SID}',
            json={'snapshot': {'name': 'new'}},
        )

    def test_base_path_passed_on(self) -> None:
        # As openstacksdk's Proxy._update takes it.
        self._mock_update()
        self.mock(
            'PUT',
            f'/other/{SID}',
            json={'snapshot': {'id': SID, 'name': 'm'}},
        )
        for base_path, path in ((None, '/snapshots'), ('/other', '/other')):
            with self.subTest(base_path=base_path):
                self.forget_requests()
                self.proxy.update_snapshot(SID, name='m', base_path=base_path)
                (request,) = self.api_requests()
                self.assert_request(
                    request,
                    'PUT',
                    f'{path}/{SID}',
                    json={'snapshot': {'name': 'm'}},
                )
        # With nothing to change, nothing is sent, wherever.
        self.forget_requests()
        self.assertEqual(
            SID, self.proxy.update_snapshot(SID, base_path='/other').id
        )
        self.assert_no_api_request()

    def test_nothing_to_change_sends_nothing(self) -> None:
        # As openstacksdk: the snapshot is returned as given.
        given = _snapshot.Snapshot.existing(id=SID, name='n')
        self.assertIs(given, self.proxy.update_snapshot(given))
        self.assertEqual(SID, self.proxy.update_snapshot(SID).id)
        self.assert_no_api_request()

    def test_other_attributes_refused(self) -> None:
        for attrs in (
            {'size': 5},
            {'name': 'n', 'status': 'error'},
            {'metadata': {'a': 'b'}},
        ):
            with self.subTest(attrs=attrs):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotRequest,
                    self.proxy.update_snapshot,
                    SID,
                    **attrs,
                )
                self.assertIn('only name and description', str(exc))
        self.assert_no_api_request()

    def test_bad_values_refused(self) -> None:
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.update_snapshot,
            SID,
            name=5,
        )
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.update_snapshot,
            SID,
            description='x' * 256,
        )
        self.assert_no_api_request()


class TestDeleteSnapshot(fakes.ProxyTestCase):
    def test_delete(self) -> None:
        self.mock('DELETE', f'/snapshots/{SID}', status_code=202)
        self.proxy.delete_snapshot(SID)
        (request,) = self.api_requests()
        self.assert_request(request, 'DELETE', f'/snapshots/{SID}')

    def test_delete_missing_ignored(self) -> None:
        self.mock(
            'DELETE', f'/snapshots/{SID}', status_code=404, json=NOT_FOUND
        )
        self.proxy.delete_snapshot(SID)
        (request,) = self.api_requests()
        self.assert_request(request, 'DELETE', f'/snapshots/{SID}')

    def test_delete_missing_raises(self) -> None:
        self.mock(
            'DELETE', f'/snapshots/{SID}', status_code=404, json=NOT_FOUND
        )
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.delete_snapshot,
            SID,
            ignore_missing=False,
        )
        (request,) = self.api_requests()
        self.assert_request(request, 'DELETE', f'/snapshots/{SID}')

    def test_delete_refused_by_server(self) -> None:
        self.mock(
            'DELETE',
            f'/snapshots/{SID}',
            capture='err_delete_snapshot_in_creating',
        )
        exc = self.assertRaises(
            sdk_exceptions.BadRequestException,
            self.proxy.delete_snapshot,
            SID,
        )
        self.assertEqual(
            'Invalid snapshot: Snapshot status must be available or error '
            'and must not be part of a group.',
            exc.details,
        )
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)

    def test_delete_force(self) -> None:
        self.mock('POST', f'/snapshots/{SID}/action', status_code=202)
        self.proxy.delete_snapshot(SID, force=True)
        (request,) = self.api_requests()
        method, _, _, body = self.captured_request('ok_force_delete_available')
        self.assert_request(
            request, method, f'/snapshots/{SID}/action', json=body
        )
        self.assertEqual({'os-force_delete': {}}, body)

    def test_delete_force_missing_ignored(self) -> None:
        self.mock(
            'POST', f'/snapshots/{SID}/action', status_code=404, json=NOT_FOUND
        )
        self.proxy.delete_snapshot(SID, force=True)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            f'/snapshots/{SID}/action',
            json={'os-force_delete': {}},
        )

    def test_delete_force_missing_raises(self) -> None:
        self.mock(
            'POST', f'/snapshots/{SID}/action', status_code=404, json=NOT_FOUND
        )
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.delete_snapshot,
            SID,
            ignore_missing=False,
            force=True,
        )
        self.assertEqual(1, len(self.api_requests()))

    def test_force_delete_snapshot(self) -> None:
        self.mock('POST', f'/snapshots/{SID}/action', status_code=202)
        self.proxy.force_delete_snapshot(SID)
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'POST',
            f'/snapshots/{SID}/action',
            json={'os-force_delete': {}},
        )

    def test_force_delete_missing_raises_by_default(self) -> None:
        self.mock(
            'POST',
            f'/snapshots/{SID}/action',
            capture='after_force_delete_get',
            status_code=404,
        )
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.force_delete_snapshot,
            SID,
        )
        self.mock(
            'POST', f'/snapshots/{SID}/action', status_code=404, json=NOT_FOUND
        )
        self.proxy.force_delete_snapshot(SID, ignore_missing=True)
        self.assertEqual(2, len(self.api_requests()))

    def test_force_delete_forbidden(self) -> None:
        snap_id = 'b233e125-00b7-4c40-af1a-199b522d2673'
        self.mock(
            'POST',
            f'/snapshots/{snap_id}/action',
            capture='err_demo_force_delete_403',
        )
        exc = self.assertRaises(
            sdk_exceptions.ForbiddenException,
            self.proxy.force_delete_snapshot,
            snap_id,
        )
        self.assertEqual(
            "Policy doesn't allow volume_extension:snapshot_admin_actions:"
            "force_delete to be performed.",
            exc.details,
        )
        self.assertEqual(fakes.REQUEST_ID, exc.request_id)
        self.assertEqual(403, exc.status_code)
        (request,) = self.api_requests()
        method, path, query, body = self.captured_request(
            'err_demo_force_delete_403'
        )
        self.assert_request(request, method, path, query=query, json=body)
