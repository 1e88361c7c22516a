"""The detail sections of the page: the peers, contention, and scale."""

from __future__ import annotations

from pathlib import Path

from . import _plot
from ._breakdown import FLOOR_STEPS
from ._contention import Contention
from ._format import NONE, TO, Page, X, ratio, seconds, spread
from ._payload import human
from ._run import CHANGED, FLOOR_JSON, RAW_JSON, Results
from ._setup import FLOOR, OURS
from ._stats import Entry, Summary


def between(ours: Entry | None, base: Entry | None) -> Summary | None:
    return ours.against(base) if ours is not None and base is not None else None


def peers_section(page: Page, r: Results) -> None:
    page.add(
        "## Peers, in the same run",
        "",
        f"Every store saves and loads the same {human(r.typical_bytes)} batch state as one "
        "document (the peers pickle it, as they do by default). Times are medians per call; "
        "ratios are per round, against the floor (save) and raw `json.loads` (load). This is "
        f"one race of all stores ({r.config.rounds} rounds), separate from the headline's; "
        "the stores take turns and share the CPU caches, so compare ratios, not times, "
        "with the headline.",
        "",
    )
    rows = []
    for name, entry in r.peer_save.items():
        load = r.peer_load.get(RAW_JSON if name == FLOOR else name)
        rows.append(
            [
                name,
                seconds(entry.seconds.median),
                ratio(entry.ratio) if entry.ratio else "1 (baseline)",
                spread(entry.ratio),
                seconds(load.seconds.median) if load else NONE,
                (ratio(load.ratio) if load.ratio else "1 (baseline)") if load else NONE,
                spread(load.ratio) if load else NONE,
            ]
        )
    page.table(["store", "save", f"{X} floor", "spread", "load", f"{X} raw json", "spread"], rows)
    page.add(
        "What each store promises. *Atomic*: a crash in the middle of a save leaves the old or "
        "the new state, never a torn one. *fsync*: what reaches the disk before a save returns, "
        "as the code is written; the next column counts the calls under strace. *Across "
        "processes*: whether concurrent read-modify-writes are safe; the last column is what "
        "the contention test actually saw.",
        "",
    )
    rows = []
    for name, guarantee in r.guarantees.items():
        counted = r.syscalls.get(name) if isinstance(r.syscalls, dict) else None
        run = run_of(r, name)
        rows.append(
            [
                name,
                guarantee.atomic,
                guarantee.fsync,
                counted.describe()
                if counted
                else (r.syscalls if isinstance(r.syscalls, str) else NONE),
                guarantee.processes,
                f"{run.processes} {X} {run.increments}: {run.verdict}" if run else NONE,
            ]
        )
    page.table(
        [
            "store",
            "atomic?",
            "fsync?",
            "per save (strace)",
            "across processes?",
            "contention, measured",
        ],
        rows,
    )


def contention_section(page: Page, r: Results) -> None:
    page.add(
        "## Contention",
        "",
        "Each process adds one to `current_index` with the store's own read-modify-write idiom; "
        "all start together, and the time runs from the start signal to the last process done. "
        "Where a store ran several times, the total is the median (with the range) and the "
        "lost updates are the worst run's.",
        "",
    )
    rows = []
    for name in dict.fromkeys(run.name for run in r.contention):
        runs = runs_of(r, name)
        total = Summary.of([run.seconds for run in runs])
        worst = max(runs, key=_badness)
        rows.append(
            [
                name,
                f"{worst.processes} {X} {worst.increments}",
                seconds(total.median)
                + (
                    f" ({seconds(total.low)}{TO}{seconds(total.high)}, {total.n} runs)"
                    if total.n > 1
                    else ""
                ),
                seconds(total.median / worst.expected),
                "unreadable" if worst.lost is None else f"{worst.lost} of {worst.expected}",
                str(worst.errors),
                worst.first_error or "",
            ]
        )
    page.table(
        [
            "store",
            f"processes {X} increments",
            "total",
            "per increment",
            "lost updates",
            "errors",
            "first error",
        ],
        rows,
    )
    ours = runs_of(r, OURS)
    if ours:
        worst = max(ours, key=_badness)
        page.add(
            f"Lost updates with stategen: {worst.lost} of {worst.expected} "
            f"(the worst of {len(ours)} run{'s' if len(ours) > 1 else ''}).",
            "",
        )


