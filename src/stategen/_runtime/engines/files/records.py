"""The journal's framing: a fixed header, then records that each check themselves.

A record is a 24-byte head, `crc` (u32), `length` (u32), `sequence` (u64) and the 8-byte
`generation` of the snapshot it applies to (little-endian), then `length` bytes of payload.
The CRC-32 covers everything after itself (the length, the sequence, the generation and the
payload, in one run of bytes), so a record that was torn by a crash, or damaged later, never
passes as a good one. Records of one generation are numbered from 0 without a gap.

A record is written in two steps with one sync between them: first with its CRC inverted
(pending), synced, then its CRC (the commit mark). The mark is never synced on its own: the
sync of the record is what makes the change durable, and the mark only says that the sync
is done. So a record at the tail whose CRC is inverted and otherwise whole ("pending") was
either synced and acknowledged, its mark lost to a power loss, or written by a process that
stopped before the mark (synced or not). Either way it is all of one change, and it counts
once it is known to be on disk: whoever holds the state's lock syncs the journal, then
marks it (see `journal.JournalFile.settle`). Nobody takes it without the lock, since a
writer may be between its write and its sync. A committed record is the same bytes as ever.

The file is preallocated, so the records end where the next head is not a good record of
the expected generation and sequence: usually zeros. What lies after that end decides what
it was. Bytes that are no record are the tail of an append a crash cut short, never
acknowledged, so they are ignored (and the next writer cuts them off). A good record of the
same generation after that point means the bad one was not at the tail: that is
corruption, reported, never skipped.
"""

import os
import struct
import zlib
from dataclasses import dataclass, field

#: The first bytes of every journal file: what it is, and the version of this format.
MAGIC = b"stategen jrnl v1"
#: Where the first record starts.
START = len(MAGIC)
_HEAD = struct.Struct("<IIQ8s")  # crc, length, sequence, generation
_CHECKED = struct.Struct("<IQ8s")  # what the CRC starts with: length, sequence, generation
HEAD_SIZE = _HEAD.size
_GENERATION = 8  # bytes


@dataclass
class Scan:
    """What a scan of journal bytes found, in file offsets."""

    payloads: list[tuple[int, bytes]] = field(default_factory=list)  # (file offset, payload)
    end: int = START  # just after the last good record: where the next one goes
    sequence: int = 0  # the number the next record gets
    torn: bool = False  # bytes after `end` that are no record (a cut-short append, or stale)
    corrupt: str | None = None  # a bad record with good ones after it: what is wrong
    short: bool = False  # a record runs past the bytes given: read further and scan again
    #: A whole record with its CRC inverted right after the last good one, (file offset,
    #: the record's bytes as committed): a change whose commit mark is missing.
    pending: tuple[int, bytes] | None = None


def new_generation() -> str:
    """A new generation name, as a snapshot stores it: 16 random hex digits."""
    return os.urandom(_GENERATION).hex()  # what secrets.token_hex does, without importing it


def generation_bytes(name: str) -> bytes:
    """The 8 bytes a record stores for the generation `name` (16 hex digits)."""
    return bytes.fromhex(name)


def is_generation(text: object) -> bool:
    """Whether `text` is a generation name as snapshots store it: 16 lowercase hex digits."""
    return (
        isinstance(text, str)
        and len(text) == 2 * _GENERATION
        and all(c in "0123456789abcdef" for c in text)
    )


def frame(generation: bytes, sequence: int, payload: bytes) -> bytes:
    """The bytes of one record."""
    checked = _CHECKED.pack(len(payload), sequence, generation) + payload
    return zlib.crc32(checked).to_bytes(4, "little") + checked


def pending(record: bytes) -> bytes:
    """`record` (made by `frame`) with its CRC inverted: written, but not yet committed."""
    crc = int.from_bytes(record[:4], "little") ^ 0xFFFFFFFF
    return crc.to_bytes(4, "little") + record[4:]


