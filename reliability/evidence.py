"""The evidence recorder: what a check ran and how often it saw a failure, one row per call.

Checks call `record(...)` with the figures they measured. Nothing is written unless the
environment variable STATEGEN_EVIDENCE names a file; `python -m reliability` sets it and
reads the rows back, one JSON object per line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

#: The environment variable naming the evidence file.
EVIDENCE = "STATEGEN_EVIDENCE"


def record(
    check: str, *, runs: int, failures: int, control: bool = False, detail: str = ""
) -> None:
    """Append one row: `runs` trials of `check`, `failures` of which went wrong.

    A positive `control` is a harness pointed at a known-bad implementation on purpose: its
    row passes only when it does see failures.
    """
    target = os.environ.get(EVIDENCE)
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
