"""`FileEngine`: one state in a JSON snapshot file and, in journal mode, a journal beside it.

Every engine reads both layouts: a snapshot alone, or a snapshot that names a generation
(`"#generation"`) plus the records of that generation in `<file>.journal`. The mode only
decides how this engine writes. In snapshot mode every change replaces the snapshot (and a
journal it supersedes is removed). In journal mode a change is one record appended to the
journal and synced; when the journal is full, the state is folded into a new snapshot with
a new generation, and the journal starts again empty.

A manager keeps what it last read or wrote (`_cache`): the snapshot held open, its bytes, the
state with the journal's records applied, and where in the journal it stopped. Under the
lock a journal's snapshot is trusted by identity (the same file, held open, unchanged in
size and times), and only records appended since are read: an update costs the same at 50
items and at 500,000. A snapshot without a journal is compared byte for byte instead, since
a save reads it anyway.
"""

import contextlib
import json
import os
import threading
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from ... import patch as _patch
from ...errors import (
    StateCorruptError,
    StateError,
    StateNotFoundError,
    StateReadError,
    StateValidationError,
    StateWriteError,
)
from ...storage import GOOD, Engine, Previous, Session, Stored
from . import document as _document
from . import journal as _journal
from . import records as _records
from . import snapshot as _snapshot
from .fs import names as _names
from .fs.directory import Directory
from .fs.locate import Location, Locator
from .fs.lock import StateLock, lock_for
from .fs.regular import open_regular, read_regular, read_whole, refuse_unless_regular
from .fs.temps import Temps, sweep
from .journal import JournalFile

#: Where the snapshot may stay open between operations. Windows refuses to replace a file
#: that another process has open, so there the snapshot is read afresh each time.
_HOLD = os.name != "nt"
# Built once: json.dumps with any keyword argument builds a new encoder on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
#: How often a reader without the lock starts again when a writer replaced the snapshot
#: while it read the journal, before it reads under the lock instead.
_READ_ATTEMPTS = 20


