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

"""A snapshot workflow through ``conn.block_storage``, step by step.

Run it with ``tools/demo`` from the repository root: that starts the local
cloud when needed and points ``OS_CLIENT_CONFIG_FILE`` at its clouds.yaml.
Against another cloud::

    OS_CLIENT_CONFIG_FILE=clouds.yaml python examples/demo.py --cloud mine

The cloud's clouds.yaml entry needs ``vendor_hook: snapshot_ext:register``
and admin credentials (the demo resets statuses and force-deletes).

Step 11 runs ``openstack volume snapshot prune --dry-run`` and
``openstack volume snapshot deletable`` (read-only) from the virtualenv
``$SNAPSHOT_EXT_CLIENTS_VENV`` names, when it has OpenStackClient and
snapshot_ext; otherwise it says how to get them.

Everything the demo creates is deleted at the end, also when a step fails
or the demo is interrupted with Ctrl-C.  Exit status: 0 on success, 1 on
failure, 130 when interrupted.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from typing import Any
import uuid

import openstack
from openstack import connection
from openstack import exceptions as sdk_exceptions

import snapshot_ext
from snapshot_ext.v3 import snapshot as _snapshot

#: Seconds between two polls of a status.
INTERVAL = 0.25
#: Names the virtualenv with OpenStackClient and snapshot_ext (made by
#: tools/clients-venv); step 11 runs its ``openstack`` when it is set.
CLIENTS_VENV_ENV = 'SNAPSHOT_EXT_CLIENTS_VENV'


class DemoError(Exception):
    """A step did not give the result the demo expects."""


def say(text: str = '') -> None:
    """Print one line of the demo's story."""
    print(text, flush=True)


def step(number: int, title: str) -> None:
    """Print a step's heading."""
    say()
    say(f'[{number}] {title}')


def describe(snap: _snapshot.Snapshot) -> str:
    """One line about a snapshot: name, status, progress and metadata."""
    meta = ', '.join(
        f'{k}={v}' for k, v in sorted((snap.metadata or {}).items())
    )
    return (
        f'{snap.name!r} status={snap.status} progress={snap.progress or "-"}'
        f' metadata={{{meta}}}'
    )


