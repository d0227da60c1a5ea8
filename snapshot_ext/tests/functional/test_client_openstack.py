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

"""python-openstackclient's ``volume snapshot`` commands, stock and hooked.

Every command runs twice through the real ``openstack`` executable: with
``--os-cloud devcloud-admin-stock`` (no vendor hook: openstacksdk's proxy)
and with ``--os-cloud devcloud-admin`` (``vendor_hook:
snapshot_ext:register``).  Exit codes, standard error and the ``-f json``
output are compared field by field, after the IDs and names the tests
generated and the timestamps are replaced by placeholders.  Commands that
change a snapshot act on two snapshots made alike, one per run, and the
snapshots are compared afterwards with ``volume snapshot show``.
"""

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import re
import time
from typing import Any

from snapshot_ext.tests.functional import base
from snapshot_ext.tests.functional import clients
from snapshot_ext.v3 import snapshot as _snapshot

ADMIN = base.ADMIN_CLOUD
MEMBER = base.MEMBER_CLOUD

#: What osc-lib logs under --debug about the volume client it built.
_PROXY_LINE = re.compile(
    r'Volume client initialized using OpenStack SDK: <([\w.]+) object'
)
#: A request keystoneauth logs under --debug, with its microversion.
_SNAPSHOT_REQUEST = re.compile(
    r'^REQ: curl -g -i -X (?P<method>\w+) "?(?P<url>\S+/snapshots\S*?)"? '
    r'.*?(?:-H "OpenStack-API-Version: (?P<version>[^"]*)")?'
    r' -H "User-Agent'
)

#: Deliberate differences (doc/source/compatibility.rst), asserted as
#: such: each names the command, what stock does and what the plugin does.
ALL_TENANTS_SPELLING = (
    "'volume snapshot list --project NAME' as a member fails alike (400, "
    "Cinder refuses the project_id filter), but the URL in the message "
    "differs: stock sends all_tenants=True, snapshot_ext all_tenants=1"
)
MAX_ITEMS_ZERO = (
    "'volume snapshot list --max-items 0' exits 0 and lists every "
    "snapshot on stock (max_items=0 means no cap); snapshot_ext refuses "
    "it before sending (InvalidSnapshotQuery 'max_items must be >= 1, "
    "got 0', exit 1)"
)

Args = Callable[[bool], Sequence[str]]


