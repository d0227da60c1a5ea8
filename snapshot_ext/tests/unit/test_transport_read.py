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

"""Streamed bodies are read in one call and kept as ``requests`` keeps them.

What ``requests`` itself does with the same raw stream (its ``content``
property) is the reference: the bytes kept, and the exception raised when
the read fails.
"""

import io
import json
from typing import Any
from unittest import mock

import requests
from urllib3 import connectionpool
from urllib3 import exceptions as urllib3_exceptions
from urllib3 import response as urllib3_response

from snapshot_ext.tests import base
from snapshot_ext.v3 import _transport

#: A body of several of requests' 10 KiB chunks.
BODY = json.dumps(
    {'snapshots': [{'id': str(n)} for n in range(5000)]}
).encode()


def streamed(body: bytes = BODY) -> requests.Response:
    """A response as ``requests`` returns it for ``stream=True``."""
    response = requests.Response()
    response.status_code = 200
    response.raw = urllib3_response.HTTPResponse(
        body=io.BytesIO(body), preload_content=False, status=200
    )
    return response


class TestReadBody(base.TestCase):
    def test_read_in_one_call_and_kept(self) -> None:
        response = streamed()
        raw: Any = response.raw
        with mock.patch.object(raw, 'read', wraps=raw.read) as read:
            _transport._read_body(response)
        read.assert_called_once_with(decode_content=True)
        self.assertEqual(BODY, response.content)
        self.assertEqual(streamed().content, response.content)
        self.assertEqual(
            list(streamed().iter_content(100)),
            list(response.iter_content(100)),
        )
        self.assertEqual(streamed().json(), response.json())

    def test_empty_body(self) -> None:
        response = streamed(b'')
        _transport._read_body(response)
        self.assertEqual(streamed(b'').content, response.content)
        self.assertEqual(b'', response.content)

    def test_body_already_read_is_kept(self) -> None:
        response = streamed()
        self.assertEqual(BODY, response.content)
        raw: Any = response.raw
        with mock.patch.object(raw, 'read') as read:
            _transport._read_body(response)
        read.assert_not_called()
        self.assertEqual(BODY, response.content)

    def test_other_raw_streams_are_read_by_requests(self) -> None:
        response = requests.Response()
        response.status_code = 200
        response.raw = io.BytesIO(BODY)
        _transport._read_body(response)
        self.assertEqual(BODY, response.content)

    def test_read_errors_are_those_requests_raises(self) -> None:
        errors = [
            urllib3_exceptions.ProtocolError('cut short'),
            urllib3_exceptions.DecodeError('bad gzip'),
            urllib3_exceptions.ReadTimeoutError(
                connectionpool.HTTPConnectionPool('127.0.0.1'),
                '/x',
                'timed out',
            ),
            urllib3_exceptions.SSLError('bad record'),
        ]
        for error in errors:
            with self.subTest(error=type(error).__name__):
                # requests' own reading of the same failing stream.
                reference = streamed()
                raw: Any = reference.raw
                with mock.patch.object(raw, 'read', side_effect=error):
                    expected = self.assertRaises(
                        requests.exceptions.RequestException,
                        getattr,
                        reference,
                        'content',
                    )
                response = streamed()
                raw = response.raw
                with mock.patch.object(raw, 'read', side_effect=error):
                    actual = self.assertRaises(
                        requests.exceptions.RequestException,
                        _transport._read_body,
                        response,
                    )
                self.assertIs(type(expected), type(actual))
                self.assertIs(error, actual.__cause__)
