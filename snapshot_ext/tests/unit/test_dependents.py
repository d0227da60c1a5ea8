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

"""Tests of volumes_from_snapshot, check_snapshot_deletable and
safe_delete_snapshot."""

from typing import Any
from unittest import mock

from openstack import exceptions as sdk_exceptions
from openstack.block_storage.v3 import volume as _stock_volume

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.test_bulk import RESOURCE_FILTERS
from snapshot_ext.tests.unit.test_bulk import snap
from snapshot_ext.tests.unit.test_bulk import volume

SID = fakes.SNAPSHOT_ID
OTHER_SID = '22222222-2222-4222-8222-222222222222'
V1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
V2 = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
V3 = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'
ALLOWING_SNAPSHOT_ID = {
    'resource_filters': [
        {'resource': 'volume', 'filters': ['name', 'snapshot_id']},
    ]
}


class TestVolumesFromSnapshot(fakes.ProxyTestCase):
    def test_lists_all_and_matches_when_the_filter_is_refused(self) -> None:
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.mock(
            'GET',
            '/volumes/detail',
            json={
                'volumes': [
                    volume(V1, SID),
                    volume(V2, OTHER_SID),
                    volume(V3, None),
                ]
            },
        )
        found = self.proxy.volumes_from_snapshot(SID)
        self.assertEqual([V1], [v.id for v in found])
        self.assertIsInstance(found[0], _stock_volume.Volume)
        self.assertEqual(SID, found[0].snapshot_id)
        filters, listing = self.api_requests()
        self.assert_request(filters, 'GET', '/resource_filters')
        self.assert_request(
            listing,
            'GET',
            '/volumes/detail',
            microversion=fakes.VOLUME_MICROVERSION,
        )

    def test_sends_the_filter_when_the_cloud_allows_it(self) -> None:
        self.mock('GET', '/resource_filters', json=ALLOWING_SNAPSHOT_ID)
        # A volume of another snapshot in the answer is still dropped.
        self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [volume(V1, SID), volume(V2, OTHER_SID)]},
        )
        found = self.proxy.volumes_from_snapshot(SID, all_projects=True)
        self.assertEqual([V1], [v.id for v in found])
        _, listing = self.api_requests()
        self.assert_request(
            listing,
            'GET',
            '/volumes/detail',
            {'snapshot_id': [SID], 'all_tenants': ['1']},
            microversion=fakes.VOLUME_MICROVERSION,
        )

    def test_resource_filters_are_fetched_once_per_proxy(self) -> None:
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.mock('GET', '/volumes/detail', json={'volumes': []})
        self.proxy.volumes_from_snapshot(SID)
        self.proxy.volumes_from_snapshot(OTHER_SID)
        paths = [r.url.split('?')[0] for r in self.api_requests()]
        self.assertEqual(
            1, sum(p.endswith('/resource_filters') for p in paths)
        )
        self.assertEqual(3, len(paths))

    def test_follows_pages(self) -> None:
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        next_href = f'{fakes.ENDPOINT}/volumes/detail?limit=1&marker={V1}'
        self.requests_mock.get(
            fakes.ENDPOINT + '/volumes/detail',
            [
                {
                    'json': {
                        'volumes': [volume(V1, SID)],
                        'volumes_links': [{'rel': 'next', 'href': next_href}],
                    }
                },
                {'json': {'volumes': [volume(V2, SID)]}},
            ],
        )
        found = self.proxy.volumes_from_snapshot(SID)
        self.assertEqual([V1, V2], [v.id for v in found])
        _, first, second = self.api_requests()
        self.assert_request(
            first,
            'GET',
            '/volumes/detail',
            microversion=fakes.VOLUME_MICROVERSION,
        )
        self.assert_request(
            second,
            'GET',
            '/volumes/detail',
            {'marker': [V1]},
            microversion=fakes.VOLUME_MICROVERSION,
        )

    def test_builds_only_the_volumes_of_the_snapshots(self) -> None:
        # Without the filter every volume of the project is listed; only
        # those created from the snapshot become Volume objects.
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        next_href = f'{fakes.ENDPOINT}/volumes/detail?marker={V2}'
        self.requests_mock.get(
            fakes.ENDPOINT + '/volumes/detail',
            [
                {
                    'json': {
                        'volumes': [volume(V1, OTHER_SID), volume(V2, None)],
                        'volumes_links': [{'rel': 'next', 'href': next_href}],
                    }
                },
                {'json': {'volumes': [volume(V3, SID)]}},
            ],
        )
        built = []
        existing = _stock_volume.Volume.existing

        def spy(**attrs: Any) -> _stock_volume.Volume:
            built.append(attrs['id'])
            return existing(**attrs)

        with mock.patch.object(_stock_volume.Volume, 'existing', spy):
            found = self.proxy.volumes_from_snapshot(SID)
        self.assertEqual([V3], [v.id for v in found])
        self.assertEqual([V3], built)
        _, first, second = self.api_requests()
        self.assert_request(
            first,
            'GET',
            '/volumes/detail',
            microversion=fakes.VOLUME_MICROVERSION,
        )
        self.assert_request(
            second,
            'GET',
            '/volumes/detail',
            {'marker': [V2]},
            microversion=fakes.VOLUME_MICROVERSION,
        )

    def test_bad_snapshot_is_refused_before_any_request(self) -> None:
        for bad in ('', None):
            self.assertRaises(
                exceptions.InvalidSnapshotRequest,
                self.proxy.volumes_from_snapshot,
                bad,
            )
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            self.proxy.volumes_from_snapshot,
            SID,
            all_projects='yes',
        )
        self.assert_no_api_request()


