"""devcloud: a real Keystone and Cinder on 127.0.0.1 for functional tests.

The ``tools/devcloud`` command is a thin entry point into this package.
Modules:

- :mod:`devcloudlib.config`: the state folder layout, ports, secrets and
  the rendering of configuration files;
- :mod:`devcloudlib.output`: progress lines, failures and log tails;
- :mod:`devcloudlib.processes`: the pid records of started services,
  recognising their processes and stopping them, bounded;
- :mod:`devcloudlib.launch`: starting services and running commands,
  bounded;
- :mod:`devcloudlib.ports`: which TCP ports are taken and by whom;
- :mod:`devcloudlib.httpapi`: small JSON HTTP calls to Keystone and Cinder;
- :mod:`devcloudlib.install`: the Debian packages and the virtualenv;
- :mod:`devcloudlib.infra`: MariaDB, epmd and RabbitMQ;
- :mod:`devcloudlib.identity`: Keystone and its catalog;
- :mod:`devcloudlib.blockstorage`: cinder-api, cinder-scheduler and
  cinder-volume;
- :mod:`devcloudlib.control`: stopping, starting and restarting one
  service, and revoking a user's tokens;
- :mod:`devcloudlib.cli`: the commands.

Python standard library only: it runs under the system ``python3`` before
any virtualenv exists.
"""
