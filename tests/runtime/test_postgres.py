"""The PostgreSQL engine against a real server: the same API, versions, faults and crashes."""

import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import batch_state
import pytest
from _database import (
    OLD_VERSION,
    OldCounter,
    count_increments,
    counter_store,
    fresh_table,
    kill_inside_transaction,
    migrate_concurrently,
    needs_own_server,
    needs_server,
    old_store,
    sql,
    upgrading_store,
    url,
    write_without_transaction,
)
from _procs import VERSION, Counter, context
from _restarts import crash_during_increments, judge
from _samples import sample_instance
from batch_state import (
    BatchState,
    BatchStateManager,
)
from batch_state._runtime.engines.postgres import connection as _postgres
from batch_state._runtime.engines.postgres.statements import HISTORY
from batch_state._runtime.storage import Previous
from batch_state.errors import (
    StateCommitUnknownError,
    StateConfigError,
    StateCorruptError,
    StateLockTimeout,
    StateNotFoundError,
    StateReentryError,
    StateUnavailableError,
    StateVersionError,
)

SOURCE = str(Path(batch_state.__file__).resolve().parents[1])
PACKAGE = batch_state.__name__
State = BatchState
Manager = BatchStateManager


def test_an_unreachable_server_is_a_typed_error_naming_the_host() -> None:
    manager = Manager("postgresql://nobody:secret@127.0.0.1:1/none", key="k")
    with pytest.raises(StateUnavailableError) as caught:
        manager.load()
    assert caught.value.host == "127.0.0.1:1"
    assert isinstance(caught.value, ConnectionError)
    assert "secret" not in str(caught.value) and "127.0.0.1:1" in str(caught.value)


def test_a_url_without_psycopg_names_the_extra(tmp_path: Path) -> None:
    blocker = tmp_path / "psycopg.py"
    blocker.write_text("raise ImportError('psycopg is not installed')\n")
    code = (
        f"from {PACKAGE}.manager import {Manager.__name__} as Manager\n"
        f"from {PACKAGE}.errors import StateConfigError\n"
        "try:\n    Manager('postgresql://localhost/db')\n"
        "except StateConfigError as error:\n    print(error)\n"
    )
    environment = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{SOURCE}"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    assert '[postgres]"' in result.stdout and "pip install" in result.stdout


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"key": ""}, "key"),
        ({"table": "Robert'); DROP TABLE x;--"}, "table"),
        ({"table": "1abc"}, "table"),
        ({"journal": True}, "journal"),
    ],
)
def test_bad_database_options_are_config_errors(options: dict[str, object], argument: str) -> None:
    with pytest.raises(StateConfigError) as caught:
        Manager("postgresql://localhost/db", **options)  # type: ignore[arg-type]
    assert caught.value.argument == argument


def test_a_file_path_with_a_key_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(StateConfigError, match="postgresql://"):
        Manager(tmp_path / "state.json", key="k")


@needs_server
def test_the_same_api_works_on_a_row() -> None:
    table = fresh_table()
    manager = Manager(url(), key="api", table=table)
    assert not manager.exists()
    with pytest.raises(StateNotFoundError):
        manager.load()
    state = sample_instance(State)
    manager.save(state)
    assert manager.exists() and manager.load() == state
    with manager.transaction() as held:
        assert held == state
    assert manager.recover() == state
    other = Manager(url(), key="other", table=table)
    assert not other.exists()  # one table, many states


@needs_server
def test_an_exception_in_the_block_rolls_back() -> None:
    store = counter_store(fresh_table())
    store.save(Counter(count=1))
    with pytest.raises(RuntimeError), store.transaction() as state:
        state.count = 50
        raise RuntimeError("the block failed")
    assert store.load().count == 1


@needs_server
def test_many_processes_lose_no_increment() -> None:
    counted = count_increments(fresh_table(), processes=4, increments=40)
    assert counted.failures == 0, counted


