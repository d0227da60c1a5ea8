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

"""Tests of the OpenStackClient plugin's argument parsing and plumbing.

None of them needs HTTP except :class:`TestPluginModule`, which checks
that making the plugin's client sends no request.
"""

import argparse
import configparser
import datetime
import importlib
import io
import os

import fixtures
from oslotest import base

import snapshot_ext
from snapshot_ext.osc import args
from snapshot_ext.osc import bulk
from snapshot_ext.osc import commands
from snapshot_ext.osc import deletable
from snapshot_ext.osc import plugin
from snapshot_ext.osc import progress
from snapshot_ext.osc import prune
from snapshot_ext.osc import wait
from snapshot_ext.tests.unit import fakes

SETUP_CFG = os.path.join(
    os.path.dirname(__file__), '..', '..', '..', 'setup.cfg'
)


class TestDuration(base.BaseTestCase):
    def test_each_unit(self) -> None:
        self.assertEqual(datetime.timedelta(days=30), args.duration('30d'))
        self.assertEqual(datetime.timedelta(hours=12), args.duration('12h'))
        self.assertEqual(datetime.timedelta(minutes=90), args.duration('90m'))
        self.assertEqual(datetime.timedelta(weeks=1), args.duration('1w'))
        self.assertEqual(datetime.timedelta(seconds=45), args.duration('45s'))

    def test_combined_zero_and_case(self) -> None:
        self.assertEqual(
            datetime.timedelta(days=1, hours=12), args.duration('1d12h')
        )
        self.assertEqual(
            datetime.timedelta(weeks=2, minutes=5), args.duration(' 2W5m ')
        )
        self.assertEqual(datetime.timedelta(0), args.duration('0d'))

    def test_bad_durations_name_the_value(self) -> None:
        for text in ('', '30', 'd', '3x', '-1d', '1.5d', '1d 2h', '30 days'):
            with self.subTest(text=text):
                exc = self.assertRaises(
                    argparse.ArgumentTypeError, args.duration, text
                )
                self.assertIn(f'invalid duration {text!r}', str(exc))
                self.assertIn('30d, 12h, 90m, 1w', str(exc))

    def test_too_long(self) -> None:
        exc = self.assertRaises(
            argparse.ArgumentTypeError, args.duration, '99999999999w'
        )
        self.assertIn('too long', str(exc))


class TestNumbers(base.BaseTestCase):
    def test_non_negative_int(self) -> None:
        self.assertEqual(0, args.non_negative_int('0'))
        self.assertEqual(7, args.non_negative_int('7'))
        exc = self.assertRaises(
            argparse.ArgumentTypeError, args.non_negative_int, '-1'
        )
        self.assertEqual('must be 0 or more, got -1', str(exc))
        exc = self.assertRaises(
            argparse.ArgumentTypeError, args.non_negative_int, 'seven'
        )
        self.assertEqual("'seven' is not a whole number", str(exc))

    def test_concurrency(self) -> None:
        self.assertEqual(1, args.concurrency('1'))
        self.assertEqual(64, args.concurrency('64'))
        for text in ('0', '65'):
            exc = self.assertRaises(
                argparse.ArgumentTypeError, args.concurrency, text
            )
            self.assertEqual(f'must be from 1 to 64, got {text}', str(exc))

    def test_seconds(self) -> None:
        self.assertEqual(2.5, args.seconds('2.5'))
        for text in ('0', '-3', 'inf', 'nan'):
            with self.subTest(text=text):
                exc = self.assertRaises(
                    argparse.ArgumentTypeError, args.seconds, text
                )
                self.assertIn('must be a positive number of seconds', str(exc))
        exc = self.assertRaises(argparse.ArgumentTypeError, args.seconds, 'x')
        self.assertEqual("'x' is not a number of seconds", str(exc))


class TestPropertyAndName(base.BaseTestCase):
    def test_property(self) -> None:
        self.assertEqual(('k', 'v=w'), args.property_pair('k=v=w'))
        self.assertEqual(('k', ''), args.property_pair('k='))
        for text in ('k', '=v'):
            exc = self.assertRaises(
                argparse.ArgumentTypeError, args.property_pair, text
            )
            self.assertEqual(
                f'{text!r} is not of the form KEY=VALUE', str(exc)
            )

    def test_name_template(self) -> None:
        text = 'nightly-{volume}-{volume_id}-{index}-{{x}}'
        self.assertEqual(text, args.name_template(text))
        self.assertEqual('{index:03d}', args.name_template('{index:03d}'))
        for text in (
            '{vol}',
            '{volume',
            '{0}',
            '{}',
            '{volume.__class__}',
            '{index:x!}',
        ):
            with self.subTest(text=text):
                exc = self.assertRaises(
                    argparse.ArgumentTypeError, args.name_template, text
                )
                self.assertIn(f'invalid name template {text!r}', str(exc))
                self.assertIn('{volume}, {volume_id}, {index}', str(exc))


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestProgress(base.BaseTestCase):
    def test_draws_on_a_terminal(self) -> None:
        stream = FakeTerminal()
        bar = progress.Progress(stream, 'waiting')
        self.assertTrue(bar.enabled)
        bar(0)
        bar(50)
        bar(150)
        bar.close()
        bar.close()
        empty = '-' * progress.WIDTH
        half = '#' * 15 + '-' * 15
        full = '#' * progress.WIDTH
        self.assertEqual(
            f'\rwaiting [{empty}]   0%\rwaiting [{half}]  50%'
            f'\rwaiting [{full}] 100%\n',
            stream.getvalue(),
        )

    def test_silent_when_piped(self) -> None:
        stream = io.StringIO()
        bar = progress.Progress(stream, 'waiting')
        self.assertFalse(bar.enabled)
        bar(50)
        bar.close()
        self.assertEqual('', stream.getvalue())