class TestOldMicroversions(fakes.ProxyTestCase):
    """Below 3.31 the filter is harmless; 3.31-3.32 cannot ask."""

    max_version = '3.30'
    expected_microversion = '3.30'

    def test_below_3_31_the_filter_is_sent(self) -> None:
        # A non-admin's filter is dropped there: every volume comes back.
        self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [volume(V1, SID), volume(V2, None)]},
        )
        found = self.proxy.volumes_from_snapshot(SID)
        self.assertEqual([V1], [v.id for v in found])
        (listing,) = self.api_requests()
        self.assert_request(
            listing, 'GET', '/volumes/detail', {'snapshot_id': [SID]}
        )


class TestBetween331And333(fakes.ProxyTestCase):
    max_version = '3.32'
    expected_microversion = '3.32'

    def test_no_filter_and_no_resource_filters_request(self) -> None:
        self.mock('GET', '/volumes/detail', json={'volumes': []})
        self.assertEqual([], self.proxy.volumes_from_snapshot(SID))
        (listing,) = self.api_requests()
        self.assert_request(listing, 'GET', '/volumes/detail')


class CheckCase(fakes.ProxyTestCase):
    """Answers one snapshot and the volume listing."""

    def answer(self, volumes: list[dict[str, Any]], **changes: Any) -> None:
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.mock('GET', '/volumes/detail', json={'volumes': volumes})
        self.mock(
            'GET', f'/snapshots/{SID}', json={'snapshot': snap(SID, **changes)}
        )


class TestCheckDeletable(CheckCase):
    def test_deletable_snapshot_is_returned_fresh(self) -> None:
        self.answer([volume(V2, OTHER_SID)], status='error')
        res = self.proxy.check_snapshot_deletable(SID)
        self.assertEqual('error', res.status)
        get, _, _ = self.api_requests()
        self.assert_request(get, 'GET', f'/snapshots/{SID}')

    def test_every_reason_is_named(self) -> None:
        self.answer(
            [volume(V1, SID), volume(V3, SID)],
            status='backing-up',
            group_snapshot_id=OTHER_SID,
        )
        exc = self.assertRaises(
            exceptions.SnapshotNotDeletable,
            self.proxy.check_snapshot_deletable,
            SID,
        )
        self.assertIsInstance(exc, sdk_exceptions.InvalidRequest)
        self.assertEqual(3, len(exc.reasons))
        self.assertIn("status is 'backing-up'", exc.reasons[0])
        self.assertIn(OTHER_SID, exc.reasons[1])
        self.assertEqual([V1, V3], exc.volume_ids)
        self.assertEqual(SID, exc.snapshot.id)
        self.assertIn(f'snapshot {SID} cannot be deleted', str(exc))

    def test_force_ignores_the_status_only(self) -> None:
        self.answer([], status='error_deleting')
        res = self.proxy.check_snapshot_deletable(SID, force=True)
        self.assertEqual('error_deleting', res.status)
        self.assertRaises(
            exceptions.SnapshotNotDeletable,
            self.proxy.check_snapshot_deletable,
            SID,
        )

    def test_missing_snapshot(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='err_get_not_found')
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.check_snapshot_deletable,
            SID,
        )


class TestSafeDelete(CheckCase):
    def test_deletes_when_deletable(self) -> None:
        self.answer([], status='available')
        self.mock('DELETE', f'/snapshots/{SID}', status_code=202)
        self.proxy.safe_delete_snapshot(SID)
        delete = self.api_requests()[-1]
        self.assert_request(delete, 'DELETE', f'/snapshots/{SID}')

    def test_refuses_without_sending_the_delete(self) -> None:
        self.answer([volume(V1, SID)], status='available')
        delete = self.mock('DELETE', f'/snapshots/{SID}', status_code=202)
        self.assertRaises(
            exceptions.SnapshotNotDeletable,
            self.proxy.safe_delete_snapshot,
            SID,
        )
        self.assertEqual(0, delete.call_count)

    def test_force_delete_uses_the_action(self) -> None:
        self.answer([], status='error_deleting')
        action = self.mock('POST', f'/snapshots/{SID}/action', status_code=202)
        self.proxy.safe_delete_snapshot(SID, force=True)
        self.assertEqual(1, action.call_count)
        self.assert_request(
            action.last_request,
            'POST',
            f'/snapshots/{SID}/action',
            json={'os-force_delete': {}},
        )

    def test_missing_snapshot_is_ignored_by_default(self) -> None:
        self.mock('GET', f'/snapshots/{SID}', capture='err_get_not_found')
        self.proxy.safe_delete_snapshot(SID)
        self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.safe_delete_snapshot,
            SID,
            ignore_missing=False,
        )
        self.assertEqual(
            ['GET', 'GET'], [r.method for r in self.api_requests()]
        )
