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