class OpenStackClientTestCase(clients.RealClientTestCase):
    """Run ``openstack`` commands on a stock and a hooked cloud."""

    def osc(
        self, hooked: bool, *args: str, cloud: str = ADMIN
    ) -> clients.Result:
        """Run ``openstack --os-cloud CLOUD ARGS``.

        :param hooked: Use the cloud with the vendor hook.
        :param args: The command and its options.
        :param cloud: The devcloud cloud (admin or member).
        :returns: What it gave.
        """
        name = cloud if hooked else clients.stock(cloud)
        return self.run_client('openstack', '--os-cloud', name, *args)

    def both(
        self, args: Args, cloud: str = ADMIN
    ) -> tuple[clients.Result, clients.Result]:
        """Run a command on the stock and on the hooked cloud at once.

        :param args: Gives the arguments, given whether the run is hooked
            (so that each run can act on its own snapshot).
        :param cloud: The devcloud cloud (admin or member).
        :returns: The stock and the hooked result.
        """
        stock, hooked = self.run_clients(
            [
                ('openstack', ['--os-cloud', name, *args(hooked)])
                for hooked, name in (
                    (False, clients.stock(cloud)),
                    (True, cloud),
                )
            ]
        )
        return stock, hooked

    def alike(
        self, *args: str, cloud: str = ADMIN
    ) -> tuple[clients.Result, clients.Result]:
        """Run the same command on the stock and on the hooked cloud.

        :param args: The command and its options.
        :param cloud: The devcloud cloud (admin or member).
        :returns: The stock and the hooked result.
        """
        return self.both(lambda h: args, cloud=cloud)

    def assertSameRuns(
        self,
        stock: clients.Result,
        hooked: clients.Result,
        returncode: int = 0,
        stock_names: Mapping[str, str] | None = None,
        hooked_names: Mapping[str, str] | None = None,
    ) -> Any:
        """Assert that two runs gave the same answer.

        :param stock: The run on the stock cloud.
        :param hooked: The run on the hooked cloud.
        :param returncode: The exit code both must have.
        :param stock_names: IDs and names of the stock run's own objects,
            with their placeholders.
        :param hooked_names: The same for the hooked run.
        :returns: The hooked run's output, parsed as JSON when it exited 0
            and printed any, else its text.
        """
        for run in (stock, hooked):
            self.assertEqual(
                returncode,
                run.returncode,
                f"{' '.join(run.argv)} exited {run.returncode}, not "
                f"{returncode}; stderr:\n{run.stderr[-3000:]}",
            )
        outputs = []
        for run, names in ((stock, stock_names), (hooked, hooked_names)):
            stdout: Any = run.stdout
            if run.returncode == 0 and stdout.strip():
                stdout = run.json()
            outputs.append(
                (
                    clients.normalise(stdout, names or {}),
                    clients.normalise(run.stderr, names or {}),
                )
            )
        (stock_out, stock_err), (hooked_out, hooked_err) = outputs
        command = ' '.join(hooked.argv[3:])
        self.assertSameOutput(
            f"the output of '{command}'", stock_out, hooked_out
        )
        self.assertSameOutput(
            f"the standard error of '{command}'", stock_err, hooked_err
        )
        if hooked.returncode == 0 and hooked.stdout.strip():
            return hooked.json()
        return hooked.stdout

    @staticmethod
    def names(snap: _snapshot.Snapshot) -> dict[str, str]:
        """Return the placeholders of a snapshot's ID and name."""
        return {str(snap.id): '<snapshot-id>', str(snap.name): '<name>'}

    def snapshot_pair(
        self, **attrs: Any
    ) -> tuple[_snapshot.Snapshot, _snapshot.Snapshot]:
        """Make two available snapshots alike on the class's volume.

        :param attrs: Their attributes besides the volume and name.
        :returns: The stock run's and the hooked run's snapshot.
        """
        volume = self.shared_volume()
        made = [
            self.create_snapshot(volume, wait=False, **attrs) for _ in range(2)
        ]
        first, second = (
            self.wait_snapshot_status(snap.id, 'available') for snap in made
        )
        return first, second


class TestOpenStackClientHook(OpenStackClientTestCase):
    def test_only_the_hooked_cloud_uses_snapshot_ext(self):
        # osc-lib logs the proxy class it got, and keystoneauth every
        # request with its headers: snapshot_ext sends the negotiated
        # microversion on snapshot calls (a deliberate difference), stock
        # sends its own resource's.
        name = self.unique_name('none')
        runs = {}
        for hooked in (False, True):
            run = self.osc(
                hooked,
                '--debug',
                'volume',
                'snapshot',
                'list',
                '--name',
                name,
                '-f',
                'json',
            )
            self.assertEqual(0, run.returncode, run.stderr[-3000:])
            self.assertEqual([], run.json())
            runs[hooked] = run
        proxies = {
            hooked: _PROXY_LINE.findall(run.stderr)
            for hooked, run in runs.items()
        }
        self.assertEqual(['snapshot_ext.v3._proxy.Proxy'], proxies[True])
        self.assertEqual(
            ['openstack.block_storage.v3._proxy.Proxy'], proxies[False]
        )
        versions = {}
        for hooked, run in runs.items():
            found = [
                match
                for line in run.stderr.splitlines()
                if (match := _SNAPSHOT_REQUEST.match(line))
            ]
            self.assertEqual(
                ['GET'], [m['method'] for m in found], run.stderr[-3000:]
            )
            versions[hooked] = found[0]['version']
        negotiated = self.admin_proxy.snapshot_microversion
        self.assertEqual(f'volume {negotiated}', versions[True])
        self.assertNotEqual(
            versions[True],
            versions[False],
            'stock openstacksdk was expected to send its own snapshot '
            'microversion, not the negotiated one',
        )


