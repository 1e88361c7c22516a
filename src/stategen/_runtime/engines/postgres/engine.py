"""`PostgresEngine`: one state as a row of a PostgreSQL table; the only module that imports psycopg.

A row per key holds the fields (`jsonb`), the schema version, a generation (one more at each
write) and `updated_at`. Each write first copies the row it replaces into the history table,
marked good (the backup) or not (a damaged state kept aside), and trims that key's history
to its newest `HISTORY` rows, all in one statement. Trimming is done at every `HISTORY`th
generation only (a key keeps fewer than twice HISTORY rows): each write costs less. A row
a migration replaced (`upgrade`) is never trimmed, as a file's `.v<version>.bak` is kept. A
session is one database transaction holding the row's lock (`SELECT … FOR UPDATE`): a
client that dies mid-transaction holds nothing once its connection drops, and the server
rolls back what it had not committed.

psycopg is imported when the first engine is made, so file users never need it. Connections
are kept per thread and reused; a forked child never uses (or closes) its parent's: the
pool is forgotten at the fork, and a connection remembers the process that made it.
"""

import json
import math
import os
import select
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ... import patch as _patch
from ...errors import (
    StateCommitUnknownError,
    StateConfigError,
    StateCorruptError,
    StateDatabaseError,
    StateLockTimeout,
    StateNotFoundError,
    StateReentryError,
    StateUnavailableError,
    StateValidationError,
)
from ...storage import Engine, Previous, Session, Stored
from .url import Place

if TYPE_CHECKING:
    import psycopg

#: How many replaced generations each key keeps in the history table.
HISTORY = 5
#: Idle connections each thread keeps per URL (a nested session needs a second one).
_IDLE_MAX = 2
#: PostgreSQL's lock_timeout is an int of milliseconds.
_LOCK_TIMEOUT_MAX_MS = 2**31 - 1
#: Seconds to wait for a connection, unless the URL says otherwise.
_CONNECT_TIMEOUT = 10
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))

_SCHEMA = """\
CREATE TABLE IF NOT EXISTS {table} (
    key text PRIMARY KEY,
    version text,
    generation bigint NOT NULL DEFAULT 0,
    document jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {history} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL,
    generation bigint NOT NULL,
    version text,
    document jsonb NOT NULL,
    good boolean NOT NULL,
    upgrade boolean NOT NULL DEFAULT false,
    kept_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS {history_index} ON {history} (key, id);"""

_LOCK_ROW = """\
SELECT generation, generation = %(known)s, version,
       CASE WHEN generation = %(known)s THEN NULL ELSE document END
FROM {table} WHERE key = %(key)s FOR UPDATE"""
_PLACEHOLDER = "INSERT INTO {table} (key) VALUES (%(key)s) ON CONFLICT (key) DO NOTHING"
_WRITE = """\
WITH kept AS (
    INSERT INTO {history} (key, generation, version, document, good, upgrade)
    SELECT key, generation, version, document, %(good)s, %(upgrade)s FROM {table}
    WHERE key = %(key)s AND document IS NOT NULL
), trimmed AS (
    DELETE FROM {history} WHERE %(trim)s AND key = %(key)s AND NOT upgrade AND id <= (
        SELECT id FROM {history} WHERE key = %(key)s AND NOT upgrade
        ORDER BY id DESC OFFSET %(keep)s LIMIT 1)
)
UPDATE {table} SET document = %(document)s::jsonb, version = %(version)s,
    generation = generation + 1, updated_at = now()
WHERE key = %(key)s RETURNING generation"""
_READ = "SELECT generation, version, document FROM {table} WHERE key = %(key)s"
_READ_GENERATION = "SELECT generation FROM {table} WHERE key = %(key)s"
_EXISTS = "SELECT document IS NOT NULL FROM {table} WHERE key = %(key)s"
_BACKUP = """\
SELECT version, document FROM {history} WHERE key = %(key)s AND good ORDER BY id DESC LIMIT 1"""


