"""Code that runs in child processes: increments, a lock holder, and writers to be killed."""

import json
import multiprocessing
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


def hold_lock(store_type: Any, path: Path, held: Event, release: Event) -> None:
    """Hold the file's lock (inside a transaction) until `release` is set."""
    store = store_type(path, Counter, schema_version=VERSION)
    with store.transaction(default=Counter):
        held.set()
        release.wait(60)


def save_forever(store_type: Any, path: Path, states: list[Blob], ready: Event) -> None:
    """Save the states in turn, forever: the parent kills this process at a random moment."""
    store = store_type(path, Blob, schema_version=VERSION)
    while True:
        for state in states:
            store.save(state)
            ready.set()


def naive_save_forever(path: Path, states: list[Blob], ready: Event) -> None:
    """The usual unsafe idiom, open(path, "w") and write: the crash tests must catch it.

    It writes in small flushed chunks, as a slow disk or a large state would, so a kill
    lands inside the write often enough to prove the harness detects a torn file.
    """
    texts = [json.dumps({"version": VERSION, "label": s.label, "items": s.items}) for s in states]
    while True:
        for text in texts:
            with open(path, "w", encoding="utf-8") as handle:
                for start in range(0, len(text), 4096):
                    handle.write(text[start : start + 4096])
                    handle.flush()
            ready.set()
