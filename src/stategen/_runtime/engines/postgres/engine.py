"""`PostgresEngine`: one state as a row of a PostgreSQL table, its history in a second one.

A session is one database transaction holding the row's lock (`SELECT … FOR UPDATE`): a
client that dies mid-transaction holds nothing once its connection drops, and the server
rolls back what it had not committed. The SQL is in `statements`; the connections, the one
place psycopg is imported and its errors translated, in `connection`.
"""

import json
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ... import patch as _patch
from ...errors import (
    StateConfigError,
    StateCorruptError,
    StateDatabaseError,
    StateError,
    StateLockTimeout,
    StateNotFoundError,
    StateReentryError,
    StateValidationError,
)
from ...lockholder import unknown
from ...storage import Engine, Previous, Salvage, Session, Stored
from . import holder as _holder
from .connection import Link, MissingTable, connection, held
from .connection import _local as _local  # the per-thread pools: tests look into them
from .statements import COLUMNS, HISTORY, SHAPE, Statements, misfits
from .url import Place

_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class PostgresEngine(Engine):
    """The state `place.key` in the database at `place.url`; `durability` "normal": commit
    without waiting for the server's WAL flush (`synchronous_commit = off`)."""

    def __init__(self, place: Place, *, durability: str = "full") -> None:
        self.place = place
        self._relaxed = durability == "normal"
        self._sql = Statements(place)
        self._made = False  # the tables are known to exist
        self._mutex = threading.RLock()  # guards _known between this engine's threads
        self._known: tuple[int, Stored] | None = None  # the generation last read or written
        self._described = "not read"

    def exists(self) -> bool:
        row = self._query(self._sql.exists)
        return bool(row and row[0])

    @contextmanager
    def view(self, *, exact: bool) -> Iterator[Stored]:
        if not exact:
            row = self._query(self._sql.read_generation)
            with self._mutex:
                known = self._known
                if row is not None and known is not None and known[0] == row[0]:
                    yield known[1]  # under the mutex: no session of this process changes it
                    return
        row = self._query(self._sql.read)
        if row is None or row[2] is None:
            raise StateNotFoundError(self.place.name)
        stored = self.stored(row[1], row[2])
        self._described = f"generation {row[0]}"
        if exact:
            yield stored
            return
        with self._mutex:
            self._known = (row[0], stored)
            yield stored

    @contextmanager
    def session(self, timeout: float | None) -> Iterator["PostgresSession"]:
        place = self.place
        holding, me = held(), (place.url, place.table, place.key)
        if me in holding:
            raise StateReentryError(place.name)
        holding.add(me)
        try:
            with connection(place) as link:
                if not self._made:
                    self._make_tables(link)
                link.lock_timeout(place, timeout)
                with self._mutex:  # the session owns what it reads; views read afresh meanwhile
                    known, self._known = self._known, None
                session = PostgresSession(self, link, known)
                link.run(place, b"BEGIN")
                try:
                    if self._relaxed:  # this transaction only: the connection is shared
                        link.run(place, b"SET LOCAL synchronous_commit = off")
                    yield session
                except BaseException as error:
                    link.rollback()
                    if isinstance(error, StateLockTimeout) and error is link.lock_timed_out:
                        raise _holder.named(link, place, error) from None  # who holds the row
                    raise
                link.commit(place)
                with self._mutex:
                    self._known = session.known
        finally:
            holding.discard(me)

    def sidecars(self) -> list[str]:
        row = self._query(self._sql.history)
        generations = (row[0] if row else None) or []
        return [f"generation {number} in the table {self.place.history}" for number in generations]

    def describe_lock(self) -> str:
        try:
            with connection(self.place) as link:
                return _holder.describe(link, self.place)
        except StateError as error:
            return unknown(str(error))

    def describe(self) -> str:
        place = self.place
        return f"PostgreSQL table {place.table}, key {place.key!r}, {self._described}"

    def backup_name(self) -> str:
        return f"{self.place.name} (history)"

    def aside(self) -> str:
        return f"the table {self.place.history}"

    def stored(self, version: object, document: object) -> Stored:
        """A row's content as the policy takes it; StateCorruptError if it is not a state."""
        if not isinstance(document, dict):
            raise StateCorruptError(self.place.name, "the document is not a JSON object")
        if version is not None and not isinstance(version, str):
            raise StateCorruptError(self.place.name, "the version is not text")
        return Stored(version, document)

    def _query(self, query: bytes) -> tuple[Any, ...] | None:
        """The one row of the read-only `query` for this key (None: no row, or no table)."""
        with connection(self.place) as link:
            try:
                return link.fetch(self.place, query, {"key": self.place.key}, reading=True)
            except MissingTable:
                return None

    def _make_tables(self, link: Link) -> None:
        """Create the tables if they are missing, one process at a time (a CREATE TABLE IF
        NOT EXISTS can still fail when another makes the same table at the same moment)."""
        place = self.place
        found = link.fetch(
            place,
            b"SELECT to_regclass(%(t)s) IS NOT NULL AND to_regclass(%(h)s) IS NOT NULL",
            {"t": f'"{place.table}"', "h": f'"{place.history}"'},  # checked names: [a-z0-9_]
        )
        if not (found and found[0]):
            lock = zlib.crc32(f"{__name__}:{place.table}".encode())
            link.lock_timeout(place, None)
            link.run(place, b"BEGIN")
            try:
                link.run(place, b"SELECT pg_advisory_xact_lock(%(lock)s)", {"lock": lock})
                link.run(place, self._sql.schema)
            except BaseException:
                link.rollback()
                raise
            link.commit(place)
        self._check_tables(link)  # one that was there already may be of another shape
        self._made = True

    def _check_tables(self, link: Link) -> None:
        """StateConfigError when a table that was there already (made by hand, or by other
        code) lacks a column this engine needs, or has it of another type or nullable."""
        place = self.place
        for which, name in (("table", place.table), ("history", place.history)):
            row = link.fetch(place, COLUMNS, {"table": f'"{name}"'})
            columns = [(str(a), str(b), bool(c)) for a, b, c in (row[0] if row else None) or []]
            problems = misfits(SHAPE[which], columns)
            if problems:
                raise StateConfigError(
                    "table",
                    f"{place.name}: the table {name} was not made by this library: "
                    f"{'; '.join(problems)}; name another table with table=, or alter it",
                )


