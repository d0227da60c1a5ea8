"""Keystone under gunicorn on 127.0.0.1:5000, and its catalog."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
import os
from typing import Any

from devcloudlib.config import CINDER_ENDPOINT
from devcloudlib.config import DATA_DIR
from devcloudlib.config import KEYSTONE_URL
from devcloudlib.config import REGION
from devcloudlib.config import Paths
from devcloudlib.config import keystone_conf_values
from devcloudlib.config import render
from devcloudlib.config import stamp_ok
from devcloudlib.config import stamp_set
from devcloudlib.httpapi import get_token
from devcloudlib.httpapi import http
from devcloudlib.infra import child_env
from devcloudlib.infra import current_group
from devcloudlib.infra import current_user
from devcloudlib.launch import run
from devcloudlib.launch import spawn
from devcloudlib.launch import wait_for
from devcloudlib.output import say
from devcloudlib.processes import PidRecords


def keystone_conf(paths: Paths) -> str:
    """The path of the rendered keystone.conf.

    :param paths: the state layout.
    :returns: the path.
    """
    return os.path.join(paths.etc, 'keystone', 'keystone.conf')


def _keystone_bootstrap(paths: Paths, sec: Mapping[str, str]) -> None:
    conf = keystone_conf(paths)
    manage = [paths.bin('keystone-manage'), '--config-file', conf]
    env = child_env(paths)
    user = current_user()
    group = current_group()
    for d in ('fernet-keys', 'credential-keys'):
        os.makedirs(
            os.path.join(paths.state, 'keystone', d), mode=0o700, exist_ok=True
        )
    run(
        paths,
        'keystone',
        [*manage, 'db_sync'],
        env,
        300,
        None,
        'keystone-manage',
    )
    for setup in ('fernet_setup', 'credential_setup'):
        run(
            paths,
            'keystone',
            [
                *manage,
                setup,
                '--keystone-user',
                user,
                '--keystone-group',
                group,
            ],
            env,
            120,
            None,
            'keystone-manage',
        )
    url = KEYSTONE_URL + '/v3/'
    # The password goes through the environment, not the command line.
    run(
        paths,
        'keystone',
        [
            *manage,
            'bootstrap',
            '--bootstrap-username',
            'admin',
            '--bootstrap-project-name',
            'admin',
            '--bootstrap-role-name',
            'admin',
            '--bootstrap-service-name',
            'keystone',
            '--bootstrap-region-id',
            REGION,
            '--bootstrap-admin-url',
            url,
            '--bootstrap-internal-url',
            url,
            '--bootstrap-public-url',
            url,
        ],
        child_env(paths, {'OS_BOOTSTRAP_PASSWORD': sec['admin']}),
        120,
        None,
        'keystone-manage',
    )


def start_keystone(
    paths: Paths, pids: PidRecords, sec: Mapping[str, str]
) -> None:
    """Start Keystone under gunicorn on 127.0.0.1:5000.

    The first time, its database, keys and admin user are made.

    :param paths: the state layout.
    :param pids: every record; Keystone's is added.
    :param sec: the passwords.
    :raises Failure: when it does not answer within 90 s.
    """
    conf = keystone_conf(paths)
    render('keystone.conf.in', conf, keystone_conf_values(paths, sec))
    if not stamp_ok(paths, 'keystone-db'):
        _keystone_bootstrap(paths, sec)
        stamp_set(paths, 'keystone-db')
        say('keystone: database, keys and admin created')
    argv = [
        paths.bin('gunicorn'),
        '--no-control-socket',
        '--bind',
        '127.0.0.1:5000',
        '--workers',
        '2',
        '--timeout',
        '120',
        '--graceful-timeout',
        '5',
        '--chdir',
        DATA_DIR,
        '--pythonpath',
        DATA_DIR,
        '--access-logfile',
        paths.log('keystone-access'),
        'keystone_wsgi:application',
    ]
    # No bytecode cache is written next to the shim in the source tree.
    env = child_env(
        paths,
        {
            'OS_KEYSTONE_CONFIG_DIR': os.path.dirname(conf),
            'PYTHONDONTWRITEBYTECODE': '1',
        },
    )
    p = spawn(paths, 'keystone', argv, env, pids)

    def versions() -> bool:
        status, _, _ = http('GET', KEYSTONE_URL + '/v3', timeout=5)
        return status == 200

    wait_for(
        paths, 'keystone', versions, 90, p, f'answering on {KEYSTONE_URL}/v3'
    )
    say(f'keystone: up (pid {p.pid}, {KEYSTONE_URL}/v3)')


class Identity:
    """Idempotent creation of Keystone resources through its REST API."""

    def __init__(self, token: str) -> None:
        """Use an admin token.

        :param token: the token.
        """
        self.token = token

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        ok: Sequence[int] = (200, 201, 204),
    ) -> Any:
        """One identity API call.

        :param method: the HTTP method.
        :param path: the path below ``/v3``.
        :param body: a JSON body, or None.
        :param ok: the statuses that count as success.
        :returns: the decoded body.
        :raises RuntimeError: on any other status.
        """
        status, _, data = http(
            method, KEYSTONE_URL + '/v3' + path, body, self.token
        )
        if status not in ok:
            raise RuntimeError(f'{method} {path}: HTTP {status} {data}')
        return data

    def find(self, collection: str, **query: str) -> Any:
        """The first resource of a collection matching a query.

        :param collection: e.g. ``projects``.
        :param query: the query parameters.
        :returns: the resource, or None.
        """
        q = '&'.join('{}={}'.format(*kv) for kv in sorted(query.items()))
        items = self.call('GET', f'/{collection}?{q}')[collection]
        return items[0] if items else None

    def ensure(self, collection: str, body: Any, **query: str) -> Any:
        """Find a resource, or create it.

        :param collection: e.g. ``roles``.
        :param body: the resource to create.
        :param query: how to find it.
        :returns: the resource.
        """
        found = self.find(collection, **query)
        if found:
            return found
        key = collection[:-1]
        return self.call('POST', '/' + collection, {key: body})[key]

    def ensure_user(self, name: str, password: str, project_id: str) -> Any:
        """Create a user, or reset an existing one's password.

        :param name: the user, in domain ``default``.
        :param password: the password.
        :param project_id: the default project.
        :returns: the user.
        """
        user = self.find('users', name=name, domain_id='default')
        if user:
            self.call(
                'PATCH',
                '/users/' + user['id'],
                {'user': {'password': password, 'enabled': True}},
            )
            return user
        return self.call(
            'POST',
            '/users',
            {
                'user': {
                    'name': name,
                    'password': password,
                    'domain_id': 'default',
                    'default_project_id': project_id,
                }
            },
        )['user']

    def grant(self, project_id: str, user_id: str, role_id: str) -> None:
        """Grant a role on a project.

        :param project_id: the project.
        :param user_id: the user.
        :param role_id: the role.
        """
        self.call(
            'PUT', f'/projects/{project_id}/users/{user_id}/roles/{role_id}'
        )

    def ensure_service(self, stype: str, name: str, url: str) -> None:
        """Register a service with one endpoint per interface.

        :param stype: the service type.
        :param name: the service name.
        :param url: the endpoint URL, for every interface.
        """
        svc = self.ensure(
            'services',
            {'type': stype, 'name': name, 'enabled': True},
            type=stype,
        )
        for iface in ('public', 'internal', 'admin'):
            eps = self.call(
                'GET', f'/endpoints?service_id={svc["id"]}&interface={iface}'
            )['endpoints']
            if any(
                e['url'] == url and e.get('region_id') == REGION for e in eps
            ):
                continue
            for e in eps:
                self.call('DELETE', '/endpoints/' + e['id'])
            self.call(
                'POST',
                '/endpoints',
                {
                    'endpoint': {
                        'service_id': svc['id'],
                        'interface': iface,
                        'url': url,
                        'region_id': REGION,
                        'enabled': True,
                    }
                },
            )


def ensure_identity(paths: Paths, sec: Mapping[str, str]) -> None:
    """Projects, users, roles and the block-storage catalog entry, once.

    :param paths: the state layout.
    :param sec: the passwords.
    :raises RuntimeError: when a Keystone call fails.
    """
    if stamp_ok(paths, 'identity', CINDER_ENDPOINT):
        return
    token, _ = get_token('admin', sec['admin'], 'admin')
    ks = Identity(token)
    roles = {
        r: ks.ensure('roles', {'name': r}, name=r)['id']
        for r in ('admin', 'member', 'reader', 'service')
    }
    service = ks.ensure(
        'projects',
        {
            'name': 'service',
            'domain_id': 'default',
            'description': 'devcloud services',
        },
        name='service',
        domain_id='default',
    )
    demo = ks.ensure(
        'projects',
        {
            'name': 'demo',
            'domain_id': 'default',
            'description': 'devcloud member project',
        },
        name='demo',
        domain_id='default',
    )
    cinder = ks.ensure_user('cinder', sec['cinder'], service['id'])
    ks.grant(service['id'], cinder['id'], roles['admin'])
    ks.grant(service['id'], cinder['id'], roles['service'])
    member = ks.ensure_user('demo', sec['demo'], demo['id'])
    ks.grant(demo['id'], member['id'], roles['member'])
    ks.ensure_service('block-storage', 'cinder', CINDER_ENDPOINT)
    ks.ensure_service('volumev3', 'cinderv3', CINDER_ENDPOINT)
    stamp_set(paths, 'identity', CINDER_ENDPOINT)
    say(
        'keystone: projects service+demo, users cinder+demo, '
        'block-storage endpoint registered'
    )
