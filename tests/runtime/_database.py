"""The PostgreSQL server the tests use, and the harnesses its tests and reliability runs share.

The server is named by STATEGEN_TEST_POSTGRES_URL (`eval "$(scripts/postgres start DIR)"`
exports it); without it the PostgreSQL tests skip. Each test gets tables of its own (a prefix
unique to the run), so runs against one server never collide. A crash and restart of the
server, on a server of the test's own, is `_restarts`.
"""

import glob
import json
import os
import pwd
import secrets
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from multiprocessing.synchronize import Event
from typing import Any

import pytest
from _procs import VERSION, Counter, context
from batch_state._runtime.migrate import Step
from batch_state._runtime.storage import Previous
from batch_state._runtime.store import StateStore
from batch_state.errors import (
    StateError,
)

URL_VARIABLE = "STATEGEN_TEST_POSTGRES_URL"
DATA_VARIABLE, BIN_VARIABLE = "STATEGEN_TEST_POSTGRES_DATA", "STATEGEN_TEST_POSTGRES_BIN"

needs_server = pytest.mark.skipif(
    not os.environ.get(URL_VARIABLE),
    reason=f"no PostgreSQL server: set {URL_VARIABLE} (eval the output of scripts/postgres start)",
)


def why_no_own_server() -> str | None:
    """Why this machine cannot start a server of its own, or None when it can."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "no PostgreSQL server binaries (install Debian's postgresql package)"
    if not hasattr(os, "geteuid"):
        return "a server of its own needs a Unix system"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "initdb runs as the postgres user: run the tests as root or as postgres"
    return None


needs_own_server = pytest.mark.skipif(
    why_no_own_server() is not None, reason=f"a server of its own: {why_no_own_server()}"
)

_RUN = f"t{secrets.token_hex(4)}"
_tables = count()


def url() -> str:
    """The server's URL (the tests that call this are marked `needs_server`)."""
    return os.environ[URL_VARIABLE]


def fresh_table() -> str:
    """A table name no other test and no other run uses."""
    return f"{_RUN}_{next(_tables)}"


def counter_store(table: str, key: str = "default", **options: Any) -> StateStore[Counter]:
    """Counter states in `table` of the test server, at the key `key`."""
    return StateStore(url(), Counter, schema_version=VERSION, table=table, key=key, **options)


def sql(statement: str, *parameters: Any) -> list[tuple[Any, ...]]:
    """Run one statement on the test server and return its rows (none for most writes)."""
    import psycopg

    with psycopg.connect(url(), autocommit=True) as connection:
        cursor = connection.execute(statement.encode(), parameters or None)
        return cursor.fetchall() if cursor.description else []


# Older and newer schemas of the counter, for the version tests -----------------------------


@dataclass(kw_only=True)
class OldCounter:
    """The counter as version 0.9.0 had it: the count was called `n`."""

    n: int = 0


def _rename(data: dict[str, Any]) -> dict[str, Any]:
    return {"count": data.pop("n")}


OLD_VERSION = "0.9.0"
UPGRADE = (Step(OLD_VERSION, VERSION, _rename),)


def old_store(table: str, key: str) -> StateStore[OldCounter]:
    """OldCounter states: what code of schema 0.9.0 writes."""
    return StateStore(url(), OldCounter, schema_version=OLD_VERSION, table=table, key=key)


def upgrading_store(table: str, key: str, **options: Any) -> StateStore[Counter]:
    """Counter states, migrating rows of 0.9.0 on the way."""
    return StateStore(
        url(), Counter, schema_version=VERSION, steps=UPGRADE, table=table, key=key, **options
    )


def _migrate_and_bump(table: str, loaded: Any, blind: bool) -> None:
    """Read the 0.9.0 row (migrated in memory), then add one: in a transaction, or (`blind`,
    the positive control) by saving what was read once every process has read it."""
    store = upgrading_store(table, "k", lock_timeout=60.0)
    state = store.load()
    loaded.wait(60)
    if blind:
        state.count += 1
        store.save(state)
        return
    with store.transaction() as fresh:
        fresh.count += 1


@dataclass
class Migrated:
    """The row and the history after concurrent first reads and increments of a 0.9.0 row."""

    processes: int
    row: list[tuple[Any, ...]]
    kept: list[tuple[Any, ...]]
    exit_codes: list[int | None]

    @property
    def failures(self) -> int:
        expected = [(VERSION, {"count": 5 + self.processes})]
        once = [(OLD_VERSION, {"n": 5})]  # the old row, kept once, by the first write
        crashed = sum(1 for code in self.exit_codes if code != 0)
        return int(self.row != expected) + int(self.kept != once) + crashed


