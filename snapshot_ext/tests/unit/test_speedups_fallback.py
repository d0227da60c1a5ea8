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

"""The fast path's self-check, and the fallback it chooses.

:mod:`snapshot_ext.v3._speedups` checks, once per class, that its objects
equal openstacksdk's (:mod:`snapshot_ext.v3._speedups.check`).  Here the check
is made to fail by breaking the fast path's ``to_dict()`` plan and key
tables; the object and listing tests then run again, and pass only if
every object comes from openstacksdk's own construction.
"""

import copy
import itertools
import json
import logging
from typing import Any
from unittest import mock

import fixtures
from openstack import resource

from snapshot_ext.tests import base
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit import test_list_query
from snapshot_ext.tests.unit import test_pages
from snapshot_ext.tests.unit import test_proxy_snapshots
from snapshot_ext.tests.unit import test_snapshot_resource
from snapshot_ext.tests.unit import test_speedups
from snapshot_ext.v3 import _speedups
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._compat import fields
from snapshot_ext.v3._speedups import builder as _builder
from snapshot_ext.v3._speedups import check
from snapshot_ext.v3._speedups import mixin

Snapshot = _snapshot.Snapshot
LOGGER = 'snapshot_ext.v3._speedups'


def _wrong_plan(self: Any, obj: Any) -> dict[str, Any]:
    """A ``Plan.compute`` that leaves out the name."""
    found = dict(obj._body.attributes)
    found.pop('name', None)
    return found


def _wrong_table(self: Any, attrs: Any) -> dict[str, Any]:
    """A ``_Table.consume`` that keeps nothing."""
    return {}


class BrokenFastPath(fixtures.Fixture):
    """The fast path made wrong, and the layouts made anew.

    ``to_dict()``'s plan drops a key and the key tables take none: the
    self-check then fails, and any later use of either shows in the
    objects.  The layouts known before are back after the test.
    """

    def _setUp(self) -> None:
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.layouts.Plan.compute', _wrong_plan
            )
        )
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.layouts._Table.consume',
                _wrong_table,
            )
        )
        patcher = mock.patch.dict(mixin._layouts, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)


class ForcedFallback:
    """Runs a test case's tests with the self-check failing."""

    def setUp(self) -> None:
        test: Any = self
        super().setUp()  # type: ignore[misc]
        test.warnings = test.useFixture(
            fixtures.FakeLogger(
                name=LOGGER, level=logging.WARNING, format='%(message)s'
            )
        )
        test.useFixture(BrokenFastPath())
        test.assertTrue(_speedups.layout(Snapshot).native)
        (line,) = test.warnings.output.splitlines()
        test.assertIn('snapshot_ext.v3.snapshot.Snapshot', line)

    def tearDown(self) -> None:
        test: Any = self
        # However many objects were built: one warning.
        test.assertEqual(1, len(test.warnings.output.splitlines()))
        super().tearDown()  # type: ignore[misc]


