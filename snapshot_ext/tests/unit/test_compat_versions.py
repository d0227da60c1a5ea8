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

"""What snapshot_ext/v3/_compat.py hides of the openstacksdk versions.

These run on every combination of tools/matrix, each against the
installed openstacksdk.
"""

import functools
import importlib.metadata
import inspect
import logging
import typing
from typing import Any
from unittest import mock

import fixtures
from openstack import exceptions as sdk_exceptions
from openstack import resource
from openstack.block_storage.v3 import _proxy as stock_proxy
from openstack.block_storage.v3 import volume as stock_volume
from openstack.config import cloud_region

from snapshot_ext.tests import base
from snapshot_ext.tests.unit import fakes
from snapshot_ext.v3 import _compat
from snapshot_ext.v3 import _proxy
from snapshot_ext.v3 import _transport


def shape(func: Any) -> list[tuple[str, Any, Any]]:
    """A signature without annotations: (name, kind, default)."""
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(func).parameters.values()
    ]


class TestStockSignatures(base.TestCase):
    def test_verbs_take_the_installed_openstacksdks_parameters(self) -> None:
        compared = []
        # Every method snapshot_ext's proxy classes define (the verbs are
        # grouped in classes by kind).
        own: dict[str, Any] = {}
        for cls in reversed(_proxy.Proxy.__mro__):
            if cls.__module__.startswith('snapshot_ext.'):
                own.update(vars(cls))
        for name, value in own.items():
            stock = getattr(stock_proxy.Proxy, name, None)
            # request() is keystoneauth's Adapter method, whose extra
            # parameters snapshot_ext passes on unchanged (**kwargs).
            if name.startswith('_') or name == 'request' or stock is None:
                continue
            if not callable(value):
                continue
            compared.append(name)
            with self.subTest(verb=name):
                self.assertEqual(
                    shape(stock), shape(getattr(_proxy.Proxy, name))
                )
        for verb in ('get_snapshot', 'snapshots', 'wait_for_status'):
            self.assertIn(verb, compared)

    def test_adapted_override_binds_by_the_stock_signature(self) -> None:
        def stock(
            self: Any, res: Any, status: str = 'x', wait: int = 120
        ) -> Any:
            raise AssertionError('not called')

        calls = []

        def ours(
            self: Any,
            res: Any,
            status: str = 'y',
            wait: int | None = None,
            attribute: str = 'status',
        ) -> Any:
            calls.append((self, res, status, wait, attribute))
            return 'done'

        adapted = _compat.stock_signature(stock)(ours)
        self.assertEqual(shape(stock), shape(adapted))
        self.assertEqual('done', adapted('me', 'r', 'ready'))
        adapted('me', 'r', wait=5)
        self.assertEqual(
            [
                ('me', 'r', 'ready', 120, 'status'),
                ('me', 'r', 'x', 5, 'status'),
            ],
            calls,
        )
        self.assertRaises(TypeError, adapted, 'me', 'r', attribute='a')

    def test_same_signature_is_left_alone(self) -> None:
        def stock(self: Any, res: Any) -> Any:
            return None

        def ours(self: Any, res: Any) -> Any:
            return None

        self.assertIs(ours, _compat.stock_signature(stock)(ours))

    def test_missing_stock_parameter_is_refused(self) -> None:
        def stock(self: Any, res: Any, callback: Any = None) -> Any:
            return None

        def ours(self: Any, res: Any) -> Any:
            return None

        exc = self.assertRaises(
            TypeError, _compat.stock_signature(stock), ours
        )
        self.assertIn("['callback']", str(exc))

    def test_call_known_leaves_out_what_the_function_lacks(self) -> None:
        def old(res: Any, status: str = 's') -> tuple[Any, str]:
            return res, status

        self.assertEqual(
            ('r', 'ok'),
            _compat.call_known(old, 'r', status='ok', attribute='status'),
        )


