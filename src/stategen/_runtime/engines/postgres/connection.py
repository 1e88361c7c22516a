"""The PostgreSQL engine's connections: psycopg imported on first use, one pool per thread.

psycopg is imported when the first engine is made, so file users never need it. Connections
are kept per thread and reused; a forked child never uses (or closes) its parent's: the pool
is forgotten at the fork, and a connection remembers the process that made it. Every psycopg
error becomes the library's own here, naming the state and the server.
"""

import math
import os
import select
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ...errors import (
    StateCommitUnknownError,
    StateConfigError,
    StateDatabaseError,
    StateLockTimeout,
    StateUnavailableError,
)
from .url import Place

if TYPE_CHECKING:
    import psycopg

#: Idle connections each thread keeps per URL (a nested session needs a second one).
_IDLE_MAX = 2
#: PostgreSQL's lock_timeout is an int of milliseconds.
_LOCK_TIMEOUT_MAX_MS = 2**31 - 1
#: Seconds to wait for a connection, unless the URL says otherwise.
_CONNECT_TIMEOUT = 10


class MissingTable(Exception):
    """A read found no table: nothing has been stored with this table name yet."""


class Link:
    """One connection of this thread, with the lock_timeout it has now."""

    def __init__(self, connection: "psycopg.Connection[Any]") -> None:
        self.connection = connection
        self.pid = os.getpid()
        self.timeout: float | None = None
        self._timeout_ms: int | None = None
        #: The last lock timeout a statement raised here: its session asks who holds the row.
        self.lock_timed_out: StateLockTimeout | None = None

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
        self._execute(place, query, parameters)

    def fetch(
        self, place: Place, query: bytes, parameters: Any = None, *, reading: bool = False
    ) -> tuple[Any, ...] | None:
        """The first row `query` returns (None: none); `reading`: a missing table is
        MissingTable rather than an error."""
        return self._execute(place, query, parameters, rows=True, reading=reading)

    def commit(self, place: Place) -> None:
        self._execute(place, b"COMMIT", committing=True)

    def _execute(
        self,
        place: Place,
        query: bytes,
        parameters: Any = None,
        *,
        rows: bool = False,
        committing: bool = False,
        reading: bool = False,
    ) -> tuple[Any, ...] | None:
        try:
            cursor = self.connection.execute(query, parameters)
            row: tuple[Any, ...] | None = cursor.fetchone() if rows else None
            return row
        except _module.Error as error:
            failure = _translated(place, error, self.timeout, committing, reading)
            if isinstance(failure, StateLockTimeout):
                self.lock_timed_out = failure
        # Raised outside the handler: psycopg's error (which may quote the URL, and holds
        # the connection with its password) is not even the new error's __context__.
        raise failure

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


_local = threading.local()


@contextmanager
def connection(place: Place) -> Iterator[Link]:
    """A connection of this thread to `place.url`: an idle one, or a new one, given back after."""
    pool: dict[str, list[Link]] = _local.__dict__.setdefault("idle", {})
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


def held() -> set[tuple[str, str, str]]:
    """The states this thread holds a session of: (url, table, key)."""
    found: set[tuple[str, str, str]] = _local.__dict__.setdefault("held", set())
    return found


def _connect(place: Place) -> Link:
    options: dict[str, Any] = {"autocommit": True}
    failure: Exception
    try:
        if "connect_timeout" not in _module.conninfo.conninfo_to_dict(place.url):
            options["connect_timeout"] = _CONNECT_TIMEOUT
        return Link(_module.connect(place.url, **options))
    except _module.ProgrammingError as error:  # libpq cannot parse the URL
        failure = StateConfigError("url", f"{place.name}: {_first_line(place, error)}")
    except UnicodeError:  # a %XX escape that is not UTF-8: its text would show the secret
        failure = StateConfigError(
            "url", f"{place.name}: a %-escape in the URL is not UTF-8 text; encode it as UTF-8"
        )
    except _module.OperationalError as error:
        failure = _refused(place, error, connecting=True) or StateUnavailableError(
            place.name, place.host, _first_line(place, error)
        )
    except _module.Error as error:
        failure = StateDatabaseError(place.name, error.sqlstate, _first_line(place, error))
    raise failure  # outside the handler: see Link._execute


#: What a server says when it refuses a client it reached: these are for the user to fix
#: (libpq gives no SQLSTATE for a refused connection, only the server's words).
_REFUSALS = (
    "authentication failed",
    "no password supplied",
    "no pg_hba.conf entry",
    "does not exist",
    "permission denied",
    "not permitted to log in",
)


def _refused(place: Place, error: Exception, *, connecting: bool) -> StateConfigError | None:
    """The StateConfigError for a server that refused these credentials (or this database),
    else None; `connecting`: judged by the server's words, as there is no SQLSTATE."""
    sqlstate = getattr(error, "sqlstate", None) or ""
    reason = _first_line(place, error)
    words = connecting and any(refusal in reason for refusal in _REFUSALS)
    if not (sqlstate.startswith(("28", "3D")) or words):
        return None
    return StateConfigError(
        "url",
        f"{place.name}: the database server {place.host} refused the connection ({reason}); "
        "check the user name, password and database name in the URL (or its passfile)",
    )


#: SQLSTATEs of a connection lost or of a server stopping, starting or out of connections:
#: the state is unavailable until the server is back (libpq's own failures have none).
_UNAVAILABLE = ("08", "57P01", "57P02", "57P03", "57P05", "25P03", "53300")


def _translated(
    place: Place,
    error: Exception,
    timeout: float | None,
    committing: bool,
    reading: bool,
) -> Exception:
    """psycopg's `error` as the library's own, naming the state and the server."""
    errors = _module.errors
    sqlstate: str | None = getattr(error, "sqlstate", None)
    if isinstance(error, errors.LockNotAvailable):
        where = f"on the row {place.key!r} of the table {place.table}"
        return StateLockTimeout(place.name, where, timeout if timeout is not None else 0.0)
    if isinstance(error, errors.UndefinedTable) and reading:
        return MissingTable()
    lost = sqlstate is None or sqlstate.startswith(_UNAVAILABLE)
    if isinstance(error, _module.OperationalError) and lost:
        kind = StateCommitUnknownError if committing else StateUnavailableError
        return kind(place.name, place.host, _first_line(place, error))
    refused = _refused(place, error, connecting=False)
    if refused is not None:
        return refused
    if isinstance(error, errors.QueryCanceled):
        if committing:
            return StateCommitUnknownError(place.name, place.host, _first_line(place, error))
        reason = (
            f"the statement was cancelled ({_first_line(place, error)}): it ran longer than "
            "the server's statement_timeout, or was cancelled by hand; raise statement_timeout "
            "for this role or database, or find what slowed the server"
        )
        return StateDatabaseError(place.name, sqlstate, reason)
    if isinstance(error, errors.UntranslatableCharacter):
        reason = f"PostgreSQL cannot store this text: {_first_line(place, error)}"
        return StateDatabaseError(place.name, sqlstate, reason)
    return StateDatabaseError(place.name, sqlstate, _first_line(place, error))


def _first_line(place: Place, error: BaseException) -> str:
    """The first line of a message of libpq's or the server's, with the URL's secrets taken
    out (before it is cut short: a cut must not leave half a password)."""
    lines = place.masked(str(error)).strip().splitlines()
    return lines[0][:300] if lines else type(error).__name__


#: psycopg, once imported.
_module: Any = None


def import_psycopg() -> Any:
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
