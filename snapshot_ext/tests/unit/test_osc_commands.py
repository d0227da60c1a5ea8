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
from snapshot_ext.osc import bulk
from snapshot_ext.osc import deletable
from snapshot_ext.osc import prune
from snapshot_ext.osc import wait
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _waiting

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
            self.assert_request(
                request,
                method,
                path,
                query or None,
                microversion=microversion_for(path),
            )


def microversion_for(path: str) -> str | None:
    """The microversion a request to ``path`` carries.

    Volume requests are openstacksdk's own (its Volume class's
    microversion, lower on older openstacksdk); snapshot requests and
    ``/resource_filters`` carry the one snapshot_ext negotiated.
    """
    if '/volumes' in path:
        return fakes.VOLUME_MICROVERSION
    return CommandTestCase.expected_microversion


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
            prune.PruneSnapshots, '--volume', VID, '--keep', '1'
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
            prune.PruneSnapshots,
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
            prune.PruneSnapshots, '--volume', VID, '--keep', '1', '--yes'
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
            prune.PruneSnapshots, '--volume', VID, '--keep', '1', '--yes'
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
            prune.PruneSnapshots, '--volume', 'data', '--keep', '3'
        )
        self.assertEqual(0, code)
        first, second, listing = self.api_requests()[:3]
        self.assert_request(
            first,
            'GET',
            '/volumes/data',
            microversion=fakes.VOLUME_MICROVERSION,
        )
        self.assert_request(
            second,
            'GET',
            '/volumes/detail',
            {'name': ['data']},
            microversion=fakes.VOLUME_MICROVERSION,
        )
        self.assert_request(listing, 'GET', '/snapshots/detail', by_volume())


