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

"""Gets, creates and deletes give what openstacksdk's own code gives.

A get by ID builds the snapshot once from the answer
(:func:`snapshot_ext.v3._speedups.build_fetched`), and the answers of
fetch, create and delete are taken from the body decoded once
(:func:`snapshot_ext.v3._speedups.take_answer`).  Every object is compared
with the one openstacksdk's own ``new``, ``fetch``, ``create`` and
``delete`` make of the same answer, on a twin class without snapshot_ext's
code (see :mod:`snapshot_ext.tests.unit.test_speedups`), and every request
with the one openstacksdk sends.
"""

from collections.abc import Iterator
import contextlib
import copy
import itertools
from typing import Any
from unittest import mock

from openstack import exceptions as sdk_exceptions
from openstack import resource

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit import test_speedups
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _speedups
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._speedups import mixin

Snapshot = _snapshot.Snapshot

#: openstacksdk's Snapshot with snapshot_ext's fields and microversion
#: ceiling only: what openstacksdk itself builds and sends.
Reference: Any = type(
    'Snapshot',
    (test_speedups.Twin,),
    {
        '__module__': Snapshot.__module__,
        '__qualname__': Snapshot.__qualname__,
        '_max_microversion': Snapshot._max_microversion,
    },
)


def _sent(request: Any) -> tuple[Any, ...]:
    """What a request carries: method, URL, body and microversion."""
    body = request.json() if request.body else None
    return (
        request.method,
        request.url,
        body,
        request.headers.get('OpenStack-API-Version'),
    )


class SingleObjectTestCase(
    test_speedups.ComparisonMixin, test_speedups.CatalogProxyTestCase
):
    """The fake cloud behind a catalog, the self-check passed."""

    def setUp(self) -> None:
        super().setUp()
        self.assertFalse(_speedups.layout(Snapshot).native)
        self.assertIsNotNone(_speedups.single_layout(Snapshot))
        self.payloads = [
            (where, payload)
            for where, payload in test_speedups.snapshot_payloads()
            if payload.get('id')
        ]

    def serve(self, payload: dict[str, Any]) -> None:
        """Answer GET and DELETE of the payload's snapshot."""
        path = f"/snapshots/{payload['id']}"
        self.mock('GET', path, json={'snapshot': payload})
        self.mock('DELETE', path, status_code=202)

    def last_two(self) -> tuple[Any, Any]:
        """The last two requests: openstacksdk's, then snapshot_ext's."""
        requests = self.api_requests()
        self.assertGreaterEqual(len(requests), 2)
        return requests[-2], requests[-1]


