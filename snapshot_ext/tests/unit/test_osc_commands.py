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

"""Tests of the OpenStackClient plugin's commands over a fake cloud.

The commands run as cliff runs them (``get_parser``, ``parse_args``,
``run``) on a real registered Connection over requests-mock, and every
request is asserted.  A few tests use a fake proxy where the outcome,
not HTTP, is under test (timeouts, the progress bar).
"""

import copy
import io
import json
from typing import Any
import urllib.parse

import fixtures
from openstack import exceptions as sdk_exceptions

import snapshot_ext
from snapshot_ext import exceptions
from snapshot_ext.osc import commands
from snapshot_ext.tests.unit import fakes

VID = fakes.VOLUME_ID
OTHER_VID = 'dddddddd-0000-4000-8000-00000000000d'
DEPENDENT = 'eeeeeeee-0000-4000-8000-00000000000e'


def sid(letter: str) -> str:
    return f'{letter * 8}-0000-4000-8000-000000000000'


A, B, C, D = (sid(c) for c in 'abcd')

RESOURCE_FILTERS = {
    'resource_filters': [
        {'resource': 'volume', 'filters': ['name', 'status', 'metadata']},
        {'resource': 'snapshot', 'filters': ['name', 'status', 'volume_id']},
    ]
}


def snap(snapshot_id: str, **changes: Any) -> dict[str, Any]:
    """A snapshot as Cinder 29 lists it (from a capture), changed."""
    body = copy.deepcopy(
        fakes.load_capture('snapshot_show_mv3.71')['body']['snapshot']
    )
    body.update(id=snapshot_id, name=f'snap-{snapshot_id[0]}')
    body.update(changes)
    return dict(body)


def vol(volume_id: str, name: str, snapshot_id: str | None = None) -> Any:
    """A volume as the detailed listing has it (the fields read)."""
    return {
        'id': volume_id,
        'name': name,
        'status': 'available',
        'size': 1,
        'snapshot_id': snapshot_id,
    }


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeApp:
    """What the commands use of OpenStackClient's application."""

    def __init__(self, conn: Any, stderr: io.StringIO | None = None) -> None:
        self.stdout = io.StringIO()
        self.stderr = stderr if stderr is not None else io.StringIO()

        class ClientManager:
            sdk_connection = conn

        self.client_manager = ClientManager()
        self.options = None


class CommandTestCase(fakes.ProxyTestCase):
    def run_command(
        self,
        cls: type[Any],
        *argv: str,
        fmt: str = 'json',
        conn: Any = None,
        stderr: io.StringIO | None = None,
    ) -> tuple[int, str, str]:
        """Parse ``argv`` as cliff does and run the command.

        :returns: The exit code, standard output and standard error.
        """
        app = FakeApp(self.conn if conn is None else conn, stderr)
        cmd = cls(app, None)
        parser = cmd.get_parser('openstack volume snapshot test')
        parsed = parser.parse_args([*argv, '-f', fmt])
        code = cmd.run(parsed)
        return code, app.stdout.getvalue(), app.stderr.getvalue()

    def parse_error(self, cls: type[Any], *argv: str) -> str:
        """Parse ``argv``, expecting argparse to exit 2; its message."""
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        cmd = cls(FakeApp(self.conn), None)
        parser = cmd.get_parser('openstack volume snapshot test')
        exc = self.assertRaises(SystemExit, parser.parse_args, list(argv))
        self.assertEqual(2, exc.code)
        return stderr.getvalue()

    def sent(self) -> list[str]:
        """The requests sent, as ``METHOD /path?query``."""
        lines = []
        for r in self.api_requests():
            parts = urllib.parse.urlsplit(r.url)
            path = parts.path[len(fakes.PATH_PREFIX) :]
            lines.append(
                f'{r.method} {path}'
                + (f'?{parts.query}' if parts.query else '')
            )
        return lines

    def assert_sent(
        self, *expected: tuple[str, str, dict[str, list[str]]]
    ) -> None:
        """Assert every request: method, path, query, no body, 3.71."""
        requests = self.api_requests()
        self.assertEqual(
            [f'{m} {p}' for m, p, _ in expected],
            [
                f'{r.method} '
                + urllib.parse.urlsplit(r.url).path[len(fakes.PATH_PREFIX) :]
                for r in requests
            ],
        )
        for request, (method, path, query) in zip(
            requests, expected, strict=True
        ):
            self.assert_request(request, method, path, query or None)


