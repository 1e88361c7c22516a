"""The page's rows for marks at each sync level, many items per update, record sizes, costs."""

from __future__ import annotations

from ._change_size import RECORD_TARGET, ChangeSize
from ._format import NONE, TO, Page, X, ratio, seconds, spread, verdict
from ._journal import JOURNAL, SQLITE, JournalResults, UpdatePoint
from ._marks import (
    MARK_MANY,
    NORMAL,
    SQLITE_MANY,
    SQLITE_NORMAL,
    SQLITE_OFF,
    STUBBED,
    TXN_MANY,
    ManyPoint,
    stubbed_ratio,
)
from ._payload import human
from ._stats import Entry, Summary

CPU_TARGET = 2.0  # one mark with syncs stubbed, against SQLite at synchronous=OFF
MANY_TARGET = 2.0  # per item, K items in one transaction() against K UPDATEs in one
MANY_GOAL = 1.2

Row = list[str]


def marks_headline(jr: JournalResults) -> list[Row]:
    """Headline rows: the relaxed marks at their worst size, K items per update, record sizes."""
    rows: list[Row] = []
    relaxed = [(p, p.relaxed) for p in jr.updates if isinstance(p.relaxed, dict)]
    failed = [p.relaxed for p in jr.updates if isinstance(p.relaxed, str)]
    if failed or not relaxed:
        rows.append(["one mark at each sync level", failed[0] if failed else "not run", *_dash(5)])
    else:
        point, entries = max(relaxed, key=lambda item: _median(item[1][NORMAL].ratio))
        normal = entries[NORMAL]
        rows.append(
            [
                f'`mark_completed()` at `durability="normal"`, the worst size '
                f"({point.items:,} items)",
                seconds(normal.seconds.median),
                f"{seconds(entries[SQLITE_NORMAL].seconds.median)} (SQLite WAL NORMAL row update)",
                ratio(normal.ratio),
                spread(normal.ratio),
                NONE,
                NONE,
            ]
        )
        point, entries = max(relaxed, key=lambda item: _median(stubbed_ratio(item[1])))
        cpu = stubbed_ratio(entries)
        rows.append(
            [
                f"CPU of one `mark_completed()`, syncs stubbed, the worst size ({point.items:,} "
                "items)",
                seconds(entries[STUBBED].seconds.median),
                f"{seconds(entries[SQLITE_OFF].seconds.median)} (SQLite WAL OFF row update)",
                ratio(cpu),
                spread(cpu),
                f"≤ {CPU_TARGET}{X}",
                verdict(cpu, CPU_TARGET),
            ]
        )
    if isinstance(jr.many, str):
        rows.append(["many items in one update", jr.many, *_dash(5)])
    else:
        rows += [_many_row(jr.many, TXN_MANY), _many_row(jr.many, MARK_MANY)]
    for change in jr.changes:
        if isinstance(change, str):
            rows.append(["one small change: bytes appended", change, *_dash(5)])
            continue
        rows.append(
            [
                f"{change.change}: bytes one transaction appends to the journal",
                _bytes(change),
                f"{human(change.snapshot_bytes)} (the snapshot)",
                NONE,
                f"{change.appended.n} transactions: {change.appended.low:.0f}{TO}"
                f"{change.appended.high:.0f} B",
                f"< {RECORD_TARGET // 1024} KB, no fold",
                "yes" if change.met() else "**no**",
            ]
        )
    return rows


def _many_row(point: ManyPoint, name: str) -> Row:
    entry = point.entries[name]
    what = (
        f"`transaction()` completing {point.per_update} items"
        if name == TXN_MANY
        else f"`mark_completed_many()` of {point.per_update} items"
    )
    return [
        f"{what} at {point.items:,} items, per item",
        seconds(point.per_item(name) or 0.0),
        f"{seconds(point.per_item(SQLITE_MANY) or 0.0)} (SQLite WAL FULL: "
        f"{point.per_update} UPDATEs, one transaction)",
        ratio(entry.ratio),
        spread(entry.ratio),
        f"≤ {MANY_TARGET}{X} (goal {MANY_GOAL}{X})" if name == TXN_MANY else NONE,
        verdict(entry.ratio, MANY_TARGET) if name == TXN_MANY else NONE,
    ]


def marks_section(page: Page, jr: JournalResults) -> None:
    """The detail tables under the journal's own."""
    _levels(page, jr.updates)
    _many(page, jr.many)
    _changes(page, jr.changes)
    _costs(page)


def _levels(page: Page, points: list[UpdatePoint]) -> None:
    page.add(
        "### Sync levels, and the CPU of a mark",
        "",
        'A durable mark (`durability="full"`, above) against SQLite at `synchronous=FULL`; '
        'at `durability="normal"` (journal appends are not synced: a crash of the process '
        "loses nothing, a power loss may lose the records since the last fold) against SQLite "
        "at `synchronous=NORMAL`; and the CPU alone: the default manager with `os.fsync` and "
        "`os.fdatasync` replaced by no-ops in this process around each of its calls, against "
        "SQLite at `synchronous=OFF` (SQLite syncs from C, where Python cannot stub them). "
        "The last four race in their own rounds, since none of them syncs on each call; each "
        "has a state file or a database of its own, and a fold that falls within the rounds "
        "is included.",
        "",
    )
    rows = []
    for point in points:
        full = point.fast.get(JOURNAL)
        head = [
            f"{point.items:,}",
            _pair(full, point.fast.get(SQLITE), point.amortised_ratio()),
        ]
        if isinstance(point.relaxed, str):
            rows.append([*head, point.relaxed, NONE, NONE, NONE])
            continue
        normal, cpu = point.relaxed[NORMAL], stubbed_ratio(point.relaxed)
        rows.append(
            [
                *head,
                _pair(normal, point.relaxed[SQLITE_NORMAL], normal.ratio),
                spread(normal.ratio),
                _pair(point.relaxed[STUBBED], point.relaxed[SQLITE_OFF], cpu),
                spread(cpu),
            ]
        )
    page.table(
        [
            "items",
            f"full: ours / SQLite FULL ({X})",
            f"normal: ours / SQLite NORMAL ({X})",
            "spread",
            f"syncs stubbed: ours / SQLite OFF ({X})",
            "spread",
        ],
        rows,
    )


