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

"""Tests of the input checks done before any request is sent."""

from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests import base
from snapshot_ext.v3 import _checks

Invalid = exceptions.InvalidSnapshotRequest


class TestExceptionTypes(base.TestCase):
    def test_hierarchy(self) -> None:
        self.assertTrue(issubclass(Invalid, sdk_exceptions.InvalidRequest))
        self.assertTrue(issubclass(Invalid, ValueError))
        self.assertTrue(
            issubclass(
                exceptions.InvalidSnapshotQuery,
                sdk_exceptions.InvalidResourceQuery,
            )
        )
        self.assertTrue(
            issubclass(exceptions.InvalidSnapshotQuery, ValueError)
        )
        self.assertTrue(
            issubclass(
                exceptions.MicroversionUnavailable, sdk_exceptions.NotSupported
            )
        )

    def test_microversion_unavailable(self) -> None:
        exc = exceptions.MicroversionUnavailable('with_count', '3.45', '3.40')
        self.assertEqual('with_count', exc.feature)
        self.assertEqual('3.45', exc.required)
        self.assertEqual('3.40', exc.available)
        self.assertEqual(
            'with_count needs Block Storage API microversion 3.45 or later, '
            'but this connection uses 3.40',
            str(exc),
        )
        none = exceptions.MicroversionUnavailable('x', '3.1', None)
        self.assertIn('3.0 (no microversion announced)', str(none))


