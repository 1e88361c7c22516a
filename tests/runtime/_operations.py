"""Every public operation of the manager, tried one by one, and what counts as a clean answer.

The hostile tests plant something, then try each operation as an attempt (see `_attempts`):
each must return, or raise one of this library's errors, in time, and leave the files
around it as they were.
"""

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from _attempts import Attempt, attempt
from _samples import sample_instance
from batch_state import (
    BatchState,
    BatchStateManager,
)
from batch_state._runtime.engines.files.fs.holder import RECORD_SIZE
from batch_state.errors import StateError

#: name -> the call; what `operations(path)` returns.
Operations = dict[str, Callable[[], object]]
#: What makes the operations of a store on a path (the package's manager, or a naive one).
Opener = Callable[[Path], Operations]
#: A directory's content: relative path -> (kind, content or link target).
Snapshot = dict[str, tuple[str, bytes | str]]


def operations(path: Path) -> Operations:
    """Every public operation of a BatchStateManager on `path`."""
    manager = BatchStateManager(path)
    state = sample_instance(BatchState)

    def transaction() -> None:
        with manager.transaction(default=lambda: state):
            pass

    return {
        "exists": manager.exists,
        "load": manager.load,
        "save": lambda: manager.save(state),
        "transaction": transaction,
        "recover": manager.recover,
    }


def needs_root() -> None:
    """Skip unless root: planting another user's files takes chown."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("planting another user's files needs root")


def problem(
    name: str, tried: Attempt, expected: type[BaseException] | None, *, or_none: bool = False
) -> str | None:
    """What is wrong with how the operation `name` ended (None: nothing).

    It must raise `expected` (None: it must succeed), or with `or_none` may also succeed.
    Whatever it raises must be one of the library's own errors, and one with an errno must
    also be the builtin OSError subclass of that errno, as the raw error would have been.
    """
    if tried.blocked:
        return f"{name} blocked for {tried.seconds:.0f} s"
    error = tried.error
    if error is None:
        return None if expected is None or or_none else f"{name} raised nothing"
    if not isinstance(error, StateError):
        return f"{name} raised a raw {type(error).__name__}: {error}"
    if isinstance(error, OSError) and not isinstance(error, type(OSError(error.errno, ""))):
        return f"{name} raised {type(error).__name__}, not the builtin error of errno {error.errno}"
    if expected is None or not isinstance(error, expected):
        return f"{name} raised {type(error).__name__}: {error}"
    return None


def refusals(
    calls: Operations,
    expected: type[BaseException] | None,
    *,
    only: tuple[str, ...] | None = None,
    or_none: bool = False,
    user: int | None = None,
    errnos: set[str] | None = None,
) -> list[str]:
    """The problems of the operations in `only` (default: all): see `problem`.

    The names of the errnos the operations raised are added to `errnos`, if given.
    """
    found = []
    for name, call in calls.items():
        if only is not None and name not in only:
            continue
        tried = attempt(call, user=user)
        if errnos is not None and isinstance(tried.error, OSError) and tried.error.errno:
            errnos.add(errno.errorcode.get(tried.error.errno, str(tried.error.errno)))
        trouble = problem(name, tried, expected, or_none=or_none)
        if trouble:
            found.append(trouble)
    return found


def snapshot(root: Path) -> Snapshot:
    """Everything below `root`: files with their bytes, links with their targets, the rest.

    A lock file's holder record is left out: every taker of the lock, refused or not,
    writes who it is there (see `fs.holder`).
    """
    found: Snapshot = {}
    for path in sorted(root.rglob("*")):
        mode = path.lstat().st_mode
        key = str(path.relative_to(root))
        if stat.S_ISLNK(mode):
            found[key] = ("link", os.readlink(path))
        elif stat.S_ISREG(mode):
            data = path.read_bytes()
            found[key] = ("file", data[RECORD_SIZE:] if key.endswith(".lock") else data)
        else:
            found[key] = (stat.filemode(mode)[0], b"")
    return found


def changes(root: Path, before: Snapshot, *, ignore: tuple[str, ...] = ()) -> list[str]:
    """What changed below `root` since `before` (names ending with `ignore` aside)."""
    after = snapshot(root)
    names = sorted(set(before) | set(after))
    return [
        f"{name} {_change(name, before, after)}"
        for name in names
        if before.get(name) != after.get(name) and not name.endswith(ignore)
    ]


def _change(name: str, before: Snapshot, after: Snapshot) -> str:
    if name not in before:
        return "created"
    return "removed" if name not in after else "changed"