class TestOpenStackClientCreate(OpenStackClientTestCase):
    def created(self, run: clients.Result) -> dict[str, str]:
        """Schedule the removal of a snapshot a run created.

        :param run: A ``volume snapshot create -f json`` run.
        :returns: The placeholders of the snapshot's ID and name.
        """
        if run.returncode != 0:
            return {}
        data = run.json()
        self.addCleanup(self.purge_snapshot, data['id'])
        return {data['id']: '<snapshot-id>', data['name']: '<name>'}

    def test_create_with_every_option(self):
        volume = self.shared_volume()
        names = {h: self.unique_name('snap') for h in (False, True)}
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'create',
                names[h],
                '--volume',
                str(volume.id),
                '--description',
                'made by openstack volume snapshot create',
                '--property',
                'purpose=parity',
                '--property',
                'n=1',
                '--force',
                '-f',
                'json',
            ]
        )
        stock_names, hooked_names = self.created(stock), self.created(hooked)
        data = self.assertSameRuns(stock, hooked, 0, stock_names, hooked_names)
        self.assertEqual(names[True], data['name'])
        self.assertEqual(volume.id, data['volume_id'])
        self.assertEqual({'purpose': 'parity', 'n': '1'}, data['properties'])
        self.assertEqual(
            'made by openstack volume snapshot create', data['description']
        )
        for run in (stock, hooked):
            self.wait_snapshot_status(run.json()['id'], 'available')

    def test_create_below_3_66_sends_force(self):
        # Below microversion 3.66 the command sends force=True; the volume
        # is named rather than given by ID.
        volume = self.shared_volume()
        names = {h: self.unique_name('snap') for h in (False, True)}
        stock, hooked = self.both(
            lambda h: [
                '--os-volume-api-version',
                '3.40',
                'volume',
                'snapshot',
                'create',
                names[h],
                '--volume',
                str(volume.name),
                '--force',
                '-f',
                'json',
            ]
        )
        stock_names, hooked_names = self.created(stock), self.created(hooked)
        data = self.assertSameRuns(stock, hooked, 0, stock_names, hooked_names)
        self.assertEqual(volume.id, data['volume_id'])
        self.assertEqual({}, data['properties'])
        for run in (stock, hooked):
            snap = self.wait_snapshot_status(run.json()['id'], 'available')
            self.assertEqual(names[run is hooked], snap.name)

    def test_create_from_an_unknown_volume_fails_alike(self):
        name = self.unique_name('none')
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'create',
                name,
                '--volume',
                name,
                '-f',
                'json',
            ]
        )
        self.assertSameRuns(stock, hooked, 1)
        self.assertIn(f'No Volume found for {name}', hooked.stderr)


class TestOpenStackClientShow(OpenStackClientTestCase):
    def test_show_by_id_and_by_name(self):
        snap, _ = self.snapshot_pair(
            description='shown', metadata={'a': '1', 'b': 'two'}
        )
        for ref in (snap.id, snap.name):
            stock, hooked = self.alike(
                'volume', 'snapshot', 'show', str(ref), '-f', 'json'
            )
            # The same snapshot twice: no placeholders needed.
            data = self.assertSameRuns(stock, hooked)
            self.assertEqual(snap.id, data['id'])
            self.assertEqual({'a': '1', 'b': 'two'}, data['properties'])
            self.assertEqual('available', data['status'])

    def test_show_of_an_unknown_snapshot_fails_alike(self):
        name = self.unique_name('none')
        stock, hooked = self.both(
            lambda h: ['volume', 'snapshot', 'show', name]
        )
        self.assertSameRuns(stock, hooked, 1)
        self.assertEqual(f'No Snapshot found for {name}\n', hooked.stderr)

    def test_show_of_an_ambiguous_name_fails_alike(self):
        name = self.unique_name('twice')
        self.snapshot_pair(name=name)
        stock, hooked = self.both(
            lambda h: ['volume', 'snapshot', 'show', name]
        )
        self.assertSameRuns(stock, hooked, 1)
        self.assertIn('More than one Snapshot exists', hooked.stderr)

    def test_member_cannot_see_the_admin_snapshot_alike(self):
        snap, _ = self.snapshot_pair()
        stock, hooked = self.both(
            lambda h: ['volume', 'snapshot', 'show', str(snap.id)],
            cloud=MEMBER,
        )
        self.assertSameRuns(stock, hooked, 1)
        self.assertIn('No Snapshot found', hooked.stderr)


