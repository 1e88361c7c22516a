"""The only module that imports filelock: one exclusive lock per state file, for all writers.

Limits: the lock is advisory (only code that takes it is excluded) and local. On Unix filelock
uses flock(2), which does not exclude processes on different NFS clients; keep the state file
on a local disk, or run every writer on one machine.
"""

import math
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from .errors import StateLockTimeout, StateWriteError

# Waiting processes poll the lock file. A poll is one non-blocking flock call, so a short
# interval costs little and keeps contended read-modify-write loops fast.
_POLL_INTERVAL = 0.005


class StateLock:
    """A per-process mutex in front of a file lock on the sidecar `<file>.lock`.

    The file lock sits on a sidecar, never on the data file: os.replace swaps the data file's
    inode, so a lock on it guards a file that is no longer there and two processes both "hold"
    it. The sidecar is never deleted either: unlinking it on release let two holders lock two
    different inodes (filelock #574, reverted by #577).

    The mutex queues this process's threads without polling, and it means only one thread at a
    time ever touches the FileLock, so filelock's per-thread reentrancy and its "Deadlock" check
    for a second instance on one path never come into play.
    """

    def __init__(self, data_path: Path) -> None:
        self.data_path = data_path
        self.lock_path = data_path.with_name(data_path.name + ".lock")
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._file_lock = filelock.FileLock(str(self.lock_path))

    @contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        """Hold the lock for the block; StateLockTimeout after `timeout` s (< 0 or inf: wait)."""
        if self._owner == threading.get_ident():
            # Re-entry would let an inner save be overwritten by the outer transaction's.
            raise RuntimeError(
                f"{self.data_path}: this thread already holds the lock (a save or transaction "
                "inside a transaction); change the state the transaction yielded instead"
            )
        forever = timeout < 0 or math.isinf(timeout)
        deadline = None if forever else time.monotonic() + timeout
        if not self._mutex.acquire(timeout=-1 if deadline is None else timeout):
            raise StateLockTimeout(self.data_path, self.lock_path, timeout)
        try:
            remaining = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                self._file_lock.acquire(timeout=remaining, poll_interval=_POLL_INTERVAL)
            except filelock.Timeout:
                # The one place filelock's errors become ours.
                raise StateLockTimeout(self.data_path, self.lock_path, timeout) from None
            except OSError as error:  # the lock file cannot be created or opened
                raise StateWriteError(self.data_path, error) from error
            self._owner = threading.get_ident()
            try:
                yield
            finally:
                self._owner = None
                self._file_lock.release()
        finally:
            self._mutex.release()


_locks: dict[str, StateLock] = {}
_locks_guard = threading.Lock()


def lock_for(data_path: Path) -> StateLock:
    """The one StateLock of `data_path` in this process, shared by every store of that file."""
    key = os.path.normcase(str(data_path))
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = StateLock(data_path)
        return lock


def _forget_locks_in_child() -> None:
    # A forked child must not reuse the parent's locks: filelock refuses an inherited instance,
    # and a mutex another parent thread held at the fork would never be released.
    global _locks, _locks_guard
    _locks = {}
    _locks_guard = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks_in_child)
