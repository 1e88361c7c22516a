"""Strangers in a shared directory: nothing given away, refused attempts leave nothing, a
stranger's files never read, temp names never block a save; each with its positive control.

The cases are the runtime tests' own (`_strangers`). Each class of them gets a row for the
library, and a positive control that runs the same cases with the mechanism the library used
before put back (`_strangers.KNOWN_BAD`): there they must fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reliability.evidence import record
from reliability.sizes import size

from ._support import cases
from .conftest import Generated

INCREMENTS = "STATEGEN_REFUSED_INCREMENTS"

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="planting other users' files and dropping to their uids need root",
)

#: What each class's row says the library does, and what its control puts back.
ROWS = {
    "nothing is given away": (
        "strangers, nothing given away: a new snapshot, journal or backup never gets a "
        "set-id or sticky bit, nor a stranger as its owner",
        "the same cases with every mode bit copied and strangers' files used",
    ),
    "a refused attempt leaves nothing behind": (
        "strangers, refused attempts: a writer refused on another user's state leaves no "
        "lock file (checked before it is made, or removed), and the owner saves as before",
        "the same cases with strangers' files used and a refused writer's lock file kept",
    ),
    "a stranger's file is never read": (
        "strangers, never read: a stranger's state or backup in a sticky world-writable "
        "directory is refused by every operation, as root and as uid 1, nothing read or "
        "changed; the directory owner's and root's files are read as before",
        "the same cases with strangers' files read like the caller's own, and with every "
        "file but the caller's refused",
    ),
    "temp names never block a save": (
        "strangers, temp names: the lock file that names them is not readable by others, "
        "and a name planted at a freed temp name never fails a save",
        "the same cases with a lock file readable by all and freed names removed blindly",
    ),
}


def _failing(generated: Generated, names: tuple[str, ...], base: Path, *, bad: bool) -> list[str]:
    """The cases among `names` that found problems, each run in a directory of its own."""
    strangers = generated.module("_strangers")
    operations = generated.module("_operations").operations
    failing = []
    for index, name in enumerate(names):
        directory = base / f"{'bad' if bad else 'ours'}-{index}"
        directory.mkdir(mode=0o755)
        if bad:
            with strangers.KNOWN_BAD[name]():
                problems = strangers.STRANGERS[name](directory, operations)
        else:
            problems = strangers.STRANGERS[name](directory, operations)
        if problems:
            failing.append(f"{name}: {problems[0]}")
    return failing


@pytest.mark.parametrize("kind", ROWS)
def test_a_stranger_never_gains(generated: Generated, shared_dir: Path, kind: str) -> None:
    """One class of cases against the library, and against its old mechanism."""
    names: tuple[str, ...] = generated.module("_strangers").CLASSES[kind]
    check, control = ROWS[kind]
    failed = _failing(generated, names, shared_dir, bad=False)
    record(check, runs=len(names), failures=len(failed), detail=cases(list(names)))
    caught = _failing(generated, names, shared_dir, bad=True)
    record(
        f"positive control: {control}",
        runs=len(names),
        failures=len(caught),
        control=True,
        detail=f"the old mechanism failed {len(caught)} of {len(names)} cases",
    )
    assert not failed, failed
    assert len(caught) == len(names), f"a case passed with its mechanism put back: {caught}"


@pytest.mark.skipif(sys.platform != "linux", reason="forks the test process")
def test_a_removed_lock_file_never_lets_two_writers_in(
    generated: Generated, tmp_path: Path
) -> None:
    """Writers under the lock while two processes keep being refused, and so keep removing
    the lock file they made: no increment lost; without the lock, the harness sees losses."""
    strangers = generated.module("_strangers")
    writers, count = 3, size(INCREMENTS)
    (tmp_path / "ours").mkdir()
    (tmp_path / "control").mkdir()
    failed = strangers.increments_beside_refusals(tmp_path / "ours", writers=writers, count=count)
    record(
        "strangers, a refused operation's lock file removed while others wait on it: no "
        "increment lost, no writer failed",
        runs=writers * count,
        failures=len(failed),
        detail=f"{writers} writers x {count} increments beside 2 processes refused in a "
        f"tight loop; {'; '.join(failed) or 'every increment counted'}",
    )
    with strangers.no_lock_at_all():
        caught = strangers.increments_beside_refusals(
            tmp_path / "control", writers=writers, count=count
        )
    record(
        "positive control: the same increments with the lock never taken",
        runs=writers * count,
        failures=len(caught),
        control=True,
        detail=f"the harness saw: {'; '.join(caught) or 'nothing'}",
    )
    assert not failed, failed
    assert caught, "the harness saw no lost increment without the lock: it cannot see one"
