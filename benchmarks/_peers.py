"""The stores a user would otherwise pick, each used the way its documentation shows.

Every peer keeps the whole state as one document, as a state file does. Their
guarantees were read from their source and are checked in the run: fsyncs are counted
with strace, and cross-process safety by the contention test.
"""

from __future__ import annotations

import importlib
import importlib.util
import shelve
from pathlib import Path
from typing import Any, ClassVar

from ._contenders import COUNTER, Contender, Document, Guarantee

KEY = "state"


class TinyDBPeer(Contender):
    """TinyDB 4 with its default JSONStorage; the state is document 1 of the default table."""

    label = "TinyDB (JSONStorage)"
    requires = "tinydb"
    guarantee = Guarantee(
        "no: rewrites the file in place (seek 0, write, truncate)",
        "file only (flush + fsync)",
        "no: no locking; concurrent writers corrupt the file",
    )

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        from tinydb import TinyDB

        self.db = TinyDB(directory / "tinydb.json")
        self.table = self.db.table("_default")

    def save(self, document: Document) -> None:
        from tinydb.table import Document as TinyDocument

        self.table.upsert(TinyDocument(document, doc_id=1))

    def load(self) -> Document:
        found = self.table.get(doc_id=1)
        assert isinstance(found, dict)
        return dict(found)

    def increment(self) -> None:
        from tinydb.operations import increment

        self.table.update(increment(COUNTER), doc_ids=[1])

    def close(self) -> None:
        self.db.close()


class SqliteDictPeer(Contender):
    """sqlitedict with autocommit=True: every assignment commits (pickled value)."""

    label = "sqlitedict (autocommit)"
    requires = "sqlitedict"
    autocommit = True
    guarantee = Guarantee(
        "yes (SQLite rollback journal)",
        "none: it sets PRAGMA synchronous=OFF",
        "no: each write is locked, but a read-modify-write is not isolated",
    )

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        from sqlitedict import SqliteDict  # type: ignore[import-untyped]

        self.db = SqliteDict(str(directory / "sqlitedict.sqlite"), autocommit=self.autocommit)

    def save(self, document: Document) -> None:
        self.db[KEY] = document
        if not self.autocommit:
            self.db.commit()

    def load(self) -> Document:
        loaded: Document = self.db[KEY]
        return loaded

    def increment(self) -> None:
        document = self.load()
        document[COUNTER] += 1
        self.save(document)

    def close(self) -> None:
        self.db.close()


class SqliteDictCommitPeer(SqliteDictPeer):
    """sqlitedict with autocommit=False and an explicit, blocking commit() after each save."""

    label = "sqlitedict (explicit commit)"
    autocommit = False


class DiskCachePeer(Contender):
    """diskcache.Cache with its defaults: SQLite in WAL mode with synchronous=NORMAL."""

    label = "diskcache (default)"
    requires = "diskcache"
    settings: ClassVar[dict[str, Any]] = {}
    guarantee = Guarantee(
        "yes (SQLite WAL)",
        "none per save (WAL synced only at checkpoints); values > 32 KB go to "
        "separate files that are never fsynced",
        "yes with cache.transact()",
    )

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        from diskcache import Cache  # type: ignore[import-untyped]

        self.cache = Cache(str(directory / f"diskcache{len(self.settings)}"), **self.settings)

    def save(self, document: Document) -> None:
        self.cache.set(KEY, document)

    def load(self) -> Document:
        loaded: Document = self.cache.get(KEY)
        return loaded

    def increment(self) -> None:
        with self.cache.transact():
            document = self.load()
            document[COUNTER] += 1
            self.save(document)

    def close(self) -> None:
        self.cache.close()


class DiskCacheFullPeer(DiskCachePeer):
    """diskcache.Cache(sqlite_synchronous=2): SQLite's FULL synchronous mode."""

    label = "diskcache (sqlite_synchronous=2)"
    settings: ClassVar[dict[str, Any]] = {"sqlite_synchronous": 2}
    guarantee = Guarantee(
        "yes (SQLite WAL)",
        "WAL fsynced on each commit; values > 32 KB go to separate files that are never fsynced",
        "yes with cache.transact()",
    )


def _dbm_backend() -> str:
    """The dbm module `shelve.open` picks on this Python: the first of gnu, ndbm, dumb."""
    for name in ("dbm.gnu", "dbm.ndbm"):
        if importlib.util.find_spec(name) is not None:
            try:
                importlib.import_module(name)
            except ImportError:
                continue
            return name
    return "dbm.dumb"


class ShelvePeer(Contender):
    """stdlib shelve over whichever dbm this Python has; opened per operation, as processes must."""

    label = f"shelve ({_dbm_backend()})"
    requires = "shelve"
    guarantee = Guarantee(
        "no: dbm updates its files in place",
        "none",
        "no: dbm.dumb has no locking; gdbm refuses a second writer",
    )

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.path = str(directory / "shelve")
        self.db: shelve.Shelf[Any] | None = None

    def _shelf(self) -> shelve.Shelf[Any]:
        if self.db is None:
            self.db = shelve.open(self.path)  # noqa: SIM115 - closed in close()
        return self.db

    def save(self, document: Document) -> None:
        db = self._shelf()
        db[KEY] = document
        db.sync()

    def load(self) -> Document:
        loaded: Document = self._shelf()[KEY]
        return loaded

    def increment(self) -> None:
        # Another process's writes are only visible to a freshly opened shelf.
        self.close()
        with shelve.open(self.path) as db:
            document = db[KEY]
            document[COUNTER] += 1
            db[KEY] = document

    def close(self) -> None:
        if self.db is not None:
            db, self.db = self.db, None
            db.close()


PEERS: tuple[type[Contender], ...] = (
    TinyDBPeer,
    SqliteDictPeer,
    SqliteDictCommitPeer,
    DiskCachePeer,
    DiskCacheFullPeer,
    ShelvePeer,
)


def available(peer: type[Contender]) -> bool:
    """Whether the peer's library is installed (`pip install -e ".[bench]"` installs them)."""
    module = getattr(peer, "requires", None)
    return module is None or importlib.util.find_spec(module) is not None
