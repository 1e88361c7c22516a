"""Journal mode: appends synced once, self-checking records, bounded disk, every layout read.

An update appends what changed and syncs once, records check themselves, compaction keeps
the disk bounded, and every manager reads every layout."""

import gc
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from _attempts import NOBODY, attempt
from _journals import journal_of, records_of, torn_tail, worst_disk_ratio
from _procs import VERSION, Batch, BatchStore, Counter, batch, counter_store
from _syscalls import order_of_an_append, spying
from batch_state._runtime.engines.files import records as _records
from batch_state._runtime.migrate import Step
from batch_state._runtime.store import StateStore
from batch_state.errors import (
    StateConfigError,
    StateCorruptError,
    StateUnsafePathError,
)

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file types and owners")


def _marked(path: Path, count: int, size: int = 50) -> BatchStore:
    """A journal-mode store of a batch of `size` items, `count` of them marked completed."""
    store = BatchStore(path, journal=True)
    store.save(batch("item", size))
    for index in range(count):
        store.mark_completed(f"item-{index:06d}")
    return store


def _flip(path: Path, offset: int, bit: int = 0) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << bit
    path.write_bytes(bytes(data))


class TestUpdates:
    def test_an_update_appends_only_what_changed(self, state_path: Path) -> None:
        """One mark is one small JSON Patch record; the snapshot is not rewritten."""
        store = _marked(state_path, 0, size=1_000)
        snapshot = state_path.read_bytes()
        store.mark_completed("item-000007")
        assert state_path.read_bytes() == snapshot
        [record] = records_of(state_path)
        assert record.ops == [{"op": "add", "path": "/completed/-", "value": "item-000007"}]
        assert record.start == _records.START

    def test_a_transaction_writes_a_json_patch_of_its_change(self, state_path: Path) -> None:
        """A generic transaction diffs the state and appends only the difference."""
        store = counter_store(state_path, journal=True)
        store.save(Counter(count=0))
        with store.transaction() as state:
            state.count = 5
        [record] = records_of(state_path)
        assert record.ops == [{"op": "replace", "path": "/count", "value": 5}]
        assert counter_store(state_path).load() == Counter(count=5)

    def test_nothing_changed_writes_nothing(self, state_path: Path) -> None:
        """A transaction or a mark that changes nothing appends no record."""
        store = _marked(state_path, 2)
        before = journal_of(state_path).read_bytes()
        with store.transaction():
            pass
        store.mark_completed("item-000001")
        assert journal_of(state_path).read_bytes() == before

    @posix_only
    def test_the_sync_follows_the_append_and_nothing_else_is_synced(self, state_path: Path) -> None:
        """An update writes one record, syncs the journal, and makes nothing else durable."""
        store = _marked(state_path, 2)
        with spying() as events:
            store.mark_completed("item-000009")
        journal = journal_of(state_path).resolve()
        assert order_of_an_append(events, journal) == [], events
        # Positive control: the same check, given a sync that comes before the write.
        backwards = [("fdatasync", journal), ("pwrite", journal, 80, 16, False)]
        assert order_of_an_append(backwards, journal) != []
        # And zeros written ahead of the room after the record are allowed only before it,
        # and only past it: never over it, never after it.
        record = ("pwrite", journal, 80, 16, False)
        sync, mark = ("fdatasync", journal), ("pwrite", journal, 4, 16, False)
        ahead, over = ("pwrite", journal, 4096, 96, True), ("pwrite", journal, 4096, 16, True)
        assert order_of_an_append([ahead, record, sync, mark], journal) == []
        assert order_of_an_append([record, ahead, sync, mark], journal) != []
        assert order_of_an_append([over, record, sync, mark], journal) != []

    def test_every_manager_reads_every_layout(self, state_path: Path) -> None:
        """A snapshot-mode manager sees the journal's changes and keeps them when it saves."""
        _marked(state_path, 3)
        plain = BatchStore(state_path)
        state = plain.load()
        assert state.completed == [f"item-{index:06d}" for index in range(3)]
        plain.mark_completed("item-000010")  # a snapshot write: the journal is folded in
        assert not journal_of(state_path).exists()
        assert "#generation" not in json.loads(state_path.read_bytes())
        BatchStore(state_path, journal=True).mark_completed("item-000011")
        completed = plain.load().completed
        assert completed[3:] == ["item-000010", "item-000011"]

    def test_a_warm_manager_reads_only_what_others_appended(self, state_path: Path) -> None:
        """Two journal-mode managers on one file each see the other's updates."""
        first = _marked(state_path, 1)
        second = BatchStore(state_path, journal=True)
        assert second.next_pending() == "item-000001"
        first.mark_completed("item-000001")
        assert second.next_pending() == "item-000002"
        second.mark_failed("item-000002", "boom")
        assert first.next_pending() == "item-000003"
        assert first.load() == second.load()

    def test_a_save_keeps_the_whole_state_before_it_as_backup(self, state_path: Path) -> None:
        """save() in journal mode folds the journal first, so the backup is whole."""
        store = _marked(state_path, 3)
        before = store.load()
        store.save(batch("other", 5))
        assert BatchStore(store.backup_path).load() == before

    def test_journal_must_be_true_or_false(self, state_path: Path) -> None:
        """A truthy string is a mistake, refused by the constructor."""
        with pytest.raises(StateConfigError, match="journal"):
            BatchStore(state_path, journal="yes")


