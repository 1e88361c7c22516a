"""A record whose commit mark a power loss took: synced, so it counts, once the lock's holder
has settled it; a reader without the lock never takes one while a writer may be at work.

A journal append syncs once, between the record (written pending) and its mark; the mark is
synced by the next append. A power loss in between leaves the acknowledged change as a whole
pending record, which these tests make by inverting the last record's CRC on disk.
"""

import os
import threading
from pathlib import Path

import pytest
from _journals import journal_of, records_of
from _procs import BatchStore, batch, context, hold_batch_lock
from batch_state._runtime.engines.files import records as _records

DONE = ["item-000000", "item-000001"]


def _lose_last_mark(path: Path) -> int:
    """Put the journal as a power loss may leave it after the last append: the record synced,
    its mark not. Returns where that record starts."""
    last = records_of(path)[-1]
    with journal_of(path).open("r+b") as journal:
        journal.seek(last.start)
        record = journal.read(last.end - last.start)
        journal.seek(last.start)
        journal.write(_records.pending(record))
    return last.start


def _marked_twice(path: Path) -> BatchStore:
    store = BatchStore(path, journal=True)
    store.save(batch("item", 5))
    for item in DONE:
        store.mark_completed(item)
    return store


def _is_marked(path: Path, start: int) -> bool:
    return any(record.start == start for record in records_of(path))


def test_a_reader_takes_an_acknowledged_change_whose_mark_was_lost(state_path: Path) -> None:
    _marked_twice(state_path)
    _lose_last_mark(state_path)
    assert BatchStore(state_path, journal=True).load().completed == DONE
    assert BatchStore(state_path).load().completed == DONE  # a snapshot-mode reader too


def test_a_reader_leaves_a_pending_record_while_a_writer_holds_the_lock(
    state_path: Path,
) -> None:
    """The record may be the one the writer is appending, not synced yet: not taken. Once
    the lock is free, the same reader takes it."""
    _marked_twice(state_path)
    _lose_last_mark(state_path)
    ctx = context()
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold_batch_lock, args=(state_path, held, release))
    holder.start()
    try:
        assert held.wait(30)
        reader = BatchStore(state_path, journal=True)
        assert reader.load().completed == DONE[:1]
    finally:
        release.set()
        holder.join(30)
    assert reader.load().completed == DONE


def test_another_thread_holding_the_lock_counts_as_a_writer(state_path: Path) -> None:
    """The transaction settles the record for itself; readers take it once it ends."""
    store = _marked_twice(state_path)
    _lose_last_mark(state_path)
    reader = BatchStore(state_path, journal=True)
    inside, leave = threading.Event(), threading.Event()
    seen: list[list[str]] = []

    def hold() -> None:
        with store.transaction() as state:
            seen.append(list(state.completed))
            inside.set()
            leave.wait(30)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert inside.wait(30)
        seen.append(reader.load().completed)
    finally:
        leave.set()
        worker.join(30)
    assert seen == [DONE, DONE[:1]]
    assert reader.load().completed == DONE


def test_a_writer_marks_a_settled_record_before_appending_after_it(state_path: Path) -> None:
    """No good record may follow a pending one (that reads as damage): the next append
    writes the lost mark first, and every reader then sees all three changes."""
    _marked_twice(state_path)
    start = _lose_last_mark(state_path)
    assert not _is_marked(state_path, start)
    BatchStore(state_path, journal=True).mark_completed("item-000002")
    assert _is_marked(state_path, start)
    wanted = [*DONE, "item-000002"]
    assert BatchStore(state_path, journal=True).load().completed == wanted
    assert BatchStore(state_path).load().completed == wanted


def test_a_record_taken_by_a_reader_is_marked_by_its_next_append(state_path: Path) -> None:
    """The same manager first reads (settling the record without marking it), then appends."""
    _marked_twice(state_path)
    start = _lose_last_mark(state_path)
    store = BatchStore(state_path, journal=True)
    assert store.load().completed == DONE
    assert not _is_marked(state_path, start)
    store.mark_completed("item-000002")
    assert _is_marked(state_path, start)
    assert BatchStore(state_path).load().completed == [*DONE, "item-000002"]


def test_recover_keeps_a_settled_record(state_path: Path) -> None:
    """recover() salvages past a damaged journal header, the pending record included."""
    _marked_twice(state_path)
    _lose_last_mark(state_path)
    with journal_of(state_path).open("r+b") as journal:
        journal.write(b"X" * len(_records.MAGIC))  # the header damaged
    store = BatchStore(state_path, journal=True)
    assert store.recover().completed == DONE
    assert BatchStore(state_path).load().completed == DONE


def test_positive_control_a_good_record_after_a_pending_one_is_damage(
    state_path: Path,
) -> None:
    """Were the next append not to mark the record first, readers would see damage: the
    check that these tests rely on is the scan's, and it catches that layout."""
    _marked_twice(state_path)
    first = records_of(state_path)[0]
    with journal_of(state_path).open("r+b") as journal:
        journal.seek(first.start)
        record = journal.read(first.end - first.start)
        journal.seek(first.start)
        journal.write(_records.pending(record))
    with pytest.raises(Exception, match="damaged"):
        BatchStore(state_path, journal=True).load()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_pending_record_of_a_killed_writer_counts_once_settled(state_path: Path) -> None:
    """A writer killed between its write and its sync leaves a whole pending record, maybe
    never synced: the next reader takes the lock, syncs it, and takes it."""
    _marked_twice(state_path)
    pid = os.fork()
    if pid == 0:  # the child: write the next record pending, and die before its sync
        store = BatchStore(state_path, journal=True)
        real = os.fdatasync

        def die(fd: int) -> None:
            os._exit(0)

        os.fdatasync = die
        try:
            store.mark_completed("item-000002")
        finally:
            os.fdatasync = real
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert BatchStore(state_path, journal=True).load().completed == [*DONE, "item-000002"]


def test_a_settled_record_cut_by_an_earlier_release_is_read_again(state_path: Path) -> None:
    """A writer of an earlier release reads a pending record as a torn tail: it cuts it and
    writes its own record there. A reader that had taken the pending one reads the files
    again (not its cache), and its next append leaves that record whole."""
    _marked_twice(state_path)
    start = _lose_last_mark(state_path)
    store = BatchStore(state_path, journal=True)
    assert store.load().completed == DONE  # taken, not marked
    journal = journal_of(state_path)
    data = journal.read_bytes()
    head = _records.HEAD_SIZE
    size = int.from_bytes(data[start + 4 : start + 8], "little")
    payload = data[start + head : start + head + size].replace(b"item-000001", b"item-000003")
    sequence = int.from_bytes(data[start + 8 : start + 16], "little")
    generation = data[start + 16 : start + 24]
    with journal.open("r+b") as handle:  # as the earlier release's writer would
        handle.seek(start)
        handle.write(bytes(head + size) + bytes(64))
        handle.seek(start)
        handle.write(_records.frame(generation, sequence, payload))
    cut = ["item-000000", "item-000003"]
    assert store.load().completed == cut
    store.mark_completed("item-000004")
    assert BatchStore(state_path, journal=True).load().completed == [*cut, "item-000004"]
