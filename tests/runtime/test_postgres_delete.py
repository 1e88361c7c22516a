"""PostgreSQL: delete() drops a key's state and history in one transaction, and nothing else."""

import secrets
import subprocess
import sys
import threading

import pytest
from _database import counter_store, fresh_table, needs_server, sql, url
from _procs import Counter
from batch_state import BatchState, BatchStateManager
from batch_state.errors import StateLockTimeout, StateNotFoundError

# One worker runs every test that uses the PostgreSQL server: some of them restart it.
pytestmark = [needs_server, pytest.mark.xdist_group("postgres")]


def _rows(table: str, key: str) -> tuple[list[tuple[object, ...]], int]:
    """The key's row (document, version) and how many history rows it has."""
    row = sql(f"SELECT document, version FROM {table} WHERE key = %s", key)
    history = sql(f"SELECT count(*) FROM {table}_history WHERE key = %s", key)
    return row, int(str(history[0][0]))


def test_delete_drops_the_state_and_its_history_only() -> None:
    table = fresh_table()
    doomed, kept = counter_store(table, "doomed"), counter_store(table, "kept")
    for count in range(4):
        doomed.save(Counter(count=count))
        kept.save(Counter(count=count))
    assert _rows(table, "doomed")[1] == 3 and len(doomed.sidecars()) == 3
    kept_before = _rows(table, "kept")

    doomed.delete()

    assert _rows(table, "doomed") == ([(None, None)], 0)  # the row stays, emptied
    assert doomed.sidecars() == [] and not doomed.exists()
    with pytest.raises(StateNotFoundError):
        doomed.load()
    with pytest.raises(StateNotFoundError, match="no backup"):
        doomed.recover()  # nothing of the history comes back
    with pytest.raises(StateNotFoundError, match="no state here to delete"):
        doomed.delete()
    doomed.delete(missing_ok=True)
    assert _rows(table, "kept") == kept_before and kept.load() == Counter(count=3)
    doomed.save(Counter(count=9))
    assert doomed.load() == Counter(count=9) and _rows(table, "doomed")[1] == 0


def test_a_missing_table_is_a_missing_state() -> None:
    """Nothing is made to delete nothing: no table appears."""
    table = fresh_table()
    with pytest.raises(StateNotFoundError):
        counter_store(table).delete()
    counter_store(table).delete(missing_ok=True)
    assert sql("SELECT to_regclass(%s)", table) == [(None,)]


@pytest.mark.parametrize("outright", [False, True])
def test_a_client_that_knew_the_deleted_state_never_takes_it_for_a_new_one(
    outright: bool,
) -> None:
    """A warm client knows its copy is current by the row's generation: after a delete and
    as many saves as before, the generation must still be new to it. The positive control
    (`outright`) drops the row itself, as a delete must not: generations start again, and
    the warm client takes the deleted state for the new one."""
    table = fresh_table()
    writer = BatchStateManager(url(), key="k", table=table)
    watcher = BatchStateManager(url(), key="k", table=table)
    for _ in range(2):
        writer.save(BatchState(batch_id="old", features=["o1", "o2"]))
    assert watcher.next_pending() == "o1"  # warm: its copy is that generation's
    writer.delete()
    if outright:
        sql(f"DELETE FROM {table} WHERE key = 'k'")
    for _ in range(2):
        writer.save(BatchState(batch_id="new", features=["n1", "n2"]))
    assert watcher.next_pending() == ("o1" if outright else "n1")


def test_delete_waits_for_a_session_holding_the_row() -> None:
    table = fresh_table()
    holder = counter_store(table)
    holder.save(Counter(count=1))
    raised: list[BaseException] = []

    def delete() -> None:
        try:
            counter_store(table, lock_timeout=0.2).delete()
        except BaseException as error:
            raised.append(error)

    with holder.transaction():
        deleting = threading.Thread(target=delete)  # a thread of its own: its own connection
        deleting.start()
        deleting.join(60)
    assert len(raised) == 1 and isinstance(raised[0], StateLockTimeout), raised
    assert holder.load() == Counter(count=1)


def test_the_command_line_deletes_a_key() -> None:
    key = f"delete-{secrets.token_hex(4)}"
    manager = BatchStateManager(url(), key=key)  # the package's table, as the command's
    for batch_id in ("a", "b"):
        manager.save(BatchState(batch_id=batch_id, features=[]))
    location = f"{url()}#{key}"
    refused = _cli("delete", location)
    assert refused.returncode == 2 and "--yes" in refused.stderr and manager.exists()
    result = _cli("delete", "--yes", location)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(f"#{key} and its 1 history row\n"), result.stdout
    assert not manager.exists() and manager.sidecars() == []
    missing = _cli("delete", "--yes", location)
    assert missing.returncode == 2 and "no state here to delete" in missing.stderr


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batch_state", *arguments],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
