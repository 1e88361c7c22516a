"""Code that runs in child processes: increments, a lock holder, and writers to be killed.

The states here are small test schemas of their own, kept by the generic StateStore, so the
crash and concurrency tests control the size of what they write. `Batch` has the resume
helpers every generated manager with `progress` has, so the journal's tests run whatever
state a spec declares.
"""

import dataclasses
import json
import multiprocessing
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batch_state._runtime.progress import Progress
from batch_state._runtime.store import StateStore
from batch_state.errors import StateNotFoundError

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext

VERSION = "1.0.0"


@dataclass(kw_only=True)
class Counter:
    """A tiny state with an int: the concurrency tests count increments with it."""

    count: int = 0


@dataclass(kw_only=True)
class Blob:
    """A state whose size is chosen: the crash tests alternate a large and a small one."""

    label: str
    items: list[str] = field(default_factory=list)
    # Counts the saves of the crash tests' writers, so a file that went back to an older
    # generation (a version regression) is told apart from the one before the kill.
    sequence: int = 0


@dataclass(kw_only=True)
class Batch:
    """A batch of items to work through, as a resume-helper state has it."""

    items: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class BatchStore(StateStore[Batch]):
    """Batch states, with the resume helpers of a generated manager."""

    def __init__(self, path: Path, **options: Any) -> None:
        super().__init__(path, Batch, schema_version=VERSION, **options)
        self._progress = Progress("items", "completed", "failed", failed_is_dict=True)

    def mark_completed(self, item: str) -> None:
        self._change(lambda stored: self._progress.completing(stored, item))

    def mark_completed_many(self, items: list[str]) -> None:
        self._change(lambda stored: self._progress.completing_many(stored, items))

    def mark_failed(self, item: str, error: str) -> None:
        self._change(lambda stored: self._progress.failing(stored, item, error))

    def next_pending(self) -> str | None:
        return self._inspect(self._progress.next_pending)


def batch(label: str, size: int) -> Batch:
    """A fresh batch of `size` items named after `label`."""
    return Batch(items=[f"{label}-{index:06d}" for index in range(size)])


def counter_store(path: Path, **options: Any) -> StateStore[Counter]:
    """A store of Counter states at `path`."""
    return StateStore(path, Counter, schema_version=VERSION, **options)


def blob_store(path: Path) -> StateStore[Blob]:
    """A store of Blob states at `path`."""
    return StateStore(path, Blob, schema_version=VERSION)


