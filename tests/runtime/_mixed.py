"""A journal writer, a snapshot writer and readers without the lock, on one file at once.

The writers change the files under the readers in every way the library does: records
appended, the journal folded into a new snapshot, a snapshot written over a journaled state
and its journal removed, a journal made afresh. A reader must never be told a healthy state
is damaged, nor fail in any other way.
"""

import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from _procs import BatchStore, batch, context

_ITEMS = 200


@dataclass(frozen=True)
class MixedReport:
    """What the readers were told."""

    reads: int
    corrupt: int  # reads answered with StateCorruptError
    other: int  # reads answered with any other error
    writes: int  # changes the writers made meanwhile
    first: str  # the first error a reader was given ("" when none)


def _journal_writer(path: Path, start: Event, stop: Event, writes: Any) -> None:
    store = BatchStore(path, journal=True)
    start.wait(30)
    while not stop.is_set():
        item = store.next_pending()
        if item is None:
            store.save(batch("item", _ITEMS))  # all done: start again, a new generation
        else:
            store.mark_completed(item)
        with writes.get_lock():
            writes.value += 1


def _snapshot_writer(path: Path, start: Event, stop: Event, writes: Any) -> None:
    store = BatchStore(path)  # snapshot mode: each save removes the journal
    start.wait(30)
    count = 0
    while not stop.is_set():
        with store.transaction() as state:
            state.failed[f"item-{count % 7:06d}"] = f"failure {count}"
        count += 1
        with writes.get_lock():
            writes.value += 1
        time.sleep(0.002)  # leave the journal writer room to build up a journal


def _reader(path: Path, reads: int, start: Event, results: Any, as_it_was: bool) -> None:
    from batch_state.errors import StateCorruptError

    if as_it_was:  # the identity check as it was, and no second read of damage
        from _outcomes import checked_once
        from batch_state._runtime.engines.files import reading

        follow = checked_once(reading.Reader._follow_journal)
        setattr(reading.Reader, "_follow_journal", follow)  # noqa: B010
        reading._CORRUPT_ATTEMPTS = 1
    store = BatchStore(path, journal=True)
    start.wait(30)
    corrupt = other = 0
    first = ""
    for index in range(reads):
        try:
            if index % 2:
                store.next_pending()
            else:
                store.load()
        except StateCorruptError as error:
            corrupt += 1
            first = first or f"StateCorruptError: {error}"
        except Exception as error:
            other += 1
            first = first or f"{type(error).__name__}: {error}"
    results.put((reads, corrupt, other, first))


def read_while_both_write(
    root: Path, *, reads: int, readers: int = 2, as_it_was: bool = False
) -> MixedReport:
    """`readers` processes each read `reads` times without the lock while both writers run.

    `as_it_was`: the readers check the journal as they did, for the positive control.
    """
    path = root / "state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    BatchStore(path, journal=True).save(batch("item", _ITEMS))
    ctx = context()
    start, stop = ctx.Event(), ctx.Event()
    writes = ctx.Value("i", 0)
    results: multiprocessing.Queue[tuple[int, int, int, str]] = ctx.Queue()
    writers = [
        ctx.Process(target=target, args=(path, start, stop, writes))
        for target in (_journal_writer, _snapshot_writer)
    ]
    reading = [
        ctx.Process(target=_reader, args=(path, reads, start, results, as_it_was))
        for _ in range(readers)
    ]
    for process in (*writers, *reading):
        process.start()
    start.set()
    found = [results.get(timeout=600) for _ in reading]
    stop.set()
    for process in (*writers, *reading):
        process.join(60)
    return MixedReport(
        reads=sum(each[0] for each in found),
        corrupt=sum(each[1] for each in found),
        other=sum(each[2] for each in found),
        writes=writes.value,
        first=next((each[3] for each in found if each[3]), ""),
    )
