#!/usr/bin/env python3
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

"""Time a nightly snapshot rotation of many volumes on the devcloud.

The workflow, for ``--volumes`` volumes (20 by default): snapshot each
volume, wait until every new snapshot is ``available``, prune each volume
to its ``--keep`` newest snapshots (3 by default), and wait until the
pruned snapshots are gone.  The volumes start with ``--keep`` snapshots
each (made before the first timed round, not timed), so every round
creates one snapshot per volume and deletes one per volume.

Each round runs every way once, in a rotating order, and records its wall
time, the time until its new snapshots were all ``available``, and its
HTTP requests:

``snapshot_ext``
    the plugin's bulk verbs: ``create_snapshots(..., wait=True)``, then
    one ``prune_snapshots_of_volumes(..., dry_run=False, wait=True)`` for
    all the volumes (one snapshot listing, one volume listing, the
    deletions and one wait), with ``--concurrency`` threads and a first
    poll pause of ``--interval`` seconds;
``snapshot_ext_defaults``
    the same calls without ``concurrency``, ``interval`` or ``timeout``
    arguments: the library's defaults (8 threads, a first pause of 0.5
    seconds; earlier 2 seconds);
``snapshot_ext_per_volume``
    the same creates, then one ``prune_snapshots(..., dry_run=False)``
    per volume run by ``--concurrency`` threads (a snapshot listing and
    a volume listing each), then one ``wait_for_snapshots(...,
    'deleted')`` for all the deletions;
``openstacksdk``
    the loop as users write it on openstacksdk's own block-storage proxy
    (no plugin), the way Ansible's ``volume_snapshot`` module runs it:
    per volume ``create_snapshot`` and ``wait_for_status(snapshot,
    'available')``; then per volume ``snapshots(details=True,
    volume_id=...)``, sorted by ``created_at``, and per snapshot beyond
    the newest ``--keep`` ``delete_snapshot`` and
    ``wait_for_delete(snapshot)``; every wait at openstacksdk's
    default interval (a ``GET`` at once, then one every 2 seconds);
``openstacksdk_batched``
    a tuned loop on the same proxy: every ``create_snapshot`` first, then
    ``wait_for_status`` per snapshot, then per volume the listing and
    ``delete_snapshot`` of the older ones, then ``wait_for_delete`` per
    deleted snapshot; the waits poll every ``--interval`` seconds;
``ansible``
    the same as a playbook of the ``openstack.cloud`` collection
    (``volume_snapshot`` with ``wait: true`` per volume,
    ``volume_snapshot_info``, ``volume_snapshot`` ``state: absent`` per
    pruned snapshot), run by ``ansible-playbook`` from ``--ansible-venv``
    (``tools/clients-venv`` makes it) on stock openstacksdk; its
    requests are counted from the modules' openstacksdk debug log;
``floor``
    what Cinder itself needs: a bare keystoneauth session sends the
    creates (``--floor-concurrency`` threads, 1 by default) to absolute
    URLs, lists the snapshots every ``--floor-interval`` seconds (0.1)
    until all are ``available``, prunes from that listing, then the same
    for the deletions.

The table shows the medians of the wall times and request counts, and the
ratios to both openstacksdk loops and to the floor.  Everything the
script makes is deleted at the end, also after a failure, and the run is
bounded by ``--time-limit``.

Usage::

    tools/devcloud up
    tools/clients-venv
    .venv/bin/python tools/bench/workflow_devcloud.py --rounds 5 \
        --ansible-rounds 1

It reads ``$DEVCLOUD_DIR/clouds.yaml`` (``.devcloud/clouds.yaml`` of the
clone by default) unless ``OS_CLIENT_CONFIG_FILE`` is set.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from collections.abc import Sequence
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, ROOT]

import clients  # noqa: E402

WAYS = (
    'snapshot_ext',
    'snapshot_ext_defaults',
    'snapshot_ext_per_volume',
    'openstacksdk',
    'openstacksdk_batched',
    'ansible',
    'floor',
)
#: Seconds any single wait of the script may take.
WAIT_BOUND = 600.0


class Deadline:
    """The run's time bound.

    :param seconds: How long the run may take.
    """

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left (never negative).

        :returns: The seconds.
        """
        return max(0.0, self.end - time.monotonic())

    def check(self, what: str) -> None:
        """Stop when the time is up.

        :param what: What was about to start, for the message.
        :raises: RuntimeError when the time is up.
        """
        if not self.left():
            raise RuntimeError(f'time limit reached before {what}')


