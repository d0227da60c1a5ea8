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

"""The listing's JSON decodes as ``json.loads`` decodes it.

With ``msgspec`` installed (test-requirements.txt installs it), every
outcome of :func:`snapshot_ext.v3._speedups.decoding.loads` (the value,
or the error and its message) is compared with ``json.loads``'s, for
documents chosen for the ways the two decoders differ and for generated
ones; without it, ``json`` alone decodes.
"""

import json
import math
import pathlib
import random
import struct
import subprocess
import sys
from typing import Any
from unittest import mock

import fixtures
from msgspec import json as msgspec_json

import snapshot_ext
from snapshot_ext.tests import base
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3._speedups import decoding

FAST = 'snapshot_ext.v3._speedups.decoding._fast_loads'

#: Documents on which msgspec and json may part ways.
EDGE_CASES: list[bytes] = [
    b'{"a": 1, "a": 2}',
    b'{"a": 1, "b": 2, "a": 3}',
    b'{"a": NaN}',
    b'[Infinity, -Infinity]',
    b'123456789012345678901234567890',
    b'18446744073709551615',
    b'18446744073709551616',
    b'-9223372036854775808',
    b'-9223372036854775809',
    b'[19869022665941521929, -19869022665941521929]',
    b'1e400',
    b'[1e309, -1e309]',
    b'-0',
    b'-0.0',
    b'1E5',
    b'1.7976931348623157e308',
    b'5e-324',
    b'2.2250738585072011e-308',
    b'9007199254740993',
    b'0.30000000000000004',
    b'100000000000000000000.0',
    b'"\\ud800"',
    b'"\\uDFFF"',
    b'"\\uD800\\u0041"',
    b'"\\ud83d\\ude00"',
    '"\U0001f600 é"'.encode(),
    b'{"a": "\xed\xa0\x80"}',
    b'{"a": "\xff"}',
    b'\xef\xbb\xbf{"a": 1}',
    '{"é": 1}'.encode('utf-16'),
    '{"a": 1}'.encode('utf-16-le'),
    '{"a": 1}'.encode('utf-16-be'),
    '{"a": 1}'.encode('utf-32'),
    b'[' * 1100 + b']' * 1100,
    b'[' * 1000 + b']' * 1000,
    b'',
    b' ',
    b'\x00',
    b'{"a": 1} x',
    b'{"a": 1}\x00',
    b'\t[1]\r\n',
    b'"\x01"',
    b'"\\u0000"',
    b'[1,]',
    b'{"a": 1,}',
    b"{'a': 1}",
    b'01',
    b'1.',
    b'.5',
    b'+1',
    b'true',
    b'null',
    b'{"": ""}',
    b'"\\/"',
    b'<html><body>502 Bad Gateway</body></html>',
    b'{"snapshots": [{"id": "x", "size": 1, "metadata": {}}]}',
]


def outcome(decode: Any, data: bytes) -> tuple[str, ...]:
    """What a decoder makes of ``data``: the value's ``repr()`` (which
    tells ``1``, ``1.0`` and ``True`` apart and shows the keys' order), or
    the error's type and message."""
    try:
        return ('value', repr(decode(data)))
    except (ValueError, RecursionError) as exc:
        return ('error', type(exc).__name__, str(exc))


def msgspec_decodes(data: bytes) -> bool:
    """Tell whether msgspec itself decodes ``data`` (its errors are
    ``ValueError`` from 0.20.0 on, not before)."""
    try:
        msgspec_json.decode(data)
    except Exception:  # noqa: BLE001
        return False
    return True


def generated(count: int, seed: int) -> list[bytes]:
    """JSON documents of random values, some with bytes changed."""
    rnd = random.Random(seed)

    def value(depth: int = 0) -> Any:
        pick = rnd.random()
        if depth > 3 or pick < 0.5:
            kind = rnd.randrange(8)
            if kind == 0:
                return rnd.randint(-(2**70), 2**70)
            if kind == 1:
                return rnd.randint(-1000, 1000)
            if kind == 2:
                bits = rnd.getrandbits(64)
                number = struct.unpack('d', struct.pack('Q', bits))[0]
                return number if math.isfinite(number) else 0.5
            if kind == 3:
                return rnd.random() * 10 ** rnd.randint(-30, 30)
            if kind == 4:
                return ''.join(
                    chr(rnd.randrange(0x20, 0x2FFFF))
                    for _ in range(rnd.randrange(6))
                )
            if kind == 5:
                return rnd.choice([True, False, None])
            if kind == 6:
                return ''.join(chr(rnd.randrange(0, 128)) for _ in range(4))
            return rnd.random()
        if pick < 0.75:
            return [value(depth + 1) for _ in range(rnd.randrange(4))]
        return {
            f'k{rnd.randrange(5)}': value(depth + 1)
            for _ in range(rnd.randrange(4))
        }

    found = []
    for _ in range(count):
        document = value()
        for text in (
            json.dumps(document),
            json.dumps(document, ensure_ascii=False),
            json.dumps(document, indent=1),
        ):
            data = bytearray(text.encode('utf-8', 'surrogatepass'))
            if data and rnd.random() < 0.3:
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            found.append(bytes(data))
    return found


