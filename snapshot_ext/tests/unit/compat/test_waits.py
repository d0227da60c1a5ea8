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

"""wait_for_status, wait_for_delete and the cloud layer's create and
delete (which wait), stock vs plugin.

Stock waits sleep for real, so its intervals and timeouts here are short;
the plugin's waits run on a fake clock.
"""

from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext import exceptions
from snapshot_ext.tests.unit import fakes
from snapshot_ext.tests.unit.compat import harness

ID = harness.ID
PATH = f'/snapshots/{ID}'
NOT_FOUND = {'itemNotFound': {'code': 404, 'message': 'not found'}}
#: Seconds between polls, for stock's real sleeps.
INTERVAL = 0.01
#: Seconds in all for a wait that runs out: short, stock sleeps for real.
TIMEOUT = 0.1
#: Seconds in all for a wait that ends when the fake server reaches a
#: status (within two polls): never used up, so that a slow or busy
#: machine cannot turn the case into a timeout.
REACHED = 10.0


def _answers(*statuses: str | None) -> list[dict[str, Any]]:
    # One GET answer per status; None is a 404.
    answers: list[dict[str, Any]] = []
    for status in statuses:
        if status is None:
            answers.append({'status_code': 404, 'json': NOT_FOUND})
        else:
            body = {'snapshot': harness.snapshot(status=status)}
            answers.append({'status_code': 200, 'json': body})
    return answers


class TestWaits(harness.CompatTestCase):
    def serve(self, *statuses: str | None) -> None:
        """Answer successive GETs of the snapshot with these statuses.

        :param statuses: The statuses; the last one repeats.
        """
        self.requests_mock.get(fakes.ENDPOINT + PATH, _answers(*statuses))

    def server(self, statuses: tuple[str | None, ...]) -> Any:
        """Make a ``prepare`` for :meth:`both` that serves ``statuses``.

        :param statuses: As for :meth:`serve`.
        :returns: The function.
        """
        return lambda: self.serve(*statuses)

    def obj(self, conn: Any, status: str = 'creating') -> Any:
        """A snapshot of the proxy's own class, as its verbs return them.

        :param conn: The Connection.
        :param status: Its status.
        :returns: The snapshot.
        """
        registry = type(conn.block_storage)._resource_registry
        return registry['snapshot'].existing(
            connection=conn, **harness.snapshot(status=status)
        )

    def wait_status(
        self, wait: float = REACHED, **kwargs: Any
    ) -> harness.Call:
        return lambda c: c.block_storage.wait_for_status(
            self.obj(c), interval=INTERVAL, wait=wait, **kwargs
        )

    def wait_delete(
        self, wait: float = REACHED, **kwargs: Any
    ) -> harness.Call:
        return lambda c: c.block_storage.wait_for_delete(
            self.obj(c, 'deleting'), interval=INTERVAL, wait=wait, **kwargs
        )

    def test_same(self) -> None:
        cases: dict[str, tuple[tuple[str | None, ...], harness.Call]] = {
            'reaches available': (
                ('creating', 'available'),
                self.wait_status(),
            ),
            'reaches another status': (
                ('creating', 'error'),
                self.wait_status(status='error'),
            ),
            'reaches error': (('creating', 'error'), self.wait_status()),
            'reaches a given failure': (
                ('creating', 'deleting'),
                self.wait_status(failures=['deleting']),
            ),
            'upper-case status': (
                ('creating', 'available'),
                self.wait_status(status='AVAILABLE'),
            ),
            'deleted (404)': (('deleting', None), self.wait_delete()),
            'deleted (status)': (('deleting', 'deleted'), self.wait_delete()),
        }
        for name, (statuses, call) in cases.items():
            with self.subTest(case=name):
                self.assert_same(call, prepare=self.server(statuses))

    def test_same_error_class(self) -> None:
        # The same exception class (the plugin's a subclass); the number
        # of polls before a timeout depends on the pacing, so requests
        # are not compared.
        cases: dict[
            str, tuple[tuple[str | None, ...], harness.Call, type[Exception]]
        ] = {
            'error': (
                ('creating', 'error'),
                self.wait_status(),
                exceptions.SnapshotFailure,
            ),
            'gone (404) while awaiting a status': (
                ('creating', None),
                self.wait_status(),
                exceptions.SnapshotGone,
            ),
            'timeout': (
                ('creating',),
                self.wait_status(TIMEOUT),
                exceptions.SnapshotTimeout,
            ),
            'delete: still available': (
                ('available',),
                self.wait_delete(TIMEOUT),
                exceptions.SnapshotNotDeleted,
            ),
            'delete: error_deleting': (
                ('deleting', 'error_deleting'),
                self.wait_delete(TIMEOUT),
                exceptions.SnapshotNotDeleted,
            ),
            'delete: timeout': (
                ('deleting',),
                self.wait_delete(TIMEOUT),
                exceptions.SnapshotTimeout,
            ),
        }
        for name, (statuses, call, plugin_class) in cases.items():
            with self.subTest(case=name):
                stock, plugin = self.assert_same(
                    call,
                    same_requests=False,
                    prepare=self.server(statuses),
                )
                self.assertIsNotNone(stock.error)
                self.assertIsInstance(plugin.error, plugin_class)

    def test_not_deleting_fails_at_once(self) -> None:
        # Difference: a snapshot that is available (no deletion under way)
        # ends the wait at the first poll, with a class that is also the
        # ResourceTimeout stock raises when its timeout has passed.
        stock, plugin = self.both(
            self.wait_delete(TIMEOUT),
            prepare=lambda: self.serve('available'),
        )
        self.assertIsInstance(stock.error, sdk_exceptions.ResourceTimeout)
        self.assertGreater(len(stock.sent), 1)
        self.assertIsInstance(plugin.error, sdk_exceptions.ResourceTimeout)
        self.assertIsInstance(plugin.error, sdk_exceptions.ResourceFailure)
        self.assertEqual(1, len(plugin.sent))

    def test_error_deleting_while_awaiting_status(self) -> None:
        # Difference: error_deleting fails a wait for another status at
        # once (a ResourceFailure); stock, whose default failures are
        # ['error'], polls on until its timeout.
        stock, plugin = self.both(
            self.wait_status(TIMEOUT),
            prepare=lambda: self.serve('error_deleting'),
        )
        self.assertIsInstance(stock.error, sdk_exceptions.ResourceTimeout)
        self.assertIsInstance(plugin.error, sdk_exceptions.ResourceFailure)
        self.assertEqual(1, len(plugin.sent))

    def test_already_there(self) -> None:
        # Difference: given an object already in the awaited status,
        # stock returns it without a request; the plugin asks the server
        # once (the object may be stale).
        stock, plugin = self.assert_same(
            lambda c: c.block_storage.wait_for_status(
                self.obj(c, 'available'), interval=INTERVAL, wait=REACHED
            ),
            same_requests=False,
            prepare=lambda: self.serve('available'),
        )
        self.assertEqual([], stock.sent)
        self.assertEqual(['GET'], [s.method for s in plugin.sent])

    def test_callback_progress(self) -> None:
        # Difference: the callback gets the progress as an int; stock
        # passes the server's string ("50%").
        got: dict[str, list[Any]] = {'stock': [], 'plugin': []}
        for side, conn in (
            ('stock', self.stock_conn),
            ('plugin', self.plugin_conn),
        ):
            self.requests_mock.get(
                fakes.ENDPOINT + PATH,
                [
                    {
                        'json': {
                            'snapshot': harness.snapshot(
                                status='creating',
                                **{
                                    'os-extended-snapshot-attributes:'
                                    'progress': '50%'
                                },
                            )
                        }
                    },
                    {'json': {'snapshot': harness.snapshot()}},
                ],
            )
            proxy: Any = conn.block_storage
            proxy.wait_for_status(
                self.obj(conn),
                interval=INTERVAL,
                wait=REACHED,
                callback=got[side].append,
            )
        self.assertEqual(['50%'], got['stock'])
        self.assertEqual([50, 100], got['plugin'])