class TestResourceDifferences(base.TestCase):
    def test_field_type(self) -> None:
        self.assertIs(
            int, _compat.field_type(_compat.fields.Body('n', type=int))
        )
        self.assertIsNone(_compat.field_type(_compat.fields.Body('n')))

    def test_invalid_response_keeps_its_message(self) -> None:
        exc = _compat.InvalidResponse('page 2 is not JSON')
        self.assertIsInstance(exc, sdk_exceptions.InvalidResponse)
        self.assertIsInstance(exc, sdk_exceptions.SDKException)
        self.assertIn('page 2 is not JSON', str(exc))

    def test_resource_microversion(self) -> None:
        class Session:
            default_microversion = '3.42'

        self.assertEqual(
            '3.42',
            _compat.resource_microversion(
                stock_volume.Volume, Session(), 'list'
            ),
        )

    def test_manageable_snapshot_resource(self) -> None:
        cls = _compat.ManageableSnapshot
        self.assertTrue(issubclass(cls, resource.Resource))
        self.assertEqual('/manageable_snapshots', cls.base_path)
        self.assertEqual('manageable-snapshots', cls.resources_key)
        item = cls.existing(
            reference={'source-name': 's'}, safe_to_manage=True, size='2'
        )
        self.assertEqual({'source-name': 's'}, item.reference)
        self.assertIs(True, item.safe_to_manage)
        self.assertEqual(2, item.size)

    def test_resource_t_is_a_type_variable(self) -> None:
        self.assertIsInstance(_compat.ResourceT, typing.TypeVar)


class TestRetrySettings(fakes.ProxyTestCase):
    """clouds.yaml retry settings, on every openstacksdk.

    openstacksdk gives the proxy some of them only from 4.13.0 or 4.22.0;
    snapshot_ext reads the others from the configuration itself.
    """

    register_plugin = False

    def registered(self, **config: Any) -> Any:
        conn = self.make_connection(
            vendor_hook='snapshot_ext:register', **config
        )
        self.register_discovery()
        return conn.block_storage

    def test_prefixed_and_unprefixed_values(self) -> None:
        proxy = self.registered(
            block_storage_connect_retry_delay='0.5',
            volume_status_code_retry_delay=2,
            retriable_status_codes='500, 503',
        )
        self.assertEqual(
            0.5, _compat.retry_setting(proxy, 'connect_retry_delay')
        )
        self.assertEqual(
            2.0, _compat.retry_setting(proxy, 'status_code_retry_delay')
        )
        self.assertEqual(
            [500, 503], _compat.retry_setting(proxy, 'retriable_status_codes')
        )
        policy = _transport.settings_from_proxy(proxy)
        self.assertEqual(0.5, policy.connect_retry_delay)
        self.assertEqual(2.0, policy.status_code_retry_delay)
        self.assertEqual(frozenset({500, 503}), policy.retriable_codes)

    def test_unset_values(self) -> None:
        proxy = self.registered()
        for name in (
            'connect_retry_delay',
            'status_code_retry_delay',
            'retriable_status_codes',
        ):
            self.assertIsNone(_compat.retry_setting(proxy, name), name)

    def test_without_a_connection(self) -> None:
        class Bare:
            connect_retry_delay = None

        self.assertIsNone(_compat.retry_setting(Bare(), 'connect_retry_delay'))


class Region:
    """A cloud configuration answering ``_get_config`` from a dict."""

    def __init__(self, **values: Any) -> None:
        self.values = values
        self.asked: list[tuple[Any, ...]] = []

    def _get_config(
        self,
        key: str,
        service_type: str,
        default: Any = None,
        fallback_to_unprefixed: bool = False,
    ) -> Any:
        self.asked.append((key, service_type, fallback_to_unprefixed))
        return self.values.get(key, default)


class ProxyWithout:
    """A proxy to which openstacksdk passed no delay (before 4.13.0)."""

    service_type = 'block-storage'
    connect_retry_delay = None

    def __init__(self, region: Region) -> None:
        self._connection = type('Conn', (), {'config': region})()


