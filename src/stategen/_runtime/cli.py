"""`python -m <package>`: show, verify, compact, recover, copy, delete a state; `selftest`.

Each command names the state by its location: a file path, or a PostgreSQL URL that may end
in `#KEY` to name the state's key (else "default"). `open_state` turns a location into a
manager. Exit codes and messages follow
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

from . import selftest as _selftest
from .backend import is_database, split_key
from .codec.codec import encode
from .errors import (
    StateError,
    StateLockTimeout,
    StateReadError,
    StateUnavailableError,
    StateWriteError,
    shown,
)
from .store import StateStore

Manager = StateStore[Any]
#: The manager class of the package, called with a location and `journal=` or `key=`.
Opener = Callable[..., Manager]

#: The errors that say the system refused or took too long: the input itself was fine.
_SYSTEM = (StateLockTimeout, StateReadError, StateWriteError, StateUnavailableError)


class Problem(Exception):
    """What `verify` found wrong: the command ran, and its answer is no (exit code 1)."""


class Usage(Exception):
    """The command cannot run as called, and says what to add (exit code 2)."""


def main(manager_class: Opener, argv: Sequence[str] | None = None, *, prog: str) -> int:
    """Run one command; the exit code."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        if args.run is _selftest.run:  # a directory to test, not a state
            verdict: int = _selftest.run(manager_class, args.directory, out, prog=prog)
            return verdict
        if args.run is delete:
            delete(open_state(manager_class, args.location), out, yes=args.yes)
        elif args.run is copy:
            source = open_state(manager_class, args.source)
            copy(source, open_state(manager_class, args.destination), out, replace=args.replace)
        else:
            command: Callable[[Manager, TextIO], None] = args.run
            command(open_state(manager_class, args.location), out)
        out.flush()
    except Problem as problem:
        _say(prog, str(problem))
        return 1
    except Usage as problem:
        _say(prog, str(problem))
        return 2
    except StateError as error:
        _say(prog, str(error))
        return 1 if isinstance(error, _SYSTEM) else 2
    except BrokenPipeError:  # `... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return 1
    except OSError as error:  # the system refused a location given here (a name too long)
        where = f" ({shown(error.filename)})" if error.filename is not None else ""
        _say(prog, f"{error.strerror or error}{where}; nothing was changed")
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def open_state(manager_class: Opener, location: str) -> Manager:
    """The manager of the state at `location`, writing in the layout the state has now."""
    if is_database(location):
        url, key = split_key(location)
        return manager_class(url) if key is None else manager_class(url, key=key)
    manager = manager_class(location)
    if manager.journal_path.exists():
        return manager_class(location, journal=True)
    return manager


def show(manager: Manager, out: TextIO) -> None:
    """Print the state as JSON, as the program sees it: the journal applied, migrated.

    Then, on stderr (stdout stays JSON that a program can read), who holds the lock: "lock:
    free", "lock: held by pid ... on host ... (command) since ..." or "lock: unknown: why".
    """
    state = manager.load()
    document = {"version": manager.schema_version, **encode(state)}
    text = json.dumps(document, ensure_ascii=False, indent=2)
    try:
        text.encode(out.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):  # a lone surrogate, or a narrow terminal
        text = json.dumps(document, indent=2)  # the same JSON, every such character escaped
    out.write(text + "\n")
    lock = manager.describe_lock()
    if lock is not None:
        out.flush()  # the state first, where both go to one terminal
        sys.stderr.write(f"lock: {shown(lock, 1000)}\n")


def verify(manager: Manager, out: TextIO) -> None:
    """Read everything afresh and check it: checksums, every journal record, every value."""
    try:
        manager.load()
    except StateError as error:
        if isinstance(error, _SYSTEM):
            raise
        raise Problem(f"damaged: {error}") from None
    out.write(f"ok: {shown(manager.location)}: {shown(manager.describe())}\n")


