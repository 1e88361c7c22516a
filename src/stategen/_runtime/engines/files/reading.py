"""The file engine's read path: where the state's files are, and the state they hold, cached.

`Reader` owns what a file engine keeps between operations: the cache (see `cache`) and the
mutex that guards it between the engine's threads. Under the lock a journal's snapshot is
trusted by identity (the same file, held open, unchanged in size and times), and only records
appended since are read: an update costs the same at 50 items and at 500,000. A snapshot
without a journal is compared byte for byte instead, since a save reads it anyway.
`state.StateFiles` adds the write path to the same object.
"""

import os
import threading
import weakref
from collections.abc import Callable, Collection
from pathlib import Path

from ...errors import (
    StateCorruptError,
    StateError,
    StateNotFoundError,
    StateReadError,
    StateWriteError,
)
from ...storage import Salvage, Stored
from . import document as _document
from . import records as _records
from . import salvage as _salvage
from . import tail as _tail
from .cache import HOLD, Cache, apply_records
from .failing import Failing
from .fs import names as _names
from .fs.directory import Directory
from .fs.locate import Location, Locator
from .fs.regular import open_regular, read_regular, read_whole, refuse_unless_regular
from .fs.temps import Temps
from .journal import JournalFile, capacity

#: How often a reader without the lock starts again when a writer replaced the snapshot
#: while it read the journal, before it gives up.
_READ_ATTEMPTS = 20
#: How often a reader without the lock that found damage reads again from the start before
#: reporting it: a writer may have changed the files between two of its reads.
_CORRUPT_ATTEMPTS = 3


class _Moved(StateCorruptError):
    """The snapshot was replaced while its journal was followed: read again from the start.

    Damage only where nothing retries it: under the lock, where no writer of this library
    runs, the files were changed by hand.
    """


class Sidecars:
    """The names kept beside a state file called `name`, in a directory whose names may be
    `limit` bytes long."""

    __slots__ = ("journal", "lock", "spare", "temp_prefix")

    def __init__(self, name: str, limit: int) -> None:
        self.lock = _names.sidecar(name, ".lock", limit)
        self.journal = _names.sidecar(name, ".journal", limit)
        self.spare = _names.spare(name, limit)
        self.temp_prefix = _names.temp_prefix(name, limit)


class Held:
    """Where a session works: the directory held open, the file's name in it, the names
    beside it, and the session's temp files; `deleted`: the session deleted the state."""

    __slots__ = ("deleted", "directory", "name", "names", "temps")

    def __init__(self, directory: Directory, name: str, names: Sidecars, temps: Temps) -> None:
        self.directory = directory
        self.name = name
        self.names = names
        self.temps = temps
        self.deleted = False