def by_volume(volume_id: str = VID) -> dict[str, list[str]]:
    return {'volume_id': [volume_id]}


class PruneTestCase(CommandTestCase):
    """Volume VID with A (newest) to D (oldest); D has a dependent."""

    def setUp(self) -> None:
        super().setUp()
        self.mock('GET', f'/volumes/{VID}', json={'volume': vol(VID, 'data')})
        self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [vol(DEPENDENT, 'clone', D)]},
        )
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.mock(
            'GET',
            '/snapshots/detail',
            json={
                'snapshots': [
                    snap(A, created_at='2026-11-27T10:00:00.000000'),
                    snap(B, created_at='2026-11-20T10:00:00.000000'),
                    snap(C, created_at='2026-11-13T10:00:00.000000'),
                    snap(D, created_at='2026-11-06T10:00:00.000000'),
                ]
            },
        )
        self.deletes = {
            s: self.mock('DELETE', f'/snapshots/{s}', status_code=202)
            for s in (A, B, C, D)
        }

    def deleted(self) -> list[str]:
        return [s for s, m in self.deletes.items() if m.call_count]

    def planned(self) -> tuple[tuple[str, str, dict[str, list[str]]], ...]:
        return (
            ('GET', f'/volumes/{VID}', {}),
            ('GET', '/snapshots/detail', by_volume()),
            ('GET', '/resource_filters', {}),
            ('GET', '/volumes/detail', {}),
        )


class TestPrune(PruneTestCase):
    def test_dry_run_by_default_deletes_nothing(self) -> None:
        code, out, err = self.run_command(
            commands.PruneSnapshots, '--volume', VID, '--keep', '1'
        )
        self.assertEqual(0, code)
        rows = json.loads(out)
        self.assertEqual(
            [(A, 'keep'), (B, 'delete'), (C, 'delete'), (D, 'skip')],
            [(r['ID'], r['Action']) for r in rows],
        )
        self.assertEqual(
            ['ID', 'Name', 'Status', 'Created At', 'Action', 'Reason'],
            list(rows[0]),
        )
        self.assertIn(DEPENDENT, rows[3]['Reason'])
        self.assertEqual(
            f'dry run: 2 of 4 snapshots of volume data ({VID}) would be '
            f'deleted; nothing was deleted (give --yes to delete them)\n',
            err,
        )
        self.assertEqual([], self.deleted())
        self.assert_sent(*self.planned())

    def test_explicit_dry_run_is_the_same(self) -> None:
        code, out, _ = self.run_command(
            commands.PruneSnapshots,
            '--volume',
            VID,
            '--older-than',
            '10d',
            '--dry-run',
        )
        self.assertEqual(0, code)
        self.assertEqual([], self.deleted())
        self.assertNotIn('Result', json.loads(out)[0])

    def test_yes_deletes_the_planned_ones(self) -> None:
        code, out, err = self.run_command(
            commands.PruneSnapshots, '--volume', VID, '--keep', '1', '--yes'
        )
        self.assertEqual(0, code)
        self.assertEqual('', err)
        self.assertEqual([B, C], self.deleted())
        self.assertEqual(
            [(A, ''), (B, 'deleted'), (C, 'deleted'), (D, '')],
            [(r['ID'], r['Result']) for r in json.loads(out)],
        )
        sent = self.api_requests()
        self.assert_sent(
            *self.planned(),
            *sorted(
                [
                    ('DELETE', f'/snapshots/{B}', {}),
                    ('DELETE', f'/snapshots/{C}', {}),
                ],
                # The deletions run on threads: any order.
                key=lambda e: [r.url for r in sent].index(
                    fakes.ENDPOINT + e[1]
                ),
            ),
        )

    def test_failed_deletion_exits_1_naming_it(self) -> None:
        self.mock(
            'DELETE',
            f'/snapshots/{C}',
            status_code=400,
            json={'badRequest': {'code': 400, 'message': 'Invalid snapshot'}},
        )
        code, out, err = self.run_command(
            commands.PruneSnapshots, '--volume', VID, '--keep', '1', '--yes'
        )
        self.assertEqual(1, code)
        self.assertEqual(
            f'error: 1 of 2 snapshots not deleted: {C} (failed)\n', err
        )
        results = {r['ID']: r['Result'] for r in json.loads(out)}
        self.assertEqual('deleted', results[B])
        self.assertTrue(results[C].startswith('failed: '), results[C])
        self.assertIn('Invalid snapshot', results[C])

    def test_volume_by_name(self) -> None:
        self.mock('GET', '/volumes/data', status_code=404, json={})
        self.mock(
            'GET', '/volumes/detail', json={'volumes': [vol(VID, 'data')]}
        )
        code, _, _ = self.run_command(
            commands.PruneSnapshots, '--volume', 'data', '--keep', '3'
        )
        self.assertEqual(0, code)
        first, second, listing = self.api_requests()[:3]
        self.assert_request(first, 'GET', '/volumes/data')
        self.assert_request(
            second, 'GET', '/volumes/detail', {'name': ['data']}
        )
        self.assert_request(listing, 'GET', '/snapshots/detail', by_volume())


