"""`python -m <package>`: show, verify, compact and recover a state file from the shell.

Each command names the state by its location: a path today. `open_state` turns a location
into a manager, so another kind of location (a database URL) and commands on two of them
(`copy SRC DST`) are one function and one table entry more. Exit codes and messages follow
stategen's own: 0 when all is well; 1 when the command ran and what it found needs
attention (a damaged state for `verify`), or the system refused (a lock held too long, a
write refused); 2 for input to fix (a bad path, a state that cannot be read as asked). An
error is one line on stderr, never a traceback.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ._codec import encode
from ._store import StateStore
from .errors import (
    StateError,
    StateLockTimeout,
    StateReadError,
    StateWriteError,
)

Manager = StateStore[Any]
#: The manager class of the package, called with a path and `journal=`.
Opener = Callable[..., Manager]

#: The errors that say the system refused or took too long: the input itself was fine.
_SYSTEM = (StateLockTimeout, StateReadError, StateWriteError)


class Problem(Exception):
    """What `verify` found wrong: the command ran, and its answer is no (exit code 1)."""


def main(manager_class: Opener, argv: Sequence[str] | None = None, *, prog: str) -> int:
    """Run one command; the exit code."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        manager = open_state(manager_class, args.location)
        command: Callable[[Manager, TextIO], None] = args.run
        command(manager, out)
        out.flush()
    except Problem as problem:
        _say(prog, str(problem))
        return 1
    except StateError as error:
        _say(prog, str(error))
        return 1 if isinstance(error, _SYSTEM) else 2
    except BrokenPipeError:  # `... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def open_state(manager_class: Opener, location: str) -> Manager:
    """The manager of the state at `location`, writing in the layout the state has now."""
    manager = manager_class(location)
    if manager.journal_path.exists():
        return manager_class(location, journal=True)
    return manager


def show(manager: Manager, out: TextIO) -> None:
    """Print the state as JSON, as the program sees it: the journal applied, migrated."""
    state = manager.load()
    document = {"version": manager.schema_version, **encode(state)}
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")


def verify(manager: Manager, out: TextIO) -> None:
    """Read everything afresh and check it: checksums, every journal record, every value."""
    try:
        manager.load()
    except StateError as error:
        if isinstance(error, _SYSTEM):
            raise
        raise Problem(f"damaged: {error}") from None
    out.write(f"ok: {manager.path}: {manager.describe()}\n")


def compact(manager: Manager, out: TextIO) -> None:
    """Fold the journal into the snapshot: the JSON file alone then holds the whole state."""
    folded = manager.compact()
    what = "the journal was folded into" if folded else "there was no journal to fold into"
    out.write(f"compacted: {what} {manager.path}\n")


def recover(manager: Manager, out: TextIO) -> None:
    """Put a good state back in place when the current one is damaged."""
    try:
        manager.load()
    except StateError as error:
        if isinstance(error, _SYSTEM):
            raise
    else:
        out.write(f"nothing to recover: {manager.path} loads\n")
        return
    manager.recover()
    out.write(f"recovered {manager.path}; the damaged state was kept as {manager.corrupt_path}\n")


#: Each command, by name; its docstring's first line is its help.
COMMANDS: dict[str, Callable[[Manager, TextIO], None]] = {
    "show": show,
    "verify": verify,
    "compact": compact,
    "recover": recover,
}


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Look at, check and repair a state file."
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)
    for name, run in COMMANDS.items():
        summary = (run.__doc__ or "").split("\n")[0]
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("location", metavar="PATH", help="the state file")
        command.set_defaults(run=run)
    return parser


def _say(prog: str, message: str) -> None:
    print(f"{prog}: {' '.join(message.split())}", file=sys.stderr)
