"""The processes `selftest` starts: hold the lock, save until killed, or add to a counter.

Run as `python -m <package>._runtime.selftest.child ROLE DIRECTORY [JOURNAL] [COUNT]`. Each
role writes through the runtime itself (`StateStore`, the file engine, the lock module) on
`Generation`, a state of its own, so the checks do not depend on the package's schema. A
role prints a line once it has started, then one line per step, flushed, for the parent.
"""

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..engines.files.fs.directory import BY_DESCRIPTOR, Directory
from ..engines.files.fs.lock import lock_for
from ..store import StateStore

#: The state file every role works on, in the directory it is given.
STATE_NAME = "state.json"
#: The lock file the file engine keeps beside it: what `hold` takes.
LOCK_NAME = STATE_NAME + ".lock"
SCHEMA_VERSION = "1.0.0"
#: Characters per generation's payload: big enough that a torn write cannot look whole.
_PAYLOAD_REPEAT = 1024

_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass
class Generation:
    """The selftest's own state: a number, and a payload that only that number gives."""

    number: int = 0
    payload: str = ""


def generation(number: int) -> Generation:
    """The state written as generation `number`: anything else loaded is damage."""
    return Generation(number, f"{number:08d}" * _PAYLOAD_REPEAT)


def store(directory: Path, *, journal: bool = False) -> StateStore[Generation]:
    """The generic manager of the selftest state in `directory`."""
    return StateStore(
        directory / STATE_NAME, Generation, schema_version=SCHEMA_VERSION, journal=journal
    )


def open_directory(path: Path) -> Directory:
    """`path` held open, as the file engine holds a state's directory."""
    if not BY_DESCRIPTOR:  # Windows: the directory is its path
        return Directory(None, str(path))
    return Directory(os.open(path, _DIRECTORY_FLAGS), str(path))


def hold(directory: Path) -> None:
    """Take the state's lock, say `ready`, and keep it until stdin closes or says so."""
    with open_directory(directory) as opened:
        lock = lock_for(opened, LOCK_NAME, directory / STATE_NAME)
        with lock.held(opened, LOCK_NAME, directory / STATE_NAME, 10.0):
            _say("ready")
            sys.stdin.readline()


def save_forever(directory: Path, journal: bool) -> None:
    """Write generation after generation until killed, saying each number once it is saved
    (the first line also says the process is ready).

    In snapshot mode each is a whole `save()`; in journal mode a `transaction()` appending
    one record to the journal (the first one writes the snapshot).
    """
    manager = store(directory, journal=journal)
    number = 0
    while True:
        number += 1
        if journal:
            with manager.transaction(default=Generation) as state:
                state.number, state.payload = number, generation(number).payload
        else:
            manager.save(generation(number))
        _say(str(number))


def add(directory: Path, journal: bool, count: int) -> None:
    """Say `ready`, wait for a line on stdin (so that racers start together), then add 1 to
    the state's number `count` times, each in its own transaction."""
    manager = store(directory, journal=journal)
    _say("ready")
    sys.stdin.readline()
    for _ in range(count):
        with manager.transaction() as state:
            state.number += 1
    _say("done")


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str]) -> int:
    role, directory, *rest = argv
    journal = bool(rest) and rest[0] == "journal"
    if role == "hold":
        hold(Path(directory))
    elif role == "save":
        save_forever(Path(directory), journal)
    elif role == "add":
        add(Path(directory), journal, int(rest[1]))
    else:
        raise SystemExit(f"unknown role {role!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
