"""The SIGKILL harness: kill a writer at random moments and say what each kill left on disk."""

import dataclasses
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _journals import torn_tail
from _procs import BatchStore, Blob, batch, blob, blob_store, context
from batch_state._runtime.engines.files.fs.names import TEMP_MARKER
from batch_state.errors import StateCorruptError, StateError, StateNotFoundError

#: The two states the writers alternate: one large (a slow write), one small.
LARGE, SMALL = blob("large", 300_000), blob("small", 8_000)

#: What a file must never be after a kill.
BAD = ("corrupt", "missing", "other", "regressed")


@dataclass
class KillReport:
    """What the file and its backup looked like after each kill."""

    outcomes: Counter[str]
    kills: int
    mid_write: int  # kills that left a temp file behind: they landed inside a save

    @property
    def torn(self) -> int:
        """Kills after which the file or its backup was not a whole, current state."""
        return sum(self.outcomes[f"{which}{how}"] for which in ("", "backup ") for how in BAD)


def kill_at_random(
    path: Path,
    writer: Callable[..., None],
    args: tuple[Any, ...],
    *,
    kills: int,
    seed: int | None = None,
) -> KillReport:
    """Start `writer`, kill it with SIGKILL at a random moment, check the file; `kills` times.

    `writer(*args, done, ready)` saves LARGE and SMALL in turn, forever, numbering its saves
    in `done` and setting `ready` after the first.
    """
    rng = random.Random(seed)
    store = blob_store(path)
    store.save(SMALL)
    ctx = context()
    outcomes: Counter[str] = Counter()
    mid_write = 0
    for _ in range(kills):
        # No lock on `done`: the writer is killed at random, possibly while holding it, and
        # the parent would then wait forever to read it. One aligned 8-byte store is atomic.
        ready, done = ctx.Event(), ctx.Value("q", 0, lock=False)
        process = ctx.Process(target=writer, args=(*args, done, ready))
        process.start()
        assert ready.wait(60), "the writer never finished a first save"
        # One large + small cycle takes a few ms; the delay spans several, landing anywhere.
        time.sleep(rng.uniform(0, 0.02))
        process.kill()
        process.join(30)
        mid_write += any(TEMP_MARKER in p.name for p in path.parent.iterdir())
        # The file holds the last save that returned, or the one in flight.
        outcomes[classify(path, done.value, done.value + 1)] += 1
        # The writer saved at least once, so there is a backup, and it must be whole too: the
        # generation before the file's (or the file's own, if the kill fell between the
        # backup link and the rename).
        outcomes["backup " + classify(store.backup_path, done.value - 1, done.value)] += 1
    return KillReport(outcomes, kills, mid_write)


def classify(path: Path, oldest: int, newest: int) -> str:
    """What `path` holds: a whole state numbered oldest..newest, or what went wrong."""
    try:
        state: Blob = blob_store(path).load()
    except StateNotFoundError:
        return "missing"
    except StateCorruptError:
        return "corrupt"
    if state.sequence < oldest:
        return "regressed"
    content = dataclasses.replace(state, sequence=0)
    if state.sequence > newest or content not in (LARGE, SMALL):
        return "other"
    return "large" if content == LARGE else "small"


@dataclass
class MarkReport:
    """What the kills of a writer marking items in journal mode left behind."""

    kills: int = 0
    acknowledged: int = 0  # items the writers said were completed
    lost: int = 0  # acknowledged items not completed after a kill (counted at each kill)
    repeated: int = 0  # items completed more than once
    unreadable: int = 0  # kills after which the state did not load
    torn: int = 0  # kills that left a cut-short record at the journal's tail
    batches: int = 1  # fresh batches started when one ran low
    split: int = 0  # kills after which a group written as one change was there in part

    @property
    def failures(self) -> int:
        """Kills that broke a promise: an acknowledged item lost or doubled, a group of one
        change split, or no state."""
        return self.lost + self.repeated + self.unreadable + self.split


def kill_while_marking(
    path: Path,
    writer: Callable[..., None],
    *,
    kills: int,
    items: int = 2_000,
    seed: int | None = None,
    group: int = 1,
) -> MarkReport:
    """Start `writer`, kill it with SIGKILL at a random moment, check the state; `kills` times.

    `writer(path, pipe, ready)` marks the pending items of a Batch state completed and
    writes each item to `pipe` once it is acknowledged. After every kill a manager made
    afresh must load the state, with every item acknowledged so far completed, exactly
    once. A fresh batch starts when this one runs low. `group`: the writer completes the
    items in order, `group` at a time in one change, so the completed items must be whole
    groups from the start of the batch.
    """
    rng = random.Random(seed)
    report = MarkReport()
    BatchStore(path).save(batch("b0", items))
    acknowledged: set[str] = set()
    ctx = context()
    for _ in range(kills):
        if len(acknowledged) > items * 3 // 4:
            BatchStore(path).save(batch(f"b{report.batches}", items))
            report.batches += 1
            acknowledged.clear()
        read, write = os.pipe()
        ready = ctx.Event()
        process = ctx.Process(target=writer, args=(path, write, ready))
        process.start()
        os.close(write)
        try:
            assert ready.wait(60), "the writer never acknowledged an item"
            # A mark takes a fraction of a millisecond: the delay spans many of them.
            time.sleep(rng.uniform(0, 0.02))
            process.kill()
            process.join(30)
            heard = _lines(read)
        finally:
            os.close(read)
        report.kills += 1
        report.acknowledged += len(heard)
        acknowledged.update(heard)
        report.torn += torn_tail(path)
        try:
            state = BatchStore(path).load()
        except StateError:
            report.unreadable += 1
            BatchStore(path).recover()
            continue
        completed = state.completed
        whole = len(completed) % group == 0 and completed == state.items[: len(completed)]
        report.split += not whole
        report.lost += len(acknowledged - set(completed))
        report.repeated += len(completed) - len(set(completed))
    return report


def _lines(fd: int) -> set[str]:
    """The complete lines written to the pipe `fd` until its writer died."""
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    text = b"".join(chunks).decode()
    return set(text.split("\n")[:-1])
