"""Counts for the reliability report: what a heavy test ran and how often it saw a failure.

Tests call `record(...)` with the figures they measured. Nothing is written unless the
environment variable STATEGEN_EVIDENCE names a file; the report then reads one JSON object per
line from it (see stategen's `python -m reliability`).
"""

import json
import os
from pathlib import Path


def record(
    check: str, *, runs: int, failures: int, control: bool = False, detail: str = ""
) -> None:
    """Append one row: `runs` trials of `check`, `failures` of which went wrong.

    A positive `control` is a harness pointed at a known-bad implementation on purpose: its
    row passes only when it does see failures.
    """
    target = os.environ.get("STATEGEN_EVIDENCE")
    if not target:
        return
    row = {
        "check": check,
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0],
        "runs": runs,
        "failures": failures,
        "control": control,
        "detail": detail,
    }
    # One short append per row: rows from parallel processes never interleave mid-line.
    with Path(target).open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
