"""A state with every file a state can have, and what a delete stopped midway left behind."""

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from pathlib import Path

from _procs import FAULT_FIRED, SAVE_FINISHED, VERSION, Batch, batch, context, exit_during
from batch_state._runtime.engines.files.fs.names import spare, temp_prefix
from batch_state._runtime.migrate import Step
from batch_state._runtime.store import StateStore
from batch_state.errors import StateError, StateNotFoundError

#: The schema version the oldest generation was written at: it lives on as a version backup.
OLD = "0.9.0"
#: What each file beside `state.json` is called, for the assertions.
SIDECARS = (
    ".journal",
    ".bak",
    f".v{OLD}.bak",
    ".corrupt",
    ".journal.corrupt",
    ".lock",
)
#: How many files `sidecars()` lists beside a state `every_file` made: not the lock, but the
#: leftover temp file and the spare.
LISTED = len(SIDECARS) + 1
#: The random part of a leftover temp file's name.
LEFTOVER = "0123456789abcdef"


def store(path: Path) -> StateStore[Batch]:
    """Batch states at `path` in journal mode, migrating the version-0.9.0 ones."""
    steps = (Step(OLD, VERSION, lambda data: data),)
    return StateStore(path, Batch, schema_version=VERSION, steps=steps, journal=True)


def leftover(path: Path) -> Path:
    """The name of a temp file a writer killed mid-save would have left beside `path`."""
    return path.with_name(temp_prefix(path.name, 255) + LEFTOVER)


def spare_of(path: Path) -> Path:
    """The name of the backup a save retired beside `path`, for the next save to write into."""
    return path.with_name(spare(path.name, 255))


def every_file(path: Path) -> Batch:
    """Make a state at `path` with each of its files (`SIDECARS`, the spare, a leftover temp
    file):
    an older version kept, a damaged state kept aside by recover(), journal records after
    the last snapshot. Returns the state as it is now."""
    StateStore(path, Batch, schema_version=OLD).save(batch("old", 4))
    current = store(path)
    with current.transaction() as state:  # the 0.9.0 file is kept as the version backup
        state.completed.append(state.items[0])
    current.save(batch("b", 4))
    with current.transaction() as state:
        state.completed.append("b-000000")
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x20
    path.write_bytes(bytes(damaged))
    current.recover()  # the damaged snapshot and its journal are kept aside
    current.save(batch("c", 4))
    for item in ("c-000000", "c-000001"):
        with current.transaction() as state:
            state.completed.append(item)
    leftover(path).write_bytes(b"half a save")
    return current.load()


def judge(path: Path, latest: Batch) -> str | None:
    """What is wrong with what a stopped delete left at `path`: the state must load as
    `latest`, whole, or be gone with nothing that recover() brings back (None: neither)."""
    reader = store(path)
    if os.path.lexists(path):
        try:
            found = reader.load()
        except StateError as error:
            return f"the state does not load: {error}"
        return None if found == latest else f"an older state loads: {found}"
    try:
        back = reader.recover()
    except StateNotFoundError:
        return None
    return f"recover() brought back an older state: {back}"


def delete(path: Path) -> None:
    """What the crash tests stop midway: one delete(), by a manager made for it."""
    store(path).delete()


def naive_delete(path: Path) -> None:
    """The positive control: the state's files removed as they come, the state file first."""
    for name in sorted(os.listdir(path.parent)):
        if name.startswith(path.name):
            os.unlink(path.parent / name)


@dataclass
class Stops:
    """Delete stopped at each step (or at random), and what each stop left wrong."""

    runs: int = 0
    midway: int = 0  # stops that left part of the files: the delete was under way
    problems: dict[str, str] = field(default_factory=dict)


def stop_at_every_step(root: Path, deleting: Callable[[Path], None], most: int = 50) -> Stops:
    """`deleting(path)` of a fresh `every_file` state, the process ended (os._exit) just
    before and just after each unlink and fsync it makes (the first `most` of each); what
    each end left, judged."""
    stops = Stops()
    for function in ("unlink", "fsync"):
        for call in range(1, most + 1):
            finished = False
            for after in (False, True):
                where = f"{'after' if after else 'before'} {function} #{call}"
                path = root / f"{function}-{call}-{after}" / "state.json"
                path.parent.mkdir(parents=True)
                latest = every_file(path)
                process = context().Process(
                    target=exit_during, args=(function, call, after, deleting, path)
                )
                process.start()
                process.join(60)
                if process.exitcode == SAVE_FINISHED:
                    finished = True
                    break
                assert process.exitcode == FAULT_FIRED, (where, process.exitcode)
                _count(stops, where, path, latest)
            if finished:
                break
    return stops


def kill_at_random(root: Path, kills: int, seed: int | None = None) -> Stops:
    """A delete SIGKILLed at a random moment, `kills` times; what each kill left, judged."""
    rng = random.Random(seed)
    stops = Stops()
    for kill in range(kills):
        path = root / str(kill) / "state.json"
        path.parent.mkdir(parents=True)
        latest = every_file(path)
        ready = context().Event()
        process = context().Process(target=_delete_when_told, args=(path, ready))
        process.start()
        assert ready.wait(60), "the child never got ready"
        time.sleep(rng.uniform(0, 0.004))  # a delete takes a few ms: the kill lands anywhere
        process.kill()  # SIGKILL
        process.join(60)
        _count(stops, f"kill {kill}", path, latest)
    return stops


def _delete_when_told(path: Path, ready: Event) -> None:
    deleting = store(path)
    deleting.exists()  # the imports and the walk done: what follows is the delete itself
    ready.set()
    deleting.delete()


def _count(stops: Stops, where: str, path: Path, latest: Batch) -> None:
    """Judge what a stop left, then delete again: that one must leave nothing of the state."""
    stops.runs += 1
    lock = path.name + ".lock"
    left = {name for name in os.listdir(path.parent) if name.startswith(path.name)} - {lock}
    stops.midway += 0 < len(left) < len(SIDECARS)  # the state file and all but the lock
    problem = judge(path, latest)
    store(path).delete(missing_ok=True)
    # judge()'s recover() of a deleted state takes (so makes) the lock: only that may stay.
    after = set(os.listdir(path.parent)) - {lock}
    if problem is None and after:
        problem = f"a second delete left {sorted(after)}"
    if problem is not None:
        stops.problems[where] = problem
