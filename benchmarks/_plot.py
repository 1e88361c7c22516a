"""PNG plots of the scaling run (matplotlib, Agg backend); skipped when matplotlib is missing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._payload import human

if TYPE_CHECKING:
    from ._journal import UpdatePoint
    from ._run import ScalePoint


def plot_scale(
    points: list[ScalePoint], ours: str, floor: str, floor_json: str, raw: str, out: Path
) -> bool:
    """Time per call against state size for save, load and their baselines. False if skipped."""
    plt = _pyplot()
    if plt is None or not points:
        return False
    series = (
        ("save", ours, "stategen save()", "-o", "tab:blue"),
        ("save", floor_json, "floor + json.dumps", ":^", "tab:blue"),
        ("save", floor, "floor (same bytes)", "--s", "tab:blue"),
        ("load", ours, "stategen load()", "-o", "tab:orange"),
        ("load", raw, "raw json.loads", "--s", "tab:orange"),
    )
    figure, axis = plt.subplots(figsize=(7, 4.5), dpi=110)
    sizes = [point.size for point in points]
    for kind, name, label, style, colour in series:
        found = [getattr(point, kind).get(name) for point in points]
        entries = [entry.seconds for entry in found if entry is not None]
        if len(entries) != len(points):
            continue
        medians = [entry.median * 1e3 for entry in entries]
        low = [(entry.median - entry.q1) * 1e3 for entry in entries]
        high = [(entry.q3 - entry.median) * 1e3 for entry in entries]
        axis.errorbar(
            sizes,
            medians,
            yerr=[low, high],
            fmt=style,
            color=colour,
            label=label,
            capsize=3,
            markersize=4,
        )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(sizes, [human(size) for size in sizes])
    axis.set_xlabel("state file size")
    axis.set_ylabel("ms per call (median; bars: IQR)")
    axis.set_title("Save and load time as the state grows")
    axis.grid(True, which="major", alpha=0.3)
    axis.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)
    return True


def plot_breakdown(points: list[ScalePoint], kind: str, out: Path) -> bool:
    """Stacked phases of one save() or load() per size, as % of stategen's own total.

    For save, the floor's phases stand next to each bar on the same scale, so the gap
    between the two bars is what the library adds.
    """
    plt = _pyplot()
    shown = [point for point in points if point.breakdown.get(kind)]
    if plt is None or not shown:
        return False
    bars: list[tuple[str, dict[str, float], float]] = []
    for point in shown:
        ours = point.breakdown[kind]
        total = sum(ours.values()) or 1e-12
        bars.append((human(point.size), ours, total))
        floor = point.breakdown.get("floor") if kind == "save" else None
        if floor:
            bars.append(("floor", floor, total))
    phases = list(dict.fromkeys(phase for _, parts, _ in bars for phase in parts))
    colours = plt.get_cmap("tab20").colors
    figure, axis = plt.subplots(figsize=(8, 4.2), dpi=110)
    positions = list(range(len(bars)))
    bottoms = [0.0] * len(bars)
    for index, phase in enumerate(phases):
        shares = [100 * parts.get(phase, 0.0) / total for _, parts, total in bars]
        axis.bar(positions, shares, bottom=bottoms, label=phase, color=colours[index % 20])
        bottoms = [b + s for b, s in zip(bottoms, shares, strict=True)]
    axis.set_xticks(positions, [label for label, _, _ in bars], fontsize="small")
    axis.set_ylabel(f"% of one stategen {kind}()")
    axis.set_xlabel("state file size" + (" (each next to the floor)" if kind == "save" else ""))
    axis.set_title(f"Where {kind}() spends its time")
    axis.legend(fontsize="x-small", loc="center left", bbox_to_anchor=(1, 0.5))
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)
    return True


def plot_updates(points: list[UpdatePoint], out: Path) -> bool:
    """Log-log: microseconds per update against items, for each way to keep a batch."""
    from ._journal import DISKCACHE, SNAPSHOT, SQLITE

    plt = _pyplot()
    if plt is None or not points:
        return False
    figure, axis = plt.subplots(figsize=(7, 4.5), dpi=110)
    series = [
        ("journal mode (compactions included)", [p.amortised() for p in points], "-o"),
        ("snapshot mode", [_median(p.slow.get(SNAPSHOT)) for p in points], "-s"),
        ("SQLite WAL FULL, row update", [_median(p.fast.get(SQLITE)) for p in points], "--^"),
        ("diskcache, sqlite_synchronous=2", [_median(p.fast.get(DISKCACHE)) for p in points], ":v"),
    ]
    for label, values, style in series:
        shown = [(p.items, v * 1e6) for p, v in zip(points, values, strict=True) if v]
        if shown:
            axis.plot(*zip(*shown, strict=True), style, label=label, markersize=4)
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("items in the batch")
    axis.set_ylabel("µs per update (median)")
    axis.set_title("The cost of one update as the batch grows")
    axis.grid(True, which="major", alpha=0.3)
    axis.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)
    return True


def _median(entry: Any) -> float | None:
    return entry.seconds.median if entry is not None else None


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
