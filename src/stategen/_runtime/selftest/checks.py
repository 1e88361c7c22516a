"""The selftest's checks, one function each: rename, fsync, lock, kill, race, package."""

import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..codec.codec import encode
from ..engines.files.fs.fileio import flush
from ..engines.files.fs.lock import lock_for
from ..errors import StateError, StateLockTimeout, StateValidationError
from . import child
from .outcome import Failed, describe
from .processes import CHILD_TIMEOUT, children, finish, first_line, send
from .sample import NoSample, sample

#: Replaces of one file while a reader reads it, and the size of each generation.
REPLACES, BLOCK = 100, 64 * 1024
#: Writers killed at a random moment: snapshot and journal mode in turn.
KILLS = 4
#: Transactions each of the two racing processes makes.
RACE_COUNT = 50

_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)

#: A check: given its own empty directory and the package's manager class, the detail of
#: an `ok` line; raises Failed (or any error) for a `FAIL` line.
Check = Callable[[Path, Callable[..., Any]], str]


def check_rename(area: Path, _manager_class: Callable[..., Any]) -> str:
    """os.replace over an existing file: readers see the old file or the new one, whole."""
    target = area / "target"
    target.write_bytes(_block(0))
    problems: list[str] = []
    reads = 0
    done = threading.Event()

    def read() -> None:
        nonlocal reads
        while not done.is_set():
            try:
                data = target.read_bytes()
            except OSError as error:
                problems.append(f"a reader could not open the file: {describe(error)}")
                return
            if len(data) != BLOCK or data.count(data[:1]) != BLOCK:
                problems.append(f"a reader saw a mix of generations ({len(data)} bytes)")
                return
            reads += 1

    with target.open("rb") as before:  # a reader that opened the file before the replaces
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            for number in range(1, REPLACES + 1):
                temp = area / f"temp-{number}"
                temp.write_bytes(_block(number))
                try:
                    os.replace(temp, target)
                except OSError as error:
                    raise Failed(f"os.replace over an existing file: {describe(error)}") from None
        finally:
            done.set()
            reader.join()
        if before.read() != _block(0):
            problems.append("a file opened before a replace changed under its reader")
    if target.read_bytes() != _block(REPLACES):
        problems.append("after the replaces the file does not hold the last one written")
    if problems:
        raise Failed(problems[0])
    return f"{REPLACES} replaces of a file; each of {reads} reads saw one of them whole"


def check_fsync_file(area: Path, _manager_class: Callable[..., Any]) -> str:
    """fsync of a file written here: what makes a save durable."""
    fd = os.open(area / "synced", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, b"selftest\n")
        try:
            flush(fd)  # the runtime's own: fsync, or F_FULLFSYNC where the system has it
        except OSError as error:
            raise Failed(
                f"fsync of a file: {describe(error)}: saves here fail, they cannot be durable"
            ) from None
    finally:
        os.close(fd)
    return "a file written here was synced to storage"


def check_fsync_directory(area: Path, _manager_class: Callable[..., Any]) -> str:
    """fsync of a directory: what makes a rename (a save's last step) durable."""
    if os.name == "nt":
        return "not needed on Windows (NTFS journals renames)"
    fd = os.open(area, _DIRECTORY_FLAGS)
    try:
        os.fsync(fd)
    except OSError as error:
        raise Failed(
            f"fsync of a directory: {describe(error)}: saves still work, but a power loss "
            "may undo the last one"
        ) from None
    finally:
        os.close(fd)
    return "a directory here was synced to storage"


def check_lock(area: Path, _manager_class: Callable[..., Any]) -> str:
    """The state's lock excludes another process, and is free again once it lets go."""
    data_path = area / child.STATE_NAME
    with children() as start, child.open_directory(area) as directory:
        holder = start("hold", area)
        first_line(holder)
        lock = lock_for(directory, child.LOCK_NAME, data_path)
        try:
            with lock.held(directory, child.LOCK_NAME, data_path, 0.3):
                raise Failed(
                    "this process took the lock while another process held it: writers here "
                    "would overwrite each other (flock does not exclude processes here)"
                )
        except StateLockTimeout:
            pass
        finish(holder, "\n")
        try:
            with lock.held(directory, child.LOCK_NAME, data_path, 5.0):
                pass
        except StateLockTimeout:
            raise Failed("the lock stayed held after the process holding it let it go") from None
    return "a lock held by another process kept this one out, and was free once released"


