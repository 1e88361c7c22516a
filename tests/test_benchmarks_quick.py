"""The benchmark harness still runs: its quick mode writes a complete page with no lost updates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks._postgres import URL_VARIABLE

REPO = Path(__file__).resolve().parents[1]
SECTIONS = (
    "## Headline figures",
    "## Peers, in the same run",
    "## Contention",
    "## Scale",
    "## Journal mode",
    "## Generator",
    "## Machine",
    "## Reproduce",
)
# Headline rows of the journal's sync levels, many-item updates and record sizes.
JOURNAL_ROWS = (
    "| one durable journal-mode `mark_completed()`, at every size: the worst ",
    '| `mark_completed()` at `durability="normal"`, the worst size ',
    "| CPU of one `mark_completed()`, syncs stubbed, the worst size ",
    "| `transaction()` completing 100 items at ",
    "| `mark_completed_many()` of 100 items at ",
    "| `state.features.pop(0)` on a `list[str]` of ",
    "| `state.tags.add(…)` in the middle of a `set[str]` of ",
    "| memory: a fresh process after ",
)


@pytest.mark.long
def test_quick_mode_writes_every_section(tmp_path: Path) -> None:
    """`python -m benchmarks --quick` fills every section and loses no update under contention."""
    output = tmp_path / "benchmarks.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--quiet",
            "--output",
            str(output),
            "--tmp",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = output.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert section in page
    assert "could not be measured" not in page, page
    if not os.environ.get(URL_VARIABLE):
        # Without a server the PostgreSQL rows say why, and that is the only gap allowed.
        unmeasured = f"no PostgreSQL server configured: set {URL_VARIABLE}"
        assert unmeasured in page, page
        page = "\n".join(line for line in page.splitlines() if unmeasured not in line)
    assert "Not measured" not in page and "not measured:" not in page, page
    assert "Lost updates with stategen: 0 of 800 " in page
    # The import row holds a measured difference, not the reason it could not be measured.
    assert "beyond `import json`, fresh process | +" in page, page
    lines = page.splitlines()
    for start in JOURNAL_ROWS:
        rows = [line for line in lines if line.startswith(start)]
        assert rows, (start, page)
        # The headline's row (the first) holds a measured time or size, not why there is none.
        assert rows[0].split(" | ")[1][:1].isdigit(), rows[0]
