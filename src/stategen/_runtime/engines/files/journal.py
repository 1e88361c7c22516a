"""The journal file beside a snapshot: opened safely, read on, appended to durably.

A reader reads on from where it stopped; an append writes in space allocated ahead.

The file is `<state file>.journal`: `_records.MAGIC`, then records. It is created whole
(header written, space allocated, synced, then renamed into place and the directory synced)
and afterwards only written inside that space, so an append changes no file size and its
sync commits no size change. Like the lock file, it must be a regular file, never reached
through a link, and in a shared sticky directory it must belong to the state file's owner,
the caller or the directory's owner: anyone else could write records into your state.
"""

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from ...errors import StateCorruptError, StateUnsafePathError
from . import records as _records
from .fs import atomic as _atomic
from .fs.directory import Directory
from .fs.fileio import GUARDED, flush_data, read_at, reserve, write_at
from .fs.regular import check_size, refuse_unless_regular
from .fs.temps import Temps
from .fs.trust import describe_owner, stranger

#: The least room a journal gets: a tiny state would otherwise fold it after a few updates.
MIN_CAPACITY = 16 * 1024
_PAGE = 4096
#: A warm reader first reads this much past where it stopped; more if a record runs past it.
_WINDOW = 4096
#: How much of the room after a record an append writes zeros over, when none were yet.
_AHEAD = 128 * 1024