class TestPathSegment(base.TestCase):
    def test_quoted(self) -> None:
        cases = [
            ('abc', 'abc'),
            ('a/b', 'a%2Fb'),
            ('../x', '..%2Fx'),
            ('a?b#c', 'a%3Fb%23c'),
            ('a b', 'a%20b'),
            ('100%', '100%25'),
            ('...', '...'),
            ('é', '%C3%A9'),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(expected, _checks.path_segment(value, 'x'))

    def test_refused(self) -> None:
        for value in ('', None, 5, b'ab', '.', '..'):
            with self.subTest(value=value):
                exc = self.assertRaises(
                    Invalid, _checks.path_segment, value, 'snapshot ID'
                )
                self.assertIn('snapshot ID', str(exc))
                self.assertIn(repr(value), str(exc))


class TestStatus(base.TestCase):
    def test_reset_statuses(self) -> None:
        self.assertEqual(
            {
                'creating',
                'available',
                'deleting',
                'deleted',
                'updating',
                'error',
                'error_deleting',
                'unmanaging',
                'backing-up',
                'restoring',
            },
            set(_checks.RESET_STATUSES),
        )

    def test_update_statuses(self) -> None:
        self.assertEqual(
            {'creating', 'available', 'error', 'deleting', 'error_deleting'},
            set(_checks.UPDATE_STATUSES),
        )

    def test_status(self) -> None:
        self.assertEqual(
            'error',
            _checks.status('error', _checks.RESET_STATUSES, 'a'),
        )
        exc = self.assertRaises(
            Invalid,
            _checks.status,
            'nope',
            frozenset({'b', 'a'}),
            'act',
        )
        self.assertEqual(
            "act: status 'nope' is not valid; valid statuses are a, b",
            str(exc),
        )


class TestProgress(base.TestCase):
    def test_accepted(self) -> None:
        cases: list[tuple[Any, str | None]] = [
            (None, None),
            (0, '0%'),
            (50, '50%'),
            (100, '100%'),
            ('50%', '50%'),
            ('50', '50%'),
            (' 7 % ', '7%'),
            ('007%', '7%'),
        ]
        for value, expected in cases:
            with self.subTest(value=value):
                self.assertEqual(expected, _checks.progress(value))

    def test_refused(self) -> None:
        for value in (
            'abc',
            101,
            -1,
            True,
            False,
            '101%',
            5.5,
            '',
            '1000',
            '5.5%',
            '%',
            [50],
        ):
            with self.subTest(value=value):
                exc = self.assertRaises(Invalid, _checks.progress, value)
                self.assertIn('integer percentage from 0 to 100', str(exc))


class TestText(base.TestCase):
    def test_text(self) -> None:
        self.assertEqual('x' * 255, _checks.text('x' * 255, 'name'))
        self.assertIsNone(_checks.text(None, 'name'))
        self.assertRaises(
            Invalid, _checks.text, None, 'name', allow_none=False
        )
        exc = self.assertRaises(Invalid, _checks.text, 'x' * 256, 'name')
        self.assertEqual(
            'name is 256 characters long; the limit is 255', str(exc)
        )
        exc = self.assertRaises(Invalid, _checks.text, 5, 'description')
        self.assertEqual('description must be a string, got 5', str(exc))


class TestMetadata(base.TestCase):
    def test_accepted(self) -> None:
        value = {'a': 'b', 'k' * 255: 'v' * 255}
        result = _checks.metadata(value)
        self.assertEqual(value, result)
        self.assertIsNot(value, result)
        self.assertEqual({}, _checks.metadata({}))

    def test_refused(self) -> None:
        cases: list[tuple[Any, str]] = [
            (
                'a=b',
                'metadata must be a mapping of strings to strings, got str',
            ),
            ([('a', 'b')], 'got list'),
            ({'': 'v'}, "metadata keys must be non-empty strings, got ''"),
            ({1: 'v'}, 'got 1'),
            ({'k' * 256: 'v'}, 'is 256 characters long'),
            (
                {'k': 1},
                "metadata value for key 'k' must be a string, got int 1",
            ),
            ({'k': None}, 'got NoneType None'),
            ({'k': 'v' * 256}, "value for key 'k' is 256 characters"),
        ]
        for value, message in cases:
            with self.subTest(value=value):
                exc = self.assertRaises(Invalid, _checks.metadata, value)
                self.assertIn(message, str(exc))

    def test_keys(self) -> None:
        self.assertEqual(['a', 'b'], _checks.metadata_keys(['a', 'b']))
        self.assertEqual(['a'], _checks.metadata_keys(('a',)))
        self.assertEqual(['a'], _checks.metadata_keys({'a': 1}))
        self.assertEqual([], _checks.metadata_keys([]))
        for keys in ('ab', b'ab', 5, ['a', ''], ['a', None], ['..']):
            with self.subTest(keys=keys):
                self.assertRaises(Invalid, _checks.metadata_keys, keys)


class TestAttrs(base.TestCase):
    def test_strict_flag(self) -> None:
        self.assertIs(True, _checks.flag('f', True, strict=True))
        self.assertIs(False, _checks.flag('f', False, strict=True))
        for value in ('true', 1, None):
            with self.subTest(value=value):
                exc = self.assertRaises(
                    Invalid, _checks.flag, 'f', value, strict=True
                )
                self.assertEqual(
                    f'f must be True or False, got {value!r}', str(exc)
                )

    def test_create_attrs(self) -> None:
        attrs = {
            'volume_id': 'v',
            'name': 'n',
            'description': 'd',
            'metadata': {'a': 'b'},
            'force': True,
        }
        self.assertEqual(attrs, _checks.create_attrs(attrs))
        self.assertEqual(
            {'volume_id': 'v', 'is_forced': False},
            _checks.create_attrs({'volume_id': 'v', 'is_forced': False}),
        )
        self.assertEqual(
            {'volume_id': 'v', 'name': None},
            _checks.create_attrs({'volume_id': 'v', 'name': None}),
        )

    def test_create_attrs_refused(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({}, 'volume_id is required to create a snapshot'),
            (
                {'volume_id': 'v', 'size': 1, 'status': 'x'},
                'cannot create a snapshot with size, status: Cinder would '
                'answer 400 (openstacksdk sends it); accepted: '
                'description, force, is_forced, metadata, name, volume_id',
            ),
            ({'volume_id': 'v', 'metadata': {'a': 1}}, "key 'a'"),
            ({'volume_id': 'v', 'force': 'maybe'}, 'force must be a boolean'),
            (
                {'volume_id': 'v', 'is_forced': 2},
                'is_forced must be a boolean',
            ),
            ({'volume_id': 7}, 'volume_id must be a non-empty string'),
        ]
        for attrs, message in cases:
            with self.subTest(attrs=attrs):
                exc = self.assertRaises(Invalid, _checks.create_attrs, attrs)
                self.assertIn(message, str(exc))

    def test_create_flags_read_as_cinder_does(self) -> None:
        for value in (True, False, 1, 0, 'true', 'False', 'yes', 'no'):
            with self.subTest(force=value):
                attrs = {'volume_id': 'v', 'force': value}
                self.assertEqual(attrs, _checks.create_attrs(attrs))

    def test_reset_status_lower_cased(self) -> None:
        self.assertEqual('available', _checks.reset_status('AVAILABLE'))
        self.assertEqual('error', _checks.reset_status(' Error '))
        self.assertRaises(Invalid, _checks.reset_status, 'bogus')
        self.assertRaises(Invalid, _checks.reset_status, None)

    def test_update_attrs(self) -> None:
        self.assertEqual({'name': 'n'}, _checks.update_attrs({'name': 'n'}))
        self.assertEqual(
            {'name': 'n', 'description': ''},
            _checks.update_attrs({'name': 'n', 'description': ''}),
        )
        # Nothing to change is no error: the proxy then sends nothing.
        self.assertEqual({}, _checks.update_attrs({}))
        exc = self.assertRaises(
            Invalid, _checks.update_attrs, {'name': 'n', 'size': 2}
        )
        self.assertEqual(
            'a snapshot update can change only name and description, not '
            'size: Cinder would answer 400 (openstacksdk sends it); '
            'accepted: description, name',
            str(exc),
        )
        self.assertRaises(Invalid, _checks.update_attrs, {'name': 1})

    def test_unknown_names_refused_saying_stock_drops_them(self) -> None:
        # Not snapshot attributes at all: openstacksdk drops them.
        exc = self.assertRaises(
            Invalid,
            _checks.create_attrs,
            {'volume_id': 'v', 'descripton': 'd', 'x': 1},
        )
        self.assertNotIsInstance(exc, TypeError)
        self.assertEqual(
            "create_snapshot(): unknown snapshot attribute(s) descripton "
            "(did you mean 'description'?), x. openstacksdk would silently "
            "drop them and create the snapshot without them; snapshot_ext "
            "refuses them so a misspelt attribute is not lost. Accepted: "
            "description, force, is_forced, metadata, name, volume_id",
            str(exc),
        )
        exc = self.assertRaises(
            Invalid, _checks.update_attrs, {'display_name': 'n'}
        )
        self.assertEqual(
            "update_snapshot(): unknown snapshot attribute(s) display_name "
            "(did you mean 'name'?). openstacksdk would silently drop them "
            "and send the update without them (nothing when nothing else "
            "is given); snapshot_ext refuses them so a misspelt attribute "
            "is not lost. Accepted: description, name",
            str(exc),
        )
        # A computed attribute is not sent by openstacksdk either.
        exc = self.assertRaises(
            Invalid, _checks.update_attrs, {'location': 'l'}
        )
        self.assertIn('unknown snapshot attribute(s) location.', str(exc))

    def test_server_field_names_are_snapshot_fields(self) -> None:
        # Given by the server's name, a field is still one Cinder refuses.
        exc = self.assertRaises(
            Invalid,
            _checks.create_attrs,
            {
                'volume_id': 'v',
                'os-extended-snapshot-attributes:progress': '5%',
            },
        )
        self.assertIn(
            'cannot create a snapshot with '
            'os-extended-snapshot-attributes:progress: Cinder would answer '
            '400',
            str(exc),
        )
        self.assertIn('progress', _checks.snapshot_fields())
        self.assertIn('is_forced', _checks.snapshot_fields())
        self.assertIn('force', _checks.snapshot_fields())
        self.assertNotIn('location', _checks.snapshot_fields())

    def test_names_the_stock_proxy_passes_itself(self) -> None:
        # openstacksdk raises TypeError for these (given twice).
        cases: list[tuple[Any, dict[str, Any]]] = [
            (_checks.create_attrs, {'volume_id': 'v', 'connection': 1}),
            (_checks.create_attrs, {'volume_id': 'v', 'resource_type': 1}),
            (_checks.update_attrs, {'id': 'x'}),
            (_checks.update_attrs, {'name': 'n', 'value': 'x'}),
        ]
        for check, attrs in cases:
            with self.subTest(attrs=attrs):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotArgument, check, attrs
                )
                self.assertIsInstance(exc, TypeError)
                self.assertIsInstance(exc, Invalid)
                self.assertIn(
                    "openstacksdk's proxy passes that argument itself",
                    str(exc),
                )