def migrate_concurrently(table: str, *, processes: int, blind: bool = False) -> Migrated:
    """`processes` processes read a row of schema 0.9.0 at once, then each add one."""
    old_store(table, "k").save(OldCounter(n=5))
    ctx = context()
    loaded = ctx.Barrier(processes)
    workers = [
        ctx.Process(target=_migrate_and_bump, args=(table, loaded, blind)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    row = sql(f'SELECT version, document FROM "{table}" WHERE key = %s', "k")
    kept = sql(
        f'SELECT version, document FROM "{table}_history" WHERE key = %s AND version = %s',
        "k",
        OLD_VERSION,
    )
    return Migrated(processes, row, kept, [worker.exitcode for worker in workers])


# Many processes on one key -----------------------------------------------------------------


def _increment(table: str, key: str, times: int, start: Event) -> None:
    store = counter_store(table, key, lock_timeout=120.0)
    start.wait(60)
    for _ in range(times):
        with store.transaction(default=Counter) as state:
            state.count += 1


@dataclass
class Counted:
    """What the counters held once every process was done, against what they should."""

    shared: int
    expected: int
    others: list[int] = field(default_factory=list)
    others_expected: int = 0
    exit_codes: list[int | None] = field(default_factory=list)

    @property
    def failures(self) -> int:
        lost = abs(self.expected - self.shared) + sum(
            abs(self.others_expected - n) for n in self.others
        )
        return lost + sum(1 for code in self.exit_codes if code != 0)


def count_increments(table: str, *, processes: int, increments: int, others: int = 2) -> Counted:
    """`processes` processes each make `increments` transactions on one key, while `others`
    processes each change a key of their own as often."""
    ctx = context()
    start = ctx.Event()
    jobs = [(table, "shared", increments, start) for _ in range(processes)]
    jobs += [(table, f"other-{index}", increments, start) for index in range(others)]
    workers = [ctx.Process(target=_increment, args=job) for job in jobs]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(600)
    shared = counter_store(table, "shared").load().count
    other_counts = [counter_store(table, f"other-{index}").load().count for index in range(others)]
    return Counted(
        shared,
        processes * increments,
        other_counts,
        increments,
        [worker.exitcode for worker in workers],
    )


# A client killed inside a transaction ------------------------------------------------------


def _write_then_hang(table: str, ready: Event, value: int) -> None:
    """Write `value` in a transaction, and stop before COMMIT for ever."""
    store = counter_store(table)
    with store._engine.session(None) as session:
        session.current()
        session.replace(VERSION, {"count": value}, Previous(True))
        ready.set()
        time.sleep(3600)


def write_without_transaction(table: str, ready: Event, value: int) -> None:
    """The positive control: a client that writes in autocommit mode, then hangs."""
    document = json.dumps({"count": value})
    statement = (
        f'UPDATE "{table}" SET document = %s::jsonb, generation = generation + 1 WHERE key = %s'
    )
    sql(statement, document, "default")
    ready.set()
    time.sleep(3600)


@dataclass
class Killed:
    """What the next client found after the writer was killed (or stopped)."""

    value: int  # the count it read: the one before the killed write, if nothing leaked
    before: int
    waited: float  # seconds the next client waited for the row lock
    error: str | None  # what the next client raised, if anything


def kill_inside_transaction(
    table: str,
    *,
    writer: Callable[..., None] = _write_then_hang,
    stop_only: bool = False,
    timeout: float = 5.0,
) -> Killed:
    """Start `writer`, let it write 999 before its COMMIT, SIGKILL it (or, `stop_only`,
    SIGSTOP it: it lives on holding its lock), then transact at once as the next client."""
    store = counter_store(table, lock_timeout=timeout)
    store.save(Counter(count=1))
    ctx = context()
    ready = ctx.Event()
    child = ctx.Process(target=writer, args=(table, ready, 999))
    child.start()
    try:
        if not ready.wait(60):
            raise AssertionError("the writer never got inside its transaction")
        assert child.pid is not None
        os.kill(child.pid, signal.SIGSTOP if stop_only else signal.SIGKILL)
        began = time.monotonic()
        error = None
        try:
            with store.transaction() as state:
                value = state.count
        except StateError as caught:
            error, value = type(caught).__name__, store.load().count
        return Killed(value, 1, time.monotonic() - began, error)
    finally:
        if child.pid is not None and child.is_alive():
            os.kill(child.pid, signal.SIGKILL)
        child.join(30)
