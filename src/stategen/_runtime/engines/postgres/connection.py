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
    StateValidationError,
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
        MissingTable rather than an error."""
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
                raise MissingTable() from None
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
    try:
        if "connect_timeout" not in _module.conninfo.conninfo_to_dict(place.url):
            options["connect_timeout"] = _CONNECT_TIMEOUT
    except _module.ProgrammingError as error:
        raise StateConfigError("url", f"{place.name}: {_first_line(error)}") from None
    try:
        link = Link(_module.connect(place.url, **options))
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