class TestRecords:
    def test_a_torn_tail_is_ignored_and_cut_by_the_next_writer(self, state_path: Path) -> None:
        """Bytes of an append a crash cut short were never acknowledged: readers skip them,
        and the next writer cuts them off before it appends."""
        store = _marked(state_path, 3)
        end = len(journal_of(state_path).read_bytes().rstrip(b"\0"))
        with open(journal_of(state_path), "r+b") as journal:
            journal.seek(end)
            journal.write(b"\x2a\x00\x00\x00 torn")
        assert torn_tail(state_path)
        assert len(BatchStore(state_path).load().completed) == 3
        store.mark_completed("item-000020")
        assert not torn_tail(state_path)
        assert len(BatchStore(state_path).load().completed) == 4

    def test_a_damaged_record_before_the_tail_is_corruption(self, state_path: Path) -> None:
        """A bad record with good ones after it is never skipped; recover() keeps the records
        before it, and the damaged files are kept aside."""
        store = _marked(state_path, 3)
        [_, middle, _] = records_of(state_path)
        _flip(journal_of(state_path), middle.start + _records.HEAD_SIZE + 3)
        damaged = journal_of(state_path).read_bytes()
        with pytest.raises(StateCorruptError, match=r"record 1 .* damaged") as caught:
            BatchStore(state_path).load()
        assert str(journal_of(state_path)) in str(caught.value)
        assert journal_of(state_path).read_bytes() == damaged, "a read changed the journal"
        assert store.recover().completed == ["item-000000"]
        assert Path(str(journal_of(state_path)) + ".corrupt").read_bytes() == damaged
        assert BatchStore(state_path).load().completed == ["item-000000"]

    def test_positive_control_the_same_damage_at_the_tail_is_a_torn_tail(
        self, state_path: Path
    ) -> None:
        """With no good record after it, the damaged record is the tail: ignored, no error."""
        _marked(state_path, 3)
        [*_, last] = records_of(state_path)
        _flip(journal_of(state_path), last.start + _records.HEAD_SIZE + 3)
        assert len(BatchStore(state_path).load().completed) == 2

    def test_every_bit_of_a_record_is_checked(self, state_path: Path) -> None:
        """A flip of any bit of a record before the tail, head or payload, is caught."""
        _marked(state_path, 3)
        [first, _, _] = records_of(state_path)
        journal = journal_of(state_path)
        good = journal.read_bytes()
        missed = []
        for offset in range(first.start, first.end):
            for bit in range(8):
                _flip(journal, offset, bit)
                try:
                    BatchStore(state_path).load()
                    missed.append((offset, bit))
                except StateCorruptError:
                    pass
                journal.write_bytes(good)
        assert missed == []

    def test_records_of_an_older_generation_are_never_applied(self, state_path: Path) -> None:
        """After a compaction the old records may come back (a crash before the reset): they
        name the old generation, so they never apply to the new snapshot."""
        store = _marked(state_path, 3)
        old_journal = journal_of(state_path).read_bytes()
        assert store.compact()
        journal_of(state_path).write_bytes(old_journal)
        assert len(BatchStore(state_path).load().completed) == 3

    def test_positive_control_records_of_the_snapshots_generation_do_apply(
        self, state_path: Path
    ) -> None:
        """Give the snapshot the old generation back (and no checksum): the old records apply
        a second time. The generation alone is what kept them out."""
        store = _marked(state_path, 3)
        old_generation = json.loads(state_path.read_bytes())["#generation"]
        old_journal = journal_of(state_path).read_bytes()
        store.compact()
        document = json.loads(state_path.read_bytes())
        document["#generation"] = old_generation
        del document["#crc32"]
        state_path.write_text(json.dumps(document), encoding="utf-8")
        journal_of(state_path).write_bytes(old_journal)
        assert len(BatchStore(state_path).load().completed) == 6


