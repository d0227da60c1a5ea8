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

"""The check of a listing page against the check of each object.

:func:`snapshot_ext.v3._checks.check_listed` looks at one key of all the
objects of a page at a time; it must accept and refuse exactly what
:func:`~snapshot_ext.v3._checks.check_fields` does object by object, with
the same message for the first object refused.
"""

import copy
from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext.tests import base
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _checks

WHERE = 'a listed snapshot'


class Text(str):
    """A ``str`` subclass: ``check_fields`` takes it as a string."""


def good(n: int = 0) -> dict[str, Any]:
    """A snapshot of the listing capture, with its own ID."""
    body = fakes.load_capture('snapshot_list_limit2.json')['body']
    item = copy.deepcopy(body['snapshots'][0])
    item['id'] = f'{item["id"][:-4]}{n:04d}'
    return item  # type: ignore[no-any-return]


def variants() -> list[tuple[str, Any]]:
    """Objects, accepted or not by check_fields, with a description."""
    item = good()
    found: list[tuple[str, Any]] = [
        ('good', item),
        ('no metadata', {k: v for k, v in item.items() if k != 'metadata'}),
        ('only an id', {'id': 'only'}),
        ('empty metadata', {**item, 'metadata': {}}),
        ('metadata None', {**item, 'metadata': None}),
        ('all None', {k: None if k != 'id' else 'x' for k in item}),
        ('progress a number', {**item, item_key('progress'): 50}),
        ('an unknown key', {**item, 'future': [1, 2]}),
        ('a str subclass', {**item, 'name': Text('sub')}),
        ('a bool for consumes_quota', {**item, 'consumes_quota': False}),
        ('not a dict', ['a', 'list']),
        ('a string', 'snapshot'),
        ('no id', {k: v for k, v in item.items() if k != 'id'}),
        ('id a number', {**item, 'id': 5}),
        ('id empty', {**item, 'id': ''}),
        ('size a string', {**item, 'size': 'big'}),
        ('size a bool', {**item, 'size': True}),
        ('size a float', {**item, 'size': 1.5}),
        ('status a dict', {**item, 'status': {}}),
        ('name a list', {**item, 'name': ['a']}),
        ('metadata a list', {**item, 'metadata': ['a']}),
        ('metadata values not strings', {**item, 'metadata': {'a': 1}}),
        ('metadata keys not strings', {**item, 'metadata': {1: 'a'}}),
        ('consumes_quota a string', {**item, 'consumes_quota': 'yes'}),
        ('consumes_quota a number', {**item, 'consumes_quota': 1}),
        ('progress a bool', {**item, item_key('progress'): True}),
        ('project a number', {**item, item_key('project_id'): 7}),
    ]
    return found


def item_key(attr: str) -> str:
    return f'os-extended-snapshot-attributes:{attr}'


def outcome_per_object(page: list[Any]) -> str | None:
    """What check_fields says of the first object it refuses."""
    for attrs in page:
        try:
            _checks.check_fields(attrs, WHERE)
        except sdk_exceptions.InvalidResponse as exc:
            return str(exc)
    return None


def outcome_of_page(page: list[Any]) -> str | None:
    try:
        _checks.check_listed(page, WHERE)
    except sdk_exceptions.InvalidResponse as exc:
        return str(exc)
    return None


class TestCheckListed(base.TestCase):
    def pages(self) -> list[tuple[str, list[Any]]]:
        found = []
        for description, item in variants():
            for position in range(3):
                page: list[Any] = [good(n) for n in range(3)]
                page[position] = copy.deepcopy(item)
                found.append((f'{description} at {position}', page))
            found.append(
                (f'{description} throughout', [copy.deepcopy(item)] * 3)
            )
        return found

    def test_same_outcome_as_each_object_checked(self) -> None:
        pages = self.pages()
        refused = 0
        for description, page in pages:
            with self.subTest(page=description):
                expected = outcome_per_object(copy.deepcopy(page))
                self.assertEqual(expected, outcome_of_page(page))
                refused += expected is not None
        # Both outcomes were compared many times.
        self.assertGreater(refused, 40)
        self.assertGreater(len(pages) - refused, 20)

    def test_message_names_the_first_object_refused(self) -> None:
        page = [good(0), {**good(1), 'size': 'big'}, {**good(2), 'size': 'x'}]
        exc = self.assertRaises(
            sdk_exceptions.InvalidResponse,
            _checks.check_listed,
            page,
            WHERE,
        )
        self.assertIn(repr(page[1]['id']), str(exc))
        self.assertIn("field 'size'", str(exc))

    def test_keys_of_a_page_of_the_same_keys(self) -> None:
        page = [good(n) for n in range(3)]
        self.assertEqual(tuple(page[0]), _checks.check_listed(page, WHERE))

    def test_no_keys_when_they_differ(self) -> None:
        missing = {k: v for k, v in good(1).items() if k != 'metadata'}
        other = {**missing, 'future': 'x'}
        for page in (
            [good(0), missing],
            [good(0), other],
            [missing, good(0)],
        ):
            with self.subTest(keys=[len(item) for item in page]):
                self.assertIsNone(_checks.check_listed(page, WHERE))

    def test_no_keys_for_a_value_of_a_subclass(self) -> None:
        # Accepted, but not by the page-wide look at exact types.
        page = [good(0), {**good(1), 'name': Text('sub')}]
        self.assertIsNone(_checks.check_listed(page, WHERE))

    def test_empty_page(self) -> None:
        self.assertIsNone(_checks.check_listed([], WHERE))

    def test_no_keys_when_their_order_differs(self) -> None:
        first = good(0)
        reordered = dict(reversed(list(good(1).items())))
        page = [first, reordered]
        self.assertIsNone(_checks.check_listed(page, WHERE))
        # Both still pass, as they do one by one.
        self.assertIsNone(outcome_per_object(page))


