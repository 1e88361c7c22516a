"""Temp files of a save: named in the lock file before they exist, removed after a crash.

A writer killed mid-save leaves its temp files behind. Listing the directory to find them
costs time in proportion to everything else in it (88 ms beside 200,000 files), so instead
each temp name is written into the lock file (after its holder record, see `holder`) before
the file is made, and the names are cut off when the operation ends. The next writer to take
the lock finds the names a killed writer left there and removes those files: a cost that
does not depend on the directory.
Only the state's writers may read the lock file (see `lock._lock_mode`): anyone else who
learnt a name could plant something at it once it is freed. Whatever stands at a freed name
is never removed blindly, and a name that cannot be removed never fails a save.

The lock file's bytes are not synced, so after a power loss (not a process crash) a temp
file can outlive its name there. `sweep` lists the directory for those; `compact()` and
`recover()` run it, and so does `python -m <package> compact`.
"""

import contextlib
import os
import stat
from collections.abc import Callable, Collection

from .directory import Directory
from .fileio import read_at, write_at
from .holder import RECORD_SIZE
from .names import TEMP_RANDOM_CHARS, temp_name

_NAME = TEMP_RANDOM_CHARS
#: A killed writer names a handful of temp files; a lock file with more is not ours to trust.
_MOST = 64 * _NAME


class Temps:
    """The temp names of one locked operation on one state file.

    `lock_fd` is the lock file, held by the caller; `prefix` starts every temp name of the
    state file (see `_names.temp_prefix`); the names are kept from offset `start` on.
    """

    def __init__(
        self, lock_fd: int, directory: Directory, prefix: str, start: int = RECORD_SIZE
    ) -> None:
        self._fd = lock_fd
        self._directory = directory
        self.prefix = prefix
        self._start = start
        self._named = 0  # bytes of names written into the lock file by this operation

    def name(self) -> str:
        """A new, unpredictable temp name, recorded in the lock file before it is used."""
        name = temp_name(self.prefix)
        write_at(self._fd, self._start + self._named, name[len(self.prefix) :].encode("ascii"))
        self._named += _NAME
        return name

    def done(self) -> None:
        """The operation ended, and its temp files are gone (renamed, or removed)."""
        if self._named:
            os.ftruncate(self._fd, self._start)
            self._named = 0

    def remove_leftovers(self, owners: Callable[[], Collection[int]]) -> int:
        """Remove the temp files a writer killed during an operation named; how many.

        Only regular files owned by one of `owners()` (the caller, the state file's owner)
        go, as in `sweep`; `owners` is asked only when there is something to remove.
        """
        size = os.fstat(self._fd).st_size
        if size <= self._start:
            return 0
        recorded = read_at(self._fd, self._start, min(size - self._start, _MOST))
        allowed = owners()
        removed = 0
        for start in range(0, len(recorded) - _NAME + 1, _NAME):
            suffix = recorded[start : start + _NAME]
            if all(byte in b"0123456789abcdef" for byte in suffix):
                removed += _remove(self._directory, self.prefix + suffix.decode(), allowed)
        os.ftruncate(self._fd, self._start)
        return removed


def sweep(directory: Directory, prefix: str, owners: Collection[int]) -> int:
    """Remove every temp file of the state file that a crash left, listing the directory.

    Call it under the lock: then no live writer of the file can own a temp file. Only
    regular files owned by one of `owners` go: a directory, a symlink or another user's
    file that happens to carry the prefix is not ours, so it is left alone, and so is
    anything the system will not let us remove. A sweep never fails an operation.
    """
    try:
        names = [name for name in directory.names() if name.startswith(prefix)]
    except OSError:
        return 0  # an unlistable directory (write and search permission only): nothing swept
    return sum(_remove(directory, name, owners) for name in names)


def _remove(directory: Directory, name: str, owners: Collection[int]) -> int:
    with contextlib.suppress(OSError):
        found = directory.lstat(name)
        if found is None or not stat.S_ISREG(found.st_mode):
            return 0
        if hasattr(os, "geteuid") and found.st_uid not in owners:
            return 0
        directory.unlink(name)
        return 1
    return 0
