"""The PostgreSQL engine against this run's server: lost updates, killed clients, a crash
restart of the server; each with its positive control. Skipped without a server."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from reliability.evidence import record
from reliability.sizes import size

from .conftest import Generated

PROCESSES, INCREMENTS = "STATEGEN_PROCESSES", "STATEGEN_INCREMENTS"
CRASH_INCREMENTS = "STATEGEN_PG_CRASH_INCREMENTS"
PG_KILLS = "STATEGEN_PG_KILLS"


@pytest.fixture(scope="module")
def database(generated: Generated) -> ModuleType:
    """The runtime tests' PostgreSQL helpers, which read this run's STATEGEN_TEST_POSTGRES_*."""
    helpers = generated.module("_database")
    if not os.environ.get(helpers.URL_VARIABLE):
        pytest.skip("no PostgreSQL server: run scripts/postgres start DIR and eval its output")
    return helpers


def test_processes_lose_no_increment_on_one_row(database: ModuleType) -> None:
    """N processes x M transactions on one key, while other keys change alongside."""
    processes, increments = size(PROCESSES), size(INCREMENTS)
    counted = database.count_increments(
        database.fresh_table(), processes=processes, increments=increments
    )
    record(
        f"PostgreSQL: {processes} processes x {increments} transaction() increments on one key",
        runs=counted.expected,
        failures=counted.failures,
        detail=f"final count {counted.shared}; other keys {counted.others} of "
        f"{counted.others_expected} each",
    )
    assert counted.failures == 0, counted


def test_a_killed_client_leaves_nothing(database: ModuleType) -> None:
    """Clients SIGKILLed after their write, before COMMIT: no partial write, no lock left."""
    kills = size(PG_KILLS)
    results = [database.kill_inside_transaction(database.fresh_table()) for _ in range(kills)]
    bad = [k for k in results if k.error is not None or k.value != k.before or k.waited >= 5]
    slowest = max(k.waited for k in results)
    record(
        "PostgreSQL: SIGKILL inside transaction(): no partial write, the next client at once",
        runs=kills,
        failures=len(bad),
        detail=f"the next client waited at most {slowest * 1000:.0f} ms",
    )
    assert not bad, bad


def test_positive_control_a_live_client_keeps_its_lock(database: ModuleType) -> None:
    killed = database.kill_inside_transaction(database.fresh_table(), stop_only=True, timeout=0.5)
    record(
        "positive control: the same client stopped (SIGSTOP) instead of killed",
        runs=1,
        failures=int(killed.error == "StateLockTimeout"),
        control=True,
        detail="must time out: the lock is held while its holder lives",
    )
    assert killed.error == "StateLockTimeout", killed


def test_positive_control_an_autocommitted_write_leaks(database: ModuleType) -> None:
    killed = database.kill_inside_transaction(
        database.fresh_table(), writer=database.write_without_transaction
    )
    record(
        "positive control: the same kill against a write made outside a transaction",
        runs=1,
        failures=int(killed.value != killed.before),
        control=True,
        detail="must see the killed client's write",
    )
    assert killed.value != killed.before, killed


def test_an_older_row_migrates_once(database: ModuleType) -> None:
    """Processes read a row of an older schema at once, then each add one in a
    transaction: the row is migrated and written back once, the old row kept."""
    processes = size(PROCESSES)
    migrated = database.migrate_concurrently(database.fresh_table(), processes=processes)
    record(
        f"PostgreSQL: an older row read by {processes} processes at once, then incremented",
        runs=processes,
        failures=migrated.failures,
        detail=f"row {migrated.row}; older rows kept {len(migrated.kept)}",
    )
    assert migrated.failures == 0, migrated


def test_positive_control_blind_saves_lose_updates(database: ModuleType) -> None:
    processes = size(PROCESSES)
    migrated = database.migrate_concurrently(
        database.fresh_table(), processes=processes, blind=True
    )
    record(
        "positive control: the same processes saving what they read, without a transaction",
        runs=processes,
        failures=migrated.failures,
        control=True,
        detail="must find increments lost",
    )
    assert migrated.failures > 0, migrated


def _crash(database: ModuleType, tmp_path: Path, *, early: bool) -> Any:
    if not os.environ.get(database.DATA_VARIABLE):
        pytest.skip("restarting the server needs STATEGEN_TEST_POSTGRES_DATA and _BIN")
    increments = 3 if early else size(CRASH_INCREMENTS)
    restarts = importlib.import_module("_restarts")  # the runtime tests' crash harness
    return restarts.crash_during_increments(
        database.fresh_table(), tmp_path / "log", before=increments, after=increments, early=early
    )


def test_acknowledged_increments_survive_a_crash_restart(
    database: ModuleType, tmp_path: Path
) -> None:
    """pg_ctl stop -m immediate mid-stream, then a restart: every acknowledged increment is
    there, the only uncertain ones were reported unknown, and every error was typed."""
    report = _crash(database, tmp_path, early=False)
    failures = report.failures + int(report.down_errors == 0)
    record(
        "PostgreSQL: server crash (pg_ctl stop -m immediate) and restart mid-stream",
        runs=report.acknowledged,
        failures=failures,
        detail=f"{report.acknowledged} acknowledged, {report.unknown} unknown commits, "
        f"{report.down_errors} typed errors while down, final count {report.final}",
    )
    assert failures == 0, report


def test_positive_control_early_acknowledgement_loses_increments(
    database: ModuleType, tmp_path: Path
) -> None:
    report = _crash(database, tmp_path, early=True)
    record(
        "positive control: the same crash against a writer that acknowledges before COMMIT",
        runs=report.acknowledged,
        failures=report.lost,
        control=True,
        detail="must find an acknowledged increment missing",
    )
    assert report.lost > 0, report
