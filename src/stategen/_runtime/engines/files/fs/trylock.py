"""One try at a state's lock that never waits and never makes the lock file.

`probe` says who holds it (for `show`); `tried` holds it while it is free, for a reader that
must know no writer is at work."""

import contextlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager

from ....lockholder import FREE, held_by, unknown
from . import holder as _holder
from .directory import Directory
from .lock import OPEN_FLAGS, primitives

#: Only reads the lock file: it may be another writer's, that this process may not write.
_PROBE_FLAGS = OPEN_FLAGS & ~os.O_RDWR | os.O_RDONLY


def probe(directory: Directory, name: str) -> str:
    """Who holds the lock file `name` now, in words ("free", "held by ...", "unknown: why").

    For `show`: it never creates the lock file, and holds the lock no longer than one try
    that does not wait (let go at once).
    """
    try:
        found = directory.lstat(name)
        if found is None:
            return FREE
        if not stat.S_ISREG(found.st_mode):  # never opened: a FIFO or a device may block
            return unknown("the lock file is not a regular file")
        fd = directory.open(name, _PROBE_FLAGS)
    except FileNotFoundError:
        return FREE
    except OSError as error:
        return unknown(f"the lock file cannot be read ({error.strerror or error})")
    try:
        if not os.path.samestat(found, os.fstat(fd)):
            return unknown("the lock file was replaced while it was looked at")
        if not primitives().lock_descriptor(fd, blocking=False):
            return held_by(_holder.read(fd))
        primitives().unlock_descriptor(fd)
        return FREE
    except OSError as error:
        return unknown(f"the lock cannot be tried ({error.strerror or error})")
    finally:
        os.close(fd)


@contextmanager
def tried(directory: Directory, name: str) -> Iterator[bool]:
    """Hold the lock file `name` for the block if it is free now: yields whether it is held.

    For a reader without the lock that must know no writer is at work (a pending journal
    record): one try that does not wait, on a descriptor of its own (so another thread of
    this process holding the lock counts as a writer), and it never makes the lock file.
    """
    fd = _open_existing(directory, name)
    if fd is None:
        yield False
        return
    try:
        try:
            free = primitives().lock_descriptor(fd, blocking=False)
        except OSError:
            free = False
        try:
            yield free
        finally:
            if free:
                with contextlib.suppress(OSError):
                    primitives().unlock_descriptor(fd)
    finally:
        os.close(fd)


def _open_existing(directory: Directory, name: str) -> int | None:
    """The regular file `name`, opened to read; None when it is not there or cannot be."""
    try:
        found = directory.lstat(name)
        if found is None or not stat.S_ISREG(found.st_mode):
            return None  # never opened: a FIFO or a device may block
        fd = directory.open(name, _PROBE_FLAGS)
    except OSError:
        return None
    try:
        if os.path.samestat(found, os.fstat(fd)):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None