class PostgresEngine(Engine):
    """The state `place.key` in the database at `place.url`."""

    def __init__(self, place: Place) -> None:
        self.place = place
        sql = _import_psycopg().sql
        names = {
            "table": sql.Identifier(place.table),
            "history": sql.Identifier(place.history),
            "history_index": sql.Identifier(f"{place.history}_key"),
        }

        def statement(template: str) -> bytes:
            # Identifiers are quoted by psycopg; the values stay %(name)s parameters.
            query: bytes = sql.SQL(template).format(**names).as_bytes(None)
            return query

        self._schema = statement(_SCHEMA)
        self._lock_row = statement(_LOCK_ROW)
        self._placeholder = statement(_PLACEHOLDER)
        self._write = statement(_WRITE)
        self._read = statement(_READ)
        self._read_generation = statement(_READ_GENERATION)
        self._exists = statement(_EXISTS)
        self._backup = statement(_BACKUP)
        self._made = False  # the tables are known to exist
        self._mutex = threading.RLock()  # guards _known between this engine's threads
        self._known: tuple[int, Stored] | None = None  # the generation last read or written
        self._described = "not read"

    def exists(self) -> bool:
        row = self._query(self._exists)
        return bool(row and row[0])

    @contextmanager
    def view(self, *, exact: bool) -> Iterator[Stored]:
        if not exact:
            row = self._query(self._read_generation)
            with self._mutex:
                known = self._known
                if row is not None and known is not None and known[0] == row[0]:
                    yield known[1]  # under the mutex: no session of this process changes it
                    return
        row = self._query(self._read)
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
        held, me = _held(), (place.url, place.table, place.key)
        if me in held:
            raise StateReentryError(place.name)
        held.add(me)
        try:
            with _connection(place) as link:
                if not self._made:
                    self._make_tables(link)
                link.lock_timeout(place, timeout)
                with self._mutex:  # the session owns what it reads; views read afresh meanwhile
                    known, self._known = self._known, None
                session = PostgresSession(self, link, known)
                link.run(place, b"BEGIN")
                try:
                    yield session
                except BaseException:
                    link.rollback()
                    raise
                link.commit(place)
                with self._mutex:
                    self._known = session.known
        finally:
            held.discard(me)

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
        with _connection(self.place) as link:
            try:
                return link.fetch(self.place, query, {"key": self.place.key}, reading=True)
            except _MissingTable:
                return None

    def _make_tables(self, link: "_Link") -> None:
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
                link.run(place, self._schema)
            except BaseException:
                link.rollback()
                raise
            link.commit(place)
        self._made = True