class TestOpenStackClientSet(OpenStackClientTestCase):
    def change_pair(
        self,
        options: Sequence[str],
        returncode: int = 0,
        command: str = 'set',
        cloud: str = ADMIN,
        **attrs: Any,
    ) -> dict[str, Any]:
        """Change two snapshots alike, one per run, and compare.

        Compares the command's runs, then ``volume snapshot show`` of the
        two snapshots.

        :param options: The command's options after the snapshot.
        :param returncode: The exit code both runs must have.
        :param command: ``set`` or ``unset``.
        :param cloud: The cloud the command runs on (``show`` runs as
            admin).
        :param attrs: The snapshots' attributes when made.
        :returns: ``volume snapshot show`` of the hooked run's snapshot.
        """
        pair = dict(
            zip((False, True), self.snapshot_pair(**attrs), strict=True)
        )
        names = {h: self.names(snap) for h, snap in pair.items()}
        for new_name in [o for o in options if o.startswith('sxf-')]:
            # A new name given by the options: each run gives its own.
            for h in (False, True):
                names[h][f'{new_name}-{int(h)}'] = '<new-name>'

        def own(h: bool, option: str) -> str:
            return (
                f'{option}-{int(h)}' if option.startswith('sxf-') else option
            )

        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                command,
                str(pair[h].id),
                *(own(h, o) for o in options),
            ],
            cloud=cloud,
        )
        self.assertSameRuns(
            stock, hooked, returncode, names[False], names[True]
        )
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'show',
                str(pair[h].id),
                '-f',
                'json',
            ]
        )
        return dict(
            self.assertSameRuns(stock, hooked, 0, names[False], names[True])
        )

    def test_set_name_description_and_property(self):
        new = self.unique_name('renamed')
        data = self.change_pair(
            [
                '--name',
                new,
                '--description',
                'changed',
                '--property',
                'b=2',
                '--property',
                'c=3',
            ],
            metadata={'a': '1', 'b': '1'},
        )
        self.assertEqual(f'{new}-1', data['name'])
        self.assertEqual('changed', data['description'])
        self.assertEqual({'a': '1', 'b': '2', 'c': '3'}, data['properties'])

    def test_set_no_property_then_property(self):
        data = self.change_pair(
            ['--no-property', '--property', 'only=this'],
            metadata={'a': '1', 'b': '2'},
        )
        self.assertEqual({'only': 'this'}, data['properties'])

    def test_set_no_property_alone(self):
        data = self.change_pair(['--no-property'], metadata={'a': '1'})
        self.assertEqual({}, data['properties'])

    def test_set_state(self):
        data = self.change_pair(['--state', 'error'])
        self.assertEqual('error', data['status'])

    def test_set_state_as_member_is_refused_alike(self):
        # The member's own snapshots, made through the member's volume.
        volume = self.shared_volume(self.member)
        snaps = [
            self.create_snapshot(volume, conn=self.member) for _ in range(2)
        ]
        pair = dict(zip((False, True), snaps, strict=True))
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'set',
                str(pair[h].id),
                '--state',
                'error',
            ],
            cloud=MEMBER,
        )
        self.assertSameRuns(
            stock, hooked, 1, self.names(pair[False]), self.names(pair[True])
        )
        self.assertIn('ForbiddenException: 403', hooked.stderr)
        self.assertIn(
            'One or more of the set operations failed', hooked.stderr
        )
        for snap in snaps:
            self.assertEqual(
                'available', self.admin_proxy.get_snapshot(snap.id).status
            )

    def test_unset_property(self):
        data = self.change_pair(
            ['--property', 'a', '--property', 'c'],
            command='unset',
            metadata={'a': '1', 'b': '2', 'c': '3'},
        )
        self.assertEqual({'b': '2'}, data['properties'])

    def test_unset_of_a_missing_property_fails_alike(self):
        data = self.change_pair(
            ['--property', 'missing'],
            returncode=1,
            command='unset',
            metadata={'a': '1'},
        )
        self.assertEqual({'a': '1'}, data['properties'])


