"""The PostgreSQL engine's part of the page: its headline rows and its tables."""

from __future__ import annotations

from ._format import NONE, Page, X, ratio, seconds, spread, verdict
from ._postgres import HAND_LOAD, HAND_TXN, OURS_LOAD, OURS_TXN, PostgresResults

TXN_TARGET = 1.3  # transaction() against the same SELECT … FOR UPDATE + UPDATE by hand


def postgres_headline(pr: PostgresResults) -> list[list[str]]:
    """The PostgreSQL rows of the headline table."""
    if pr.problem or not pr.transaction:
        return [["PostgreSQL `transaction()`", f"not measured: {pr.problem}", *[NONE] * 5]]
    ours, hand = pr.transaction[OURS_TXN], pr.transaction[HAND_TXN]
    return [
        [
            "PostgreSQL `transaction()` of one row",
            seconds(ours.seconds.median),
            f"{seconds(hand.seconds.median)} (SELECT … FOR UPDATE + UPDATE by hand)",
            ratio(ours.ratio),
            spread(ours.ratio),
            f"≤ {TXN_TARGET}{X}",
            verdict(ours.ratio, TXN_TARGET),
        ]
    ]


def postgres_section(page: Page, pr: PostgresResults) -> None:
    page.add("## PostgreSQL", "")
    if pr.problem:
        page.not_measured(pr.problem)
        return
    page.add(
        f"A state of {pr.items} short strings and a counter in one row, on the local server "
        "of `scripts/postgres` (a Unix socket, `fsync` and `synchronous_commit` on). "
        "`transaction()` increments the counter; the hand-written baseline does the same in "
        "the same four round trips (BEGIN, `SELECT … FOR UPDATE`, `UPDATE`, COMMIT) with "
        "psycopg, without validation, history or error translation. The library's `UPDATE` "
        "also copies the replaced row into the history table (and trims that key's history "
        "every fifth generation), in the same statement.",
        "",
    )
    rows = []
    for entries, ours, hand in (
        (pr.transaction, OURS_TXN, HAND_TXN),
        (pr.load, OURS_LOAD, HAND_LOAD),
    ):
        rows.append(
            [
                ours,
                seconds(entries[ours].seconds.median),
                seconds(entries[hand].seconds.median),
                ratio(entries[ours].ratio),
                spread(entries[ours].ratio),
            ]
        )
    page.table(["", "stategen", "by hand", f"{X} by hand", "spread"], rows)
    page.add(
        "Transactions per second, all workers (processes) on one key, then each on a key of "
        "its own; the file engine beside it (one file, then a file each), for scale. On a "
        "machine of few cores, 16 workers measure the waiting more than the work.",
        "",
    )
    page.table(
        ["backend", "workers", "one key", "a key each"],
        [
            [t.backend, str(t.workers), f"{t.shared:,.0f}/s", f"{t.distinct:,.0f}/s"]
            for t in pr.throughput
        ],
    )
