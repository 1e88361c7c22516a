"""The retired backup a save writes the next state into, so a save frees and allocates no inode.

A save keeps the file it replaces as the backup, so the backup before it loses its last
name and is freed; the save's temp file is a newly allocated one. On ext4 freeing and
allocating cost about as much as the rest of a small save's directory work. Instead the
backup being replaced is first given a second, hidden name (the spare), and the next save
renames the spare to its temp name and writes into it, overwriting it from the start.

A spare is written into only when this manager retired it itself, saw the directory sync
that made the retirement durable, and finds the same file (device, inode, modification time
and size) at its temp name, a regular file with no other name. So no name a reader uses ever
holds a half-written file, even after a power loss: the spare is overwritten only once
nothing but its hidden name can lead to it. Anything else found there (another writer's
spare, a file planted in a shared directory, a backup's second name) is neither moved nor
written into, and the save makes a new temp file as before. A backup larger than `LARGEST`
is not kept: the disk space would outweigh the time.
"""

import contextlib
import os
import stat

from .directory import Directory
from .fileio import GUARDED
from .temps import Temps

#: The largest backup kept as a spare (1 MiB files and states a little over it included).
LARGEST = 2 << 20

_OPEN_FLAGS = os.O_WRONLY | GUARDED


class Spare:
    """The spare of one state file, as one manager knows it; the name is given at each call."""

    def __init__(self) -> None:
        self._ready: tuple[int, int, int, int] | None = None  # retired, and the retirement synced
        self._retired: tuple[int, int, int, int] | None = None  # retired by the save in progress

    def take(self, directory: Directory, name: str, temps: Temps) -> tuple[int, str] | None:
        """The spare at `name`, renamed to a new temp name and open for writing from its
        start; None when there is none this manager may write into."""
        ready, self._ready = self._ready, None
        if ready is None or os.name == "nt":
            return None
        try:
            found = directory.lstat(name)
        except OSError:
            return None
        if found is None or _identity(found) != ready or not _alone(found):
            return None  # gone, or not ours to move: whatever stands there is left alone
        temp = temps.name()
        try:
            directory.replace(name, temp)
        except OSError:
            return None  # gone (another writer's save, a delete): make a new temp file
        try:
            fd = directory.open(temp, _OPEN_FLAGS)
        except OSError:
            return None  # not a file to write (a link, a FIFO): left to the sweep
        status = os.fstat(fd)
        if _identity(status) == ready and _alone(status):
            return fd, temp
        os.close(fd)
        _discard(directory, temp, status)
        return None

    def retire(self, directory: Directory, target: str, name: str) -> None:
        """Give the file at `target`, about to be replaced by a rename, the spare name `name`
        too, so that it outlives the rename; best effort (nothing kept is no failure)."""
        self._retired = None
        if os.name == "nt":
            return
        with contextlib.suppress(OSError):
            found = directory.lstat(target)
            if found is None or not _alone(found) or found.st_size > LARGEST:
                return
            left = directory.lstat(name)
            if left is not None and not _discard(directory, name, left):
                return  # something we may not remove holds the name
            directory.link(target, name)
            linked = directory.lstat(name)
            if linked is not None and os.path.samestat(linked, found):
                self._retired = _identity(found)

    def confirm(self) -> None:
        """A save has synced the directory, which makes every link made in it before durable:
        the spare retired last, by this save or by one that failed after it, may be written
        into by the next save (if it is still the same file, which `take` checks)."""
        self._ready, self._retired = self._retired, None


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    """Which file, as its content left it: inode numbers are reused once a file is gone, but
    a new file at a reused number has another modification time (a rename or a link, as
    the retirement makes, changes neither)."""
    return status.st_dev, status.st_ino, status.st_mtime_ns, status.st_size


def _alone(status: os.stat_result) -> bool:
    """A regular file of ours with one name: writing into it changes no other file."""
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1 and status.st_uid == os.geteuid()


def _discard(directory: Directory, name: str, status: os.stat_result) -> bool:
    """Remove `name` if it still is `status`, a regular file of ours; whether it is gone."""
    if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
        return False
    with contextlib.suppress(OSError):
        now = directory.lstat(name)
        if now is not None and os.path.samestat(now, status):
            directory.unlink(name)
            return True
    return False