@needs_server
def test_a_killed_client_leaves_no_write_and_no_lock() -> None:
    killed = kill_inside_transaction(fresh_table())
    assert (killed.error, killed.value) == (None, killed.before), killed
    assert killed.waited < 5.0, killed


@needs_server
def test_positive_control_a_stopped_client_keeps_its_lock() -> None:
    """The check above can fail: a client that lives on holds the row, and the next one
    times out."""
    killed = kill_inside_transaction(fresh_table(), stop_only=True, timeout=0.5)
    assert killed.error == "StateLockTimeout", killed


@needs_server
def test_positive_control_a_write_outside_a_transaction_leaks() -> None:
    """The check above can fail: a write committed before the kill is seen."""
    killed = kill_inside_transaction(fresh_table(), writer=write_without_transaction)
    assert killed.value == 999, killed


@needs_server
def test_a_connection_lost_during_commit_is_an_unknown_outcome() -> None:
    """The server ends the connection after the write, before COMMIT: the client cannot
    know whether the change was stored, and says exactly that."""
    table = fresh_table()
    store = counter_store(table)
    store.save(Counter(count=1))
    # The session's exit commits: the error comes from there.
    with pytest.raises(StateCommitUnknownError) as caught, store._engine.session(None) as session:
        session.current()
        session.replace(VERSION, {"count": 2}, Previous(True))
        ended = sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE state = 'idle in transaction' AND query LIKE %s",
            f"%{table}%",
        )
        assert ended == [(True,)]
    assert isinstance(caught.value, StateUnavailableError)
    assert "COMMIT" in str(caught.value)
    assert store.load() == Counter(count=1)  # here the server had rolled it back


@needs_server
def test_lock_timeout_is_a_state_lock_timeout() -> None:
    table = fresh_table()
    store = counter_store(table, lock_timeout=0.2)
    store.save(Counter())
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with counter_store(table).transaction():
            entered.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(30)
        with pytest.raises(StateLockTimeout), store.transaction():
            pass
    finally:
        release.set()
        holder.join(30)


@needs_server
def test_a_transaction_inside_one_on_the_same_row_is_refused() -> None:
    store = counter_store(fresh_table())
    with store.transaction(default=Counter), pytest.raises(StateReentryError):
        store.save(Counter())


