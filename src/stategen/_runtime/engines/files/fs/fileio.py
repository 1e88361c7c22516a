"""An open file: read and write it at an offset, reserve its space, and push it to the disk."""

import contextlib
import errno
import os
import sys

_POSITIONAL = hasattr(os, "pread") and hasattr(os, "pwrite")

#: How an existing file is opened, with the access mode added (os.O_RDONLY, O_WRONLY or
#: O_RDWR): never through a link planted at the name, never blocking on a FIFO planted
#: there, not inherited by child processes, and in binary mode on Windows.
GUARDED = (
    getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_at(fd: int, offset: int, size: int) -> bytes:
    """Up to `size` bytes from `offset` (fewer only at the end of the file)."""
    chunks = []
    while size > 0:
        if _POSITIONAL:
            chunk = os.pread(fd, size, offset)
        else:  # Windows: every caller has a descriptor of its own, so seeking is safe
            os.lseek(fd, offset, os.SEEK_SET)
            chunk = os.read(fd, size)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
        size -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def write_at(fd: int, offset: int, data: bytes) -> None:
    """All of `data` at `offset`, looping over short writes."""
    view = memoryview(data)
    while view:
        if _POSITIONAL:
            written = os.pwrite(fd, view, offset)
        else:
            os.lseek(fd, offset, os.SEEK_SET)
            written = os.write(fd, view)
        view = view[written:]
        offset += written


def flush(fd: int) -> None:
    """Push the file's data and metadata to stable storage (the disk, not just the OS cache)."""
    if not _full_flush(fd):
        os.fsync(fd)


def flush_data(fd: int) -> None:
    """Push the file's data to stable storage, with the metadata needed to read it back.

    For a write into space the file already has (its size unchanged), that is less work for
    the filesystem than a full fsync.
    """
    if _full_flush(fd):
        return
    # fdatasync skips the metadata a later read does not need (the times); where it is
    # missing, fsync does the same job and more. Looked up at each call, like every system
    # call here, so that the tests' spies and faults see it.
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:
        os.fsync(fd)


def reserve(fd: int, size: int) -> None:
    """Make the file `size` bytes long, with the space allocated where the system can.

    Writing into allocated space leaves the file's size alone, so syncing such a write
    commits less metadata than an append does. Where space cannot be allocated ahead
    (some filesystems, Windows), the file is extended with a hole instead.
    """
    allocate = getattr(os, "posix_fallocate", None)
    current = os.fstat(fd).st_size
    if allocate is not None and current < size:
        try:
            allocate(fd, current, size - current)
            return
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                raise
    if current < size:
        os.ftruncate(fd, size)


def _full_flush(fd: int) -> bool:
    """On macOS fsync only reaches the drive's cache; F_FULLFSYNC flushes the drive."""
    if sys.platform != "darwin":
        return False
    import fcntl

    with contextlib.suppress(OSError):  # not supported on some filesystems: use fsync
        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
        return True
    return False
