"""What a damaged state's files still hold: the snapshot, and the journal records before the damage.

`recover()` keeps everything intact: a journal whose 16-byte header is damaged still has its
records (each checks itself), and the records before a damaged one are good. Which of them
the state keeps is the policy's choice (the longest run that validates); this module only
says what is there, and how much the damage already cost.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import StateError
from ...jsontext import Unreadable, decode
from ...storage import Salvage, Stored
from . import document as _document
from . import records as _records
from .fs.directory import Directory
from .journal import JournalFile


def salvage(
    directory: Directory,
    journal_name: str,
    origin: Path,
    raw: bytes,
    owner: int,
    limit: int,
) -> Salvage:
    """What the snapshot `raw` (which parsed) and its journal `journal_name` still hold.

    `owner` is the snapshot's owner (the journal's trust rule), `limit` the most the journal
    may be. Raises StateUnsafePathError for a journal this library must not read; one the
    system refuses to read (or too large) leaves the snapshot alone, and the report says so.
    """
    data, generation = _document.parse(raw, origin)
    where = str(directory.where(journal_name))

    def base() -> Stored:
        fields, _ = _document.parse(raw, origin)  # a fresh copy, for each try
        return Stored(_document.take_version(fields, origin), fields)

    _document.take_version(data, origin)  # StateCorruptError now, rather than at each try
    if generation is None:
        return Salvage(_replay(base, []), 0, 0, "", where)
    try:
        header, content, synced = _journal_bytes(directory, journal_name, origin, owner, limit)
    except StateError:
        raise  # a link, a stranger's file: never read, and the state never replaced
    except OSError as error:  # unreadable, or larger than any journal of the snapshot
        unread = f"the journal could not be read ({error.strerror or error})"
        return Salvage(_replay(base, []), 0, 0, unread, where, generation)
    if header is None:
        return Salvage(_replay(base, []), 0, 0, "", where, generation)
    damage = [] if header == _records.MAGIC else ["its records were read past the damaged header"]
    name = _records.generation_bytes(generation)
    found = _records.scan(content, _records.START, name, 0, at_end=True, check_rest=True)
    payloads = found.payloads
    if found.pending is not None and synced:  # recover() holds the lock: see `records`
        offset, record = found.pending
        payloads = [*payloads, (offset, record[_records.HEAD_SIZE :])]
    changes: list[Any] = []
    for offset, payload in payloads:
        try:
            ops = decode(payload)
        except Unreadable as error:
            damage.append(f"record {len(changes)} at byte {offset}: {error}")
            break
        if type(ops) is not list:
            damage.append(f"record {len(changes)} at byte {offset} holds no list of changes")
            break
        changes.append(ops)
    lost = len(payloads) - len(changes)
    if found.corrupt is not None:
        damage.append(found.corrupt)
        after = found.end - _records.START
        lost += _records.count_later(content, after, name, found.sequence)
    return Salvage(_replay(base, changes), len(changes), lost, "; ".join(damage), where, generation)


def _journal_bytes(
    directory: Directory, name: str, origin: Path, owner: int, limit: int
) -> tuple[bytes | None, bytes, bool]:
    """The journal's header and records (None, b"": there is none), whatever its header, and
    whether it was synced first (so that a pending record at its end counts)."""
    journal = JournalFile.open(directory, name, origin, owner, writing=False, any_header=True)
    if journal is None:
        return None, b"", False
    try:
        try:
            journal.settle()
            synced = True
        except OSError:
            synced = False
        return journal.read(0, _records.START), journal.read(_records.START, limit=limit), synced
    finally:
        journal.close()


def _replay(base: Callable[[], Stored], changes: list[Any]) -> Callable[[int], Stored]:
    """A fresh base state with the first `count` changes applied (ValueError: one did not)."""

    def state(count: int) -> Stored:
        stored = base()
        for ops in changes[:count]:
            stored.apply(ops)
        return stored

    return state