def capacity(snapshot_size: int) -> int:
    """The journal's size for a snapshot of `snapshot_size` bytes: as large, in whole pages.

    With the snapshot and its backup, a state's files then stay within about three times
    one snapshot: the journal is folded into a new snapshot when it is full.
    """
    return max(MIN_CAPACITY, -(-snapshot_size // _PAGE) * _PAGE)


class JournalFile:
    """An open journal: its descriptor, status when opened, and where it is (for messages)."""

    def __init__(self, fd: int, status: os.stat_result, path: Path, *, writable: bool) -> None:
        self.fd = fd
        self.status = status
        self.path = path
        self.writable = writable
        # Changed only by a reset or a cut, this engine's own or another's that came with a
        # new snapshot (and so a new JournalFile): no need to ask the system each time.
        self.size = status.st_size
        # Up to where the room is known written (see `_zero_ahead`); not known when opened.
        self._zeroed = 0

    @classmethod
    def open(
        cls,
        directory: Directory,
        name: str,
        origin: Path,
        owner: int,
        *,
        writing: bool,
        any_header: bool = False,
    ) -> "JournalFile | None":
        """The journal `name` in `directory`, or None when there is none.

        `origin` is the state path and `owner` its owner, for the trust rule. Raises
        StateUnsafePathError for a link, anything but a regular file, or a stranger's file
        in a shared directory; StateCorruptError when the file is not a journal at all
        (unless `any_header`: recovery reads the records after a damaged header too).
        """
        found = directory.lstat(name)
        if found is None:
            return None
        refuse_unless_regular(directory, name, found, origin, kept=True)
        try:
            fd = directory.open(name, (os.O_RDWR if writing else os.O_RDONLY) | GUARDED)
        except FileNotFoundError:
            return None
        try:
            status = os.fstat(fd)
            refuse_unless_regular(directory, name, status, origin, kept=True)
            _check_owner(directory, name, status, origin, owner)
            path = Path(directory.where(name))
            if not any_header and read_at(fd, 0, _records.START) != _records.MAGIC:
                raise StateCorruptError(path, "not a journal: its header is missing or damaged")
        except BaseException:
            os.close(fd)
            raise
        return cls(fd, status, path, writable=writing)

    @classmethod
    def create(
        cls,
        directory: Directory,
        name: str,
        origin: Path,
        *,
        temps: Temps,
        like: os.stat_result,
        size: int,
    ) -> "JournalFile":
        """A new, empty journal of `size` bytes, durably in place (the directory synced).

        It takes the mode and owner of the snapshot whose status is `like`.
        """
        try:
            _atomic.write_atomic(
                directory, name, _records.MAGIC, temps=temps, current=like, size=size
            )
        except _atomic.Unconfirmed as error:
            # An empty journal changes no state, but records must not go into a file whose
            # name may not survive a power loss: the update fails here, the state unchanged,
            # and the file goes, so that the next update makes (and syncs) it again.
            with contextlib.suppress(OSError):
                directory.unlink(name)
            raise OSError(error.errno, error.strerror, error.filename) from error
        journal = cls.open(directory, name, origin, like.st_uid, writing=True)
        if journal is None:  # removed between the rename and the open: only by hand
            raise FileNotFoundError(errno.ENOENT, "the new journal vanished", directory.where(name))
        return journal

    def close(self, _close: Callable[[int], None] = os.close) -> None:
        """Let go of the descriptor. Never fails: every record was synced when it was
        written, so an error closing it says nothing about the state."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            try:  # noqa: SIM105 - also runs from a cache's __del__, when contextlib may be gone
                _close(fd)
            except OSError:
                pass

    def is_at(self, directory: Directory, name: str) -> bool:
        """Whether `name` in `directory` is still this file."""
        found = directory.lstat(name)
        return found is not None and os.path.samestat(found, self.status)

    def read(self, offset: int, size: int | None = None, *, limit: int | None = None) -> bytes:
        """The bytes from `offset`: `size` of them, or all to the end of the file; OSError
        (EFBIG) before anything is read when the file is larger than `limit` bytes."""
        if size is None:
            end = os.fstat(self.fd).st_size
            if limit is not None:
                check_size(end, limit, self.path)
            size = max(0, end - offset)
        return read_at(self.fd, offset, size)

    def read_window(self, offset: int) -> bytes:
        """The bytes from `offset` that a warm reader looks at first."""
        return read_at(self.fd, offset, _WINDOW)

    def append(self, offset: int, record: bytes, *, sync: bool = True) -> None:
        """Write `record` at `offset` and sync it: durable, and seen by readers, when this
        returns. Without `sync` the same writes, unsynced: seen by readers, and kept by the
        system if the process dies, but not necessarily through a power loss.

        The record is written pending (its CRC inverted), which no reader takes without the
        lock; synced, the one sync of an append; then marked, so that readers take it (see
        `records`). The mark needs no sync of its own: if a power loss takes it, the synced
        record is pending again, and the next holder of the lock marks it (`settle`).

        A failure before the mark leaves a pending record: it is erased again, and the
        erasure synced, so the state is unchanged for everyone, whatever comes after. When
        the erasure cannot be made durable either, `atomic.Unconfirmed`: a power loss may
        bring the record back, and it would then count.
        """
        try:
            if offset + len(record) > self._zeroed:
                self._zero_ahead(offset + len(record))
            write_at(self.fd, offset, _records.pending(record))
            if sync:
                flush_data(self.fd)
            write_at(self.fd, offset, _records.mark(record))  # seen from now on
        except BaseException as failure:
            self._erase(offset, len(record), failure, durably=sync)
            raise

    def _zero_ahead(self, end: int) -> None:
        """Write zeros over the room after `end`, up to `_AHEAD` bytes of it.

        The room is allocated ahead (`fileio.reserve`), but ext4 and XFS allocate it as
        unwritten extents: the first write into each block must also mark it written, which
        is metadata, so the data sync of the record in it commits the file system's journal
        too. Zeros change nothing a reader sees (the room reads as zeros anyway); written
        with one record, in its sync, they spare the next records that commit. Measured: a
        6 KB record's fdatasync took 218-294 µs after zeros, 390-490 µs without.
        """
        stop = min(self.size, end + _AHEAD)
        if stop > end:
            write_at(self.fd, end, bytes(stop - end))
        self._zeroed = max(stop, end)

    def settle(self) -> None:
        """Sync what the journal holds, so that a pending record in it counts: it may never
        have been synced (see `records`). Only under the state's lock, where no writer is
        between its write and its sync."""
        flush_data(self.fd)

    def mark(self, offset: int, record: bytes) -> None:
        """Write the commit mark of the settled `record` at `offset`, for readers without the
        lock. Not synced: the sync of the record appended after it carries it, and if a power
        loss takes it first, the record is pending again, and settled again."""
        write_at(self.fd, offset, _records.mark(record))

    def _erase(self, offset: int, size: int, failure: BaseException, *, durably: bool) -> None:
        """Overwrite the pending record at `offset` with zeros after `failure`, synced with
        `durably`; `atomic.Unconfirmed` (from `failure`) when that cannot be done."""
        try:
            write_at(self.fd, offset, bytes(size))
            if durably:
                flush_data(self.fd)
        except OSError as error:
            cause = failure if isinstance(failure, OSError) else error
            raise _atomic.Unconfirmed.of(cause, undone=True) from error

    def cut(self, offset: int, size: int) -> None:
        """Drop everything from `offset` on (a torn tail), keeping `size` bytes of room.

        Not synced here: the sync of the record appended next makes the cut durable with
        it, and until then the torn bytes are as harmless as they were.
        """
        os.ftruncate(self.fd, offset)
        reserve(self.fd, size)
        self.size = size
        self._zeroed = offset

    def reset(self, size: int) -> None:
        """Empty the journal for a new snapshot generation, with `size` bytes of room.

        Not synced: records of the old generation never apply to the new snapshot, so they
        may as well come back after a crash.
        """
        os.ftruncate(self.fd, _records.START)
        reserve(self.fd, size)
        self.size = size
        self._zeroed = _records.START


def _check_owner(
    directory: Directory, name: str, status: os.stat_result, origin: Path, owner: int
) -> None:
    if stat.S_ISREG(status.st_mode) and (
        status.st_uid == owner or not stranger(status.st_uid, directory.stat())
    ):
        return
    raise StateUnsafePathError(
        origin,
        directory.where(name),
        f"the journal belongs to {describe_owner(status.st_uid)}, not to the state file's "
        f"owner, in the shared directory {directory.path}: its records would change your "
        "state; remove it, or keep the state in a directory you own",
        number=StateUnsafePathError.FOREIGN_FILE,
        owner=status.st_uid,
    )
