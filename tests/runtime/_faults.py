"""Deterministic fault injection: a writer dies just before, then just after, each step of a save.

Random kills land where the timing puts them; this walks every step of the write sequence
(each os.write, os.fsync, os.link and os.replace a save makes) and stops the process with
os._exit there. Each time the file must hold exactly the state the step implies (old before
the rename, new after), the backup must be a whole older generation, and the next save must
sweep every orphaned temp file.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _journals import torn_tail
from _procs import (
    FAULT_FIRED,
    Batch,
    BatchStore,
    Blob,
    batch,
    blob,
    blob_store,
    context,
    exit_at_step,
    exit_during,
    mark_one,
)
from batch_state._runtime.engines.files import records as _records
from batch_state._runtime.engines.files.engine import FileEngine
from batch_state._runtime.engines.files.fs.names import TEMP_MARKER
from batch_state.errors import StateNotFoundError

STEPS = ("write", "fsync", "link", "replace")
OLDEST, OLD, NEW, NEXT = (blob(label, 4_000) for label in ("oldest", "old", "new", "next"))


@dataclass(frozen=True)
class FaultReport:
    """The steps of one save, and what went wrong after a crash at each (none, we hope)."""

    steps: list[str]  # "write#1", "fsync#1", ... in the order the save made them
    crashes: int  # one before and one after each step
    failures: dict[str, str]  # "before fsync #1" -> what was found


def crash_at_every_step(root: Path, *, first_save: bool) -> FaultReport:
    """Crash a save of NEW at each of its steps in turn; `first_save`: no file there before."""
    steps = _syscalls_of_a_save(root / "spy" / "state.json", first_save)
    # The rename that publishes the new state: before it the file must be old, after it new.
    publish = next(
        index
        for index, (name, _, args) in enumerate(steps)
        if name == "replace" and Path(args[1]).name == "state.json"
    )
    old = None if first_save else OLD
    backups = (None,) if first_save else (OLDEST, OLD)
    ctx = context()
    failures: dict[str, str] = {}  # one entry per failed run, with what went wrong
    for index, (name, call, _) in enumerate(steps):
        for after in (False, True):
            where = f"{'after' if after else 'before'} {name} #{call}"
            path = root / f"{index}-{after}" / "state.json"
            _prepare(path, first_save)
            process = ctx.Process(target=exit_at_step, args=(path, NEW, name, call, after))
            process.start()
            process.join(60)
            if process.exitcode != FAULT_FIRED:
                failures[where] = f"the fault did not fire (exit {process.exitcode})"
                continue
            expected = NEW if index > publish or (index == publish and after) else old
            found = _load_or_none(path)
            if found != expected:
                failures[where] = f"the file holds {getattr(found, 'label', found)}"
            backup = _load_or_none(blob_store(path).backup_path)
            if backup not in backups:
                failures[where] = f"the backup holds {getattr(backup, 'label', backup)}"
            blob_store(path).save(NEXT)  # the next save sweeps what the crash left
            temps = [p.name for p in path.parent.iterdir() if TEMP_MARKER in p.name]
            if temps:
                failures[where] = f"temp files left after the next save: {temps}"
    names = [f"{name}#{call}" for name, call, _ in steps]
    return FaultReport(names, 2 * len(steps), failures)


def _prepare(path: Path, first_save: bool) -> None:
    path.parent.mkdir(parents=True)
    if not first_save:
        blob_store(path).save(OLDEST)
        blob_store(path).save(OLD)  # so the save under test also rotates a backup


def _syscalls_of_a_save(path: Path, first_save: bool) -> list[tuple[str, int, Any]]:
    """(function, n-th call of it, its arguments) for each step of one save, in order."""
    _prepare(path, first_save)
    steps: list[tuple[str, int, Any]] = []
    counts = dict.fromkeys(STEPS, 0)
    real = {name: getattr(os, name) for name in STEPS}

    def spy(name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            steps.append((name, counts[name], args))
            return real[name](*args, **kwargs)

        return record

    for name in STEPS:
        setattr(os, name, spy(name))
    try:
        blob_store(path).save(NEW)
    finally:
        for name, function in real.items():
            setattr(os, name, function)
    return steps


def _load_or_none(path: Path) -> Blob | None:
    try:
        return blob_store(path).load()
    except StateNotFoundError:
        return None


#: The system calls a journal update can make; each is a step to crash at.
JOURNAL_STEPS = (
    "write",
    "pwrite",
    "fsync",
    "fdatasync",
    "ftruncate",
    "posix_fallocate",
    "link",
    "replace",
    "unlink",
)


@dataclass(frozen=True)
class Scenario:
    """A state to start from, and the update to crash: marking `item` completed."""

    prepare: Callable[[Path], None]
    item: str


def _saved(path: Path) -> None:
    """A snapshot written in journal mode, with no journal file yet."""
    BatchStore(path, journal=True).save(batch("item", 400))


def _appending(path: Path) -> None:
    """A journal with a few records already."""
    _saved(path)
    store = BatchStore(path, journal=True)
    for index in range(3):
        store.mark_completed(f"item-{index:06d}")


def _full(path: Path) -> None:
    """A journal with no room for one more record: the next update folds it in."""
    _saved(path)
    store = BatchStore(path, journal=True)
    journal = path.with_name(path.name + ".journal")
    store.mark_completed("item-000000")
    record = _used(path) - _records.START  # every item's record has the same length
    index = 1
    while journal.stat().st_size - _used(path) >= record:
        store.mark_completed(f"item-{index:06d}")
        index += 1


def _torn(path: Path) -> None:
    """A journal whose last append was cut short by a crash (a few bytes of it written)."""
    _appending(path)
    end = _used(path)
    with open(path.with_name(path.name + ".journal"), "r+b") as journal:
        journal.seek(end)
        journal.write(b"\x2a\x00\x00\x00garbage")


def _after_a_snapshot_save(path: Path) -> None:
    """A snapshot that a writer in snapshot mode wrote over a journaled state."""
    _appending(path)
    store = BatchStore(path)
    store.save(store.load())


def _used(path: Path) -> int:
    """Where the next journal record goes (read as a fresh manager reads it)."""
    store = BatchStore(path, journal=True)
    store.load()
    engine = store._engine
    assert isinstance(engine, FileEngine)
    cache = engine._cache
    assert cache is not None
    return cache.end


JOURNAL_SCENARIOS = {
    "append": Scenario(_appending, "item-000100"),
    "first append (the journal made)": Scenario(_saved, "item-000100"),
    "compaction (the journal full)": Scenario(_full, "item-000399"),
    "append after a torn tail (cut first)": Scenario(_torn, "item-000100"),
    "append after a snapshot-mode save": Scenario(_after_a_snapshot_save, "item-000100"),
}


def crash_journal_at_every_step(root: Path, scenario: Scenario) -> FaultReport:
    """Crash `mark_completed(scenario.item)` in journal mode at each of its steps in turn.

    Before the step that makes the change count (the whole record written into the journal,
    or the new snapshot renamed into place) a manager made afresh must read the state as it
    was; from then on, as it is after the update. The next update must then work,
    and
    leave no temp file and no torn record.
    """
    old, new, steps, zeros = _journal_update(root / "spy" / "state.json", scenario)
    # A record is written pending, synced, then marked. Once the process is gone, a whole
    # pending record counts: the next holder of the lock (here the fresh manager, which
    # finds it free) syncs it. So the first write of the record into the journal is the
    # commit point; zeros written over the room after it before (see `JournalFile`) change
    # nothing anyone reads.
    journal_writes = [
        index
        for index, (name, _, target) in enumerate(steps)
        if name == "pwrite" and target.endswith(".journal") and index not in zeros
    ]
    renames = [
        index
        for index, (name, _, target) in enumerate(steps)
        if name == "replace" and Path(target).name == "state.json"
    ]
    publish = min(journal_writes[:1] + renames)
    ctx = context()
    failures: dict[str, str] = {}
    for index, (name, call, target) in enumerate(steps):
        for after in (False, True):
            where = f"{'after' if after else 'before'} {name} #{call} ({Path(target).name})"
            path = root / f"{index}-{after}" / "state.json"
            path.parent.mkdir(parents=True)
            scenario.prepare(path)
            process = ctx.Process(
                target=exit_during, args=(name, call, after, mark_one, path, scenario.item)
            )
            process.start()
            process.join(60)
            if process.exitcode != FAULT_FIRED:
                failures[where] = f"the fault did not fire (exit {process.exitcode})"
                continue
            expected = new if index > publish or (index == publish and after) else old
            found = BatchStore(path).load()
            if found != expected:
                done, wanted = len(found.completed), len(expected.completed)
                failures[where] = f"{done} items completed, not {wanted}"
            problem = _next_update_works(path, found)
            if problem:
                failures[where] = problem
    names = [f"{name}#{call}" for name, call, _ in steps]
    return FaultReport(names, 2 * len(steps), failures)


def _journal_update(
    path: Path, scenario: Scenario
) -> tuple[Batch, Batch, list[tuple[str, int, str]], set[int]]:
    """The state before and after the update, its steps (function, n-th call, target), and
    which of them wrote nothing but zeros."""
    path.parent.mkdir(parents=True)
    scenario.prepare(path)
    old = BatchStore(path).load()
    steps: list[tuple[str, int, str]] = []
    zeros: set[int] = set()
    counts = dict.fromkeys(JOURNAL_STEPS, 0)
    real = {name: getattr(os, name) for name in JOURNAL_STEPS if hasattr(os, name)}

    def spy(name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            if name == "pwrite" and not bytes(args[1]).strip(b"\0"):
                zeros.add(len(steps))
            steps.append((name, counts[name], _target(name, args)))
            return real[name](*args, **kwargs)

        return record

    for name in real:
        setattr(os, name, spy(name))
    try:
        mark_one(path, scenario.item)
    finally:
        for name, function in real.items():
            setattr(os, name, function)
    return old, BatchStore(path).load(), steps, zeros


def _target(name: str, args: tuple[Any, ...]) -> str:
    """What a call works on: the path behind its descriptor, or the name it was given."""
    first = args[1] if name in ("link", "replace") else args[0]
    if isinstance(first, int):
        try:
            return os.readlink(f"/proc/self/fd/{first}")
        except OSError:
            return f"<descriptor {first}>"
    return str(first)


def _next_update_works(path: Path, found: Batch) -> str | None:
    """What is wrong after the next update of the crashed state, if anything."""
    pending = next(item for item in found.items if item not in found.completed)
    BatchStore(path, journal=True).mark_completed(pending)
    after = BatchStore(path).load()
    if after.completed != [*found.completed, pending]:
        return "the next update did not add exactly its item"
    temps = [p.name for p in path.parent.iterdir() if TEMP_MARKER in p.name]
    if temps:
        return f"temp files left after the next update: {temps}"
    if torn_tail(path):
        return "a torn record was left after the next update"
    return None
