"""Markdown building blocks: a page of lines, tables, and how times and ratios are shown."""

from __future__ import annotations

from ._stats import Summary

X = "\N{MULTIPLICATION SIGN}"
TO = "\N{EN DASH}"
NONE = "\N{EM DASH}"


def seconds(value: float) -> str:
    """0.000123 -> '123 µs', 0.0123 -> '12.3 ms', 1.5 -> '1.50 s'."""
    if value < 1e-3:
        return f"{value * 1e6:.3g} µs"
    if value < 1:
        return f"{value * 1e3:.3g} ms"
    return f"{value:.2f} s"


def ratio(summary: Summary | None) -> str:
    return NONE if summary is None else f"{summary.median:.2f}{X}"


def spread(summary: Summary | None, unit: str = "x") -> str:
    """The interquartile range and the range of a sample (ratios, or seconds with unit 's')."""
    if summary is None:
        return NONE

    def show(value: float) -> str:
        return f"{value:.2f}{X}" if unit == "x" else seconds(value)

    return (
        f"IQR {show(summary.q1)}{TO}{show(summary.q3)}, "
        f"range {show(summary.low)}{TO}{show(summary.high)} (n={summary.n})"
    )


def met(value: float | None, target: float) -> str:
    if value is None:
        return "n/a"
    return "yes" if value <= target else "**no**"


def verdict(summary: Summary | None, target: float) -> str:
    """Met only when the upper quartile is within the target, missed only when the lower
    quartile is beyond it: a target inside the IQR is no claim either way."""
    if summary is None:
        return "n/a"
    if summary.q3 <= target:
        return "yes"
    if summary.q1 > target:
        return "**no**"
    return "within the IQR"


class Page:
    """Lines of markdown, added in order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def not_measured(self, reason: str) -> None:
        """A section's figures are missing: say why, where they would have been."""
        self.add(f"> **Not measured:** {reason}", "")

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.add("| " + " | ".join(header) + " |", "|" + "---|" * len(header))
        self.add(
            *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
        )
        self.add("")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"
