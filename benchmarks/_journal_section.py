"""The journal's part of the page: its headline rows, its tables, its plot and its notes."""

from __future__ import annotations

from pathlib import Path

from . import _plot
from ._format import NONE, Page, X, met, ratio, seconds, spread, verdict
from ._journal import (
    COLD,
    DISKCACHE,
    JOURNAL,
    RAW,
    SNAPSHOT,
    SQLITE,
    TXN_JOURNAL,
    TXN_SNAPSHOT,
    WARM,
    JournalResults,
    UpdatePoint,
)
from ._marks_section import marks_headline, marks_section
from ._memory import memory_row
from ._payload import human
from ._shapes_section import shapes_headline, shapes_section
from ._sqlite import version
from ._stats import Entry, Summary

UPDATE_TARGET = 1.2  # one durable journal-mode mark against the SQLite row update, every size
FLAT_TARGET = 1.5  # the update at the largest size against the smallest
LOOP_TARGET = 1.5  # a whole batch against N SQLite row updates


def journal_headline(jr: JournalResults) -> list[list[str]]:
    """The journal's rows of the headline table: its three targets."""
    if jr.problem or not jr.updates:
        return [["journal mode", f"not measured: {jr.problem}", NONE, NONE, NONE, NONE, NONE]]
    rows = []
    worst = max(jr.updates, key=lambda point: _median(point.amortised_ratio()))
    summary = worst.amortised_ratio()
    rows.append(
        [
            "one durable journal-mode `mark_completed()`, at every size: the worst "
            f"({worst.items:,} items), compactions included",
            seconds(worst.amortised() or 0.0),
            f"{seconds(worst.fast[SQLITE].seconds.median)} (SQLite WAL FULL row update)",
            ratio(summary),
            spread(summary),
            f"≤ {UPDATE_TARGET}{X}",
            verdict(summary, UPDATE_TARGET),
        ]
    )
    first, last = jr.updates[0], jr.updates[-1]
    growth = _growth(first, last)
    rows.append(
        [
            f"journal-mode `mark_completed()` at {last.items:,} items against {first.items:,}",
            seconds(last.amortised() or 0.0),
            f"{seconds(first.amortised() or 0.0)} (at {first.items:,} items)",
            f"{growth:.2f}{X}" if growth else NONE,
            "medians, compactions included",
            f"≤ {FLAT_TARGET}{X}",
            met(growth, FLAT_TARGET),
        ]
    )
    for loop in jr.loops:
        against_n = loop.ours / loop.sqlite
        rows.append(
            [
                f"whole batch, `next_pending()` + `mark_completed()` over {loop.items:,} items",
                seconds(loop.ours),
                f"{seconds(loop.sqlite)} ({loop.items:,} SQLite row updates)",
                f"{against_n:.2f}{X}",
                spread(loop.ratios),
                f"≤ {LOOP_TARGET}{X}",
                met(against_n, LOOP_TARGET),
            ]
        )
    return [*rows, *marks_headline(jr), *shapes_headline(jr.shapes), memory_row(jr.memory)]


def journal_section(page: Page, jr: JournalResults, images: Path) -> None:
    page.add("## Journal mode", "")
    if jr.problem:
        page.not_measured(jr.problem)
        return
    page.add(
        "One `mark_completed()` of a batch that grows from the first size to the last, in "
        "journal mode and in snapshot mode, against what a user would otherwise reach for: "
        f"a row per item in SQLite ({version()}; WAL, `synchronous=FULL`, one `UPDATE` per "
        "call, in a table of as many rows) and diskcache with `sqlite_synchronous=2` (one key "
        "per item). Each mark completes one more item of the batch. The journal mode and its "
        "peers race in one set of rounds, snapshot mode (slow by nature at the large sizes) in "
        "another, each against SQLite in the same rounds. A compaction rewrites the snapshot "
        "when the journal is full; its cost, timed separately, is spread over the records a "
        "journal holds at that size and added in the *with compactions* column, on which the "
        "targets are judged.",
        "",
    )
    rows = []
    for point in jr.updates:
        journal, sqlite = point.fast.get(JOURNAL), point.fast[SQLITE]
        disk = point.fast.get(DISKCACHE)
        snapshot = point.slow.get(SNAPSHOT)
        rows.append(
            [
                f"{point.items:,}",
                human(point.snapshot_bytes),
                seconds(journal.seconds.median) if journal else NONE,
                seconds(point.amortised() or 0.0),
                ratio(point.amortised_ratio()),
                spread(point.amortised_ratio()),
                seconds(sqlite.seconds.median),
                _against(disk),
                _against(snapshot),
            ]
        )
    page.table(
        [
            "items",
            "snapshot",
            "journal mode",
            "with compactions",
            f"{X} SQLite",
            "spread",
            "SQLite row update",
            f"diskcache ({X} SQLite)",
            f"snapshot mode ({X} SQLite)",
        ],
        rows,
    )
    rows = [
        [
            f"{point.items:,}",
            seconds(point.compaction or 0.0),
            f"{point.records_per_compaction:,.0f}",
            seconds(point.compaction_share),
        ]
        for point in jr.updates
    ]
    page.add("Compaction at each size (the median of three):", "")
    page.table(["items", "one compaction", "records per compaction", "per update"], rows)
    picture = images / "journal.png"
    if _plot.plot_updates(jr.updates, picture):
        page.add(
            f"![cost of one update against the number of items]({images.name}/journal.png)", ""
        )
    _loops(page, jr)
    _transaction(page, jr)
    _loads(page, jr)
    marks_section(page, jr)
    shapes_section(page, jr.shapes)


