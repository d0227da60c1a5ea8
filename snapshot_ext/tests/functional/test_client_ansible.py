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

"""Ansible's openstack.cloud snapshot modules, stock and hooked.

``playbooks/volume_snapshot.yaml`` takes one snapshot through its life
with the ``volume_snapshot`` module (check mode, create, create again,
delete, delete again) and queries it with ``volume_snapshot_info`` (by
name, by volume, by status).  ``ansible-playbook`` runs it twice against
the devcloud, on localhost with the local connection: on the cloud without
the vendor hook (openstacksdk's proxy), then on the cloud with it.  Each
task's registered result (changed and failed flags, returned snapshot
dicts, messages, module arguments) is compared field by field after IDs,
generated names, cloud names and timestamps are replaced by placeholders.
The playbook runs once per class; each test compares a part of it.
"""

import dataclasses
import json
import os
import re
from typing import Any

from snapshot_ext.tests.functional import clients

#: The playbook both runs use.
PLAYBOOK = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    'playbooks',
    'volume_snapshot.yaml',
)

#: The openstack.cloud release clients-requirements.txt brings in.
COLLECTION_VERSION = '2.6.0'

#: A request openstacksdk's debug log shows, with its microversion.
_SNAPSHOT_REQUEST = re.compile(
    r'REQ: curl -g -i -X (?P<method>\w+) "?(?P<url>\S+/snapshots\S*?)"? '
    r'.*?(?:-H "OpenStack-API-Version: (?P<version>[^"]*)")?'
    r' -H "User-Agent'
)

#: The tasks of the playbook, in order.
TASKS = (
    'create_check',
    'create',
    'create_again',
    'create_again_check',
    'info_name',
    'info_volume',
    'info_volume_details',
    'info_status',
    'info_name_status',
    'info_status_none',
    'info_unknown_volume',
    'create_unknown_volume',
    'delete_check',
    'delete',
    'delete_again',
    'delete_again_check',
    'create_forced',
    'delete_forced',
    'info_deleted',
)


@dataclasses.dataclass
class Play:
    """One run of the playbook.

    :param result: What ``ansible-playbook`` gave.
    :param tasks: Each task's registered result, by name (empty when
        the playbook did not get to write them).
    :param sdk_log: What openstacksdk logged.
    :param names: The run's own strings and their placeholders.
    :param exact: Whole values and their placeholders (the cloud).
    :param name: The snapshot's name.
    """

    result: clients.Result
    tasks: dict[str, Any]
    sdk_log: str
    names: dict[str, str]
    exact: dict[str, str]
    name: str

    def normalised(self, task: str) -> Any:
        """Return a task's result with placeholders.

        :param task: The task's register name.
        :returns: The normalised result.
        """
        return clients.normalise(self.tasks[task], self.names, self.exact)


