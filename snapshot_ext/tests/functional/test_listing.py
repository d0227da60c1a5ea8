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

"""Listing snapshots on a real Cinder: pages, filters, sorting, scope.

Every listing is narrowed to the test's own volume or name prefix, so
snapshots of other tests never show up.
"""

from typing import Any

from snapshot_ext.tests.functional import base


class TestListing(base.FunctionalTestCase):
    """Listings of one volume's five snapshots.

    The volume and its snapshots are made by the class's first test and
    removed after its last: no test here changes them.
    """

    #: How many snapshots each test lists.
    COUNT = 5

    _shared: tuple[Any, list[Any], str] | None = None

    def setUp(self):
        super().setUp()
        self.proxy = self.admin_proxy
        cls = type(self)
        if cls._shared is None:
            cls._shared = self.make_fixture()
        volume, snaps, prefix = cls._shared
        self.volume = volume
        self.snaps: list[Any] = snaps
        self.prefix: str = prefix
        self.ids = {snap.id for snap in self.snaps}
        self.names = sorted(snap.name for snap in self.snaps)

    def make_fixture(self):
        volume = self.create_volume(per_class=True)
        prefix = self.unique_name('list')
        created = []
        for index in range(self.COUNT):
            metadata = {'tier': 'gold'} if index == 3 else {}
            created.append(
                self.create_snapshot(
                    volume,
                    wait=False,
                    per_class=True,
                    name=f'{prefix}-{index}',
                    metadata=metadata,
                )
            )
        snaps = [
            self.wait_snapshot_status(snap.id, 'available') for snap in created
        ]
        return volume, snaps, prefix

    def list_ids(self, **query):
        return [snap.id for snap in self.proxy.snapshots(**query)]

    def test_pages_of_two(self):
        pages = list(
            self.proxy.snapshot_pages(volume_id=self.volume.id, page_size=2)
        )
        self.assertEqual([2, 2, 1], [len(page) for page in pages])
        self.assertEqual([1, 2, 3], [page.number for page in pages])
        self.assertIsNone(pages[-1].next_marker)
        for page in pages[:-1]:
            self.assertEqual(page.items[-1].id, page.next_marker)
        ids = [snap.id for page in pages for snap in page]
        self.assertEqual(self.COUNT, len(ids))
        self.assertEqual(self.ids, set(ids))

    def test_limit_is_the_page_size_not_a_cap(self):
        counter = base.RequestCounter(self.admin)
        with counter.watching():
            ids = self.list_ids(volume_id=self.volume.id, limit=2)
        self.assertEqual(self.ids, set(ids))
        self.assertEqual(self.COUNT, len(ids))
        listing = [r for r in counter.requests if '/snapshots' in r.url]
        self.assertEqual(3, len(listing))
        for request in listing:
            self.assertIn('limit=2', request.url)

    def test_max_items(self):
        counter = base.RequestCounter(self.admin)
        with counter.watching():
            ids = self.list_ids(volume_id=self.volume.id, max_items=3)
        self.assertEqual(3, len(ids))
        self.assertLessEqual(set(ids), self.ids)
        self.assertEqual(1, len(counter.requests))

        pages = list(
            self.proxy.snapshot_pages(
                volume_id=self.volume.id, page_size=2, max_items=3
            )
        )
        self.assertEqual([2, 1], [len(page) for page in pages])

    def test_with_count(self):
        pages = list(
            self.proxy.snapshot_pages(
                volume_id=self.volume.id, page_size=2, with_count=True
            )
        )
        self.assertEqual(self.COUNT, pages[0].count)
        self.assertEqual(self.COUNT, sum(len(page) for page in pages))

    def test_without_count_there_is_none(self):
        pages = list(self.proxy.snapshot_pages(volume_id=self.volume.id))
        self.assertIsNone(pages[0].count)

    def test_filter_by_name(self):
        target = self.snaps[2]
        found = list(self.proxy.snapshots(name=target.name))
        self.assertEqual([target.id], [snap.id for snap in found])

    def test_filter_by_status(self):
        # A volume of its own: the shared snapshots must stay available.
        volume = self.create_volume()
        target = self.create_snapshot(volume)
        other = self.create_snapshot(volume)
        self.proxy.reset_snapshot_status(target, 'error')
        self.assertEqual(
            [target.id], self.list_ids(volume_id=volume.id, status='error')
        )
        self.assertEqual(
            [other.id], self.list_ids(volume_id=volume.id, status='available')
        )

    def test_filter_by_volume_id(self):
        other = self.create_volume()
        other_snap = self.create_snapshot(other)
        self.assertEqual(
            set(self.list_ids(volume_id=self.volume.id)), self.ids
        )
        self.assertEqual([other_snap.id], self.list_ids(volume_id=other.id))

    def test_filter_by_metadata(self):
        self.assertEqual(
            [self.snaps[3].id],
            self.list_ids(volume_id=self.volume.id, metadata={'tier': 'gold'}),
        )
        self.assertEqual(
            [],
            self.list_ids(volume_id=self.volume.id, metadata={'tier': 'tin'}),
        )

    def test_like_filter_on_name(self):
        self.assertEqual(
            self.ids, set(self.list_ids(**{'name~': self.prefix}))
        )
        # The substring need not be a prefix.
        middle = self.prefix[len(base.NAME_PREFIX) :] + '-4'
        self.assertEqual([self.snaps[4].id], self.list_ids(name_like=middle))

    def test_filter_by_consumes_quota(self):
        self.assertEqual(
            self.ids,
            set(self.list_ids(volume_id=self.volume.id, consumes_quota=True)),
        )
        self.assertEqual(
            [], self.list_ids(volume_id=self.volume.id, consumes_quota=False)
        )

    def test_sort_by_name(self):
        ascending = list(
            self.proxy.snapshots(volume_id=self.volume.id, sort='name:asc')
        )
        self.assertEqual(self.names, [snap.name for snap in ascending])
        descending = list(
            self.proxy.snapshots(
                volume_id=self.volume.id, sort=[('name', 'desc')]
            )
        )
        self.assertEqual(self.names[::-1], [snap.name for snap in descending])
        # The older sort_key/sort_dir form gives the same order.
        legacy = list(
            self.proxy.snapshots(
                volume_id=self.volume.id, sort_key='name', sort_dir='desc'
            )
        )
        self.assertEqual(self.names[::-1], [snap.name for snap in legacy])

    def test_sort_by_created_at(self):
        ascending = list(
            self.proxy.snapshots(
                volume_id=self.volume.id, sort='created_at:asc'
            )
        )
        times = [snap.created_at for snap in ascending]
        self.assertEqual(sorted(times), times)
        descending = list(
            self.proxy.snapshots(
                volume_id=self.volume.id, sort='created_at:desc'
            )
        )
        times = [snap.created_at for snap in descending]
        self.assertEqual(sorted(times, reverse=True), times)
        self.assertEqual(self.ids, {snap.id for snap in descending})

    def test_sort_across_pages(self):
        names = [
            snap.name
            for snap in self.proxy.snapshots(
                volume_id=self.volume.id, sort='name:asc', limit=2
            )
        ]
        self.assertEqual(self.names, names)

    def test_offset(self):
        names = [
            snap.name
            for snap in self.proxy.snapshots(
                volume_id=self.volume.id, sort='name:asc', offset=2
            )
        ]
        self.assertEqual(self.names[2:], names)

    def test_summary_listing(self):
        summary = list(
            self.proxy.snapshots(details=False, volume_id=self.volume.id)
        )
        self.assertEqual(self.ids, {snap.id for snap in summary})
        # The summary form has no progress or project.
        for snap in summary:
            self.assertIsNone(snap.progress)
            self.assertIsNone(snap.project_id)
            self.assertEqual('available', snap.status)


