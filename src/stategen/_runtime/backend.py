"""Which engine keeps a state: a file path gives the file engine, a PostgreSQL URL PostgreSQL's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import arguments as _arguments
from .errors import StateConfigError
from .storage import Engine

if TYPE_CHECKING:
    from pathlib import Path

#: The table a package's states go in unless `table=` names another: one per package.
DEFAULT_TABLE = __name__.split(".")[0]
#: The key a state has in its table unless `key=` names another.
DEFAULT_KEY = "default"
#: What a location must start with to name a PostgreSQL database (libpq accepts both).
SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Opened:
    """An engine, and how errors name its state: `path` for a file (None for a database),
    `name` always."""

    engine: Engine
    path: Path | None
    name: str


def open_engine(
    location: object,
    *,
    journal: bool,
    key: str | None,
    table: str | None,
    max_bytes: int,
    durability: str = "full",
) -> Opened:
    """The engine of the state at `location`, a path or a URL; StateConfigError if the
    options do not fit that kind of location. A file engine reads no state file of more
    than `max_bytes` bytes; `durability` is one of `arguments.DURABILITIES`."""
    if is_database(location):
        assert isinstance(location, str)  # is_database() checked it
        if journal:
            raise StateConfigError(
                "journal",
                "journal mode is for state files; a database row is updated in place, "
                "so drop journal=True",
            )
        # Imported here: a program that keeps its state in files never loads the engine, and
        # a project generated without PostgreSQL (`postgres: false`) does not have it.
        try:
            from .engines.postgres import url as _dburl  # type: ignore[import-not-found,unused-ignore]
            from .engines.postgres.engine import PostgresEngine  # type: ignore[import-not-found,unused-ignore]
        except ImportError as error:
            if not (error.name or "").startswith(f"{__package__}.engines.postgres"):
                raise
            raise StateConfigError(
                "path",
                "this project was generated without PostgreSQL, so it cannot keep a state at "
                "a postgresql:// URL; add `postgres: true` to stategen.yml and run "
                "`stategen bump`, then install the project's `postgres` extra (psycopg)",
            ) from None
        place = _dburl.place(
            location,
            key=DEFAULT_KEY if key is None else key,
            table=DEFAULT_TABLE if table is None else table,
        )
        return Opened(PostgresEngine(place, durability=durability), None, place.name)
    for name, value in (("key", key), ("table", table)):
        if value is not None:
            raise StateConfigError(
                name,
                f"{name}= names a state in a database, and a file holds one state: drop "
                f"{name}=, or give a postgresql:// URL instead of a path",
            )
    from .engines.files.engine import FileEngine

    path = _arguments.absolute_path(location)
    engine = FileEngine(path, journal=journal, max_bytes=max_bytes, durability=durability)
    return Opened(engine, path, str(path))


def is_database(location: object) -> bool:
    """Whether `location` names a state in a database (a PostgreSQL URL), not a file."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def split_key(url: str) -> tuple[str, str | None]:
    """A database location typed on a command line, as the manager takes it: the URL, and
    the key its `#KEY` ending names (None without one)."""
    # A `#` in a user name or password (unencoded: the URL is refused, without showing it)
    # is not the key's: the key starts at the first `#` after the `@` that ends them.
    start = url.find("://") + 3
    path = url.find("/", start)
    user_end = url.rfind("@", start, path if path >= 0 else len(url))
    hash_mark = url.find("#", max(user_end, start))
    if hash_mark < 0:
        return url, None
    return url[:hash_mark], url[hash_mark + 1 :]