class TestSelfCheck(base.TestCase):
    """The check itself."""

    def setUp(self) -> None:
        super().setUp()
        # Layouts made while something is patched are dropped after.
        patcher = mock.patch.dict(mixin._layouts)
        patcher.start()
        self.addCleanup(patcher.stop)

    def differences(self) -> list[str]:
        return check.differences(
            Snapshot, _speedups.PrecomputedFields, _speedups.Builder
        )

    def test_passes_on_the_installed_openstacksdk(self) -> None:
        self.assertEqual([], self.differences())
        self.assertFalse(_speedups.layout(Snapshot).native)

    def test_the_reference_class_yields_openstacksdks_attributes(
        self,
    ) -> None:
        before = vars(resource.Resource)['_attributes_iterator']
        native: Any = check.native_class(Snapshot, _speedups.PrecomputedFields)
        check._remember_attributes(native)
        iterate: Any = resource.Resource._attributes_iterator
        iterate = iterate.__func__
        for kinds in (
            fields.Body,
            fields.Computed,
            (fields.Body, fields.Header),
            (fields.Body, fields.Header, fields.Computed),
        ):
            with self.subTest(kinds=kinds):
                expected = list(iterate(native, kinds))
                self.assertTrue(expected)
                # The first call asks openstacksdk, the second is kept.
                self.assertEqual(
                    expected, list(native._attributes_iterator(kinds))
                )
                self.assertEqual(
                    expected, list(native._attributes_iterator(kinds))
                )
        self.assertEqual(
            list(iterate(native)), list(native._attributes_iterator())
        )
        # Only the check's own class keeps them.
        self.assertIs(before, vars(resource.Resource)['_attributes_iterator'])
        self.assertNotIn('_attributes_iterator', vars(Snapshot))

    def test_samples_cover_the_fields(self) -> None:
        samples = check.samples(Snapshot)
        full = samples[0]
        for key in (
            'id',
            'name',
            'size',
            'metadata',
            'force',
            'os-extended-snapshot-attributes:project_id',
        ):
            self.assertIn(key, full)
        self.assertIn({'location': {'cloud': 'elsewhere'}}, samples)
        self.assertIn({}, samples)
        projects = [
            s.get('os-extended-snapshot-attributes:project_id')
            for s in samples
        ]
        self.assertIn(check.OWN_PROJECT, projects)
        self.assertIn(None, projects)

    def test_a_wrong_to_dict_is_found(self) -> None:
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.layouts.Plan.compute', _wrong_plan
            )
        )
        found = self.differences()
        self.assertTrue(found)
        self.assertTrue(
            any('to_dict(True, True, True, False, False)' in f for f in found),
            found,
        )

    def test_wrong_key_tables_are_found(self) -> None:
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.layouts._Table.consume',
                _wrong_table,
            )
        )
        found = self.differences()
        self.assertTrue(any('_body differs' in f for f in found), found)

    def test_a_wrong_location_is_found(self) -> None:
        def nowhere(self: Any, conn: Any, **kwargs: Any) -> Any:
            return {'cloud': 'nowhere'}

        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.locations.Locations.get', nowhere
            )
        )
        found = self.differences()
        self.assertTrue(any('location differs' in f for f in found), found)

    def test_a_wrong_update_is_found(self) -> None:
        update = mixin.PrecomputedFields._update

        def keeps_the_microversion(self: Any, **attrs: Any) -> None:
            microversion = self.microversion
            update(self, **attrs)
            self.microversion = microversion

        self.useFixture(
            fixtures.MockPatchObject(
                mixin.PrecomputedFields, '_update', keeps_the_microversion
            )
        )
        found = self.differences()
        for how in ('made by existing()', 'listed'):
            self.assertIn(
                f'{how}, then updated with nothing, sample 0, connection, '
                f'microversion 3.0: microversion differs',
                found,
            )

    def test_a_wrong_new_is_found(self) -> None:
        build_new = mixin.build_new

        def clean(*args: Any) -> Any:
            obj = build_new(*args)
            if obj is not None:
                obj._body.clean()
            return obj

        self.useFixture(fixtures.MockPatchObject(mixin, 'build_new', clean))
        found = self.differences()
        for conn in (
            'no connection, microversion None',
            'connection, microversion 3.0',
        ):
            self.assertIn(
                f'new, sample 0, {conn}: _body changed differs', found
            )

    def test_an_error_of_the_fast_path_only_is_found(self) -> None:
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.builder.Builder._compile',
                side_effect=RuntimeError('boom'),
            )
        )
        found = self.differences()
        self.assertIn('raised RuntimeError, openstacksdk None', found[0])

    def test_an_error_of_the_page_path_only_is_found(self) -> None:
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.builder.Builder._build_page',
                side_effect=RuntimeError('boom'),
            )
        )
        found = self.differences()
        self.assertTrue(found)
        pages = ('listed in a page, ', 'listed in a page of known types, ')
        self.assertTrue(all(f.startswith(pages) for f in found), found)
        for page in pages:
            self.assertTrue(any(f.startswith(page) for f in found), found)
        self.assertIn('raised RuntimeError, openstacksdk None', found[0])

    def test_a_wrong_group_template_is_found(self) -> None:
        missing = _builder._Groups.__missing__

        def wrong(self: Any, value: Any) -> Any:
            template, location = missing(self, value)
            template['location'] = {'cloud': 'wrong'}
            return template, location

        self.useFixture(
            fixtures.MockPatchObject(_builder._Groups, '__missing__', wrong)
        )
        found = self.differences()
        self.assertTrue(found)
        self.assertTrue(
            all(f.startswith('listed in a page') for f in found), found
        )
        self.assertTrue(
            any(
                f.startswith('listed in a page of known types') for f in found
            ),
            found,
        )

    def test_a_failing_check_is_a_difference(self) -> None:
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.check.native_class',
                side_effect=TypeError('cannot subclass'),
            )
        )
        self.assertEqual(
            ['the check failed: TypeError: cannot subclass'],
            self.differences(),
        )

    def test_runs_once_per_class(self) -> None:
        self.useFixture(BrokenFastPath())
        check = self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.check.differences',
                return_value=['forced'],
            )
        ).mock
        logger = self.useFixture(
            fixtures.FakeLogger(name=LOGGER, level=logging.WARNING)
        )
        for _ in range(3):
            _speedups.Builder(Snapshot, None, '3.71')
            Snapshot.existing(id='x', name='n')
        check.assert_called_once_with(
            Snapshot, _speedups.PrecomputedFields, _speedups.Builder
        )
        self.assertEqual(1, len(logger.output.splitlines()))
        self.assertIn('(forced)', logger.output)
        self.assertIn("openstacksdk's own construction", logger.output)

    def test_other_classes_are_not_checked(self) -> None:
        self.useFixture(BrokenFastPath())
        check = self.useFixture(
            fixtures.MockPatch('snapshot_ext.v3._speedups.check.differences')
        ).mock
        _speedups.layout(test_speedups.Twin)
        check.assert_not_called()