def compact(manager: Manager, out: TextIO) -> None:
    """Fold the journal into the snapshot: the JSON file alone then holds the whole state."""
    if manager.compact():
        out.write(f"compacted: the journal was folded into {shown(manager.location)}\n")
    else:
        out.write(f"nothing to compact: {shown(manager.location)} has no journal\n")


def recover(manager: Manager, out: TextIO) -> None:
    """Put a good state back in place when the current one is damaged."""
    try:
        manager.load()
    except StateError as error:
        if isinstance(error, _SYSTEM):
            raise
    else:
        out.write(f"nothing to recover: {shown(manager.location)} loads\n")
        return
    manager.recover()
    out.write(f"{shown(manager.last_recovery, limit=4000)}\n")  # what it kept, and dropped


def copy(source: Manager, destination: Manager, out: TextIO, *, replace: bool) -> None:
    """Copy a state exactly, with its schema version: file or database, either way."""
    version, fields = source.export()
    destination.import_(version, fields, replace=replace)
    out.write(
        f"copied {shown(source.location)} to {shown(destination.location)} "
        f"(schema version {version})\n"
    )


def delete(manager: Manager, out: TextIO, *, yes: bool) -> None:
    """Delete a state and everything kept of it: its journal, backups and damaged copies.

    Unless `yes`, it lists what goes and asks on the terminal first; without one to ask on,
    it refuses. Nothing to delete is StateNotFoundError (exit code 2), raised by `delete()`.
    """
    kept = manager.sidecars()
    where = shown(manager.location)
    what = "history row" if is_database(manager.location) else "sidecar file"
    what = f"{len(kept)} {what}{'' if len(kept) == 1 else 's'}"
    if not yes and (kept or manager.exists()):
        if sys.stdin is None or not sys.stdin.isatty():
            raise Usage(
                f"{where}: not deleted: there is no terminal to ask on; "
                "pass --yes to delete without being asked"
            )
        listing = "".join(f"  {shown(name)}\n" for name in kept)
        sys.stderr.write(f"{listing}delete {where} and its {what}? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            raise Problem(f"{where}: not deleted")
    manager.delete()
    out.write(f"deleted {where} and its {what}\n")


#: Each command, by name; its docstring's first line is its help.
COMMANDS: dict[str, Callable[[Manager, TextIO], None]] = {
    "show": show,
    "verify": verify,
    "compact": compact,
    "recover": recover,
}


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Look at, check, repair and copy a state."
    )
    commands = parser.add_subparsers(metavar="COMMAND", required=True)
    where = "the state file, or a postgresql:// URL ending in #KEY"
    for name, run in COMMANDS.items():
        summary = (run.__doc__ or "").split("\n")[0]
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("location", metavar="LOCATION", help=where)
        command.set_defaults(run=run)
    summary = (copy.__doc__ or "").split("\n")[0]
    command = commands.add_parser("copy", help=summary, description=summary)
    command.add_argument("source", metavar="SRC", help=where)
    command.add_argument("destination", metavar="DST", help=where)
    command.add_argument(
        "--replace", action="store_true", help="overwrite a state at DST (kept as its backup)"
    )
    command.set_defaults(run=copy)
    summary = (delete.__doc__ or "").split("\n")[0]
    command = commands.add_parser("delete", help=summary, description=summary)
    command.add_argument("location", metavar="LOCATION", help=where)
    command.add_argument(
        "-y", "--yes", action="store_true", help="delete without asking (needed without a terminal)"
    )
    command.set_defaults(run=delete)
    summary = (_selftest.run.__doc__ or "").split("\n")[0]
    command = commands.add_parser("selftest", help=summary, description=summary)
    command.add_argument(
        "directory", metavar="DIR", nargs="?", default=".", help="default: the current directory"
    )
    command.set_defaults(run=_selftest.run)
    return parser


def _say(prog: str, message: str) -> None:
    print(f"{prog}: {' '.join(message.split())}", file=sys.stderr)