class TestPruneBadInput(PruneTestCase):
    def test_negative_keep(self) -> None:
        err = self.parse_error(
            prune.PruneSnapshots, '--volume', VID, '--keep', '-1'
        )
        self.assertIn('argument --keep: must be 0 or more, got -1', err)
        self.assert_no_api_request()

    def test_unparsable_duration(self) -> None:
        err = self.parse_error(
            prune.PruneSnapshots, '--volume', VID, '--older-than', '3x'
        )
        self.assertIn("argument --older-than: invalid duration '3x'", err)
        self.assert_no_api_request()

    def test_dry_run_and_yes_exclude_each_other(self) -> None:
        err = self.parse_error(
            prune.PruneSnapshots,
            '--volume',
            VID,
            '--keep',
            '1',
            '--dry-run',
            '--yes',
        )
        self.assertIn('not allowed with argument', err)

    def test_volume_is_required(self) -> None:
        err = self.parse_error(prune.PruneSnapshots, '--keep', '1')
        self.assertIn('the following arguments are required: --volume', err)

    def test_neither_keep_nor_older_than(self) -> None:
        code, out, err = self.run_command(
            prune.PruneSnapshots, '--volume', VID, '--yes'
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual('error: give --keep, --older-than or both\n', err)
        self.assert_no_api_request()

    def test_wait_without_yes(self) -> None:
        code, _, err = self.run_command(
            prune.PruneSnapshots, '--volume', VID, '--keep', '1', '--wait'
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
            prune.PruneSnapshots, '--volume', 'nope', '--keep', '1', '--yes'
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual("error: no volume with name or ID 'nope'\n", err)
        self.assertEqual([], self.deleted())
        self.assert_sent(
            ('GET', '/volumes/nope', {}),
            ('GET', '/volumes/detail', {'name': ['nope']}),
        )


E, F, G = (sid(c) for c in 'efg')


class PruneManyTestCase(PruneTestCase):
    """PruneTestCase's volume, and volume OTHER_VID ('logs') with E, F.

    The project's listing also has G, a snapshot of a volume not given.
    """

    def setUp(self) -> None:
        super().setUp()
        self.mock(
            'GET',
            f'/volumes/{OTHER_VID}',
            json={'volume': vol(OTHER_VID, 'logs')},
        )
        self.mock(
            'GET',
            '/snapshots/detail',
            json={
                'snapshots': [
                    snap(A, created_at='2026-11-27T10:00:00.000000'),
                    snap(
                        E,
                        volume_id=OTHER_VID,
                        created_at='2026-11-26T10:00:00.000000',
                    ),
                    snap(B, created_at='2026-11-20T10:00:00.000000'),
                    snap(
                        F,
                        volume_id=OTHER_VID,
                        created_at='2026-11-19T10:00:00.000000',
                    ),
                    snap(
                        G,
                        volume_id=DEPENDENT,
                        created_at='2026-11-01T10:00:00.000000',
                    ),
                    snap(C, created_at='2026-11-13T10:00:00.000000'),
                    snap(D, created_at='2026-11-06T10:00:00.000000'),
                ]
            },
        )
        self.deletes.update(
            {
                s: self.mock('DELETE', f'/snapshots/{s}', status_code=202)
                for s in (E, F, G)
            }
        )

    def planned_many(
        self,
    ) -> tuple[tuple[str, str, dict[str, list[str]]], ...]:
        """Both volumes found, then one listing for both."""
        return (
            ('GET', f'/volumes/{OTHER_VID}', {}),
            ('GET', f'/volumes/{VID}', {}),
            ('GET', '/snapshots/detail', {}),
            ('GET', '/resource_filters', {}),
            ('GET', '/volumes/detail', {}),
        )

    def prune_many(self, *argv: str) -> tuple[int, str, str]:
        return self.run_command(
            prune.PruneSnapshots,
            '--volume',
            OTHER_VID,
            '--volume',
            VID,
            '--keep',
            '1',
            *argv,
        )


class TestPruneManyVolumes(PruneManyTestCase):
    def test_dry_run_one_table_grouped_in_the_order_given(self) -> None:
        code, out, err = self.prune_many()
        self.assertEqual(0, code)
        rows = json.loads(out)
        self.assertEqual(
            [
                'ID',
                'Volume',
                'Name',
                'Status',
                'Created At',
                'Action',
                'Reason',
            ],
            list(rows[0]),
        )
        self.assertEqual(
            [
                (E, OTHER_VID, 'keep'),
                (F, OTHER_VID, 'delete'),
                (A, VID, 'keep'),
                (B, VID, 'delete'),
                (C, VID, 'delete'),
                (D, VID, 'skip'),
            ],
            [(r['ID'], r['Volume'], r['Action']) for r in rows],
        )
        self.assertIn(DEPENDENT, rows[5]['Reason'])
        self.assertEqual(
            'dry run: 3 of 6 snapshots of 2 volumes would be deleted; '
            'nothing was deleted (give --yes to delete them)\n',
            err,
        )
        self.assertEqual([], self.deleted())
        self.assert_sent(*self.planned_many())

    def test_yes_deletes_for_all_volumes_in_one_bulk_delete(self) -> None:
        code, out, err = self.prune_many('--yes')
        self.assertEqual((0, ''), (code, err))
        self.assertEqual([B, C, F], sorted(self.deleted()))
        rows = json.loads(out)
        self.assertEqual(['ID', 'Volume', 'Name'], list(rows[0])[:3])
        self.assertEqual('Result', list(rows[0])[-1])
        self.assertEqual(
            [
                (E, ''),
                (F, 'deleted'),
                (A, ''),
                (B, 'deleted'),
                (C, 'deleted'),
                (D, ''),
            ],
            [(r['ID'], r['Result']) for r in rows],
        )
        sent = self.api_requests()
        self.assert_sent(
            *self.planned_many(),
            *sorted(
                [('DELETE', f'/snapshots/{s}', {}) for s in (B, C, F)],
                # The deletions run on threads: any order.
                key=lambda e: [r.url for r in sent].index(
                    fakes.ENDPOINT + e[1]
                ),
            ),
        )

    def test_yes_wait_polls_once_for_the_deletions_of_all_volumes(
        self,
    ) -> None:
        listing = self.requests_mock.register_uri(
            'GET',
            fakes.ENDPOINT + '/snapshots/detail',
            [
                {
                    'json': {
                        'snapshots': [
                            snap(A, created_at='2026-11-27T10:00:00.000000'),
                            snap(
                                E,
                                volume_id=OTHER_VID,
                                created_at='2026-11-26T10:00:00.000000',
                            ),
                            snap(B, created_at='2026-11-20T10:00:00.000000'),
                            snap(
                                F,
                                volume_id=OTHER_VID,
                                created_at='2026-11-19T10:00:00.000000',
                            ),
                        ]
                    }
                },
                {'json': {'snapshots': [snap(A), snap(E)]}},
            ],
        )
        for s in (B, F):
            self.mock('GET', f'/snapshots/{s}', status_code=404, json={})
        code, out, err = self.prune_many('--yes', '--wait', '--timeout', '30')
        self.assertEqual((0, ''), (code, err))
        self.assertEqual(
            [(E, ''), (F, 'deleted'), (A, ''), (B, 'deleted')],
            [(r['ID'], r['Result']) for r in json.loads(out)],
        )
        self.assertEqual([B, F], sorted(self.deleted()))
        self.assertEqual(2, listing.call_count)
        sent = self.api_requests()

        def in_order_sent(
            expected: list[tuple[str, str, dict[str, list[str]]]],
        ) -> list[tuple[str, str, dict[str, list[str]]]]:
            # Sent on threads: any order.
            return sorted(
                expected,
                key=lambda e: [(r.method, r.url) for r in sent].index(
                    (e[0], fakes.ENDPOINT + e[1])
                ),
            )

        self.assert_sent(
            *self.planned_many(),
            *in_order_sent(
                [('DELETE', f'/snapshots/{s}', {}) for s in (B, F)]
            ),
            # One listing for both volumes' deletions, then a check of
            # each snapshot no longer listed.
            ('GET', '/snapshots/detail', {}),
            *in_order_sent([('GET', f'/snapshots/{s}', {}) for s in (B, F)]),
        )

    def test_failure_summary_covers_all_volumes(self) -> None:
        self.mock(
            'DELETE',
            f'/snapshots/{F}',
            status_code=400,
            json={'badRequest': {'code': 400, 'message': 'Invalid snapshot'}},
        )
        code, out, err = self.prune_many('--yes')
        self.assertEqual(1, code)
        self.assertEqual(
            f'error: 1 of 3 snapshots not deleted: {F} (failed)\n', err
        )
        results = {r['ID']: r['Result'] for r in json.loads(out)}
        self.assertEqual('deleted', results[B])
        self.assertEqual('deleted', results[C])
        self.assertTrue(results[F].startswith('failed: '), results[F])
        self.assertIn('Invalid snapshot', results[F])

    def test_volume_by_name_among_several(self) -> None:
        self.mock('GET', '/volumes/data', status_code=404, json={})
        self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [vol(VID, 'data'), vol(DEPENDENT, 'clone', D)]},
        )
        code, out, _ = self.run_command(
            prune.PruneSnapshots,
            '--volume',
            'data',
            '--volume',
            OTHER_VID,
            '--keep',
            '1',
        )
        self.assertEqual(0, code)
        self.assertEqual(
            [VID] * 4 + [OTHER_VID] * 2,
            [r['Volume'] for r in json.loads(out)],
        )
        self.assert_sent(
            ('GET', '/volumes/data', {}),
            ('GET', '/volumes/detail', {'name': ['data']}),
            ('GET', f'/volumes/{OTHER_VID}', {}),
            ('GET', '/snapshots/detail', {}),
            ('GET', '/resource_filters', {}),
            ('GET', '/volumes/detail', {}),
        )


