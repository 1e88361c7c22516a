"""Readers see only acknowledged records, errors say the truth about the disk, and a healthy
state read without the lock is never reported damaged; each with its positive control."""

import json
import os
import pickle
import sys
from pathlib import Path

import pytest
from _journals import journal_of, records_of
from _mixed import read_while_both_write
from _outcomes import (
    OPERATIONS,
    error_at_every_step,
    failed_sync_under_a_reader,
    journal_removed_under_a_reader,
    pending_is_not_a_record,
)
from _procs import BatchStore, batch
from _syscalls import spying
from batch_state._runtime.engines.files import records as _records
from batch_state.errors import (
    StateCommitUnknownError,
    StateCorruptError,
    StateError,
    StateWriteError,
)

posix = pytest.mark.skipif(os.name == "nt", reason="the system calls faked are POSIX")
syncs_data = pytest.mark.skipif(
    not hasattr(os, "fdatasync") or sys.platform == "darwin",
    reason="the journal is synced with fdatasync only where the system has it (not macOS)",
)
#: Reads each lock-free reader makes in the mixed-writers stress; larger by hand or in CI.
MIXED_READS = int(os.environ.get("STATEGEN_MIXED_READS", "1500"))


class TestOnlyAcknowledgedRecords:
    def test_a_pending_record_is_no_record(self) -> None:
        assert pending_is_not_a_record()

    def test_a_committed_record_is_the_same_bytes_as_before(self, state_path: Path) -> None:
        """The format is unchanged: a marked record reads as one to any scan."""
        store = BatchStore(state_path, journal=True)
        store.save(batch("item", 10))
        store.mark_completed("item-000000")
        [record] = records_of(state_path)
        raw = journal_of(state_path).read_bytes()[record.start : record.end]
        generation = json.loads(state_path.read_bytes())["#generation"]
        payload = raw[_records.HEAD_SIZE :]
        assert raw == _records.frame(_records.generation_bytes(generation), 0, payload)
        assert _records.pending(raw) != raw and _records.mark(raw) == raw[:4]

    @syncs_data
    def test_a_failed_sync_is_never_seen_by_a_reader(self, tmp_path: Path) -> None:
        assert failed_sync_under_a_reader(tmp_path) == []

    @syncs_data
    def test_positive_control_the_append_as_it_was(self, tmp_path: Path) -> None:
        """Written whole before its sync, the record is taken by the reader, which then
        misses the acknowledged one and makes the failed one the snapshot."""
        problems = failed_sync_under_a_reader(tmp_path, one_step=True)
        assert "the reader took a record whose sync failed" in problems, problems


#: The operations that append one record to the journal, and write no snapshot.
APPENDS = (
    "journal append",
    "journal first append (the journal made)",
    "journal append after a torn tail (cut first)",
)


