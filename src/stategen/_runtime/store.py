"""`StateStore`: the policy over a storage engine, behind load, save, transaction and recover.

The policy is validation, versions and migrations, backups and quarantine, and compaction.

The engine (`storage`) keeps the JSON form of the state; everything here works on what it
returns, so a second engine changes nothing in this module.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from . import arguments as _arguments
from .backend import open_engine
from .codec import decode
from .errors import (
    StateConfigError,
    StateCorruptError,
    StateError,
    StateMigrationError,
    StateNotFoundError,
    StateReadError,
    StateValidationError,
)
from .migrate import Step, check_chain, rejected, upgrade
from .patch import Op
from .recovery import DAMAGE, Recovery, backup_of, salvaged
from .removal import Removal
from .storage import DAMAGED, GOOD, Previous, Session, Stored
from .written import changed, encoded, why_invalid

if TYPE_CHECKING:
    from pathlib import Path

T = TypeVar("T")
R = TypeVar("R")


class StateStore(Removal, Generic[T]):
    """One `state_type` dataclass kept in the JSON file at `path`, or in a PostgreSQL row.

    `path` may instead be a `postgresql://` URL: the state is then the row `key` (default
    "default") of `table` (default: the package name), see `engines.postgres`; what follows about
    files is about the file engine.

    The file is a JSON object: `"version"` (the schema version), the fields, and last a
    `"#crc32"` checksum of the rest (a file written by hand or reformatted loads without it).
    Saves are durable and atomic, writers exclude each other through `<file>.lock`, and each
    save keeps the previous good file as `<file>.bak`. With `journal=True` an update appends
    only what changed to `<file>.journal` (see `engines.files`). Symlinks on the path are followed
    at each operation, when the kernel's protected_symlinks rule would follow them.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        state_type: type[T],
        *,
        schema_version: str,
        steps: Sequence[Step] = (),
        lock_timeout: float | None = 10.0,
        journal: bool = False,
        key: str | None = None,
        table: str | None = None,
        max_bytes: int = _arguments.MAX_BYTES,
        durability: Literal["full", "normal"] = "full",
    ) -> None:
        self.state_type = state_type
        self.schema_version = schema_version
        self.lock_timeout = _arguments.lock_timeout(lock_timeout)
        self.journal = _arguments.switch("journal", journal)
        #: The largest state file it reads (checked before reading): StateReadError (EFBIG).
        self.max_bytes = _arguments.max_bytes(max_bytes)
        #: What an acknowledged change survives: "full", a power loss; "normal", a crash.
        self.durability = _arguments.durability(durability)
        #: What the last `recover()` did, and what it dropped (None before the first).
        self.last_recovery: Recovery | None = None
        self._steps = tuple(steps)
        self._versions = check_chain(self._steps, schema_version)
        self._field_names = {spec.name for spec in dataclasses.fields(state_type)}  # type: ignore[arg-type]
        # A path is made absolute, not resolved: links are followed (or refused) at each
        # operation, since one can be planted at any time, and a later chdir cannot move it.
        opened = open_engine(
            path,
            journal=self.journal,
            key=key,
            table=table,
            max_bytes=self.max_bytes,
            durability=self.durability,
        )
        self._engine = opened.engine
        #: The state's name in errors and messages: its file, or its URL (no password) and key.
        self.location = opened.name
        self._where: Path | str = opened.path or opened.name
        self._file: Path | None = opened.path

    def __repr__(self) -> str:
        mode = ", journal=True" if self.journal else ""
        return f"{type(self).__name__}({self.location!r}{mode})"

    @property
    def path(self) -> Path:
        """The state file (absolute); StateConfigError for a state kept in a database."""
        return self._sidecar("")

    @property
    def backup_path(self) -> Path:
        """The previous good generation, kept by every save: what `recover()` restores."""
        return self._sidecar(".bak")

    @property
    def corrupt_path(self) -> Path:
        """Where a save over a corrupt file moves the corrupt bytes instead of destroying them."""
        return self._sidecar(".corrupt")

    @property
    def journal_path(self) -> Path:
        """The journal of changes since the snapshot was written (journal mode)."""
        return self._sidecar(".journal")

    def version_backup_path(self, version: str) -> Path:
        """The last file of an older schema `version` that a save replaced, byte for byte."""
        return self._sidecar(f".v{version}.bak")

    def kept_aside(self) -> str:
        """Where a damaged state is kept when `recover()` or a save replaces it."""
        return self._engine.aside()

    def exists(self) -> bool:
        """Whether the state file exists (it may still be corrupt)."""
        return self._engine.exists()

    def load(self) -> T:
        """Read, migrate if older, and validate the state. The file is never modified.

        Raises StateNotFoundError, StateCorruptError, StateVersionError, and for a path it
        cannot use, StateReadError or StateUnsafePathError.
        """
        with self._engine.view(exact=True) as stored:
            return self._decode(stored, self._where)

    def save(self, state: T) -> None:
        """Validate and write `state` durably, keeping the previous good file as the backup.

        Over a corrupt file, the corrupt bytes are kept as `corrupt_path`; over a file from
        newer code, nothing is written and StateVersionError is raised. In journal mode too
        the whole state is written (and the journal folded in first, so that the backup is
        the state as it was before this save).
        """
        fields = self._encode(state)  # before the lock: a bad value fails with nothing touched
        with self._engine.session(self.lock_timeout) as session:
            previous = self._judge(session)
            session.replace(self.schema_version, fields, previous).checked = True

    @contextmanager
    def transaction(self, default: Callable[[], T] | None = None) -> Iterator[T]:
        """Lock, load fresh, yield the state, and save it only if the block ends cleanly.

        Without a file, the state is `default()`, or StateNotFoundError when there is none.
        Only what changed is written: in journal mode one appended record, and nothing at
        all when nothing changed. A state validated before is not checked again, and only
        the values the block changed are checked afterwards (see `codec.changes`).
        """
        with self._engine.session(self.lock_timeout) as session:
            stored = session.current()
            if stored is not None:
                state = self._decode(stored, self._where, trust=True)
            elif default is None:
                raise StateNotFoundError(self._where)
            else:
                state = default()
            yield state
            if stored is not None and self._version_of(stored) == self.schema_version:
                session.apply(lambda current: self._changes(state, current.fields))
                return
            fields = self._encode(state)
            if stored is None:
                session.replace(self.schema_version, fields, GOOD).checked = True
            else:
                # Written at an older version: the engine keeps the old file whole (its
                # journal folded in) under that version, then writes this one.
                upgrade = Previous(True, self._version_of(stored))
                session.replace(self.schema_version, fields, upgrade).checked = True

    def recover(self) -> T:
        """Return a good state: the current one if it loads, else all of it that is intact
        (the snapshot and the longest run of journal records that are intact and validate),
        else the backup, put back in place; `last_recovery` says what was dropped.

        The damaged file (and journal) is kept as `corrupt_path`. StateNotFoundError without
        a backup when one is needed, StateCorruptError when it is damaged too; a file from
        newer code, or something that is not a regular file, is never replaced.
        """
        with self._engine.session(self.lock_timeout) as session:
            session.tidy()
            damage = ""
            try:
                stored = session.current(afresh=True)
                if stored is not None:
                    state = self._decode(stored, self._where)
                    self.last_recovery = Recovery(self.location, "current")
                    return state
            except DAMAGE as error:
                damage = str(getattr(error, "reason", None) or error)
            report = Recovery(self.location, "salvaged", damage)
            if damage:
                report = replace(report, aside=self._engine.aside())
            found = salvaged(session.salvage(), self._decode_here, report)
            if found is None:
                stored = backup_of(session, self._where, self._engine.backup_name(), damage)
                found = (
                    self._decode(stored, self._engine.backup_name()),
                    replace(report, source="backup"),
                )
            state, report = found
            session.replace(self.schema_version, self._encode(state), DAMAGED).checked = True
            self.last_recovery = report
            return state

    def compact(self) -> bool:
        """Fold the journal into the snapshot, so the JSON file alone holds the whole state.

        Returns False when there was nothing to fold. Also removes the temp files a crash
        left behind. Raises as load() does for a state that cannot be read.
        """
        with self._engine.session(self.lock_timeout) as session:
            stored = session.current()
            if stored is None:
                raise StateNotFoundError(self._where)
            if not stored.checked:
                self._decode(stored, self._where)  # never fold a state that does not validate
            folded = session.compact()
            session.tidy()
            return folded

    def describe(self) -> str:
        """How the state is stored now, in one line: its schema version, and the files."""
        with self._engine.view(exact=True) as stored:
            return f"schema version {self._version_of(stored)}; {self._engine.describe()}"

    def describe_lock(self) -> str | None:
        """Who holds the state's lock now, in one line: "free", "held by pid ... on host ...
        (command) since ...", or "unknown: why"; None where the engine cannot tell."""
        return self._engine.describe_lock()

    def export(self) -> tuple[str, dict[str, Any]]:
        """The state exactly as stored: the schema version it was written at, and its fields
        (a copy). It must load (migrated, if older) and validate first."""
        with self._engine.view(exact=True) as stored:
            self._decode(stored, self._where)
            return self._version_of(stored), copy.deepcopy(stored.fields)

    def import_(self, version: str, fields: dict[str, Any], *, replace: bool = False) -> None:
        """Store `fields` as written at schema `version` (what `export()` gave), checked as a
        load would check them. A state already here raises StateConfigError unless
        `replace`, and is then kept as a save keeps it (the backup, or aside if damaged)."""
        state = self._decode(Stored(version, copy.deepcopy(fields)), self._where)
        if version == self.schema_version:
            fields = self._encode(state)  # the fields in the model's order, whatever the source's
        with self._engine.session(self.lock_timeout) as session:
            if not replace:
                try:
                    present = session.current() is not None
                except StateError:
                    present = True  # damaged: still a state not to overwrite unasked
                if present:
                    raise StateConfigError(
                        str(self.location),
                        "already holds a state; pass replace=True (--replace) to overwrite it",
                    )
            previous = self._judge(session)
            session.replace(version, copy.deepcopy(fields), previous)

    # For the generated manager's helpers ------------------------------------------------

    def _inspect(self, read: Callable[[Stored], R]) -> R:
        """`read(stored)` of the state as the engine holds it, without the lock: a quick read
        (`next_pending()`) that trusts the files' identity. A state written at an older
        version is migrated for it, and one not validated yet is validated first."""
        with self._engine.view(exact=False) as stored:
            if self._version_of(stored) != self.schema_version or not self._whole(stored):
                stored = Stored(
                    self.schema_version, self._encode(self._decode(stored, self._where))
                )
            elif not stored.checked:
                self._decode(stored, self._where)
            return read(stored)

    def _change(self, change: Callable[[Stored], Sequence[Op]]) -> None:
        """Apply the operations `change(stored)` returns to the state, in one locked update.

        A state written at an older version, or not validated yet, is first read the
        generic way (and an older one, or one without all its fields, written whole).
        """
        with self._engine.session(self.lock_timeout) as session:
            stored = session.current()
            if stored is None:
                raise StateNotFoundError(self._where)
            version = self._version_of(stored)
            if version != self.schema_version or not self._whole(stored):
                fields = self._encode(self._decode(stored, self._where))
                older = version if version != self.schema_version else None
                upgraded = session.replace(self.schema_version, fields, Previous(True, older))
                upgraded.checked = True
            elif not stored.checked:
                self._decode(stored, self._where)
            session.apply(change)

    # Internals -------------------------------------------------------------------------

    def _sidecar(self, suffix: str) -> Path:
        """The file `<state file><suffix>`; StateConfigError when the state is in a database."""
        path = self._engine.sidecar_path(suffix)
        if path is None:
            raise StateConfigError(
                "path", f"{self.location} is kept in a database, not in a file: it has no path"
            )
        return path

    def _judge(self, session: Session) -> Previous:
        """How a save keeps the state it replaces: good (the backup) or damaged (aside).

        A state from newer code raises StateVersionError: it is never overwritten.
        """
        try:
            stored = session.current()
            if stored is None:
                return GOOD
            version = self._version_of(stored)
            if not stored.checked or version != self.schema_version:
                self._decode(stored, self._where)
        except (StateCorruptError, StateMigrationError, StateReadError):
            # Never rotate a damaged file into the backup, and never destroy it either.
            return DAMAGED
        return Previous(True, version if version != self.schema_version else None)

    def _decode_here(self, stored: Stored) -> T:
        return self._decode(stored, self._where)

    def _whole(self, stored: Stored) -> bool:
        # A file written by hand may leave out fields with defaults; `mark_completed()`'s
        # changes need them there.
        return len(stored.fields) == len(self._field_names)

    def _version_of(self, stored: Stored) -> str:
        # A file without a version predates versioning: it is the first released version.
        return stored.version if stored.version is not None else self._versions[0]

    def _decode(self, stored: Stored, path: Path | str, *, trust: bool = False) -> T:
        """The validated state in `stored`, migrated from the version it was written at.

        `trust`: a state this policy validated before (`stored.checked`) is not checked again.
        """
        version = self._version_of(stored)
        data = stored.fields
        migrated = version != self.schema_version
        if migrated:
            # Migrations may change their argument in place; the engine's copy stays as is.
            steps, chain = self._steps, (self._versions, self.schema_version)
            data = upgrade(copy.deepcopy(data), version, steps, chain, path)
        try:
            state = decode(self.state_type, data, trusted=trust and stored.checked and not migrated)
        except (RecursionError, ValueError) as error:  # ValueError: StateValidationError, huge ints
            reason = why_invalid(error)
            if migrated:  # the migration's output, not the file, is what the model rejects
                raise rejected(self._steps[-1], reason, path) from error
            field = error.field if isinstance(error, StateValidationError) else None
            raise StateCorruptError(path, reason, field=field) from None
        if not migrated:
            stored.checked = True
        return state

    def _changes(self, state: T, before: dict[str, Any]) -> list[Op]:
        return changed(self.state_type, state, before)

    def _encode(self, state: T) -> dict[str, Any]:
        return encoded(self.state_type, state)
