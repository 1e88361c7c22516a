"""`StateStore`: one typed state in one JSON file, with load, save, transaction and recover."""

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import _arguments, _atomic, _document, _names
from ._codec import decode, encode
from ._directory import Directory
from ._locate import Location, Locator
from ._lock import lock_for
from ._migrate import Step, migrate, parse_version, rejected
from ._regular import check_replaceable, read_regular, refuse_unless_regular
from ._trust import trusted
from .errors import (
    StateCorruptError,
    StateError,
    StateMigrationError,
    StateNotFoundError,
    StateReadError,
    StateValidationError,
    StateVersionError,
    StateWriteError,
)

T = TypeVar("T")

VERSION_KEY = _document.VERSION_KEY
CHECKSUM_KEY = _document.CHECKSUM_KEY


@dataclass(frozen=True)
class _Current:
    """The file a save is about to replace: its status, and its bytes (None: unreadable)."""

    status: os.stat_result
    raw: bytes | None


class StateStore(Generic[T]):
    """One `state_type` dataclass kept in the JSON file at `path`.

    The file is a JSON object: `"version"` (the schema version), the fields, and last a
    `"#crc32"` checksum of the rest (a file written by hand or reformatted loads without it).
    Saves are durable and atomic, writers exclude each other through `<file>.lock`, and each
    save keeps the previous good file as `<file>.bak`. Symlinks on the path are followed at
    each operation, when the kernel's protected_symlinks rule would follow them.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        state_type: type[T],
        *,
        schema_version: str,
        steps: Sequence[Step] = (),
        lock_timeout: float | None = 10.0,
    ) -> None:
        # Absolute, not resolved: links are followed (or refused) at each operation, since
        # one can be planted at any time, and a later chdir cannot move the store.
        self.path = _arguments.absolute_path(path)
        self._locator = Locator(self.path)
        self.state_type = state_type
        self.schema_version = schema_version
        self.lock_timeout = _arguments.lock_timeout(lock_timeout)
        self._steps = tuple(steps)
        self._versions = self._check_chain(self._steps, schema_version)
        # The bytes (and their schema version) this store last loaded or wrote: a file with
        # these exact bytes is known good without parsing it again.
        self._good: tuple[bytes, str] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    @property
    def backup_path(self) -> Path:
        """The previous good generation, kept by every save: what `recover()` restores."""
        return self._sidecar_path(".bak")

    @property
    def corrupt_path(self) -> Path:
        """Where a save over a corrupt file moves the corrupt bytes instead of destroying them."""
        return self._sidecar_path(".corrupt")

    def version_backup_path(self, version: str) -> Path:
        """The last file of an older schema `version` that a save replaced, byte for byte."""
        return self._sidecar_path(f".v{version}.bak")

    def exists(self) -> bool:
        """Whether the state file exists (it may still be corrupt)."""
        with self._place(writing=False) as place:
            try:
                return place.directory is not None and place.directory.lstat(place.name) is not None
            except OSError as error:
                raise StateReadError(self.path, error) from error

    def load(self) -> T:
        """Read, migrate if older, and validate the state. The file is never modified.

        Raises StateNotFoundError, StateCorruptError, StateVersionError, and for a path it
        cannot use, StateReadError or StateUnsafePathError.
        """
        with self._place(writing=False) as place:
            return self._load_at(place, walked_just_now=True)

    def save(self, state: T) -> None:
        """Validate and write `state` durably, keeping the previous good file as the backup.

        Over a corrupt file, the corrupt bytes are kept as `corrupt_path`; over a file from
        newer code, nothing is written and StateVersionError is raised.
        """
        data = self._serialize(state)  # before the lock: a bad value fails with nothing touched
        with self._place(writing=True) as place, self._lock(place):
            self._write(place, data)

    @contextmanager
    def transaction(self, default: Callable[[], T] | None = None) -> Iterator[T]:
        """Lock, load fresh, yield the state, and save it only if the block ends cleanly.

        Without a file, the state is `default()`, or StateNotFoundError when there is none.
        """
        with self._place(writing=True) as place, self._lock(place):
            try:
                state = self._load_at(place)
            except StateNotFoundError:
                if default is None:
                    raise
                state = default()
            yield state
            self._write(place, self._serialize(state))

    def recover(self) -> T:
        """Return a good state: the current file if it loads, else the backup, put back in place.

        Whatever is wrong with the current file's content, it is kept as `corrupt_path`.
        Raises StateNotFoundError when there is no backup, and StateCorruptError when the
        backup is damaged too; a file from newer code, or something that is not a regular
        file, is never replaced.
        """
        with self._place(writing=True) as place, self._lock(place):
            try:
                return self._load_at(place)
            except (StateCorruptError, StateNotFoundError, StateMigrationError, StateReadError):
                pass
            assert place.directory is not None  # _place(create=True) made it
            backup = _names.sidecar(place.name, ".bak", place.directory.name_max())
            raw = self._read(place.directory, backup, kept=True)[0]
            state, _ = self._parse(raw, place.path.with_name(backup))
            self._write(place, self._serialize(state))
            return state

    # Internals -------------------------------------------------------------------------

    @staticmethod
    def _check_chain(steps: tuple[Step, ...], schema_version: str) -> tuple[str, ...]:
        versions = (steps[0].source, *(step.target for step in steps)) if steps else ()
        if steps and (
            versions[-1] != schema_version or any(a.target != b.source for a, b in pairwise(steps))
        ):
            raise StateMigrationError(
                f"the migration steps {' → '.join(versions)} do not end at {schema_version}"
            )
        return versions or (schema_version,)

    def _place(self, *, writing: bool) -> Location:
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
        if writing and place.directory is not None:
            try:
                found = place.directory.lstat(place.name)
                if found is not None:
                    refuse_unless_regular(place.directory, place.name, found, self.path)
            except BaseException as error:
                place.close()
                if isinstance(error, OSError) and not isinstance(error, StateError):
                    raise failure(self.path, error) from error
                raise
        return place

    def _sidecar_path(self, suffix: str) -> Path:
        with self._place(writing=False) as place:
            limit = place.directory.name_max() if place.directory else _names.DEFAULT_NAME_MAX
            return place.path.with_name(_names.sidecar(place.name, suffix, limit))

    def _lock(self, place: Location) -> AbstractContextManager[None]:
        assert place.directory is not None  # _place(create=True) made it
        name = _names.sidecar(place.name, ".lock", place.directory.name_max())
        lock = lock_for(place.directory, name, self.path)
        return lock.held(place.directory, name, self.path, self.lock_timeout)

    def _load_at(self, place: Location, *, walked_just_now: bool = False) -> T:
        """The state in the file at `place`.

        `walked_just_now`: the walk's view of the file is still current, so the file's status
        need not be taken again. Never so under the lock: the walk happened before it.
        """
        found = place.found if walked_just_now else None
        if place.directory is None or (walked_just_now and found is None):
            raise StateNotFoundError(self.path)
        raw, _ = self._read(place.directory, place.name, found=found)
        state, version = self._parse(raw, self.path)
        self._good = (raw, version)
        return state

    def _read(
        self,
        directory: Directory,
        name: str,
        *,
        kept: bool = False,
        found: os.stat_result | None = None,
    ) -> tuple[bytes, os.stat_result]:
        """`read_regular`, with what the system refuses as StateReadError."""
        try:
            return read_regular(directory, name, self.path, kept=kept, found=found)
        except StateError:
            raise
        except OSError as error:
            raise StateReadError(self.path, error) from error

    def _parse(self, raw: bytes, path: Path) -> tuple[T, str]:
        """The validated state in `raw`, and the schema version the file had."""
        data = _document.parse(raw, path)
        # A file without a version predates versioning: it is the first released version.
        version = data.pop(VERSION_KEY, self._versions[0])
        migrated = version != self.schema_version
        if migrated:
            data = self._upgrade(data, version, path)
        try:
            return decode(self.state_type, data), version
        except (RecursionError, ValueError) as error:  # ValueError: StateValidationError, huge ints
            reason = _invalid(error)
            if migrated:  # the migration's output, not the file, is what the model rejects
                raise rejected(self._steps[-1], reason, path) from error
            field = error.field if isinstance(error, StateValidationError) else None
            raise StateCorruptError(path, reason, field=field) from None

    def _upgrade(self, data: dict[str, Any], version: object, path: Path) -> dict[str, Any]:
        if not isinstance(version, str) or (found := parse_version(version)) is None:
            raise StateCorruptError(
                path, f'"version" must be a MAJOR.MINOR.PATCH string, got {_short(repr(version))}'
            )
        if version not in self._versions:
            current = parse_version(self.schema_version)
            newer = current is not None and found > current
            reason = "is newer than this code" if newer else "is not a released version"
            raise StateVersionError(path, version, self.schema_version, reason)
        try:
            return migrate(data, version, self._steps)
        except StateMigrationError as error:  # the same error, naming the file too
            raise StateMigrationError(error.reason, path=path, step=error.step) from (
                error.__cause__
            )

    def _serialize(self, state: T) -> bytes:
        if type(state) is not self.state_type:
            raise StateValidationError(
                "", f"expected a {self.state_type.__name__}, got {type(state).__name__}"
            )
        try:
            return _document.serialize(self.schema_version, encode(state))
        except StateValidationError:
            raise
        except RecursionError:
            raise StateValidationError("", "the state is nested too deeply to save") from None
        except ValueError as error:  # e.g. an integer too long to write as text
            raise StateValidationError("", _short(str(error))) from None

    def _write(self, place: Location, data: bytes) -> None:
        """Replace the file with `data`; the caller holds the lock."""
        assert place.directory is not None  # _place(create=True) made it
        directory, name = place.directory, place.name
        try:
            limit = directory.name_max()
            prefix = _names.temp_prefix(name, limit)
            current = self._current(directory, name)
            here = directory.stat()
            owners = {os.geteuid()} if hasattr(os, "geteuid") else set()
            if current is not None:
                owners.add(current.status.st_uid)
            # Temps of writers killed mid-save (the file's, and those of its backups).
            _atomic.sweep_temps(directory, prefix, owners)
            keep = self._keep_current(directory, name, current, prefix, limit)
            _atomic.write_atomic(
                directory,
                name,
                data,
                temp_prefix=prefix,
                current=current.status if current else None,
                # Never give the new file away to a stranger who planted the old one.
                keep_owner=current is None or trusted(current.status.st_uid, here),
                before_replace=keep,
            )
        except StateError:
            raise  # already says what happened (StateNotFoundError is an OSError too)
        except OSError as error:
            raise StateWriteError(self.path, error) from error
        self._good = (data, self.schema_version)

    def _current(self, directory: Directory, name: str) -> _Current | None:
        """The file about to be replaced, if any; its bytes when they can be read."""
        try:
            raw, status = self._read(directory, name)
        except StateNotFoundError:
            return None
        except StateReadError:
            # Unreadable (permissions, an I/O error): kept aside whole, like a corrupt file.
            status_or_none = directory.lstat(name)
            if status_or_none is None:
                return None
            refuse_unless_regular(directory, name, status_or_none, self.path)
            return _Current(status_or_none, None)
        return _Current(status, raw)

    def _keep_current(
        self,
        directory: Directory,
        name: str,
        current: _Current | None,
        prefix: str,
        limit: int,
    ) -> Callable[[], None] | None:
        """What to do with the file about to be replaced, decided before anything is written."""
        if current is None:
            return None
        targets = [_names.sidecar(name, suffix, limit) for suffix in self._keep_as(current)]
        # Check every name this save replaces before writing anything: a save that cannot
        # finish fails before it starts.
        for replaced in (name, *targets):
            check_replaceable(directory, replaced, self.path)

        def keep() -> None:
            for target in targets:
                _atomic.link_atomic(
                    directory,
                    name,
                    target,
                    temp_prefix=prefix,
                    expected=current.status,
                    content=current.raw,
                )

        return keep

    def _keep_as(self, current: _Current) -> list[str]:
        """The suffixes of the names the file about to be replaced is kept under."""
        # Comparing bytes is exact, and cheap next to the fsync that follows; a stat signature
        # would miss a same-size edit made within one tick of a coarse file clock.
        good = self._good
        if current.raw is not None and good is not None and good[0] == current.raw:
            version = good[1]
        elif current.raw is None:
            return [".corrupt"]  # unreadable: kept whole, never rotated into the backup
        else:
            try:
                _, version = self._parse(current.raw, self.path)
            except (StateCorruptError, StateMigrationError):
                # Never rotate a corrupt file into the backup, and never destroy it either.
                return [".corrupt"]
            # StateVersionError propagates: a file from newer code is never overwritten.
        if version != self.schema_version:
            return [".bak", f".v{version}.bak"]
        return [".bak"]


def _invalid(error: Exception) -> str:
    """Why decoding failed, in a few words."""
    if isinstance(error, RecursionError):
        return "the state is nested too deeply"
    if isinstance(error, StateValidationError):
        return str(error)
    return _short(str(error))  # e.g. a number too long to convert


def _short(text: str, limit: int = 200) -> str:
    """`text`, cut to `limit` characters: a file's content must not flood an error message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
