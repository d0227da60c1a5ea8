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

"""The precomputed construction path builds what openstacksdk builds.

Every object is compared with the one openstacksdk itself makes from the
same values: a twin class declared with the same fields on openstacksdk's
own Snapshot, without snapshot_ext's mixin, so that nothing of
:mod:`snapshot_ext.v3._speedups` takes part in building the reference.
"""

import copy
import datetime
import glob
import io
import json
import os
from typing import Any
from unittest import mock

from openstack import connection
from openstack import resource
from openstack import utils
from openstack.block_storage.v3 import snapshot as stock_snapshot
import requests

from snapshot_ext.tests import base
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _checks
from snapshot_ext.v3 import _speedups
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._compat import fields
from snapshot_ext.v3._speedups import builder as _builder
from snapshot_ext.v3._speedups import layouts
from snapshot_ext.v3._speedups import locations
from snapshot_ext.v3._speedups import mixin

Snapshot = _snapshot.Snapshot

#: The fields of snapshot_ext's Snapshot, declared again on openstacksdk's
#: class: objects of it are built by openstacksdk's code alone.
Twin: Any = type(
    'Snapshot',
    (stock_snapshot.Snapshot,),
    {
        '__module__': Snapshot.__module__,
        '__qualname__': Snapshot.__qualname__,
        **{
            name: value
            for name, value in vars(Snapshot).items()
            if isinstance(value, fields._BaseComponent)
        },
    },
)

#: openstacksdk's own implementations, called on a class directly.
_RESOURCE: Any = resource.Resource
_BASE_GET_MAPPING: Any = _RESOURCE._get_mapping.__func__
_BASE_ITERATOR: Any = _RESOURCE._attributes_iterator.__func__

IDENTITY_HOST = 'identity.example.com'
AUTH_URL = f'https://{IDENTITY_HOST}/v3'
USER_ID = 'f7f7a3399b364b329f137ba356793794'
OTHER_PROJECT = '73b39c2cf5134e87ae494809774af275'
MICROVERSIONS = ('3.71', '3.0', None)


class Text(str):
    """A ``str`` subclass: equal to a ``str``, not of its type."""


def snapshot_payloads() -> list[tuple[str, dict[str, Any]]]:
    """Every snapshot object in the captures, with where it came from."""
    found = []
    for path in sorted(glob.glob(os.path.join(fakes.FIXTURES_DIR, '*.json'))):
        name = os.path.basename(path)
        body = fakes.load_capture(name)['body']
        if not isinstance(body, dict):
            continue
        items = body.get('snapshots')
        if not isinstance(items, list):
            one = body.get('snapshot')
            items = [one] if isinstance(one, dict) else []
        for n, item in enumerate(items):
            found.append((f'{name}[{n}]', item))
    return found


def token_body(
    endpoint: str = fakes.ENDPOINT,
    project_id: str = fakes.PROJECT_ID,
    expires: datetime.datetime | None = None,
) -> dict[str, Any]:
    """A Keystone v3 token whose catalog holds Block Storage.

    :param endpoint: The Block Storage public endpoint.
    :param project_id: The token's project.
    :param expires: When the token expires (a day from now by default).
    """
    if expires is None:
        expires = datetime.datetime.now(
            datetime.timezone.utc
        ) + datetime.timedelta(days=1)
    domain = {'id': 'default', 'name': 'Default'}
    return {
        'token': {
            'methods': ['password'],
            'expires_at': expires.strftime('%Y-%m-%dT%H:%M:%S.000000Z'),
            'issued_at': '2025-01-01T00:00:00.000000Z',
            'user': {'id': USER_ID, 'name': 'demo', 'domain': domain},
            'project': {'id': project_id, 'name': 'demo', 'domain': domain},
            'roles': [{'id': 'r1', 'name': 'member'}],
            'catalog': [
                {
                    'type': 'block-storage',
                    'name': 'cinder',
                    'id': 'c1',
                    'endpoints': [
                        {
                            'id': 'e1',
                            'interface': interface,
                            'region': 'RegionOne',
                            'region_id': 'RegionOne',
                            'url': endpoint,
                        }
                        for interface in ('public', 'internal', 'admin')
                    ],
                },
                {
                    'type': 'identity',
                    'name': 'keystone',
                    'id': 'k1',
                    'endpoints': [
                        {
                            'id': 'e2',
                            'interface': 'public',
                            'region': 'RegionOne',
                            'region_id': 'RegionOne',
                            'url': AUTH_URL,
                        }
                    ],
                },
            ],
        }
    }