def _badness(run: Contention) -> tuple[bool, int, int]:
    return (run.lost is None, run.lost or 0, run.errors)


def scale_section(page: Page, r: Results, images: Path) -> None:
    page.add(
        "## Scale",
        "",
        f"The same batch state grown from {human(r.scale[0].size)} to {human(r.scale[-1].size)}"
        f" (fewer rounds from 1 MB up; n is in the spread).",
        "",
    ) if r.scale else page.add("## Scale", "")
    rows = []
    for point in r.scale:
        save, floor, dumps = point.save.get(OURS), point.save[FLOOR], point.save.get(FLOOR_JSON)
        rows.append(
            [
                human(point.size),
                seconds(save.seconds.median) if save else NONE,
                seconds(floor.seconds.median),
                ratio(save.ratio) if save else NONE,
                spread(save.ratio) if save else NONE,
                seconds(dumps.seconds.median) if dumps else NONE,
                ratio(between(save, dumps)),
            ]
        )
    page.table(
        [
            "size",
            "save()",
            "floor",
            f"{X} floor",
            "spread",
            "floor + json.dumps",
            f"{X} floor + json.dumps",
        ],
        rows,
    )
    page.add(
        "`load()` of a file unchanged since the manager last read it compares the bytes with "
        "those it read and skips the parse; of a changed file it parses, as a first load does.",
        "",
    )
    rows = []
    for point in r.scale:
        load, raw = point.load.get(OURS), point.load[RAW_JSON]
        changed = point.load.get(CHANGED)
        rows.append(
            [
                human(point.size),
                seconds(raw.seconds.median),
                seconds(changed.seconds.median) if changed else NONE,
                ratio(changed.ratio) if changed else NONE,
                spread(changed.ratio) if changed else NONE,
                seconds(load.seconds.median) if load else NONE,
                ratio(load.ratio) if load else NONE,
            ]
        )
    page.table(
        [
            "size",
            "raw json.loads",
            "load(), file changed",
            f"{X} raw json",
            "spread",
            "load(), unchanged",
            f"{X} raw json",
        ],
        rows,
    )
    if _plot.plot_scale(r.scale, OURS, FLOOR, FLOOR_JSON, RAW_JSON, images / "scale.png"):
        page.add(f"![save and load time against state size]({images.name}/scale.png)", "")
    else:
        page.add("(No plot: matplotlib is not installed.)", "")
    for kind in ("save", "load"):
        shown = [point for point in r.scale if point.breakdown.get(kind)]
        if not shown:
            continue
        page.add(f"### Where `{kind}()` spends its time", "")
        phases = list(shown[0].breakdown[kind])
        rows = []
        for phase in phases:
            row = [phase + (" (floor)" if phase in FLOOR_STEPS else "")]
            for point in shown:
                parts = point.breakdown[kind]
                share = 100 * parts.get(phase, 0.0) / (sum(parts.values()) or 1.0)
                row.append(f"{seconds(parts.get(phase, 0.0))} ({share:.0f}%)")
            rows.append(row)
        page.table(["phase", *(human(point.size) for point in shown)], rows)
        picture = images / f"breakdown-{kind}.png"
        if _plot.plot_breakdown(shown, kind, picture):
            page.add(f"![where {kind}() spends its time]({images.name}/{picture.name})", "")


def run_of(r: Results, name: str) -> Contention | None:
    """The worst run of store `name` (most lost updates, then most errors)."""
    runs = runs_of(r, name)
    return max(runs, key=_badness) if runs else None


def runs_of(r: Results, name: str) -> list[Contention]:
    return [run for run in r.contention if run.name == name]