def mark(record: bytes) -> bytes:
    """The commit mark of `record`: its CRC, written over the inverted one at its start."""
    return record[:4]


def scan(
    data: bytes,
    offset: int,
    generation: bytes,
    sequence: int,
    *,
    at_end: bool,
    check_rest: bool,
) -> Scan:
    """The good records of `generation` in `data`, which holds the file from `offset` on.

    `sequence` is the number the first record must have. `at_end`: `data` runs to the end
    of the file. `check_rest`: look at everything after the last good record, to tell a
    torn tail (or zeros) from a damaged record that good ones follow; without it (a warm
    reader that scanned that far before) the first head that is no record ends the scan,
    and `torn` only says that head was not zeros.
    """
    found = Scan(end=offset, sequence=sequence)
    payloads = found.payloads
    view = memoryview(data)
    position, size = 0, len(data)
    unpack, crc32 = _HEAD.unpack_from, zlib.crc32
    while position + HEAD_SIZE <= size:
        crc, length, number, owner = unpack(data, position)
        stop = position + HEAD_SIZE + length
        if owner != generation or number != sequence or length == 0:
            break
        if stop > size:
            found.short = not at_end
            break
        actual = crc32(view[position + 4 : stop])
        if crc != actual:
            if crc == actual ^ 0xFFFFFFFF:
                record = actual.to_bytes(4, "little") + bytes(view[position + 4 : stop])
                found.pending = (offset + position, record)
            break
        payloads.append((offset + position, bytes(view[position + HEAD_SIZE : stop])))
        sequence += 1
        position = stop
    found.sequence = sequence
    found.end = offset + position
    if found.short:
        return found
    if not check_rest:
        # Only a hint: a head that is not all zeros may be torn, or damaged with good records
        # after it; the caller scans again with `check_rest` to tell.
        head = data[position : position + HEAD_SIZE]
        found.torn = head != bytes(len(head))
        return found
    # What follows a pending record decides the rest. Compared as bytes: a memoryview
    # compares item by item, twenty times slower.
    rest = data[position + (len(found.pending[1]) if found.pending else 0) :]
    if rest == bytes(len(rest)):  # zeros: the preallocated space nobody wrote yet
        return found
    later = _later_record(data, view, position, generation, found.sequence)
    if later is None:
        found.torn = True
    else:
        found.pending = None  # not the tail: a record that lost its mark has none after it
        found.corrupt = (
            f"journal record {found.sequence} at byte {offset + position} is damaged, "
            f"and a good record of the same generation follows it at byte {offset + later}"
        )
    return found


def _later_record(
    data: bytes, view: memoryview, after: int, generation: bytes, sequence: int
) -> int | None:
    """The position of a good record of `generation`, numbered `sequence` or later, that
    starts after `after`; None when there is none."""
    where = after + HEAD_SIZE  # the generation sits at byte 16 of a head
    while (found := data.find(generation, where)) >= 0:
        start = found - (HEAD_SIZE - _GENERATION)
        where = found + 1
        if start <= after:
            continue
        crc, length, number, _ = _HEAD.unpack_from(data, start)
        stop = start + HEAD_SIZE + length
        good = length and number >= sequence and stop <= len(data)
        if good and crc == zlib.crc32(view[start + 4 : stop]):
            return start
    return None


def count_later(data: bytes, after: int, generation: bytes, sequence: int) -> int:
    """How many good records of `generation`, numbered `sequence` or later, start after
    position `after` of `data`: the records a damaged one cut off (for `recover()`'s report)."""
    view, count = memoryview(data), 0
    while (start := _later_record(data, view, after, generation, sequence)) is not None:
        _, length, number, _ = _HEAD.unpack_from(data, start)
        count += 1
        # So that the search starts at the generation of a record right after this one.
        after, sequence = start + HEAD_SIZE + length - _GENERATION, number + 1
    return count
