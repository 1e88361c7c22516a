"""Count the syscalls that make a save durable (fsync, rename …) under strace, per save.

The parent runs ``python -m benchmarks._syscalls SETUP NAMES SAVES`` under ``strace -f``.
The child saves with each contender between two marker syscalls, so only those saves count.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ._setup import Setup

FLUSHES = ("fsync", "fdatasync", "msync", "sync_file_range")
RENAMES = ("rename", "renameat", "renameat2")
MARKERS = ("access", "faccessat", "faccessat2")
MARK = "/.stategen-bench-mark"
_CALL = re.compile(r"^\d+\s+(\w+)\((.*)")


@dataclass(frozen=True)
class Syscalls:
    """Durability syscalls per save of one contender."""

    flushes: float
    renames: float

    def describe(self) -> str:
        return f"{self.flushes:g} fsync, {self.renames:g} rename"


def audit(setup: Setup, names: list[str], saves: int) -> dict[str, Syscalls] | str:
    """Per-save syscall counts for each contender, or why they could not be counted."""
    strace = shutil.which("strace")
    if strace is None:
        return "strace is not installed"
    with tempfile.TemporaryDirectory() as scratch:
        trace = Path(scratch) / "trace"
        command = [
            strace,
            "-f",
            "-qq",
            "-o",
            str(trace),
            "-e",
            "trace=" + ",".join(FLUSHES + RENAMES + MARKERS),
            sys.executable,
            "-m",
            "benchmarks._syscalls",
            setup.to_json(),
            json.dumps(names),
            str(saves),
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=Path(__file__).parents[1], check=False
        )
        if done.returncode != 0 or not trace.exists():
            return f"strace failed: {(done.stderr.strip().splitlines() or ['?'])[-1][:120]}"
        return _parse(trace.read_text(), names, saves)


def _parse(text: str, names: list[str], saves: int) -> dict[str, Syscalls]:
    counts: dict[str, Counter[str]] = {}
    current: Counter[str] | None = None
    for line in text.splitlines():
        match = _CALL.match(line)
        if match is None:
            continue
        call, args = match.groups()
        if call in MARKERS and MARK in args:
            index, edge = re.findall(rf"{MARK}/(\d+)/(\w+)", args)[0]
            current = counts.setdefault(names[int(index)], Counter()) if edge == "start" else None
        elif current is not None:
            current[call] += 1
    return {
        name: Syscalls(
            sum(count[call] for call in FLUSHES) / saves,
            sum(count[call] for call in RENAMES) / saves,
        )
        for name, count in counts.items()
    }


def _probe(setup: Setup, names: list[str], saves: int) -> None:
    document = setup.read_document()
    for index, name in enumerate(names):
        contender = setup.build(name)
        contender.save(document)  # creates the files; not counted
        os.access(f"{MARK}/{index}/start", os.F_OK)
        for _ in range(saves):
            contender.save(document)
        os.access(f"{MARK}/{index}/end", os.F_OK)
        contender.close()


if __name__ == "__main__":
    _probe(Setup.from_json(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]))
