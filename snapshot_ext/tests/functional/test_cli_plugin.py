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

"""snapshot_ext's own ``openstack volume snapshot ...`` commands.

The real ``openstack`` executable of the clients' virtualenv (where
snapshot_ext is installed with ``pip install -e``, so its entry points
are there) runs every command of the plugin and its options against the
devcloud, and the tests check the server afterwards.  Most commands run
on the ``-stock`` cloud (no vendor hook): the commands register
snapshot_ext on OpenStackClient's connection themselves.
"""

import re
import time
from typing import Any

from openstack import exceptions as sdk_exceptions

from snapshot_ext.tests.functional import base
from snapshot_ext.tests.functional import clients

ADMIN = base.ADMIN_CLOUD
MEMBER = base.MEMBER_CLOUD
STOCK = clients.stock(ADMIN)

#: The commands the plugin adds.
COMMANDS = (
    'volume snapshot prune',
    'volume snapshot wait',
    'volume snapshot bulk create',
    'volume snapshot bulk delete',
    'volume snapshot deletable',
)

#: A request keystoneauth logs under --debug.
_REQUEST = re.compile(r'^REQ: curl -g -i -X (\w+) "?(\S+?)"? ', re.MULTILINE)


def block_storage_requests(debug_output: str) -> list[str]:
    """List the Block Storage requests an ``openstack --debug`` run logged.

    :param debug_output: Its standard error.
    :returns: ``METHOD URL`` of each request to port 8776.
    """
    return [
        f'{method} {url}'
        for method, url in _REQUEST.findall(debug_output)
        if ':8776/' in url
    ]


class CliPluginTestCase(clients.RealClientTestCase):
    """Run the plugin's commands through the real ``openstack``."""

    def osc(self, *args: str, cloud: str = STOCK) -> clients.Result:
        """Run ``openstack --os-cloud CLOUD ARGS``.

        :param args: The command and its options.
        :param cloud: The cloud (default: the admin's, without the hook).
        :returns: What it gave.
        """
        return self.run_client('openstack', '--os-cloud', cloud, *args)

    def assertExit(self, code: int, result: clients.Result) -> None:
        """Assert the exit code, showing standard error otherwise.

        :param code: The expected exit code.
        :param result: The run.
        """
        self.assertEqual(
            code,
            result.returncode,
            f"{' '.join(result.argv)} exited {result.returncode}, not "
            f"{code}; stdout:\n{result.stdout[-2000:]}\nstderr:\n"
            f"{result.stderr[-3000:]}",
        )

    def snapshots_of(self, volume_id: str) -> dict[str, str]:
        """Return the server's snapshots of a volume: ID to status.

        :param volume_id: The volume.
        :returns: What the admin lists.
        """
        return {
            s.id: s.status
            for s in self.admin_proxy.snapshots(
                all_projects=True, volume_id=volume_id
            )
        }

    def snapshots_in_order(
        self, volume: Any, count: int, conn: Any = None
    ) -> list[Any]:
        """Create ``count`` available snapshots, oldest first.

        Cinder records ``created_at`` to the second: the snapshots are
        made at least a second apart so that their order is certain.

        :param volume: The volume.
        :param count: How many.
        :param conn: The connection that makes them (default admin).
        :returns: The snapshots, oldest first.
        """
        made = []
        for index in range(count):
            if index:
                time.sleep(1.1)
            made.append(self.create_snapshot(volume, conn))
        return made

    def delete_volume(self, volume_id: str) -> None:
        """Delete a volume and wait until it is gone.

        :param volume_id: The volume.
        """
        proxy = self.admin_proxy
        proxy.delete_volume(volume_id, ignore_missing=True)

        def gone() -> bool | None:
            try:
                proxy.get_volume(volume_id)
            except sdk_exceptions.NotFoundException:
                return True
            return None

        self.poll(gone, f'volume {volume_id} to be deleted')

    def set_status(self, snapshot_id: str, status: str) -> None:
        """Set a snapshot's status as admin (reset-status).

        :param snapshot_id: The snapshot.
        :param status: E.g. ``creating`` or ``error``.
        """
        self.admin_proxy.reset_snapshot_status(snapshot_id, status)


