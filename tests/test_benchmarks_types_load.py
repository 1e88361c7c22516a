"""The codec's measuring script still runs: one row per state, each with a ratio."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_types_load_prints_a_ratio_for_every_state() -> None:
    """`python -m benchmarks.types_load --rounds 1` loads each state and compares it to json."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.types_load", "--rounds", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = re.findall(r"^\| (.+?) \| [\d.]+ \| [\d.]+ \| ([\d.]+)\u00d7 \|$", done.stdout, re.M)
    labels = [label for label, _ in rows]
    assert len(rows) == 4 and all(float(ratio) > 0 for _, ratio in rows), done.stdout
    assert sum("old types" in label for label in labels) == 2
    assert sum("new types" in label for label in labels) == 2