def _many(page: Page, many: ManyPoint | str) -> None:
    if isinstance(many, str):
        page.add("### Many items in one update", "")
        page.not_measured(many)
        return
    page.add(
        "### Many items in one update",
        "",
        f"{many.per_update} items completed in one update of a batch of {many.items:,}, "
        "three ways racing in the same rounds, each on a file of its own: "
        "`with manager.transaction() as state: state.completed.extend(items)` (as a user "
        "would write it: the state is handed out as a copy and compared afterwards, only "
        "the new items checked, and one record appended), "
        "`manager.mark_completed_many(items)` (one record and its one sync, as "
        f"for one mark), and {many.per_update} SQLite `UPDATE`s in one transaction (WAL, "
        "`synchronous=FULL`).",
        "",
    )
    rows = [
        [
            name,
            seconds(entry.seconds.median),
            seconds(many.per_item(name) or 0.0),
            ratio(entry.ratio) if entry.ratio else "1",
            spread(entry.ratio),
        ]
        for name, entry in many.entries.items()
    ]
    page.table(["operation", "per update", "per item", f"{X} SQLite", "spread"], rows)


def _changes(page: Page, changes: list[ChangeSize | str]) -> None:
    page.add(
        "### Records sized by the change",
        "",
        "A transaction that removes the first item of a long list, or adds an item in the "
        "middle of a long set, changes a few bytes of a large state: the record it appends is "
        "a JSON Patch of that change. A set is saved sorted, so the new item lands at a "
        "position in the middle of the array. The example spec has no set field, so the set "
        "is the only field of a second spec, generated beside it for this figure.",
        "",
    )
    rows = []
    for change in changes:
        if isinstance(change, str):
            rows.append([change, NONE, NONE, NONE, NONE])
            continue
        rows.append(
            [
                change.change,
                human(change.snapshot_bytes),
                _bytes(change),
                f"{change.folded} of {change.seconds.n}",
                seconds(change.seconds.median),
            ]
        )
    page.table(
        ["change", "snapshot", "appended per transaction", "folded", "time per transaction"],
        rows,
    )


def _costs(page: Page) -> None:
    page.add(
        "### What each operation costs",
        "",
        "N is the size of the state, K the size of the change (the items marked, the values "
        "a transaction changed), J the bytes of the journal's records since the last fold (at "
        "most about N: the journal is folded once it holds as many bytes as the snapshot). A "
        'sync is an `fsync` or `fdatasync`; at `durability="normal"` a journal append makes '
        "none.",
        "",
    )
    page.table(
        ["operation", "snapshot mode (`journal=False`)", "journal mode (`journal=True`)"],
        [
            [
                "`load()`, first or of a changed file",
                "read, parse, validate and build: O(N)",
                "the same, plus replaying the journal: O(N + J)",
            ],
            [
                "`load()`, unchanged since this manager read it",
                "read and compare the bytes, validate and build: O(N), no parse",
                "read and compare length and CRC-32, validate and build: O(N), no parse; "
                "plus only the records appended since",
            ],
            [
                "`save()`",
                "write the whole state: O(N), 2 syncs (file, directory), backup link; "
                "written into the backup the save before retired, so no file is allocated "
                "or freed",
                "the same (a new snapshot; the journal starts empty)",
            ],
            [
                "`transaction()`",
                "hand out a copy of the state checked before (containers of text copied, "
                "O(N) at C speed; other values decoded and checked, O(N)); compare it after "
                "the block, checking and encoding only the K values that changed; then the "
                "write of `save()`: O(N)",
                "the same copy and comparison: O(N) C-speed passes over pointers, O(K) checks "
                "and encoding; one record appended: O(K) bytes, 1 sync",
            ],
            [
                "`mark_completed()`, `mark_completed_many()` (K items)",
                "apply the change, then the write of `save()`: O(N)",
                "O(K) CPU, one record of O(K) bytes, 1 sync (the mark rides on the next)",
            ],
            [
                "compaction (a fold)",
                "nothing to fold",
                "rewrite the snapshot, O(N), when the journal holds as many bytes as the "
                "snapshot: O(K) amortised per change",
            ],
        ],
    )


def _pair(ours: Entry | None, base: Entry | None, summary: Summary | None) -> str:
    if ours is None or base is None:
        return NONE
    return f"{seconds(ours.seconds.median)} / {seconds(base.seconds.median)} ({ratio(summary)})"


def _bytes(change: ChangeSize) -> str:
    if change.folded == change.seconds.n:
        return "folded every time"
    folded = f", {change.folded} folded" if change.folded else ""
    return f"{change.appended.median:.0f} B{folded}"


def _median(summary: Summary | None) -> float:
    return summary.median if summary else 0.0


def _dash(count: int) -> list[str]:
    return [NONE] * count