class TestOpenStackClientDelete(OpenStackClientTestCase):
    def delete_pair(
        self, options: Sequence[str], status: str | None = None
    ) -> None:
        pair = dict(zip((False, True), self.snapshot_pair(), strict=True))
        if status is not None:
            for snap in pair.values():
                self.admin_proxy.reset_snapshot_status(snap.id, status)
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'delete',
                *options,
                str(pair[h].id),
            ]
        )
        self.assertSameRuns(
            stock, hooked, 0, self.names(pair[False]), self.names(pair[True])
        )
        self.assertEqual('', hooked.stdout)
        for snap in pair.values():
            self.wait_snapshot_gone(snap.id)

    def test_delete(self):
        self.delete_pair([])

    def test_delete_force_of_a_snapshot_in_error(self):
        self.delete_pair(['--force'], status='error')

    def test_delete_of_unknown_snapshots_fails_alike(self):
        names = [self.unique_name('none'), self.unique_name('none')]
        stock, hooked = self.both(
            lambda h: ['volume', 'snapshot', 'delete', '--force', *names]
        )
        self.assertSameRuns(stock, hooked, 1)
        self.assertIn('2 of 2 snapshots failed to delete.', hooked.stderr)

    def test_force_delete_as_member_is_refused_alike(self):
        volume = self.shared_volume(self.member)
        snaps = [
            self.create_snapshot(volume, conn=self.member) for _ in range(2)
        ]
        pair = dict(zip((False, True), snaps, strict=True))
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'delete',
                '--force',
                str(pair[h].id),
            ],
            cloud=MEMBER,
        )
        self.assertSameRuns(
            stock, hooked, 1, self.names(pair[False]), self.names(pair[True])
        )
        self.assertIn('ForbiddenException: 403', hooked.stderr)


