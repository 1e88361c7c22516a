"""The exit status: 0 when every row passes, 1 when any fails, 2 when nothing was recorded."""

from __future__ import annotations

from dataclasses import dataclass

from ._run import Results

PASS, FAIL, EMPTY = 0, 1, 2
SHOWN = 3  # failing rows named in the one-line summary; the page lists them all


@dataclass(frozen=True)
class Verdict:
    status: int
    summary: str  # one line


def judge(results: Results) -> Verdict:
    if results.recorded == 0:
        # The suites' own rows pass whenever pytest does: a table of those alone would be
        # green on the day the tests stopped calling record().
        return Verdict(EMPTY, "reliability: no evidence rows were recorded; no table written")
    failing = [row for row in results.rows if not row.passed]
    if not failing and not results.problems:
        return Verdict(PASS, f"reliability: all {len(results.rows)} rows pass")
    parts = list(results.problems)
    if failing:
        named = [f"{row.check} ({row.test})" for row in failing[:SHOWN]]
        if len(failing) > SHOWN:
            named.append(f"{len(failing) - SHOWN} more")
        parts.insert(0, f"{len(failing)} of {len(results.rows)} rows FAIL: " + ", ".join(named))
    return Verdict(FAIL, "reliability: " + "; ".join(parts))
