"""Shared helpers: run the real `stategen` command and generate real projects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def run_stategen(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m stategen ARGS` in a child process, with no terminal on stdin."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "stategen", *map(str, args)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the long tests first: pytest-xdist hands tests out in this order, so a long one
    left for last keeps one worker busy while the others have nothing to do."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("long") else 1)


@pytest.fixture
def stategen():
    return run_stategen


@pytest.fixture(scope="session")
def batch_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example batch project, generated once per test session."""
    dest = tmp_path_factory.mktemp("batch") / "batch-state"
    result = run_stategen("new", dest, "--spec", EXAMPLES / "batch.yml")
    assert result.returncode == 0, result.stderr
    return dest
