"""The durable write: a file is replaced whole or not at all, and the change survives power loss."""

import contextlib
import errno
import os
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path

TEMP_MARKER = ".stategen-tmp-"

# Windows refuses os.replace while another process has the target open, even briefly to read
# it (bpo-46003). Such holds are short, so retry with a bounded backoff (about 1 s in all).
_REPLACE_DELAYS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.6)

_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)


def temp_prefix(path: Path) -> str:
    """The name prefix of `path`'s temp files: hidden, and recognisable by `sweep_temps`."""
    return f".{path.name}{TEMP_MARKER}"


def write_atomic(
    path: Path, data: bytes, *, before_replace: Callable[[], None] | None = None
) -> None:
    """Replace `path` with `data` durably.

    `before_replace` runs after the data is safely on disk and before the rename, so links
    it makes in the same directory (the backup) are covered by the one directory fsync.
    """
    current = _stat_or_none(path)
    fd, temp = _create_temp(path)  # 1. same directory, unique name, the umask's mode
    try:
        try:
            if current is not None:
                _copy_owner_and_mode(fd, current)  # 2. or the mode of the file it replaces
            _write_all(fd, data)  # 3. the whole content, serialized before we got here
            _flush(fd)  # 4. on the disk before the rename can be
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        _replace(temp, path)  # 5. atomic: readers see the old file or the new, never a mix
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)  # 6. an error leaves no temp file (a kill does: it is swept later)
        raise
    sync_directory(path.parent)  # 7. the rename itself survives a power loss


def link_atomic(source: Path, target: Path) -> None:
    """Make `target` another name for `source`'s file, replacing the old `target` atomically.

    A hard link costs no copy, and `target` is always a whole file, old or new. Call it in
    `write_atomic`'s `before_replace`, whose directory fsync then covers it. Filesystems
    without hard links get a durable copy instead.
    """
    temp = _unique_name(target)
    try:
        os.link(source, temp)
    except FileExistsError:
        raise  # a leftover with these 32 random bits: too rare to be worth a retry loop
    except OSError:  # no hard links here (FAT, some network shares, protected_hardlinks)
        write_atomic(target, source.read_bytes())
        return
    try:
        _replace(temp, target)
    finally:
        # rename(2) does nothing when both names already link one file (a save killed after
        # its backup link but before its rename leaves the file and its backup so), so the
        # temp name can survive even a successful replace.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def sweep_temps(path: Path, *siblings: Path) -> int:
    """Remove temp files that writers of `path` (and `siblings`) left behind when killed.

    Call it under the lock: then no live writer of these files can own a temp file.
    """
    prefixes = tuple(temp_prefix(each) for each in (path, *siblings))
    removed = 0
    with os.scandir(path.parent) as entries:
        for entry in entries:
            if entry.name.startswith(prefixes):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def sync_directory(directory: Path) -> None:
    """Make renames and links in `directory` durable: until then a crash can undo them."""
    if os.name == "nt":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename.
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as error:
        # A few filesystems (some FUSE and network mounts) cannot fsync a directory at all.
        if error.errno != errno.EINVAL:
            raise
    finally:
        os.close(fd)


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _unique_name(path: Path) -> Path:
    # 32 random bits: a clash is rare, and O_EXCL (or link) refuses one rather than reuse it.
    return path.with_name(temp_prefix(path) + secrets.token_hex(4))


def _create_temp(path: Path) -> tuple[int, Path]:
    # Same directory as the target: os.replace cannot cross filesystems (EXDEV). Mode 0o666
    # lets the kernel apply the umask, so a new file gets 0o666 & ~umask without this code
    # touching the process-wide umask (reading it means setting it, which races threads).
    for _ in range(100):
        temp = _unique_name(path)
        try:
            return os.open(temp, _CREATE_FLAGS, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path}: could not create a unique temp file")


def _copy_owner_and_mode(fd: int, current: os.stat_result) -> None:
    # The replacement is a new inode: without this a 0644 file would change its mode.
    if not hasattr(os, "fchmod"):
        return  # Windows: only the read-only flag exists, and replace keeps none of it anyway.
    new = os.fstat(fd)
    if (new.st_uid, new.st_gid) != (current.st_uid, current.st_gid):
        # Only root may give a file away; for anyone else keeping our own ownership is the best.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, current.st_uid, current.st_gid)
    os.fchmod(fd, current.st_mode & 0o7777)  # after fchown, which clears set-id bits


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _flush(fd: int) -> None:
    """Push the file's data to stable storage (the disk, not just the OS cache)."""
    if sys.platform == "darwin":
        import fcntl

        # On macOS fsync only reaches the drive's cache; F_FULLFSYNC flushes the drive.
        with contextlib.suppress(OSError):  # not supported on some filesystems: use fsync
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
    os.fsync(fd)


def _replace(temp: Path, path: Path) -> None:
    if os.name != "nt":
        os.replace(temp, path)
        return
    for delay in _REPLACE_DELAYS:
        try:
            os.replace(temp, path)
            return
        except PermissionError:
            time.sleep(delay)
    os.replace(temp, path)
