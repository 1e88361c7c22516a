"""Who holds a state's row lock in PostgreSQL, as the server tells it, asked without waiting.

A session locks its row with `SELECT ... FOR UPDATE`, which marks the row with the id of its
transaction (the row's `xmax`); a transaction holds a lock on its own id while it runs
(`pg_locks`), and `pg_stat_activity` says whose session that is. Only asked when a lock timed
out, or by `describe_lock()`: a session never pays for it. A row locked by several
transactions at once (a multixact) names none, and the server shows another role's client
and start time only to a member of pg_read_all_stats: those come out as unknown.
"""

from typing import Any

from ...errors import StateError, StateLockTimeout
from ...lockholder import FREE, LockHolder, held_by
from .connection import Link, MissingTable, import_psycopg
from .url import Place

_HOLDER = """\
SELECT a.pid, coalesce(a.client_hostname, host(a.client_addr), ''),
    coalesce(a.application_name, ''), extract(epoch FROM a.xact_start)::float8
FROM {table} AS t
JOIN pg_locks AS l ON l.locktype = 'transactionid' AND l.transactionid = t.xmax AND l.granted
JOIN pg_stat_activity AS a ON a.pid = l.pid
WHERE t.key = %(key)s AND a.pid <> pg_backend_pid()
LIMIT 1"""
#: One try at the row's lock that does not wait (its transaction is rolled back at once).
_TRY = "SELECT 1 FROM {table} WHERE key = %(key)s FOR UPDATE NOWAIT"


def named(link: Link, place: Place, error: StateLockTimeout) -> StateLockTimeout:
    """`error`, a lock timeout of the row at `place` (its transaction rolled back since), with
    the session that holds the row named."""
    return StateLockTimeout(error.path, error.lock_path, error.timeout, holder(link, place))


def describe(link: Link, place: Place) -> str:
    """`Engine.describe_lock` for the row at `place`: "free", or who holds it."""
    link.run(place, b"BEGIN")
    held = False
    try:
        link.fetch(place, _statement(_TRY, place), {"key": place.key}, reading=True)
    except MissingTable:  # no table yet, so no row to hold
        pass
    except StateLockTimeout:
        held = True
    finally:
        link.rollback()
    return held_by(holder(link, place)) if held else FREE


def holder(link: Link, place: Place) -> LockHolder | str:
    """The session holding the row at `place`, or why the server does not say."""
    try:
        row = link.fetch(place, _statement(_HOLDER, place), {"key": place.key}, reading=True)
    except (StateError, MissingTable) as failure:
        return f"the server could not say ({getattr(failure, 'reason', type(failure).__name__)})"
    if row is None:
        return "the server names no session holding it (it may have let go since)"
    pid, host, command, since = row
    return LockHolder(
        int(pid), str(host), str(command), None if since is None else float(since), database=True
    )


def _statement(template: str, place: Place) -> bytes:
    sql: Any = import_psycopg().sql
    query: bytes = sql.SQL(template).format(table=sql.Identifier(place.table)).as_bytes(None)
    return query