class TestRetrySettingFallback(base.TestCase):
    """The settings an older openstacksdk does not pass to the proxy."""

    def setUp(self) -> None:
        super().setUp()
        # As on an openstacksdk that passes none of them.
        self.useFixture(
            fixtures.MockPatch(
                'snapshot_ext.v3._compat.PASSED_RETRY_SETTINGS', frozenset()
            )
        )
        self.useFixture(
            fixtures.MockPatch('snapshot_ext.v3._compat._READ_HERE', set())
        )
        self.log = self.useFixture(
            fixtures.FakeLogger(
                name='snapshot_ext.v3._compat',
                level=logging.DEBUG,
                format='%(message)s',
            )
        )

    def test_read_from_the_configuration_and_said_once(self) -> None:
        region = Region(connect_retry_delay='1.5')
        proxy = ProxyWithout(region)
        for _ in range(3):
            self.assertEqual(
                1.5, _compat.retry_setting(proxy, 'connect_retry_delay')
            )
        self.assertEqual(
            [('connect_retry_delay', 'block-storage', True)] * 3,
            region.asked,
        )
        (line,) = self.log.output.splitlines()
        self.assertIn('connect_retry_delay', line)
        self.assertIn('does not pass it to the proxy', line)

    def test_the_proxys_own_value_wins(self) -> None:
        region = Region(connect_retry_delay='1.5')
        proxy = ProxyWithout(region)
        proxy.connect_retry_delay = 0.25  # type: ignore[assignment]
        self.assertEqual(
            0.25, _compat.retry_setting(proxy, 'connect_retry_delay')
        )
        self.assertEqual([], region.asked)
        self.assertEqual('', self.log.output)

    def test_unset_is_not_logged(self) -> None:
        self.assertIsNone(
            _compat.retry_setting(
                ProxyWithout(Region()), 'connect_retry_delay'
            )
        )
        self.assertEqual('', self.log.output)


def _sdk_version() -> tuple[int, ...]:
    version = importlib.metadata.version('openstacksdk')
    return tuple(int(part) for part in version.split('.')[:3])


class TestPassedRetrySettings(base.TestCase):
    """Which retry settings openstacksdk gives the proxy itself."""

    def test_passed_settings_are_the_keywords_passed(self) -> None:
        # As openstacksdk 4.13.0 to 4.21.0 do.
        def passes(self: Any, service_type: str, **kwargs: Any) -> Any:
            kwargs.setdefault(
                'connect_retries', self.get_connect_retries(service_type)
            )
            kwargs.setdefault(
                'connect_retry_delay',
                self.get_connect_retry_delay(service_type),
            )
            return kwargs

        # As openstacksdk 4.12.0 does: the getter exists, the value is not
        # passed.
        def reads_only(self: Any, service_type: str, **kwargs: Any) -> Any:
            kwargs.setdefault(
                'connect_retries', self.get_connect_retries(service_type)
            )
            self.get_connect_retry_delay(service_type)
            return kwargs

        @functools.wraps(passes)
        def decorated(*args: Any, **kwargs: Any) -> Any:
            return passes(*args, **kwargs)

        self.assertEqual(
            frozenset({'connect_retries', 'connect_retry_delay'}),
            _compat.passed_settings(passes),
        )
        self.assertEqual(
            frozenset({'connect_retries'}),
            _compat.passed_settings(reads_only),
        )
        self.assertEqual(
            _compat.passed_settings(passes),
            _compat.passed_settings(decorated),
        )
        # No code to read: nothing counts as passed.
        self.assertEqual(frozenset(), _compat.passed_settings(print))

    def test_installed_openstacksdk(self) -> None:
        version = _sdk_version()
        expected = {'connect_retries', 'status_code_retries'}
        if version >= (4, 13, 0):
            expected.add('connect_retry_delay')
        if version >= (4, 22, 0):
            expected |= {'status_code_retry_delay', 'retriable_status_codes'}
        self.assertEqual(expected, _compat.PASSED_RETRY_SETTINGS)
        self.assertEqual(
            _compat.PASSED_RETRY_SETTINGS,
            _compat.passed_settings(
                cloud_region.CloudRegion.get_session_client
            ),
        )

    def test_a_passed_setting_is_not_read_from_the_configuration(
        self,
    ) -> None:
        region = Region(connect_retry_delay='1.5', status_code_retry_delay=2)
        proxy = ProxyWithout(region)
        with mock.patch.object(
            _compat,
            'PASSED_RETRY_SETTINGS',
            frozenset({'connect_retry_delay'}),
        ):
            # openstacksdk passed it and clouds.yaml sets none (whatever
            # the configuration holds, the proxy has the value of it).
            self.assertIsNone(
                _compat.retry_setting(proxy, 'connect_retry_delay')
            )
            self.assertEqual([], region.asked)
            # Not passed: read.
            self.assertEqual(
                2.0, _compat.retry_setting(proxy, 'status_code_retry_delay')
            )
        self.assertEqual(
            [('status_code_retry_delay', 'block-storage', True)],
            region.asked,
        )


