"""Generate each example project and run its own test suite, linters and type checker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_stategen

from reliability._server import server_environment

pytestmark = pytest.mark.e2e

EXAMPLE_SPECS = sorted(EXAMPLES.glob("*.yml"))


def _check(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    environment = {**os.environ, **(env or {})}
    result = subprocess.run(
        cmd, cwd=cwd, env=environment, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module", params=EXAMPLE_SPECS, ids=lambda p: p.stem)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec: Path = request.param
    dest = tmp_path_factory.mktemp(spec.stem) / "project"
    result = run_stategen("new", dest, "--spec", spec)
    assert result.returncode == 0, result.stderr
    return dest


def test_generated_tests_pass(project: Path) -> None:
    """The generated project's own pytest suite passes on the day it is generated, its
    PostgreSQL tests against this run's server when there is one."""
    server = server_environment(os.environ)
    _check([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env=server)


def test_generated_code_is_ruff_clean(project: Path) -> None:
    """`ruff check` and `ruff format --check` pass on the generated project."""
    _check([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    _check([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)


def test_generated_code_is_mypy_strict_clean(project: Path) -> None:
    """`mypy --strict src` passes on the generated project."""
    _check([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src"], project)


def test_generated_tests_are_mypy_strict_clean(project: Path) -> None:
    """The generated tests are typed code too: `mypy --strict tests` passes."""
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    _check(
        [*mypy, "--explicit-package-bases", "--python-version", "3.11", "tests"],
        project,
        env={"MYPYPATH": f"{project / 'src'}{os.pathsep}{project / 'tests'}"},
    )


#: Names of 30 characters or so: every substituted line must still be formatted as ruff would.
LONG_NAMES = {
    "name": "a-long-package-name-for-tests-x",
    "package": "a_long_package_name_for_tests_x",
    "state": "ALongStateClassNameForTestsXYZ",
    "version": "1.0.0",
    "fields": {
        "every_item_to_process_today_xx": {"type": "list[str]"},
        "items_completed_successfully_x": {"type": "list[str]", "default": []},
        "items_that_failed_with_errors_x": {"type": "dict[str, str]", "default": {}},
    },
    "progress": {
        "items": "every_item_to_process_today_xx",
        "completed": "items_completed_successfully_x",
        "failed": "items_that_failed_with_errors_x",
    },
}


def test_long_names_keep_the_tests_and_manager_formatted(tmp_path: Path) -> None:
    """The templates place names where ruff's layout does not depend on their length."""
    spec = tmp_path / "stategen.yml"
    spec.write_text(json.dumps(LONG_NAMES), encoding="utf-8")
    dest = tmp_path / "project"
    result = run_stategen("new", dest, "--spec", spec)
    assert result.returncode == 0, result.stderr
    files = ["tests", f"src/{LONG_NAMES['package']}/manager.py"]
    _check([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *files], dest)