class TestHelp(CliPluginTestCase):
    def test_openstack_help_lists_the_commands(self) -> None:
        result = self.run_client('openstack', 'help')
        self.assertExit(0, result)
        for command in COMMANDS:
            self.assertRegex(
                result.stdout, rf'(?m)^\s+{command}\s+\S.*\(snapshot_ext\)'
            )
        # OpenStackClient's own snapshot commands are still there.
        self.assertRegex(result.stdout, r'(?m)^\s+volume snapshot delete\s')

    def test_prune_help_shows_every_option(self) -> None:
        result = self.run_client(
            'openstack', 'volume', 'snapshot', 'prune', '--help'
        )
        self.assertExit(0, result)
        for option in (
            '--volume <volume>',
            '--keep <count>',
            '--older-than <duration>',
            '--dry-run',
            '--yes',
            '--wait',
            '--timeout <seconds>',
            '--interval <seconds>',
            '--concurrency <threads>',
            '--all-projects',
            '-f {csv,json,table,value,yaml}',
        ):
            self.assertIn(option, result.stdout)
        self.assertIn('A dry run unless --yes', result.stdout)

    def test_every_command_has_help(self) -> None:
        for command in COMMANDS:
            with self.subTest(command=command):
                result = self.run_client('openstack', 'help', *command.split())
                self.assertExit(0, result)
                self.assertIn(f'usage: openstack {command}', result.stdout)