def own_copies(page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page with every string value its own object (as the JSON
    decoder makes them)."""
    return [
        {
            key: ''.join(list(value)) if type(value) is str else value
            for key, value in item.items()
        }
        for item in page
    ]


class TestSharing(base.TestCase):
    """check_listed() putting kept values in place of repeated ones."""

    repeated = (item_key('project_id'), 'volume_id', 'status', 'name')

    def page(self) -> list[dict[str, Any]]:
        page = [good(n) for n in range(4)]
        for n, item in enumerate(page):
            # One project and status throughout; two volumes; names
            # and descriptions of their own, some None.
            item['volume_id'] = f'volume-{n % 2}'
            item['name'] = f'snap-{n}' if n % 2 else None
            item['description'] = 'same text'
        return own_copies(page)

    def test_repeated_values_are_put_in_place(self) -> None:
        shared: dict[Any, Any] = {}
        page = self.page()
        expected = copy.deepcopy(page)
        keys = _checks.check_listed(
            page, WHERE, self.repeated, shared.setdefault
        )
        self.assertEqual(tuple(expected[0]), keys)
        # The values are the same as before, and each repeated one is the
        # object kept for it.
        self.assertEqual(expected, page)
        for item in page:
            for key in ('volume_id', 'status', item_key('project_id')):
                self.assertIs(shared[item[key]], item[key])
        self.assertIs(page[0]['volume_id'], page[2]['volume_id'])
        self.assertIsNot(page[0]['volume_id'], page[1]['volume_id'])
        self.assertIs(page[1]['name'], shared['snap-1'])
        # Keys not named are left alone.
        self.assertIsNot(page[0]['description'], page[1]['description'])
        self.assertNotIn('same text', shared)

    def test_kept_values_from_earlier_pages_are_used(self) -> None:
        kept = ''.join(['avail', 'able'])
        shared: dict[Any, Any] = {'available': kept}
        page = self.page()
        _checks.check_listed(page, WHERE, self.repeated, shared.setdefault)
        for item in page:
            self.assertIs(kept, item['status'])

    def test_only_exact_strings_and_none_are_passed(self) -> None:
        passed: list[Any] = []

        def share(value: Any, default: Any) -> Any:
            passed.append(value)
            return default

        page = self.page()
        page[0][item_key('progress')] = 50
        for item in page[1:]:
            item[item_key('progress')] = '100%'
        _checks.check_listed(
            page, WHERE, (item_key('progress'), 'name'), share
        )
        # Progress holds a number: not shared; names are strings or None.
        self.assertEqual({str, type(None)}, {type(value) for value in passed})
        self.assertNotIn('100%', passed)

    def test_nothing_is_shared_without_share(self) -> None:
        page = self.page()
        values = [item['status'] for item in page]
        _checks.check_listed(page, WHERE, self.repeated)
        for item, value in zip(page, values, strict=True):
            self.assertIs(value, item['status'])

    def test_a_str_subclass_is_not_shared(self) -> None:
        shared: dict[Any, Any] = {}
        page = self.page()
        page[1]['status'] = Text('available')
        self.assertIsNone(
            _checks.check_listed(page, WHERE, self.repeated, shared.setdefault)
        )
        self.assertIs(Text, type(page[1]['status']))
        self.assertNotIn('available', shared)


class TestLargePages(base.TestCase):
    """Pages of more objects than check_listed() transposes at a time."""

    def page(self) -> list[dict[str, Any]]:
        return [good(n) for n in range(2 * _checks._CHUNK + 5)]

    def test_keys_of_a_large_page(self) -> None:
        page = self.page()
        self.assertEqual(tuple(page[0]), _checks.check_listed(page, WHERE))

    def test_a_difference_in_a_later_chunk(self) -> None:
        last = 2 * _checks._CHUNK + 3
        item = good(last)
        for description, changed in (
            ('reordered', dict(reversed(list(item.items())))),
            ('a key less', {k: v for k, v in item.items() if k != 'name'}),
            ('a key more', {**item, 'future': 'x'}),
        ):
            with self.subTest(description):
                page = self.page()
                page[last] = changed
                self.assertIsNone(_checks.check_listed(page, WHERE))

    def test_a_value_refused_in_a_later_chunk(self) -> None:
        page = self.page()
        page[-1]['size'] = 'big'
        expected = outcome_per_object(copy.deepcopy(page))
        self.assertIsNotNone(expected)
        self.assertEqual(expected, outcome_of_page(page))
