"""Code that runs in child processes: increments, a lock holder, and writers to be killed."""

import dataclasses
import json
import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

VERSION = "1.0.0"


@dataclass(kw_only=True)
class Counter:
    """A tiny state with an int, so the concurrency tests fit any schema."""

    count: int = 0


@dataclass(kw_only=True)
class Blob:
    """A state whose size is chosen: the crash tests alternate a large and a small one."""

    label: str
    items: list[str] = field(default_factory=list)
    # Counts the saves of the crash tests' writers, so a file that went back to an older
    # generation (a version regression) is told apart from the one before the kill.
    sequence: int = 0


def blob_store(store_type: Any, path: Path) -> Any:
    """A store of Blob states at `path`, as the crash, fault and filesystem tests use."""
    return store_type(path, Blob, schema_version=VERSION)


def context() -> Any:
    """Fork where it is safe and cheap (Linux); spawn elsewhere."""
    method = "fork" if sys.platform == "linux" else "spawn"
    return multiprocessing.get_context(method)


def blob(label: str, size: int) -> Blob:
    """A Blob whose JSON is about `size` bytes."""
    item = f"{label}-" + "x" * 40
    return Blob(label=label, items=[f"{item}-{index:06d}" for index in range(size // 56)])


def increment(store_type: Any, path: Path, times: int, start: Event) -> None:
    """Add one to the counter `times` times, each in its own locked transaction."""
    store = store_type(path, Counter, schema_version=VERSION, lock_timeout=60.0)
    start.wait(30)
    for _ in range(times):
        with store.transaction(default=Counter) as state:
            state.count += 1


def save_forever_counter(store_type: Any, path: Path, start: Event, stop: Event) -> None:
    """Blindly save counters (no transaction) until `stop` is set."""
    store = store_type(path, Counter, schema_version=VERSION, lock_timeout=60.0)
    start.wait(30)
    while not stop.is_set():
        store.save(Counter(count=0))


def load_forever(
    store_type: Any,
    path: Path,
    not_found: type[Exception],
    start: Event,
    stop: Event,
    reads: Any,
    failed: Any,
) -> None:
    """Load without the lock until `stop` is set, counting reads and failed reads."""
    store = store_type(path, Counter, schema_version=VERSION)
    start.wait(30)
    while not stop.is_set():
        try:
            store.load()
        except not_found:
            continue  # before the first save
        except Exception:
            with failed.get_lock():
                failed.value += 1
        with reads.get_lock():
            reads.value += 1


def hold_lock(store_type: Any, path: Path, held: Event, release: Event) -> None:
    """Hold the file's lock (inside a transaction) until `release` is set."""
    store = store_type(path, Counter, schema_version=VERSION)
    with store.transaction(default=Counter):
        held.set()
        release.wait(60)


def save_forever(store_type: Any, path: Path, states: list[Blob], done: Any, ready: Event) -> None:
    """Save the states in turn, numbered, forever: the parent kills this process at random.

    `done` holds the number of the last save that returned, so the parent knows the file
    holds exactly that one or the next (the save in flight when the kill landed).
    """
    store = blob_store(store_type, path)
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


#: Exit codes of `exit_at_step`: the fault fired, or the save finished without reaching it.
FAULT_FIRED, SAVE_FINISHED = 17, 18


def exit_at_step(
    store_type: Any, path: Path, state: Blob, function: str, call: int, after: bool
) -> None:
    """Save `state`, but die with os._exit just before (or after) the `call`-th `os.<function>`.

    os._exit skips every cleanup handler, like a crash does, at an exactly chosen step.
    """
    store = blob_store(store_type, path)
    real = getattr(os, function)
    calls = 0

    def fault(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call and not after:
            os._exit(FAULT_FIRED)
        result = real(*args, **kwargs)
        if calls == call:
            os._exit(FAULT_FIRED)
        return result

    setattr(os, function, fault)
    store.save(state)
    os._exit(SAVE_FINISHED)


def save_unprivileged(store_type: Any, path: Path, state: Blob, results: Any) -> None:
    """Save `state` and put the error raised (or None) on `results`.

    Run as root, it first drops to an unprivileged user: root writes through any directory
    mode, so a read-only directory only means something to everyone else.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.setgid(65534)  # "nogroup"/"nobody" on most systems; any unused id works
        os.setuid(65534)
    try:
        blob_store(store_type, path).save(state)
    except BaseException as error:
        results.put(error)
    else:
        results.put(None)
