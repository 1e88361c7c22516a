"""What readers see and what errors say, against what was acknowledged: a journal sync failing
under a reader, EIO at every system call of a save or an update, and readers without the lock
while both kinds of writer run; each with its positive control."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reliability.evidence import record
from reliability.sizes import size

from ._support import cases
from .conftest import Generated

MIXED_READS = "STATEGEN_MIXED_READS"

posix = pytest.mark.skipif(os.name == "nt", reason="the system calls faked are POSIX")
syncs_data = pytest.mark.skipif(
    not hasattr(os, "fdatasync") or sys.platform == "darwin",
    reason="the journal is synced with fdatasync only where the system has it (not macOS)",
)


@syncs_data
def test_a_failed_sync_is_never_seen(generated: Generated, tmp_path: Path) -> None:
    """A journal sync fails with EIO while a warm reader without the lock reloads: the
    reader never takes that record, sees the next acknowledged one, and compacts to it."""
    problems = generated.module("_outcomes").failed_sync_under_a_reader(tmp_path)
    record(
        "journal sync EIO under a lock-free reader: only acknowledged records are seen",
        runs=1,
        failures=len(problems),
        detail="; ".join(problems) or "the reader saw and compacted the acknowledged record",
    )
    assert problems == []


@syncs_data
def test_positive_control_a_record_written_whole(generated: Generated, tmp_path: Path) -> None:
    """The same race against the append as it was (the record written whole, then synced)."""
    problems = generated.module("_outcomes").failed_sync_under_a_reader(tmp_path, one_step=True)
    record(
        "positive control: the same race against an append without a commit mark",
        runs=1,
        failures=len(problems),
        control=True,
        detail="must find the failed record taken by the reader",
    )
    assert problems


@posix
def test_errors_tell_the_truth(generated: Generated, tmp_path: Path) -> None:
    """EIO instead of and after each system call of a save and of each kind of update: no
    error means the new state, StateCommitUnknownError either, any other error the old."""
    outcomes = generated.module("_outcomes")
    runs, unknown, failed, names = 0, 0, [], []
    for index, (name, operation) in enumerate(outcomes.OPERATIONS.items()):
        report = outcomes.error_at_every_step(tmp_path / str(index), operation)
        runs, unknown = runs + report.runs, unknown + report.unknown
        names.append(f"{name} ({report.runs})")
        failed += [f"{name}: {where}: {what}" for where, what in report.failures.items()]
    record(
        "EIO at every system call: what the error says about the disk is true",
        runs=runs,
        failures=len(failed),
        detail=f"{unknown} answered 'outcome unknown'; " + cases(names),
    )
    assert failed == []


@posix
def test_positive_control_errors_as_they_were(generated: Generated, tmp_path: Path) -> None:
    """The same sweep of a save with errors after the commit point reported as 'unchanged'
    and an error closing the old snapshot raised, as they were."""
    outcomes = generated.module("_outcomes")
    report = outcomes.error_at_every_step(
        tmp_path, outcomes.OPERATIONS["snapshot save"], as_it_was=True
    )
    record(
        "positive control: the same EIO sweep with errors after the commit point as they were",
        runs=report.runs,
        failures=len(report.failures),
        control=True,
        detail="must find an error saying 'unchanged' over a changed state",
    )
    assert report.failures


@posix
def test_no_false_damage_with_both_writers(generated: Generated, tmp_path: Path) -> None:
    """Two readers without the lock while a journal writer and a snapshot writer run."""
    report = generated.module("_mixed").read_while_both_write(tmp_path, reads=size(MIXED_READS))
    record(
        "lock-free reads with a journal writer and a snapshot writer: no false damage",
        runs=report.reads,
        failures=report.corrupt + report.other,
        detail=f"{report.writes} writes meanwhile; {report.corrupt} reported damaged, "
        f"{report.other} other errors {report.first[:200]}",
    )
    assert report.corrupt == 0 and report.other == 0, report


def test_positive_control_the_identity_check_as_it_was(
    generated: Generated, tmp_path: Path
) -> None:
    """The journal removed between the reader's snapshot check and its journal check, with
    the check as it was (a journal gone is damage, no second read)."""
    outcomes = generated.module("_outcomes")
    fixed = outcomes.journal_removed_under_a_reader(tmp_path / "fixed")
    old = outcomes.journal_removed_under_a_reader(tmp_path / "old", old_check=True)
    record(
        "journal removed under a lock-free reader: read again, not reported damaged",
        runs=1,
        failures=len(fixed),
        detail="; ".join(fixed) or "the reader read the new snapshot",
    )
    record(
        "positive control: the same race with the journal identity check as it was",
        runs=1,
        failures=len(old),
        control=True,
        detail="must report the healthy state damaged",
    )
    assert fixed == [] and old
