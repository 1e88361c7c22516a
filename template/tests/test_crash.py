"""SIGKILL at random moments: the file is always exactly the old or the new state.

A positive control runs the same harness against the naive `open(path, "w")` writer and must
catch it tearing the file, which proves the harness can see the failure it looks for.
STATEGEN_KILL_ITERATIONS (default 25) sets the kills per run; CI's heavy run uses 2000.
"""

import dataclasses
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _evidence import record
from _procs import blob, blob_store, context, naive_save_forever, save_forever

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")

ITERATIONS = int(os.environ.get("STATEGEN_KILL_ITERATIONS", "25"))
LARGE, SMALL = blob("large", 300_000), blob("small", 8_000)


@dataclass
class KillReport:
    """What the files looked like after each kill."""

    outcomes: Counter[str]
    mid_write: int  # kills that left a temp file behind: they landed inside a save

    @property
    def torn(self) -> int:
        return sum(self.outcomes[f"{which}{how}"] for which in ("", "backup ") for how in BAD)


BAD = ("corrupt", "missing", "other", "regressed")


def kill_at_random(
    lib: Any, path: Path, writer: Callable[..., None], args: tuple[Any, ...]
) -> KillReport:
    """Start `writer`, kill it with SIGKILL at a random moment, check the file; repeat."""
    rng = random.Random(os.environ.get("STATEGEN_KILL_SEED"))
    store = blob_store(lib.store.StateStore, path)
    store.save(SMALL)
    ctx = context()
    outcomes: Counter[str] = Counter()
    mid_write = 0
    for _ in range(ITERATIONS):
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
        mid_write += any(lib.atomic.TEMP_MARKER in p.name for p in path.parent.iterdir())
        # The file holds the last save that returned, or the one in flight.
        outcomes[_classify(lib, path, done.value, done.value + 1)] += 1
        # The writer saved at least once, so there is a backup, and it must be whole too: the
        # generation before the file's (or the file's own, if the kill fell between the
        # backup link and the rename).
        outcomes["backup " + _classify(lib, store.backup_path, done.value - 1, done.value)] += 1
    return KillReport(outcomes, mid_write)


def _classify(lib: Any, path: Path, oldest: int, newest: int) -> str:
    """What `path` holds: a whole state numbered oldest..newest, or what went wrong."""
    try:
        state = blob_store(lib.store.StateStore, path).load()
    except lib.errors.StateNotFoundError:
        return "missing"
    except lib.errors.StateCorruptError:
        return "corrupt"
    if state.sequence < oldest:
        return "regressed"
    content = dataclasses.replace(state, sequence=0)
    if state.sequence > newest or content not in (LARGE, SMALL):
        return "other"
    return "large" if content == LARGE else "small"


class TestKill:
    def test_store_file_is_always_old_or_new(self, lib: Any, state_path: Path) -> None:
        """After every kill the file and its backup each load as exactly one of the states."""
        report = kill_at_random(
            lib, state_path, save_forever, (lib.store.StateStore, state_path, [LARGE, SMALL])
        )
        print(f"\nstore: {dict(report.outcomes)}, kills inside a save: {report.mid_write}")
        record(
            "SIGKILL during save(): file and backup are exactly old or new, never older",
            runs=ITERATIONS,
            failures=report.torn,
            detail=f"300 KB / 8 KB states; {report.mid_write} kills landed inside a save",
        )
        assert report.torn == 0, report
        assert report.outcomes["large"] + report.outcomes["small"] == ITERATIONS
        store = blob_store(lib.store.StateStore, state_path)
        store.save(SMALL)  # sweeps whatever temp files the kills left
        assert [
            p.name for p in state_path.parent.iterdir() if lib.atomic.TEMP_MARKER in p.name
        ] == []

    def test_positive_control_catches_the_naive_writer(self, lib: Any, state_path: Path) -> None:
        """The same harness records torn files when the writer is open("w") + write."""
        report = kill_at_random(lib, state_path, naive_save_forever, (state_path, [LARGE, SMALL]))
        print(f"\nnaive: {dict(report.outcomes)}")
        record(
            'positive control: the same kills against open("w") + write',
            runs=ITERATIONS,
            failures=report.outcomes["corrupt"],
            control=True,
            detail="must record torn files, or the harness cannot see them",
        )
        assert report.outcomes["corrupt"] > 0, report