def _loops(page: Page, jr: JournalResults) -> None:
    if not jr.loops:
        return
    page.add(
        "### A whole batch",
        "",
        "`while (item := manager.next_pending()) is not None: manager.mark_completed(item)` "
        "over a fresh batch, in journal mode, against one SQLite row update per item; the two "
        "loops take turns in chunks of 2% of the items, and the spread is over the chunks.",
        "",
    )
    rows = [
        [
            f"{loop.items:,}",
            seconds(loop.ours),
            seconds(loop.ours / loop.items),
            seconds(loop.sqlite),
            f"{loop.ours / loop.sqlite:.2f}{X}",
            spread(loop.ratios),
        ]
        for loop in jr.loops
    ]
    page.table(["items", "journal mode", "per item", "SQLite updates", "ratio", "spread"], rows)


def _transaction(page: Page, jr: JournalResults) -> None:
    if not jr.transaction:
        return
    page.add(
        "### A generic transaction",
        "",
        f"`with manager.transaction() as state: state.current_index += 1` on a "
        f"{human(jr.transaction_bytes)} batch: the block gets the whole state, a copy of "
        "the one checked before; afterwards only the changed values are checked and written. "
        "The copy and the comparison grow with the state (C-speed passes over pointers); "
        "the checks and the write do not.",
        "",
    )
    rows = [
        [name, seconds(entry.seconds.median), ratio(entry.ratio) if entry.ratio else "1"]
        for name, entry in jr.transaction.items()
        if name in (SQLITE, JOURNAL, TXN_JOURNAL, TXN_SNAPSHOT)
    ]
    page.table(["operation", "per call", f"{X} SQLite"], rows)
    if jr.transaction_parts:
        rows = [[step, seconds(value)] for step, value in jr.transaction_parts.items()]
        page.table(["step of the journal-mode transaction (timed alone)", "time"], rows)


def _loads(page: Page, jr: JournalResults) -> None:
    if not jr.loads:
        return
    page.add(
        "### `load()` with a journal to replay",
        "",
        f"A {human(jr.load_bytes)} snapshot with a journal of each length. A manager made "
        "for the call reads the snapshot and replays every record; one that read the state "
        "before compares the snapshot's length and CRC-32 with those of the bytes it read "
        "(it keeps no copy of them) and reads only what was appended since.",
        "",
    )
    rows = []
    for point in jr.loads:
        raw, cold, warm = point.entries[RAW], point.entries[COLD], point.entries[WARM]
        rows.append(
            [
                f"{point.records:,}",
                seconds(raw.seconds.median),
                seconds(cold.seconds.median),
                ratio(cold.ratio),
                seconds(warm.seconds.median),
                ratio(warm.ratio),
            ]
        )
    page.table(
        [
            "journal records",
            "raw json.loads",
            "load(), new manager",
            f"{X} raw",
            "load(), warm manager",
            f"{X} raw",
        ],
        rows,
    )


def _against(entry: Entry | None) -> str:
    if entry is None:
        return NONE
    return f"{seconds(entry.seconds.median)} ({ratio(entry.ratio)})"


def _median(summary: Summary | None) -> float:
    return summary.median if summary else 0.0


def _growth(first: UpdatePoint, last: UpdatePoint) -> float | None:
    small, large = first.amortised(), last.amortised()
    return large / small if small and large else None