class PostgresSession(Session):
    """One transaction holding the lock on the key's row."""

    def __init__(
        self, engine: PostgresEngine, link: Link, known: tuple[int, Stored] | None
    ) -> None:
        self._engine = engine
        self._link = link
        self._place = engine.place
        self.known = known  # the state this session holds, and its generation
        self._generation = 0  # the generation of the row as current() found it

    def current(self, *, afresh: bool = False) -> Stored | None:
        engine, link, place = self._engine, self._link, self._place
        if afresh:
            self.known = None
        parameters = {"key": place.key, "known": self.known[0] if self.known else -1}
        row = link.fetch(place, engine._sql.lock_row, parameters)
        if row is None:  # no row yet: make an empty one, so that there is a row to lock
            link.run(place, engine._sql.placeholder, {"key": place.key})
            row = link.fetch(place, engine._sql.lock_row, parameters)
            assert row is not None  # made above, or by another client; never deleted
        generation, same, version, document = row
        self._generation = generation
        engine._described = f"generation {generation}"
        if same and self.known is not None:
            return self.known[1]
        self.known = None
        if document is None:
            return None
        stored = engine.stored(version, document)
        self.known = (generation, stored)
        return stored

    def salvage(self) -> Salvage | None:
        return None  # a row is written whole or not at all: there is no part to save

    def backup(self) -> Stored:
        engine, place = self._engine, self._place
        row = self._link.fetch(place, engine._sql.backup, {"key": place.key})
        if row is None:
            raise StateNotFoundError(engine.backup_name())
        return engine.stored(row[0], row[1])

    def replace(self, version: str, fields: dict[str, Any], previous: Previous) -> Stored:
        engine, place = self._engine, self._place
        self.known = None
        try:
            document = _ENCODER.encode(fields)
        except (ValueError, RecursionError) as error:
            reason = f"the state cannot be written: {str(error)[:200]}"
            raise StateValidationError("", reason) from None
        if "\\u0000" in document:  # JSON's escape of NUL, which jsonb cannot hold in text
            field = _holding_nul(fields)
            if field is not None:
                reason = (
                    f"PostgreSQL cannot store the character NUL (\\u0000) in text, and "
                    f"{field or 'the state'} holds one; remove it, or keep such data as bytes"
                )
                raise StateDatabaseError(place.name, "22P05", reason, field=field)
        try:
            document.encode("utf-8")  # what psycopg sends; a lone surrogate has no UTF-8
        except UnicodeEncodeError as error:
            reason = (
                f"PostgreSQL keeps text as UTF-8, and the state holds a lone surrogate "
                f"({document[error.start]!r}) that UTF-8 cannot hold; remove it"
            )
            raise StateValidationError("", reason) from None
        parameters = {
            "key": place.key,
            "good": previous.good,
            "upgrade": previous.version is not None,
            "keep": HISTORY - 1,
            "trim": self._generation % HISTORY == 0,
            "document": document,
            "version": version,
        }
        row = self._link.fetch(place, engine._sql.write, parameters)
        assert row is not None  # current() locked the row, so it is there
        stored = Stored(version, fields)
        self.known, self._generation = (row[0], stored), row[0]
        engine._described = f"generation {row[0]}"
        return stored

    def apply(self, change: Callable[[Stored], Sequence[_patch.Op]]) -> None:
        known = self.known
        assert known is not None  # current() returned the state this changes
        stored = known[1]
        ops = change(stored)
        if not ops:
            return
        self.known = None  # changed in memory: trusted again only once written
        try:
            stored.apply(ops)
        except _patch.PatchError as error:
            raise StateValidationError("", f"the change does not apply: {error}") from None
        self.replace(_version_of(stored), stored.fields, Previous(True)).checked = stored.checked

    def compact(self) -> bool:
        return False  # a row is always whole

    def tidy(self) -> int:
        return 0  # the server rolled back what a crashed client left

    def delete(self) -> bool:
        engine, link, place = self._engine, self._link, self._place
        self.known = None
        parameters = {"key": place.key}
        row = link.fetch(place, engine._sql.lock_for_delete, parameters)  # waits for writers
        held = row is not None and bool(row[0])
        if held:
            link.run(place, engine._sql.empty, parameters)
        dropped = link.fetch(place, engine._sql.drop_history, parameters)
        engine._described = "deleted"
        return held or bool(dropped and dropped[0])


def _holding_nul(fields: dict[str, Any]) -> str | None:
    """The path of the first key or text in `fields` with a NUL in it (`items[2].name`)."""
    pending: list[tuple[str, Any]] = [("", fields)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if "\0" in value:
                return path
        elif isinstance(value, dict):
            for key in value:
                inner = f"{path}.{key}" if path else key
                if "\0" in key:
                    return inner
                pending.append((inner, value[key]))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


def _version_of(stored: Stored) -> str:
    if stored.version is None:
        raise StateValidationError("", "a state to write needs its schema version")
    return stored.version
