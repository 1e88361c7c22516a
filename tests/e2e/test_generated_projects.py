"""Generate each example project and run its own test suite, linters and type checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_stategen

pytestmark = pytest.mark.e2e

EXAMPLE_SPECS = sorted(EXAMPLES.glob("*.yml"))


def _check(cmd: list[str], cwd: Path) -> None:
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module", params=EXAMPLE_SPECS, ids=lambda p: p.stem)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec: Path = request.param
    dest = tmp_path_factory.mktemp(spec.stem) / "project"
    result = run_stategen("new", dest, "--spec", spec)
    assert result.returncode == 0, result.stderr
    return dest


def test_generated_tests_pass(project: Path) -> None:
    """The generated project's own pytest suite passes on the day it is generated."""
    _check([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)


def test_generated_code_is_ruff_clean(project: Path) -> None:
    """`ruff check` and `ruff format --check` pass on the generated project."""
    _check([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    _check([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)


def test_generated_code_is_mypy_strict_clean(project: Path) -> None:
    """`mypy --strict src` passes on the generated project."""
    _check([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src"], project)
