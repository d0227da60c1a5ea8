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

"""Create and delete sent the fast way, and their part of the self-check.

Once the fast path's self-check has passed, a snapshot's create and
delete are sent without openstacksdk's ``Resource.create`` and
``Resource.delete`` working out again what depends on the class only;
the self-check compares both requests, and the objects they leave, with
openstacksdk's own (``Snapshot._send_differences``).  Here the fast
requests are made wrong in several ways, each of which the check must
find, and a snapshot handed to ``delete_snapshot`` is compared with the
one openstacksdk's ``Proxy._delete`` leaves, also when the delete fails.
"""

import copy
import logging
from typing import Any
from unittest import mock

import fixtures
from openstack import exceptions as sdk_exceptions
from openstack import resource

from snapshot_ext.tests import base
from snapshot_ext.tests.unit import test_speedups_single
from snapshot_ext.v3 import _speedups
from snapshot_ext.v3 import snapshot as _snapshot
from snapshot_ext.v3._speedups import check
from snapshot_ext.v3._speedups import layouts
from snapshot_ext.v3._speedups import mixin

Snapshot = _snapshot.Snapshot
Reference = test_speedups_single.Reference
LOGGER = 'snapshot_ext.v3._speedups'


class TestSendCheck(base.TestCase):
    """The requests' part of the self-check."""

    def setUp(self) -> None:
        super().setUp()
        # Layouts made while something is patched are dropped after.
        patcher = mock.patch.dict(mixin._layouts, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.warnings = self.useFixture(
            fixtures.FakeLogger(
                name=LOGGER, level=logging.WARNING, format='%(message)s'
            )
        )

    def differences(self) -> list[str]:
        # Run as the self-check runs it: while the class is being checked,
        # its layout not native (yet).
        with mock.patch.dict(
            mixin._checking, {Snapshot: layouts.Layout(Snapshot)}
        ):
            found: list[str] = Snapshot._send_differences()
        return found

    def send_a_wrong_header(self) -> None:
        # The fast create and delete send a header openstacksdk does not.
        self.useFixture(
            fixtures.MockPatchObject(
                Snapshot, '_dirty_headers', return_value={'X-Check': 'no'}
            )
        )

    def test_passes_on_the_installed_openstacksdk(self) -> None:
        self.assertEqual([], self.differences())
        self.assertTrue(mixin.self_check(Snapshot))
        self.assertIsNotNone(Snapshot._fast_layout())
        self.assertEqual('', self.warnings.output)

    def test_a_wrong_header_is_found(self) -> None:
        self.send_a_wrong_header()
        self.assertEqual(
            [
                'create answered 202: the request differs',
                'create answered 400: the request differs',
                'delete answered 202: the request differs',
                'delete answered 404: the request differs',
            ],
            self.differences(),
        )

    def test_a_wrong_body_is_found(self) -> None:
        send = Snapshot._send_create

        def without_name(self: Any, session: Any) -> Any:
            self._body._dirty.discard('name')
            return send(self, session)

        self.useFixture(
            fixtures.MockPatchObject(Snapshot, '_send_create', without_name)
        )
        # The body is clean afterwards either way: only the request shows.
        self.assertEqual(
            [
                'create answered 202: the request differs',
                'create answered 400: the request differs',
            ],
            self.differences(),
        )

    def test_a_microversion_not_kept_is_found(self) -> None:
        send = Snapshot._send_create

        def forgets(self: Any, session: Any) -> Any:
            created = send(self, session)
            self.microversion = None
            return created

        self.useFixture(
            fixtures.MockPatchObject(Snapshot, '_send_create', forgets)
        )
        self.assertEqual(
            ['create answered 202: microversion differs'], self.differences()
        )

    def test_an_error_not_raised_is_found(self) -> None:
        delete = Snapshot.delete

        def lenient(self: Any, session: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return delete(self, session, *args, **kwargs)
            except sdk_exceptions.NotFoundException:
                return self

        self.useFixture(fixtures.MockPatchObject(Snapshot, 'delete', lenient))
        self.assertEqual(
            [
                # NotFoundException is named ResourceNotFound before 4.0.
                'delete answered 404: raised None, openstacksdk '
                f'{sdk_exceptions.NotFoundException.__name__}'
            ],
            self.differences(),
        )

    def test_a_difference_makes_the_class_openstacksdks(self) -> None:
        self.send_a_wrong_header()
        self.assertTrue(_speedups.layout(Snapshot).native)
        self.assertIsNone(Snapshot._fast_layout())
        (line,) = self.warnings.output.splitlines()
        self.assertIn('create answered 202: the request differs', line)

    def test_a_failing_check_of_the_requests_is_a_difference(self) -> None:
        self.useFixture(
            fixtures.MockPatchObject(
                Snapshot,
                '_send_differences',
                side_effect=RuntimeError('boom'),
            )
        )
        self.assertFalse(mixin.self_check(Snapshot))
        self.assertIn(
            'the check of the requests failed: RuntimeError: boom',
            self.warnings.output,
        )

    def test_the_recorder_answers_and_records(self) -> None:
        recorder = check.Recorder(202, {'snapshot': {'id': 'x'}})
        response = recorder.post('/snapshots', json={'a': 1}, params={})
        self.assertEqual(202, response.status_code)
        self.assertEqual({'snapshot': {'id': 'x'}}, response.json())
        self.assertEqual(
            [('POST', '/snapshots', {'json': {'a': 1}, 'params': {}})],
            recorder.sent,
        )
        empty = check.Recorder(404, None).delete('/snapshots/x')
        self.assertEqual((404, b''), (empty.status_code, empty.content))


class TestFallbackSendsOpenStackSDKs(
    test_speedups_single.SingleObjectTestCase
):
    """A class whose check failed is created and deleted by openstacksdk."""

    def test_create_and_delete(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        self.mock(
            'POST', '/snapshots', status_code=202, json={'snapshot': payload}
        )
        self.serve(payload)
        with mock.patch.object(Snapshot, '_fast_layout', return_value=None):
            with (
                mock.patch.object(
                    resource.Resource,
                    'create',
                    autospec=True,
                    side_effect=resource.Resource.create,
                ) as create,
                mock.patch.object(
                    resource.Resource,
                    'delete',
                    autospec=True,
                    side_effect=resource.Resource.delete,
                ) as delete,
            ):
                created = self.proxy.create_snapshot(
                    **copy.deepcopy(
                        test_speedups_single.TestCreateAndDelete.attrs
                    )
                )
                self.proxy.delete_snapshot(created)
        create.assert_called_once()
        delete.assert_called_once()
        self.assert_request(
            self.api_requests()[-2],
            'POST',
            '/snapshots',
            json={'snapshot': test_speedups_single.TestCreateAndDelete.attrs},
        )
        self.assert_request(
            self.api_requests()[-1], 'DELETE', f"/snapshots/{payload['id']}"
        )


class TestHandedObjectDeleted(test_speedups_single.SingleObjectTestCase):
    """``delete_snapshot(snapshot)`` leaves it as ``Proxy._delete`` does."""

    def pair(self, payload: dict[str, Any]) -> tuple[Any, Any]:
        self.mock(
            'GET', f"/snapshots/{payload['id']}", json={'snapshot': payload}
        )
        expected = Reference.new(id=payload['id'], connection=self.conn)
        expected.fetch(self.proxy)
        return expected, self.proxy.get_snapshot(payload['id'])

    def test_updated_once_when_deleted(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        self.serve(payload)
        expected, actual = self.pair(payload)
        self.proxy._delete(Reference, expected)
        with mock.patch.object(
            mixin.PrecomputedFields, '_update', autospec=True
        ) as update:
            self.proxy.delete_snapshot(actual)
        update.assert_not_called()
        self.assert_same_resource(expected, actual)
        self.assertIsNone(actual.microversion)

    def test_a_refused_delete_leaves_it_as_openstacksdk(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        expected, actual = self.pair(payload)
        self.mock(
            'DELETE',
            f"/snapshots/{payload['id']}",
            capture='err_delete_snapshot_in_creating',
        )
        stock = self.assertRaises(
            sdk_exceptions.HttpException,
            self.proxy._delete,
            Reference,
            expected,
        )
        mine = self.assertRaises(
            sdk_exceptions.HttpException, self.proxy.delete_snapshot, actual
        )
        self.assertEqual(type(stock), type(mine))
        self.assertEqual(stock.status_code, mine.status_code)
        self.assert_same_resource(expected, actual)

    def test_a_missing_snapshot_leaves_it_as_openstacksdk(self) -> None:
        payload = copy.deepcopy(self.payloads[0][1])
        expected, actual = self.pair(payload)
        self.mock(
            'DELETE',
            f"/snapshots/{payload['id']}",
            capture='err_get_not_found',
        )
        for ignore_missing in (True, False):
            with self.subTest(ignore_missing=ignore_missing):
                if ignore_missing:
                    self.assertIsNone(self.proxy._delete(Reference, expected))
                    self.proxy.delete_snapshot(actual)
                else:
                    self.assertRaises(
                        sdk_exceptions.NotFoundException,
                        self.proxy._delete,
                        Reference,
                        expected,
                        ignore_missing=False,
                    )
                    self.assertRaises(
                        sdk_exceptions.NotFoundException,
                        self.proxy.delete_snapshot,
                        actual,
                        ignore_missing=False,
                    )
                self.assert_same_resource(expected, actual)