class PostgresSession(Session):
    """One transaction holding the lock on the key's row."""

    def __init__(
        self, engine: PostgresEngine, link: "_Link", known: tuple[int, Stored] | None
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
        row = link.fetch(place, engine._lock_row, parameters)
        if row is None:  # no row yet: make an empty one, so that there is a row to lock
            link.run(place, engine._placeholder, {"key": place.key})
            row = link.fetch(place, engine._lock_row, parameters)
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

    def salvage(self) -> Stored | None:
        return None  # a row is written whole or not at all: there is no part to save

    def backup(self) -> Stored:
        engine, place = self._engine, self._place
        row = self._link.fetch(place, engine._backup, {"key": place.key})
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
        parameters = {
            "key": place.key,
            "good": previous.good,
            "upgrade": previous.version is not None,
            "keep": HISTORY - 1,
            "trim": self._generation % HISTORY == 0,
            "document": document,
            "version": version,
        }
        row = self._link.fetch(place, engine._write, parameters)
        assert row is not None  # current() locked the row, so it is there
        stored = Stored(version, fields)
        self.known, self._generation = (row[0], stored), row[0]
        engine._described = f"generation {row[0]}"
        return stored

    def update(self, fields: dict[str, Any]) -> None:
        known = self.known
        assert known is not None  # current() returned the state this changes
        if not _patch.same(known[1].fields, fields):
            self.replace(_version_of(known[1]), fields, Previous(True))

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


def _version_of(stored: Stored) -> str:
    if stored.version is None:
        raise StateValidationError("", "a state to write needs its schema version")
    return stored.version


# Connections --------------------------------------------------------------------------


class _MissingTable(Exception):
    """A read found no table: nothing has been stored with this table name yet."""


class _Link:
    """One connection of this thread, with the lock_timeout it has now."""

    def __init__(self, connection: "psycopg.Connection[Any]") -> None:
        self.connection = connection
        self.pid = os.getpid()
        self.timeout: float | None = None
        self._timeout_ms: int | None = None

    def usable(self) -> bool:
        connection = self.connection
        return (
            self.pid == os.getpid()
            and not connection.closed
            and not connection.broken
            and connection.info.transaction_status == _module.pq.TransactionStatus.IDLE
        )

    def stale(self) -> bool:
        """Whether the server has spoken unasked: an idle connection that can be read from
        was closed by a server that stopped or restarted (one poll, no round trip)."""
        poller = select.poll()
        poller.register(self.connection.pgconn.socket, select.POLLIN)
        return bool(poller.poll(0))

    def lock_timeout(self, place: Place, timeout: float | None) -> None:
        # Set for the connection, and only when it changes: no round trip per transaction.
        # 0 means "wait for ever" to PostgreSQL, but "do not wait" to a manager.
        ms = 0 if timeout is None else min(max(1, math.ceil(timeout * 1000)), _LOCK_TIMEOUT_MAX_MS)
        if ms != self._timeout_ms:
            self.run(place, f"SET lock_timeout = {ms}".encode())
            self._timeout_ms = ms
        self.timeout = timeout

    def run(self, place: Place, query: bytes, parameters: Any = None) -> None:
        with self._translated(place):
            self.connection.execute(query, parameters)

    def fetch(
        self, place: Place, query: bytes, parameters: Any = None, *, reading: bool = False
    ) -> tuple[Any, ...] | None:
        """The first row `query` returns (None: none); `reading`: a missing table is
        _MissingTable rather than an error."""
        with self._translated(place, reading=reading):
            row: tuple[Any, ...] | None = self.connection.execute(query, parameters).fetchone()
            return row

    def commit(self, place: Place) -> None:
        with self._translated(place, committing=True):
            self.connection.execute(b"COMMIT")

    def rollback(self) -> None:
        if self.connection.closed or self.connection.broken:
            return  # the server rolls back a transaction whose connection is gone
        try:
            self.connection.execute(b"ROLLBACK")
        except _module.Error:
            self.close()

    def close(self) -> None:
        if self.pid == os.getpid():  # never the parent's, from a forked child
            self.connection.close()

    @contextmanager
    def _translated(
        self, place: Place, *, committing: bool = False, reading: bool = False
    ) -> Iterator[None]:
        """psycopg's errors as the library's own, naming the state and the server."""
        errors = _module.errors
        try:
            yield
        except errors.LockNotAvailable:
            timeout = self.timeout if self.timeout is not None else 0.0
            where = f"on the row {place.key!r} of the table {place.table}"
            raise StateLockTimeout(place.name, where, timeout) from None
        except errors.UndefinedTable as error:
            if reading:
                raise _MissingTable() from None
            raise StateDatabaseError(place.name, error.sqlstate, _first_line(error)) from None
        except errors.UntranslatableCharacter as error:
            reason = f"PostgreSQL cannot store this text: {_first_line(error)}"
            raise StateValidationError("", reason) from None
        except _module.OperationalError as error:
            kind = StateCommitUnknownError if committing else StateUnavailableError
            raise kind(place.name, place.host, _first_line(error)) from None
        except _module.Error as error:
            raise StateDatabaseError(place.name, error.sqlstate, _first_line(error)) from None


_local = threading.local()


@contextmanager
def _connection(place: Place) -> Iterator[_Link]:
    """A connection of this thread to `place.url`: an idle one, or a new one, given back after."""
    pool: dict[str, list[_Link]] = _local.__dict__.setdefault("idle", {})
    idle = pool.setdefault(place.url, [])
    link = None
    while idle and link is None:
        candidate = idle.pop()
        if candidate.usable() and not candidate.stale():
            link = candidate
        else:
            candidate.close()
    if link is None:
        link = _connect(place)
    try:
        yield link
    finally:
        if link.usable() and len(idle) < _IDLE_MAX:
            idle.append(link)
        else:
            link.close()


def _held() -> set[tuple[str, str, str]]:
    """The states this thread holds a session of: (url, table, key)."""
    held: set[tuple[str, str, str]] = _local.__dict__.setdefault("held", set())
    return held


def _connect(place: Place) -> _Link:
    options: dict[str, Any] = {"autocommit": True}
    try:
        if "connect_timeout" not in _module.conninfo.conninfo_to_dict(place.url):
            options["connect_timeout"] = _CONNECT_TIMEOUT
    except _module.ProgrammingError as error:
        raise StateConfigError("url", f"{place.name}: {_first_line(error)}") from None
    try:
        link = _Link(_module.connect(place.url, **options))
    except _module.OperationalError as error:
        raise StateUnavailableError(place.name, place.host, _first_line(error)) from None
    except _module.Error as error:
        raise StateDatabaseError(place.name, error.sqlstate, _first_line(error)) from None
    return link


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__


#: psycopg, once imported.
_module: Any = None


def _import_psycopg() -> Any:
    """psycopg, imported on first use; StateConfigError naming the extra without it."""
    global _module
    if _module is None:
        try:
            import psycopg
            import psycopg.sql
        except ImportError:
            distribution = __name__.split(".")[0].replace("_", "-")
            raise StateConfigError(
                "url", f'a PostgreSQL URL needs psycopg 3: pip install "{distribution}[postgres]"'
            ) from None
        _module = psycopg
    return _module


def _forget_in_child() -> None:
    # A forked child shares its parent's sockets: it must never use them, nor close them
    # (that would end the parent's sessions). psycopg does not close a connection made in
    # another process when it is collected, so forgetting them is enough.
    _local.__dict__.pop("idle", None)
    _local.__dict__.pop("held", None)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