class TestCompaction:
    def test_a_full_journal_is_folded_and_the_files_stay_bounded(self, state_path: Path) -> None:
        """The journal never outgrows the snapshot: with the backup, a state's files stay
        within about three times one snapshot, however many updates."""
        worst, generations = worst_disk_ratio(state_path, items=3_000)
        assert generations > 3, "the journal was never folded"
        assert worst <= 3.2, worst
        assert len(BatchStore(state_path).load().completed) == 3_000

    def test_positive_control_a_journal_twice_the_snapshot_breaks_the_bound(
        self, state_path: Path
    ) -> None:
        """The same measure catches a journal sized beyond the rule."""
        worst, _ = worst_disk_ratio(state_path, items=3_000, capacity=lambda size: 3 * size)
        assert worst > 3.2, worst

    def test_after_compact_the_json_file_alone_is_the_state(self, state_path: Path) -> None:
        """compact() folds the journal in: json.load of the file holds every update."""
        store = _marked(state_path, 5)
        assert store.compact()
        document = json.loads(state_path.read_bytes())
        assert document["completed"] == [f"item-{index:06d}" for index in range(5)]
        assert records_of(state_path) == []
        assert not store.compact(), "there was nothing left to fold"

    def test_a_schema_upgrade_compacts_first_then_migrates(self, state_path: Path) -> None:
        """Records replay onto the old version, and the old file kept is the whole old state."""
        old = counter_store(state_path, journal=True)
        old.save(Counter(count=0))
        for _ in range(3):
            with old.transaction() as state:
                state.count += 1

        def label(data: dict[str, Any]) -> dict[str, Any]:
            return {**data, "count": data["count"] * 10}

        newer = StateStore(
            state_path,
            Counter,
            schema_version="2.0.0",
            steps=[Step(VERSION, "2.0.0", label)],
            journal=True,
        )
        assert newer.load() == Counter(count=30)
        with newer.transaction() as state:
            state.count += 1
        kept = json.loads(newer.version_backup_path(VERSION).read_bytes())
        assert (kept["version"], kept["count"]) == (VERSION, 3)
        assert json.loads(state_path.read_bytes())["version"] == "2.0.0"
        assert newer.load() == Counter(count=31)


