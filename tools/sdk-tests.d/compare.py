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

"""Compare the stock and the snapshot_ext run of openstacksdk's unit tests.

Usage (``tools/sdk-tests`` calls it)::

    python compare.py [--partial] STOCK.subunit PLUGIN.subunit ALLOWLIST

Both streams are stestr's record of a run (``stestr last --subunit``).
Each test of the snapshot_ext run falls in one class:

* passed: it passed, or it failed, is in the allow-list and failed in the
  stock run neither (an expected failure, as stestr counts ``xfail``);
* failed: it failed and is not allow-listed; or it is allow-listed but
  passed (the entry is stale); or it failed in the stock run too;
* skipped: openstacksdk skipped it.

An allow-list entry for a test that did not run at all is stale too and
counts as one failure, unless ``--partial`` says that only some tests
ran.  A test that fails in the stock run means the
control itself is broken: it counts as failed whatever happens with
snapshot_ext.  The last line printed is ``N passed, N failed, N
skipped``; the exit status is 1 when anything counts as failed, else 0.
"""

from collections.abc import Mapping
import dataclasses
import re
import sys
from typing import TYPE_CHECKING
from typing import Any

import subunit  # type: ignore[import-untyped]
import testtools

if TYPE_CHECKING:
    from testtools.testresult.real import TestDict

OK = frozenset({'success', 'xfail'})
FAILED = frozenset({'fail', 'uxsuccess'})
SKIPPED = frozenset({'skip'})
# The line of a traceback that names the exception.
EXCEPTION_LINE = re.compile(
    r'^[A-Za-z_][\w.]*(Error|Exception|Failure|Timeout|Query|Request|Response)'
    r'\b'
)


@dataclasses.dataclass
class Outcome:
    """The result of one test in one run.

    :ivar status: subunit status (``success``, ``fail``, ``skip`` ...).
    :ivar reason: The last line of the traceback, for failures.
    """

    status: str
    reason: str = ''


def _reason(details: Mapping[str, Any]) -> str:
    content = details.get('traceback')
    if content is None:
        return ''
    text = b''.join(bytes(chunk) for chunk in content.iter_bytes()).decode(
        'utf-8', 'replace'
    )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if EXCEPTION_LINE.match(line):
            return line[:300]
    return lines[-1][:300] if lines else ''


def load(path: str) -> dict[str, Outcome]:
    """Read a subunit v2 stream.

    :param path: The file stestr wrote with ``last --subunit``.
    :returns: The outcome of every test, by test id.
    """
    outcomes: dict[str, Outcome] = {}

    def on_test(test: 'TestDict') -> None:
        if test['status'] in ('exists', 'inprogress'):
            return
        outcomes[test['id']] = Outcome(
            test['status'], _reason(test['details'])
        )

    with open(path, 'rb') as stream:
        case = subunit.ByteStreamToStreamResult(stream)
        result = testtools.StreamToDict(on_test)
        result.startTestRun()
        try:
            case.run(result)
        finally:
            result.stopTestRun()
    return outcomes


def load_allowlist(path: str) -> dict[str, str]:
    """Read the allow-list.

    Each entry is one line ``TEST_ID: REASON``; ``#`` starts a comment
    line; blank lines are ignored.

    :param path: The allow-list file.
    :returns: The reason of every allow-listed test, by test id.
    :raises ValueError: For a line without a reason or a repeated test.
    """
    entries: dict[str, str] = {}
    with open(path, encoding='utf-8') as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            test_id, _, reason = line.partition(': ')
            if not reason.strip() or ' ' in test_id:
                raise ValueError(
                    f"{path}:{number}: expected 'TEST_ID: REASON', got "
                    f"{line!r}"
                )
            if test_id in entries:
                raise ValueError(f"{path}:{number}: {test_id} is repeated")
            entries[test_id] = reason.strip()
    return entries


def compare(
    stock: dict[str, Outcome],
    plugin: dict[str, Outcome],
    allowed: dict[str, str],
    partial: bool = False,
) -> tuple[int, int, int, list[str]]:
    """Classify every test of the snapshot_ext run.

    :param stock: Outcomes of the stock run.
    :param plugin: Outcomes of the snapshot_ext run.
    :param allowed: Allow-listed test ids and their reasons.
    :param partial: Only some tests ran: allow-list entries for tests
        that did not run are not stale.
    :returns: ``(passed, failed, skipped, problems)``; ``problems`` has
        one printable line per test counted as failed.
    """
    passed = failed = skipped = 0
    problems: list[str] = []
    for test_id in sorted(plugin):
        outcome = plugin[test_id]
        control = stock.get(test_id)
        if control is None or control.status in FAILED:
            failed += 1
            problems.append(
                f"CONTROL   {test_id}: does not pass on stock openstacksdk"
                f" ({control.reason if control else 'not run'})"
            )
        elif outcome.status in SKIPPED:
            skipped += 1
        elif outcome.status in OK:
            if test_id in allowed:
                failed += 1
                problems.append(
                    f"STALE     {test_id}: allow-listed but passes; remove "
                    f"it from the allow-list"
                )
            else:
                passed += 1
        elif test_id in allowed:
            passed += 1
        else:
            failed += 1
            problems.append(f"NEW       {test_id}: {outcome.reason}")
    for test_id in sorted(set(allowed) - set(plugin) if not partial else ()):
        failed += 1
        problems.append(
            f"STALE     {test_id}: allow-listed but not run; remove it "
            f"from the allow-list"
        )
    return passed, failed, skipped, problems


def main(argv: list[str]) -> int:
    """Compare two runs and print the report.

    :param argv: ``[--partial] STOCK.subunit PLUGIN.subunit ALLOWLIST``.
    :returns: The exit status: 0 when nothing counts as failed, else 1.
    """
    partial = argv[:1] == ['--partial']
    if partial:
        argv = argv[1:]
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        stock = load(argv[0])
        plugin = load(argv[1])
        allowed = load_allowlist(argv[2])
    except (OSError, ValueError) as exc:
        print(f"compare.py: {exc}", file=sys.stderr)
        print("0 passed, 1 failed, 0 skipped")
        return 1

    def tally(outcomes: dict[str, Outcome]) -> str:
        statuses = [o.status for o in outcomes.values()]
        return (
            f"{sum(s in OK for s in statuses)} passed, "
            f"{sum(s in FAILED for s in statuses)} failed, "
            f"{sum(s in SKIPPED for s in statuses)} skipped"
        )

    print(f"stock openstacksdk:        {tally(stock)}")
    print(f"with snapshot_ext (raw):   {tally(plugin)}")
    expected = sorted(
        t
        for t in allowed
        if t in plugin
        and plugin[t].status in FAILED
        and t in stock
        and stock[t].status in OK
    )
    if expected:
        print(f"allow-listed failures ({len(expected)}, counted as passed):")
        for test_id in expected:
            print(f"  {test_id}")
            print(f"      reason: {allowed[test_id]}")
            print(f"      error:  {plugin[test_id].reason}")
    passed, failed, skipped, problems = compare(
        stock, plugin, allowed, partial
    )
    if problems:
        print(f"problems ({len(problems)}):")
        for line in problems:
            print(f"  {line}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