class CatalogProxyTestCase(fakes.ProxyTestCase):
    """The fake cloud behind password authentication and a catalog.

    The Block Storage endpoint comes from the token's catalog, as in a
    real cloud, instead of an endpoint override.
    """

    def register_token(self, **kwargs: Any) -> Any:
        """Answer token requests with :func:`token_body`.

        :param kwargs: Passed to :func:`token_body`.
        :returns: The ``requests_mock`` matcher.
        """
        return self.requests_mock.post(
            f'{AUTH_URL}/auth/tokens',
            status_code=201,
            json=token_body(**kwargs),
            headers={'X-Subject-Token': fakes.TOKEN},
        )

    def make_connection(
        self, api_version: str = '3', **kwargs: Any
    ) -> connection.Connection:
        self.requests_mock.get(
            AUTH_URL,
            json={
                'version': {
                    'id': 'v3.14',
                    'status': 'stable',
                    'links': [{'rel': 'self', 'href': f'{AUTH_URL}/'}],
                }
            },
        )
        self.tokens = self.register_token()
        conn = connection.Connection(
            auth_type='password',
            auth={
                'auth_url': AUTH_URL,
                'username': 'demo',
                'password': 'secret',
                'project_id': fakes.PROJECT_ID,
                'user_domain_id': 'default',
            },
            block_storage_api_version=api_version,
            region_name='RegionOne',
            **kwargs,
        )
        self.addCleanup(conn.close)
        return conn

    def api_requests(self) -> list[Any]:
        return [
            r for r in super().api_requests() if IDENTITY_HOST not in r.url
        ]


class ComparisonMixin:
    """Checks that two resources hold the same, field by field."""

    def assert_same_resource(self, expected: Any, actual: Any) -> None:
        test: Any = self
        test.assertIsInstance(actual, Snapshot)
        test.assertIsInstance(actual, stock_snapshot.Snapshot)
        test.assertEqual(expected, actual)
        test.assertEqual(actual, expected)
        test.assertEqual(expected.to_dict(), actual.to_dict())
        test.assertEqual(repr(expected), repr(actual))
        # The dict content (json.dumps, dict(...)), in the same order.
        test.assertEqual(list(dict.items(expected)), list(dict.items(actual)))
        for part in ('_body', '_header', '_uri', '_computed'):
            mine = getattr(actual, part)
            theirs = getattr(expected, part)
            test.assertEqual(theirs.attributes, mine.attributes, part)
            test.assertEqual(theirs.dirty, mine.dirty, part)
        test.assertEqual(expected.microversion, actual.microversion)
        test.assertIs(expected._connection, actual._connection)
        test.assertEqual(expected.to_dict(), dict(actual))