class TestProjectScope(base.FunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.admin_volume = self.shared_volume(self.admin)
        self.admin_snap = self.create_snapshot(self.admin_volume, self.admin)
        self.member_volume = self.shared_volume(self.member)
        self.member_snap = self.create_snapshot(
            self.member_volume, self.member
        )

    def test_admin_sees_member_snapshot_only_with_all_projects(self):
        proxy = self.admin_proxy
        own = [s.id for s in proxy.snapshots(volume_id=self.member_volume.id)]
        self.assertEqual([], own)
        every = list(
            proxy.snapshots(all_projects=True, volume_id=self.member_volume.id)
        )
        self.assertEqual([self.member_snap.id], [s.id for s in every])
        self.assertEqual(self.member.current_project_id, every[0].project_id)

    def test_admin_filters_all_projects_by_project_id(self):
        proxy = self.admin_proxy
        found = {
            s.id
            for s in proxy.snapshots(
                all_projects=True,
                project_id=self.member.current_project_id,
                name=self.member_snap.name,
            )
        }
        self.assertEqual({self.member_snap.id}, found)
        found = {
            s.id
            for s in proxy.snapshots(
                all_projects=True,
                project_id=self.admin.current_project_id,
                name=self.member_snap.name,
            )
        }
        self.assertEqual(set(), found)

    def test_member_does_not_see_admin_snapshot(self):
        proxy = self.member_proxy
        for all_projects in (False, True):
            ids = {
                s.id
                for s in proxy.snapshots(
                    all_projects=all_projects, name=self.admin_snap.name
                )
            }
            self.assertEqual(set(), ids)
        mine = [s.id for s in proxy.snapshots(name=self.member_snap.name)]
        self.assertEqual([self.member_snap.id], mine)