@posix_only
class TestNamesBesideTheState:
    def test_a_symlink_at_the_journal_name_is_refused(self, state_path: Path) -> None:
        """The journal is never reached through a link; the link's target stays untouched."""
        _marked(state_path, 2)
        target = state_path.with_name("elsewhere")
        journal_of(state_path).rename(target)
        journal_of(state_path).symlink_to(target)
        before = target.read_bytes()
        with pytest.raises(StateUnsafePathError, match="symlink"):
            BatchStore(state_path).load()
        with pytest.raises(StateUnsafePathError):
            BatchStore(state_path, journal=True).mark_completed("item-000005")
        assert target.read_bytes() == before

    def test_a_fifo_at_the_journal_name_never_blocks(self, state_path: Path) -> None:
        """A FIFO planted at the journal's name is refused at once."""
        _marked(state_path, 2)
        journal_of(state_path).unlink()
        os.mkfifo(journal_of(state_path))
        tried = attempt(lambda: BatchStore(state_path).load(), timeout=10)
        assert not tried.blocked
        assert isinstance(tried.error, StateUnsafePathError), tried

    def test_another_users_journal_in_a_shared_directory_is_refused(self, shared_dir: Path) -> None:
        """In a sticky world-writable directory a stranger's records would change your
        state: a journal owned by anyone but you or the state's owner is refused."""
        if os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        shared_dir.chmod(0o1777)
        path = shared_dir / "state.json"
        _marked(path, 2)
        os.chown(journal_of(path), NOBODY, NOBODY)
        with pytest.raises(StateUnsafePathError, match="journal belongs to"):
            BatchStore(path).load()
        os.chown(journal_of(path), 0, 0)  # positive control: the owner's own journal loads
        assert len(BatchStore(path).load().completed) == 2

    def test_a_file_that_is_not_a_journal_is_corruption(self, state_path: Path) -> None:
        """A journal without its header is not read as one."""
        _marked(state_path, 2)
        journal_of(state_path).write_bytes(b"not a journal at all")
        with pytest.raises(StateCorruptError, match="not a journal"):
            BatchStore(state_path).load()

    def test_a_long_name_keeps_itsjournal_of(self, tmp_path: Path) -> None:
        """The journal's name is cut to the name limit like every name beside the state."""
        path = tmp_path / ("s" * 250)
        store = _marked(path, 3)
        assert [name for name in os.listdir(tmp_path) if name.endswith(".journal")]
        assert len(BatchStore(path).load().completed) == 3
        assert store.compact()

    def test_the_journal_keeps_the_state_files_mode(self, state_path: Path) -> None:
        """A journal made beside a private state file is private too."""
        store = _marked(state_path, 0)
        os.chmod(state_path, 0o600)
        store.save(store.load())
        journal_of(state_path).unlink(missing_ok=True)
        store.mark_completed("item-000001")
        assert stat.S_IMODE(journal_of(state_path).stat().st_mode) == 0o600


def test_loading_a_batch_does_not_alias_the_managers_state(state_path: Path) -> None:
    """The state load() returns is the caller's own: changing it changes nothing stored."""
    store = _marked(state_path, 2)
    state = store.load()
    state.completed.append("item-000040")
    state.items.clear()
    assert store.load() == BatchStore(state_path).load() != state
    assert isinstance(store.load(), Batch)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
@pytest.mark.parametrize("journal", [False, True], ids=["snapshot mode", "journal mode"])
def test_managers_let_go_keep_no_file_open(tmp_path: Path, journal: bool) -> None:
    """A manager keeps its directory, lock file, snapshot and journal open between
    operations; once it is let go, they are closed, however many files it served."""

    def open_files() -> int:
        gc.collect()
        return len(os.listdir("/proc/self/fd"))

    def use(index: int) -> BatchStore:
        path = tmp_path / f"{index}" / "state.json"
        path.parent.mkdir()
        store = BatchStore(path, journal=journal)
        store.save(batch("item", 5))
        store.mark_completed("item-000001")
        store.load()
        store.next_pending()
        return store

    before = open_files()
    for index in range(50):
        use(index)
    assert open_files() - before < 10
    # Positive control: managers still held keep theirs, and the count shows it.
    held = [use(index) for index in range(50, 100)]
    assert open_files() - before >= 50 * (4 if journal else 3)
    assert len(held) == 50
