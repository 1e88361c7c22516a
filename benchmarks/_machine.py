"""The machine a run happened on, so that every figure can be read in context."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("filelock", "copier", "tinydb", "sqlitedict", "diskcache", "matplotlib")


def describe(temp_dir: Path) -> list[tuple[str, str]]:
    # The run's own scratch directory has a random name; show where it lives.
    """(what, value) rows: CPU, cores, kernel, the temp dir's filesystem, Python, packages."""
    rows = [
        ("CPU", _cpu_model()),
        ("cores (os.cpu_count)", str(os.cpu_count())),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("state files in", f"{temp_dir.parent} on {_filesystem(temp_dir)}"),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("SQLite", sqlite3.sqlite_version),
        ("load average at the start (1, 5, 15 min)", _load()),
    ]
    for name in PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


def _load() -> str:
    """Other work on the machine when the run began (the machine may be shared)."""
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _filesystem(path: Path) -> str:
    """The filesystem type and device of the mount holding `path` (Linux), else 'unknown'."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "unknown filesystem"
    resolved, best = str(path.resolve()), ("", "unknown", "unknown filesystem")
    for line in mounts:
        device, point, kind, *_ = line.split()
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best[0]):
            best = (point, device, kind)
    return f"{best[2]} ({best[1]}, mounted at {best[0]})"
