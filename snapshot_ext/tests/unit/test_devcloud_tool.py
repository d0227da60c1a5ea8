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

"""The pure parts of tools/devcloud (package tools/devcloudlib).

Configuration rendering, the recognition of the processes devcloud
started (pid, start time, environment token) and the port checks.  Nothing
here starts a service; the package is imported from the checkout's
``tools`` folder.
"""

import contextlib
import datetime
import importlib
import io
import json
import os
import socket
import stat
import sys
from typing import Any
from unittest import mock

import fixtures
from oslotest import base

TOOLS = os.path.abspath(
    os.path.join(os.path.dirname(__file__), '..', '..', '..', 'tools')
)
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

cli: Any = importlib.import_module('devcloudlib.cli')
config: Any = importlib.import_module('devcloudlib.config')
control: Any = importlib.import_module('devcloudlib.control')
infra: Any = importlib.import_module('devcloudlib.infra')
output: Any = importlib.import_module('devcloudlib.output')
ports: Any = importlib.import_module('devcloudlib.ports')
processes: Any = importlib.import_module('devcloudlib.processes')

SECRETS = {
    'admin': 'pw-admin',
    'demo': 'pw-demo',
    'cinder': 'pw-cinder',
    'db_keystone': 'pw-dbks',
    'db_cinder': 'pw-dbcinder',
    'rabbit': 'pw-rabbit',
}


def stat_line(
    pid: int, comm: str, state: str, ppid: int, session: int, start: int
) -> str:
    """A /proc/PID/stat line with the fields devcloud reads set."""
    after = [state, str(ppid), str(pid), str(session)] + ['0'] * 15
    after += [str(start)] + ['0'] * 30
    return f'{pid} ({comm}) ' + ' '.join(after) + '\n'


class TestPaths(base.BaseTestCase):
    def test_defaults_under_the_checkout(self) -> None:
        paths = config.Paths.from_environ({}, repo_dir='/src/proj')
        self.assertEqual('/src/proj/.devcloud', paths.state)
        self.assertEqual('/src/proj/.devcloud/venv', paths.venv)
        self.assertEqual('/src/proj/.devcloud/run/pids.json', paths.pids_file)
        self.assertEqual(
            '/src/proj/.devcloud/logs/cinder-api.log',
            paths.log('cinder-api'),
        )
        self.assertEqual('/src/proj/.devcloud/clouds.yaml', paths.clouds_file)
        self.assertEqual(
            '/src/proj/.devcloud/run/mysqld.sock', paths.mysql_socket()
        )

    def test_environment_overrides(self) -> None:
        paths = config.Paths.from_environ(
            {'DEVCLOUD_DIR': '/s/dc', 'DEVCLOUD_VENV': '/s/v'},
            repo_dir='/src/proj',
        )
        self.assertEqual(('/s/dc', '/s/v'), (paths.state, paths.venv))
        self.assertEqual('/s/v/bin/gunicorn', paths.bin('gunicorn'))

    def test_long_state_folder_gets_a_short_socket(self) -> None:
        state = '/s/' + 'x' * 120
        paths = config.Paths.from_environ({'DEVCLOUD_DIR': state})
        sock = paths.mysql_socket()
        self.assertLessEqual(len(sock.encode()), 100)
        self.assertTrue(sock.endswith('/mysqld.sock'))
        other = config.Paths.from_environ({'DEVCLOUD_DIR': state + 'y'})
        self.assertNotEqual(sock, other.mysql_socket())


