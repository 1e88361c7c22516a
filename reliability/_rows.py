"""One row of the table, and the evidence file the tests append rows to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Row:
    """`runs` trials of `check` in `test`, `failures` of which went wrong."""

    check: str
    test: str
    runs: int
    failures: int
    control: bool = False
    detail: str = ""

    @property
    def passed(self) -> bool:
        # A positive control aims the harness at a known-bad writer: seeing no failure
        # there would mean the harness is blind, so only failures > 0 pass.
        return self.failures > 0 if self.control else self.failures == 0

    @property
    def expected(self) -> str:
        return "> 0 (control)" if self.control else "0"


def read_evidence(path: Path, *, start: int = 0, where: str = "") -> tuple[list[Row], int]:
    """The rows in `path` from line `start` on (tests prefixed by `where`), and the line count.

    The line count lets a caller read one suite's rows and later only the next suite's,
    from the same file. A line that is not a well-formed row becomes a failing row: a
    damaged evidence file must not be read as good news.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return [], 0
    rows = [_row(line, number, where) for number, line in enumerate(lines) if number >= start]
    return rows, len(lines)


def _row(line: str, number: int, where: str) -> Row:
    try:
        data = json.loads(line)
        return _checked(data, where)
    except (ValueError, TypeError, KeyError) as error:
        return Row(
            check=f"evidence line {number + 1} unreadable",
            test=where or "?",
            runs=1,
            failures=1,
            detail=f"{type(error).__name__}: {error}"[:200],
        )


def _checked(data: Any, where: str) -> Row:
    if not isinstance(data, dict):
        raise TypeError("not a JSON object")
    check, test, detail = data["check"], data["test"], data.get("detail", "")
    runs, failures, control = data["runs"], data["failures"], data.get("control", False)
    if not all(isinstance(value, str) for value in (check, test, detail)):
        raise TypeError("check, test and detail must be strings")
    # bool is an int in Python; a count of True is a recording bug, not a count.
    counts = (runs, failures)
    if any(isinstance(value, bool) or not isinstance(value, int) or value < 0 for value in counts):
        raise ValueError(f"runs and failures must be counts, got {runs!r} and {failures!r}")
    if not isinstance(control, bool):
        raise TypeError("control must be true or false")
    return Row(check, where + test, runs, failures, control, detail)


def merge_cases(rows: list[Row]) -> list[Row]:
    """One row per check of one test function: its parametrized cases summed.

    The cases are listed in the detail, so nothing recorded disappears from the page; a
    failing case still fails the merged row, since failures are summed too.
    """
    groups: dict[tuple[str, str, bool], list[Row]] = {}
    for row in rows:
        function = row.test.split("[", 1)[0]
        groups.setdefault((row.check, function, row.control), []).append(row)
    merged = []
    for (check, function, control), members in groups.items():
        if len(members) == 1:
            merged.append(members[0])
            continue
        cases = [_case(member) for member in members]
        merged.append(
            Row(
                check,
                function,
                runs=sum(member.runs for member in members),
                failures=sum(member.failures for member in members),
                control=control,
                detail=f"{len(members)} cases: {', '.join(cases)}",
            )
        )
    return merged


def _case(row: Row) -> str:
    """The parametrize id of `row`'s test, or its detail when the test has none."""
    _, bracket, tail = row.test.partition("[")
    return tail[:-1] if bracket else row.detail or "?"
