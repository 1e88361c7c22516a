"""Where, when and how a run happened, for the page's header line."""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks._machine import describe

from ._run import REPO
from .sizes import HEAVY


@dataclass(frozen=True)
class Context:
    command: str
    heavy: bool
    day: str
    seconds: float
    machine: str
    revision: str

    @property
    def mode(self) -> str:
        if not self.heavy:
            return "light (each test's default sizes)"
        return "heavy (" + ", ".join(f"{name}={value}" for name, value in HEAVY.items()) + ")"


def context(work: Path, *, command: str, heavy: bool, seconds: float) -> Context:
    """`work` is where pytest kept its temp files: its filesystem is the one under test."""
    facts = dict(describe(work))
    machine = (
        f"{facts.get('CPU', '?')}, {facts.get('cores (os.cpu_count)', '?')} cores, "
        f"{facts.get('OS', '?')}, {facts.get('Python', '?')}; "
        f"test files in {facts.get('state files in', '?')}"
    )
    return Context(command, heavy, date.today().isoformat(), seconds, machine, _revision())


def _revision() -> str:
    """`stategen 0.1.0 (4b3306a-dirty)`: the version, and the commit when this is a checkout."""
    try:
        with (REPO / "pyproject.toml").open("rb") as stream:
            version = str(tomllib.load(stream)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = "?"
    try:
        described = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"stategen {version}" + (f" ({described})" if described else "")
