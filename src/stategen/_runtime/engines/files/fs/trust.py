"""Whom to trust in a shared directory: the kernel's protected_symlinks rule, and its kin.

A sticky, world-writable directory (such as /tmp) lets anyone create names in it. There, a
symlink is followed only when owned by the caller or by the directory's owner (Linux's
`fs.protected_symlinks`), and a file (snapshot, journal, backup, lock) is used only when
owned by the caller, by root or by the directory's owner (`fs.protected_regular`, which the
library applies to reads too). Elsewhere whoever can create names in a directory is trusted
with it, as the kernel trusts them.
"""

import os
import stat
from pathlib import Path

from ....errors import StateUnsafePathError
from .directory import Directory

_SHARED = stat.S_ISVTX | stat.S_IWOTH


def trusted(owner: int, directory: os.stat_result) -> bool:
    """Whether a symlink owned by `owner` in `directory` may be followed."""
    if not hasattr(os, "geteuid"):
        return True  # no sticky directories on this system
    if directory.st_mode & _SHARED != _SHARED:
        return True
    return owner in (os.geteuid(), directory.st_uid)


def stranger(owner: int, directory: os.stat_result) -> bool:
    """Whether a file owned by `owner` in `directory` is a stranger's, and so never used.

    A stranger is anyone but the caller, root and the directory's owner, in a sticky,
    world-writable directory, where anyone may plant a file at a name the library uses:
    the kernel's `protected_regular` rule, with root trusted as well (only root can make a
    file root's). Elsewhere whoever could put a file there is trusted with the directory.
    """
    if not hasattr(os, "geteuid") or not shared(directory):
        return False
    return owner not in (os.geteuid(), 0, directory.st_uid)


def shared(directory: os.stat_result) -> bool:
    """Whether `directory` is sticky and world-writable, such as /tmp."""
    return directory.st_mode & _SHARED == _SHARED


def may_replace(owner: int, directory: os.stat_result) -> bool:
    """Whether the system lets the caller rename over (or unlink) a file owned by `owner`.

    In a sticky directory only the file's owner, the directory's owner and root may.
    """
    if not hasattr(os, "geteuid") or not directory.st_mode & stat.S_ISVTX:
        return True
    return os.geteuid() in (0, owner, directory.st_uid)


def check_link(directory: Directory, name: str, link: os.stat_result, origin: Path) -> None:
    """StateUnsafePathError unless the symlink `name` in `directory` may be followed."""
    if trusted(link.st_uid, directory.stat()):
        return
    raise StateUnsafePathError(
        origin,
        directory.where(name),
        f"it is a symlink owned by {describe_owner(link.st_uid)} in the shared directory "
        f"{directory.path} (sticky and world-writable), where only links owned by you or by "
        "the directory's owner are followed; remove the link, or keep the state in a "
        "directory you own",
        number=StateUnsafePathError.UNTRUSTED_LINK,
        owner=link.st_uid,
    )


def check_owner(directory: Directory, name: str, found: os.stat_result, origin: Path) -> None:
    """StateUnsafePathError if the file `name` in `directory` (status `found`) is a stranger's.

    Called before the file is opened or anything is made beside it: nothing is read from a
    stranger's file, and a refused caller leaves nothing behind.
    """
    if hasattr(os, "geteuid") and found.st_uid in (os.geteuid(), 0):
        return  # the usual case, without asking for the directory's status
    where = directory.stat()
    if not stranger(found.st_uid, where):
        return
    raise StateUnsafePathError(
        origin,
        directory.where(name),
        f"{name} belongs to {describe_owner(found.st_uid)} in the shared directory "
        f"{directory.path} (sticky and world-writable), where anyone may plant a file, so "
        "only files of yours, of root or of the directory's owner are used there; remove it, "
        "or keep the state in a directory you own",
        number=StateUnsafePathError.FOREIGN_FILE,
        owner=found.st_uid,
    )


def describe_owner(uid: int) -> str:
    """`mallory (uid 1001)`, or `uid 1001` for an account without a name."""
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"
