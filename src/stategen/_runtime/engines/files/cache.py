"""What the file engine remembers between operations: the snapshot held open, its journal position.

The cache is the state as this engine last read or wrote it: the snapshot (held open, so its
inode cannot be reused while it is), its bytes (or, for a journaled snapshot, their length
and CRC), the state with the journal's records applied, and where in the journal it
stopped. `apply_records` replays records onto it.
"""

import os
import zlib
from collections.abc import Callable
from typing import Any

from ... import patch as _patch
from ...errors import StateCorruptError
from ...jsontext import Unreadable, decode
from ...storage import Stored
from . import records as _records
from .journal import JournalFile

#: Where the snapshot may stay open between operations. Windows refuses to replace a file
#: that another process has open, so there the snapshot is read afresh each time.
HOLD = os.name != "nt"


def _digest(raw: bytes) -> tuple[int, int]:
    return len(raw), zlib.crc32(raw)


class Cache:
    """The files as this engine last read or wrote them."""

    __slots__ = (
        "checked_in",
        "digest",
        "end",
        "fd",
        "generation",
        "journal",
        "raw",
        "scanned",
        "sequence",
        "size",
        "status",
        "stored",
        "torn",
        "unmarked",
    )

    def __init__(
        self,
        fd: int | None,
        status: os.stat_result,
        raw: bytes,
        generation: str | None,
        stored: Stored,
    ) -> None:
        self.fd = fd  # the snapshot, held open: its inode cannot be reused while it is
        self.status = status
        self.size = len(raw)
        # A journaled snapshot is the large state's: its bytes are not kept beside the state
        # they hold (a copy as large as the file), only what tells them apart from others.
        self.raw: bytes | None = raw if generation is None else None
        self.digest = _digest(raw) if generation is not None else None
        self.generation = generation
        self.stored = stored  # the snapshot's state, with the journal records applied
        self.journal: JournalFile | None = None
        self.end = _records.START  # where the next journal record goes
        self.sequence = 0  # the number of the next record (so: how many are applied)
        self.scanned = False  # the journal was read to its end once, every byte checked
        self.torn = False  # bytes after `end` that are no record: cut before appending
        #: A pending record taken once settled, (offset, bytes), whose commit mark is not
        #: written yet: the next append writes it first (no record may follow a pending one).
        self.unmarked: tuple[int, bytes] | None = None
        #: The session (its `Held`) that read these bytes, or compared them with the file's,
        #: under the lock: until it ends no other writer can have changed them.
        self.checked_in: object | None = None

    def same_snapshot(self, found: os.stat_result | None) -> bool:
        """Whether `found` (an lstat of the snapshot's name) is the snapshot held, unchanged."""
        held = self.status
        return (
            found is not None
            and self.fd is not None
            and found.st_ino == held.st_ino
            and found.st_dev == held.st_dev
            and found.st_size == held.st_size
            and found.st_mtime_ns == held.st_mtime_ns
            and found.st_ctime_ns == held.st_ctime_ns
        )

    def same_bytes(self, raw: bytes) -> bool:
        """Whether `raw` are the snapshot's bytes: compared whole, or for a journaled snapshot
        by length and CRC-32 (the file was the same file, unchanged in size and times)."""
        return raw == self.raw if self.raw is not None else _digest(raw) == self.digest

    def describe(self) -> str:
        """What is held, in one line: the snapshot, its generation and its journal."""
        text = f"snapshot of {self.size} bytes"
        if self.generation is None:
            return text + ", no journal"
        text += f" (generation {self.generation})"
        if self.journal is None:
            return text + ", no journal file yet"
        used = self.end - _records.START
        return f"{text}, journal of {self.sequence} records ({used} of {self.journal.size} bytes)"

    def close(self, _close: Callable[[int], None] = os.close) -> None:
        """Let go of the files held. Never fails: they were only read through these
        descriptors (or synced when written), so an error closing one changes nothing."""
        fd, self.fd = self.fd, None
        journal, self.journal = self.journal, None
        if fd is not None:
            try:  # noqa: SIM105 - also runs from __del__, when contextlib may be gone
                _close(fd)
            except OSError:
                pass
        if journal is not None:
            journal.close(_close)

    def __del__(self) -> None:
        # A manager let go (or never closed) must not keep its files open.
        try:  # noqa: SIM105 - contextlib may be gone when this runs at interpreter exit
            self.close()
        except OSError:
            pass


def apply_records(cache: Cache, payloads: list[tuple[int, bytes]]) -> None:
    """Apply journal records to the cached state; StateCorruptError names one that fails."""
    try:  # one parse for them all: replaying a long journal is mostly this
        batches = decode(b"[" + b",".join(payload for _, payload in payloads) + b"]")
    except Unreadable:  # one record is not JSON (or too deep): find which, one by one
        batches = None
    for index, (offset, payload) in enumerate(payloads):
        try:
            ops = batches[index] if batches is not None else ops_of(payload)
            if type(ops) is not list:
                raise _patch.PatchError("a record holds a JSON array of operations")
            cache.stored.apply(ops)
        except (ValueError, RecursionError, MemoryError) as error:
            assert cache.journal is not None
            raise StateCorruptError(
                cache.journal.path,
                f"journal record {cache.sequence + index} at byte {offset} does not apply: "
                f"{str(error)[:200]}",
            ) from None


def ops_of(payload: bytes) -> Any:
    """The operations one journal record holds (a JSON array, unchecked); Unreadable (a
    ValueError) when it holds no JSON."""
    return decode(payload)
