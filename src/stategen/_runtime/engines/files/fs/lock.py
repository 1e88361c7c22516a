"""The only module that imports filelock: one exclusive lock per state file, for all writers.

Limits: the lock is advisory (only code that takes it is excluded) and local. On Unix filelock
uses flock(2), which does not exclude processes on different NFS clients; keep the state file
on a local disk, or run every writer on one machine.
"""

import contextlib
import errno
import os
import stat
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from ....errors import (
    StateError,
    StateLockTimeout,
    StateReentryError,
    StateUnsafePathError,
    StateWriteError,
)
from ....lockholder import LockHolder
from . import holder as _holder
from .directory import Directory
from .fileio import GUARDED
from .trust import check_link, describe_owner, shared, stranger

# Waiting processes poll the lock file. A poll is one non-blocking flock call, so a short
# interval costs little and keeps contended read-modify-write loops fast.
_POLL_INTERVAL = 0.005
#: How often a writer opens the lock file anew when the one it locked had been removed or
#: replaced meanwhile (a refused operation removes a lock file it made), before giving up.
#: Each reopen is a few system calls; on a loaded machine, refused operations in a tight loop
#: made 10 too few (a writer gave up), so only a name replaced on purpose, forever, ends it.
_REOPENS = 1000

# The lock file is opened by this module, never through a symlink and never blocking, and
# never truncated: its content is nobody's business, and a link planted at its name must not
# make a save truncate or create the file the link points to.
OPEN_FLAGS = os.O_RDWR | GUARDED


_filelock: ModuleType | None = None


def primitives() -> ModuleType:
    """filelock, imported when a lock is first taken: it loads `logging`, which a program
    that only reads its state never needs."""
    global _filelock
    if _filelock is None:
        import filelock

        if not hasattr(filelock, "lock_descriptor"):  # added in filelock 3.30
            raise ImportError(
                f"this state library needs filelock 3.30 or later (found {filelock.__version__});"
                " run: python -m pip install -U filelock"
            )
        _filelock = filelock
    return _filelock


