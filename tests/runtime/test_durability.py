"""Durability levels: "normal" skips the sync of journal appends, and nothing else.

At "normal" an acknowledged change survives a crash of the process (its bytes are in the
system's cache once written) but not necessarily a power loss; snapshots (saves, folds) are
still written with every sync, so a power loss takes at most the records since the last one.
"""

import os
from pathlib import Path
from typing import Any

import pytest
from _database import counter_store as database_store
from _database import fresh_table, needs_server
from _journals import journal_of, records_of
from _kills import kill_while_marking
from _procs import BatchStore, Counter, batch
from _syscalls import order_problems, spying
from batch_state import BatchStateManager
from batch_state.errors import StateConfigError, StateCorruptError

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX system calls and SIGKILL")
SYNCS = ("fsync", "fdatasync")


def _marked(path: Path, durability: str, count: int = 3) -> BatchStore:
    """A journal-mode store at `durability` of 50 items, `count` of them marked (the journal
    made)."""
    store = BatchStore(path, journal=True, durability=durability)
    store.save(batch("item", 50))
    for index in range(count):
        store.mark_completed(f"item-{index:06d}")
    return store


class TestTheOption:
    @pytest.mark.parametrize("bad", ["fast", "FULL", "", 1, None, True])
    def test_a_bad_level_is_refused_naming_it_and_the_choices(
        self, state_path: Path, bad: Any
    ) -> None:
        with pytest.raises(StateConfigError) as caught:
            BatchStateManager(state_path, durability=bad)
        message = str(caught.value)
        assert message.startswith("durability: ") and '"full" or "normal"' in message
        assert message.endswith(f"got {bad!r}")
        assert not state_path.parent.exists() or list(state_path.parent.iterdir()) == []

    def test_the_levels_are_taken_and_full_is_the_default(self, state_path: Path) -> None:
        assert BatchStateManager(state_path).durability == "full"
        relaxed = BatchStateManager(state_path, journal=True, durability="normal")
        assert relaxed.durability == "normal"


@posix_only
class TestSyncs:
    @pytest.mark.parametrize(("durability", "syncs"), [("full", 1), ("normal", 0)])
    def test_a_journal_append_syncs_only_at_full(
        self, state_path: Path, durability: str, syncs: int
    ) -> None:
        """The same two writes (the record pending, then its commit mark) at both levels;
        the one sync between them only at "full"."""
        store = _marked(state_path, durability)
        with spying() as events:
            store.mark_completed("item-000010")
        journal = journal_of(state_path).resolve()
        synced = [event for event in events if event[0] in SYNCS]
        assert synced == [(name, journal) for name, _ in synced]
        assert len(synced) == syncs, events
        writes = [event for event in events if event[0] == "pwrite" and event[1] == journal]
        assert [write[2] for write in writes][1:] == [4], events  # the mark: the CRC's 4 bytes
        assert len(records_of(state_path)) == 4

    def test_a_fold_at_normal_is_still_a_synced_snapshot(self, state_path: Path) -> None:
        """compact() (as a full journal's fold) replaces the snapshot with every sync."""
        store = _marked(state_path, "normal")
        with spying() as events:
            assert store.compact()
        assert order_problems(events, state_path, store.backup_path) == []
        # Positive control: the same check fails without the directory's sync.
        events = [event for event in events if event != ("fsync", state_path.parent)]
        assert order_problems(events, state_path, store.backup_path) != []

    def test_a_save_at_normal_is_still_a_synced_snapshot(self, state_path: Path) -> None:
        store = _marked(state_path, "normal")
        with spying() as events:
            store.save(batch("other", 5))
        # Two snapshots: the journal folded in first (so the backup is whole), then the save.
        renames = [i for i, event in enumerate(events) if event[:1] == ("replace",)]
        folded = next(i for i in renames if events[i][2] == state_path)
        assert order_problems(events[folded + 1 :], state_path, store.backup_path) == []


class TestWhatAPowerLossCanTake:
    """A power loss at "normal" loses records the system had not written to the disk yet:
    the last ones, or (written back out of order) one before others. Simulated here by
    zeroing those records, as unwritten preallocated space reads."""

    def _lose(self, path: Path, numbers: range) -> None:
        records = records_of(path)
        data = bytearray(journal_of(path).read_bytes())
        for number in numbers:
            record = records[number]
            data[record.start : record.end] = bytes(record.end - record.start)
        journal_of(path).write_bytes(bytes(data))

    def test_lost_last_records_leave_the_state_before_them(self, state_path: Path) -> None:
        _marked(state_path, "normal", count=6)
        self._lose(state_path, range(4, 6))
        completed = BatchStore(state_path).load().completed
        assert completed == [f"item-{index:06d}" for index in range(4)]

    def test_a_record_lost_before_others_is_reported_and_recovered(self, state_path: Path) -> None:
        """load() reports the gap; recover() keeps the snapshot and the records before it."""
        _marked(state_path, "normal", count=6)
        self._lose(state_path, range(3, 4))
        store = BatchStore(state_path)
        with pytest.raises(StateCorruptError, match="damaged"):
            store.load()
        assert store.recover().completed == [f"item-{index:06d}" for index in range(3)]


def _mark_normally(path: Path, acknowledged: int, ready: Any) -> None:
    """Mark the pending items at "normal", one by one, each written to the pipe
    `acknowledged` once its mark_completed() returned."""
    store = BatchStore(path, journal=True, durability="normal")
    while (item := store.next_pending()) is not None:
        store.mark_completed(item)
        os.write(acknowledged, item.encode() + b"\n")
        ready.set()
    ready.set()


@posix_only
def test_every_acknowledged_record_survives_a_kill_at_normal(state_path: Path) -> None:
    """SIGKILL at random moments: a manager made afresh loads every acknowledged item.
    (The harness's positive control, a writer that acknowledges early, is in test_crash.)"""
    report = kill_while_marking(state_path, _mark_normally, kills=6)
    assert report.failures == 0, report
    assert report.acknowledged > 0


@needs_server
@pytest.mark.parametrize("durability", ["full", "normal"])
def test_postgres_normal_is_synchronous_commit_off_for_the_transaction(
    monkeypatch: pytest.MonkeyPatch, durability: str
) -> None:
    """Each transaction at "normal" runs with synchronous_commit off; the setting ends with
    it, on a connection other managers of the thread share."""
    from batch_state._runtime.engines.postgres import connection as _connection

    seen: list[str] = []
    real_run = _connection.Link.run

    def run(link: Any, place: Any, query: bytes, parameters: Any = None) -> None:
        real_run(link, place, query, parameters)
        if b"synchronous_commit" in query:
            row = link.fetch(place, b"SHOW synchronous_commit")
            seen.append(f"{query.decode()} -> {row[0] if row else None}")

    monkeypatch.setattr(_connection.Link, "run", run)
    store = database_store(fresh_table(), durability=durability)
    store.save(Counter(count=1))
    with store.transaction() as state:
        state.count += 1
    assert store.load() == Counter(count=2)
    relaxed = ["SET LOCAL synchronous_commit = off -> off"] * 2  # the save and the transaction
    assert seen == (relaxed if durability == "normal" else [])
    place = store._engine.place  # type: ignore[attr-defined]
    with _connection.connection(place) as link:
        row = link.fetch(place, b"SHOW synchronous_commit")
    assert row is not None and row[0] == "on"
