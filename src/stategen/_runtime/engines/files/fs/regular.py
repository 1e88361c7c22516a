"""A state file is a regular file: read one safely, refuse anything else at a state's names.

A regular file is read without blocking and within its size; anything else is refused, and
so is a save that could not replace what stands at one of its names.

A FIFO's open blocks for ever and a character device reads without end, so a name is
checked with lstat before it is opened (with O_NONBLOCK and O_NOFOLLOW), and again with fstat
after; a device, FIFO, socket or directory is never read, linked, moved or replaced. Nor is
a stranger's regular file in a shared directory read: anyone may plant one in /tmp.
"""

import errno
import os
import stat
from pathlib import Path

from ....errors import StateNotFoundError, StateUnsafePathError
from .directory import Directory
from .fileio import GUARDED, read_at
from .trust import check_link, check_owner, describe_owner, may_replace

# Links were resolved by the walk: a new one is refused, and a FIFO does not block the open.
_READ_FLAGS = os.O_RDONLY | GUARDED
_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFLNK: "a symlink",
}


def read_regular(
    directory: Directory,
    name: str,
    origin: Path,
    *,
    limit: int,
    kept: bool = False,
    found: os.stat_result | None = None,
) -> tuple[bytes, os.stat_result]:
    """The bytes and status of the regular file `name`, or StateNotFoundError.

    `origin` is the state path, for messages; `kept` says `name` is a file kept beside it
    (a backup); `found` is the status of `name` if the caller has just taken it. Raises
    StateUnsafePathError for anything but a regular file, and OSError for what the system
    refuses, or (EFBIG) for a file of more than `limit` bytes, before reading it.
    """
    fd, status = open_regular(directory, name, origin, kept=kept, found=found)
    try:
        return read_whole(fd, status, limit, directory.where(name)), status
    finally:
        os.close(fd)


def open_regular(
    directory: Directory,
    name: str,
    origin: Path,
    *,
    kept: bool = False,
    found: os.stat_result | None = None,
) -> tuple[int, os.stat_result]:
    """`read_regular`'s checks, and the file left open for reading: its descriptor and status."""
    fd = _open(directory, name, origin, kept, found)
    try:
        status = os.fstat(fd)
        refuse_unless_regular(directory, name, status, origin, kept=kept)
    except BaseException:
        os.close(fd)
        raise
    return fd, status


def read_whole(fd: int, status: os.stat_result, limit: int, where: Path | str) -> bytes:
    """The content of the open regular file `where`, never more than its size when it was
    opened (plus one byte, to see a file growing under a foreign writer); OSError (EFBIG)
    before anything is read when that size is over `limit` bytes."""
    check_size(status.st_size, limit, where)
    return read_at(fd, 0, status.st_size + 1)


def check_size(size: int, limit: int, where: Path | str) -> None:
    """OSError (EFBIG) when a file of `size` bytes is more than a state may be: every read
    of a state's files is checked here first, so a huge (or sparse) file is never read."""
    if size > limit:
        raise OSError(
            errno.EFBIG,
            f"the file is {size} bytes, more than the {limit} a state may be (max_bytes); "
            "pass a larger max_bytes= to read it",
            str(where),
        )


def refuse_unless_regular(
    directory: Directory, name: str, found: os.stat_result, origin: Path, *, kept: bool = False
) -> None:
    """StateUnsafePathError unless `found` (the status of `name`) is a regular file, and not
    a stranger's in a shared directory (see `trust.stranger`)."""
    if stat.S_ISREG(found.st_mode):
        check_owner(directory, name, found, origin)
        return
    if stat.S_ISLNK(found.st_mode):
        check_link(directory, name, found, origin)
        if kept:
            reason = "it is a symlink, and the files kept beside a state file never are"
        else:  # the walk followed the links it found: this one is new
            reason = "it became a symlink while in use; try again"
    else:
        kind = _KINDS.get(stat.S_IFMT(found.st_mode), "not a regular file")
        reason = f"it is {kind}, not a regular file"
        if hasattr(os, "geteuid") and found.st_uid != os.geteuid():
            reason += f" (owned by {describe_owner(found.st_uid)})"
    number = (
        StateUnsafePathError.DIRECTORY
        if stat.S_ISDIR(found.st_mode)
        else StateUnsafePathError.NOT_A_FILE
    )
    raise StateUnsafePathError(
        origin, directory.where(name), reason, number=number, owner=found.st_uid
    )


def check_replaceable(directory: Directory, name: str, origin: Path) -> None:
    """StateUnsafePathError if the system would refuse to rename a file over `name`."""
    found = directory.lstat(name)
    if found is None:
        return
    if stat.S_ISDIR(found.st_mode):
        raise StateUnsafePathError(
            origin,
            directory.where(name),
            "it is a directory, so it cannot be replaced; move it away",
            number=StateUnsafePathError.DIRECTORY,
            owner=found.st_uid,
        )
    if not may_replace(found.st_uid, directory.stat()):
        raise StateUnsafePathError(
            origin,
            directory.where(name),
            f"it belongs to {describe_owner(found.st_uid)}, and this sticky directory lets "
            "only its owner replace it; ask them to remove it, or keep the state in a "
            "directory you own",
            number=StateUnsafePathError.FOREIGN_FILE,
            owner=found.st_uid,
        )


def _open(
    directory: Directory, name: str, origin: Path, kept: bool, found: os.stat_result | None
) -> int:
    missing = Path(directory.where(name)) if kept else origin
    if found is None:
        found = directory.lstat(name)
    if found is None:
        raise StateNotFoundError(missing)
    refuse_unless_regular(directory, name, found, origin, kept=kept)
    try:
        return directory.open(name, _READ_FLAGS)
    except FileNotFoundError:
        raise StateNotFoundError(missing) from None
    except OSError:
        found = directory.lstat(name)  # replaced since the check: by what?
        if found is None:
            raise StateNotFoundError(missing) from None
        refuse_unless_regular(directory, name, found, origin, kept=kept)
        raise
