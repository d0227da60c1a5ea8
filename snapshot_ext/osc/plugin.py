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

"""The module OpenStackClient loads for snapshot_ext's commands.

OpenStackClient finds it through the ``openstack.cli.extension`` entry
point and loads the commands of the ``openstack.snapshot_ext.v1`` entry
point group.  The commands do not need :func:`make_client`: each one
registers snapshot_ext on OpenStackClient's openstacksdk connection
itself, so they work with or without the clouds.yaml vendor hook.
"""

import argparse
import os
from typing import Any

import snapshot_ext

#: The ``ClientManager`` attribute OpenStackClient gives the client.
API_NAME = 'snapshot_ext'
#: The option naming the plugin's API version (``--os-snapshot-ext-api-
#: version``); there is one version.
API_VERSION_OPTION = 'os_snapshot_ext_api_version'
#: The plugin's one version; it selects ``openstack.snapshot_ext.v1``.
DEFAULT_API_VERSION = '1'
#: The versions the plugin knows.
API_VERSIONS = ('1',)


def make_client(instance: Any) -> Any:
    """Return snapshot_ext's block-storage proxy of OpenStackClient's cloud.

    :param instance: OpenStackClient's ``ClientManager``.
    :returns: The proxy of ``instance.sdk_connection``, with snapshot_ext
        registered on that connection (no request is sent for that).
    """
    return snapshot_ext.proxy(instance.sdk_connection)


def build_option_parser(
    parser: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """Add the plugin's global option to OpenStackClient's parser.

    :param parser: OpenStackClient's argument parser.
    :returns: The same parser.
    """
    parser.add_argument(
        '--os-snapshot-ext-api-version',
        metavar='<snapshot-ext-api-version>',
        default=os.environ.get(
            'OS_SNAPSHOT_EXT_API_VERSION', DEFAULT_API_VERSION
        ),
        help=(
            'snapshot_ext command version, default='
            f'{DEFAULT_API_VERSION} (Env: OS_SNAPSHOT_EXT_API_VERSION)'
        ),
    )
    return parser
