"""Journal mode: SIGKILLs while marking, a crash at every step, mixed-mode writers, damaged
records, and the disk a long run of updates takes; each with its positive control."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reliability.evidence import record
from reliability.sizes import control_size, size

from ._support import cases, seed_from
from .conftest import Generated

KILLS = "STATEGEN_JOURNAL_KILLS"
GROUP_KILLS = "STATEGEN_GROUP_KILLS"
KILL_SEED = "STATEGEN_KILL_SEED"
PROCESSES, INCREMENTS = "STATEGEN_PROCESSES", "STATEGEN_INCREMENTS"
BITFLIPS = "STATEGEN_BITFLIPS"
BITFLIP_SEED = "STATEGEN_BITFLIP_SEED"

posix = pytest.mark.skipif(os.name == "nt", reason="SIGKILL, fork and os._exit are POSIX")


@posix
def test_every_acknowledged_item_survives_a_kill(generated: Generated, state_path: Path) -> None:
    """After each SIGKILL of a writer marking items, every item it reported done is
    completed exactly once, and the state loads."""
    harness, procs = generated.module("_kills"), generated.module("_procs")
    seed = seed_from(KILL_SEED)
    report = harness.kill_while_marking(
        state_path, procs.mark_forever, kills=size(KILLS), seed=seed
    )
    record(
        "SIGKILL while marking (journal mode): acknowledged items present exactly once",
        runs=report.kills,
        failures=report.failures,
        detail=f"{report.acknowledged} items acknowledged in {report.batches} batches; "
        f"lost {report.lost}, twice {report.repeated}, unreadable {report.unreadable}; "
        f"{report.torn} kills left a torn record; {KILL_SEED}={seed}",
    )
    assert report.failures == 0, report


@posix
def test_positive_control_catches_early_acknowledgement(
    generated: Generated, state_path: Path
) -> None:
    """The same kills against a writer that acknowledges before it writes must lose items."""
    harness, procs = generated.module("_kills"), generated.module("_procs")
    report = harness.kill_while_marking(
        state_path, procs.acknowledge_early_forever, kills=control_size(KILLS)
    )
    record(
        "positive control: the same kills against a writer that acknowledges early",
        runs=report.kills,
        failures=report.lost,
        control=True,
        detail="must find acknowledged items missing, or the harness cannot see a loss",
    )
    assert report.lost > 0, report


@posix
def test_a_group_is_all_there_or_not_at_all_after_a_kill(
    generated: Generated, state_path: Path
) -> None:
    """A writer completes items GROUP at a time, each group one change (mark_completed_many
    and transaction(), in turns): after each SIGKILL the completed items are whole groups,
    and every acknowledged one is there."""
    harness, procs = generated.module("_kills"), generated.module("_procs")
    seed = seed_from(KILL_SEED)
    report = harness.kill_while_marking(
        state_path, procs.mark_groups_forever, kills=size(GROUP_KILLS), seed=seed, group=procs.GROUP
    )
    record(
        f"SIGKILL while committing groups of {procs.GROUP} items as one change (journal mode): "
        "each group all there or absent",
        runs=report.kills,
        failures=report.failures,
        detail=f"{report.acknowledged} items acknowledged in {report.batches} batches; "
        f"groups split {report.split}, lost {report.lost}, twice {report.repeated}, "
        f"unreadable {report.unreadable}; {KILL_SEED}={seed}",
    )
    assert report.failures == 0, report


@posix
def test_positive_control_catches_a_group_written_item_by_item(
    generated: Generated, state_path: Path
) -> None:
    """The same kills against a writer that completes each group's items one by one must
    find groups split."""
    harness, procs = generated.module("_kills"), generated.module("_procs")
    report = harness.kill_while_marking(
        state_path, procs.mark_groups_one_by_one_forever, kills=25, group=procs.GROUP
    )
    record(
        "positive control: the same kills against a writer that completes a group item by item",
        runs=report.kills,
        failures=report.split,
        control=True,
        detail="must find groups split, or the harness cannot see a partial group",
    )
    assert report.split > 0, report


@posix
def test_a_crash_at_every_step_of_a_journal_update(generated: Generated, tmp_path: Path) -> None:
    """os._exit before and after each system call of an update: the state is exactly the
    old one until the change is written and the new one after, and the next update works."""
    faults = generated.module("_faults")
    crashes, failed, steps = 0, [], []
    for index, (name, scenario) in enumerate(faults.JOURNAL_SCENARIOS.items()):
        report = faults.crash_journal_at_every_step(tmp_path / str(index), scenario)
        crashes += report.crashes
        steps.append(f"{name} ({len(report.steps)} steps)")
        failed += [f"{name}: {where}: {what}" for where, what in report.failures.items()]
    record(
        "fault injection (journal mode): os._exit before and after each step",
        runs=crashes,
        failures=len(failed),
        detail=cases(steps),
    )
    assert failed == []


@posix
def test_the_sync_follows_the_append(generated: Generated, state_path: Path) -> None:
    """Syscall order of an update: one record written, the journal synced after it, nothing
    else made durable; the control feeds the same check a sync before the write."""
    procs, spy = generated.module("_procs"), generated.module("_syscalls")
    store = procs.BatchStore(state_path, journal=True)
    store.save(procs.batch("item", 50))
    store.mark_completed("item-000000")
    journal = state_path.with_name(state_path.name + ".journal").resolve()
    problems = []
    for index in range(1, 21):
        with spy.spying() as events:
            store.mark_completed(f"item-{index:06d}")
        problems += spy.order_of_an_append(events, journal)
    record(
        "syscall order (journal mode): write the record, then sync it, nothing else",
        runs=20,
        failures=len(problems),
        detail="; ".join(problems[:3]) or "pwrite(journal) → fdatasync(journal) → return",
    )
    backwards = [("fdatasync", journal), ("pwrite", journal, 80, 16, False)]
    caught = len(spy.order_of_an_append(backwards, journal))
    record(
        "positive control: the syscall-order check given a sync before the write",
        runs=1,
        failures=caught,
        control=True,
        detail="must report the wrong order",
    )
    assert problems == [] and caught > 0


def test_mixed_mode_writers_lose_nothing(generated: Generated, state_path: Path) -> None:
    """Journal-mode and snapshot-mode processes on one file: increments and marks all kept."""
    contention = generated.module("_contention")
    processes, increments = size(PROCESSES), size(INCREMENTS)
    count = contention.count_in_mixed_modes(state_path, processes, increments)
    marks_path = state_path.with_name("marks.json")
    completed = contention.mark_in_mixed_modes(marks_path, processes, increments)
    expected = processes * increments
    lost = (expected - count) + (expected - len(set(completed))) + (len(completed) - expected)
    record(
        f"mixed modes: {processes} processes, journal and snapshot mode in turn, "
        f"x {increments} updates, twice",
        runs=2 * expected,
        failures=abs(lost),
        detail=f"final count {count} of {expected}; {len(set(completed))} of {expected} items "
        f"completed, {len(completed) - len(set(completed))} twice",
    )
    assert lost == 0


def test_damaged_records_are_reported(generated: Generated, state_path: Path) -> None:
    """A single flipped bit in a record with good ones after it is always reported."""
    seed = seed_from(BITFLIP_SEED)
    report = generated.module("_journals").flip_record_bits(
        state_path, flips=size(BITFLIPS), seed=seed
    )
    record(
        "journal: a flipped bit in a record before the tail is reported, never skipped",
        runs=report.flips,
        failures=len(report.missed),
        detail=f"random bits of 8 records ({BITFLIP_SEED}={report.seed}); "
        + ", ".join(report.missed[:3]),
    )
    record(
        "positive control: the same flips in the last record are taken for a torn tail",
        runs=report.at_tail,
        failures=report.at_tail - report.tail_reported,
        control=True,
        detail="a record a crash cut short is ignored, so these must go unreported",
    )
    assert report.missed == [] and report.tail_reported < report.at_tail


def test_the_disk_stays_bounded(generated: Generated, tmp_path: Path) -> None:
    """Over thousands of updates, a state's files stay within about 3x one snapshot."""
    journals = generated.module("_journals")
    items = 3_000
    worst, generations = journals.worst_disk_ratio(tmp_path / "a" / "state.json", items=items)
    record(
        "journal: the state's files stay within 3.2x one snapshot",
        runs=items,
        failures=int(worst > 3.2),
        detail=f"worst {worst:.2f}x over {generations} generations of the snapshot",
    )
    oversized, _ = journals.worst_disk_ratio(
        tmp_path / "b" / "state.json", items=items, capacity=lambda snapshot: 3 * snapshot
    )
    record(
        "positive control: the same measure with a journal three times the snapshot",
        runs=items,
        failures=int(oversized > 3.2),
        control=True,
        detail=f"worst {oversized:.2f}x: must break the bound",
    )
    assert worst <= 3.2 < oversized