class Counter:
    """Count the HTTP responses a requests session receives.

    :param session: A :class:`requests.Session`.
    """

    def __init__(self, session: Any) -> None:
        self._session = session
        self._lock = threading.Lock()
        self.count = 0

    def _hook(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.count += 1
        return response

    def __enter__(self) -> Counter:
        self._session.hooks.setdefault('response', []).append(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.hooks['response'].remove(self._hook)


def devcloud_clouds_yaml() -> str | None:
    """Find the local cloud's clouds.yaml.

    :returns: ``$OS_CLIENT_CONFIG_FILE``, else ``$DEVCLOUD_DIR/clouds.yaml``,
        else ``.devcloud/clouds.yaml`` of the clone; ``None``, with a
        message on stderr, when that file does not exist.
    """
    clouds_yaml = os.environ.get('OS_CLIENT_CONFIG_FILE') or os.path.join(
        os.environ.get('DEVCLOUD_DIR') or os.path.join(ROOT, '.devcloud'),
        'clouds.yaml',
    )
    if not os.path.isfile(clouds_yaml):
        print(
            f'no devcloud: {clouds_yaml} does not exist (tools/devcloud up)',
            file=sys.stderr,
        )
        return None
    return clouds_yaml


def connect(cloud: str, clouds_yaml: str, plugin: bool) -> Any:
    """Connect to the cloud, with or without snapshot_ext.

    :param cloud: The clouds.yaml cloud.
    :param clouds_yaml: The clouds.yaml file.
    :param plugin: Register snapshot_ext on the connection.
    :returns: The openstacksdk Connection.
    """
    from openstack import connection

    region = clients._cloud_region(cloud, clouds_yaml)
    # The devcloud registers snapshot_ext by a vendor hook; whether it is
    # registered is the caller's choice here.
    region.config.pop('vendor_hook', None)
    conn = connection.Connection(config=region)
    if plugin:
        import snapshot_ext

        snapshot_ext.register(conn)
    return conn


def newest_first(snapshots: Sequence[Any]) -> list[Any]:
    """Sort snapshots newest first by ``created_at`` (ISO strings).

    :param snapshots: Objects with ``created_at`` and ``id``.
    :returns: The sorted list.
    """
    return sorted(
        snapshots, key=lambda s: (s.created_at or '', s.id), reverse=True
    )


# The ways -------------------------------------------------------------


def rotate_snapshot_ext(
    conn: Any,
    volume_ids: list[str],
    keep: int,
    tag: str,
    concurrency: int | None,
    interval: float | None,
    per_volume: bool = False,
) -> float:
    """The rotation with snapshot_ext's bulk verbs.

    ``create_snapshots(..., wait=True)``, then one
    ``prune_snapshots_of_volumes(..., dry_run=False, wait=True)``.

    :param conn: A Connection with snapshot_ext registered.
    :param volume_ids: The volumes.
    :param keep: Snapshots to keep per volume.
    :param tag: A name suffix for this round's snapshots.
    :param concurrency: Threads for the bulk verbs; ``None``, with
        ``interval=None``, to pass no ``concurrency``, ``interval`` or
        ``timeout`` at all (the library's defaults).
    :param interval: Seconds before the second poll of each wait.
    :param per_volume: Prune with one ``prune_snapshots`` per volume
        (``concurrency`` threads) and one wait for all, rather than one
        ``prune_snapshots_of_volumes``.
    :returns: Seconds until every new snapshot was ``available``.
    """
    tuning: dict[str, Any] = {}
    if concurrency is not None or interval is not None:
        tuning = {
            'concurrency': concurrency,
            'timeout': WAIT_BOUND,
            'interval': interval,
        }
    start = time.perf_counter()
    proxy = conn.block_storage
    proxy.create_snapshots(
        [{'volume_id': v, 'name': f'nightly-{tag}-{v}'} for v in volume_ids],
        wait=True,
        **tuning,
    ).raise_for_errors()
    created = time.perf_counter() - start

    if not per_volume:
        for result in proxy.prune_snapshots_of_volumes(
            volume_ids, keep=keep, dry_run=False, wait=True, **tuning
        ):
            result.raise_for_errors()
        return created
    assert concurrency is not None

    def prune(volume_id: str) -> list[Any]:
        result = proxy.prune_snapshots(
            volume_id, keep=keep, dry_run=False, concurrency=concurrency
        )
        result.raise_for_errors()
        return list(result.deleted)

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        pruned = list(pool.map(prune, volume_ids))
    deleted = [snapshot for each in pruned for snapshot in each]
    if deleted:
        proxy.wait_for_snapshots(
            deleted, 'deleted', interval=interval, wait=WAIT_BOUND
        ).raise_for_errors()
    return created


def _prune_candidates(snapshots: Sequence[Any], keep: int) -> list[Any]:
    """The snapshots a stock loop deletes: all but the newest available.

    :param snapshots: One volume's snapshots.
    :param keep: Available snapshots to keep.
    :returns: The older ``available`` or ``error`` snapshots, newest
        first.
    """
    ordered = newest_first(snapshots)
    available = [s for s in ordered if s.status == 'available']
    if len(available) <= keep:
        return []
    oldest_kept = available[keep - 1]
    return [
        s
        for s in ordered
        if (s.created_at, s.id) < (oldest_kept.created_at, oldest_kept.id)
        and s.status in ('available', 'error')
    ]


def rotate_openstacksdk(
    conn: Any,
    volume_ids: list[str],
    keep: int,
    tag: str,
    concurrency: int,
    interval: float,
) -> float:
    """The rotation as users write it with openstacksdk's own proxy.

    One volume after the other: ``create_snapshot``, then
    ``wait_for_status(snapshot, 'available')`` with openstacksdk's
    default interval (a ``GET`` at once, then one every 2 seconds).
    Then per volume ``snapshots(details=True, volume_id=...)``, sorted
    by ``created_at``, and for each snapshot beyond the newest ``keep``:
    ``delete_snapshot``, then ``wait_for_delete(snapshot)``, again with
    the default interval.  This is what Ansible's
    ``openstack.cloud.volume_snapshot`` module does with ``wait: true``
    for every volume and every pruned snapshot, and how openstacksdk's
    examples create and delete a resource: each call followed by its
    wait.  Like the module, which passes its ``timeout``, the loop gives
    each wait a bound (:data:`WAIT_BOUND`; ``wait_for_status`` would
    otherwise wait forever); the bound does not change when it polls.

    :param conn: A Connection without snapshot_ext.
    :param volume_ids: The volumes.
    :param keep: Snapshots to keep per volume.
    :param tag: A name suffix for this round's snapshots.
    :param concurrency: Unused: the loop is sequential.
    :param interval: Unused: the loop keeps openstacksdk's default
        interval.
    :returns: Seconds until every new snapshot was ``available``.
    """
    start = time.perf_counter()
    proxy = conn.block_storage
    for volume_id in volume_ids:
        snapshot = proxy.create_snapshot(
            volume_id=volume_id, name=f'nightly-{tag}-{volume_id}'
        )
        proxy.wait_for_status(snapshot, 'available', wait=int(WAIT_BOUND))
    made = time.perf_counter() - start
    for volume_id in volume_ids:
        snapshots = list(proxy.snapshots(details=True, volume_id=volume_id))
        for snapshot in _prune_candidates(snapshots, keep):
            proxy.delete_snapshot(snapshot)
            proxy.wait_for_delete(snapshot, wait=int(WAIT_BOUND))
    return made


def rotate_openstacksdk_batched(
    conn: Any,
    volume_ids: list[str],
    keep: int,
    tag: str,
    concurrency: int,
    interval: float,
) -> float:
    """The rotation as a tuned loop on openstacksdk's own proxy.

    Every ``create_snapshot`` first, then ``wait_for_status`` per
    snapshot with ``interval`` (so the waits overlap the server's work
    instead of following each create); then per volume
    ``snapshots(details=True, volume_id=...)``, sorted by
    ``created_at``, ``delete_snapshot`` of every snapshot beyond the
    newest ``keep``, and only then ``wait_for_delete`` per deleted
    snapshot, with ``interval``.

    :param conn: A Connection without snapshot_ext.
    :param volume_ids: The volumes.
    :param keep: Snapshots to keep per volume.
    :param tag: A name suffix for this round's snapshots.
    :param concurrency: Unused: the loop is sequential.
    :param interval: Seconds between polls.
    :returns: Seconds until every new snapshot was ``available``.
    """
    start = time.perf_counter()
    proxy = conn.block_storage
    created = [
        proxy.create_snapshot(volume_id=v, name=f'nightly-{tag}-{v}')
        for v in volume_ids
    ]
    for snapshot in created:
        proxy.wait_for_status(
            snapshot, 'available', interval=interval, wait=int(WAIT_BOUND)
        )
    made = time.perf_counter() - start
    pruned: list[Any] = []
    for volume_id in volume_ids:
        snapshots = list(proxy.snapshots(details=True, volume_id=volume_id))
        for snapshot in _prune_candidates(snapshots, keep):
            proxy.delete_snapshot(snapshot)
            pruned.append(snapshot)
    for snapshot in pruned:
        proxy.wait_for_delete(
            snapshot, interval=interval, wait=int(WAIT_BOUND)
        )
    return made


_PLAYBOOK = """\
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/openstack.cloud.openstack:
      cloud: "{{ cloud }}"
      timeout: %(timeout)d
      sdk_log_path: "{{ sdk_log }}"
      sdk_log_level: DEBUG
  vars:
    prune: []
  tasks:
    - name: Snapshot every volume
      openstack.cloud.volume_snapshot:
        volume: "{{ item }}"
        name: "nightly-{{ tag }}-{{ item }}"
        state: present
        wait: true
      loop: "{{ volume_ids }}"
    - name: List the snapshots
      openstack.cloud.volume_snapshot_info:
        details: true
      register: info
    - name: Choose the snapshots beyond the newest of each volume
      ansible.builtin.set_fact:
        prune: >-
          {{ prune + (info.volume_snapshots
             | selectattr('volume_id', 'equalto', item)
             | selectattr('status', 'equalto', 'available')
             | sort(attribute='created_at', reverse=true)
             | list)[keep:] }}
      loop: "{{ volume_ids }}"
    - name: Delete them
      openstack.cloud.volume_snapshot:
        volume: "{{ item.volume_id }}"
        name: "{{ item.name }}"
        state: absent
        wait: true
      loop: "{{ prune }}"
"""


class Ansible:
    """``ansible-playbook`` with the openstack.cloud collection.

    :param venv: A virtualenv holding ansible-core, openstacksdk and
        ``collections/ansible_collections/openstack/cloud`` (what
        ``tools/clients-venv`` makes), or ``None`` to take
        ``ansible-playbook`` from ``PATH`` with the collections Ansible
        finds itself.
    """

    def __init__(self, venv: str | None) -> None:
        self.env: dict[str, str] = {}
        if venv:
            self.playbook = os.path.join(venv, 'bin', 'ansible-playbook')
            self.python = os.path.join(venv, 'bin', 'python')
            collections = os.path.join(venv, 'collections')
            if os.path.isdir(collections):
                self.env['ANSIBLE_COLLECTIONS_PATH'] = collections
        else:
            self.playbook = shutil.which('ansible-playbook') or ''
            self.python = sys.executable

    def available(self) -> str | None:
        """Say why the playbook cannot run, if it cannot.

        :returns: ``None`` when it can, else the reason.
        """
        if not self.playbook or not os.access(self.playbook, os.X_OK):
            return 'no ansible-playbook'
        galaxy = os.path.join(os.path.dirname(self.playbook), 'ansible-galaxy')
        done = subprocess.run(
            [galaxy, 'collection', 'list', 'openstack.cloud'],
            capture_output=True,
            text=True,
            env=dict(os.environ, **self.env),
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or 'openstack.cloud' not in done.stdout:
            return 'no openstack.cloud collection'
        return None

    def rotate(
        self,
        cloud: str,
        clouds_yaml: str,
        volume_ids: list[str],
        keep: int,
        tag: str,
    ) -> int:
        """The rotation as an Ansible playbook.

        The playbook runs on a copy of ``clouds_yaml`` without any
        ``vendor_hook``: stock openstacksdk under the modules.

        :param cloud: The clouds.yaml cloud.
        :param clouds_yaml: The clouds.yaml file.
        :param volume_ids: The volumes.
        :param keep: Snapshots to keep per volume.
        :param tag: A name suffix for this round's snapshots.
        :returns: The HTTP requests the modules sent (from the
            openstacksdk debug log the modules write).
        :raises: RuntimeError when the playbook fails.
        """
        import yaml  # type: ignore[import-untyped]

        with tempfile.TemporaryDirectory() as tmp:
            with open(clouds_yaml, encoding='utf-8') as f:
                config = yaml.safe_load(f)
            for entry in (config.get('clouds') or {}).values():
                entry.pop('vendor_hook', None)
            stock_yaml = os.path.join(tmp, 'clouds.yaml')
            fd = os.open(stock_yaml, os.O_WRONLY | os.O_CREAT, 0o600)
            with os.fdopen(fd, 'w', encoding='utf-8') as out:
                yaml.safe_dump(config, out)
            playbook = os.path.join(tmp, 'rotate.yaml')
            extra = os.path.join(tmp, 'vars.json')
            sdk_log = os.path.join(tmp, 'sdk.log')
            with open(playbook, 'w', encoding='utf-8') as out:
                out.write(_PLAYBOOK % {'timeout': int(WAIT_BOUND)})
            with open(extra, 'w', encoding='utf-8') as out:
                json.dump(
                    {
                        'cloud': cloud,
                        'volume_ids': volume_ids,
                        'keep': keep,
                        'tag': tag,
                        'sdk_log': sdk_log,
                        'ansible_python_interpreter': self.python,
                    },
                    out,
                )
            home = os.path.join(tmp, 'ansible')
            env = dict(
                os.environ,
                OS_CLIENT_CONFIG_FILE=stock_yaml,
                ANSIBLE_HOME=home,
                ANSIBLE_LOCAL_TEMP=os.path.join(home, 'tmp'),
                ANSIBLE_NOCOLOR='1',
                ANSIBLE_PIPELINING='1',
                ANSIBLE_RETRY_FILES_ENABLED='0',
                ANSIBLE_LOCALHOST_WARNING='0',
                ANSIBLE_INVENTORY_UNPARSED_WARNING='0',
                **self.env,
            )
            done = subprocess.run(
                [
                    self.playbook,
                    '-i',
                    'localhost,',
                    '-c',
                    'local',
                    '-e',
                    f'@{extra}',
                    playbook,
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=WAIT_BOUND * 3,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(
                    'the Ansible playbook failed:\n' + done.stdout[-2000:]
                )
            requests = 0
            if os.path.exists(sdk_log):
                with open(sdk_log, encoding='utf-8', errors='replace') as f:
                    requests = sum('REQ: curl' in line for line in f)
            return requests


class Floor:
    """Cinder's own time: raw requests, every one at once, fast polls.

    :param cloud: The clouds.yaml cloud.
    :param clouds_yaml: The clouds.yaml file.
    """

    def __init__(self, cloud: str, clouds_yaml: str) -> None:
        region = clients._cloud_region(cloud, clouds_yaml)
        self.session = region.get_session()
        endpoint = self.session.get_endpoint(
            service_type='block-storage',
            interface=region.get_interface('block-storage') or 'public',
            region_name=region.get_region_name('block-storage'),
        )
        if not endpoint:
            raise RuntimeError('no block-storage endpoint in the catalog')
        self.base = endpoint.rstrip('/')
        # Cinder 3.0 is all the floor needs.
        self.headers = {'OpenStack-API-Version': 'volume 3.0'}

    def listing(self, volume_ids: set[str]) -> dict[str, dict[str, Any]]:
        """The project's snapshots of these volumes, by ID.

        :param volume_ids: The volumes.
        :returns: The snapshots as decoded dicts.
        """
        url: str | None = f'{self.base}/snapshots/detail?limit=1000'
        found = {}
        while url:
            body = self.session.get(url, headers=self.headers).json()
            for snap in body['snapshots']:
                if snap['volume_id'] in volume_ids:
                    found[snap['id']] = snap
            url = None
            for link in body.get('snapshots_links') or ():
                if link.get('rel') == 'next':
                    url = link['href']
        return found

    def poll(
        self,
        done: Callable[[dict[str, dict[str, Any]]], bool],
        volume_ids: set[str],
        interval: float,
    ) -> dict[str, dict[str, Any]]:
        """Poll the listing until ``done`` says so.

        :param done: Tells from the listing whether the wait is over.
        :param volume_ids: The volumes whose snapshots matter.
        :param interval: Seconds between polls.
        :returns: The last listing.
        :raises: RuntimeError after :data:`WAIT_BOUND` seconds.
        """
        end = time.monotonic() + WAIT_BOUND
        while True:
            found = self.listing(volume_ids)
            if done(found):
                return found
            if time.monotonic() > end:
                raise RuntimeError('the floor wait timed out')
            time.sleep(interval)

    def rotate(
        self,
        volume_ids: list[str],
        keep: int,
        tag: str,
        concurrency: int,
        interval: float,
    ) -> float:
        """The rotation with the least client work.

        :param volume_ids: The volumes.
        :param keep: Snapshots to keep per volume.
        :param tag: A name suffix for this round's snapshots.
        :param concurrency: Threads sending the requests.
        :param interval: Seconds between polls.
        :returns: Seconds until every new snapshot was ``available``.
        """
        start = time.perf_counter()
        volumes = set(volume_ids)

        def create(volume_id: str) -> str:
            body = {'snapshot': {'volume_id': volume_id}}
            body['snapshot']['name'] = f'nightly-{tag}-{volume_id}'
            answer = self.session.post(
                f'{self.base}/snapshots', json=body, headers=self.headers
            )
            return str(answer.json()['snapshot']['id'])

        def delete(snapshot_id: str) -> None:
            self.session.delete(
                f'{self.base}/snapshots/{snapshot_id}', headers=self.headers
            )

        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            created = set(pool.map(create, volume_ids))

            def all_available(found: dict[str, dict[str, Any]]) -> bool:
                statuses = {found.get(i, {}).get('status') for i in created}
                if 'error' in statuses:
                    raise RuntimeError('a snapshot went to error')
                return statuses == {'available'}

            # The last listing shows every new snapshot: prune from it.
            snapshots = list(
                self.poll(all_available, volumes, interval).values()
            )
            made = time.perf_counter() - start
            pruned: list[str] = []
            for volume_id in volume_ids:
                own = sorted(
                    (
                        s
                        for s in snapshots
                        if s['volume_id'] == volume_id
                        and s['status'] == 'available'
                    ),
                    key=lambda s: (s['created_at'], s['id']),
                    reverse=True,
                )
                pruned.extend(s['id'] for s in own[keep:])
            list(pool.map(delete, pruned))
            gone = set(pruned)
            self.poll(lambda found: not gone & found.keys(), volumes, interval)
        return made


# Setup and cleanup ---------------------------------------------------------


def make_volumes(
    proxy: Any, count: int, keep: int, tag: str, concurrency: int
) -> list[str]:
    """Make the volumes and their first ``keep`` snapshots (not timed).

    :param proxy: snapshot_ext's proxy.
    :param count: How many volumes.
    :param keep: Snapshots to make per volume.
    :param tag: A name suffix.
    :param concurrency: Threads for the snapshots.
    :returns: The volume IDs.
    """
    ids = [
        proxy.create_volume(size=1, name=f'bench-rotation-{tag}-{n}').id
        for n in range(count)
    ]
    end = time.monotonic() + WAIT_BOUND
    waiting = set(ids)
    while waiting:
        if time.monotonic() > end:
            raise RuntimeError('the volumes did not become available')
        for volume in proxy.volumes(details=True):
            if volume.id in waiting:
                if volume.status == 'error':
                    raise RuntimeError(f'volume {volume.id} went to error')
                if volume.status == 'available':
                    waiting.discard(volume.id)
        if waiting:
            time.sleep(0.5)
    for n in range(keep):
        proxy.create_snapshots(
            [{'volume_id': v, 'name': f'history-{tag}-{n}-{v}'} for v in ids],
            concurrency=concurrency,
            wait=True,
            timeout=WAIT_BOUND,
            interval=0.5,
        ).raise_for_errors()
    return ids


def cleanup(proxy: Any, volume_ids: list[str]) -> None:
    """Delete the volumes' snapshots, then the volumes (bounded).

    :param proxy: snapshot_ext's proxy.
    :param volume_ids: The volumes.
    """
    volumes = set(volume_ids)
    left = [s for s in proxy.snapshots() if s.volume_id in volumes]
    if left:
        proxy.delete_snapshots(
            left, wait=True, check=False, timeout=WAIT_BOUND, interval=0.5
        )
    for volume_id in volume_ids:
        proxy.delete_volume(volume_id, ignore_missing=True)


# Report ---------------------------------------------------------------


def report(
    times: dict[str, list[float]],
    created: dict[str, list[float]],
    requests: dict[str, list[int]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Print the table and return the results as data.

    The ratios are a way's median wall time over the median of the
    ``openstacksdk`` loop, of the ``openstacksdk_batched`` loop and of
    the floor.

    :param times: Wall seconds per way, one per round.
    :param created: Seconds until the new snapshots were available, per
        way, one per round (not for ``ansible``).
    :param requests: Requests per way, one per round.
    :param args: The command line.
    :returns: The results.
    """
    medians = {w: statistics.median(t) for w, t in times.items() if t}
    sdk = medians.get('openstacksdk')
    batched = medians.get('openstacksdk_batched')
    floor = medians.get('floor')
    print()
    print(
        f'Rotation of {args.volumes} volumes (keep {args.keep}), medians of '
        f'up to {args.rounds} round(s); poll interval {args.interval} s '
        f'(floor {args.floor_interval} s, openstacksdk and '
        f'snapshot_ext_defaults their defaults), {args.concurrency} '
        f'threads (floor {args.floor_concurrency})'
    )
    print(
        f"{'way':24s}{'wall':>9s}{'created':>9s}{'requests':>10s}"
        f"{'/ sdk':>8s}{'/ batch':>9s}{'/ floor':>9s}"
    )

    def ratio(seconds: float, base: float | None) -> str:
        return f'{seconds / base:.2f}x' if base else '-'

    for way, seconds in medians.items():
        counts = requests.get(way) or []
        count = f'{statistics.median(counts):.0f}' if counts else '-'
        made = created.get(way) or []
        phase = f'{statistics.median(made):8.2f}s' if made else f"{'-':>9s}"
        print(
            f'{way:24s}{seconds:8.2f}s{phase}{count:>10s}'
            f'{ratio(seconds, sdk):>8s}{ratio(seconds, batched):>9s}'
            f'{ratio(seconds, floor):>9s}'
        )
    return {
        'volumes': args.volumes,
        'keep': args.keep,
        'rounds': args.rounds,
        'concurrency': args.concurrency,
        'floor_concurrency': args.floor_concurrency,
        'interval': args.interval,
        'floor_interval': args.floor_interval,
        'median_seconds': medians,
        'median_requests': {
            w: statistics.median(c) for w, c in requests.items() if c
        },
        'ratios': {
            way: {
                f'to_{base}': seconds / medians[base]
                for base in ('openstacksdk', 'openstacksdk_batched', 'floor')
                if medians.get(base)
            }
            for way, seconds in medians.items()
        },
        'seconds': times,
        'created_seconds': created,
        'requests': requests,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the workflow benchmark.

    :param argv: The command line arguments.
    :returns: The exit status.
    """
    parser = argparse.ArgumentParser(
        description=(__doc__ or '').split('\n')[0],
        epilog='Start the cloud first: tools/devcloud up',
    )
    parser.add_argument(
        '--cloud', default='devcloud-member', help='clouds.yaml cloud'
    )
    parser.add_argument('--volumes', type=int, default=20)
    parser.add_argument('--keep', type=int, default=3)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument(
        '--ways',
        default=','.join(WAYS),
        help='comma-separated subset of ' + ', '.join(WAYS),
    )
    parser.add_argument(
        '--concurrency',
        type=int,
        default=2,
        help=(
            'threads of the bulk verbs of the snapshot_ext and '
            'snapshot_ext_per_volume ways'
        ),
    )
    parser.add_argument(
        '--interval',
        type=float,
        default=0.1,
        help=(
            'seconds between the polls of snapshot_ext and '
            'openstacksdk_batched (snapshot_ext: before the second, then '
            'growing by 1.5)'
        ),
    )
    parser.add_argument('--floor-interval', type=float, default=0.1)
    parser.add_argument(
        '--floor-concurrency',
        type=int,
        default=1,
        help=(
            "threads of the floor's creates and deletes (1: one after the "
            'other, which a one-worker cinder-api serves fastest)'
        ),
    )
    parser.add_argument(
        '--ansible-rounds',
        type=int,
        help='run the playbook in the first N rounds only (all by default)',
    )
    parser.add_argument(
        '--ansible-venv',
        default=os.path.join(ROOT, '.venv-clients'),
        help=(
            'virtualenv with ansible-playbook and the openstack.cloud '
            'collection (tools/clients-venv); when it does not exist, '
            'ansible-playbook is taken from PATH'
        ),
    )
    parser.add_argument(
        '--time-limit',
        type=float,
        default=3600.0,
        help='seconds the timed rounds may take',
    )
    parser.add_argument('--json', help='also write the results here')
    args = parser.parse_args(argv)
    ways = [w.strip() for w in args.ways.split(',') if w.strip()]
    unknown = sorted(set(ways) - set(WAYS))
    if unknown:
        parser.error(f"unknown ways: {', '.join(unknown)}")
    if args.volumes < 1 or args.keep < 1 or args.rounds < 1:
        parser.error('--volumes, --keep and --rounds must be at least 1')
    if not 1 <= args.concurrency <= 64:
        parser.error('--concurrency must be from 1 to 64')
    if not 1 <= args.floor_concurrency <= 64:
        parser.error('--floor-concurrency must be from 1 to 64')
    if args.interval < 0 or args.floor_interval < 0:
        parser.error('--interval and --floor-interval must not be negative')
    ansible_rounds = (
        args.rounds if args.ansible_rounds is None else args.ansible_rounds
    )
    if ansible_rounds < 1:
        parser.error('--ansible-rounds must be at least 1')
    ansible = Ansible(
        args.ansible_venv if os.path.isdir(args.ansible_venv) else None
    )
    if 'ansible' in ways:
        why = ansible.available()
        if why:
            print(
                f'ansible: skipped, {why} (tools/clients-venv makes a '
                f'virtualenv with both; see --ansible-venv)',
                file=sys.stderr,
            )
            ways.remove('ansible')

    clouds_yaml = devcloud_clouds_yaml()
    if clouds_yaml is None:
        return 2
    ext_conn = connect(args.cloud, clouds_yaml, plugin=True)
    sdk_conn = connect(args.cloud, clouds_yaml, plugin=False)
    floor = Floor(args.cloud, clouds_yaml)
    proxy = ext_conn.block_storage
    tag = uuid.uuid4().hex[:8]
    times: dict[str, list[float]] = {w: [] for w in ways}
    created: dict[str, list[float]] = {w: [] for w in ways if w != 'ansible'}
    requests: dict[str, list[int]] = {w: [] for w in ways}
    sessions = {
        'snapshot_ext': ext_conn.session.session,
        'snapshot_ext_defaults': ext_conn.session.session,
        'snapshot_ext_per_volume': ext_conn.session.session,
        'openstacksdk': sdk_conn.session.session,
        'openstacksdk_batched': sdk_conn.session.session,
        'floor': floor.session.session,
    }
    volume_ids: list[str] = []
    deadline = Deadline(args.time_limit)
    try:
        volume_ids = make_volumes(
            proxy, args.volumes, args.keep, tag, args.concurrency
        )
        # Token and version discovery of every client, outside the timing.
        list(sdk_conn.block_storage.snapshots(limit=1))
        floor.listing(set())
        for rnd in range(args.rounds):
            order = ways[rnd % len(ways) :] + ways[: rnd % len(ways)]
            for way in order:
                if way == 'ansible' and rnd >= ansible_rounds:
                    continue
                deadline.check(f'{way}, round {rnd + 1}')
                label = f'{tag}-r{rnd}-{way}'
                made: float | None = None
                start = time.perf_counter()
                if way == 'ansible':
                    count = ansible.rotate(
                        args.cloud, clouds_yaml, volume_ids, args.keep, label
                    )
                else:
                    with Counter(sessions[way]) as counter:
                        if way.startswith('snapshot_ext'):
                            defaults = way == 'snapshot_ext_defaults'
                            made = rotate_snapshot_ext(
                                ext_conn,
                                volume_ids,
                                args.keep,
                                label,
                                None if defaults else args.concurrency,
                                None if defaults else args.interval,
                                way == 'snapshot_ext_per_volume',
                            )
                        elif way.startswith('openstacksdk'):
                            rotate = (
                                rotate_openstacksdk
                                if way == 'openstacksdk'
                                else rotate_openstacksdk_batched
                            )
                            made = rotate(
                                sdk_conn,
                                volume_ids,
                                args.keep,
                                label,
                                args.concurrency,
                                args.interval,
                            )
                        else:
                            made = floor.rotate(
                                volume_ids,
                                args.keep,
                                label,
                                args.floor_concurrency,
                                args.floor_interval,
                            )
                    count = counter.count
                elapsed = time.perf_counter() - start
                times[way].append(elapsed)
                requests[way].append(count)
                if made is not None:
                    created[way].append(made)
                print(
                    f'  round {rnd + 1} {way:24s} {elapsed:8.2f} s  '
                    f'{count} requests',
                    flush=True,
                )
    finally:
        if volume_ids:
            cleanup(proxy, volume_ids)
        ext_conn.close()
        sdk_conn.close()
    data = report(times, created, requests, args)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as out:
            json.dump(data, out, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