class TestBuilderMatchesOpenStackSDK(ComparisonMixin, CatalogProxyTestCase):
    """Listed objects equal openstacksdk's, for every captured snapshot."""

    #: Whether the builder takes the fast path (see test_speedups_fallback).
    expect_fast_path = True

    def setUp(self) -> None:
        super().setUp()
        self.payloads = snapshot_payloads()

    def test_captures_hold_snapshots(self) -> None:
        # The comparisons below run over these.
        self.assertGreaterEqual(len(self.payloads), 8)
        projects = {
            p.get('os-extended-snapshot-attributes:project_id')
            for _, p in self.payloads
        }
        self.assertIn(fakes.PROJECT_ID, projects)
        self.assertIn(OTHER_PROJECT, projects)

    def check_all(self, conn: Any, builder_kwargs: dict[str, Any]) -> None:
        for microversion in MICROVERSIONS:
            builder = _speedups.Builder(
                Snapshot, conn, microversion, **builder_kwargs
            )
            self.assertEqual(self.expect_fast_path, builder.fast)
            for where, payload in self.payloads:
                with self.subTest(where=where, microversion=microversion):
                    expected = Twin.existing(
                        connection=conn,
                        microversion=microversion,
                        **copy.deepcopy(payload),
                    )
                    actual = builder(copy.deepcopy(payload))
                    self.assert_same_resource(expected, actual)
                    # And what snapshot_ext's own class builds the slow way.
                    also = Snapshot.existing(
                        connection=conn,
                        microversion=microversion,
                        **copy.deepcopy(payload),
                    )
                    self.assert_same_resource(also, actual)

    def built_as_one_page(self, builder: Any, page: list[Any]) -> list[Any]:
        """Build a page, asserting it is built as one on the fast path."""
        if not self.expect_fast_path:
            return builder.page(page)  # type: ignore[no-any-return]
        with mock.patch.object(builder, 'build', side_effect=AssertionError):
            # Same keys, no conversion: not object by object.
            return builder.page(page)  # type: ignore[no-any-return]

    def check_pages(self, conn: Any, builder_kwargs: dict[str, Any]) -> None:
        """Pages built at once equal openstacksdk's objects one by one."""
        for microversion in MICROVERSIONS:
            for where, payload in self.payloads:
                builder = _speedups.Builder(
                    Snapshot, conn, microversion, **builder_kwargs
                )
                with self.subTest(where=where, microversion=microversion):
                    page = [copy.deepcopy(payload) for _ in range(3)]
                    built = self.built_as_one_page(builder, page)
                    self.assertEqual(3, len(built))
                    for actual in built:
                        expected = Twin.existing(
                            connection=conn,
                            microversion=microversion,
                            **copy.deepcopy(payload),
                        )
                        self.assert_same_resource(expected, actual)
            # Objects of different keys in one page: one by one.
            builder = _speedups.Builder(
                Snapshot, conn, microversion, **builder_kwargs
            )
            mixed = [copy.deepcopy(p) for _, p in self.payloads]
            built = builder.page(copy.deepcopy(mixed))
            self.assertEqual(len(mixed), len(built))
            for payload, actual in zip(mixed, built, strict=True):
                with self.subTest(mixed=payload['id']):
                    expected = Twin.existing(
                        connection=conn, microversion=microversion, **payload
                    )
                    self.assert_same_resource(expected, actual)

    def test_with_connection(self) -> None:
        self.check_all(self.conn, {})

    def test_pages_with_connection(self) -> None:
        self.check_pages(self.conn, {})

    def test_pages_without_connection(self) -> None:
        self.check_pages(None, {})

    def test_pages_with_shared_values_and_checked_types(self) -> None:
        self.check_pages(
            self.conn,
            {
                'repeated': Snapshot._repeated_keys,
                'checked': _checks.FIELD_TYPES,
            },
        )

    def test_page_of_several_projects(self) -> None:
        # An all-projects listing: the other project's locations are
        # changes, the token's project's are not, in one page.
        own = own_payload()
        other = copy.deepcopy(own)
        other['id'] = 'a-snapshot-of-another-project'
        other['os-extended-snapshot-attributes:project_id'] = OTHER_PROJECT
        page = [copy.deepcopy(own), copy.deepcopy(other), copy.deepcopy(own)]
        builder = _speedups.Builder(Snapshot, self.conn, '3.71')
        built = self.built_as_one_page(builder, copy.deepcopy(page))
        for payload, actual in zip(page, built, strict=True):
            expected = Twin.existing(
                connection=self.conn, microversion='3.71', **payload
            )
            self.assert_same_resource(expected, actual)
        self.assertEqual(set(), built[0]._computed.dirty.keys())
        self.assertEqual({'location'}, built[1]._computed._dirty)
        self.assertEqual(OTHER_PROJECT, built[1].location['project']['id'])
        if self.expect_fast_path:
            # One location per project and token.
            self.assertIs(built[0].location, built[2].location)

    def test_page_with_keys_the_caller_checked(self) -> None:
        payload = own_payload()
        page = [copy.deepcopy(payload) for _ in range(2)]
        builder = _speedups.Builder(Snapshot, self.conn, '3.71')
        with mock.patch.object(
            builder, '_same_keys', side_effect=AssertionError
        ):
            built = builder.page(page, tuple(payload))
        expected = Twin.existing(
            connection=self.conn, microversion='3.71', **payload
        )
        for actual in built:
            self.assert_same_resource(expected, actual)

    def test_page_needing_conversions_is_built_one_by_one(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        payload.update({'size': '7', 'description': ['a', 'list']})
        builder = _speedups.Builder(Snapshot, None, '3.71')
        page = [copy.deepcopy(payload) for _ in range(2)]
        with mock.patch.object(builder, 'build', wraps=builder.build) as build:
            built = builder.page(page)
        self.assertEqual(2, build.call_count)
        for actual in built:
            expected = Twin.existing(
                microversion='3.71', **copy.deepcopy(payload)
            )
            self.assert_same_resource(expected, actual)
            self.assertEqual(7, actual.size)

    def test_page_shares_repeated_values(self) -> None:
        builder = _speedups.Builder(
            Snapshot, None, '3.71', repeated=('volume_id', 'status', 'size')
        )
        text = json.dumps(self.payloads[1][1])
        first, second = builder.page([json.loads(text), json.loads(text)])
        self.assertIs(first.volume_id, second.volume_id)
        self.assertIs(first.status, second.status)
        self.assertIs(
            first._body.attributes['status'],
            second._body.attributes['status'],
        )
        self.assertIs(
            dict.__getitem__(first, 'status'),
            first._body.attributes['status'],
        )

    def test_page_shares_at_most_the_bound(self) -> None:
        builder = _speedups.Builder(Snapshot, None, '3.71', repeated=('name',))
        payload = self.payloads[1][1]
        page = []
        for n in range(_builder.MAX_SHARED_VALUES + 10):
            item = copy.deepcopy(payload)
            item['name'] = f'name-{n}'
            page.append(item)
        built = builder.page(page)
        self.assertEqual(_builder.MAX_SHARED_VALUES, len(builder._shared))
        self.assertEqual('name-4100', built[4100].name)

    def test_page_checked_and_shared_by_the_listing(self) -> None:
        # As a listing builds a page: the response check shares the
        # repeated values and gives the keys, the types are known.
        own = own_payload()
        other = copy.deepcopy(own)
        other['id'] = 'a-snapshot-of-another-project'
        other['os-extended-snapshot-attributes:project_id'] = OTHER_PROJECT
        other['os-extended-snapshot-attributes:progress'] = '50%'
        payloads = [own, other, own, other]
        raw = [json.loads(json.dumps(p)) for p in payloads]
        builder = Snapshot._builder(self.proxy, '3.71')
        repeated, share = builder.sharing()
        self.assertEqual(Snapshot._repeated_keys, repeated)
        keys = _checks.check_listed(raw, 'a listed snapshot', repeated, share)
        assert keys is not None
        self.assertEqual(tuple(own), keys)
        with mock.patch.object(_builder, '_share', side_effect=AssertionError):
            built = self.built_as_one_page_with(builder, raw, keys)
        for payload, actual in zip(payloads, built, strict=True):
            expected = Twin.existing(
                connection=self.conn, microversion='3.71', **payload
            )
            self.assert_same_resource(expected, actual)
        self.assertEqual('50%', built[1].progress)
        if self.expect_fast_path:
            self.assertIs(built[0].volume_id, built[2].volume_id)
            self.assertIs(built[1].progress, built[3].progress)
            self.assertIs(built[0].location, built[2].location)

    def built_as_one_page_with(
        self, builder: Any, page: list[Any], keys: tuple[str, ...]
    ) -> list[Any]:
        """Build a page the listing checked and shared."""
        if not self.expect_fast_path:
            return builder.page(page, keys, shared=True)  # type: ignore[no-any-return]
        with mock.patch.object(builder, 'build', side_effect=AssertionError):
            return builder.page(page, keys, shared=True)  # type: ignore[no-any-return]

    def test_page_of_equal_values_of_other_types_one_by_one(self) -> None:
        # Equal values of a renamed key that are not the same value
        # (1 == True, 0.0 == -0.0) each keep their own.
        progress = 'os-extended-snapshot-attributes:progress'
        for values in ((1, True), (True, 1), (0.0, -0.0)):
            with self.subTest(values=values):
                payloads = []
                for value in values:
                    payload = own_payload()
                    payload[progress] = value
                    payloads.append(payload)
                builder = _speedups.Builder(Snapshot, self.conn, '3.71')
                with mock.patch.object(
                    builder, 'build', wraps=builder.build
                ) as build:
                    built = builder.page(copy.deepcopy(payloads))
                if self.expect_fast_path:
                    self.assertEqual(2, build.call_count)
                for payload, actual in zip(payloads, built, strict=True):
                    expected = Twin.existing(
                        connection=self.conn, microversion='3.71', **payload
                    )
                    self.assert_same_resource(expected, actual)
                    self.assertIs(
                        type(payload[progress]), type(actual.progress)
                    )
                    self.assertEqual(
                        str(payload[progress]), str(actual.progress)
                    )

    def test_page_keys_are_the_pages_own(self) -> None:
        # The objects' keys found in the page are the page's own objects
        # (the JSON decoder's), so copying the values finds them at once.
        text = json.dumps([self.payloads[1][1]] * 2)
        page = json.loads(text)
        page_keys = {key: key for key in page[0]}
        builder = _speedups.Builder(Snapshot, self.conn, '3.71')
        built = builder.page(page)
        found = 0
        for obj in built:
            for key in dict.keys(obj):
                if key in page_keys:
                    self.assertIs(page_keys[key], key)
                    found += 1
        self.assertGreater(found, 20)

    def test_equal_is_same(self) -> None:
        same = _builder._equal_is_same
        self.assertTrue(same({str, type(None)}))
        self.assertTrue(same({int}))
        self.assertTrue(same({bool, type(None)}))
        self.assertTrue(same(set()))
        self.assertFalse(same({int, bool}))
        self.assertFalse(same({float}))
        self.assertFalse(same({str, tuple}))
        self.assertFalse(same({Text}))

    def test_sharing_stops_once_full(self) -> None:
        builder = _speedups.Builder(
            Snapshot, None, '3.71', repeated=('status',)
        )
        repeated, share = builder.sharing()
        self.assertEqual(('status',), repeated)
        kept = share('available', 'available')
        self.assertIs(kept, share(''.join(['avail', 'able']), 'x'))
        for n in range(_builder.MAX_SHARED_VALUES):
            builder._shared[f'value-{n}'] = f'value-{n}'
        _, share = builder.sharing()
        self.assertIs(kept, share('available', 'available'))
        self.assertEqual('new', share('new', 'new'))
        self.assertNotIn('new', builder._shared)

    def test_share_leaves_str_subclasses(self) -> None:
        shared = {'available': 'available'}
        items: list[dict[str, Any]] = [
            {'status': Text('available')},
            {'status': 'available'},
        ]
        _builder._share(shared, items, ('status',))
        self.assertIs(Text, type(items[0]['status']))
        self.assertIs(shared['available'], items[1]['status'])

    def test_empty_page(self) -> None:
        builder = _speedups.Builder(Snapshot, self.conn, '3.71')
        self.assertEqual([], builder.page([]))

    def test_without_connection(self) -> None:
        self.check_all(None, {})

    def test_with_shared_values_and_checked_types(self) -> None:
        self.check_all(
            self.conn,
            {
                'repeated': Snapshot._repeated_keys,
                'checked': _checks.FIELD_TYPES,
            },
        )

    def test_with_a_token_plugin_without_auth_ref(self) -> None:
        # admin_token (and noauth) keep no token to cache locations by:
        # every location is computed anew, equal but not the same object.
        conn = fakes.ProxyTestCase.make_connection(self)
        # Also without a project (the summary listing has none): the
        # location then equals the token's, and is not a change.
        self.payloads += [
            (
                f'{where} without project',
                {
                    k: v
                    for k, v in payload.items()
                    if k != 'os-extended-snapshot-attributes:project_id'
                },
            )
            for where, payload in list(self.payloads)
        ]
        self.check_all(conn, {})

    def test_location_of_another_project_is_a_change(self) -> None:
        # openstacksdk replaces the token's location by the object's
        # project's, which marks it changed.
        (payload,) = [
            p
            for _, p in self.payloads
            if p.get('os-extended-snapshot-attributes:project_id')
            == OTHER_PROJECT
        ][:1]
        built = _speedups.Builder(Snapshot, self.conn, '3.71')(
            copy.deepcopy(payload)
        )
        self.assertEqual({'location'}, built._computed._dirty)
        self.assertEqual(OTHER_PROJECT, built.location['project']['id'])
        self.assertIsNone(built.location['project']['name'])
        mine = _speedups.Builder(Snapshot, self.conn, '3.71')(
            copy.deepcopy(self.payloads[-1][1])
        )
        self.assertEqual(self.conn.current_location, mine.location)
        self.assertEqual(set(), mine._computed.dirty.keys())

    def test_unknown_and_renamed_keys(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        payload['future_field'] = 'x'
        payload['project_id'] = 'given-by-attribute-name'
        payload['FORCE'] = True
        expected = Twin.existing(
            connection=self.conn, microversion='3.71', **copy.deepcopy(payload)
        )
        actual = _speedups.Builder(Snapshot, self.conn, '3.71')(payload)
        self.assert_same_resource(expected, actual)
        self.assertNotIn('future_field', actual._body.attributes)

    def test_values_needing_conversion(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        payload.update(
            {
                'size': '7',
                'metadata': None,
                'consumes_quota': 0,
                'force': 'true',
                'description': ['a', 'list'],
            }
        )
        expected = Twin.existing(
            connection=None, microversion='3.71', **copy.deepcopy(payload)
        )
        actual = _speedups.Builder(Snapshot, None, '3.71')(payload)
        self.assert_same_resource(expected, actual)
        self.assertEqual(7, actual.size)
        self.assertIs(True, actual.is_forced)
        # to_dict() copies lists; so does the builder.
        self.assertIsNot(
            actual._body.attributes['description'],
            dict.__getitem__(actual, 'description'),
        )

    def test_keys_only_computed(self) -> None:
        # Without body keys openstacksdk takes computed values from them.
        location = utils.Munch(cloud='elsewhere')
        expected = Twin.existing(location=location)
        actual = _speedups.Builder(Snapshot, None, None)(
            {'location': location}
        )
        self.assert_same_resource(expected, actual)

    def test_repeated_values_are_kept_once(self) -> None:
        builder = _speedups.Builder(
            Snapshot, None, '3.71', repeated=('volume_id', 'size')
        )
        first, second = (
            builder(json.loads(json.dumps(self.payloads[1][1])))
            for _ in range(2)
        )
        self.assertEqual(first.volume_id, second.volume_id)
        self.assertIs(first.volume_id, second.volume_id)
        self.assertIs(
            first._body.attributes['volume_id'],
            second._body.attributes['volume_id'],
        )
        # Only strings are shared.
        self.assertEqual(first.size, second.size)

    def test_other_classes_are_built_by_openstacksdk(self) -> None:
        builder = _speedups.Builder(Twin, None, '3.71')
        self.assertFalse(builder.fast)
        payload = self.payloads[0][1]
        built = builder(copy.deepcopy(payload))
        self.assertIs(Twin, type(built))
        self.assertEqual(
            Twin.existing(microversion='3.71', **copy.deepcopy(payload)),
            built,
        )


def own_payload() -> dict[str, Any]:
    """A captured snapshot of the token's project."""
    for _, payload in snapshot_payloads():
        project = payload.get('os-extended-snapshot-attributes:project_id')
        if project == fakes.PROJECT_ID:
            return copy.deepcopy(payload)
    raise AssertionError('no capture of the project')


class TestBuiltObjectsBehave(ComparisonMixin, CatalogProxyTestCase):
    """Objects built by the fast path work as openstacksdk's do."""

    def listed(self) -> Snapshot:
        """The first snapshot of a listing (one page is fetched)."""
        self.mock('GET', '/snapshots/detail', capture='snapshot_list_limit2')
        snap = next(iter(self.proxy.snapshots(limit=2)))
        (request,) = self.api_requests()
        self.assert_request(
            request, 'GET', '/snapshots/detail', query={'limit': ['2']}
        )
        self.forget_requests()
        return snap

    def test_parts_without_content_are_made_on_use(self) -> None:
        snap = _speedups.Builder(Snapshot, self.conn, '3.71')(own_payload())
        state = object.__getattribute__(snap, '__dict__')
        self.assertNotIn('_header', state)
        self.assertNotIn('_uri', state)
        self.assertNotIn('_computed', state)
        self.assertNotIn('_dirty', vars(snap._body))
        self.assertEqual({}, snap._header.attributes)
        self.assertEqual({}, snap._uri.attributes)
        self.assertEqual(
            {'location': self.conn.current_location},
            snap._computed.attributes,
        )
        self.assertIn('_header', state)
        self.assertIs(snap._header, snap._header)

    def test_attribute_and_item_access(self) -> None:
        payload = fakes.load_capture('snapshot_list_limit2')['body'][
            'snapshots'
        ][0]
        snap = self.listed()
        self.assertEqual(payload['id'], snap.id)
        self.assertEqual(payload['id'], snap['id'])
        self.assertEqual(
            payload['os-extended-snapshot-attributes:progress'],
            snap.progress,
        )
        self.assertEqual(payload['metadata'], snap['metadata'])
        self.assertEqual(payload['name'], json.loads(json.dumps(snap))['name'])

    def test_changes_are_tracked(self) -> None:
        snap = self.listed()
        self.assertEqual({}, snap._body.dirty)
        snap.name = 'renamed'
        self.assertEqual({'name': 'renamed'}, snap._body.dirty)
        self.assertEqual('renamed', snap.name)
        snap._body.clean()
        self.assertEqual({}, snap._body.dirty)

    def test_update_of_a_listed_snapshot_sends_the_change(self) -> None:
        snap = self.listed()
        answer = fakes.load_capture('snapshot_show_mv3.71')['body']
        answer['snapshot']['id'] = snap.id
        answer['snapshot']['name'] = 'renamed'
        self.mock('PUT', f'/snapshots/{snap.id}', json=answer)
        updated = self.proxy.update_snapshot(snap, name='renamed')
        (request,) = self.api_requests()
        self.assert_request(
            request,
            'PUT',
            f'/snapshots/{snap.id}',
            json={'snapshot': {'name': 'renamed'}},
        )
        self.assertEqual('renamed', updated.name)
        self.assertEqual({}, updated._body.dirty)

    def test_fetch_matches_openstacksdk(self) -> None:
        capture = 'snapshot_show_mv3.71'
        snapshot_id = fakes.load_capture(capture)['body']['snapshot']['id']
        self.mock('GET', f'/snapshots/{snapshot_id}', capture=capture)
        mine = self.proxy.get_snapshot(snapshot_id)
        theirs = Twin.new(id=snapshot_id, connection=self.conn).fetch(
            self.proxy, microversion='3.71'
        )
        self.assert_same_resource(theirs, mine)
        for request in self.api_requests():
            self.assert_request(request, 'GET', f'/snapshots/{snapshot_id}')

    def test_new_matches_openstacksdk(self) -> None:
        attrs = {
            'volume_id': fakes.VOLUME_ID,
            'name': 'n',
            'project_id': 'p',
            'force': True,
            'unknown': 1,
        }
        self.assert_same_resource(
            Twin.new(connection=self.conn, **attrs),
            Snapshot.new(connection=self.conn, **attrs),
        )


class TestStateSlots(ComparisonMixin, CatalogProxyTestCase):
    """The fast path keeps each object's state in the class's slots."""

    def test_state_is_kept_in_slots(self) -> None:
        builder = _speedups.Builder(Snapshot, self.conn, '3.71')
        for how in ('one', 'page'):
            with self.subTest(how=how):
                payload = own_payload()
                if how == 'one':
                    snap = builder(payload)
                else:
                    snap = builder.page([own_payload(), payload])[1]
                state = object.__getattribute__(snap, '__dict__')
                for name in mixin.STATE_SLOTS:
                    self.assertNotIn(name, state)
                self.assertIs(self.conn, snap._connection)
                self.assertEqual('3.71', snap.microversion)
                self.assertIs(payload, snap._body.attributes)
                self.assertIs(
                    dict.get(snap, 'location'),
                    getattr(snap, mixin.LOCATION_ATTR),
                )

    def test_classes_without_the_state_slots_are_built_by_openstacksdk(
        self,
    ) -> None:
        class Unslotted(Snapshot):
            # A class attribute hides the slot: the state goes to __dict__.
            _connection = None

        self.assertTrue(mixin.keeps_state_in_slots(Snapshot))
        self.assertFalse(mixin.keeps_state_in_slots(Unslotted))
        builder = _speedups.Builder(Unslotted, self.conn, '3.71')
        self.assertFalse(builder.fast)
        payload = own_payload()
        built = builder.page([copy.deepcopy(payload)])[0]
        self.assertIs(Unslotted, type(built))
        self.assert_same_resource(
            Unslotted.existing(
                connection=self.conn,
                microversion='3.71',
                **copy.deepcopy(payload),
            ),
            built,
        )
        self.assertIs(self.conn, vars(built)['_connection'])


class TestPrecomputedFields(base.TestCase):
    """The tables equal what openstacksdk computes for the class."""

    KINDS = (fields.Body, fields.Header, fields.URI, fields.Computed)

    def test_mappings(self) -> None:
        for kind in self.KINDS:
            with self.subTest(kind=kind.__name__):
                expected = _BASE_GET_MAPPING(Twin, kind)
                mapping = Snapshot._get_mapping(kind)
                self.assertEqual(dict(expected), dict(mapping))
                # Callers get their own copy.
                mapping['changed'] = 'x'
                self.assertNotIn('changed', Snapshot._get_mapping(kind))

    def test_attribute_iteration(self) -> None:
        original = _BASE_ITERATOR
        for kinds in [(fields.Body, fields.Header), fields.Body] + [
            tuple(self.KINDS)
        ]:
            with self.subTest(kinds=kinds):
                self.assertEqual(
                    list(original(Snapshot, kinds)),
                    list(Snapshot._attributes_iterator(kinds)),
                )
        self.assertEqual(
            list(original(Snapshot)), list(Snapshot._attributes_iterator())
        )

    def test_key_consumption(self) -> None:
        attrs = {
            'id': 'i',
            'NAME': 'upper case attribute name',
            'project_id': 'attribute name',
            'os-extended-snapshot-attributes:progress': '5%',
            'force': 'true',
            'unknown': 'kept',
            'location': 'computed',
        }
        for kind in self.KINDS:
            with self.subTest(kind=kind.__name__):
                theirs = dict(attrs)
                expected = resource.Resource._consume_attrs(
                    Twin.new(),
                    _BASE_GET_MAPPING(Twin, kind),
                    theirs,
                )
                mine = dict(attrs)
                got = Snapshot.new()._consume_mapped_attrs(kind, mine)
                self.assertEqual(expected, got)
                self.assertEqual(list(expected), list(got))
                self.assertEqual(theirs, mine)

    def test_to_dict_variants(self) -> None:
        payload = snapshot_payloads()[0][1]
        mine = Snapshot.existing(**copy.deepcopy(payload))
        theirs = Twin.existing(**copy.deepcopy(payload))
        for kwargs in (
            {},
            {'ignore_none': True},
            {'original_names': True},
            {'body': False},
            {'computed': False},
            {'_to_munch': True},
        ):
            with self.subTest(**kwargs):
                self.assertEqual(
                    theirs.to_dict(**kwargs), mine.to_dict(**kwargs)
                )
        self.assertEqual(theirs.toDict(), mine.copy())

    def test_openstacksdk_is_left_alone(self) -> None:
        # The mixin changes snapshot_ext's class only.
        for name in (
            '_get_mapping',
            '_attributes_iterator',
            '_consume_mapped_attrs',
            '_collect_attrs',
            '_update_location',
            'to_dict',
        ):
            with self.subTest(name=name):
                stock = getattr(stock_snapshot.Snapshot, name)
                stock = getattr(stock, '__func__', stock)
                self.assertEqual('openstack.resource', stock.__module__)
        self.assertNotIsInstance(
            stock_snapshot.Snapshot.__dict__.get('_header'),
            layouts._MadeOnUse,
        )
        self.assertNotIn(stock_snapshot.Snapshot, mixin._layouts)


class FakeConnection:
    """Just what :class:`~snapshot_ext.v3._speedups.locations.Locations`
    reads."""

    def __init__(self) -> None:
        self.session = mock.Mock()
        self.session.auth.auth_ref = object()
        self.computed = 0

    @property
    def current_location(self) -> utils.Munch:
        self.computed += 1
        return self._get_current_location()

    def _get_current_location(
        self, project_id: str | None = None, zone: str | None = None
    ) -> utils.Munch:
        return utils.Munch(
            cloud='c',
            region_name='r',
            zone=zone,
            project=utils.Munch(id=project_id or 'mine'),
        )


class TestLocations(base.TestCase):
    def test_kept_per_token(self) -> None:
        conn = FakeConnection()
        locs = locations.Locations()
        first = locs.current(conn)
        self.assertIs(first, locs.current(conn))
        self.assertEqual(1, conn.computed)
        # A new token: computed again.
        conn.session.auth.auth_ref = object()
        second = locs.current(conn)
        self.assertEqual(2, conn.computed)
        self.assertEqual(first, second)
        self.assertIsNot(first, second)

    def test_not_kept_without_token(self) -> None:
        conn = FakeConnection()
        conn.session.auth.auth_ref = None
        locs = locations.Locations()
        locs.current(conn)
        locs.current(conn)
        self.assertEqual(2, conn.computed)
        self.assertEqual(
            conn._get_current_location(project_id='p'),
            locs.get(conn, project_id='p'),
        )

    def test_per_project(self) -> None:
        conn = FakeConnection()
        locs = locations.Locations()
        current = locs.current(conn)
        # Equal to the current location: the current location itself.
        self.assertIs(current, locs.get(conn, project_id='mine'))
        other = locs.get(conn, project_id='other')
        self.assertEqual('other', other['project']['id'])
        self.assertIs(other, locs.get(conn, project_id='other'))
        zoned = locs.get(conn, project_id='other', zone='z')
        self.assertEqual('z', zoned['zone'])
        self.assertIsNot(other, zoned)

    def test_one_per_connection(self) -> None:
        first, second = FakeConnection(), FakeConnection()
        self.assertIs(locations.locations(first), locations.locations(first))
        self.assertIsNot(
            locations.locations(first), locations.locations(second)
        )


class TestJSONBody(base.TestCase):
    """Bodies read in one piece decode as ``response.json()`` does."""

    def response(self, body: bytes) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response.raw = io.BytesIO(body)
        return response

    def test_streamed_body(self) -> None:
        document = {'snapshots': [{'id': 'a', 'name': 'é'}]}
        for encoding in ('utf-8', 'utf-16', 'utf-32'):
            with self.subTest(encoding=encoding):
                raw = json.dumps(document, ensure_ascii=False)
                response = self.response(raw.encode(encoding))
                self.assertEqual(document, _speedups.json_body(response))

    def test_body_already_read(self) -> None:
        response = self.response(b'{"count": 3}')
        self.assertEqual(b'{"count": 3}', response.content)
        self.assertEqual({'count': 3}, _speedups.json_body(response))

    def test_not_json(self) -> None:
        response = self.response(b'<html>Bad Gateway</html>')
        self.assertRaises(ValueError, _speedups.json_body, response)