class TestPluginModule(fakes.ProxyTestCase):
    register_plugin = False

    def test_constants(self) -> None:
        self.assertEqual('snapshot_ext', plugin.API_NAME)
        self.assertEqual(
            'os_snapshot_ext_api_version', plugin.API_VERSION_OPTION
        )
        self.assertEqual('1', plugin.DEFAULT_API_VERSION)
        self.assertEqual(('1',), plugin.API_VERSIONS)

    def test_build_option_parser(self) -> None:
        self.useFixture(
            fixtures.EnvironmentVariable('OS_SNAPSHOT_EXT_API_VERSION')
        )
        parser = argparse.ArgumentParser()
        self.assertIs(parser, plugin.build_option_parser(parser))
        self.assertEqual(
            '1', parser.parse_args([]).os_snapshot_ext_api_version
        )
        self.assertEqual(
            '1',
            parser.parse_args(
                ['--os-snapshot-ext-api-version', '1']
            ).os_snapshot_ext_api_version,
        )

    def test_make_client_registers_without_a_request(self) -> None:
        class ClientManager:
            sdk_connection = self.conn

        self.assertFalse(snapshot_ext.is_registered(self.conn))
        client = plugin.make_client(ClientManager())
        self.assertTrue(snapshot_ext.is_registered(self.conn))
        self.assertIs(self.conn.block_storage, client)
        self.assertIs(snapshot_ext.proxy(self.conn), client)
        self.assert_no_api_request()


class TestEntryPoints(base.BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.config = configparser.ConfigParser()
        self.assertEqual(
            [os.path.abspath(SETUP_CFG)],
            [os.path.abspath(p) for p in self.config.read(SETUP_CFG)],
        )

    def entry_points(self, group: str) -> dict[str, str]:
        lines = self.config['entry_points'][group].strip().splitlines()
        pairs = [line.split('=', 1) for line in lines]
        return {name.strip(): target.strip() for name, target in pairs}

    def test_plugin_module(self) -> None:
        self.assertEqual(
            {'snapshot_ext': 'snapshot_ext.osc.plugin'},
            self.entry_points('openstack.cli.extension'),
        )

    def test_command_group_and_names(self) -> None:
        group = f'openstack.{plugin.API_NAME}.v{plugin.DEFAULT_API_VERSION}'
        found = {}
        for name, target in self.entry_points(group).items():
            module, attr = target.split(':')
            found[name] = getattr(importlib.import_module(module), attr)
        self.assertEqual(
            {
                'volume_snapshot_prune': prune.PruneSnapshots,
                'volume_snapshot_wait': wait.WaitForSnapshots,
                'volume_snapshot_bulk_create': bulk.BulkCreateSnapshots,
                'volume_snapshot_bulk_delete': bulk.BulkDeleteSnapshots,
                'volume_snapshot_deletable': deletable.ShowSnapshotDeletable,
            },
            found,
        )

    def test_commands_load_from_the_modules_defining_them(self) -> None:
        group = f'openstack.{plugin.API_NAME}.v{plugin.DEFAULT_API_VERSION}'
        for name, target in self.entry_points(group).items():
            module, attr = target.split(':')
            cls = getattr(importlib.import_module(module), attr)
            self.assertEqual(
                (cls.__module__, cls.__name__), (module, attr), name
            )

    def test_cli_extra_pulls_openstackclient(self) -> None:
        self.assertIn('python-openstackclient>=', self.config['extras']['cli'])


class TestCommandsModule(base.BaseTestCase):
    """snapshot_ext.osc.commands still offers what it offered."""

    def test_same_commands(self) -> None:
        self.assertIs(prune.PruneSnapshots, commands.PruneSnapshots)
        self.assertIs(wait.WaitForSnapshots, commands.WaitForSnapshots)
        self.assertIs(bulk.BulkCreateSnapshots, commands.BulkCreateSnapshots)
        self.assertIs(bulk.BulkDeleteSnapshots, commands.BulkDeleteSnapshots)
        self.assertIs(
            deletable.ShowSnapshotDeletable, commands.ShowSnapshotDeletable
        )

    def test_public_names(self) -> None:
        self.assertEqual(
            {
                'EXIT_OK',
                'EXIT_FAILED',
                'EXIT_USAGE',
                'WAIT_STATUSES',
                'Row',
                'ListColumn',
                'UsageError',
                'block_storage',
                'resolve',
                'outcome',
                'failure_summary',
                'SnapshotLister',
                'SnapshotShowOne',
                'PruneSnapshots',
                'WaitForSnapshots',
                'BulkCreateSnapshots',
                'BulkDeleteSnapshots',
                'ShowSnapshotDeletable',
            },
            set(commands.__all__),
        )
        for name in commands.__all__:
            self.assertTrue(hasattr(commands, name), name)
        self.assertEqual(
            (0, 1, 2),
            (commands.EXIT_OK, commands.EXIT_FAILED, commands.EXIT_USAGE),
        )
        self.assertEqual(('available', 'deleted'), commands.WAIT_STATUSES)
