"""Writers racing on one state file: lost updates, torn reads and lock timeouts."""

from __future__ import annotations

from pathlib import Path

from reliability.evidence import record
from reliability.sizes import size

from .conftest import Generated

PROCESSES, INCREMENTS = "STATEGEN_PROCESSES", "STATEGEN_INCREMENTS"


def test_processes_lose_no_increment(generated: Generated, state_path: Path) -> None:
    """N processes x M locked transactions leave the counter at exactly N x M."""
    processes, increments = size(PROCESSES), size(INCREMENTS)
    count = generated.module("_contention").count_in_processes(state_path, processes, increments)
    expected = processes * increments
    record(
        f"concurrency: {processes} processes x {increments} transaction() increments",
        runs=expected,
        failures=expected - count,
        detail=f"final count {count}",
    )
    assert count == expected


def test_threads_lose_no_increment(generated: Generated, state_path: Path) -> None:
    """Four threads, two sharing a store, lose no increment."""
    increments = size(INCREMENTS)
    made, count = generated.module("_contention").count_in_threads(state_path, increments)
    record(
        f"concurrency: {made // increments} threads x {increments} transaction() increments",
        runs=made,
        failures=made - count,
        detail=f"final count {count}",
    )
    assert count == made


def test_saves_racing_transactions_and_readers(generated: Generated, state_path: Path) -> None:
    """Every read of a file that blind saves and transactions race over loads whole."""
    increments = size(INCREMENTS)
    race = generated.module("_contention").race_saves_transactions_and_reads(state_path, increments)
    crashed = sum(code != 0 for code in race.exit_codes)
    record(
        "concurrency: save() racing transaction() and load()",
        runs=race.reads,
        failures=race.failed_reads + crashed,
        detail=f"{2 * increments} increments, reads {race.reads}, final count {race.final_count}",
    )
    assert race.failed_reads == 0 and crashed == 0 and race.reads > 0


def test_a_held_lock_times_out(generated: Generated, state_path: Path) -> None:
    """A save waits about `lock_timeout` for a lock another process holds, then gives up."""
    error, waited = generated.module("_contention").wait_for_a_held_lock(state_path, 0.5)
    on_time = error is not None and 0.45 <= waited < 3.0
    record(
        "concurrency: lock held by another process gives StateLockTimeout",
        runs=1,
        failures=int(not on_time),
        detail=f"timeout 0.5 s, raised after {waited:.2f} s",
    )
    assert on_time, (error, waited)