class ProgressBar:
    """A progress display for ``wait_for_status(callback=...)``.

    On a terminal the bar is redrawn in place; otherwise a line is printed
    each time the percentage changes.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.last: int | None = None
        self.tty = sys.stdout.isatty()

    def __call__(self, percent: int) -> None:
        if percent == self.last:
            return
        self.last = percent
        filled = percent // 5
        bar = '#' * filled + '.' * (20 - filled)
        line = f'    {self.label} [{bar}] {percent:3d}%'
        if self.tty:
            print('\r' + line, end='', flush=True)
        else:
            say(line)

    def done(self) -> None:
        """Finish the line started on a terminal."""
        if self.tty and self.last is not None:
            print(flush=True)


class Demo:
    """The demo's steps and the record of what must be cleaned up.

    :param conn: An admin connection with snapshot_ext plugged in.
    :param timeout: Bound of every wait, in seconds.
    """

    def __init__(self, conn: connection.Connection, timeout: float) -> None:
        proxy = conn.block_storage
        if not isinstance(proxy, snapshot_ext.Proxy):
            raise DemoError(
                'snapshot_ext is not plugged into this connection: add '
                '"vendor_hook: snapshot_ext:register" to the cloud in '
                'clouds.yaml'
            )
        self.conn = conn
        self.proxy = proxy
        self.timeout = timeout
        self.tag = uuid.uuid4().hex[:6]
        self.volume_id: str | None = None
        self.snapshot_ids: list[str] = []
        self.backend_error: Exception | None = None

    # ----------------------------------------------------------- helpers

    def name(self, what: str) -> str:
        return f'demo-{self.tag}-{what}'

    def wait_available(
        self, snap: _snapshot.Snapshot, label: str
    ) -> _snapshot.Snapshot:
        bar = ProgressBar(label)
        try:
            return self.proxy.wait_for_status(
                snap,
                status='available',
                interval=INTERVAL,
                wait=int(self.timeout),
                callback=bar,
            )
        finally:
            bar.done()

    def create_snapshot(self, name: str, **attrs: Any) -> _snapshot.Snapshot:
        assert self.volume_id is not None
        snap = self.proxy.create_snapshot(
            volume_id=self.volume_id, name=name, **attrs
        )
        self.snapshot_ids.append(snap.id)
        return snap

    # ----------------------------------------------------------- steps

    def run(self) -> None:
        step(1, 'Connect')
        say(
            f'    Connected to cloud {self.conn.config.name!r}, project '
            f'{self.conn.current_project_id}.'
        )
        say(
            f'    The vendor_hook in clouds.yaml plugged snapshot_ext in: '
            f'{snapshot_ext.is_registered(self.conn)}.'
        )
        say(
            f'    Snapshot requests use Block Storage microversion '
            f'{self.proxy.snapshot_microversion} (the highest both sides '
            f'support).'
        )

        step(2, 'Create a 1 GiB volume to take snapshots of')
        vol = self.proxy.create_volume(size=1, name=self.name('volume'))
        self.volume_id = vol.id
        vol = self.proxy.wait_for_status(
            vol, status='available', interval=INTERVAL, wait=int(self.timeout)
        )
        say(f'    Volume {vol.name!r} ({vol.id}) is {vol.status}.')

        step(3, 'Snapshot it, with metadata, and wait with a progress bar')
        snap = self.create_snapshot(
            self.name('nightly'),
            description='Nightly backup before the upgrade',
            metadata={'purpose': 'backup', 'schedule': 'nightly'},
        )
        say(f'    Cinder accepted the snapshot: {describe(snap)}')
        snap = self.wait_available(snap, 'creating')
        say(f'    Ready: {describe(snap)}')
        say(f'    Created at {snap.created} (a timezone-aware datetime).')

        step(4, 'A storage backend reports progress (played by the admin)')
        say(
            '    Backends report progress with os-update_snapshot_status;'
            ' here a thread plays a slow backend on a snapshot reset to'
            ' "creating".'
        )
        self.proxy.reset_snapshot_status(snap, 'creating')
        self.proxy.set_snapshot_status(snap, 'creating', progress=0)
        snap = self.proxy.get_snapshot(snap.id)
        backend = threading.Thread(
            target=self._slow_backend, args=(snap.id,), daemon=True
        )
        backend.start()
        snap = self.wait_available(snap, 'backend ')
        backend.join(self.timeout)
        if self.backend_error is not None:
            raise DemoError(f'the backend thread failed: {self.backend_error}')
        say(f'    Ready again: {describe(snap)}')

        step(5, 'Take four more snapshots, then list them page by page')
        more = [
            self.create_snapshot(
                self.name(f'hourly-{hour:02d}'),
                metadata={'purpose': 'backup', 'schedule': 'hourly'},
            )
            for hour in (9, 10, 11, 12)
        ]
        for extra in more:
            self.wait_available(extra, extra.name[-9:])
        pages = self.proxy.snapshot_pages(
            volume_id=self.volume_id,
            page_size=2,
            sort='name:asc',
            with_count=True,
        )
        for page in pages:
            if not page.items and page.number > 1:
                # Cinder may link to one more page that turns out empty.
                continue
            names = ', '.join(s.name for s in page)
            total = f' of {page.count}' if page.count is not None else ''
            say(
                f'    page {page.number}: {len(page)} snapshot(s){total}: '
                f'{names}'
            )

        step(6, 'Filter the listing')
        self._show_filter(
            'metadata schedule=hourly',
            metadata={'schedule': 'hourly'},
        )
        self._show_filter('name contains "hourly-1"', name_like='hourly-1')
        self._show_filter('status=available', status='available')
        first_two = list(
            self.proxy.snapshots(
                volume_id=self.volume_id, sort='name:desc', max_items=2
            )
        )
        say(
            f'    the last two by name (max_items=2): '
            f'{", ".join(s.name for s in first_two)}'
        )

        step(7, 'Rename the snapshot and change its description')
        self.proxy.update_snapshot(
            snap,
            name=self.name('pre-upgrade'),
            description='Kept until the upgrade is verified',
        )
        snap = self.proxy.get_snapshot(snap.id)
        say(f'    The server now has: {snap.name!r}, "{snap.description}"')

        step(8, 'Replace its metadata (keys not given are removed)')
        say(f'    before: {snap.metadata}')
        self.proxy.replace_snapshot_metadata(
            snap, purpose='upgrade', ticket='OPS-1234'
        )
        say(
            f'    after:  '
            f'{self.proxy.fetch_snapshot_metadata(snap.id).metadata}'
        )

        step(9, 'Reset a status as an admin')
        hourly = more[0]
        self.proxy.reset_snapshot_status(hourly, 'error')
        say(
            f'    {hourly.name!r} reset to '
            f'{self.proxy.get_snapshot(hourly.id).status!r}'
        )
        self.proxy.reset_snapshot_status(hourly, 'available')
        say(f'    and back to {self.proxy.get_snapshot(hourly.id).status!r}')

        step(10, 'Force-delete a snapshot stuck in error_deleting')
        stuck = more[1]
        self.proxy.reset_snapshot_status(stuck, 'error_deleting')
        say(f'    {stuck.name!r} is now stuck in error_deleting.')
        try:
            self.proxy.delete_snapshot(stuck)
        except sdk_exceptions.BadRequestException as exc:
            say(f'    A plain delete is refused (HTTP {exc.status_code}):')
            say(f'      "{exc.details}"')
        else:
            raise DemoError('a plain delete of error_deleting was accepted')
        self.proxy.force_delete_snapshot(stuck)
        self.proxy.wait_for_delete(
            stuck, interval=INTERVAL, wait=int(self.timeout)
        )
        self.snapshot_ids.remove(stuck.id)
        say('    The admin force delete removed it: GET now answers 404.')

        step(11, 'The same from the command line (openstack volume snapshot)')
        self._command_line(snap.id)

        step(12, 'Clean up')
        self.cleanup()

    def _command_line(self, snapshot_id: str) -> None:
        """Run two read-only CLI commands, if the CLI is installed."""
        venv = os.environ.get(CLIENTS_VENV_ENV, '')
        openstack_cli = os.path.join(venv, 'bin', 'openstack') if venv else ''
        if not (openstack_cli and os.access(openstack_cli, os.X_OK)):
            say(
                '    The OpenStackClient plugin is not installed here.  '
                'Install it with `pip install snapshot_ext[cli]`, or run'
            )
            say(
                f'    `tools/clients-venv` and then `{CLIENTS_VENV_ENV}='
                f'$(tools/clients-venv) tools/demo` to see this step.'
            )
            return
        cloud = str(self.conn.config.name)
        for args in (
            # A dry run: shows the plan, deletes nothing.
            ['volume', 'snapshot', 'prune', '--volume', str(self.volume_id),
             '--keep', '2', '--dry-run', '-c', 'Name', '-c', 'Action'],
            ['volume', 'snapshot', 'deletable', snapshot_id,
             '-c', 'name', '-c', 'deletable'],
        ):  # fmt: skip
            say(f'    $ openstack {" ".join(args)}')
            done = subprocess.run(  # noqa: S603
                [openstack_cli, '--os-cloud', cloud, *args],
                capture_output=True,
                text=True,
                timeout=self.timeout * 2,
                check=False,
            )
            for line in (done.stdout + done.stderr).splitlines():
                say(f'      {line}')
            if done.returncode != 0:
                raise DemoError(
                    f'openstack {args[2]} exited {done.returncode}'
                )

    def _slow_backend(self, snapshot_id: str) -> None:
        try:
            for percent in (25, 50, 75):
                time.sleep(0.8)
                self.proxy.set_snapshot_status(
                    snapshot_id, 'creating', progress=percent
                )
            time.sleep(0.8)
            self.proxy.set_snapshot_status(
                snapshot_id, 'available', progress=100
            )
        except Exception as exc:  # handed to the main thread
            self.backend_error = exc

    def _show_filter(self, label: str, **query: Any) -> None:
        found = list(
            self.proxy.snapshots(
                volume_id=self.volume_id, sort='name:asc', **query
            )
        )
        say(
            f'    {label}: {len(found)} found: '
            f'{", ".join(s.name for s in found) or "-"}'
        )

    def cleanup(self, force: bool = False) -> None:
        """Delete what the demo created.

        :param force: Use the admin force delete (after a failure, when a
            snapshot may be in any status).
        """
        for snapshot_id in list(self.snapshot_ids):
            try:
                if force:
                    try:
                        self.proxy.force_delete_snapshot(
                            snapshot_id, ignore_missing=True
                        )
                    except sdk_exceptions.ForbiddenException:
                        # Not an admin: a plain delete is all there is.
                        self.proxy.delete_snapshot(snapshot_id)
                else:
                    self.proxy.delete_snapshot(snapshot_id)
                self.proxy.wait_for_delete(
                    self.proxy.get_snapshot(snapshot_id),
                    interval=INTERVAL,
                    wait=int(self.timeout),
                )
            except sdk_exceptions.NotFoundException:
                pass
            self.snapshot_ids.remove(snapshot_id)
        if self.snapshot_ids:
            return
        if not force:
            say('    Deleted every snapshot; none is left on the volume:')
            left = list(self.proxy.snapshots(volume_id=self.volume_id))
            say(f'      listing by volume_id finds {len(left)}.')
        if self.volume_id is not None:
            self.proxy.delete_volume(self.volume_id, ignore_missing=True)
            vol = self.proxy.find_volume(self.volume_id)
            if vol is not None:
                self.proxy.wait_for_delete(
                    vol, interval=INTERVAL, wait=int(self.timeout)
                )
            self.volume_id = None
            if not force:
                say('    Deleted the volume.')


def _cleanup_after(demo: Demo, reason: str) -> int:
    say()
    say(f'Cleaning up after {reason} ...')
    try:
        demo.cleanup(force=True)
    except KeyboardInterrupt:
        say(
            f'Cleanup interrupted; left behind: volume {demo.volume_id}, '
            f'snapshots {demo.snapshot_ids}'
        )
        return 1
    except Exception as exc:  # report, never hide, a failed cleanup
        say(
            f'Cleanup failed ({type(exc).__name__}: {exc}); left behind: '
            f'volume {demo.volume_id}, snapshots {demo.snapshot_ids}'
        )
        return 1
    say('Cleaned up.')
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the demo.

    :param argv: Command line arguments (default ``sys.argv[1:]``).
    :returns: The exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--cloud',
        default='devcloud-admin',
        help='cloud name in clouds.yaml (default: %(default)s)',
    )
    parser.add_argument(
        '--timeout',
        type=float,
        default=60.0,
        help='seconds to wait for any one status (default: %(default)s)',
    )
    args = parser.parse_args(argv)

    try:
        conn = openstack.connect(cloud=args.cloud)
        demo = Demo(conn, args.timeout)
    except (sdk_exceptions.SDKException, DemoError) as exc:
        say(f'Cannot use cloud {args.cloud!r}: {exc}')
        return 1
    except KeyboardInterrupt:
        return 130

    try:
        demo.run()
    except KeyboardInterrupt:
        status = _cleanup_after(demo, 'Ctrl-C')
        say('Interrupted.')
        return 130 if status == 0 else 1
    except Exception as exc:  # any failure: report it, then clean up
        say()
        say(f'FAILED: {type(exc).__name__}: {exc}')
        _cleanup_after(demo, 'the failure')
        return 1
    say()
    say('Done: every step gave the expected result.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
