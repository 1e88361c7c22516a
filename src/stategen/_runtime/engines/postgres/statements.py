"""The PostgreSQL engine's SQL: its two tables, and each statement with their names filled in.

A row per key holds the fields (`jsonb`), the schema version, a generation (one more at each
write) and `updated_at`. Each write first copies the row it replaces into the history table,
marked good (the backup) or not (a damaged state kept aside), and trims that key's history
to its newest `HISTORY` rows, all in one statement. Trimming is done at every `HISTORY`th
generation only (a key keeps fewer than twice HISTORY rows): each write costs less. A row
a migration replaced (`upgrade`) is never trimmed, as a file's `.v<version>.bak` is kept.
A delete empties the key's row (its generation goes on counting) and drops its history, in
one transaction.
"""

from .connection import import_psycopg
from .url import Place

#: How many replaced generations each key keeps in the history table.
HISTORY = 5

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
_LOCK_FOR_DELETE = "SELECT document IS NOT NULL FROM {table} WHERE key = %(key)s FOR UPDATE"
#: A deleted state's row stays, emptied, so that its generation keeps counting: a client that
#: holds the deleted state knows it by its generation, which must never name a later state.
_EMPTY = """\
UPDATE {table} SET document = NULL, version = NULL, generation = generation + 1,
    updated_at = now()
WHERE key = %(key)s"""
_DROP_HISTORY = """\
WITH dropped AS (DELETE FROM {history} WHERE key = %(key)s RETURNING 1)
SELECT count(*) FROM dropped"""
_HISTORY = "SELECT json_agg(generation ORDER BY id) FROM {history} WHERE key = %(key)s"
#: The columns of the table named `%(table)s` (quoted, as to_regclass takes it), in one row:
#: a JSON array of [name, type, NOT NULL].
COLUMNS = b"""\
SELECT json_agg(json_build_array(attname, format_type(atttypid, atttypmod), attnotnull))
FROM pg_attribute WHERE attrelid = to_regclass(%(table)s) AND attnum > 0 AND NOT attisdropped"""
#: Each table's columns as `_SCHEMA` makes them: (type, NOT NULL). A table made beforehand
#: by hand must have them too, or a statement meets a NULL or a type it cannot use.
SHAPE = {
    "table": {
        "key": ("text", True),
        "version": ("text", False),
        "generation": ("bigint", True),
        "document": ("jsonb", False),
    },
    "history": {
        "id": ("bigint", True),
        "key": ("text", True),
        "generation": ("bigint", True),
        "version": ("text", False),
        "document": ("jsonb", True),
        "good": ("boolean", True),
        "upgrade": ("boolean", True),
    },
}


def misfits(expected: dict[str, tuple[str, bool]], found: list[tuple[str, str, bool]]) -> list[str]:
    """What is wrong with a table whose columns are `found` (name, type, NOT NULL), for one
    that should have `expected`: a column missing, of another type, or that may be NULL."""
    columns = {name: (kind, not_null) for name, kind, not_null in found}
    problems = []
    for name, (kind, not_null) in expected.items():
        if name not in columns:
            problems.append(f"it has no column {name}")
        elif columns[name][0] != kind:
            problems.append(f"its column {name} is {columns[name][0]}, not {kind}")
        elif not_null and not columns[name][1]:
            problems.append(f"its column {name} may be NULL (it must be NOT NULL)")
    return problems


class Statements:
    """Each statement of the engine for the tables of `place`, as bytes for psycopg."""

    __slots__ = (
        "backup",
        "drop_history",
        "empty",
        "exists",
        "history",
        "lock_for_delete",
        "lock_row",
        "placeholder",
        "read",
        "read_generation",
        "schema",
        "write",
    )

    def __init__(self, place: Place) -> None:
        sql = import_psycopg().sql
        names = {
            "table": sql.Identifier(place.table),
            "history": sql.Identifier(place.history),
            "history_index": sql.Identifier(f"{place.history}_key"),
        }

        def statement(template: str) -> bytes:
            # Identifiers are quoted by psycopg; the values stay %(name)s parameters.
            query: bytes = sql.SQL(template).format(**names).as_bytes(None)
            return query

        self.schema = statement(_SCHEMA)
        self.lock_row = statement(_LOCK_ROW)
        self.placeholder = statement(_PLACEHOLDER)
        self.write = statement(_WRITE)
        self.read = statement(_READ)
        self.read_generation = statement(_READ_GENERATION)
        self.exists = statement(_EXISTS)
        self.backup = statement(_BACKUP)
        self.lock_for_delete = statement(_LOCK_FOR_DELETE)
        self.empty = statement(_EMPTY)
        self.drop_history = statement(_DROP_HISTORY)
        self.history = statement(_HISTORY)