class TestErrorAndFlag(base.TestCase):
    def test_bad_makes_a_request_error(self) -> None:
        exc = _checks.bad('x must be y')
        self.assertIs(exceptions.InvalidSnapshotRequest, type(exc))
        self.assertEqual('x must be y', str(exc))

    def test_bad_makes_a_query_error_naming_the_parameters(self) -> None:
        exc = _checks.bad('unknown', query=True, names=['b', 'a'])
        self.assertIs(exceptions.InvalidSnapshotQuery, type(exc))
        self.assertEqual({'a', 'b'}, exc.extra_data)

    def test_flag_reads_what_cinder_reads(self) -> None:
        for value, expected in (
            (True, True),
            (0, False),
            (1, True),
            (' Yes ', True),
            ('off', False),
            ('F', False),
        ):
            with self.subTest(value=value):
                self.assertIs(expected, _checks.flag('f', value))

    def test_flag_refusal_is_a_request_or_query_error(self) -> None:
        message = (
            "f must be a boolean (True/False, 1/0, 'true'/'false', "
            "'yes'/'no'), got 2"
        )
        exc = self.assertRaises(
            exceptions.InvalidSnapshotRequest, _checks.flag, 'f', 2
        )
        self.assertEqual(message, str(exc))
        self.assertNotIsInstance(exc, exceptions.InvalidSnapshotQuery)
        exc2 = self.assertRaises(
            exceptions.InvalidSnapshotQuery, _checks.flag, 'f', 2, query=True
        )
        self.assertEqual(message, str(exc2))

    def test_strict_flag_refuses_what_cinder_would_read(self) -> None:
        for value in (1, 'true'):
            with self.subTest(value=value):
                exc = self.assertRaises(
                    exceptions.InvalidSnapshotQuery,
                    _checks.flag,
                    'f',
                    value,
                    strict=True,
                    query=True,
                )
                self.assertEqual(
                    f'f must be True or False, got {value!r}', str(exc)
                )
