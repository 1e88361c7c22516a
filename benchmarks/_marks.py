"""Marks against SQLite at the matching sync level, and many items in one update against one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ._sqlite import SqliteItems, syncs_stubbed
from ._stats import Entry, Summary, race

NORMAL = 'stategen mark_completed(), journal mode, durability="normal"'
SQLITE_NORMAL = "SQLite WAL, synchronous=NORMAL: one-row UPDATE"
STUBBED = "stategen mark_completed(), journal mode, syncs stubbed"
SQLITE_OFF = "SQLite WAL, synchronous=OFF: one-row UPDATE"
SQLITE_MANY = "SQLite WAL, synchronous=FULL: the UPDATEs in one transaction"
TXN_MANY = "stategen transaction() appending the items to `completed`, journal mode"
MARK_MANY = "stategen mark_completed_many(items), journal mode"

T = TypeVar("T")

#: Makes a manager of the generated library: (path, journal=..., durability=...).
ManagerOf = Callable[..., Any]


def relaxed_race(
    root: Path,
    state: Any,
    manager_of: ManagerOf,
    *,
    rounds: int,
    block: float,
    budget: int,
) -> dict[str, Entry]:
    """One mark at durability "normal" and one with syncs stubbed, against SQLite at NORMAL
    and at OFF, in one race (none of them syncs on each call, so they cannot slow each other
    down through the disk as a sync would)."""
    features = list(state.features)
    normal = manager_of(root / "normal" / "state.json", journal=True, durability="normal")
    stubbed = manager_of(root / "stubbed" / "state.json", journal=True)
    normal.save(state)
    stubbed.save(state)
    sqlite_normal = SqliteItems(root / "sqlite-normal.db", features, "NORMAL")
    sqlite_off = SqliteItems(root / "sqlite-off.db", features, "OFF")
    left, right = iter(features), iter(features)

    def stubbed_mark() -> None:
        with syncs_stubbed():  # around this call only: the other contenders keep theirs
            stubbed.mark_completed(next(right))

    ops: dict[str, Callable[[], object]] = {
        SQLITE_NORMAL: sqlite_normal.update,
        NORMAL: lambda: normal.mark_completed(next(left)),
        SQLITE_OFF: sqlite_off.update,
        STUBBED: stubbed_mark,
    }
    try:
        return race(ops, baseline=SQLITE_NORMAL, rounds=rounds, block=block, max_inner=budget)
    finally:
        sqlite_normal.close()
        sqlite_off.close()
        os.sync()  # the pages these left unsynced go to the disk now, not in the next race


def stubbed_ratio(entries: dict[str, Entry]) -> Summary | None:
    """Per round: the stubbed mark over SQLite at synchronous=OFF."""
    ours, theirs = entries.get(STUBBED), entries.get(SQLITE_OFF)
    return ours.against(theirs) if ours and theirs else None


@dataclass(frozen=True)
class ManyPoint:
    """K items completed in one update of a batch of `items`, three ways, in one race."""

    items: int
    per_update: int
    entries: dict[str, Entry]

    def per_item(self, name: str) -> float | None:
        entry = self.entries.get(name)
        return entry.seconds.median / self.per_update if entry else None


def many_race(
    root: Path,
    state: Any,
    manager_of: ManagerOf,
    *,
    per_update: int,
    rounds: int,
    block: float,
) -> ManyPoint:
    """A transaction() and a mark_completed_many() of `per_update` items, each on a journal of
    its own, against as many SQLite UPDATEs in one transaction (WAL, synchronous=FULL)."""
    features = list(state.features)
    by_transaction = manager_of(root / "transaction" / "state.json", journal=True)
    by_mark = manager_of(root / "many" / "state.json", journal=True)
    by_transaction.save(state)
    by_mark.save(state)
    sqlite = SqliteItems(root / "sqlite.db", features)
    chunks = {name: _chunks(features, per_update) for name in (SQLITE_MANY, TXN_MANY, MARK_MANY)}

    def transaction() -> None:
        items = next(chunks[TXN_MANY])
        with by_transaction.transaction() as current:
            current.completed.extend(items)  # as a user would; the items are not yet in it

    ops: dict[str, Callable[[], object]] = {
        SQLITE_MANY: lambda: sqlite.update_many(next(chunks[SQLITE_MANY])),
        TXN_MANY: transaction,
        MARK_MANY: lambda: by_mark.mark_completed_many(next(chunks[MARK_MANY])),
    }
    # Each call completes `per_update` more items: the race must not run out of them.
    budget = max(1, (len(features) * 3 // 4) // (per_update * rounds) - 1)
    try:
        entries = race(ops, baseline=SQLITE_MANY, rounds=rounds, block=block, max_inner=budget)
    finally:
        sqlite.close()
    return ManyPoint(len(features), per_update, entries)


def _chunks(features: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(features) - size + 1, size):
        yield features[start : start + size]


def attempt(measure: Callable[[], T]) -> T | str:
    """What `measure` returns, or why it failed (one line): one figure's failure is not all's."""
    try:
        return measure()
    except Exception as error:
        text = " ".join(str(error).split())
        return f"failed: {type(error).__name__}: {text[:300]}"