class StateLock:
    """A per-process mutex in front of a file lock on the sidecar `<file>.lock`.

    The file lock sits on a sidecar, never on the data file: os.replace swaps the data file's
    inode, so a lock on it guards a file that is no longer there and two processes both "hold"
    it. The sidecar is not deleted on release either: that let two holders lock two different
    inodes (filelock #574, reverted by #577). The two exceptions, a lock file made by an
    operation that was then refused (StateUnsafePathError) and the lock file of a state just
    deleted, are removed while still locked: a writer that locks one afterwards finds its
    name gone and opens the name anew.

    The mutex queues this process's threads without polling, so only one thread at a time
    ever touches the lock file.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        # The lock file, kept open between operations (descriptor, device, inode): opening
        # and checking it for each one cost several times what locking it does.
        self._file: tuple[int, int, int] | None = None
        # Whether this process made the lock file for the operation holding it now.
        self._created = False
        # When the thread holding the file lock took it (what its record in the file says).
        self._since = 0.0

    @contextmanager
    def held(
        self, directory: Directory, name: str, data_path: Path, timeout: float | None
    ) -> Iterator[int]:
        """Hold the lock `name` in `directory` for the block (timeout None: wait for ever).

        Yields the lock file's descriptor, which only the holder may write (see `_temps`).
        StateLockTimeout after `timeout` seconds; StateWriteError when the lock file cannot
        be opened, and StateUnsafePathError when it is not one this library may use.
        """
        if self._owner == threading.get_ident():
            # Re-entry would let an inner save be overwritten by the outer transaction's.
            raise StateReentryError(data_path)
        lock_path = directory.where(name)
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._mutex.acquire(timeout=-1 if timeout is None else timeout):
            raise StateLockTimeout(data_path, lock_path, timeout or 0.0, self._holder())
        try:
            fd = self._acquire(directory, name, data_path, deadline, timeout)
            self._since = _holder.claim(fd)
            self._owner = threading.get_ident()
            removed = False
            try:
                yield fd
            except StateUnsafePathError:
                # Refused: a lock file this operation made would outlive it, and if it
                # stands beside another user's state, keep that user from saving.
                removed = self._created and _remove(directory, name, fd)
                raise
            finally:
                self._owner = None
                with contextlib.suppress(OSError):
                    primitives().unlock_descriptor(fd)
                if removed:
                    self.forget()
        finally:
            self._created = False
            self._mutex.release()

    def _holder(self) -> LockHolder | str:
        """Who holds the lock, when another thread of this process is in front (read without
        the mutex: only for a message)."""
        if self._owner is None:  # it has the mutex, but still waits for the lock file
            return "another thread of this process is first in line, itself still waiting"
        return _holder.this_process(self._since)

    def forget(self, _close: Callable[[int], None] = os.close) -> None:
        """Close the lock file kept open (in a forked child: the parent's lock stays held)."""
        held, self._file = self._file, None
        if held is not None:
            try:  # noqa: SIM105 - contextlib may be gone when this runs at interpreter exit
                _close(held[0])
            except OSError:
                pass

    def __del__(self) -> None:
        # The managers of a file keep its lock while they live; the last one gone closes it.
        self.forget()

    def _acquire(
        self,
        directory: Directory,
        name: str,
        data_path: Path,
        deadline: float | None,
        timeout: float | None,
    ) -> int:
        lock_path = directory.where(name)
        for _ in range(_REOPENS):
            fd, device, inode = self._open(directory, name, data_path)
            _take(fd, deadline, data_path, lock_path, timeout)
            # The name must still lead to the file just locked: a lock file removed or
            # replaced since it was opened would let a writer opening the name now lock
            # another file, and two writers would both hold "the" lock.
            try:
                found = directory.lstat(name)
            except OSError as error:
                primitives().unlock_descriptor(fd)
                raise StateWriteError(data_path, error) from error
            if found is not None and (found.st_dev, found.st_ino) == (device, inode):
                return fd
            primitives().unlock_descriptor(fd)
            self.forget()
        raise StateWriteError(
            data_path,
            FileNotFoundError(errno.ENOENT, "the lock file keeps being replaced", lock_path),
        )

    def _open(self, directory: Directory, name: str, data_path: Path) -> tuple[int, int, int]:
        if self._file is None:
            try:
                fd, self._created = _open_lock_file(directory, name, data_path)
                status = os.fstat(fd)
            except StateError:
                raise
            except OSError as error:  # the lock file cannot be created or opened
                raise StateWriteError(data_path, error) from error
            self._file = (fd, status.st_dev, status.st_ino)
        return self._file


def _remove(directory: Directory, name: str, fd: int) -> bool:
    """Remove the lock file `fd` (held), if its name still leads to it; whether it did.

    Safe for writers waiting on it: once they lock it they find the name gone, and open the
    name anew (see `StateLock._acquire`).
    """
    try:
        found = directory.lstat(name)
        if found is None or not os.path.samestat(found, os.fstat(fd)):
            return False
        directory.unlink(name)
    except OSError:
        return False
    return True


def remove_held(directory: Directory, name: str, fd: int) -> bool:
    """`_remove`, for the holder of a state it deleted: its lock file goes last, while still
    held. This process's StateLock finds the name gone at its next operation, as any does."""
    return _remove(directory, name, fd)


def _take(
    fd: int, deadline: float | None, data_path: Path, lock_path: str, timeout: float | None
) -> None:
    """Lock `fd`, polling until `deadline` (None: for ever)."""
    try:
        # filelock's primitive on our own descriptor: the one place it is used.
        while not primitives().lock_descriptor(fd, blocking=False):
            if deadline is not None and time.monotonic() >= deadline:
                raise StateLockTimeout(data_path, lock_path, timeout or 0.0, _holder.read(fd))
            time.sleep(_POLL_INTERVAL)
    except OSError as error:  # no locks on this filesystem (ENOLCK, ENOSYS)
        if isinstance(error, StateError):
            raise
        raise StateWriteError(data_path, error) from error


def _open_lock_file(directory: Directory, name: str, data_path: Path) -> tuple[int, bool]:
    """Open (or create) the lock file: a regular file, and not a stranger's in a shared
    directory, where its owner could swap it for another and split the writers in two.
    Returns its descriptor, and whether this call created it.
    """
    for _ in range(3):
        created = False
        try:
            fd = directory.open(name, OPEN_FLAGS)
        except FileNotFoundError:
            try:
                fd = directory.open(
                    name, OPEN_FLAGS | os.O_CREAT | os.O_EXCL, _lock_mode(directory)
                )
                created = True
            except FileExistsError:
                continue  # another writer created it meanwhile
        except OSError:
            found = directory.lstat(name)
            if found is not None and stat.S_ISLNK(found.st_mode):
                check_link(directory, name, found, data_path)
                raise StateUnsafePathError(
                    data_path,
                    directory.where(name),
                    "the lock file is a symlink; the files kept beside a state file are never "
                    "links, so remove it",
                    number=StateUnsafePathError.NOT_A_FILE,
                    owner=found.st_uid,
                ) from None
            if found is not None and stat.S_ISREG(found.st_mode):
                # A stranger's lock file that we may not open (mode 0600): say whose it is.
                _check_lock_file(directory, name, found, data_path)
            raise
        try:
            status = os.fstat(fd)
            _check_lock_file(directory, name, status, data_path)
            _hide_names(fd, status, directory)
        except BaseException:
            os.close(fd)
            raise
        return fd, created
    raise FileExistsError(
        errno.EEXIST, "created and removed while opening it", directory.where(name)
    )


def _check_lock_file(
    directory: Directory, name: str, found: os.stat_result, data_path: Path
) -> None:
    if not stat.S_ISREG(found.st_mode):
        raise StateUnsafePathError(
            data_path,
            directory.where(name),
            "the lock file is not a regular file",
            number=StateUnsafePathError.NOT_A_FILE,
            owner=found.st_uid,
        )
    if stranger(found.st_uid, directory.stat()):
        raise StateUnsafePathError(
            data_path,
            directory.where(name),
            f"the lock file belongs to {describe_owner(found.st_uid)} in the shared directory "
            f"{directory.path}, who could replace it at any time and so let two writers in "
            "at once; remove it, or keep the state in a directory you own",
            number=StateUnsafePathError.FOREIGN_FILE,
            owner=found.st_uid,
        )


def _lock_mode(directory: Directory) -> int:
    """The mode a new lock file is made with (less the umask).

    The lock file holds who holds the lock (see `holder`) and the names of a save's temp
    files (see `temps`), which nobody but the state's writers should learn: whoever knows a
    name can plant something at it the moment it is freed. Its group may share the state
    (and so the lock), others never do, and in a shared directory nobody but its owner may
    use it at all.
    """
    return 0o600 if shared(directory.stat()) else 0o660


def _hide_names(fd: int, found: os.stat_result, directory: Directory) -> None:
    """Take from a lock file of ours the read bits that `_lock_mode` no longer gives."""
    if not hasattr(os, "fchmod") or not hasattr(os, "geteuid") or found.st_uid != os.geteuid():
        return
    mode = found.st_mode & 0o777
    hidden = mode & _lock_mode(directory)
    if hidden != mode:
        os.fchmod(fd, hidden)


# Weak: a lock lives as long as a manager of its file does, and its open file with it.
_locks: "weakref.WeakValueDictionary[tuple[int, int, str], StateLock]" = (
    weakref.WeakValueDictionary()
)
_locks_guard = threading.Lock()


def lock_for(directory: Directory, name: str, data_path: Path) -> StateLock:
    """The one StateLock of the lock file `name` in `directory`, for this process.

    Keyed by the directory's identity, not its path: every store of one file shares it,
    whatever path (or link) each was given. The caller keeps it while it may need it.
    """
    try:
        device, inode = directory.identity()
    except OSError as error:
        raise StateWriteError(data_path, error) from error
    key = (device, inode, os.path.normcase(name))
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = StateLock()
        return lock


def _forget_locks_in_child() -> None:
    # A forked child must not reuse the parent's locks: a mutex another parent thread held at
    # the fork would never be released. Closing the child's copies of the lock files leaves
    # the parent's locks held: flock belongs to the open file, which the parent still has.
    global _locks, _locks_guard
    for lock in list(_locks.values()):
        lock.forget()
    _locks = weakref.WeakValueDictionary()
    _locks_guard = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)