class TestLoads(base.TestCase):
    def test_msgspec_installed(self) -> None:
        # The tests below compare msgspec's results only if it is there.
        self.assertTrue(
            decoding.accelerated(),
            'msgspec (test-requirements.txt) is not installed',
        )

    def test_edge_cases_as_json(self) -> None:
        fast = 0
        for data in EDGE_CASES:
            with self.subTest(document=data[:60]):
                self.assertEqual(
                    outcome(json.loads, data), outcome(decoding.loads, data)
                )
                fast += msgspec_decodes(data)
        # Both paths were taken: documents msgspec decoded and others.
        self.assertGreater(fast, 15)
        self.assertLess(fast, len(EDGE_CASES) - 15)

    def test_generated_documents_as_json(self) -> None:
        documents = generated(600, seed=20261202)
        fast = 0
        for data in documents:
            expected = outcome(json.loads, data)
            if expected != outcome(decoding.loads, data):
                self.fail(f'{data[:200]!r}: {expected}')
            fast += msgspec_decodes(data)
        self.assertGreater(fast, len(documents) // 2)

    def test_decodes_with_msgspec(self) -> None:
        fast = mock.Mock(wraps=msgspec_json.decode)
        self.useFixture(fixtures.MonkeyPatch(FAST, fast))
        self.assertEqual({'a': [1, 2.5]}, decoding.loads(b'{"a": [1, 2.5]}'))
        fast.assert_called_once_with(b'{"a": [1, 2.5]}')

    def test_any_error_of_msgspec_leaves_it_to_json(self) -> None:
        fast = mock.Mock(side_effect=RuntimeError('not this one'))
        self.useFixture(fixtures.MonkeyPatch(FAST, fast))
        self.assertEqual([1], decoding.loads(b'[1]'))
        self.assertEqual(
            outcome(json.loads, b'[1,]'), outcome(decoding.loads, b'[1,]')
        )
        self.assertEqual(2, fast.call_count)

    def test_without_msgspec(self) -> None:
        self.useFixture(fixtures.MonkeyPatch(FAST, None))
        self.assertFalse(decoding.accelerated())
        for data in EDGE_CASES:
            with self.subTest(document=data[:60]):
                self.assertEqual(
                    outcome(json.loads, data), outcome(decoding.loads, data)
                )

    def test_msgspec_not_importable(self) -> None:
        script = (
            'import sys\n'
            'sys.modules["msgspec"] = None\n'
            'from snapshot_ext.v3._speedups import decoding\n'
            'print(decoding.accelerated(), decoding.loads(b"[1, 2]"))\n'
        )
        done = subprocess.run(
            [sys.executable, '-c', script],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=pathlib.Path(snapshot_ext.__file__).parents[1],
        )
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertEqual('False [1, 2]', done.stdout.strip())


class TestListingDecodes(fakes.ProxyTestCase):
    def test_listing_pages_decoded_with_msgspec(self) -> None:
        body = fakes.load_capture('snapshot_list_limit2')['body']
        body.pop('snapshots_links', None)
        raw = json.dumps(body).encode()
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail',
            content=raw,
            headers={'Content-Type': 'application/json'},
        )
        fast = mock.Mock(wraps=msgspec_json.decode)
        self.useFixture(fixtures.MonkeyPatch(FAST, fast))
        listed = [s.to_dict() for s in self.proxy.snapshots()]
        fast.assert_called_once_with(raw)
        self.useFixture(fixtures.MonkeyPatch(FAST, None))
        self.assertEqual(listed, [s.to_dict() for s in self.proxy.snapshots()])
        self.assertEqual(
            [s['id'] for s in body['snapshots']], [s['id'] for s in listed]
        )


def long_keyed_page(count: int) -> bytes:
    """A listing page whose objects hold keys longer than msgspec
    shares."""
    return json.dumps(
        {
            'snapshots': [
                {
                    'id': f'snap-{n}',
                    'os-extended-snapshot-attributes:project_id': 'p',
                    'os-extended-snapshot-attributes:progress': '100%',
                    'status': 'available',
                }
                for n in range(count)
            ]
        }
    ).encode()


class TestShareKeys(base.TestCase):
    def test_keys_of_json_already_shared(self) -> None:
        items = json.loads(long_keyed_page(3))['snapshots']
        self.assertIs(items, decoding.share_keys(items, tuple(items[0])))

    def test_keys_of_msgspec_shared(self) -> None:
        items = msgspec_json.decode(long_keyed_page(3))['snapshots']
        keys = tuple(items[0])
        # msgspec makes a key object per object for the long keys.
        self.assertIsNot(keys[1], list(items[2])[1])
        shared = decoding.share_keys(items, keys)
        self.assertEqual(items, shared)
        for item in shared:
            self.assertEqual(list(keys), list(item))
            for key, own in zip(keys, item, strict=True):
                self.assertIs(key, own)
            self.assertIsNot(item, items[0])

    def test_empty_page(self) -> None:
        self.assertEqual([], decoding.share_keys([], ()))


class TestListedKeysShared(fakes.ProxyTestCase):
    def test_listed_bodies_share_key_objects(self) -> None:
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail',
            content=long_keyed_page(3),
            headers={'Content-Type': 'application/json'},
        )
        listed = list(self.proxy.snapshots())
        self.assertEqual(
            ['snap-0', 'snap-1', 'snap-2'], [s.id for s in listed]
        )
        self.assertEqual(['p'] * 3, [s.project_id for s in listed])
        first = list(listed[0]._body.attributes)
        for snap in listed[1:]:
            for key, own in zip(first, snap._body.attributes, strict=True):
                self.assertIs(key, own)