class Reader:
    """The state kept at `path`, as read: its cache, the mutex guarding it, the read path.

    `journal`: write changes as journal records (the write path, in `state`, asks);
    `max_bytes`: the most a snapshot may be, checked before it is read (its journal may be
    as large, in whole pages).
    """

    def __init__(self, path: Path, *, journal: bool, max_bytes: int) -> None:
        self.path = path
        self.journal = journal
        self.max_bytes = max_bytes
        self.journal_limit = capacity(max_bytes)
        self._locator = Locator(path)
        self.mutex = threading.RLock()  # guards `cache` between this engine's threads
        self.cache: Cache | None = None
        self._known_names: tuple[str, int, Sidecars] | None = None
        self.reading = Failing(StateReadError, path)
        self.writing = Failing(StateWriteError, path)
        _readers.add(self)

    def names(self, directory: Directory, name: str) -> Sidecars:
        """The names beside the state file `name` in `directory` (worked out once)."""
        limit = directory.name_max()
        known = self._known_names
        if known is None or known[0] != name or known[1] != limit:
            known = self._known_names = (name, limit, Sidecars(name, limit))
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

    def describe(self) -> str:
        cache = self.cache
        return "not read" if cache is None else cache.describe()

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

    def committed(
        self, directory: Directory, name: str, found: os.stat_result, exact: bool
    ) -> Stored:
        """The committed state, read without the lock (the caller holds `mutex`).

        A snapshot and its journal are two files: a writer may replace the snapshot (and
        then empty, remove or replace the journal) while they are read. So the snapshot must
        still be the same file afterwards, or the read starts again; damage found is read
        again from the start, with nothing cached, before it is reported.
        """
        damaged = 0
        for _ in range(_READ_ATTEMPTS):
            try:
                stored = self._read(directory, name, found, check_bytes=exact)
            except _Moved:
                stored = None
            except StateCorruptError:
                damaged += 1
                if damaged >= _CORRUPT_ATTEMPTS:
                    raise
                self.drop()
                stored = None
            if stored is None:
                after = directory.lstat(name)
                if after is None:
                    raise StateNotFoundError(self.path)
                found = after
                continue
            cache = self.cache
            if cache is None or cache.generation is None:
                return stored
            after = directory.lstat(name)
            if cache.same_snapshot(after):
                return stored
            if after is None:
                raise StateNotFoundError(self.path)
            found = after
        raise StateReadError(
            self.path, OSError(0, "the state kept changing while it was read; try again")
        )

    # Under the lock ----------------------------------------------------------------------

    def current(self, held: Held, *, afresh: bool = False) -> Stored | None:
        """`Session.current` of the session working at `held`."""
        with self.mutex, self.reading:
            if afresh:
                self.drop()
            found = held.directory.lstat(held.name)
            if found is None:
                self.drop()
                return None
            # A snapshot with a journal is trusted by identity; one without is read anyway.
            cache = self.cache
            plain = cache is None or cache.generation is None
            try:
                return self._read(held.directory, held.name, found, check_bytes=plain, held=held)
            except _Moved:  # changed by hand under the lock: read them afresh, once
                self.drop()
                found = held.directory.lstat(held.name)
                if found is None:
                    return None
                return self._read(held.directory, held.name, found, check_bytes=True, held=held)

    def salvage(self, held: Held) -> Salvage | None:
        """`Session.salvage`: the snapshot and the journal's records before a damaged one."""
        with self.mutex, self.reading:
            self.drop()
            try:
                raw, status = read_regular(
                    held.directory, held.name, self.path, limit=self.max_bytes
                )
                return _salvage.salvage(
                    held.directory,
                    held.names.journal,
                    self.path,
                    raw,
                    status.st_uid,
                    self.journal_limit,
                )
            except (StateCorruptError, StateNotFoundError):
                return None
            except StateError:
                raise  # not a regular file: never salvaged, never replaced
            except OSError:
                return None  # unreadable: nothing to salvage from

    def backup(self, held: Held) -> Stored:
        """`Session.backup`: the `.bak` file beside the state."""
        name = _names.sidecar(held.name, ".bak", held.directory.name_max())
        path = Path(held.directory.where(name))
        with self.reading:
            raw, _ = read_regular(held.directory, name, self.path, limit=self.max_bytes, kept=True)
        data, _ = _document.parse(raw, path)
        return Stored(_document.take_version(data, path), data)

    def drop(self) -> None:
        """Forget the cache (and close its files): the next read reads the files afresh."""
        if self.cache is not None:
            self.cache.close()
            self.cache = None

    def owners(self, directory: Directory, name: str) -> Callable[[], Collection[int]]:
        """The users whose leftover temp files may go: the caller and the file's owner."""

        def owners() -> Collection[int]:
            found = directory.lstat(name)
            mine = {os.geteuid()} if hasattr(os, "geteuid") else set()
            return mine | ({found.st_uid} if found is not None else set())

        return owners

    # Reading ----------------------------------------------------------------------------

    def _read(
        self,
        directory: Directory,
        name: str,
        found: os.stat_result,
        *,
        check_bytes: bool,
        held: Held | None = None,
    ) -> Stored:
        """The snapshot at `name` (whose lstat is `found`) and its journal, applied; `held`:
        read by a session, under the lock.

        A cached snapshot serves when it is the same file; with `check_bytes` only when it
        also has the same bytes.
        """
        refuse_unless_regular(directory, name, found, self.path)
        cache = self.cache
        if cache is not None and not cache.same_snapshot(found):
            self.drop()
            cache = None
        raw = None
        if cache is not None and check_bytes:
            assert cache.fd is not None  # same_snapshot() needs it
            raw = read_whole(cache.fd, found, self.max_bytes, self.path)
            if not cache.same_bytes(raw):
                self.drop()
                cache = None
        checked = check_bytes or cache is None
        if cache is None:
            cache = self._load_snapshot(directory, name, found)
        if held is not None and checked:
            cache.checked_in = held
        if cache.generation is not None:
            self._follow_journal(cache, directory, name, held)
        return cache.stored

    def _load_snapshot(self, directory: Directory, name: str, found: os.stat_result) -> Cache:
        fd, status = open_regular(directory, name, self.path, found=found)
        try:
            raw = read_whole(fd, status, self.max_bytes, self.path)
            data, generation = _document.parse(raw, self.path)
            version = _document.take_version(data, self.path)
        except BaseException:
            os.close(fd)
            raise
        if not HOLD:
            os.close(fd)
        cache = Cache(fd if HOLD else None, status, raw, generation, Stored(version, data))
        self.cache = cache
        return cache

    def _follow_journal(
        self, cache: Cache, directory: Directory, name: str, held: Held | None
    ) -> None:
        """Apply the records of the snapshot's generation that were appended since last time,
        and a pending one after them once it is settled (see `_settled`)."""
        assert cache.generation is not None
        journal_name = self.names(directory, name).journal
        journal = cache.journal
        if journal is not None and not journal.is_at(directory, journal_name):
            if cache.sequence == 0:
                # Nothing was taken from it (its records were of another generation): the
                # file now at the name serves as well, and nothing is lost.
                journal.close()
                cache.journal = journal = None
                cache.end, cache.scanned, cache.torn = _records.START, False, False
                cache.unmarked = None
            else:
                # Every writer replaces the snapshot before it touches the journal, so a
                # journal gone under an unchanged snapshot was replaced or removed by hand:
                # the records applied so far may not be there now.
                moved = not cache.same_snapshot(directory.lstat(name))
                self.drop()
                kind = _Moved if moved else StateCorruptError
                raise kind(
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
        if cache.unmarked is not None and not _tail.unmarked_kept(journal, cache.unmarked):
            self.drop()  # the state this cache holds is no longer the files': read again
            raise _Moved(journal.path, "a record taken from the journal was cut since")
        generation = _records.generation_bytes(cache.generation)
        found = _tail.scan_since(
            journal, cache, generation, self.journal_limit, full=not cache.scanned
        )
        if found.torn and cache.scanned:
            found = _tail.scan_since(journal, cache, generation, self.journal_limit, full=True)
        cache.scanned = True
        if found.corrupt is not None:
            self.drop()
            raise StateCorruptError(journal.path, found.corrupt)
        pending = found.pending
        if pending is not None and _tail.settled(
            journal, pending, (directory, self.names(directory, name).lock), locked=held is not None
        ):
            # It counts now; its mark is written before anything is appended after it.
            offset, record = pending
            found.payloads.append((offset, record[_records.HEAD_SIZE :]))
            found.end, found.sequence = offset + len(record), found.sequence + 1
            cache.unmarked = pending
        if found.payloads:
            try:
                apply_records(cache, found.payloads)
            except StateCorruptError:
                self.drop()
                raise
        cache.end, cache.sequence, cache.torn = found.end, found.sequence, found.torn


_readers: "weakref.WeakSet[Reader]" = weakref.WeakSet()


def _forget_caches_in_child() -> None:
    # A forked child starts cold: another parent thread may have held an engine's mutex,
    # or been changing its cache, at the moment of the fork.
    for reader in list(_readers):
        reader.mutex = threading.RLock()
        reader.drop()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_caches_in_child)