class TestPruneBadInput(PruneTestCase):
    def test_negative_keep(self) -> None:
        err = self.parse_error(
            commands.PruneSnapshots, '--volume', VID, '--keep', '-1'
        )
        self.assertIn('argument --keep: must be 0 or more, got -1', err)
        self.assert_no_api_request()

    def test_unparsable_duration(self) -> None:
        err = self.parse_error(
            commands.PruneSnapshots, '--volume', VID, '--older-than', '3x'
        )
        self.assertIn("argument --older-than: invalid duration '3x'", err)
        self.assert_no_api_request()

    def test_dry_run_and_yes_exclude_each_other(self) -> None:
        err = self.parse_error(
            commands.PruneSnapshots,
            '--volume',
            VID,
            '--keep',
            '1',
            '--dry-run',
            '--yes',
        )
        self.assertIn('not allowed with argument', err)

    def test_volume_is_required(self) -> None:
        err = self.parse_error(commands.PruneSnapshots, '--keep', '1')
        self.assertIn('the following arguments are required: --volume', err)

    def test_neither_keep_nor_older_than(self) -> None:
        code, out, err = self.run_command(
            commands.PruneSnapshots, '--volume', VID, '--yes'
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual('error: give --keep, --older-than or both\n', err)
        self.assert_no_api_request()

    def test_wait_without_yes(self) -> None:
        code, _, err = self.run_command(
            commands.PruneSnapshots, '--volume', VID, '--keep', '1', '--wait'
        )
        self.assertEqual(2, code)
        self.assertEqual(
            'error: --wait needs --yes (a dry run deletes nothing)\n', err
        )
        self.assert_no_api_request()

    def test_unknown_volume(self) -> None:
        self.mock('GET', '/volumes/nope', status_code=404, json={})
        self.mock('GET', '/volumes/detail', json={'volumes': []})
        code, out, err = self.run_command(
            commands.PruneSnapshots, '--volume', 'nope', '--keep', '1', '--yes'
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual("error: no volume with name or ID 'nope'\n", err)
        self.assertEqual([], self.deleted())
        self.assert_sent(
            ('GET', '/volumes/nope', {}),
            ('GET', '/volumes/detail', {'name': ['nope']}),
        )


class TestWait(CommandTestCase):
    def listing(self, *snapshots: dict[str, Any]) -> None:
        self.mock('GET', '/snapshots/detail', json={'snapshots': snapshots})

    def test_one_listing_per_poll_by_name_and_id(self) -> None:
        self.listing(snap(A), snap(B))
        code, out, err = self.run_command(
            commands.WaitForSnapshots, A, 'snap-b', '--timeout', '30'
        )
        self.assertEqual((0, ''), (code, err))
        self.assertEqual(
            [
                {
                    'ID': A,
                    'Name': 'snap-a',
                    'Status': 'available',
                    'Result': 'ok',
                    'Error': '',
                },
                {
                    'ID': B,
                    'Name': 'snap-b',
                    'Status': 'available',
                    'Result': 'ok',
                    'Error': '',
                },
            ],
            json.loads(out),
        )
        # One listing to look the names up, one poll for both.
        self.assert_sent(
            ('GET', '/snapshots/detail', {}),
            ('GET', '/snapshots/detail', by_volume()),
        )

    def test_failed_snapshot_exits_1_naming_it(self) -> None:
        self.listing(snap(A), snap(B, status='error'))
        code, out, err = self.run_command(commands.WaitForSnapshots, A, B)
        self.assertEqual(1, code)
        self.assertEqual(
            f'error: 1 of 2 snapshots not available: {B} (failed)\n', err
        )
        rows = {r['ID']: r for r in json.loads(out)}
        self.assertEqual('ok', rows[A]['Result'])
        self.assertEqual(
            ('error', 'failed'), (rows[B]['Status'], rows[B]['Result'])
        )
        self.assertIn('error', rows[B]['Error'])

    def test_deleted_counts_unlisted_ids_as_gone(self) -> None:
        # A is not listed at all (an ID is passed through: it may be
        # gone already); B is deleting, then gone.  Each is fetched once
        # when missing from a poll, to tell gone from not listed.
        self.mock('GET', f'/snapshots/{A}', status_code=404, json={})
        self.mock('GET', f'/snapshots/{B}', status_code=404, json={})
        deleting = {'json': {'snapshots': [snap(B, status='deleting')]}}
        self.requests_mock.register_uri(
            'GET',
            fakes.ENDPOINT + '/snapshots/detail',
            [deleting, deleting, {'json': {'snapshots': []}}],
        )
        self.useFixture(fixtures.MonkeyPatch('time.sleep', lambda s: None))
        code, out, err = self.run_command(
            commands.WaitForSnapshots, A, 'snap-b', '--status', 'deleted'
        )
        self.assertEqual((0, ''), (code, err))
        self.assertEqual(
            [(A, 'deleted', 'ok'), (B, 'deleted', 'ok')],
            [(r['ID'], r['Status'], r['Result']) for r in json.loads(out)],
        )
        self.assertEqual(
            [
                'GET /snapshots/detail',
                'GET /snapshots/detail',
                f'GET /snapshots/{A}',
                # Only B (of one volume) is left to watch.
                f'GET /snapshots/detail?volume_id={VID}',
                f'GET /snapshots/{B}',
            ],
            self.sent(),
        )

    def test_unknown_snapshot_is_refused_after_one_listing(self) -> None:
        self.listing(snap(A))
        code, out, err = self.run_command(
            commands.WaitForSnapshots, A, 'nope', sid('f')
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual(
            f"error: no snapshot with name or ID 'nope'; no snapshot with "
            f"name or ID '{sid('f')}'\n",
            err,
        )
        self.assert_sent(('GET', '/snapshots/detail', {}))

    def test_ambiguous_and_repeated_names(self) -> None:
        self.listing(snap(A, name='twin'), snap(B, name='twin'), snap(C))
        code, _, err = self.run_command(
            commands.WaitForSnapshots, 'twin', C, 'snap-c'
        )
        self.assertEqual(2, code)
        self.assertEqual(
            f"error: more than one snapshot is named 'twin' ({A}, {B}); "
            f"give its ID; snapshot 'snap-c' is given twice (also as "
            f"'{C}')\n",
            err,
        )
        self.assert_sent(('GET', '/snapshots/detail', {}))

    def test_bad_status_and_timeout(self) -> None:
        err = self.parse_error(commands.WaitForSnapshots, A, '--status', 'x')
        self.assertIn("argument --status: invalid choice: 'x'", err)
        err = self.parse_error(commands.WaitForSnapshots, A, '--timeout', '0')
        self.assertIn('argument --timeout: must be a positive number', err)
        err = self.parse_error(commands.WaitForSnapshots)
        self.assertIn('the following arguments are required: <snapshot>', err)
        self.assert_no_api_request()


class FakeSnapshot:
    def __init__(self, snapshot_id: str, name: str, status: str) -> None:
        self.id = snapshot_id
        self.name = name
        self.status = status


class FakeItem:
    def __init__(
        self, snapshot: FakeSnapshot, error: BaseException | None = None
    ) -> None:
        self.item = snapshot.id
        self.snapshot = snapshot
        self.error = error
        self.missing = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def id(self) -> str:
        return self.snapshot.id


class FakeProxy:
    """Answers wait_for_snapshots with set items, reporting progress."""

    def __init__(self, *snapshots: FakeSnapshot) -> None:
        self.listed = list(snapshots)
        self.items: list[FakeItem] = []
        self.calls: list[tuple[Any, ...]] = []

    def snapshots(self, **query: Any) -> list[FakeSnapshot]:
        self.calls.append(('snapshots', query))
        return self.listed

    def wait_for_snapshots(
        self, snapshots: Any, status: str, **kwargs: Any
    ) -> list[FakeItem]:
        self.calls.append(('wait', [s.id for s in snapshots], status, kwargs))
        for percent in (0, 50, 100):
            kwargs['callback'](percent)
        return self.items


class FakeProxyTestCase(CommandTestCase):
    def setUp(self) -> None:
        super().setUp()
        ready = FakeSnapshot(A, 'ready', 'available')
        slow = FakeSnapshot(B, 'slow', 'creating')
        self.fake = FakeProxy(ready, slow)
        timeout = exceptions.SnapshotTimeout(
            f'snapshot {B} still creating after 30 s',
            slow,  # type: ignore[arg-type]
            'creating',
            30.0,
        )
        self.fake.items = [FakeItem(ready), FakeItem(slow, timeout)]
        self.useFixture(
            fixtures.MonkeyPatch('snapshot_ext.proxy', lambda conn: self.fake)
        )

    def test_timeout_exits_1_naming_it(self) -> None:
        code, out, err = self.run_command(
            commands.WaitForSnapshots,
            'ready',
            'slow',
            '--timeout',
            '30',
            '--interval',
            '0.5',
            '--all-projects',
        )
        self.assertEqual(1, code)
        self.assertEqual(
            f'error: 1 of 2 snapshots not available: {B} (timed out)\n', err
        )
        self.assertEqual(
            [
                {
                    'ID': A,
                    'Name': 'ready',
                    'Status': 'available',
                    'Result': 'ok',
                    'Error': '',
                },
                {
                    'ID': B,
                    'Name': 'slow',
                    'Status': 'creating',
                    'Result': 'timed out',
                    'Error': f'snapshot {B} still creating after 30 s',
                },
            ],
            json.loads(out),
        )
        self.assertEqual(
            ('snapshots', {'all_projects': True}), self.fake.calls[0]
        )
        _, ids, status, kwargs = self.fake.calls[1]
        self.assertEqual(([A, B], 'available'), (ids, status))
        self.assertEqual(
            {'interval': 0.5, 'wait': 30.0, 'all_projects': True},
            {k: v for k, v in kwargs.items() if k != 'callback'},
        )

    def test_progress_bar_only_on_a_terminal(self) -> None:
        _, out, err = self.run_command(commands.WaitForSnapshots, A, B)
        self.assertNotIn('%', err)
        self.assertNotIn('%', out)
        terminal = FakeTerminal()
        _, out, err = self.run_command(
            commands.WaitForSnapshots, A, B, stderr=terminal
        )
        self.assertTrue(err.startswith('\rwaiting for available ['), repr(err))
        self.assertIn('] 100%\n', err)
        self.assertNotIn('waiting', out)

    def test_every_format(self) -> None:
        _, out, _ = self.run_command(
            commands.WaitForSnapshots, A, B, fmt='value'
        )
        self.assertEqual(
            f'{A} ready available ok \n{B} slow creating timed out snapshot '
            f'{B} still creating after 30 s\n',
            out,
        )
        _, out, _ = self.run_command(
            commands.WaitForSnapshots, A, B, fmt='csv'
        )
        self.assertEqual(
            f'"ID","Name","Status","Result","Error"\n'
            f'"{A}","ready","available","ok",""\n'
            f'"{B}","slow","creating","timed out","snapshot {B} still '
            f'creating after 30 s"\n',
            out,
        )
        _, out, _ = self.run_command(
            commands.WaitForSnapshots, A, B, fmt='yaml'
        )
        self.assertIn(f'- Error: \'\'\n  ID: {A}\n', out)
        _, out, _ = self.run_command(
            commands.WaitForSnapshots, A, B, fmt='table'
        )
        self.assertIn('| ID ', out.splitlines()[1])
        self.assertIn(f'| {A} | ready | available | ok ', out)