class TestOpenStackClientList(OpenStackClientTestCase):
    """``volume snapshot list`` over snapshots the class makes once.

    The admin project holds three snapshots on one volume (the newest in
    ``error``), the member's project one.  Both runs list the same
    snapshots, so their outputs must be equal without placeholders.
    """

    _fixture: dict[str, Any] | None = None

    def setUp(self) -> None:
        super().setUp()
        cls = type(self)
        if cls._fixture is None:
            volume = self.shared_volume()
            member_volume = self.shared_volume(self.member)
            made = [
                self.create_snapshot(
                    volume,
                    wait=False,
                    per_class=True,
                    description=f'listed {n}',
                    metadata={'n': str(n)},
                )
                for n in range(3)
            ]
            snaps = [
                self.wait_snapshot_status(s.id, 'available') for s in made
            ]
            self.admin_proxy.reset_snapshot_status(snaps[2].id, 'error')
            member_snap = self.create_snapshot(
                member_volume, conn=self.member, per_class=True
            )
            cls._fixture = {
                'volume': volume,
                'member_volume': member_volume,
                'snaps': snaps,
                'member_snap': member_snap,
            }
            cls.addClassCleanup(setattr, cls, '_fixture', None)
        self.fixture = cls._fixture

    def listing(
        self, *options: str, cloud: str = ADMIN, returncode: int = 0
    ) -> Any:
        """Run ``volume snapshot list OPTIONS -f json`` on both clouds.

        :returns: The hooked run's rows (equal to the stock run's).
        """
        stock, hooked = self.both(
            lambda h: ['volume', 'snapshot', 'list', *options, '-f', 'json'],
            cloud=cloud,
        )
        return self.assertSameRuns(stock, hooked, returncode)

    def ids(self, rows: Any) -> list[str]:
        return [row['ID'] for row in rows]

    @property
    def volume_id(self) -> str:
        return str(self.fixture['volume'].id)

    @property
    def snap_ids(self) -> set[str]:
        return {s.id for s in self.fixture['snaps']}

    def everything(self) -> list[str]:
        """The IDs ``--volume`` lists (compared once per class)."""
        if 'everything' not in self.fixture:
            rows = self.listing('--volume', self.volume_id)
            self.fixture['everything'] = self.ids(rows)
        return list(self.fixture['everything'])

    def test_list(self):
        rows = self.listing()
        self.assertLessEqual(self.snap_ids, set(self.ids(rows)))
        self.assertNotIn(self.fixture['member_snap'].id, self.ids(rows))
        self.assertEqual(
            ['ID', 'Name', 'Description', 'Status', 'Size'], list(rows[0])
        )

    def test_list_long(self):
        rows = self.listing('--long')
        self.assertLessEqual(self.snap_ids, set(self.ids(rows)))
        by_id = {row['ID']: row for row in rows}
        first = self.fixture['snaps'][0]
        # -f json shows the volume's ID (a table shows its name).
        self.assertEqual(self.volume_id, by_id[first.id]['Volume'])
        self.assertEqual({'n': '0'}, by_id[first.id]['Properties'])

    def test_list_all_projects(self):
        rows = self.listing('--all-projects', '--long')
        self.assertLessEqual(
            self.snap_ids | {self.fixture['member_snap'].id},
            set(self.ids(rows)),
        )

    def test_list_all_projects_by_volume(self):
        member_volume = str(self.fixture['member_volume'].id)
        rows = self.listing('--all-projects', '--volume', member_volume)
        self.assertEqual([self.fixture['member_snap'].id], self.ids(rows))

    def test_list_by_name(self):
        snap = self.fixture['snaps'][1]
        rows = self.listing('--name', snap.name)
        self.assertEqual([snap.id], self.ids(rows))

    def test_list_by_status(self):
        rows = self.listing('--status', 'error', '--volume', self.volume_id)
        self.assertEqual([self.fixture['snaps'][2].id], self.ids(rows))
        rows = self.listing('--status', 'available', '--long')
        self.assertLessEqual(
            {s.id for s in self.fixture['snaps'][:2]}, set(self.ids(rows))
        )

    def test_list_by_volume_name_and_id(self):
        self.assertEqual(self.snap_ids, set(self.everything()))
        by_name = self.listing('--volume', self.fixture['volume'].name)
        self.assertEqual(self.everything(), self.ids(by_name))

    def test_list_limit_is_a_page_size(self):
        rows = self.listing('--volume', self.volume_id, '--limit', '1')
        self.assertEqual(self.everything(), self.ids(rows))

    def test_list_marker(self):
        everything = self.everything()
        marker = everything[0]
        rows = self.listing('--volume', self.volume_id, '--marker', marker)
        self.assertEqual(everything[1:], self.ids(rows))
        rows = self.listing(
            '--volume', self.volume_id, '--marker', marker, '--limit', '1'
        )
        self.assertEqual(everything[1:], self.ids(rows))

    def test_list_max_items(self):
        everything = self.everything()
        rows = self.listing(
            '--volume', self.volume_id, '--max-items', '2', '--limit', '1'
        )
        self.assertEqual(everything[:2], self.ids(rows))

    def test_list_every_filter_at_once(self):
        rows = self.listing(
            '--long',
            '--all-projects',
            '--status',
            'available',
            '--volume',
            self.volume_id,
            '--name',
            self.fixture['snaps'][0].name,
            '--limit',
            '1',
        )
        self.assertEqual([self.fixture['snaps'][0].id], self.ids(rows))

    def test_list_with_an_unknown_marker_fails_alike(self):
        self.listing(
            '--marker', '00000000-0000-0000-0000-000000000000', returncode=1
        )

    def test_list_by_project(self):
        project = str(self.member.config.auth['project_name'])
        member_snap = [self.fixture['member_snap'].id]
        rows = self.listing('--project', project)
        self.assertEqual(member_snap, self.ids(rows))
        rows = self.listing(
            '--project', project, '--long', '--status', 'available'
        )
        self.assertEqual(member_snap, self.ids(rows))

    def test_list_by_project_as_member(self):
        project = str(self.member.config.auth['project_name'])
        stock, hooked = self.alike(
            'volume', 'snapshot', 'list', '--project', project, cloud=MEMBER
        )
        for run in (stock, hooked):
            self.assertEqual(1, run.returncode, run.stderr[-3000:])
            self.assertIn('BadRequestException: 400', run.stderr)
            self.assertIn('Invalid filters project_id', run.stderr)
        self.assertIn('all_tenants=True', stock.stderr)
        self.assertIn('all_tenants=1', hooked.stderr, ALL_TENANTS_SPELLING)
        self.assertNotIn('all_tenants=True', hooked.stderr)

    def test_list_as_member(self):
        rows = self.listing('--long', cloud=MEMBER)
        self.assertEqual([self.fixture['member_snap'].id], self.ids(rows))
        # all_tenants means nothing to a member's policy: its own only.
        rows = self.listing('--all-projects', cloud=MEMBER)
        self.assertEqual([self.fixture['member_snap'].id], self.ids(rows))

    def test_list_limit_zero(self):
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'list',
                '--volume',
                self.volume_id,
                '--limit',
                '0',
                '-f',
                'json',
            ]
        )
        self.assertEqual(0, stock.returncode, stock.stderr[-3000:])
        self.assertEqual([], stock.json())
        self.assertSameRuns(stock, hooked)

    def test_list_max_items_zero(self):
        stock, hooked = self.both(
            lambda h: [
                'volume',
                'snapshot',
                'list',
                '--volume',
                self.volume_id,
                '--max-items',
                '0',
                '-f',
                'json',
            ]
        )
        self.assertEqual(0, stock.returncode, stock.stderr[-3000:])
        self.assertEqual(self.snap_ids, set(self.ids(stock.json())))
        self.assertEqual(1, hooked.returncode, MAX_ITEMS_ZERO)
        self.assertIn('max_items must be >= 1, got 0', hooked.stderr)