class TestBuilderMatchesOpenStackSDKFallback(
    ForcedFallback, test_speedups.TestBuilderMatchesOpenStackSDK
):
    expect_fast_path = False

    def test_repeated_values_are_kept_once(self) -> None:
        # openstacksdk keeps each object's own values.
        builder = _speedups.Builder(
            Snapshot, None, '3.71', repeated=('volume_id', 'size')
        )
        first, second = (
            builder(json.loads(json.dumps(self.payloads[1][1])))
            for _ in range(2)
        )
        self.assertEqual(first.volume_id, second.volume_id)
        self.assertIsNot(
            first._body.attributes['volume_id'],
            second._body.attributes['volume_id'],
        )

    def test_page_shares_repeated_values(self) -> None:
        builder = _speedups.Builder(
            Snapshot, None, '3.71', repeated=('volume_id', 'status')
        )
        text = json.dumps(self.payloads[1][1])
        first, second = builder.page([json.loads(text), json.loads(text)])
        self.assertEqual(first.status, second.status)
        self.assertIsNot(
            first._body.attributes['status'],
            second._body.attributes['status'],
        )

    def test_page_keys_are_the_pages_own(self) -> None:
        # openstacksdk makes each object's keys: its attribute names.
        page = json.loads(json.dumps([self.payloads[1][1]] * 2))
        builder = _speedups.Builder(Snapshot, self.conn, '3.71')
        expected = test_speedups.Twin.existing(
            connection=self.conn,
            microversion='3.71',
            **copy.deepcopy(self.payloads[1][1]),
        )
        for obj in builder.page(page):
            self.assertEqual(list(dict.items(expected)), list(dict.items(obj)))

    def test_page_shares_at_most_the_bound(self) -> None:
        builder = _speedups.Builder(Snapshot, None, '3.71', repeated=('name',))
        built = builder.page([json.loads(json.dumps(self.payloads[1][1]))])
        self.assertEqual({}, builder._shared)
        self.assertEqual(self.payloads[1][1]['name'], built[0].name)


class TestBuiltObjectsBehaveFallback(
    ForcedFallback, test_speedups.TestBuiltObjectsBehave
):
    def test_parts_without_content_are_made_on_use(self) -> None:
        # openstacksdk makes every part when it builds the object.
        snap = _speedups.Builder(Snapshot, self.conn, '3.71')(
            test_speedups.own_payload()
        )
        state = object.__getattribute__(snap, '__dict__')
        for part in ('_header', '_uri', '_computed'):
            self.assertIn(part, state)
        expected = test_speedups.Twin.existing(
            connection=self.conn,
            microversion='3.71',
            **copy.deepcopy(test_speedups.own_payload()),
        )
        self.assert_same_resource(expected, snap)


class TestPrecomputedFieldsFallback(
    ForcedFallback, test_speedups.TestPrecomputedFields
):
    pass


class TestSnapshotResourceFallback(
    ForcedFallback, test_snapshot_resource.TestSnapshotResource
):
    pass


class TestListQueryFallback(ForcedFallback, test_list_query.TestListQuery):
    pass


class TestPagesFallback(ForcedFallback, test_pages.TestPages):
    pass


class TestGetSnapshotFallback(
    ForcedFallback, test_proxy_snapshots.TestGetSnapshot
):
    pass


class TestFindSnapshotFallback(
    ForcedFallback, test_proxy_snapshots.TestFindSnapshot
):
    pass


class TestCreateSnapshotFallback(
    ForcedFallback, test_proxy_snapshots.TestCreateSnapshot
):
    pass


class TestUpdateSnapshotFallback(
    ForcedFallback, test_proxy_snapshots.TestUpdateSnapshot
):
    pass