class TestPrune(CliPluginTestCase):
    def test_dry_run_is_the_default_and_deletes_nothing(self) -> None:
        volume = self.create_volume()
        old, middle, new = self.snapshots_in_order(volume, 3)
        before = self.snapshots_of(volume.id)
        result = self.osc(
            'volume', 'snapshot', 'prune', '--volume', volume.name,
            '--keep', '1', '-f', 'json',
        )  # fmt: skip
        self.assertExit(0, result)
        rows = result.json()
        self.assertEqual(
            [(new.id, 'keep'), (middle.id, 'delete'), (old.id, 'delete')],
            [(r['ID'], r['Action']) for r in rows],
        )
        self.assertIn('dry run: 2 of 3 snapshots', result.stderr)
        self.assertIn('give --yes to delete them', result.stderr)
        self.assertEqual(before, self.snapshots_of(volume.id))
        # --dry-run says the same, and still deletes nothing.
        again = self.osc(
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--keep', '1', '--dry-run', '-f', 'json',
        )  # fmt: skip
        self.assertExit(0, again)
        self.assertEqual(rows, again.json())
        self.assertEqual(before, self.snapshots_of(volume.id))

    def test_yes_deletes_and_wait_waits(self) -> None:
        volume = self.create_volume()
        old, middle, new = self.snapshots_in_order(volume, 3)
        result = self.osc(
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--keep', '1', '--yes', '--wait', '--timeout', '120',
            '--concurrency', '2', '-f', 'json',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual(
            [(new.id, ''), (middle.id, 'deleted'), (old.id, 'deleted')],
            [(r['ID'], r['Result']) for r in result.json()],
        )
        # --wait: gone when the command returns.
        self.assertEqual({new.id: 'available'}, self.snapshots_of(volume.id))

    def test_several_volumes_in_one_table_and_one_wait(self) -> None:
        first = self.create_volume()
        second = self.create_volume()
        old_1, new_1 = self.snapshots_in_order(first, 2)
        old_2, middle_2, new_2 = self.snapshots_in_order(second, 3)
        dry = self.osc(
            'volume', 'snapshot', 'prune', '--volume', second.name,
            '--volume', first.id, '--keep', '1', '-f', 'json',
        )  # fmt: skip
        self.assertExit(0, dry)
        self.assertIn(
            'dry run: 3 of 5 snapshots of 2 volumes would be deleted',
            dry.stderr,
        )
        self.assertEqual(2, len(self.snapshots_of(first.id)))
        result = self.osc(
            'volume', 'snapshot', 'prune', '--volume', second.name,
            '--volume', first.id, '--keep', '1', '--yes', '--wait',
            '--timeout', '120', '-f', 'json',
        )  # fmt: skip
        self.assertExit(0, result)
        rows = result.json()
        self.assertEqual(['ID', 'Volume', 'Name'], list(rows[0])[:3])
        # Grouped by volume in the order given, newest first in each.
        self.assertEqual(
            [
                (new_2.id, second.id, 'keep', ''),
                (middle_2.id, second.id, 'delete', 'deleted'),
                (old_2.id, second.id, 'delete', 'deleted'),
                (new_1.id, first.id, 'keep', ''),
                (old_1.id, first.id, 'delete', 'deleted'),
            ],
            [(r['ID'], r['Volume'], r['Action'], r['Result']) for r in rows],
        )
        # --wait: every deletion is done when the command returns.
        self.assertEqual({new_1.id: 'available'}, self.snapshots_of(first.id))
        self.assertEqual({new_2.id: 'available'}, self.snapshots_of(second.id))

    def test_older_than_keeps_recent_snapshots(self) -> None:
        volume = self.create_volume()
        self.snapshots_in_order(volume, 2)
        result = self.osc(
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--older-than', '1w', '--keep', '0', '--yes', '-f', 'value',
            '-c', 'Action',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual(['keep', 'keep'], result.stdout.split())
        self.assertEqual(2, len(self.snapshots_of(volume.id)))

    def test_skipped_with_the_reason_and_hooked_cloud(self) -> None:
        volume = self.create_volume()
        old, new = self.snapshots_in_order(volume, 2)
        self.set_status(old.id, 'creating')
        result = self.osc(
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--keep', '1', '--yes', '-f', 'json', cloud=ADMIN,
        )  # fmt: skip
        self.assertExit(0, result)
        rows = {r['ID']: r for r in result.json()}
        self.assertEqual('skip', rows[old.id]['Action'])
        self.assertIn("status is 'creating'", rows[old.id]['Reason'])
        self.assertEqual(
            {old.id: 'creating', new.id: 'available'},
            self.snapshots_of(volume.id),
        )

    def test_as_a_member(self) -> None:
        volume = self.create_volume(self.member)
        self.snapshots_in_order(volume, 1, self.member)
        result = self.osc(
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--keep', '0', '-f', 'json', cloud=clients.stock(MEMBER),
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual(['delete'], [r['Action'] for r in result.json()])


class TestBadInput(CliPluginTestCase):
    """Bad input: exit 2, a clear message, no Block Storage request."""

    def assertRefused(
        self, message: str, *args: str, sent: list[str] | None = None
    ) -> clients.Result:
        result = self.osc('--debug', *args)
        self.assertExit(2, result)
        self.assertIn(message, result.stderr)
        self.assertEqual('', result.stdout)
        self.assertEqual(
            sent or [],
            block_storage_requests(result.stderr),
            ' '.join(result.argv),
        )
        return result

    def test_negative_keep(self) -> None:
        volume = self.create_volume()
        self.assertRefused(
            'argument --keep: must be 0 or more, got -1',
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--keep', '-1', '--yes',
        )  # fmt: skip

    def test_unparsable_duration(self) -> None:
        volume = self.create_volume()
        self.assertRefused(
            "argument --older-than: invalid duration '30days'",
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--older-than', '30days', '--yes',
        )  # fmt: skip

    def test_prune_needs_keep_or_older_than(self) -> None:
        volume = self.create_volume()
        self.assertRefused(
            'error: give --keep, --older-than or both',
            'volume', 'snapshot', 'prune', '--volume', volume.id, '--yes',
        )  # fmt: skip

    def test_dry_run_with_yes(self) -> None:
        self.assertRefused(
            'argument --yes: not allowed with argument --dry-run',
            'volume', 'snapshot', 'prune', '--volume', 'x', '--keep', '1',
            '--dry-run', '--yes',
        )  # fmt: skip

    def test_unknown_snapshot_deletes_nothing(self) -> None:
        volume = self.create_volume()
        snap = self.create_snapshot(volume)
        result = self.osc(
            '--debug', 'volume', 'snapshot', 'bulk', 'delete', snap.id,
            'sxf-no-such-snapshot',
        )  # fmt: skip
        self.assertExit(2, result)
        self.assertIn(
            "error: no snapshot with name or ID 'sxf-no-such-snapshot'",
            result.stderr,
        )
        sent = block_storage_requests(result.stderr)
        self.assertEqual(['GET'], sorted({r.split()[0] for r in sent}))
        self.assertEqual({snap.id: 'available'}, self.snapshots_of(volume.id))

    def test_unknown_snapshot_to_wait_for_and_check(self) -> None:
        for args in (
            ('wait', 'sxf-no-such-snapshot'),
            ('deletable', 'sxf-no-such-snapshot'),
        ):
            with self.subTest(args=args):
                result = self.osc('volume', 'snapshot', *args)
                self.assertExit(2, result)
                self.assertIn(
                    "no snapshot with name or ID 'sxf-no-such-snapshot'",
                    result.stderr,
                )

    def test_unknown_volume_creates_nothing(self) -> None:
        volume = self.create_volume()
        result = self.osc(
            '--debug', 'volume', 'snapshot', 'bulk', 'create',
            '--volume', volume.id, '--volume', 'sxf-no-such-volume',
        )  # fmt: skip
        self.assertExit(2, result)
        self.assertIn(
            "error: no volume with name or ID 'sxf-no-such-volume'",
            result.stderr,
        )
        sent = block_storage_requests(result.stderr)
        self.assertEqual(['GET'], sorted({r.split()[0] for r in sent}))
        self.assertEqual({}, self.snapshots_of(volume.id))

    def test_bad_name_template_and_status(self) -> None:
        self.assertRefused(
            "argument --name: invalid name template '{vol}'",
            'volume', 'snapshot', 'bulk', 'create', '--volume', 'x',
            '--name', '{vol}',
        )  # fmt: skip
        self.assertRefused(
            "argument --status: invalid choice: 'gone'",
            'volume', 'snapshot', 'wait', 'x', '--status', 'gone',
        )  # fmt: skip


class TestWait(CliPluginTestCase):
    def test_waits_for_new_snapshots_by_id_and_name(self) -> None:
        volume = self.create_volume()
        one = self.create_snapshot(volume, wait=False)
        two = self.create_snapshot(volume, wait=False)
        result = self.osc(
            'volume', 'snapshot', 'wait', one.id, two.name,
            '--timeout', '120', '--interval', '0.5', '-f', 'json',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual(
            [
                (one.id, 'available', 'ok'),
                (two.id, 'available', 'ok'),
            ],
            [(r['ID'], r['Status'], r['Result']) for r in result.json()],
        )
        # Piped: no progress bar on standard error.
        self.assertNotIn('%', result.stderr)

    def test_timeout_and_failure_exit_1_naming_them(self) -> None:
        volume = self.create_volume()
        ok, stuck, broken = (self.create_snapshot(volume) for _ in range(3))
        self.set_status(stuck.id, 'creating')
        self.set_status(broken.id, 'error')
        result = self.osc(
            'volume', 'snapshot', 'wait', ok.id, stuck.id, broken.id,
            '--timeout', '3', '--interval', '0.5', '-f', 'json',
        )  # fmt: skip
        self.assertExit(1, result)
        self.assertIn(
            f'2 of 3 snapshots not available: {stuck.id} (timed out), '
            f'{broken.id} (failed)',
            result.stderr,
        )
        self.assertEqual(
            [
                (ok.id, 'available', 'ok'),
                (stuck.id, 'creating', 'timed out'),
                (broken.id, 'error', 'failed'),
            ],
            [(r['ID'], r['Status'], r['Result']) for r in result.json()],
        )

    def test_until_deleted(self) -> None:
        volume = self.create_volume()
        snap = self.create_snapshot(volume)
        self.admin_proxy.delete_snapshot(snap.id)
        result = self.osc(
            'volume', 'snapshot', 'wait', snap.id, '--status', 'deleted',
            '--timeout', '120', '-f', 'value',
        )  # fmt: skip
        self.assertExit(0, result)
        # Its name is known only if it was still listed when looked up
        # (value format prints an unknown name as None).
        line = result.stdout.strip()
        self.assertTrue(line.startswith(f'{snap.id} '), line)
        self.assertTrue(line.endswith(' deleted ok'), line)
        self.assertEqual({}, self.snapshots_of(volume.id))

    def test_with_os_variables_and_no_clouds_yaml_cloud(self) -> None:
        # No --os-cloud: OpenStackClient builds the cloud from OS_*
        # variables alone, which carry no vendor hook.
        volume = self.create_volume()
        snap = self.create_snapshot(volume)
        auth = self.admin.config.config['auth']
        env = {
            'OS_AUTH_URL': auth['auth_url'],
            'OS_USERNAME': auth['username'],
            'OS_PASSWORD': auth['password'],
            'OS_PROJECT_NAME': auth['project_name'],
            'OS_USER_DOMAIN_NAME': auth.get('user_domain_name', 'Default'),
            'OS_PROJECT_DOMAIN_NAME': auth.get(
                'project_domain_name', 'Default'
            ),
            'OS_IDENTITY_API_VERSION': '3',
            'OS_REGION_NAME': str(self.admin.config.region_name or ''),
            'OS_INTERFACE': 'public',
        }
        result = self.run_client(
            'openstack', 'volume', 'snapshot', 'wait', snap.id,
            '-f', 'value', '-c', 'Result', env=env,
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual('ok', result.stdout.strip())


class TestBulk(CliPluginTestCase):
    def test_delete_checked_with_a_result_each(self) -> None:
        volume = self.create_volume()
        good, busy = (self.create_snapshot(volume) for _ in range(2))
        self.set_status(busy.id, 'creating')
        result = self.osc(
            'volume', 'snapshot', 'bulk', 'delete', good.name, busy.id,
            '--wait', '--timeout', '120', '-f', 'json',
        )  # fmt: skip
        self.assertExit(1, result)
        self.assertIn(
            f'1 of 2 snapshots not deleted: {busy.id} (not deletable)',
            result.stderr,
        )
        rows = result.json()
        self.assertEqual(
            [
                (good.id, 'deleted', 'ok'),
                (busy.id, 'creating', 'not deletable'),
            ],
            [(r['ID'], r['Status'], r['Result']) for r in rows],
        )
        self.assertIn("its status is 'creating'", rows[1]['Error'])
        self.assertEqual({busy.id: 'creating'}, self.snapshots_of(volume.id))

    def test_delete_force(self) -> None:
        volume = self.create_volume()
        busy = self.create_snapshot(volume)
        self.set_status(busy.id, 'creating')
        result = self.osc(
            'volume', 'snapshot', 'bulk', 'delete', busy.id, '--force',
            '--wait', '--concurrency', '1', '-f', 'json',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual({}, self.snapshots_of(volume.id))

    def test_delete_no_check_reports_the_server_refusal(self) -> None:
        volume = self.create_volume()
        busy = self.create_snapshot(volume)
        self.set_status(busy.id, 'creating')
        result = self.osc(
            'volume', 'snapshot', 'bulk', 'delete', busy.id, '--no-check',
            '-f', 'json',
        )  # fmt: skip
        self.assertExit(1, result)
        (row,) = result.json()
        self.assertEqual('failed', row['Result'])
        self.assertIn('400', row['Error'])
        self.assertEqual({busy.id: 'creating'}, self.snapshots_of(volume.id))

    def test_create_for_many_volumes(self) -> None:
        first, second = self.create_volume(), self.create_volume()
        result = self.osc(
            'volume', 'snapshot', 'bulk', 'create',
            '--volume', first.name, '--volume', second.id,
            '--name', 'sxf-bulk-{index}-{volume}',
            '--description', 'from the CLI', '--property', 'tier=gold',
            '--force', '--wait', '--timeout', '120', '-f', 'json',
        )  # fmt: skip
        rows = result.json() if result.stdout.strip() else []
        for row in rows:
            if row.get('ID'):
                self.addCleanup(self.purge_snapshot, row['ID'])
        self.assertExit(0, result)
        self.assertEqual(
            [
                (first.id, f'sxf-bulk-1-{first.name}', 'available', 'ok'),
                (second.id, f'sxf-bulk-2-{second.name}', 'available', 'ok'),
            ],
            [
                (r['Volume ID'], r['Name'], r['Status'], r['Result'])
                for r in rows
            ],
        )
        for row in rows:
            made = self.admin_proxy.get_snapshot(row['ID'])
            self.assertEqual(
                (row['Volume ID'], 'from the CLI', {'tier': 'gold'}),
                (made.volume_id, made.description, made.metadata),
            )


class TestDeletable(CliPluginTestCase):
    def test_deletable(self) -> None:
        volume = self.create_volume()
        snap = self.create_snapshot(volume)
        result = self.osc(
            'volume', 'snapshot', 'deletable', snap.name, '-f', 'json'
        )
        self.assertExit(0, result)
        self.assertEqual(
            {
                'id': snap.id,
                'name': snap.name,
                'status': 'available',
                'deletable': True,
                'reasons': [],
                'volumes': [],
            },
            result.json(),
        )

    def test_dependent_volume_and_state(self) -> None:
        volume = self.create_volume()
        snap = self.create_snapshot(volume)
        dependent = self.admin_proxy.create_volume(
            size=1, snapshot_id=snap.id, name=self.unique_name('dep')
        )
        self.addCleanup(self.delete_volume, dependent.id)
        self.wait_volume_status(dependent.id, 'available')
        result = self.osc(
            'volume', 'snapshot', 'deletable', snap.id, '-f', 'json'
        )
        self.assertExit(1, result)
        shown = result.json()
        self.assertEqual(
            (False, [dependent.id]), (shown['deletable'], shown['volumes'])
        )
        self.assertIn('volumes were created from it', shown['reasons'][0])
        self.assertIn('cannot be deleted', result.stderr)
        self.set_status(snap.id, 'creating')
        result = self.osc(
            'volume', 'snapshot', 'deletable', snap.id, '-f', 'yaml'
        )
        self.assertExit(1, result)
        self.assertIn("status is 'creating'", result.stdout)
        # --force lifts the status condition, not the dependent volume.
        result = self.osc(
            'volume', 'snapshot', 'deletable', snap.id, '--force',
            '-f', 'value', '-c', 'deletable',
        )  # fmt: skip
        self.assertExit(1, result)
        self.assertEqual('False', result.stdout.strip())


class TestAllProjects(CliPluginTestCase):
    """The admin acting on the member's volume and snapshots."""

    def test_every_command_with_all_projects(self) -> None:
        volume = self.create_volume(self.member)
        snap = self.create_snapshot(volume, self.member)
        result = self.osc(
            'volume', 'snapshot', 'wait', snap.id, '--all-projects',
            '-f', 'csv',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual(
            [
                '"ID","Name","Status","Result","Error"',
                f'"{snap.id}","{snap.name}","available","ok",""',
            ],
            result.stdout.splitlines(),
        )
        result = self.osc(
            'volume', 'snapshot', 'deletable', snap.id, '--all-projects',
            '-f', 'value', '-c', 'deletable',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual('True', result.stdout.strip())
        result = self.osc(
            'volume', 'snapshot', 'prune', '--volume', volume.id,
            '--keep', '0', '--all-projects', '-f', 'value', '-c', 'ID',
            '-c', 'Action',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual(f'{snap.id} delete', result.stdout.strip())
        self.assertEqual({snap.id: 'available'}, self.snapshots_of(volume.id))
        result = self.osc(
            'volume', 'snapshot', 'bulk', 'delete', snap.id,
            '--all-projects', '--wait', '-f', 'value', '-c', 'Result',
        )  # fmt: skip
        self.assertExit(0, result)
        self.assertEqual('ok', result.stdout.strip())
        self.assertEqual({}, self.snapshots_of(volume.id))

    def test_without_all_projects_the_admin_does_not_see_them(self) -> None:
        volume = self.create_volume(self.member)
        snap = self.create_snapshot(volume, self.member)
        result = self.osc('volume', 'snapshot', 'bulk', 'delete', snap.name)
        self.assertExit(2, result)
        self.assertIn(
            f"no snapshot with name or ID '{snap.name}'", result.stderr
        )
        self.assertEqual({snap.id: 'available'}, self.snapshots_of(volume.id))
