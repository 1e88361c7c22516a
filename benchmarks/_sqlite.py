"""The baselines a user would otherwise keep a batch in: a SQLite row per item, and diskcache."""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

Synchronous = Literal["FULL", "NORMAL", "OFF"]


class SqliteItems:
    """A table of one row per item in WAL mode, at the `synchronous` level given."""

    def __init__(self, path: Path, keys: list[str], synchronous: Synchronous = "FULL") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute("CREATE TABLE items (name TEXT PRIMARY KEY, done INTEGER NOT NULL)")
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO items VALUES (?, 0)", ((key,) for key in keys))
        self.db.execute("COMMIT")
        self.keys = itertools.cycle(keys)

    def update(self) -> None:
        self.update_key(next(self.keys))

    def update_key(self, key: str) -> None:
        # `done + 1`, not `= 1`: an UPDATE that leaves a row as it was commits nothing to the
        # WAL, and the baseline would then skip the sync it exists to pay.
        self.db.execute("UPDATE items SET done = done + 1 WHERE name = ?", (key,))

    def update_many(self, keys: Iterable[str]) -> None:
        """One UPDATE per key, all in one transaction: one commit."""
        self.db.execute("BEGIN")
        for key in keys:
            self.update_key(key)
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


def diskcache_of(directory: Path, keys: list[str]) -> Any:
    """diskcache with SQLite's FULL sync, holding one key per item; None if not installed."""
    try:
        import diskcache  # type: ignore[import-untyped]
    except ImportError:
        return None
    cache = diskcache.Cache(str(directory), sqlite_synchronous=2)
    with cache.transact():
        for key in keys:
            cache.set(key, 0)
    return cache


@contextlib.contextmanager
def syncs_stubbed() -> Iterator[None]:
    """os.fsync and os.fdatasync do nothing inside the block (this process only).

    The generated library calls both through the `os` module, so this takes every sync out
    of its operations; SQLite syncs in C, out of reach, so its baseline uses
    `PRAGMA synchronous=OFF` instead.
    """
    fsync = os.fsync
    fdatasync = getattr(os, "fdatasync", None)
    os.fsync = _nothing
    if fdatasync is not None:
        os.fdatasync = _nothing
    try:
        yield
    finally:
        os.fsync = fsync
        if fdatasync is not None:
            os.fdatasync = fdatasync


def _nothing(fd: object) -> None:
    """A sync that does not sync."""


def version() -> str:
    """The SQLite library's version, for the page."""
    return f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}"