class TestListingThroughTheProxyFallback(ForcedFallback, fakes.ProxyTestCase):
    def test_listed_objects_equal_openstacksdk(self) -> None:
        self.mock('GET', '/snapshots/detail', capture='snapshot_list_limit2')
        payloads = fakes.load_capture('snapshot_list_limit2')['body'][
            'snapshots'
        ]
        # One page (the capture links to a next one).
        listed = list(
            itertools.islice(self.proxy.snapshots(limit=2), len(payloads))
        )
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', '/snapshots/detail', query={'limit': ['2']}
        )
        self.assertEqual(len(payloads), len(listed))
        for payload, snap in zip(payloads, listed, strict=True):
            expected = test_speedups.Twin.existing(
                connection=self.conn,
                microversion='3.71',
                **copy.deepcopy(payload),
            )
            self.assertEqual(expected.to_dict(), snap.to_dict())
            self.assertEqual(expected, snap)
            self.assertEqual(payload['name'], snap.to_dict()['name'])


class TestCheckDeferred(test_speedups.ComparisonMixin, fakes.ProxyTestCase):
    """The self-check runs at the first listing, or once more objects
    than UNCHECKED_OBJECTS were built one at a time; openstacksdk's own
    construction builds those."""

    def setUp(self) -> None:
        super().setUp()
        # As in a new process: no class checked yet.
        for state in (mixin._layouts, mixin._unchecked):
            patcher = mock.patch.dict(state, clear=True)
            patcher.start()
            self.addCleanup(patcher.stop)
        self.check = self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._speedups.check.differences',
                wraps=check.differences,
            )
        ).mock

    def build(self, n: int) -> tuple[Any, Any]:
        payload = test_speedups.own_payload()
        payload['name'] = f'snap-{n}'
        expected = test_speedups.Twin.existing(
            connection=self.conn,
            microversion='3.71',
            **copy.deepcopy(payload),
        )
        return expected, Snapshot.existing(
            connection=self.conn, microversion='3.71', **payload
        )

    def test_objects_one_at_a_time(self) -> None:
        made = [self.build(n) for n in range(mixin.UNCHECKED_OBJECTS)]
        self.check.assert_not_called()
        self.assertNotIn(Snapshot, mixin._layouts)
        for expected, snap in made:
            # Built by openstacksdk: every part made with the object.
            state = object.__getattribute__(snap, '__dict__')
            for part in ('_header', '_uri', '_computed'):
                self.assertIn(part, state)
            self.assert_same_resource(expected, snap)
        expected, snap = self.build(mixin.UNCHECKED_OBJECTS)
        self.check.assert_called_once_with(
            Snapshot, _speedups.PrecomputedFields, _speedups.Builder
        )
        self.assertFalse(mixin._layouts[Snapshot].native)
        self.assert_same_resource(expected, snap)
        # Objects built before the check behave the same after it, when
        # the fast path's methods (to_dict(), the location) serve them.
        for expected, snap in made:
            self.assert_same_resource(expected, snap)
            snap.name = 'renamed'
            expected.name = 'renamed'
            self.assertEqual(expected.to_dict(), snap.to_dict())
            self.assertEqual(expected._body.dirty, snap._body.dirty)
            self.assertEqual({'name'}, set(snap._body.dirty))
        self.build(mixin.UNCHECKED_OBJECTS + 1)
        self.check.assert_called_once()

    def test_listing_checks_first(self) -> None:
        _speedups.Builder(Snapshot, self.conn, '3.71')
        self.check.assert_called_once_with(
            Snapshot, _speedups.PrecomputedFields, _speedups.Builder
        )
        self.assertFalse(mixin._layouts[Snapshot].native)

    def test_get_leaves_the_check(self) -> None:
        self.mock(
            'GET',
            f'/snapshots/{fakes.SNAPSHOT_ID}',
            capture='snapshot_show_mv3.71',
        )
        snap = self.proxy.get_snapshot(fakes.SNAPSHOT_ID)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', f'/snapshots/{fakes.SNAPSHOT_ID}')
        self.assertEqual(fakes.SNAPSHOT_ID, snap.id)
        self.check.assert_not_called()
        self.assertEqual(1, mixin._unchecked[Snapshot])

    def test_a_failing_check_after_objects_were_built(self) -> None:
        made = [self.build(n) for n in range(mixin.UNCHECKED_OBJECTS)]
        self.useFixture(BrokenFastPath())
        logger = self.useFixture(
            fixtures.FakeLogger(name=LOGGER, level=logging.WARNING)
        )
        made.append(self.build(mixin.UNCHECKED_OBJECTS))
        self.assertTrue(mixin._layouts[Snapshot].native)
        self.assertEqual(1, len(logger.output.splitlines()))
        for expected, snap in made:
            self.assert_same_resource(expected, snap)