def check_kill(area: Path, _manager_class: Callable[..., Any]) -> str:
    """Writers killed at a random moment leave a state that loads, one they wrote whole."""
    journals = [number % 2 == 1 for number in range(KILLS)]  # snapshot and journal mode
    places = [area / f"writer-{number}" for number in range(KILLS)]
    generations = []
    with children() as start:
        writers = []
        for place, journal in zip(places, journals, strict=True):
            place.mkdir()
            writers.append(start("save", place, "journal" if journal else "snapshot"))
        firsts = [first_line(writer) for writer in writers]
        for writer in writers:  # all running together, each killed at its own moment
            time.sleep(random.uniform(0.0, 0.1))
            writer.kill()
        outputs = []
        for writer in writers:
            writer.wait(CHILD_TIMEOUT)
            assert writer.stdout is not None
            # Through the same reader as the first line, which may have read ahead.
            outputs.append(writer.stdout.read())
    for place, journal, first, output in zip(places, journals, firsts, outputs, strict=True):
        # Each number once its save returned: the state must be that one, or the next.
        saved = [int(line) for line in (first + output).split()]
        mode = "journal" if journal else "snapshot"
        try:
            state = child.store(place, journal=journal).load()
        except StateError as error:
            raise Failed(f"after a kill in {mode} mode the state does not load: {error}") from None
        if state != child.generation(state.number):
            raise Failed(f"after a kill in {mode} mode the state is not one that was written")
        if not saved[-1] <= state.number <= saved[-1] + 1:
            raise Failed(
                f"after a kill in {mode} mode the state is generation {state.number}, but "
                f"generation {saved[-1]} had been saved"
            )
        generations.append(state.number)
    numbers = ", ".join(map(str, generations))
    return f"{KILLS} writers killed mid-save; each left a generation it wrote whole ({numbers})"


def check_race(area: Path, _manager_class: Callable[..., Any]) -> str:
    """Two processes adding to one counter in transactions lose no update."""
    child.store(area).save(child.Generation())
    with children() as start:
        racers = [start("add", area, "snapshot", str(RACE_COUNT)) for _ in range(2)]
        for racer in racers:
            first_line(racer)
        for racer in racers:  # both are started and waiting: let them go together
            send(racer, "\n")
        for racer in racers:
            finish(racer)
    found = child.store(area).load().number
    if found != 2 * RACE_COUNT:
        raise Failed(
            f"two processes added {RACE_COUNT} each, and the counter says {found}: "
            "updates were lost"
        )
    return f"two processes adding {RACE_COUNT} each in transactions: {found}, none lost"


def check_package(area: Path, manager_class: Callable[..., Any]) -> str:
    """The package's own manager saves a state of its type here, and reads it back."""
    manager = manager_class(area / "package.json")
    kind = manager.state_type.__name__
    try:
        value = sample(manager.state_type)
        encode(value)
    except (NoSample, StateValidationError, TypeError, ValueError) as error:
        return f"{type(manager).__name__} opened here; no plain {kind} to save ({error})"
    manager.save(value)
    if encode(manager.load()) != encode(value):
        raise Failed(f"the {kind} read back differs from the one saved")
    return f"{type(manager).__name__} saved a {kind} here and read it back"


#: Every check, in the order they run.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("atomic-rename", check_rename),
    ("fsync-file", check_fsync_file),
    ("fsync-directory", check_fsync_directory),
    ("lock", check_lock),
    ("kill", check_kill),
    ("race", check_race),
    ("package", check_package),
)


def _block(number: int) -> bytes:
    """Generation `number` of the replaced file: one byte repeated, so a mix shows."""
    return bytes([ord("A") + number % 26]) * BLOCK
