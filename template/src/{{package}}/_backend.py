"""Which engine keeps a state: a file path gives a `FileEngine`, a PostgreSQL URL a `PostgresEngine`."""

from dataclasses import dataclass
from pathlib import Path

from . import _arguments, _dburl
from ._files import FileEngine
from ._postgres import PostgresEngine
from ._storage import Engine
from .errors import StateConfigError

#: The table a package's states go in unless `table=` names another: one per package.
DEFAULT_TABLE = __name__.split(".")[0]
#: The key a state has in its table unless `key=` names another.
DEFAULT_KEY = "default"


@dataclass(frozen=True)
class Opened:
    """An engine, and how errors name its state: `path` for a file (None for a database),
    `name` always."""

    engine: Engine
    path: Path | None
    name: str


def open_engine(location: object, *, journal: bool, key: str | None, table: str | None) -> Opened:
    """The engine of the state at `location`, a path or a URL; StateConfigError if the
    options do not fit that kind of location."""
    if _dburl.is_url(location):
        assert isinstance(location, str)  # is_url() checked it
        if journal:
            raise StateConfigError(
                "journal",
                "journal mode is for state files; a database row is updated in place, "
                "so drop journal=True",
            )
        place = _dburl.place(
            location,
            key=DEFAULT_KEY if key is None else key,
            table=DEFAULT_TABLE if table is None else table,
        )
        return Opened(PostgresEngine(place), None, place.name)
    for name, value in (("key", key), ("table", table)):
        if value is not None:
            raise StateConfigError(
                name,
                f"{name}= names a state in a database, and a file holds one state: drop "
                f"{name}=, or give a postgresql:// URL instead of a path",
            )
    path = _arguments.absolute_path(location)
    return Opened(FileEngine(path, journal=journal), path, str(path))
