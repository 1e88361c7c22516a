"""`StateStore`: one typed state in one JSON file, with load, save, transaction and recover."""

import json
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import _atomic
from ._codec import decode, encode
from ._lock import lock_for
from ._migrate import Step, migrate, parse_version
from .errors import (
    StateCorruptError,
    StateError,
    StateMigrationError,
    StateNotFoundError,
    StateValidationError,
    StateVersionError,
    StateWriteError,
)

T = TypeVar("T")

VERSION_KEY = "version"

# Each save ends the object with a CRC-32 of everything else, so a flipped bit anywhere in the
# file is caught instead of loading as a different, plausible state. The key can never be a
# field name (fields are identifiers), and the entry has a fixed shape at a fixed place.
CHECKSUM_KEY = "#crc32"
_CHECKSUM_HEAD = b', "#crc32": "'
_CHECKSUM_TAIL = b'"}\n'
_CHECKSUM_SIZE = len(_CHECKSUM_HEAD) + 8 + len(_CHECKSUM_TAIL)

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# Built once: json.loads with any keyword argument builds a new decoder on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class StateStore(Generic[T]):
    """One `state_type` dataclass kept in the JSON file at `path`.

    The file is a JSON object: `"version"` (the schema version), the fields, and last a
    `"#crc32"` checksum of the rest (a file written by hand or reformatted loads without it).
    Saves are durable and atomic, writers exclude each other through `<file>.lock`, and each save keeps
    the previous good file as `<file>.bak`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        state_type: type[T],
        *,
        schema_version: str,
        steps: Sequence[Step] = (),
        lock_timeout: float = 10.0,
    ) -> None:
        # Resolved once: a symlinked state file is replaced at its target, not turned into a
        # regular file, and a later chdir cannot move the store.
        self.path = Path(path).resolve()
        self.state_type = state_type
        self.schema_version = schema_version
        self.lock_timeout = lock_timeout
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
        return self._sidecar(".bak")

    @property
    def corrupt_path(self) -> Path:
        """Where a save over a corrupt file moves the corrupt bytes instead of destroying them."""
        return self._sidecar(".corrupt")

    def version_backup_path(self, version: str) -> Path:
        """The last file of an older schema `version` that a save replaced, byte for byte."""
        return self._sidecar(f".v{version}.bak")

    def exists(self) -> bool:
        """Whether the state file exists (it may still be corrupt)."""
        return self.path.exists()

    def load(self) -> T:
        """Read, migrate if older, and validate the state. The file is never modified.

        Raises StateNotFoundError, StateCorruptError, StateVersionError.
        """
        raw = self._read(self.path)
        state, version = self._parse(raw, self.path)
        self._good = (raw, version)
        return state

    def save(self, state: T) -> None:
        """Validate and write `state` durably, keeping the previous good file as the backup.

        Over a corrupt file, the corrupt bytes are kept as `corrupt_path`; over a file from
        newer code, nothing is written and StateVersionError is raised.
        """
        data = self._serialize(state)  # before the lock: a bad value fails with nothing touched
        self._make_directory()
        with self._lock():
            self._write(data)

    @contextmanager
    def transaction(self, default: Callable[[], T] | None = None) -> Iterator[T]:
        """Lock, load fresh, yield the state, and save it only if the block ends cleanly.

        Without a file, the state is `default()`, or StateNotFoundError when there is none.
        """
        self._make_directory()
        with self._lock():
            try:
                state = self.load()
            except StateNotFoundError:
                if default is None:
                    raise
                state = default()
            yield state
            self._write(self._serialize(state))

    def recover(self) -> T:
        """Return a good state: the current file if it loads, else the backup, put back in place.

        The corrupt file is kept as `corrupt_path`. Raises StateNotFoundError when there is no
        backup, and StateCorruptError when the backup is damaged too.
        """
        self._make_directory()
        with self._lock():
            try:
                return self.load()
            except (StateCorruptError, StateNotFoundError):
                pass
            raw = self._read(self.backup_path)
            state, _ = self._parse(raw, self.backup_path)
            self._write(self._serialize(state))
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

    def _sidecar(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    def _lock(self) -> AbstractContextManager[None]:
        # Looked up on each use, so a forked child gets its own lock (see _lock).
        return lock_for(self.path).held(self.lock_timeout)

    def _make_directory(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StateWriteError(self.path, error) from error

    @staticmethod
    def _read(path: Path) -> bytes:
        # os-level reads: the io stack costs more than parsing a small state.
        try:
            fd = os.open(path, _READ_FLAGS)
        except FileNotFoundError:
            raise StateNotFoundError(path) from None
        try:
            size = os.fstat(fd).st_size + 1  # one read returns a whole regular file
            chunks = []
            while chunk := os.read(fd, size):
                chunks.append(chunk)
        finally:
            os.close(fd)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _parse(self, raw: bytes, path: Path) -> tuple[T, str]:
        """The validated state in `raw`, and the schema version the file had."""
        # isspace() checks in place; strip() would copy the whole file first.
        if not raw or raw.isspace():
            raise StateCorruptError(path, "the file is empty")
        self._verify_checksum(raw, path)
        try:
            data = _DECODER.decode(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise StateCorruptError(path, f"not UTF-8 text (byte {error.start})") from None
        except ValueError as error:
            raise StateCorruptError(path, f"not valid JSON: {error}") from None
        except RecursionError:
            raise StateCorruptError(path, "JSON nested too deeply") from None
        if not isinstance(data, dict):
            raise StateCorruptError(path, f"expected a JSON object, got {type(data).__name__}")
        # An entry that is not last means the file was reformatted since it was saved (by
        # hand, or by json.load + json.dump): it vouches for bytes that are gone, so it is
        # dropped unchecked. A flipped bit cannot pass this way: it breaks the JSON, renames
        # the key (an unknown field, rejected), or leaves the entry in place, where it is
        # checked.
        data.pop(CHECKSUM_KEY, None)
        # A file without a version predates versioning: it is the first released version.
        version = data.pop(VERSION_KEY, self._versions[0])
        if version != self.schema_version:
            data = self._upgrade(data, version, path)
        try:
            return decode(self.state_type, data), version
        except StateValidationError as error:
            after = f" (after migrating from {version})" if version != self.schema_version else ""
            raise StateCorruptError(path, str(error) + after, field=error.field) from None

    @staticmethod
    def _verify_checksum(raw: bytes, path: Path) -> None:
        """StateCorruptError if `raw` ends with a checksum entry that does not match it."""
        head = len(raw) - _CHECKSUM_SIZE
        if (
            head <= 0
            or not raw.endswith(_CHECKSUM_TAIL)
            or raw[head : head + len(_CHECKSUM_HEAD)] != _CHECKSUM_HEAD
        ):
            return
        found = raw[head + len(_CHECKSUM_HEAD) : -len(_CHECKSUM_TAIL)]
        # The checksum covers the object as it was before the entry was appended.
        if found != _checksum(memoryview(raw)[:head]):
            raise StateCorruptError(
                path,
                "the checksum does not match, so the file changed after it was saved, by a disk "
                f'or copy fault; if you edited it by hand on purpose, delete its "{CHECKSUM_KEY}" '
                "entry",
            )

    def _upgrade(self, data: dict[str, Any], version: object, path: Path) -> dict[str, Any]:
        if not isinstance(version, str) or (found := parse_version(version)) is None:
            raise StateCorruptError(
                path, f'"version" must be a MAJOR.MINOR.PATCH string, got {version!r}'
            )
        if version not in self._versions:
            current = parse_version(self.schema_version)
            newer = current is not None and found > current
            reason = "is newer than this code" if newer else "is not a released version"
            raise StateVersionError(path, version, self.schema_version, reason)
        try:
            return migrate(data, version, self._steps)
        except StateMigrationError as error:
            raise StateMigrationError(error.reason, path=path) from error
        except Exception as error:
            raise StateMigrationError(
                f"migrating from {version} failed: {error!r}", path=path
            ) from error

    def _serialize(self, state: T) -> bytes:
        if type(state) is not self.state_type:
            raise StateValidationError(
                "", f"expected a {self.state_type.__name__}, got {type(state).__name__}"
            )
        document = {VERSION_KEY: self.schema_version, **encode(state)}
        try:
            body = json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate cannot be UTF-8; escaped JSON keeps it exactly.
            body = json.dumps(document, allow_nan=False).encode("ascii")
        # body ends with "}": the checksum entry goes just before it, as the last key.
        return b"".join(
            (body[:-1], _CHECKSUM_HEAD, _checksum(memoryview(body)[:-1]), _CHECKSUM_TAIL)
        )

    def _write(self, data: bytes) -> None:
        """Replace the file with `data`; the caller holds the lock."""
        # Temps of writers killed mid-save, and of the backup names they were replacing.
        olds = (self.version_backup_path(version) for version in self._versions[:-1])
        try:
            _atomic.sweep_temps(self.path, self.backup_path, self.corrupt_path, *olds)
            keep = self._keep_current()
            _atomic.write_atomic(self.path, data, before_replace=keep)
        except StateError:
            raise  # already says what happened (StateNotFoundError is an OSError too)
        except OSError as error:
            raise StateWriteError(self.path, error) from error
        self._good = (data, self.schema_version)

    def _keep_current(self) -> Callable[[], None] | None:
        """What to do with the file about to be replaced, decided before anything is written."""
        try:
            raw = self._read(self.path)
        except StateNotFoundError:
            return None
        # Comparing bytes is exact, and cheap next to the fsync that follows; a stat signature
        # would miss a same-size edit made within one tick of a coarse file clock.
        good = self._good
        if good is not None and good[0] == raw:
            version = good[1]
        else:
            try:
                _, version = self._parse(raw, self.path)
            except StateCorruptError:
                # Never rotate a corrupt file into the backup, and never destroy it either.
                return lambda: _atomic.link_atomic(self.path, self.corrupt_path)
            # StateVersionError propagates: a file from newer code is never overwritten.
        targets = [self.backup_path]
        if version != self.schema_version:
            targets.append(self.version_backup_path(version))

        def keep() -> None:
            for target in targets:
                _atomic.link_atomic(self.path, target)

        return keep


def _checksum(content: memoryview) -> bytes:
    """The CRC-32 of `content` followed by the closing brace, as 8 lowercase hex digits."""
    # Compared as bytes, never parsed: "A" and "a" would parse alike and hide a flipped bit.
    return b"%08x" % zlib.crc32(b"}", zlib.crc32(content))