def context() -> "SpawnContext | ForkContext":
    """Fork where it is safe and cheap (Linux); spawn elsewhere."""
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def blob(label: str, size: int) -> Blob:
    """A Blob whose JSON is about `size` bytes."""
    item = f"{label}-" + "x" * 40
    return Blob(label=label, items=[f"{item}-{index:06d}" for index in range(size // 56)])


def increment(path: Path, times: int, start: Event, journal: bool = False) -> None:
    """Add one to the counter `times` times, each in its own locked transaction."""
    store = counter_store(path, lock_timeout=60.0, journal=journal)
    start.wait(30)
    for _ in range(times):
        with store.transaction(default=Counter) as state:
            state.count += 1


def mark_own(path: Path, prefix: str, items: int, start: Event, journal: bool) -> None:
    """Mark the items `<prefix>-0` ... completed, each in its own locked update."""
    store = BatchStore(path, lock_timeout=60.0, journal=journal)
    start.wait(30)
    for index in range(items):
        store.mark_completed(f"{prefix}-{index}")


def save_forever_counter(path: Path, start: Event, stop: Event) -> None:
    """Blindly save counters (no transaction) until `stop` is set."""
    store = counter_store(path, lock_timeout=60.0)
    start.wait(30)
    while not stop.is_set():
        store.save(Counter(count=0))


def load_forever(path: Path, start: Event, stop: Event, reads: Any, failed: Any) -> None:
    """Load without the lock until `stop` is set, counting reads and failed reads."""
    store = counter_store(path)
    start.wait(30)
    while not stop.is_set():
        try:
            store.load()
        except StateNotFoundError:
            continue  # before the first save
        except Exception:
            with failed.get_lock():
                failed.value += 1
        with reads.get_lock():
            reads.value += 1


def hold_lock(path: Path, held: Event, release: Event) -> None:
    """Hold the file's lock (inside a transaction) until `release` is set."""
    with counter_store(path).transaction(default=Counter):
        held.set()
        release.wait(60)


def hold_batch_lock(path: Path, held: Event, release: Event) -> None:
    """Hold a batch state's lock (inside a journal-mode transaction) until `release` is set."""
    with BatchStore(path, journal=True).transaction():
        held.set()
        release.wait(60)


def save_forever(path: Path, states: list[Blob], done: Any, ready: Event) -> None:
    """Save the states in turn, numbered, forever: the parent kills this process at random.

    `done` holds the number of the last save that returned, so the parent knows the file
    holds exactly that one or the next (the save in flight when the kill landed).
    """
    store = blob_store(path)
    sequence = store.load().sequence  # go on from where the killed writer stopped
    while True:
        for state in states:
            sequence += 1
            store.save(dataclasses.replace(state, sequence=sequence))
            done.value = sequence
            ready.set()


def naive_save_forever(path: Path, states: list[Blob], done: Any, ready: Event) -> None:
    """The usual unsafe idiom, open(path, "w") and write: the crash tests must catch it.

    It writes in small flushed chunks, as a slow disk or a large state would, so a kill
    lands inside the write often enough to prove the harness detects a torn file.
    """
    # Unnumbered (sequence 0 throughout, `done` stays 0): this writer is only checked for tears.
    texts = [json.dumps({"version": VERSION, "label": s.label, "items": s.items}) for s in states]
    while True:
        for text in texts:
            with open(path, "w", encoding="utf-8") as handle:
                for start in range(0, len(text), 4096):
                    handle.write(text[start : start + 4096])
                    handle.flush()
            ready.set()


def mark_forever(path: Path, acknowledged: int, ready: Event) -> None:
    """Mark the pending items completed in journal mode, one by one, until none is left.

    Each item is written to the pipe `acknowledged` after its `mark_completed()` returned:
    the parent kills this process at random, and every item it heard of must survive.
    """
    store = BatchStore(path, journal=True)
    while (item := store.next_pending()) is not None:
        store.mark_completed(item)
        os.write(acknowledged, item.encode() + b"\n")
        ready.set()
    ready.set()


#: The items a group-committing writer completes in one change.
GROUP = 7


def mark_groups_forever(path: Path, acknowledged: int, ready: Event) -> None:
    """Complete the pending items in order, GROUP at a time, each group one change: by
    `mark_completed_many` and by a `transaction()`, in turns. Each item goes to the pipe
    `acknowledged` once its group's call returned."""
    store = BatchStore(path, journal=True)
    turn = 0
    while (first := store.next_pending()) is not None:
        items = store.load().items
        group = items[items.index(first) :][:GROUP]
        if turn % 2:
            with store.transaction() as state:
                state.completed.extend(group)
        else:
            store.mark_completed_many(group)
        turn += 1
        os.write(acknowledged, "".join(f"{item}\n" for item in group).encode())
        ready.set()
    ready.set()


def mark_groups_one_by_one_forever(path: Path, acknowledged: int, ready: Event) -> None:
    """The positive control: the same groups, each item its own change; a kill inside a
    group leaves part of it, which the group check must catch."""
    store = BatchStore(path, journal=True)
    while (first := store.next_pending()) is not None:
        items = store.load().items
        group = items[items.index(first) :][:GROUP]
        for item in group:
            store.mark_completed(item)
        os.write(acknowledged, "".join(f"{item}\n" for item in group).encode())
        ready.set()
    ready.set()


def acknowledge_early_forever(path: Path, acknowledged: int, ready: Event) -> None:
    """The positive control: acknowledge items ten at a time, then mark them.

    A writer that says "done" before the change is written (buffering, a background flush)
    loses what it acknowledged when it is killed: the kill tests must catch it.
    """
    store = BatchStore(path, journal=True)
    while (first := store.next_pending()) is not None:
        items = store.load().items
        group = items[items.index(first) :][:10]
        for item in group:
            os.write(acknowledged, item.encode() + b"\n")
        ready.set()
        for item in group:
            store.mark_completed(item)


#: Exit codes of `exit_at_step`: the fault fired, or the save finished without reaching it.
FAULT_FIRED, SAVE_FINISHED = 17, 18


def exit_at_step(path: Path, state: Blob, function: str, call: int, after: bool) -> None:
    """Save `state`, but die with os._exit just before (or after) the `call`-th `os.<function>`.

    os._exit skips every cleanup handler, like a crash does, at an exactly chosen step.
    """
    exit_during(function, call, after, save_blob, path, state)


def exit_during(
    function: str, call: int, after: bool, operation: Callable[..., object], *args: Any
) -> None:
    """Run `operation(*args)`, but die with os._exit just before (or after) the `call`-th
    `os.<function>` it makes; exit with SAVE_FINISHED if it never gets there."""
    real = getattr(os, function)
    calls = 0

    def fault(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call and not after:
            os._exit(FAULT_FIRED)
        try:
            return real(*args, **kwargs)
        finally:  # after the call, even one that failed (an unlink of a name already gone)
            if calls == call:
                os._exit(FAULT_FIRED)

    setattr(os, function, fault)
    operation(*args)
    os._exit(SAVE_FINISHED)


def save_blob(path: Path, state: Blob) -> None:
    """One save of a Blob state."""
    blob_store(path).save(state)


def mark_one(path: Path, item: str) -> None:
    """One mark_completed() of a Batch state in journal mode, by a manager just made."""
    BatchStore(path, journal=True).mark_completed(item)


def save_unprivileged(path: Path, state: Blob, results: Any) -> None:
    """Save `state` and put the error raised (or None) on `results`.

    Run as root, it first drops to an unprivileged user: root writes through any directory
    mode, so a read-only directory only means something to everyone else.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.setgid(65534)  # "nogroup"/"nobody" on most systems; any unused id works
        os.setuid(65534)
    try:
        blob_store(path).save(state)
    except BaseException as error:
        results.put(error)
    else:
        results.put(None)