class TestRendering(base.BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.paths = config.Paths.from_environ(
            {'DEVCLOUD_DIR': '/s/dc'}, repo_dir='/src/proj'
        )

    def test_cinder_conf(self) -> None:
        text = config.render_text(
            'cinder.conf.in', config.cinder_conf_values(self.paths, SECRETS)
        )
        self.assertNotIn('${', text)
        self.assertIn(
            'transport_url = rabbit://devcloud:pw-rabbit@127.0.0.1:5672/',
            text,
        )
        self.assertIn('osapi_volume_listen = 127.0.0.1', text)
        self.assertIn(
            'mysql+pymysql://cinder:pw-dbcinder@localhost/cinder'
            '?unix_socket=/s/dc/run/mysqld.sock&charset=utf8mb4',
            text,
        )
        self.assertIn('api_paste_config = /s/dc/venv/etc/cinder/', text)
        self.assertIn('\ntoken_cache_time = 2\n', text)

    def test_keystone_conf(self) -> None:
        text = config.render_text(
            'keystone.conf.in',
            config.keystone_conf_values(self.paths, SECRETS),
        )
        self.assertNotIn('${', text)
        self.assertIn('keystone:pw-dbks@localhost/keystone', text)
        self.assertIn('key_repository = /s/dc/keystone/fernet-keys', text)

    def test_rabbitmq_conf_loopback_only(self) -> None:
        text = config.render_text(
            'rabbitmq.conf.in', {'rabbit_password': 'pw-rabbit'}
        )
        self.assertIn('listeners.tcp.default = 127.0.0.1:5672', text)
        self.assertIn('default_pass = pw-rabbit', text)

    def test_missing_value_is_an_error(self) -> None:
        self.assertRaises(KeyError, config.render_text, 'rabbitmq.conf.in', {})

    def test_clouds_yaml(self) -> None:
        text = config.clouds_yaml(SECRETS)
        self.assertIn('  devcloud-admin:\n    auth:\n', text)
        self.assertIn('  devcloud-member:\n    auth:\n', text)
        self.assertEqual(2, text.count('auth_url: http://127.0.0.1:5000/v3'))
        self.assertIn('username: demo\n      password: "pw-demo"\n', text)
        self.assertIn('username: admin\n      password: "pw-admin"\n', text)
        self.assertEqual(2, text.count('vendor_hook: snapshot_ext:register'))

    def test_secrets_made_once_and_private(self) -> None:
        tmp = self.useFixture(fixtures.TempDir()).path
        paths = config.Paths.from_environ({'DEVCLOUD_DIR': tmp})
        first = config.load_secrets(paths)
        self.assertEqual(set(config.SECRET_NAMES), set(first))
        self.assertEqual(len(first), len(set(first.values())))
        for value in first.values():
            self.assertRegex(value, '^[0-9a-f]{32}$')
        mode = stat.S_IMODE(os.stat(paths.secrets_file).st_mode)
        self.assertEqual(0o600, mode)
        self.assertEqual(first, config.load_secrets(paths))
        with open(paths.secrets_file) as f:
            self.assertEqual(first, json.load(f))

    def test_child_env_drops_client_settings(self) -> None:
        env = infra.child_env(
            self.paths,
            {'HOME': '/h'},
            environ={
                'PATH': '/usr/bin',
                'OS_CLOUD': 'x',
                'OS_PASSWORD': 'secret',
                'RABBITMQ_NODENAME': 'n',
                'PYTHONPATH': '/p',
                'LANG': 'C.UTF-8',
            },
        )
        self.assertEqual(
            {
                'PATH': '/s/dc/venv/bin:/usr/bin:/usr/sbin:/sbin',
                'HOME': '/h',
                'LANG': 'C.UTF-8',
            },
            env,
        )


class TestProcessRecognition(base.BaseTestCase):
    def test_parse_stat_with_parentheses_in_the_name(self) -> None:
        line = stat_line(4242, 'a) (b', 'S', 1, 4242, 987654)
        self.assertEqual(
            (4242, 987654, 'S', 1), tuple(processes.parse_stat(line))
        )

    def test_live_stat_needs_same_start_and_no_zombie(self) -> None:
        st = processes.ProcStat(session=1, start=500, state='S', ppid=1)
        self.assertTrue(processes.is_live_stat(st, 500))
        self.assertFalse(processes.is_live_stat(st, 499))
        self.assertFalse(processes.is_live_stat(st, None))
        self.assertFalse(processes.is_live_stat(None, 500))
        zombie = st._replace(state='Z')
        self.assertFalse(processes.is_live_stat(zombie, 500))

    def test_token_must_match_exactly(self) -> None:
        env = b'A=1\0DEVCLOUD_SERVICE_TOKEN=abc123\0B=2'
        self.assertTrue(processes.environ_has_token(env, 'abc123'))
        self.assertFalse(processes.environ_has_token(env, 'abc12'))
        self.assertFalse(processes.environ_has_token(env, 'abc1234'))
        self.assertFalse(processes.environ_has_token(env, ''))
        self.assertFalse(processes.environ_has_token(env, None))
        self.assertFalse(
            processes.environ_has_token(b'X_DEVCLOUD_SERVICE_TOKEN=t', 't')
        )

    def table(self) -> dict[int, Any]:
        s = processes.ProcStat
        return {
            # the leader of session 100, started at tick 1000
            100: s(session=100, start=1000, state='S', ppid=1),
            101: s(session=100, start=1001, state='S', ppid=100),
            # a child that made a session of its own, and its child
            102: s(session=102, start=1002, state='S', ppid=101),
            103: s(session=102, start=1003, state='S', ppid=102),
            # a zombie of the session
            104: s(session=100, start=1004, state='Z', ppid=100),
            # session 100 of an older leader (before our start time)
            105: s(session=100, start=900, state='S', ppid=1),
            # unrelated
            200: s(session=200, start=2000, state='S', ppid=1),
        }

    def test_members_while_the_leader_lives(self) -> None:
        rec = {'pid': 100, 'start': 1000, 'token': 't'}
        members = processes.select_members(
            rec, self.table(), True, lambda pid: False
        )
        self.assertEqual([100, 101, 102, 103], members)

    def test_only_token_carriers_once_the_leader_is_gone(self) -> None:
        rec = {'pid': 100, 'start': 1000, 'token': 't'}
        carriers = {101, 102}
        members = processes.select_members(
            rec, self.table(), False, carriers.__contains__
        )
        self.assertEqual([101, 102], members)

    def test_recycled_pid_without_token_is_never_ours(self) -> None:
        # pid 100 now belongs to someone else: a new session, started
        # later, without the token.
        s = processes.ProcStat
        table = {
            100: s(session=100, start=5000, state='S', ppid=1),
            101: s(session=100, start=5001, state='S', ppid=100),
        }
        rec = {'pid': 100, 'start': 1000, 'token': 't'}
        self.assertEqual(
            [],
            processes.select_members(rec, table, False, lambda pid: False),
        )

    def test_record_without_start_time_matches_nothing(self) -> None:
        rec = {'pid': 100, 'start': None, 'token': 't'}
        self.assertEqual(
            [],
            processes.select_members(rec, self.table(), True, lambda p: True),
        )

    def test_pid_records_round_trip_in_the_old_layout(self) -> None:
        tmp = self.useFixture(fixtures.TempDir()).path
        paths = config.Paths.from_environ({'DEVCLOUD_DIR': tmp})
        self.assertEqual({}, processes.load_pids(paths))
        recs = {'epmd': {'pid': 7, 'start': 8, 'token': 'x', 'cmd': 'epmd'}}
        processes.save_pids(paths, recs)
        with open(os.path.join(tmp, 'run', 'pids.json')) as f:
            self.assertEqual(recs, json.load(f))
        self.assertEqual(recs, processes.load_pids(paths))

    def test_own_process_is_recognised(self) -> None:
        st = processes.proc_stat(os.getpid())
        self.assertIsNotNone(st)
        rec = {'pid': os.getpid(), 'start': st.start}
        self.assertTrue(processes.is_alive(rec))
        rec = {'pid': os.getpid(), 'start': st.start + 1}
        self.assertFalse(processes.is_alive(rec))


TCP_TABLE = [
    # local 127.0.0.1:5000 LISTEN, inode 111
    '0: 0100007F:1388 00000000:0000 0A 00000000:00000000 00:00000000 '
    '00000000 0 0 111 1 0000000000000000 100 0 0 10 0',
    # local 127.0.0.1:8776 ESTABLISHED, inode 222
    '1: 0100007F:2248 0100007F:D431 01 00000000:00000000 00:00000000 '
    '00000000 0 0 222 1 0000000000000000 20 4 30 10 -1',
]


class TestPorts(base.BaseTestCase):
    def test_parse_listening(self) -> None:
        self.assertEqual({5000: [111]}, ports.parse_listening(TCP_TABLE))

    def test_taken_ports_in_order(self) -> None:
        busy = {8776: [1], 4369: [2], 9999: [3]}
        self.assertEqual(
            [8776, 4369], ports.taken_ports(busy, [5000, 8776, 4369])
        )

    def test_check_ports_refuses_a_taken_port(self) -> None:
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            s.listen()
            port = s.getsockname()[1]
            e = self.assertRaises(output.Failure, ports.check_ports, [port])
        self.assertIn(f'port {port} is already in use by pid ', e.message)
        self.assertIn(f'pid {os.getpid()} (', e.message)
        self.assertIn('refusing to start', e.message)

    def test_check_ports_passes_a_free_port(self) -> None:
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
            # bound but not listening: free for a server
            self.assertIsNone(ports.check_ports([port]))


class TestServiceControl(base.BaseTestCase):
    def services(self) -> list[dict[str, str]]:
        return [
            {
                'binary': 'cinder-scheduler',
                'state': 'up',
                'updated_at': '2026-01-02T10:00:30.000000',
            },
            {
                'binary': 'cinder-volume',
                'state': 'up',
                'updated_at': '2026-01-02T10:00:05.000000',
            },
        ]

    def test_reported_since_needs_a_later_report_of_that_binary(self) -> None:
        at = datetime.datetime(2026, 1, 2, 10, 0, 5)
        self.assertFalse(
            control.reported_since(self.services(), 'cinder-volume', at)
        )
        earlier = at - datetime.timedelta(seconds=1)
        self.assertTrue(
            control.reported_since(self.services(), 'cinder-volume', earlier)
        )
        self.assertTrue(
            control.reported_since(self.services(), 'cinder-scheduler', at)
        )

    def test_reported_since_ignores_down_services(self) -> None:
        services = self.services()
        services[1]['state'] = 'down'
        at = datetime.datetime(2026, 1, 1)
        self.assertFalse(control.reported_since(services, 'cinder-volume', at))
        self.assertFalse(control.reported_since(None, 'cinder-volume', at))

    def test_missing_requirements(self) -> None:
        st = processes.proc_stat(os.getpid())
        alive = {'pid': os.getpid(), 'start': st.start}
        gone = {'pid': os.getpid(), 'start': st.start + 1}
        pids = {'mariadb': alive, 'rabbitmq': gone}
        self.assertEqual(
            ['rabbitmq'], control.missing_requirements('cinder-volume', pids)
        )
        self.assertEqual([], control.missing_requirements('keystone', pids))
        self.assertEqual(
            ['epmd'], control.missing_requirements('rabbitmq', pids)
        )
        self.assertEqual([], control.missing_requirements('mariadb', {}))

    def test_every_service_has_its_ports_and_requirements_known(self) -> None:
        self.assertEqual(
            set(config.PORTS),
            {p for ports in control.SERVICE_PORTS.values() for p in ports},
        )
        for name, needs in control.REQUIRES.items():
            self.assertIn(name, config.SERVICES)
            for need in needs:
                # prerequisites start earlier in `up`
                self.assertLess(
                    config.SERVICES.index(need), config.SERVICES.index(name)
                )


class TestCommandLine(base.BaseTestCase):
    def run_main(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli.main(['devcloud', *args])
        return rc, out.getvalue(), err.getvalue()

    def test_usage(self) -> None:
        for args in ((), ('bogus',), ('up', 'extra')):
            rc, out, err = self.run_main(*args)
            self.assertEqual(2, rc)
            self.assertEqual('', out)
            self.assertTrue(err.startswith('devcloud: a real Keystone'))
            self.assertIn('Usage: tools/devcloud up | down', err)

    def test_unknown_service(self) -> None:
        for command in ('stop', 'start', 'restart'):
            rc, out, err = self.run_main(command, 'nova-compute')
            self.assertEqual(2, rc)
            self.assertEqual('', out)
            self.assertEqual(
                "devcloud: no service 'nova-compute'; the services are "
                'mariadb, epmd, rabbitmq, keystone, cinder-api, '
                'cinder-scheduler, cinder-volume\n',
                err,
            )

    def test_commands_with_an_argument_need_exactly_one(self) -> None:
        for args in (('stop',), ('revoke-tokens',), ('start', 'a', 'b')):
            rc, out, err = self.run_main(*args)
            self.assertEqual(2, rc)
            self.assertIn('tools/devcloud revoke-tokens USER', err)

    def test_env(self) -> None:
        with mock.patch.dict(os.environ, {'DEVCLOUD_DIR': '/s/dc'}):
            rc, out, err = self.run_main('env')
        self.assertEqual(0, rc)
        self.assertEqual(
            'export OS_CLIENT_CONFIG_FILE=/s/dc/clouds.yaml\n'
            'export OS_CLOUD=devcloud-admin\n',
            out,
        )