class _Cache:
    """The files as this engine last read or wrote them."""

    __slots__ = (
        "end",
        "fd",
        "generation",
        "journal",
        "raw",
        "scanned",
        "sequence",
        "status",
        "stored",
        "torn",
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
        self.raw = raw
        self.generation = generation
        self.stored = stored  # the snapshot's state, with the journal records applied
        self.journal: JournalFile | None = None
        self.end = _records.START  # where the next journal record goes
        self.sequence = 0  # the number of the next record (so: how many are applied)
        self.scanned = False  # the journal was read to its end once, every byte checked
        self.torn = False  # bytes after `end` that are no record: cut before appending

    def same_snapshot(self, found: os.stat_result) -> bool:
        """Whether `found` (an lstat of the snapshot's name) is the snapshot held, unchanged."""
        held = self.status
        return (
            self.fd is not None
            and found.st_ino == held.st_ino
            and found.st_dev == held.st_dev
            and found.st_size == held.st_size
            and found.st_mtime_ns == held.st_mtime_ns
            and found.st_ctime_ns == held.st_ctime_ns
        )

    def close(self, _close: Callable[[int], None] = os.close) -> None:
        fd, self.fd = self.fd, None
        journal, self.journal = self.journal, None
        if fd is not None:
            _close(fd)
        if journal is not None:
            journal.close(_close)

    def __del__(self) -> None:
        # A manager let go (or never closed) must not keep its files open.
        try:  # noqa: SIM105 - contextlib may be gone when this runs at interpreter exit
            self.close()
        except OSError:
            pass


class _Names:
    """The names kept beside a state file called `name`, in a directory whose names may be
    `limit` bytes long."""

    __slots__ = ("journal", "lock", "temp_prefix")

    def __init__(self, name: str, limit: int) -> None:
        self.lock = _names.sidecar(name, ".lock", limit)
        self.journal = _names.sidecar(name, ".journal", limit)
        self.temp_prefix = _names.temp_prefix(name, limit)


class FileEngine(Engine):
    """The state kept at `path`; `journal`: write changes as journal records."""

    def __init__(self, path: Path, *, journal: bool) -> None:
        self.path = path
        self.journal = journal
        self._locator = Locator(path)
        self._mutex = threading.RLock()  # guards _cache between this engine's threads
        self._cache: _Cache | None = None
        self._known_names: tuple[str, int, _Names] | None = None
        self._lock: StateLock | None = None
        self._reading = _Failing(StateReadError, path)
        self._writing = _Failing(StateWriteError, path)
        _engines.add(self)

    def names(self, directory: Directory, name: str) -> _Names:
        """The names beside the state file `name` in `directory` (worked out once)."""
        limit = directory.name_max()
        known = self._known_names
        if known is None or known[0] != name or known[1] != limit:
            known = self._known_names = (name, limit, _Names(name, limit))
        return known[2]

    def sidecar_path(self, suffix: str) -> Path:
        """Where the file `<state file><suffix>` kept beside the state is."""
        if not suffix:
            return self.path
        with self.place(writing=False) as place:
            limit = place.directory.name_max() if place.directory else _names.DEFAULT_NAME_MAX
            return place.path.with_name(_names.sidecar(place.name, suffix, limit))

    def exists(self) -> bool:
        with self.place(writing=False) as place:
            try:
                return place.directory is not None and place.directory.lstat(place.name) is not None
            except OSError as error:
                raise StateReadError(self.path, error) from error

    def view(self, *, exact: bool) -> "_View":
        return _View(self, exact)

    @contextmanager
    def session(self, timeout: float | None) -> Iterator["FileSession"]:
        with self.place(writing=True) as place:
            directory = place.directory
            assert directory is not None  # place(writing=True) made it
            names = self.names(directory, place.name)
            # Kept: the process's one lock of this file lives while a manager of it does.
            lock = self._lock = lock_for(directory, names.lock, self.path)
            with lock.held(directory, names.lock, self.path, timeout) as lock_fd:
                temps = Temps(lock_fd, directory, names.temp_prefix)
                try:
                    temps.remove_leftovers(self._owners(directory, place.name))
                except OSError as error:
                    _refused(StateWriteError, self.path, error)
                try:
                    yield FileSession(self, directory, place.name, names, temps)
                finally:
                    try:
                        temps.done()
                    except OSError as error:
                        _refused(StateWriteError, self.path, error)

    def describe(self) -> str:
        cache = self._cache
        if cache is None:
            return "not read"
        text = f"snapshot of {len(cache.raw)} bytes"
        if cache.generation is None:
            return text + ", no journal"
        text += f" (generation {cache.generation})"
        if cache.journal is None:
            return text + ", no journal file yet"
        used = cache.end - _records.START
        return f"{text}, journal of {cache.sequence} records ({used} of {cache.journal.size} bytes)"

    def backup_name(self) -> Path:
        return self.sidecar_path(".bak")

    def aside(self) -> str:
        return str(self.sidecar_path(".corrupt"))

    def place(self, *, writing: bool) -> Location:
        """Where the file really is, walked now; OSErrors of the walk become ours.

        For `writing`, missing directories are made, and what stands at the file's name must
        be a regular file, checked before the lock file is made beside it.
        """
        failure = StateWriteError if writing else StateReadError
        try:
            place = self._locator.locate(create=writing)
        except StateError:
            raise
        except OSError as error:
            raise failure(self.path, error) from error
        if writing and place.directory is not None and place.found is not None:
            try:
                refuse_unless_regular(place.directory, place.name, place.found, self.path)
            except BaseException as error:
                place.close()
                if isinstance(error, OSError) and not isinstance(error, StateError):
                    raise failure(self.path, error) from error
                raise
        return place

    # Reading ----------------------------------------------------------------------------

    def _view(self, directory: Directory, name: str, found: os.stat_result, exact: bool) -> Stored:
        """The committed state, read without the lock (the caller holds `_mutex`).

        A snapshot and its journal are two files: a writer may replace the snapshot while
        the journal is read. So the snapshot must still be the same file afterwards, or the
        read starts again.
        """
        for _ in range(_READ_ATTEMPTS):
            stored = self._read(directory, name, found, check_bytes=exact)
            cache = self._cache
            if cache is None or cache.generation is None:
                return stored
            after = directory.lstat(name)
            if after is not None and cache.same_snapshot(after):
                return stored
            if after is None:
                raise StateNotFoundError(self.path)
            found = after
        raise StateReadError(
            self.path, OSError(0, "the state kept changing while it was read; try again")
        )

    def _read(
        self, directory: Directory, name: str, found: os.stat_result, *, check_bytes: bool
    ) -> Stored:
        """The snapshot at `name` (whose lstat is `found`) and its journal, applied.

        A cached snapshot serves when it is the same file; with `check_bytes` only when it
        also has the same bytes.
        """
        refuse_unless_regular(directory, name, found, self.path)
        cache = self._cache
        if cache is not None and not cache.same_snapshot(found):
            self._drop()
            cache = None
        raw = None
        if cache is not None and check_bytes:
            assert cache.fd is not None  # same_snapshot() needs it
            raw = read_whole(cache.fd, found)
            if raw != cache.raw:
                self._drop()
                cache = None
        if cache is None:
            cache = self._load_snapshot(directory, name, found)
        if cache.generation is not None:
            self._follow_journal(cache, directory, name)
        return cache.stored

    def _load_snapshot(self, directory: Directory, name: str, found: os.stat_result) -> _Cache:
        fd, status = open_regular(directory, name, self.path, found=found)
        try:
            raw = read_whole(fd, status)
            data, generation = _document.parse(raw, self.path)
            version = _document.take_version(data, self.path)
        except BaseException:
            os.close(fd)
            raise
        if not _HOLD:
            os.close(fd)
        cache = _Cache(fd if _HOLD else None, status, raw, generation, Stored(version, data))
        self._cache = cache
        return cache

    def _follow_journal(self, cache: _Cache, directory: Directory, name: str) -> None:
        """Apply the records of the snapshot's generation that were appended since last time."""
        assert cache.generation is not None
        journal_name = self.names(directory, name).journal
        journal = cache.journal
        if journal is not None and not journal.is_at(directory, journal_name):
            # Replaced or removed by hand: the records applied so far may not be there now.
            self._drop()
            raise StateCorruptError(
                Path(directory.where(journal_name)),
                "the journal was replaced or removed while the state was in use",
            )
        if journal is None:
            journal = JournalFile.open(
                directory, journal_name, self.path, cache.status.st_uid, writing=False
            )
            if journal is None:
                return
            cache.journal = journal
        generation = _records.generation_bytes(cache.generation)
        found = self._scan(journal, cache, generation, full=not cache.scanned)
        if found.torn and cache.scanned:
            found = self._scan(journal, cache, generation, full=True)  # torn, or corrupt?
        cache.scanned = True
        if found.corrupt is not None:
            self._drop()
            raise StateCorruptError(journal.path, found.corrupt)
        if found.payloads:
            try:
                _apply_records(cache, found.payloads)
            except StateCorruptError:
                self._drop()
                raise
        cache.end, cache.sequence, cache.torn = found.end, found.sequence, found.torn

    @staticmethod
    def _scan(
        journal: JournalFile, cache: _Cache, generation: bytes, *, full: bool
    ) -> _records.Scan:
        if full:
            data = journal.read(cache.end)
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
            data = journal.read(cache.end)
            found = _records.scan(
                data, cache.end, generation, cache.sequence, at_end=True, check_rest=False
            )
        return found

    def _drop(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def _owners(self, directory: Directory, name: str) -> Callable[[], Collection[int]]:
        """The users whose leftover temp files may go: the caller and the file's owner."""

        def owners() -> Collection[int]:
            found = directory.lstat(name)
            mine = {os.geteuid()} if hasattr(os, "geteuid") else set()
            return mine | ({found.st_uid} if found is not None else set())

        return owners


class _View:
    """`FileEngine.view`: the place found and this engine's state held for the block.

    A class rather than a generator, as `_Failing` is: `load()` is short, and this was a
    fifth of it.
    """

    __slots__ = ("_engine", "_exact", "_place")

    def __init__(self, engine: FileEngine, exact: bool) -> None:
        self._engine = engine
        self._exact = exact
        self._place: Location | None = None

    def __enter__(self) -> Stored:
        engine = self._engine
        place = engine.place(writing=False)
        try:
            if place.directory is None or place.found is None:
                raise StateNotFoundError(engine.path)
            engine._mutex.acquire()
            try:
                with engine._reading:
                    stored = engine._view(place.directory, place.name, place.found, self._exact)
            except BaseException:
                engine._mutex.release()
                raise
        except BaseException:
            place.close()
            raise
        self._place = place
        return stored

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._engine._mutex.release()
        if self._place is not None:
            self._place.close()


class FileSession(Session):
    """One locked read-modify-write of a FileEngine's files."""

    def __init__(
        self, engine: FileEngine, directory: Directory, name: str, names: _Names, temps: Temps
    ) -> None:
        self._engine = engine
        self._directory = directory
        self._name = name
        self._names = names
        self._temps = temps
        self._origin = engine.path

    def current(self, *, afresh: bool = False) -> Stored | None:
        engine = self._engine
        with engine._mutex, engine._reading:
            if afresh:
                engine._drop()
            found = self._directory.lstat(self._name)
            if found is None:
                engine._drop()
                return None
            # A snapshot with a journal is trusted by identity; one without is read anyway.
            cache = engine._cache
            plain = cache is None or cache.generation is None
            return engine._read(self._directory, self._name, found, check_bytes=plain)

    def salvage(self) -> Stored | None:
        engine = self._engine
        with engine._mutex, engine._reading:
            engine._drop()
            try:
                raw, status = read_regular(self._directory, self._name, self._origin)
                data, generation = _document.parse(raw, self._origin)
                stored = Stored(_document.take_version(data, self._origin), data)
            except (StateCorruptError, StateNotFoundError):
                return None
            except StateError:
                raise  # not a regular file: never salvaged, never replaced
            except OSError:
                return None  # unreadable: nothing to salvage from
            if generation is not None:
                self._apply_good_records(stored, generation, status.st_uid)
            return stored

    def backup(self) -> Stored:
        name = _names.sidecar(self._name, ".bak", self._directory.name_max())
        path = Path(self._directory.where(name))
        with self._engine._reading:
            raw, _ = read_regular(self._directory, name, self._origin, kept=True)
        data, _ = _document.parse(raw, path)
        return Stored(_document.take_version(data, path), data)

    def replace(self, version: str, fields: dict[str, Any], previous: Previous) -> Stored:
        engine = self._engine
        with engine._mutex, engine._writing:
            cache = engine._cache
            if previous.good and cache is not None and cache.sequence:
                # Fold the journal first, so the generation kept as the backup is whole.
                self._write_snapshot(cache.stored, GOOD)
            return self._write_snapshot(Stored(version, fields), previous)

    def update(self, fields: dict[str, Any]) -> None:
        engine = self._engine
        with engine._mutex:
            cache = engine._cache
            assert cache is not None  # current() returned the state this changes
            if self._appending(cache):
                self.apply(lambda stored: _patch.diff(stored.fields, fields))
            elif not _patch.same(cache.stored.fields, fields):
                self.replace(_version_of(cache.stored), fields, GOOD)

    def apply(self, change: Callable[[Stored], Sequence[_patch.Op]]) -> None:
        engine = self._engine
        with engine._mutex, engine._writing:
            cache = engine._cache
            assert cache is not None  # current() returned the state this changes
            stored = cache.stored
            ops = change(stored)
            if not ops:
                return
            try:
                if self._appending(cache):
                    self._append(cache, ops)
                    return
                if cache.sequence:
                    self._write_snapshot(stored, GOOD)  # fold first, as replace() does
                stored.apply(ops)
                self._write_snapshot(stored, GOOD)
            except _patch.PatchError as error:
                engine._drop()
                raise StateValidationError("", f"the change does not apply: {error}") from None
            except BaseException:
                engine._drop()  # the cached state may be ahead of the files now
                raise

    def compact(self) -> bool:
        engine = self._engine
        with engine._mutex, engine._writing:
            cache = engine._cache
            if cache is None:
                return False
            stale = not engine.journal and cache.journal is not None
            if not cache.sequence and not stale:
                return False
            self._write_snapshot(cache.stored, GOOD)
            return True

    def tidy(self) -> int:
        with self._engine._writing:
            owners = self._engine._owners(self._directory, self._name)()
            return sweep(self._directory, self._temps.prefix, owners)

    # Writing ----------------------------------------------------------------------------

    def _appending(self, cache: _Cache) -> bool:
        """Whether a change to the cached state goes into the journal (else a snapshot)."""
        return self._engine.journal and cache.generation is not None

    def _append(self, cache: _Cache, ops: Sequence[_patch.Op]) -> None:
        """One record with `ops`, synced; or, when the journal is full, a new snapshot."""
        assert cache.generation is not None
        try:
            payload = _ENCODER.encode(ops).encode("utf-8")
        except (ValueError, RecursionError, UnicodeEncodeError) as error:
            raise StateValidationError("", f"the change cannot be written: {error}") from None
        generation = _records.generation_bytes(cache.generation)
        record = _records.frame(generation, cache.sequence, payload)
        journal = self._journal_for_append(cache)
        cache.stored.apply(ops)
        if cache.end + len(record) > journal.size:
            self._write_snapshot(cache.stored, GOOD)  # full: fold the change in
            return
        journal.append(cache.end, record)
        cache.end += len(record)
        cache.sequence += 1

    def _journal_for_append(self, cache: _Cache) -> JournalFile:
        """The journal, writable, with no torn tail: made now if there is none."""
        room = _journal.capacity(len(cache.raw))
        journal = cache.journal
        name = self._names.journal
        if journal is None:
            journal = JournalFile.create(
                self._directory, name, self._origin, temps=self._temps, like=cache.status, size=room
            )
            cache.journal, cache.end, cache.sequence = journal, _records.START, 0
            cache.scanned, cache.torn = True, False
        elif not journal.writable:
            reopened = JournalFile.open(
                self._directory, name, self._origin, cache.status.st_uid, writing=True
            )
            if reopened is None or not os.path.samestat(reopened.status, journal.status):
                raise StateCorruptError(journal.path, "the journal was replaced while in use")
            journal.close()
            cache.journal = journal = reopened
        if cache.torn:
            journal.cut(cache.end, max(room, cache.end))
            cache.torn = False
        return journal

    def _write_snapshot(self, stored: Stored, previous: Previous) -> Stored:
        """Write `stored` as the new snapshot and make it the cache; the caller holds `_mutex`."""
        engine, directory, name = self._engine, self._directory, self._name
        generation = _records.new_generation() if engine.journal else None
        try:
            data = _document.serialize(_version_of(stored), stored.fields, generation)
        except RecursionError:
            raise StateValidationError("", "the state is nested too deeply to save") from None
        except ValueError as error:  # e.g. an integer too long to write as text
            raise StateValidationError("", str(error)[:200]) from None
        journal_name = self._names.journal
        now = _snapshot.current(directory, name, self._origin)
        cache = engine._cache
        keep = []
        if now is not None:
            # Only the file the cached state was read from can be the good one: anything
            # else was changed in place behind the library's back.
            known = cache is not None and now.raw is not None and now.raw == cache.raw
            good = previous.good and known
            suffixes = [".bak"] if good else [".corrupt"]
            if good and previous.version is not None:
                suffixes.append(f".v{previous.version}.bak")
            keep = [_snapshot.Kept(name, now, suffix) for suffix in suffixes]
            if not previous.good:
                keep += self._journal_kept_aside(journal_name)
        _snapshot.replace(
            directory, name, data, self._origin, temps=self._temps, now=now, keep=keep
        )
        journal = cache.journal if cache is not None else None
        engine._cache = None
        if cache is not None:
            cache.journal = None  # handed to the new cache, or closed below
            cache.close()
        if len(keep) > 1 and keep[-1].source == journal_name:
            # The journal now also lives on as `.journal.corrupt`: emptying it in place
            # would empty that too. A new one is made at the next update.
            if journal is not None:
                journal.close()
                journal = None
            with contextlib.suppress(FileNotFoundError):
                directory.unlink(journal_name)
        return self._cache_written(stored, data, generation, journal, journal_name)

    def _cache_written(
        self,
        stored: Stored,
        data: bytes,
        generation: str | None,
        journal: JournalFile | None,
        journal_name: str,
    ) -> Stored:
        """Make the snapshot just written the cache, and start its journal afresh."""
        engine, directory, name = self._engine, self._directory, self._name
        try:
            fd, status = open_regular(directory, name, self._origin)
        except OSError:  # written, but not readable by us (a mode kept from the old file)
            if journal is not None:
                journal.close()
            return stored
        if not _HOLD:
            os.close(fd)
        cache = _Cache(fd if _HOLD else None, status, data, generation, stored)
        engine._cache = cache
        # The old journal's records are of another generation now, so they never apply
        # again: what follows only frees its space, and may fail without harm.
        try:
            if journal is None:
                journal = JournalFile.open(
                    directory, journal_name, self._origin, status.st_uid, writing=True
                )
            if journal is not None and engine.journal:
                journal.reset(_journal.capacity(len(data)))
                cache.journal, cache.scanned = journal, True
            elif journal is not None:
                journal.close()  # superseded by a snapshot without a journal
                directory.unlink(journal_name)
        except (StateError, OSError):
            if journal is not None and cache.journal is None:
                journal.close()
        return stored

    def _journal_kept_aside(self, journal_name: str) -> list[_snapshot.Kept]:
        """The journal of a damaged state, to keep aside with it (as `.journal.corrupt`)."""
        found = self._directory.lstat(journal_name)
        if found is None:
            return []
        refuse_unless_regular(self._directory, journal_name, found, self._origin, kept=True)
        return [_snapshot.Kept(journal_name, _snapshot.Current(found, None), ".corrupt")]

    def _apply_good_records(self, stored: Stored, generation: str, owner: int) -> None:
        """Apply the journal's records up to the first that is damaged or does not apply."""
        name = self._names.journal
        try:
            journal = JournalFile.open(self._directory, name, self._origin, owner, writing=False)
        except StateCorruptError:
            return
        if journal is None:
            return
        try:
            data = journal.read(_records.START)
        finally:
            journal.close()
        found = _records.scan(
            data,
            _records.START,
            _records.generation_bytes(generation),
            0,
            at_end=True,
            check_rest=False,
        )
        for _, payload in found.payloads:
            try:
                stored.apply(_ops_of(payload))
            except (ValueError, StateCorruptError):
                return


def _apply_records(cache: _Cache, payloads: list[tuple[int, bytes]]) -> None:
    """Apply journal records to the cached state; StateCorruptError names one that fails."""
    try:  # one parse for them all: replaying a long journal is mostly this
        batches = json.loads(b"[" + b",".join(payload for _, payload in payloads) + b"]")
    except ValueError:
        batches = None
    for index, (offset, payload) in enumerate(payloads):
        try:
            ops = batches[index] if batches is not None else _ops_of(payload)
            if type(ops) is not list:
                raise _patch.PatchError("a record holds a JSON array of operations")
            cache.stored.apply(ops)
        except (ValueError, RecursionError) as error:
            assert cache.journal is not None
            raise StateCorruptError(
                cache.journal.path,
                f"journal record {cache.sequence + index} at byte {offset} does not apply: "
                f"{str(error)[:200]}",
            ) from None


def _ops_of(payload: bytes) -> Any:
    return json.loads(payload)


def _version_of(stored: Stored) -> str:
    if stored.version is None:
        raise StateValidationError("", "a state to write needs its schema version")
    return stored.version


class _Failing:
    """A block whose system errors become `error` naming `path`; the library's own pass.

    A class rather than a generator: it wraps every operation, and costs a tenth as much.
    """

    __slots__ = ("_error", "_path")

    def __init__(self, error: type[StateReadError] | type[StateWriteError], path: Path):
        self._error = error
        self._path = path

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if isinstance(error, OSError):
            _refused(self._error, self._path, error)


def _refused(
    error: type[StateReadError] | type[StateWriteError], path: Path, cause: OSError
) -> NoReturn:
    """Raise `cause` as `error` naming `path`, unless it is one of the library's own."""
    if isinstance(cause, StateError):
        raise cause
    raise error(path, cause) from cause


_engines: "weakref.WeakSet[FileEngine]" = weakref.WeakSet()


def _forget_caches_in_child() -> None:
    # A forked child starts cold: another parent thread may have held an engine's mutex,
    # or been changing its cache, at the moment of the fork.
    for engine in list(_engines):
        engine._mutex = threading.RLock()
        engine._drop()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_caches_in_child)