@needs_server
def test_a_forked_child_uses_its_own_connection() -> None:
    """A child forked with the parent's connections idle makes its own, and letting go of
    the inherited ones (as its exit would) does not end the parent's sessions."""
    table = fresh_table()
    store = counter_store(table)
    store.save(Counter(count=1))
    before = _idle_backends()
    assert before
    ctx = context()
    child = ctx.Process(target=_bump_and_collect, args=(table,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    time.sleep(0.2)  # a goodbye sent on the parent's socket would have reached the server
    assert _idle_backends() == before
    alive = sql("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", before)
    assert alive == [(len(before),)]
    with store.transaction() as state:
        state.count += 1
    assert store.load().count == 3


def _idle_backends() -> list[int]:
    """The server process ids of this thread's idle connections."""
    idle = _postgres._local.__dict__.get("idle", {}).get(url(), [])
    return [link.connection.info.backend_pid for link in idle if not link.stale()]


def _bump_and_collect(table: str) -> None:
    with counter_store(table).transaction() as state:
        state.count += 1
    # What the interpreter's exit would do: let go of every connection this thread holds.
    _postgres._local.__dict__.pop("idle", None)
    gc.collect()


@needs_server
def test_an_older_row_migrates_once_under_concurrent_first_reads() -> None:
    migrated = migrate_concurrently(fresh_table(), processes=6)
    assert migrated.failures == 0, migrated


@needs_server
def test_positive_control_blind_saves_of_a_migrated_row_lose_updates() -> None:
    """The check above can fail: processes that load, then save without a transaction,
    all from the same first read, leave one increment instead of six."""
    migrated = migrate_concurrently(fresh_table(), processes=6, blind=True)
    assert migrated.failures > 0, migrated


@needs_server
def test_a_newer_row_is_refused_and_untouched() -> None:
    table = fresh_table()
    upgrading_store(table, "k").save(Counter(count=3))
    before = sql(f'SELECT generation, document FROM "{table}" WHERE key = %s', "k")
    old = old_store(table, "k")
    with pytest.raises(StateVersionError):
        old.load()
    with pytest.raises(StateVersionError):
        old.save(OldCounter(n=1))
    with pytest.raises(StateVersionError), old.transaction():
        pass
    assert sql(f'SELECT generation, document FROM "{table}" WHERE key = %s', "k") == before


@needs_server
def test_recover_restores_the_previous_generation() -> None:
    table = fresh_table()
    store = counter_store(table)
    store.save(Counter(count=1))
    store.save(Counter(count=2))
    damaged = '{"count": "two"}'
    sql(f'UPDATE "{table}" SET document = %s::jsonb WHERE key = %s', damaged, "default")
    with pytest.raises(StateCorruptError):
        store.load()
    assert store.recover() == Counter(count=1)
    assert store.load() == Counter(count=1)
    aside = sql(f'SELECT document FROM "{table}_history" WHERE NOT good')
    assert aside == [({"count": "two"},)]  # the damaged row kept, not destroyed


@needs_server
def test_history_is_bounded() -> None:
    table = fresh_table()
    store = counter_store(table)
    for value in range(20):
        store.save(Counter(count=value))
    [(kept,)] = sql(f'SELECT count(*) FROM "{table}_history"')
    assert HISTORY <= kept < 2 * HISTORY


@needs_server
def test_copy_round_trips_a_state_with_its_version(tmp_path: Path) -> None:
    source = tmp_path / "state.json"
    state = sample_instance(State)
    Manager(source).save(state)
    row = f"{url()}#copy-{fresh_table()}"
    back = tmp_path / "back.json"
    for command in (["copy", str(source), row], ["copy", row, str(back)]):
        result = subprocess.run(
            [sys.executable, "-m", PACKAGE, *command],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": SOURCE},
            check=False,
        )
        assert result.returncode == 0, result.stderr
    # jsonb keeps an object's keys in its own order: the state is the same, not the bytes
    assert Manager(back).load() == state
    assert json.loads(back.read_text())["version"] == json.loads(source.read_text())["version"]


@needs_server
def test_copy_keeps_an_older_version() -> None:
    table = fresh_table()
    old_store(table, "old").save(OldCounter(n=7))
    target = upgrading_store(table, "copied")
    target.import_(*upgrading_store(table, "old").export())
    assert sql(f'SELECT version, document FROM "{table}" WHERE key = %s', "copied") == [
        (OLD_VERSION, {"n": 7})
    ]
    assert target.load() == Counter(count=7)


@needs_own_server
def test_acknowledged_increments_survive_a_crash_restart(tmp_path: Path) -> None:
    report = crash_during_increments(fresh_table(), tmp_path / "log", before=30, after=30)
    assert report.down_errors > 0, report  # the server was really down during writes
    assert report.failures == 0, report


@needs_own_server
def test_positive_control_early_acknowledgements_are_lost_in_a_crash(tmp_path: Path) -> None:
    report = crash_during_increments(fresh_table(), tmp_path / "log", before=3, after=3, early=True)
    assert report.lost > 0, report


def test_the_judge_of_a_log_counts_unknown_commits_as_uncertain_only() -> None:
    assert judge(["ok 1", "unknown 2", "ok 3"], 3).failures == 0
    assert judge(["ok 1", "ok 3"], 3).unexplained == 1
    assert judge(["ok 1", "ok 2", "ok 2"], 2).lost == 1
    assert judge(["ok 1", "ok 2"], 1).lost == 1
