"""Whom to trust in a shared directory: the kernel's protected_symlinks rule, and its kin.

A sticky, world-writable directory (such as /tmp) lets anyone create names in it. There, a
symlink is followed, and a lock file used, only when owned by the caller or by the
directory's owner: what Linux's `fs.protected_symlinks` and `fs.protected_regular` do.
Elsewhere whoever can create names in a directory is trusted with it, as the kernel trusts
them.
"""

import os
import stat
from pathlib import Path

from ....errors import StateUnsafePathError
from .directory import Directory

_SHARED = stat.S_ISVTX | stat.S_IWOTH


def trusted(owner: int, directory: os.stat_result) -> bool:
    """Whether a name owned by `owner` in `directory` may be followed or used."""
    if not hasattr(os, "geteuid"):
        return True  # no sticky directories on this system
    if directory.st_mode & _SHARED != _SHARED:
        return True
    return owner in (os.geteuid(), directory.st_uid)


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


def describe_owner(uid: int) -> str:
    """`mallory (uid 1001)`, or `uid 1001` for an account without a name."""
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"
