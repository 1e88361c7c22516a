"""The page's rows for transactions on other shapes: a crawler's state, a checked list."""

from __future__ import annotations

from ._format import NONE, Page, X, ratio, seconds, spread
from ._shapes import CRAWL_JOURNAL, CRAWL_SNAPSHOT, PATTERN, PLAIN, SITES, Shapes

Row = list[str]


def shapes_headline(shapes: Shapes | str) -> list[Row]:
    """Headline rows: journal against snapshot mode for the crawler, a pattern's cost."""
    if isinstance(shapes, str):
        return [["transactions on other shapes", shapes, *[NONE] * 5]]
    crawl, pattern = shapes.crawl[CRAWL_JOURNAL], shapes.pattern[PATTERN]
    return [
        [
            f"crawler-shaped `transaction()` at {shapes.items:,} items, journal mode",
            seconds(crawl.seconds.median),
            f"{seconds(shapes.crawl[CRAWL_SNAPSHOT].seconds.median)} (the same in snapshot mode)",
            ratio(crawl.ratio),
            spread(crawl.ratio),
            NONE,
            NONE,
        ],
        [
            f"`transaction()` appending to a `pattern:`-checked list of {shapes.items:,}",
            seconds(pattern.seconds.median),
            f"{seconds(shapes.pattern[PLAIN].seconds.median)} (the same list, unchecked)",
            ratio(pattern.ratio),
            spread(pattern.ratio),
            NONE,
            NONE,
        ],
    ]


def shapes_section(page: Page, shapes: Shapes | str) -> None:
    """What each transaction does, and both races."""
    if isinstance(shapes, str):
        page.add("### Transactions on other shapes", "")
        page.not_measured(shapes)
        return
    page.add(
        "### Transactions on other shapes",
        "",
        f"A crawler's state: a FIFO `frontier: list[str]`, a `visited: set[str]` and "
        f"`per_site: dict[str, int]` of {SITES:,} sites, {shapes.items:,} pages in all. Each "
        "transaction pops the frontier's first page, adds it to `visited`, queues two more "
        "and counts the site; journal and snapshot mode race, each on a file of its own. "
        f"Then one append to a `list[str]` of {shapes.items:,} whose items carry "
        "`pattern: '^code-[0-9]+$'`, against the same append to a list without the rule: a "
        "transaction checks only what it changed. Both states come from specs of their own, "
        "generated beside the example.",
        "",
    )
    rows = [
        [
            name,
            seconds(entry.seconds.median),
            ratio(entry.ratio) if entry.ratio else "1",
            spread(entry.ratio),
        ]
        for race in (shapes.crawl, shapes.pattern)
        for name, entry in race.items()
    ]
    page.table(["transaction", "per call", f"{X} the second of its pair", "spread"], rows)