class TestOpenStackClientOtherSnapshotCommands(OpenStackClientTestCase):
    """The other commands that reach snapshots through the volume client."""

    def test_volume_create_from_a_snapshot(self):
        snap = self.create_snapshot(self.shared_volume())
        names = {h: self.unique_name('vol') for h in (False, True)}
        stock, hooked = self.both(
            lambda h: [
                'volume', 'create', names[h], '--snapshot', str(snap.id),
                '--size', '1', '-f', 'json',
                '-c', 'id', '-c', 'name', '-c', 'size', '-c', 'snapshot_id',
                '-c', 'source_volid', '-c', 'volume_type',
            ]
        )  # fmt: skip
        placeholders = {}
        for run in (stock, hooked):
            if run.returncode == 0:
                volume_id = run.json()['id']
                self.addCleanup(self._purge_volume, volume_id)
                placeholders[run is hooked] = {
                    volume_id: '<volume-id>',
                    run.json()['name']: '<volume-name>',
                }
        data = self.assertSameRuns(
            stock, hooked, 0, placeholders[False], placeholders[True]
        )
        self.assertEqual(snap.id, data['snapshot_id'])
        for run in (stock, hooked):
            self.wait_volume_status(run.json()['id'], 'available')

    def test_volume_revert_to_the_latest_snapshot(self):
        volumes = {h: self.create_volume() for h in (False, True)}
        snaps = {h: self.create_snapshot(v) for h, v in volumes.items()}
        stock, hooked = self.both(
            lambda h: [
                '--os-volume-api-version', '3.40',
                'volume', 'revert', str(snaps[h].id),
            ]
        )  # fmt: skip
        self.assertSameRuns(
            stock, hooked, 0, self.names(snaps[False]), self.names(snaps[True])
        )
        self.assertEqual('', hooked.stdout)
        for h in (False, True):
            self.wait_volume_status(volumes[h].id, 'available')
            self.wait_snapshot_status(snaps[h].id, 'available')

    def test_volume_revert_to_an_older_snapshot_fails_alike(self):
        volume = self.create_volume()
        older = self.create_snapshot(volume)
        # Cinder finds the latest snapshot by created_at, which its
        # database keeps to the second: two snapshots made within one
        # second tie, and either may count as the latest.
        time.sleep(1.1)
        self.create_snapshot(volume)
        stock, hooked = self.alike(
            '--os-volume-api-version', '3.40', 'volume', 'revert',
            str(older.id),
        )  # fmt: skip
        self.assertSameRuns(stock, hooked, 1)
        self.assertIn('BadRequestException: 400', hooked.stderr)
        self.assertIn('not the latest one', hooked.stderr)

    def test_manageable_snapshots_at_3_8(self):
        host = self.backend_host()
        for options in ([], ['--long', '--limit', '1']):
            stock, hooked = self.alike(
                '--os-volume-api-version', '3.8',
                'block', 'storage', 'snapshot', 'manageable', 'list', host,
                *options, '-f', 'json',
            )  # fmt: skip
            # The fake driver has no unmanaged snapshots to offer.
            self.assertEqual([], self.assertSameRuns(stock, hooked))

    def test_manageable_snapshots_without_a_microversion(self):
        # A consequence of the deliberate difference: without
        # --os-volume-api-version openstacksdk sends no microversion on
        # this call and Cinder answers 404 (manageable_snapshots needs
        # 3.8); snapshot_ext sends the negotiated one and it works.
        stock, hooked = self.alike(
            'block', 'storage', 'snapshot', 'manageable', 'list',
            self.backend_host(), '-f', 'json',
        )  # fmt: skip
        self.assertEqual(1, stock.returncode, stock.stderr[-3000:])
        self.assertIn('NotFoundException: 404', stock.stderr)
        self.assertEqual(0, hooked.returncode, hooked.stderr[-3000:])
        self.assertEqual([], hooked.json())

    def backend_host(self) -> str:
        """Return the ``HOST@BACKEND#POOL`` of the devcloud's only pool."""
        pools = [
            str(pool.name) for pool in self.admin.block_storage.backend_pools()
        ]
        self.assertEqual(1, len(pools), str(pools))
        return pools[0]