class TestAnsibleCollection(clients.RealClientTestCase):
    #: Two playbook runs of about 17 module calls each.
    TEST_TIMEOUT = 480

    _plays: dict[bool, Play] | None = None

    def play(self, hooked: bool) -> Play:
        """Run the playbook on the stock or the hooked cloud.

        :param hooked: Use the cloud with the vendor hook.
        :returns: The run.
        """
        volume = self.shared_volume()
        cloud = clients.stock(self.admin.config.name)
        if hooked:
            cloud = str(self.admin.config.name)
        tag = 'hooked' if hooked else 'stock'
        name = self.unique_name(f'snap-{tag}')
        unknown = self.unique_name('none')
        out = os.path.join(self.folder, f'results-{tag}.json')
        sdk_log = os.path.join(self.folder, f'sdk-{tag}.log')
        variables = {
            'cloud': cloud,
            'volume': volume.name,
            'volume_id': volume.id,
            'name': name,
            'description': 'made by openstack.cloud.volume_snapshot',
            'unknown': unknown,
            'timeout': int(self.WAIT),
            'sdk_log': sdk_log,
            'out': out,
            'ansible_python_interpreter': os.path.join(
                self.venv, 'bin', 'python'
            ),
        }
        variables_file = os.path.join(self.folder, f'vars-{tag}.json')
        with open(variables_file, 'w', encoding='utf-8') as f:
            json.dump(variables, f)
        ansible_home = os.path.join(self.folder, 'ansible')
        result = self.run_client(
            'ansible-playbook',
            '-i',
            'localhost,',
            '-e',
            f'@{variables_file}',
            PLAYBOOK,
            env={
                'ANSIBLE_COLLECTIONS_PATH': os.path.join(
                    self.venv, 'collections'
                ),
                'ANSIBLE_HOME': ansible_home,
                'ANSIBLE_LOCAL_TEMP': os.path.join(ansible_home, 'tmp'),
                'ANSIBLE_NOCOLOR': '1',
                'ANSIBLE_PIPELINING': '1',
                'ANSIBLE_RETRY_FILES_ENABLED': '0',
                'ANSIBLE_LOCALHOST_WARNING': '0',
                'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
            },
            timeout=self.TEST_TIMEOUT / 2 - 10,
        )
        tasks: dict[str, Any] = {}
        if os.path.exists(out):
            with open(out, encoding='utf-8') as f:
                tasks = json.load(f)
        log = ''
        if os.path.exists(sdk_log):
            with open(sdk_log, encoding='utf-8') as f:
                log = self.redact(f.read())
        names = {
            name: '<name>',
            unknown: '<unknown>',
            out: '<out>',
            sdk_log: '<sdk-log>',
        }
        for task in ('create', 'create_forced'):
            snapshot = tasks.get(task, {}).get('snapshot') or {}
            if snapshot.get('id'):
                names[snapshot['id']] = f'<{task}-id>'
        return Play(
            result=result,
            tasks=tasks,
            sdk_log=log,
            names=names,
            exact={cloud: '<cloud>'},
            name=name,
        )

    def plays(self) -> tuple[Play, Play]:
        """Return the stock and the hooked run, running them once.

        The runs take turns (the hooked run's listings must not see the
        stock run's snapshot); each deletes its snapshot, and the class's
        volume is purged of snapshots after the class in any case.

        :returns: The stock and the hooked run.
        """
        cls = type(self)
        if cls._plays is None:
            cls._plays = {h: self.play(h) for h in (False, True)}
            cls.addClassCleanup(setattr, cls, '_plays', None)
        stock, hooked = cls._plays[False], cls._plays[True]
        for play in (stock, hooked):
            self.assertEqual(
                0,
                play.result.returncode,
                f"ansible-playbook on {play.exact} failed; output:\n"
                f"{play.result.stdout[-4000:]}\n{play.result.stderr[-2000:]}",
            )
            self.assertEqual(set(TASKS), set(play.tasks))
        return stock, hooked

    def assertSameTask(self, task: str) -> tuple[Any, Any]:
        """Assert that a task gave the same result in both runs.

        :param task: The task's register name.
        :returns: The hooked run's raw result and its normalised form.
        """
        stock, hooked = self.plays()
        normalised = hooked.normalised(task)
        self.assertSameOutput(
            f'the result of task {task}', stock.normalised(task), normalised
        )
        return hooked.tasks[task], normalised

    # ------------------------------------------------------------ tests

    def test_the_collection_is_the_pinned_release(self):
        manifest = os.path.join(
            self.venv,
            'collections',
            'ansible_collections',
            'openstack',
            'cloud',
            'MANIFEST.json',
        )
        with open(manifest, encoding='utf-8') as f:
            info = json.load(f)['collection_info']
        self.assertEqual(
            ('openstack', 'cloud', COLLECTION_VERSION),
            (info['namespace'], info['name'], info['version']),
        )

    def test_the_playbook_prints_the_same(self):
        stock, hooked = self.plays()
        self.assertSameOutput(
            'the output of ansible-playbook',
            clients.normalise(
                stock.result.stdout.splitlines(), stock.names, {}
            ),
            clients.normalise(
                hooked.result.stdout.splitlines(), hooked.names, {}
            ),
        )
        recap = hooked.result.stdout.rsplit('PLAY RECAP', 1)[-1]
        self.assertRegex(recap, r'ok=20 +changed=7 .* failed=0 .* ignored=1')

    def test_only_the_hooked_run_uses_snapshot_ext(self):
        # openstacksdk logs every request with its headers: snapshot_ext
        # sends the negotiated microversion on snapshot calls (a
        # deliberate difference), stock its own resource's.
        stock, hooked = self.plays()
        negotiated = f'volume {self.admin_proxy.snapshot_microversion}'
        versions = {}
        for play in (stock, hooked):
            found = [
                m['version'] for m in _SNAPSHOT_REQUEST.finditer(play.sdk_log)
            ]
            # find, create, get (wait), find... and delete at least.
            self.assertGreater(len(found), 10, play.sdk_log[-3000:])
            versions[play is hooked] = set(found)
        self.assertEqual({negotiated}, versions[True])
        self.assertNotIn(negotiated, versions[False])

    def test_check_mode(self):
        expected = {
            'create_check': True,
            'create_again_check': False,
            'delete_check': True,
            'delete_again_check': False,
        }
        for task, changed in expected.items():
            result, _ = self.assertSameTask(task)
            self.assertIs(changed, result['changed'], task)
            self.assertNotIn('snapshot', result, task)

    def test_create(self):
        stock, hooked = self.plays()
        for task in ('create', 'create_forced'):
            results = []
            for play in (stock, hooked):
                result = play.normalised(task)
                for key in ('snapshot', 'volume_snapshot'):
                    # Compared on its own: test_create_echoes_is_forced.
                    self.assertIn('is_forced', result[key])
                    del result[key]['is_forced']
                results.append(result)
            self.assertSameOutput(f'the result of task {task}', *results)
            created = hooked.tasks[task]
            self.assertIs(True, created['changed'])
            self.assertEqual(created['snapshot'], created['volume_snapshot'])
            self.assertEqual('available', created['snapshot']['status'])
            self.assertEqual(
                self.shared_volume().id, created['snapshot']['volume_id']
            )
        snapshot = hooked.tasks['create']['snapshot']
        self.assertEqual(hooked.name, snapshot['name'])
        self.assertEqual(
            'made by openstack.cloud.volume_snapshot', snapshot['description']
        )
        forced = hooked.tasks['create_forced']['snapshot']
        self.assertEqual(f'{hooked.name}-forced', forced['name'])

    def test_create_echoes_is_forced(self):
        stock, hooked = self.plays()
        echoed = {
            task: (
                stock.tasks[task]['snapshot']['is_forced'],
                hooked.tasks[task]['snapshot']['is_forced'],
            )
            for task in ('create', 'create_forced')
        }
        self.assertEqual(False, echoed['create'][0])
        self.assertEqual(True, echoed['create_forced'][0])
        self.assertSameOutput(
            'snapshot.is_forced of tasks create and create_forced',
            {task: pair[0] for task, pair in echoed.items()},
            {task: pair[1] for task, pair in echoed.items()},
        )

    def test_create_again_changes_nothing(self):
        result, _ = self.assertSameTask('create_again')
        self.assertIs(False, result['changed'])
        created = self.plays()[1].tasks['create']['snapshot']
        self.assertEqual(created['id'], result['snapshot']['id'])

    def test_info_by_name(self):
        for task in ('info_name', 'info_name_status'):
            result, _ = self.assertSameTask(task)
            self.assertEqual(
                [self.plays()[1].name],
                [s['name'] for s in result['volume_snapshots']],
                task,
            )

    def test_info_by_volume(self):
        created = self.plays()[1].tasks['create']['snapshot']
        for task in ('info_volume', 'info_volume_details'):
            result, _ = self.assertSameTask(task)
            self.assertEqual(
                [created['id']],
                [s['id'] for s in result['volume_snapshots']],
                task,
            )

    def test_info_by_status(self):
        result, _ = self.assertSameTask('info_status')
        created = self.plays()[1].tasks['create']['snapshot']
        self.assertIn(
            created['id'], [s['id'] for s in result['volume_snapshots']]
        )
        result, _ = self.assertSameTask('info_status_none')
        self.assertEqual([], result['volume_snapshots'])

    def test_info_of_an_unknown_volume(self):
        result, _ = self.assertSameTask('info_unknown_volume')
        self.assertEqual([], result['volume_snapshots'])
        self.assertIs(False, result['changed'])

    def test_create_from_an_unknown_volume_fails_alike(self):
        result, normalised = self.assertSameTask('create_unknown_volume')
        self.assertIs(True, result['failed'])
        self.assertIn('<unknown>', normalised['msg'])

    def test_delete(self):
        result, _ = self.assertSameTask('delete')
        self.assertIs(True, result['changed'])
        result, _ = self.assertSameTask('delete_again')
        self.assertIs(False, result['changed'])
        result, _ = self.assertSameTask('delete_forced')
        self.assertIs(True, result['changed'])
        result, _ = self.assertSameTask('info_deleted')
        self.assertEqual([], result['volume_snapshots'])
        for play in self.plays():
            for task in ('create', 'create_forced'):
                self.wait_snapshot_gone(play.tasks[task]['snapshot']['id'])