class TestCloudLayer(harness.CompatTestCase):
    def test_create_volume_snapshot(self) -> None:
        # Difference: from microversion 3.66 force is left out (Cinder
        # refuses the force=False the cloud layer always sends); the
        # result is the same.
        volume_id = harness.SHOW['volume_id']
        self.mock(
            'POST',
            '/snapshots',
            status_code=202,
            json={'snapshot': harness.snapshot(status='creating')},
        )

        def prepare() -> None:
            self.requests_mock.get(
                fakes.ENDPOINT + PATH, _answers('available')
            )

        for wait in (False, True):
            with self.subTest(wait=wait):
                stock, plugin = self.assert_same(
                    harness.cloud(
                        'create_volume_snapshot',
                        volume_id,
                        name='n',
                        wait=wait,
                        timeout=REACHED,
                    ),
                    same_requests=False,
                    prepare=prepare,
                )
                self.assertEqual(
                    {'volume_id': volume_id, 'force': False, 'name': 'n'},
                    stock.sent[0].body['snapshot'],
                )
                expected = {'volume_id': volume_id, 'name': 'n'}
                if not self.supports('3.66'):
                    expected['force'] = False
                self.assertEqual(expected, plugin.sent[0].body['snapshot'])
                self.assertEqual(stock.sent[1:], plugin.sent[1:])
                self.assertFalse(plugin.raw.is_forced)

    def test_delete_volume_snapshot(self) -> None:
        self.mock('DELETE', PATH, status_code=202)
        self.mock('GET', '/snapshots/nothing', status_code=404, json=NOT_FOUND)
        self.requests_mock.get(
            fakes.ENDPOINT + '/snapshots/detail',
            json=harness.listing([]),
        )

        def prepare() -> None:
            self.requests_mock.get(
                fakes.ENDPOINT + PATH,
                # The cloud layer's wait polls every 2 s: the first poll
                # finds it gone so that stock does not sleep.
                _answers('available', None),
            )

        cases: dict[str, harness.Call] = {
            'no wait': lambda c: c.delete_volume_snapshot(ID),
            'wait': lambda c: c.delete_volume_snapshot(
                ID, wait=True, timeout=REACHED
            ),
            'missing': lambda c: c.delete_volume_snapshot('nothing'),
            'no name': lambda c: c.delete_volume_snapshot(None),
        }
        for name, call in cases.items():
            with self.subTest(case=name):
                self.assert_same(call, prepare=prepare)
