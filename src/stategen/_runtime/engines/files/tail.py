"""A journal's tail as a reader meets it: the records appended since it last looked.

And a pending record after them (see `records`): settled under the lock, or left for later."""

from . import records as _records
from .cache import Cache
from .fs.directory import Directory
from .fs.trylock import tried
from .journal import JournalFile


def scan_since(
    journal: JournalFile, cache: Cache, generation: bytes, limit: int, *, full: bool
) -> _records.Scan:
    """The records of `generation` after the cache's end. `full`: read to the end of the file
    (at most `limit` bytes) and check everything after them; else a warm look, which reads
    one window and stops at the first head that is no record."""
    if full:
        data = journal.read(cache.end, limit=limit)
        return _records.scan(
            data, cache.end, generation, cache.sequence, at_end=True, check_rest=True
        )
    head = journal.read(cache.end, _records.HEAD_SIZE)
    if head == bytes(len(head)):  # nothing appended since: the usual case, made cheap
        return _records.Scan(end=cache.end, sequence=cache.sequence)
    data = journal.read_window(cache.end)
    found = _records.scan(
        data, cache.end, generation, cache.sequence, at_end=False, check_rest=False
    )
    if found.short:  # a record runs past the window: read the rest
        data = journal.read(cache.end, limit=limit)
        found = _records.scan(
            data, cache.end, generation, cache.sequence, at_end=True, check_rest=False
        )
    return found


def settled(
    journal: JournalFile,
    pending: tuple[int, bytes],
    lock: tuple[Directory, str],
    *,
    locked: bool,
) -> bool:
    """Whether the pending record (offset, bytes) now counts: synced here, by the holder of
    the state's lock (`lock`: its directory and name), where no writer can be between its
    write and its sync.

    `locked`: the caller holds it (a session; a failed sync fails the session). Else one try
    that does not wait: when the lock is busy, a writer is at work (the record may be the
    one it is appending), and the record does not count yet. The mark is written by the
    next append (`state`), whose sync carries it.
    """
    offset, record = pending
    if locked:
        journal.settle()
        return True
    with tried(*lock) as free:
        if not free:
            return False
        # Read again under the lock: a writer may have erased it since.
        if journal.read(offset, len(record)) not in (record, _records.pending(record)):
            return False
        try:
            journal.settle()
        except OSError:
            return False  # not known to be on the disk: not taken
        return True


def unmarked_kept(journal: JournalFile, unmarked: tuple[int, bytes]) -> bool:
    """Whether a record taken while pending (offset, bytes) is still where it was, pending or
    marked since. A writer of an earlier release reads a pending record as a torn tail and
    cuts it: what was taken from it is then gone."""
    offset, record = unmarked
    return journal.read(offset, len(record)) in (record, _records.pending(record))