class TestGetBuildsOnce(SingleObjectTestCase):
    def test_objects_equal_openstacksdks(self) -> None:
        self.assertGreaterEqual(len(self.payloads), 8)
        projects = {
            p.get('os-extended-snapshot-attributes:project_id')
            for _, p in self.payloads
        }
        # The location is the token's, and another project's.
        self.assertIn(fakes.PROJECT_ID, projects)
        self.assertIn(test_speedups.OTHER_PROJECT, projects)
        for where, payload in self.payloads:
            with self.subTest(where=where):
                self.serve(copy.deepcopy(payload))
                expected = Reference.new(
                    id=payload['id'], connection=self.conn
                ).fetch(self.proxy)
                with mock.patch.object(
                    _speedups, 'build_fetched', wraps=_speedups.build_fetched
                ) as built:
                    actual = self.proxy.get_snapshot(payload['id'])
                built.assert_called_once()
                self.assert_same_resource(expected, actual)
                self.assertEqual('3.71', actual.microversion)
                theirs, mine = self.last_two()
                self.assertEqual(_sent(theirs), _sent(mine))
                self.assert_request(mine, 'GET', f"/snapshots/{payload['id']}")

    def test_changed_afterwards_as_openstacksdks(self) -> None:
        payload = self.payloads[0][1]
        self.serve(copy.deepcopy(payload))
        expected = Reference.new(id=payload['id'], connection=self.conn)
        expected = expected.fetch(self.proxy)
        actual = self.proxy.get_snapshot(payload['id'])
        for snap in (expected, actual):
            snap.name = 'renamed'
            snap.metadata = {'k': 'v'}
        self.assertEqual(expected, actual)
        self.assertEqual(expected.to_dict(), actual.to_dict())
        self.assertEqual(repr(expected), repr(actual))
        # The dict content is made again only by openstacksdk's next
        # request, for both.
        self.assertEqual(list(dict.items(expected)), list(dict.items(actual)))
        self.assertEqual('renamed', actual.to_dict()['name'])
        for part in ('_body', '_header', '_uri', '_computed'):
            self.assertEqual(
                getattr(expected, part).dirty, getattr(actual, part).dirty
            )
        self.assertEqual({'name', 'metadata'}, set(actual._body.dirty))

    def test_not_found_raises_as_openstacksdk(self) -> None:
        missing = '2b626fc0-e136-4122-a3ae-ce4c97388a94'
        self.mock('GET', f'/snapshots/{missing}', capture='err_get_not_found')
        stock = self.assertRaises(
            sdk_exceptions.NotFoundException,
            Reference.new(id=missing, connection=self.conn).fetch,
            self.proxy,
            error_message=f'No Snapshot found for {missing}',
        )
        mine = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.get_snapshot,
            missing,
        )
        self.assertEqual(str(stock), str(mine))
        self.assertEqual(stock.status_code, mine.status_code)
        self.assertEqual(stock.request_id, mine.request_id)

    def test_an_answer_about_another_snapshot_is_refused(self) -> None:
        asked = '2b626fc0-e136-4122-a3ae-ce4c97388a94'
        payload = copy.deepcopy(self.payloads[0][1])
        self.mock('GET', f'/snapshots/{asked}', json={'snapshot': payload})
        exc = self.assertRaises(
            sdk_exceptions.InvalidResponse, self.proxy.get_snapshot, asked
        )
        self.assertIn(repr(asked), str(exc))

    def test_a_bad_id_is_refused_before_sending(self) -> None:
        self.forget_requests()
        exc = self.assertRaises(
            exceptions.InvalidSnapshotRequest, self.proxy.get_snapshot, '..'
        )
        self.assertIn('relative path segment', str(exc))
        self.assert_no_api_request()

    def test_an_id_is_quoted_as_one_segment(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        payload['id'] = 'a/b?c#d'
        self.mock(
            'GET', '/snapshots/a%2Fb%3Fc%23d', json={'snapshot': payload}
        )
        snap = self.proxy.get_snapshot('a/b?c#d')
        self.assertEqual('a/b?c#d', snap.id)
        (request,) = self.api_requests()
        self.assert_request(request, 'GET', '/snapshots/a%2Fb%3Fc%23d')

    def test_unchecked_class_is_fetched_by_openstacksdk(self) -> None:
        # Before the self-check ran, openstacksdk's own fetch builds it.
        payload = self.payloads[0][1]
        self.serve(copy.deepcopy(payload))
        expected = Reference.new(id=payload['id'], connection=self.conn)
        expected = expected.fetch(self.proxy)
        with (
            mock.patch.dict(mixin._layouts, clear=True),
            mock.patch.dict(mixin._unchecked, clear=True),
            mock.patch.object(
                _speedups, 'build_fetched', wraps=_speedups.build_fetched
            ) as built,
        ):
            self.assertIsNone(_speedups.single_layout(Snapshot))
            actual = self.proxy.get_snapshot(payload['id'])
        built.assert_not_called()
        self.assert_same_resource(expected, actual)
        theirs, mine = self.last_two()
        self.assertEqual(_sent(theirs), _sent(mine))


class TestGetAtMicroversion30(SingleObjectTestCase):
    """A cloud whose highest microversion is 3.0."""

    max_version = '3.0'
    expected_microversion = '3.0'

    def test_objects_equal_openstacksdks(self) -> None:
        snap = self.capture('snapshot_show_mv3.0')['body']['snapshot']
        self.serve(copy.deepcopy(snap))
        expected = Reference.new(id=snap['id'], connection=self.conn)
        expected = expected.fetch(self.proxy)
        actual = self.proxy.get_snapshot(snap['id'])
        self.assert_same_resource(expected, actual)
        self.assertEqual('3.0', actual.microversion)
        theirs, mine = self.last_two()
        self.assertEqual(_sent(theirs), _sent(mine))
        self.assert_request(mine, 'GET', f"/snapshots/{snap['id']}")


class TestCreateAndDelete(SingleObjectTestCase):
    attrs = {
        'volume_id': fakes.VOLUME_ID,
        'name': 'nightly',
        'description': 'kept a week',
        'metadata': {'k': 'v'},
    }

    def test_created_objects_equal_openstacksdks(self) -> None:
        for where, payload in self.payloads:
            with self.subTest(where=where):
                self.mock(
                    'POST',
                    '/snapshots',
                    status_code=202,
                    json={'snapshot': copy.deepcopy(payload)},
                )
                expected = Reference.new(
                    connection=self.conn, **copy.deepcopy(self.attrs)
                ).create(self.proxy)
                # create_snapshot builds the snapshot once, from the answer.
                with (
                    mock.patch.object(
                        _speedups, 'take_answer', wraps=_speedups.take_answer
                    ) as taken,
                    mock.patch.object(
                        _speedups,
                        'build_created',
                        wraps=_speedups.build_created,
                    ) as built,
                ):
                    actual = self.proxy.create_snapshot(
                        **copy.deepcopy(self.attrs)
                    )
                built.assert_called_once()
                taken.assert_not_called()
                self.assert_same_resource(expected, actual)
                theirs, mine = self.last_two()
                self.assertEqual(_sent(theirs), _sent(mine))
                self.assert_request(
                    mine, 'POST', '/snapshots', json={'snapshot': self.attrs}
                )
                # Snapshot.create takes the answer into the snapshot made.
                with mock.patch.object(
                    _speedups, 'take_answer', wraps=_speedups.take_answer
                ) as taken:
                    made = Snapshot.new(
                        connection=self.conn, **copy.deepcopy(self.attrs)
                    ).create(self.proxy)
                taken.assert_called_once()
                self.assert_same_resource(expected, made)
                self.assertEqual(_sent(theirs), _sent(self.last_two()[1]))

    @contextlib.contextmanager
    def built_new(self) -> Iterator[list[Any]]:
        """Collect what the fast new() returns while in the context."""
        returned: list[Any] = []
        build_new = mixin.build_new

        def spy(*args: Any) -> Any:
            returned.append(build_new(*args))
            return returned[-1]

        with mock.patch.object(mixin, 'build_new', spy):
            yield returned

    def test_new_objects_equal_openstacksdks(self) -> None:
        cases: dict[str, dict[str, Any]] = {
            'attribute names': self.attrs,
            'server names': {
                'volume_id': fakes.VOLUME_ID,
                'force': 'true',
                'os-extended-snapshot-attributes:project_id': 'p',
            },
            'values to convert': {'size': '5', 'is_forced': True},
            'a microversion': {**self.attrs, 'microversion': '3.0'},
        }
        for (name, attrs), conn in itertools.product(
            cases.items(), (self.conn, None)
        ):
            with self.subTest(case=name, connection=conn is not None):
                with self.built_new() as built:
                    actual = Snapshot.new(
                        connection=conn, **copy.deepcopy(attrs)
                    )
                self.assertEqual([actual], built)
                expected = Reference.new(
                    connection=conn, **copy.deepcopy(attrs)
                )
                self.assert_same_resource(expected, actual)

    def test_new_with_other_arguments_is_built_by_openstacksdk(
        self,
    ) -> None:
        for attrs in (
            {'volume_id': fakes.VOLUME_ID, 'bogus': 1},
            {'location': {'cloud': 'elsewhere'}},
            {},
        ):
            with self.subTest(attrs=attrs):
                with self.built_new() as built:
                    actual = Snapshot.new(
                        connection=self.conn, **copy.deepcopy(attrs)
                    )
                self.assertEqual([None], built)
                self.assert_same_resource(
                    Reference.new(
                        connection=self.conn, **copy.deepcopy(attrs)
                    ),
                    actual,
                )

    def test_listed_objects_handed_to_a_verb_equal_openstacksdks(
        self,
    ) -> None:
        # A proxy verb updates the object it is handed with nothing
        # (Proxy._get_resource), as delete_snapshot(snapshot) does.
        for where, payload in self.payloads:
            with self.subTest(where=where):
                expected = Reference.existing(
                    connection=self.conn,
                    microversion='3.71',
                    **copy.deepcopy(payload),
                )
                actual = _speedups.Builder(Snapshot, self.conn, '3.71').page(
                    [copy.deepcopy(payload)]
                )[0]
                self.assertIs(
                    expected, self.proxy._get_resource(Reference, expected)
                )
                self.assertIs(
                    actual, self.proxy._get_resource(Snapshot, actual)
                )
                self.assertIsNone(actual.microversion)
                self.assert_same_resource(expected, actual)

    def test_create_checks_the_attributes_once(self) -> None:
        self.mock(
            'POST',
            '/snapshots',
            status_code=202,
            json={'snapshot': copy.deepcopy(self.payloads[0][1])},
        )
        with mock.patch.object(
            _checks, 'create_attrs', wraps=_checks.create_attrs
        ) as checked:
            self.proxy.create_snapshot(**copy.deepcopy(self.attrs))
        checked.assert_called_once_with(self.attrs)
        # A Snapshot created directly is checked by its create().
        with mock.patch.object(
            _checks, 'create_attrs', wraps=_checks.create_attrs
        ) as checked:
            Snapshot.new(
                connection=self.conn, **copy.deepcopy(self.attrs)
            ).create(self.proxy)
        checked.assert_called_once_with(self.attrs)
        self.assertRaises(
            exceptions.InvalidSnapshotRequest,
            Snapshot.new(connection=self.conn, name='x').create,
            self.proxy,
        )
        self.assertEqual(2, len(self.api_requests()))

    def test_deleted_objects_equal_openstacksdks(self) -> None:
        for where, payload in self.payloads:
            with self.subTest(where=where):
                self.serve(copy.deepcopy(payload))
                expected = Reference.new(
                    id=payload['id'], connection=self.conn
                ).fetch(self.proxy)
                actual = self.proxy.get_snapshot(payload['id'])
                self.proxy._delete(Reference, expected)
                with mock.patch.object(
                    _speedups, 'take_answer', wraps=_speedups.take_answer
                ) as taken:
                    self.proxy.delete_snapshot(actual)
                taken.assert_called_once()
                self.assert_same_resource(expected, actual)
                theirs, mine = self.last_two()
                self.assertEqual(_sent(theirs), _sent(mine))
                self.assert_request(
                    mine, 'DELETE', f"/snapshots/{payload['id']}"
                )

    def test_delete_by_id_sends_what_openstacksdk_sends(self) -> None:
        payload = self.payloads[0][1]
        self.serve(copy.deepcopy(payload))
        self.proxy._delete(
            Reference, Reference.new(id=payload['id'], connection=self.conn)
        )
        self.proxy.delete_snapshot(payload['id'])
        theirs, mine = self.last_two()
        self.assertEqual(_sent(theirs), _sent(mine))
        self.assert_request(mine, 'DELETE', f"/snapshots/{payload['id']}")

    def test_delete_of_a_missing_snapshot_raises_as_openstacksdk(
        self,
    ) -> None:
        missing = '2b626fc0-e136-4122-a3ae-ce4c97388a94'
        self.mock(
            'DELETE', f'/snapshots/{missing}', capture='err_get_not_found'
        )
        stock = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy._delete,
            Reference,
            missing,
            ignore_missing=False,
        )
        mine = self.assertRaises(
            sdk_exceptions.NotFoundException,
            self.proxy.delete_snapshot,
            missing,
            ignore_missing=False,
        )
        self.assertEqual(stock.status_code, mine.status_code)
        self.assertEqual(stock.request_id, mine.request_id)
        # Ignored by default, as openstacksdk does.
        self.proxy.delete_snapshot(missing)
        self.assertEqual(3, len(self.api_requests()))


class TestAlternateId(SingleObjectTestCase):
    def test_as_openstacksdk_names_it(self) -> None:
        base: Any = resource.Resource._alternate_id
        self.assertEqual(base.__func__(Snapshot), Snapshot._alternate_id())
        self.assertEqual('', Snapshot._alternate_id())
        named: Any = type(
            'Named',
            (Snapshot,),
            {'name': resource.Body('name', alternate_id=True)},
        )
        self.assertEqual('name', named._alternate_id())
        self.assertEqual('name', base.__func__(named))
        self.assertEqual('snap-1', named.new(name='snap-1').id)

    def test_new_snapshot_has_no_id(self) -> None:
        self.assertIsNone(Snapshot.new(connection=self.conn, name='x').id)