class TestPruneManyVolumesBadInput(PruneManyTestCase):
    def test_unknown_and_ambiguous_volumes_named_before_pruning(
        self,
    ) -> None:
        for name in ('nope', 'twin'):
            self.mock('GET', f'/volumes/{name}', status_code=404, json={})
        self.mock(
            'GET',
            '/volumes/detail',
            json={
                'volumes': [
                    vol(DEPENDENT, 'twin'),
                    vol(sid('9'), 'twin'),
                ]
            },
        )
        code, out, err = self.run_command(
            prune.PruneSnapshots,
            '--volume',
            VID,
            '--volume',
            'nope',
            '--volume',
            'twin',
            '--keep',
            '1',
            '--yes',
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual(
            "error: no volume with name or ID 'nope'; more than one "
            "volume is named 'twin'; give its ID\n",
            err,
        )
        self.assertEqual([], self.deleted())
        self.assert_sent(
            ('GET', f'/volumes/{VID}', {}),
            ('GET', '/volumes/nope', {}),
            ('GET', '/volumes/detail', {'name': ['nope']}),
            ('GET', '/volumes/twin', {}),
            ('GET', '/volumes/detail', {'name': ['twin']}),
        )

    def test_same_volume_twice_by_id(self) -> None:
        code, out, err = self.run_command(
            prune.PruneSnapshots,
            '--volume',
            VID,
            '--volume',
            VID,
            '--keep',
            '1',
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual(
            f"error: volume {VID!r} is given twice (also as {VID!r})\n",
            err,
        )
        self.assert_sent(
            ('GET', f'/volumes/{VID}', {}),
            ('GET', f'/volumes/{VID}', {}),
        )

    def test_same_volume_twice_by_name_and_id(self) -> None:
        self.mock('GET', '/volumes/data', status_code=404, json={})
        self.mock(
            'GET', '/volumes/detail', json={'volumes': [vol(VID, 'data')]}
        )
        code, out, err = self.run_command(
            prune.PruneSnapshots,
            '--volume',
            VID,
            '--volume',
            OTHER_VID,
            '--volume',
            'data',
            '--keep',
            '1',
            '--yes',
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual(
            f"error: volume 'data' is given twice (also as {VID!r})\n", err
        )
        self.assertEqual([], self.deleted())
        self.assert_sent(
            ('GET', f'/volumes/{VID}', {}),
            ('GET', f'/volumes/{OTHER_VID}', {}),
            ('GET', '/volumes/data', {}),
            ('GET', '/volumes/detail', {'name': ['data']}),
        )

    def test_usage_errors_come_before_any_request(self) -> None:
        code, _, err = self.run_command(
            prune.PruneSnapshots,
            '--volume',
            VID,
            '--volume',
            OTHER_VID,
            '--keep',
            '1',
            '--wait',
        )
        self.assertEqual(2, code)
        self.assertEqual(
            'error: --wait needs --yes (a dry run deletes nothing)\n', err
        )
        self.assert_no_api_request()


class TestWait(CommandTestCase):
    def listing(self, *snapshots: dict[str, Any]) -> None:
        self.mock('GET', '/snapshots/detail', json={'snapshots': snapshots})

    def test_one_listing_per_poll_by_name_and_id(self) -> None:
        self.listing(snap(A), snap(B))
        code, out, err = self.run_command(
            wait.WaitForSnapshots, A, 'snap-b', '--timeout', '30'
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
        code, out, err = self.run_command(wait.WaitForSnapshots, A, B)
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
            wait.WaitForSnapshots, A, 'snap-b', '--status', 'deleted'
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
            wait.WaitForSnapshots, A, 'nope', sid('f')
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
            wait.WaitForSnapshots, 'twin', C, 'snap-c'
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
        err = self.parse_error(wait.WaitForSnapshots, A, '--status', 'x')
        self.assertIn("argument --status: invalid choice: 'x'", err)
        err = self.parse_error(wait.WaitForSnapshots, A, '--timeout', '0')
        self.assertIn('argument --timeout: must be a positive number', err)
        err = self.parse_error(wait.WaitForSnapshots)
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
        #: Raised by wait_for_snapshots instead of answering.
        self.raises: BaseException | None = None

    def snapshots(self, **query: Any) -> list[FakeSnapshot]:
        self.calls.append(('snapshots', query))
        return self.listed

    def wait_for_snapshots(
        self, snapshots: Any, status: str, **kwargs: Any
    ) -> list[FakeItem]:
        self.calls.append(('wait', [s.id for s in snapshots], status, kwargs))
        if self.raises is not None:
            raise self.raises
        for percent in (0, 50, 100):
            kwargs['callback'](percent)
        return self.items


class FakeProxyBase(CommandTestCase):
    """Commands on a :class:`FakeProxy`: A is ready, B times out."""

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


class FakeProxyTestCase(FakeProxyBase):
    def test_timeout_exits_1_naming_it(self) -> None:
        code, out, err = self.run_command(
            wait.WaitForSnapshots,
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

    def test_timing_defaults_are_the_bulk_waits(self) -> None:
        self.run_command(wait.WaitForSnapshots, 'ready', 'slow')
        _, _, _, kwargs = self.fake.calls[1]
        # The library's first pause of a bulk wait, and its bound.
        self.assertEqual(0.5, kwargs['interval'])
        self.assertEqual(_waiting.BULK_INTERVAL, kwargs['interval'])
        self.assertEqual(600.0, kwargs['wait'])

    def test_progress_bar_only_on_a_terminal(self) -> None:
        _, out, err = self.run_command(wait.WaitForSnapshots, A, B)
        self.assertNotIn('%', err)
        self.assertNotIn('%', out)
        terminal = FakeTerminal()
        _, out, err = self.run_command(
            wait.WaitForSnapshots, A, B, stderr=terminal
        )
        self.assertTrue(err.startswith('\rwaiting for available ['), repr(err))
        self.assertIn('] 100%\n', err)
        self.assertNotIn('waiting', out)

    def test_every_format(self) -> None:
        _, out, _ = self.run_command(wait.WaitForSnapshots, A, B, fmt='value')
        self.assertEqual(
            f'{A} ready available ok \n{B} slow creating timed out snapshot '
            f'{B} still creating after 30 s\n',
            out,
        )
        _, out, _ = self.run_command(wait.WaitForSnapshots, A, B, fmt='csv')
        self.assertEqual(
            f'"ID","Name","Status","Result","Error"\n'
            f'"{A}","ready","available","ok",""\n'
            f'"{B}","slow","creating","timed out","snapshot {B} still '
            f'creating after 30 s"\n',
            out,
        )
        _, out, _ = self.run_command(wait.WaitForSnapshots, A, B, fmt='yaml')
        self.assertIn(f'- Error: \'\'\n  ID: {A}\n', out)
        _, out, _ = self.run_command(wait.WaitForSnapshots, A, B, fmt='table')
        self.assertIn('| ID ', out.splitlines()[1])
        self.assertIn(f'| {A} | ready | available | ok ', out)


class BulkDeleteTestCase(CommandTestCase):
    """A available, B creating, C with a volume created from it."""

    def setUp(self) -> None:
        super().setUp()
        states = {A: 'available', B: 'creating', C: 'available'}
        self.mock(
            'GET',
            '/snapshots/detail',
            json={
                'snapshots': [snap(s, status=st) for s, st in states.items()]
            },
        )
        for s, st in states.items():
            self.mock(
                'GET', f'/snapshots/{s}', json={'snapshot': snap(s, status=st)}
            )
        self.mock('GET', '/resource_filters', json=RESOURCE_FILTERS)
        self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [vol(DEPENDENT, 'clone', C)]},
        )
        self.deletes = {
            s: self.mock('DELETE', f'/snapshots/{s}', status_code=202)
            for s in states
        }
        self.forces = {
            s: self.mock('POST', f'/snapshots/{s}/action', status_code=202)
            for s in states
        }

    def deleted(self) -> list[str]:
        return [s for s, m in self.deletes.items() if m.call_count]


class TestBulkDelete(BulkDeleteTestCase):
    def test_checked_by_default_with_a_result_each(self) -> None:
        code, out, err = self.run_command(
            bulk.BulkDeleteSnapshots, A, 'snap-b', C
        )
        self.assertEqual(1, code)
        self.assertEqual(
            f'error: 2 of 3 snapshots not deleted: {B} (not deletable), '
            f'{C} (not deletable)\n',
            err,
        )
        rows = json.loads(out)
        self.assertEqual(
            [
                # Cinder sets deleting when it accepts the delete.
                (A, 'snap-a', 'deleting', 'ok'),
                (B, 'snap-b', 'creating', 'not deletable'),
                (C, 'snap-c', 'available', 'not deletable'),
            ],
            [(r['ID'], r['Name'], r['Status'], r['Result']) for r in rows],
        )
        self.assertEqual('', rows[0]['Error'])
        self.assertIn("its status is 'creating'", rows[1]['Error'])
        self.assertIn(
            f'volumes were created from it: {DEPENDENT}', rows[2]['Error']
        )
        self.assertEqual([A], self.deleted())
        sent = self.sent()
        self.assertEqual(
            [
                'GET /snapshots/detail',
                'GET /resource_filters',
                'GET /volumes/detail',
            ],
            sent[:3],
        )
        # Each snapshot is checked, then deleted, on the thread pool.
        self.assertEqual(
            sorted(
                [
                    f'GET /snapshots/{A}',
                    f'GET /snapshots/{B}',
                    f'GET /snapshots/{C}',
                    f'DELETE /snapshots/{A}',
                ]
            ),
            sorted(sent[3:]),
        )
        self.assertLess(
            sent.index(f'GET /snapshots/{A}'),
            sent.index(f'DELETE /snapshots/{A}'),
        )
        for request in self.api_requests():
            path = urllib.parse.urlsplit(request.url).path
            self.assert_request(
                request,
                request.method,
                path,
                microversion=microversion_for(path),
            )

    def test_all_deletable_exits_0(self) -> None:
        code, out, err = self.run_command(
            bulk.BulkDeleteSnapshots, A, '--check', '--concurrency', '1'
        )
        self.assertEqual((0, ''), (code, err))
        self.assertEqual('ok', json.loads(out)[0]['Result'])
        self.assertEqual([A], self.deleted())

    def test_no_check_sends_every_delete(self) -> None:
        code, _, err = self.run_command(
            bulk.BulkDeleteSnapshots, A, B, C, '--no-check'
        )
        self.assertEqual((0, ''), (code, err))
        self.assertEqual([A, B, C], self.deleted())
        sent = self.sent()
        self.assertEqual('GET /snapshots/detail', sent[0])
        self.assertEqual(
            sorted(f'DELETE /snapshots/{s}' for s in (A, B, C)),
            sorted(sent[1:]),
        )

    def test_force_uses_the_force_delete_action(self) -> None:
        code, _, _ = self.run_command(
            bulk.BulkDeleteSnapshots, B, '--force', '--no-check'
        )
        self.assertEqual(0, code)
        self.assertEqual([], self.deleted())
        request = self.forces[B].last_request
        self.assert_request(
            request,
            'POST',
            f'/snapshots/{B}/action',
            json={'os-force_delete': {}},
        )

    def test_wait_until_gone(self) -> None:
        self.requests_mock.register_uri(
            'GET',
            fakes.ENDPOINT + '/snapshots/detail',
            [
                {'json': {'snapshots': [snap(A)]}},
                {'json': {'snapshots': []}},
            ],
        )
        # Fetched for the check, then once when missing from the poll.
        self.requests_mock.register_uri(
            'GET',
            f'{fakes.ENDPOINT}/snapshots/{A}',
            [
                {'json': {'snapshot': snap(A)}},
                {'status_code': 404, 'json': {}},
            ],
        )
        code, out, err = self.run_command(
            bulk.BulkDeleteSnapshots, A, '--wait', '--timeout', '60'
        )
        self.assertEqual((0, ''), (code, err))
        self.assertEqual(
            [(A, 'deleted', 'ok')],
            [(r['ID'], r['Status'], r['Result']) for r in json.loads(out)],
        )
        self.assertEqual(
            [
                'GET /snapshots/detail',
                'GET /resource_filters',
                'GET /volumes/detail',
                f'GET /snapshots/{A}',
                f'DELETE /snapshots/{A}',
                f'GET /snapshots/detail?volume_id={VID}',
                f'GET /snapshots/{A}',
            ],
            self.sent(),
        )

    def test_unknown_snapshot_deletes_nothing(self) -> None:
        code, out, err = self.run_command(bulk.BulkDeleteSnapshots, A, 'nope')
        self.assertEqual((2, ''), (code, out))
        self.assertEqual("error: no snapshot with name or ID 'nope'\n", err)
        self.assertEqual([], self.deleted())
        self.assert_sent(('GET', '/snapshots/detail', {}))

    def test_bad_options(self) -> None:
        err = self.parse_error(
            bulk.BulkDeleteSnapshots, A, '--check', '--no-check'
        )
        self.assertIn('not allowed with argument', err)
        err = self.parse_error(
            bulk.BulkDeleteSnapshots, A, '--concurrency', '0'
        )
        self.assertIn('argument --concurrency: must be from 1 to 64', err)
        self.assert_no_api_request()


class TestBulkCreate(CommandTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mock(
            'GET',
            '/volumes/detail',
            json={'volumes': [vol(VID, 'data'), vol(OTHER_VID, '')]},
        )
        self.created = {VID: C, OTHER_VID: D}

        def reply(request: Any, context: Any) -> Any:
            context.status_code = 202
            spec = request.json()['snapshot']
            return {
                'snapshot': snap(
                    self.created[spec['volume_id']],
                    status='creating',
                    name=spec.get('name'),
                    volume_id=spec['volume_id'],
                )
            }

        self.posts = self.requests_mock.register_uri(
            'POST', fakes.ENDPOINT + '/snapshots', json=reply
        )

    def bodies(self) -> dict[str, Any]:
        return {
            r.json()['snapshot']['volume_id']: r.json()
            for r in self.posts.request_history
        }

    def test_one_snapshot_per_volume_with_a_result_each(self) -> None:
        code, out, err = self.run_command(
            bulk.BulkCreateSnapshots,
            '--volume',
            'data',
            '--volume',
            OTHER_VID,
            '--name',
            'nightly-{volume}-{index}',
            '--description',
            'nightly',
            '--property',
            'tier=gold',
            '--force',
        )
        self.assertEqual((0, ''), (code, err))
        self.assertEqual(
            [
                {
                    'Volume ID': VID,
                    'ID': C,
                    'Name': 'nightly-data-1',
                    'Status': 'creating',
                    'Result': 'ok',
                    'Error': '',
                },
                {
                    'Volume ID': OTHER_VID,
                    'ID': D,
                    'Name': f'nightly-{OTHER_VID}-2',
                    'Status': 'creating',
                    'Result': 'ok',
                    'Error': '',
                },
            ],
            json.loads(out),
        )
        self.assertEqual(
            {
                vid: {
                    'snapshot': {
                        'volume_id': vid,
                        'name': name,
                        'description': 'nightly',
                        'metadata': {'tier': 'gold'},
                        # No 'force': from microversion 3.66 Cinder
                        # snapshots in-use volumes without it.
                    }
                }
                for vid, name in (
                    (VID, 'nightly-data-1'),
                    (OTHER_VID, f'nightly-{OTHER_VID}-2'),
                )
            },
            self.bodies(),
        )
        requests = self.api_requests()
        self.assert_request(
            requests[0],
            'GET',
            '/volumes/detail',
            microversion=fakes.VOLUME_MICROVERSION,
        )
        for request in requests[1:]:
            self.assert_request(
                request, 'POST', '/snapshots', json=request.json()
            )
        self.assertEqual(3, len(requests))

    def test_failed_create_exits_1(self) -> None:
        self.mock(
            'POST',
            '/snapshots',
            status_code=400,
            json={'badRequest': {'code': 400, 'message': 'Invalid volume'}},
        )
        code, out, err = self.run_command(
            bulk.BulkCreateSnapshots, '--volume', VID
        )
        self.assertEqual(1, code)
        self.assertEqual(
            'error: 1 of 1 snapshots not created: item 1 (failed)\n', err
        )
        (row,) = json.loads(out)
        self.assertEqual(
            (VID, None, 'failed'), (row['Volume ID'], row['ID'], row['Result'])
        )
        self.assertIn('Invalid volume', row['Error'])

    def test_unknown_volume_creates_nothing(self) -> None:
        code, out, err = self.run_command(
            bulk.BulkCreateSnapshots, '--volume', 'data', '--volume', 'x'
        )
        self.assertEqual((2, ''), (code, out))
        self.assertEqual("error: no volume with name or ID 'x'\n", err)
        self.assertEqual(0, self.posts.call_count)
        self.assert_sent(('GET', '/volumes/detail', {}))

    def test_bad_options_send_nothing(self) -> None:
        err = self.parse_error(
            bulk.BulkCreateSnapshots, '--volume', VID, '--name', '{vol}'
        )
        self.assertIn("argument --name: invalid name template '{vol}'", err)
        err = self.parse_error(
            bulk.BulkCreateSnapshots, '--volume', VID, '--property', 'k'
        )
        self.assertIn("argument --property: 'k' is not of the form", err)
        err = self.parse_error(bulk.BulkCreateSnapshots)
        self.assertIn('the following arguments are required: --volume', err)
        self.assert_no_api_request()


class TestDeletable(BulkDeleteTestCase):
    def test_deletable_exits_0(self) -> None:
        code, out, err = self.run_command(deletable.ShowSnapshotDeletable, A)
        self.assertEqual((0, ''), (code, err))
        self.assertEqual(
            {
                'id': A,
                'name': 'snap-a',
                'status': 'available',
                'deletable': True,
                'reasons': [],
                'volumes': [],
            },
            json.loads(out),
        )
        self.assert_sent(
            ('GET', f'/snapshots/{A}', {}),
            ('GET', '/resource_filters', {}),
            ('GET', '/volumes/detail', {}),
        )
        self.assertEqual([], self.deleted())

    def test_not_deletable_exits_1_with_the_reasons(self) -> None:
        code, out, err = self.run_command(
            deletable.ShowSnapshotDeletable, C, fmt='table'
        )
        self.assertEqual(1, code)
        self.assertEqual(
            f'error: snapshot {C} cannot be deleted: volumes were created '
            f'from it: {DEPENDENT}\n',
            err,
        )
        self.assertIn('| deletable | False ', out)
        self.assertIn(f'| volumes   | {DEPENDENT} ', out)
        code, out, _ = self.run_command(deletable.ShowSnapshotDeletable, B)
        shown = json.loads(out)
        self.assertEqual((1, False), (code, shown['deletable']))
        self.assertEqual(1, len(shown['reasons']))
        self.assertIn("its status is 'creating'", shown['reasons'][0])
        self.assertEqual([], self.deleted())

    def test_force_allows_any_status(self) -> None:
        code, out, _ = self.run_command(
            deletable.ShowSnapshotDeletable, B, '--force'
        )
        self.assertEqual((0, True), (code, json.loads(out)['deletable']))

    def test_by_name_and_unknown(self) -> None:
        self.mock('GET', '/snapshots/snap-a', status_code=404, json={})
        code, out, _ = self.run_command(
            deletable.ShowSnapshotDeletable, 'snap-a'
        )
        self.assertEqual((0, A), (code, json.loads(out)['id']))
        self.forget_requests()
        self.mock('GET', f'/snapshots/{D}', status_code=404, json={})
        code, out, err = self.run_command(deletable.ShowSnapshotDeletable, D)
        self.assertEqual((2, ''), (code, out))
        self.assertEqual(f"error: no snapshot with name or ID '{D}'\n", err)
        self.assert_sent(('GET', f'/snapshots/{D}', {}))


class TestRegistration(CommandTestCase):
    register_plugin = False

    def test_a_connection_without_the_hook_is_registered(self) -> None:
        self.mock('GET', '/snapshots/detail', json={'snapshots': [snap(A)]})
        self.assertFalse(snapshot_ext.is_registered(self.conn))
        code, _, _ = self.run_command(wait.WaitForSnapshots, A)
        self.assertEqual(0, code)
        self.assertTrue(snapshot_ext.is_registered(self.conn))
        # snapshot_ext's proxy negotiated and sent its microversion.
        self.assert_sent(
            ('GET', '/snapshots/detail', {}),
            ('GET', '/snapshots/detail', by_volume()),
        )


class TestWaitAfterwards(PruneTestCase):
    """--wait: one wait_for_snapshots after the bulk call, with a bar."""

    def test_prune_yes_wait_polls_once_for_all_deleted(self) -> None:
        listing = self.requests_mock.register_uri(
            'GET',
            fakes.ENDPOINT + '/snapshots/detail',
            [
                {
                    'json': {
                        'snapshots': [
                            snap(A, created_at='2026-11-27T10:00:00.000000'),
                            snap(B, created_at='2026-11-20T10:00:00.000000'),
                            snap(C, created_at='2026-11-13T10:00:00.000000'),
                        ]
                    }
                },
                {'json': {'snapshots': [snap(A)]}},
            ],
        )
        for s in (B, C):
            self.mock('GET', f'/snapshots/{s}', status_code=404, json={})
        terminal = FakeTerminal()
        code, out, err = self.run_command(
            prune.PruneSnapshots,
            '--volume',
            VID,
            '--keep',
            '1',
            '--yes',
            '--wait',
            '--timeout',
            '30',
            stderr=terminal,
        )
        self.assertEqual(0, code)
        self.assertEqual(
            [(A, ''), (B, 'deleted'), (C, 'deleted')],
            [(r['ID'], r['Result']) for r in json.loads(out)],
        )
        self.assertEqual(2, listing.call_count)
        self.assert_request(
            listing.request_history[-1],
            'GET',
            '/snapshots/detail',
            by_volume(),
        )
        self.assertEqual([B, C], self.deleted())
        self.assertTrue(err.startswith('\rdeleting ['), repr(err))
        self.assertTrue(err.endswith('] 100%\n'), repr(err))

    def test_bulk_create_wait_reports_available(self) -> None:
        self.mock(
            'POST',
            '/snapshots',
            status_code=202,
            json={'snapshot': snap(D, status='creating')},
        )
        self.mock('GET', '/snapshots/detail', json={'snapshots': [snap(D)]})
        self.mock(
            'GET', '/volumes/detail', json={'volumes': [vol(VID, 'data')]}
        )
        code, out, err = self.run_command(
            bulk.BulkCreateSnapshots, '--volume', VID, '--wait'
        )
        self.assertEqual((0, ''), (code, err))
        (row,) = json.loads(out)
        self.assertEqual(
            (D, 'available', 'ok'), (row['ID'], row['Status'], row['Result'])
        )
        self.assertEqual(
            [
                'GET /volumes/detail',
                'POST /snapshots',
                f'GET /snapshots/detail?volume_id={VID}',
            ],
            self.sent(),
        )


class TestErrors(FakeProxyBase):
    def test_library_refusal_is_bad_usage(self) -> None:
        self.fake.raises = exceptions.InvalidSnapshotRequest(
            'wait must be >= 0'
        )
        code, out, err = self.run_command(wait.WaitForSnapshots, A)
        self.assertEqual((2, ''), (code, out))
        self.assertEqual('error: wait must be >= 0\n', err)

    def test_cloud_errors_reach_openstackclient(self) -> None:
        # OpenStackClient (cliff) logs them and exits 1.
        self.fake.raises = sdk_exceptions.HttpException('503 from the cloud')
        app: Any = FakeApp(self.conn)
        cmd = wait.WaitForSnapshots(app, None)
        parsed = cmd.get_parser('test').parse_args([A])
        exc = self.assertRaises(sdk_exceptions.HttpException, cmd.run, parsed)
        self.assertIn('503 from the cloud', str(exc))
        self.assertEqual('', app.stdout.getvalue())
