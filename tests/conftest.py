"""Shared helpers: run the real `stategen` command and generate real projects."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
#: Generated test files that start child processes to drive the runtime (the CLI, kills,
#: races): most of a generated suite's time, and the same whatever the schema, so the
#: example projects run them (tests/e2e/test_generated_projects.py) and a run of another
#: project's own suite leaves them out (`--ignore` each of SKIP_RUNTIME_DRIVEN).
RUNTIME_DRIVEN = ("test_cli.py", "test_contract.py")
SKIP_RUNTIME_DRIVEN = tuple(f"--ignore=tests/{name}" for name in RUNTIME_DRIVEN)


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


class GeneratedProjects:
    """Projects made by the real `stategen new`, once per spec text per test process; each
    test gets a copy of its own.

    `stategen new` is deterministic and writes nothing that names the destination or the
    spec's path (tests/test_cli.py checks both), so a copy is byte for byte the project a
    run of its own would make. Tests of `new` itself still run it.
    """

    def __init__(self, where: Path) -> None:
        self._where = where
        self._made: dict[str, Path] = {}

    def copy(self, spec: str | Path, dest: Path) -> Path:
        """A fresh copy at `dest` of the project `spec` (its text, or a spec file) makes."""
        text = spec.read_text(encoding="utf-8") if isinstance(spec, Path) else spec
        pristine = self._made.get(text)
        if pristine is None:
            folder = self._where / f"spec-{len(self._made)}"
            folder.mkdir()
            spec_file = folder / "stategen.yml"
            spec_file.write_text(text, encoding="utf-8")
            pristine = folder / "project"
            result = run_stategen("new", pristine, "--spec", spec_file)
            assert result.returncode == 0, result.stderr
            self._made[text] = pristine
        shutil.copytree(pristine, dest, symlinks=True)
        return dest


@pytest.fixture(scope="session")
def generated_projects(tmp_path_factory: pytest.TempPathFactory) -> GeneratedProjects:
    return GeneratedProjects(tmp_path_factory.mktemp("generated"))


@pytest.fixture(scope="session")
def batch_project(
    tmp_path_factory: pytest.TempPathFactory, generated_projects: GeneratedProjects
) -> Path:
    """The example batch project, generated once per test session."""
    return generated_projects.copy(
        EXAMPLES / "batch.yml", tmp_path_factory.mktemp("batch") / "batch-state"
    )


@pytest.fixture(scope="module")
def batch_package(batch_project: Path) -> Iterator[ModuleType]:
    """The example batch project's package, imported for one test module, then forgotten
    (its modules leave `sys.modules`, its folder `sys.path`)."""
    src = batch_project / "src"
    (name,) = [p.name for p in src.iterdir() if (p / "__init__.py").exists()]
    sys.path.insert(0, str(src))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(src))
        for module in [module for module in sys.modules if module.split(".")[0] == name]:
            del sys.modules[module]