def _values(policy: Any) -> tuple[Any, ...]:
    """A transport policy's values, in the order of its fields."""
    return (
        policy.connect_retries,
        policy.status_code_retries,
        policy.connect_retry_delay,
        policy.status_code_retry_delay,
        policy.retriable_codes,
        policy.max_retry_after,
    )


class TestPolicyReadsOnlyWhatIsNotPassed(fakes.ProxyTestCase):
    """On the installed openstacksdk, with a real cloud configuration."""

    register_plugin = False

    def test_configuration_read_for_what_is_not_passed(self) -> None:
        conn = self.make_connection(
            vendor_hook='snapshot_ext:register',
            block_storage_connect_retries=1,
            block_storage_status_code_retries=5,
            block_storage_connect_retry_delay=0.25,
            block_storage_status_code_retry_delay='0.75',
            block_storage_retriable_status_codes='503,504',
            block_storage_max_retry_after=9,
        )
        self.register_discovery()
        proxy = conn.block_storage
        read = mock.Mock(wraps=cloud_region.CloudRegion._get_config)
        with mock.patch.object(cloud_region.CloudRegion, '_get_config', read):
            policy = _transport.settings_from_proxy(proxy)
        self.assertEqual(
            {
                'connect_retry_delay',
                'status_code_retry_delay',
                'retriable_status_codes',
                'max_retry_after',
            }
            - _compat.PASSED_RETRY_SETTINGS,
            {c.args[1] for c in read.call_args_list},
        )
        self.assertEqual(
            (1, 5, 0.25, 0.75, frozenset({503, 504}), 9.0),
            _values(policy),
        )

    def test_settings_named_nowhere_are_not_looked_up(self) -> None:
        conn = self.make_connection(vendor_hook='snapshot_ext:register')
        self.register_discovery()
        proxy = conn.block_storage
        read = mock.Mock(wraps=cloud_region.CloudRegion._get_config)
        with mock.patch.object(cloud_region.CloudRegion, '_get_config', read):
            policy = _transport.settings_from_proxy(proxy)
        self.assertEqual([], read.call_args_list)
        self.assertEqual(
            (3, 3, None, None, frozenset({502, 503, 504}), 60.0),
            _values(policy),
        )

    def test_max_retry_after_is_read_prefixed_only(self) -> None:
        conn = self.make_connection(
            vendor_hook='snapshot_ext:register',
            max_retry_after=5,
            volume_max_retry_after_x=7,
        )
        self.register_discovery()
        self.assertIsNone(
            _compat.cloud_setting(conn.block_storage, 'max_retry_after')
        )
        self.assertEqual(
            '5',
            _compat.cloud_setting(
                conn.block_storage,
                'max_retry_after',
                fallback_to_unprefixed=True,
            ),
        )
        self.assertEqual(
            60.0,
            _transport.settings_from_proxy(conn.block_storage).max_retry_after,
        )
