"""Transactions on states of other shapes: a crawler's, and a list whose items carry a pattern.

A crawler keeps a FIFO frontier, a set of visited pages and a count per site; each
transaction takes one page off the frontier, visits it and queues two more. It runs in
journal and in snapshot mode, racing. The pattern race times the same append to a list of
100,000 items checked by a `pattern:` and to one without it: a transaction checks only the
values it changed, so the rule should cost next to nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

from ._stats import Entry, race

CRAWL_JOURNAL = "crawler transaction(), journal mode"
CRAWL_SNAPSHOT = "crawler transaction(), snapshot mode"
PATTERN = "transaction() appending to a list[str] with `items: {pattern: …}`"
PLAIN = "the same append to a list[str] without it"
SITES = 1_000

#: Two specs generated beside the example: a crawler's state, and two lists of codes.
CRAWL_SPEC = """\
name: bench-crawl
package: bench_crawl
state: CrawlState
version: 1.0.0
description: A crawler's state, for transactions on a queue, a set and counts.
fields:
  frontier: {type: "list[str]", default: []}
  visited: {type: "set[str]", default: []}
  per_site: {type: "dict[str, int]", default: {}}
"""
CODES_SPEC = """\
name: bench-codes
package: bench_codes
state: CodesState
version: 1.0.0
description: Two lists of codes, one checked by a pattern.
fields:
  checked: {type: "list[str]", default: [], items: {pattern: '^code-[0-9]+$'}}
  plain: {type: "list[str]", default: []}
"""


@dataclass(frozen=True)
class Shapes:
    """The two races, at `items` items each."""

    items: int
    crawl: dict[str, Entry]
    pattern: dict[str, Entry]


def shapes_race(root: Path, items: int, rounds: int, block: float) -> Shapes:
    """Both races, each on states of `items` items in files of their own under `root`."""
    crawl = _manager_class(root, "crawl", CRAWL_SPEC)
    codes = _manager_class(root, "codes", CODES_SPEC)
    crawled = _crawl_race(root, crawl, items, rounds, block)
    return Shapes(items, crawled, _pattern_race(root, codes, items, rounds, block))


def _manager_class(root: Path, name: str, spec: str) -> Any:
    from ._generator import generate
    from ._ours import generated_package, import_generated, manager_class

    project = generate(root / f"{name}-project", spec)
    return manager_class(import_generated(*generated_package(project)))


def _crawl_race(
    root: Path, manager_of: Any, items: int, rounds: int, block: float
) -> dict[str, Entry]:
    pages = [f"https://site-{index % SITES}.example/{index:08d}" for index in range(items)]
    managers = {
        journal: manager_of(root / f"crawl-{journal}" / "crawl.json", journal=journal)
        for journal in (True, False)
    }
    start = managers[True].state_type(
        frontier=pages[: items // 2],
        visited=set(pages[items // 2 :]),
        per_site={f"site-{index}": 0 for index in range(SITES)},
    )

    def crawler(manager: Any) -> Callable[[], None]:
        manager.save(start)
        steps = count()

        def step() -> None:
            with manager.transaction() as state:
                page = state.frontier.pop(0)
                state.visited.add(page)
                state.frontier += [f"{page}/a", f"{page}/b"]
                state.per_site[f"site-{next(steps) % SITES}"] += 1

        return step

    ops = {CRAWL_JOURNAL: crawler(managers[True]), CRAWL_SNAPSHOT: crawler(managers[False])}
    return race(ops, baseline=CRAWL_SNAPSHOT, rounds=rounds, block=block, max_inner=5)


def _pattern_race(
    root: Path, manager_of: Any, items: int, rounds: int, block: float
) -> dict[str, Entry]:
    codes = [f"code-{index}" for index in range(items)]

    def appender(field: str) -> Callable[[], None]:
        manager = manager_of(root / field / "codes.json", journal=True)
        manager.save(manager.state_type(**{field: codes}))
        added = count(items)

        def append() -> None:
            with manager.transaction() as state:
                getattr(state, field).append(f"code-{next(added)}")

        return append

    ops = {PATTERN: appender("checked"), PLAIN: appender("plain")}
    return race(ops, baseline=PLAIN, rounds=rounds, block=block, max_inner=5)
