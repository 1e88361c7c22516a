"""`StateFiles`: one state's files, read (see `reading`) and written, under one mutex and cache.

Every engine reads both layouts: a snapshot alone, or a snapshot that names a generation
(`"#generation"`) plus the records of that generation in `<file>.journal`. The mode only
decides how this engine writes. In snapshot mode every change replaces the snapshot (and a
journal it supersedes is removed). In journal mode a change is one record appended to the
journal and synced; when the journal is full, the state is folded into a new snapshot with
a new generation, and the journal starts again empty.
"""

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ... import patch as _patch
from ...errors import StateCorruptError, StateError, StateValidationError, StateWriteError
from ...lockholder import FREE, unknown
from ...storage import GOOD, Previous, Stored
from . import deletion as _deletion
from . import document as _document
from . import journal as _journal
from . import records as _records
from . import snapshot as _snapshot
from .cache import HOLD, Cache
from .failing import refused
from .fs.atomic import Unconfirmed
from .fs.lock import StateLock, lock_for, remove_held
from .fs.regular import open_regular, refuse_unless_regular
from .fs.spare import Spare
from .fs.temps import Temps, sweep
from .fs.trylock import probe
from .journal import JournalFile
from .reading import Held, Reader

# Built once: json.dumps with any keyword argument builds a new encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class StateFiles(Reader):
    """The state kept at `path`, read and written; `journal`: write changes as records.

    The one object behind a `FileEngine` and its sessions: they are views on it.
    """

    _lock: StateLock | None = None
    #: Sync each journal record as it is appended (durability "full"); without it a record
    #: survives a crash of the process, and a power loss only once a fold or save follows.
    sync_appends = True

    def __init__(self, path: Path, *, journal: bool, max_bytes: int) -> None:
        super().__init__(path, journal=journal, max_bytes=max_bytes)
        #: The backup the last save retired, for the next save to write into (`fs.spare`).
        self.spare = Spare()

    @contextmanager
    def locked(self, timeout: float | None) -> Iterator[Held]:
        """The file's lock held, and where a session works; StateLockTimeout after `timeout`."""
        with self.place(writing=True) as place:
            directory = place.directory
            assert directory is not None  # place(writing=True) made it
            names = self.names(directory, place.name)
            # Kept: the process's one lock of this file lives while a manager of it does.
            lock = self._lock = lock_for(directory, names.lock, self.path)
            with lock.held(directory, names.lock, self.path, timeout) as lock_fd:
                temps = Temps(lock_fd, directory, names.temp_prefix)
                try:
                    temps.remove_leftovers(self.owners(directory, place.name))
                except OSError as error:
                    refused(StateWriteError, self.path, error)
                held = Held(directory, place.name, names, temps)
                yield held
                # Only after a success: a failed operation may have left a temp file it
                # could not tell it made (an error reported after the work was done), and
                # the next writer removes every name still listed. Tidying only, so it
                # never fails the operation, whose outcome is settled.
                with contextlib.suppress(OSError):
                    temps.done()
                if held.deleted:
                    # Last, and still held: a writer waiting on it finds its name gone once
                    # it has it, and opens the name anew (Windows keeps an open file: it stays).
                    remove_held(directory, names.lock, lock_fd)

    def describe_lock(self) -> str:
        """`Engine.describe_lock`: one try at the lock file that does not wait (see `probe`)."""
        try:
            with self.place(writing=False) as place:
                if place.directory is None:
                    return FREE  # no directory, so no lock file to hold
                return probe(place.directory, self.names(place.directory, place.name).lock)
        except StateError as error:
            return unknown(str(error))

    def replace(
        self, held: Held, version: str, fields: dict[str, Any], previous: Previous
    ) -> Stored:
        """`Session.replace`."""
        with self.mutex, self.writing:
            cache = self.cache
            if previous.good and cache is not None and cache.sequence:
                # Fold the journal first, so the generation kept as the backup is whole.
                self._fold(held, cache.stored)
            return self._write_snapshot(held, Stored(version, fields), previous)

    def apply(self, held: Held, change: Callable[[Stored], Sequence[_patch.Op]]) -> None:
        """`Session.apply`."""
        with self.mutex, self.writing:
            cache = self.cache
            assert cache is not None  # current() returned the state this changes
            stored = cache.stored
            ops = change(stored)
            if not ops:
                return
            try:
                if self._appending(cache):
                    self._append(held, cache, ops)
                    return
                if cache.sequence:
                    self._fold(held, stored)  # fold first, as replace() does
                stored.apply(ops)
                self._write_snapshot(held, stored, GOOD)
            except _patch.PatchError as error:
                self.drop()
                raise StateValidationError("", f"the change does not apply: {error}") from None
            except BaseException:
                self.drop()  # the cached state may be ahead of the files now
                raise

    def compact(self, held: Held) -> bool:
        """`Session.compact`."""
        with self.mutex, self.writing:
            cache = self.cache
            if cache is None:
                return False
            stale = not self.journal and cache.journal is not None
            if not cache.sequence and not stale:
                return False
            self._fold(held, cache.stored)
            return True

    def tidy(self, held: Held) -> int:
        """`Session.tidy`."""
        with self.writing:
            owners = self.owners(held.directory, held.name)()
            return sweep(held.directory, held.temps.prefix, owners)

    def delete(self, held: Held) -> bool:
        """`Session.delete`, in the order `deletion` explains; the lock file goes when the
        session ends (see `locked`)."""
        with self.mutex, self.writing:
            self.drop()  # from now on every read reads the files afresh
            directory, name = held.directory, held.name
            found = _deletion.doomed(directory, name, held.names.journal, held.temps.prefix)
            owners = self.owners(directory, name)()
            _deletion.remove(directory, found, self.path, owners, held.temps.prefix)
            held.deleted = True
            return found.found()

    def sidecars(self) -> list[str]:
        """`Engine.sidecars`: the files beside the state that a delete would remove now."""
        with self.place(writing=False) as place, self.reading:
            directory = place.directory
            if directory is None:
                return []
            names = self.names(directory, place.name)
            found = _deletion.doomed(directory, place.name, names.journal, names.temp_prefix)
            return [directory.where(entry) for entry in found.sidecars()]

    # Writing ----------------------------------------------------------------------------

    def _appending(self, cache: Cache) -> bool:
        """Whether a change to the cached state goes into the journal (else a snapshot)."""
        return self.journal and cache.generation is not None

    def _append(self, held: Held, cache: Cache, ops: Sequence[_patch.Op]) -> None:
        """One record with `ops`, synced; or, when the journal is full, a new snapshot."""
        assert cache.generation is not None
        try:
            payload = _ENCODER.encode(ops).encode("utf-8")
        except (ValueError, RecursionError, UnicodeEncodeError) as error:
            raise StateValidationError("", f"the change cannot be written: {error}") from None
        generation = _records.generation_bytes(cache.generation)
        record = _records.frame(generation, cache.sequence, payload)
        journal = self._journal_for_append(held, cache)
        cache.stored.apply(ops)
        if cache.end + len(record) > journal.size:
            self._write_snapshot(held, cache.stored, GOOD)  # full: fold the change in
            return
        journal.append(cache.end, record, sync=self.sync_appends)
        cache.end += len(record)
        cache.sequence += 1

    def _journal_for_append(self, held: Held, cache: Cache) -> JournalFile:
        """The journal, writable, with no torn tail: made now if there is none."""
        room = _journal.capacity(cache.size)
        journal = cache.journal
        name = held.names.journal
        if journal is None:
            journal = JournalFile.create(
                held.directory, name, self.path, temps=held.temps, like=cache.status, size=room
            )
            cache.journal, cache.end, cache.sequence = journal, _records.START, 0
            cache.scanned, cache.torn = True, False
        elif not journal.writable:
            reopened = JournalFile.open(
                held.directory, name, self.path, cache.status.st_uid, writing=True
            )
            if reopened is None or not os.path.samestat(reopened.status, journal.status):
                raise StateCorruptError(journal.path, "the journal was replaced while in use")
            journal.close()
            cache.journal = journal = reopened
        if cache.unmarked is not None:
            journal.mark(*cache.unmarked)
            cache.unmarked = None
        if cache.torn:
            if cache.end == _records.START:
                # What goes may be the records a new snapshot folded in, written by a save
                # stopped before its directory sync (or whose sync failed): make that
                # snapshot's name durable before the records it replaces are gone.
                held.directory.sync()
            journal.cut(cache.end, max(room, cache.end))
            cache.torn = False
        return journal

    def _fold(self, held: Held, stored: Stored) -> None:
        """Write the state as it is as a new snapshot (the journal folded in).

        The state is the same before and after, so a rename the system could not confirm
        durable leaves it unchanged either way: that fails as an ordinary write error.
        """
        try:
            self._write_snapshot(held, stored, GOOD)
        except Unconfirmed as error:
            raise OSError(error.errno, error.strerror, error.filename) from error

    def _write_snapshot(self, held: Held, stored: Stored, previous: Previous) -> Stored:
        """Write `stored` as the new snapshot and make it the cache; the caller holds `mutex`."""
        directory, name = held.directory, held.name
        generation = _records.new_generation() if self.journal else None
        try:
            data = _document.serialize(_version_of(stored), stored.fields, generation)
        except RecursionError:
            raise StateValidationError("", "the state is nested too deeply to save") from None
        except ValueError as error:  # e.g. an integer too long to write as text
            raise StateValidationError("", str(error)[:200]) from None
        journal_name = held.names.journal
        now = self._as_checked(held) or _snapshot.current(
            directory, name, self.path, limit=self.max_bytes
        )
        cache = self.cache
        keep = []
        if now is not None:
            # Only the file the cached state was read from can be the good one: anything
            # else was changed in place behind the library's back.
            known = cache is not None and now.raw is not None and cache.same_bytes(now.raw)
            good = previous.good and known
            suffixes = [".bak"] if good else [".corrupt"]
            if good and previous.version is not None:
                suffixes.append(f".v{previous.version}.bak")
            keep = [_snapshot.Kept(name, now, suffix) for suffix in suffixes]
            if not previous.good:
                keep += self._journal_kept_aside(held, journal_name)
        _snapshot.replace(
            directory,
            name,
            data,
            self.path,
            temps=held.temps,
            now=now,
            keep=keep,
            spare=(self.spare, held.names.spare),
        )
        # The commit point: from here on nothing fails the save (the new snapshot is the
        # state now), and what follows only tidies and fills the cache.
        journal = cache.journal if cache is not None else None
        reuse = True
        self.cache = None
        if cache is not None:
            cache.journal = None  # handed to the new cache, or closed below
            cache.close()
        if len(keep) > 1 and keep[-1].source == journal_name:
            # The journal now also lives on as `.journal.corrupt`: emptying it in place
            # would empty that too. A new one is made at the next update.
            if journal is not None:
                journal.close()
                journal = None
            try:
                directory.unlink(journal_name)
            except FileNotFoundError:
                pass
            except OSError:
                reuse = False  # still `.journal.corrupt` too: made afresh at the next update
        return self._cache_written(held, stored, data, generation, journal, reuse=reuse)

    def _as_checked(self, held: Held) -> _snapshot.Current | None:
        """The snapshot as this session compared it with the file under the lock, if the
        file at its name is still that one, unchanged in size and times; else None (read it)."""
        cache = self.cache
        if cache is None or cache.raw is None or cache.checked_in is not held:
            return None
        found = held.directory.lstat(held.name)
        if found is None or not cache.same_snapshot(found):
            return None
        return _snapshot.Current(found, cache.raw)

    def _cache_written(
        self,
        held: Held,
        stored: Stored,
        data: bytes,
        generation: str | None,
        journal: JournalFile | None,
        *,
        reuse: bool = True,
    ) -> Stored:
        """Make the snapshot just written the cache, and start its journal afresh.

        Runs after the commit point, so it never fails: at worst the next read reads the
        files afresh. `reuse`: the journal file at its name may be emptied for reuse.
        """
        directory, name, journal_name = held.directory, held.name, held.names.journal
        try:
            fd, status = open_regular(directory, name, self.path)
        except (StateError, OSError):  # written, but not readable by us (a mode kept...)
            if journal is not None:
                journal.close()
            return stored
        if not HOLD:
            with contextlib.suppress(OSError):
                os.close(fd)
        cache = Cache(fd if HOLD else None, status, data, generation, stored)
        self.cache = cache
        # The old journal's records are of another generation now, so they never apply
        # again: what follows only frees its space, and may fail without harm.
        try:
            if journal is None and reuse:
                journal = JournalFile.open(
                    directory, journal_name, self.path, status.st_uid, writing=True
                )
            if journal is not None and self.journal:
                journal.reset(_journal.capacity(len(data)))
                cache.journal, cache.scanned = journal, True
            elif journal is not None:
                journal.close()  # superseded by a snapshot without a journal
                directory.unlink(journal_name)
        except (StateError, OSError):
            if journal is not None and cache.journal is None:
                journal.close()
        return stored

    def _journal_kept_aside(self, held: Held, journal_name: str) -> list[_snapshot.Kept]:
        """The journal of a damaged state, to keep aside with it (as `.journal.corrupt`)."""
        found = held.directory.lstat(journal_name)
        if found is None:
            return []
        refuse_unless_regular(held.directory, journal_name, found, self.path, kept=True)
        return [_snapshot.Kept(journal_name, _snapshot.Current(found, None), ".corrupt")]


def _version_of(stored: Stored) -> str:
    if stored.version is None:
        raise StateValidationError("", "a state to write needs its schema version")
    return stored.version