@posix
class TestErrorsTellTheTruth:
    @pytest.mark.parametrize("operation", list(OPERATIONS))
    def test_eio_at_every_step(self, tmp_path: Path, operation: str) -> None:
        """EIO instead of and after each system call: no error means the new state, an
        error that says unchanged means the old, and the next update works."""
        report = error_at_every_step(tmp_path, OPERATIONS[operation])
        assert report.failures == {}, report
        assert report.runs > 10, report
        if operation in APPENDS:
            # One failure in an append is always undone for good: the record is erased and
            # the erasure synced, so no single error of an append leaves the outcome unknown.
            assert report.unknown == 0, report
        else:  # a snapshot renamed into place whose directory sync failed
            assert report.unknown > 0, report

    @syncs_data
    def test_an_append_whose_erasure_fails_too_says_the_outcome_is_unknown(
        self, state_path: Path
    ) -> None:
        """The record's sync fails, and so does the sync of its erasure: a power loss could
        bring the record back, so the error says neither done nor unchanged. Until then
        nobody takes the erased record."""
        store = BatchStore(state_path, journal=True)
        store.save(batch("item", 3))
        store.mark_completed("item-000000")
        journal = journal_of(state_path)
        real = os.fdatasync

        def failing(fd: int) -> None:
            if os.fstat(fd).st_ino == journal.stat().st_ino:
                raise OSError(5, "Input/output error (injected)")
            real(fd)

        os.fdatasync = failing
        try:
            with pytest.raises(StateCommitUnknownError) as raised:
                store.mark_completed("item-000001")
        finally:
            os.fdatasync = real
        assert "taken back" in str(raised.value) and "may bring it back" in str(raised.value)
        assert BatchStore(state_path, journal=True).load().completed == ["item-000000"]
        store.mark_completed("item-000002")  # the next append goes where the erased one was
        assert BatchStore(state_path).load().completed == ["item-000000", "item-000002"]

    def test_positive_control_errors_as_they_were(self, tmp_path: Path) -> None:
        report = error_at_every_step(tmp_path, OPERATIONS["snapshot save"], as_it_was=True)
        assert any("yet the state changed" in what for what in report.failures.values())

    def test_a_failed_directory_sync_says_the_outcome_is_unknown(self, state_path: Path) -> None:
        BatchStore(state_path).save(batch("item", 3))
        fsync = os.fsync
        directory = os.stat(state_path.parent)

        def failing(fd: int) -> None:
            if os.path.samestat(os.fstat(fd), directory):
                raise OSError(5, "Input/output error")
            fsync(fd)

        changed = batch("item", 3)
        changed.completed = ["item-000001"]
        os.fsync = failing
        try:
            with pytest.raises(StateCommitUnknownError) as raised:
                BatchStore(state_path).save(changed)
        finally:
            os.fsync = fsync
        assert "unchanged" not in str(raised.value)
        assert "may not survive a power loss" in str(raised.value)
        assert raised.value.host == "" and raised.value.location == str(state_path)
        assert str(pickle.loads(pickle.dumps(raised.value))) == str(raised.value)
        assert BatchStore(state_path).load() == changed  # in place: readers see it

    def test_records_are_cut_only_once_the_snapshot_folding_them_is_durable(
        self, state_path: Path
    ) -> None:
        """A fold whose directory sync failed leaves the old generation's records in the
        journal: the next update syncs the directory before it cuts them."""
        store = BatchStore(state_path, journal=True)
        store.save(batch("item", 10))
        for index in range(3):
            store.mark_completed(f"item-{index:06d}")
        fsync, directory = os.fsync, os.stat(state_path.parent)

        def failing(fd: int) -> None:
            if os.path.samestat(os.fstat(fd), directory):
                raise OSError(5, "Input/output error")
            fsync(fd)

        os.fsync = failing
        try:
            with pytest.raises(StateWriteError, match="unchanged"):
                store.compact()  # the same state either way: an ordinary write error
        finally:
            os.fsync = fsync
        with spying() as events:
            BatchStore(state_path, journal=True).mark_completed("item-000005")
        journal = journal_of(state_path).resolve()
        synced = [i for i, e in enumerate(events) if e[:2] == ("fsync", state_path.parent)]
        cut = [i for i, e in enumerate(events) if e[:2] == ("ftruncate", journal)]
        assert synced and cut and synced[0] < cut[0], events
        assert BatchStore(state_path).load().completed == [
            *(f"item-{index:06d}" for index in range(3)),
            "item-000005",
        ]


class TestNoFalseDamage:
    def test_a_journal_removed_under_a_reader_is_read_again(self, tmp_path: Path) -> None:
        assert journal_removed_under_a_reader(tmp_path) == []

    def test_positive_control_the_check_as_it_was(self, tmp_path: Path) -> None:
        problems = journal_removed_under_a_reader(tmp_path, old_check=True)
        assert any("reported corrupt" in each for each in problems), problems

    @posix
    def test_readers_while_both_kinds_of_writer_write(self, tmp_path: Path) -> None:
        report = read_while_both_write(tmp_path, reads=MIXED_READS)
        assert report.corrupt == 0 and report.other == 0, report
        assert report.writes > 0, report

    def test_real_damage_is_still_reported_without_the_lock(self, state_path: Path) -> None:
        """A damaged record with a good one after it: reported after the second reads."""
        store = BatchStore(state_path, journal=True)
        store.save(batch("item", 10))
        for index in range(3):
            store.mark_completed(f"item-{index:06d}")
        reader = BatchStore(state_path, journal=True)
        first = records_of(state_path)[0]
        with open(journal_of(state_path), "r+b") as journal:
            journal.seek(first.start + _records.HEAD_SIZE)
            journal.write(b"X")
        with pytest.raises(StateCorruptError, match="damaged"):
            reader.load()
        with pytest.raises(StateError):
            reader.next_pending()
