"""The generated project under test: its package and its test helpers, importable by name.

`python -m reliability` passes `--generated-project DIR`; without it (stategen's own test
run) the example project is generated once per session.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from benchmarks._ours import generated_package, manager_class

REPO = Path(__file__).resolve().parents[2]
OPTION = "--generated-project"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        OPTION,
        type=Path,
        default=None,
        metavar="DIR",
        help="the generated project whose library the checks run against",
    )


@dataclass(frozen=True)
class Generated:
    """A generated project, with its `src/` and `tests/` directories on sys.path."""

    root: Path
    package: ModuleType

    def module(self, name: str) -> ModuleType:
        """A module of the package (`"_store"`) or a helper of its tests (`"_kills"`)."""
        if name.startswith("_") and (self.root / "tests" / f"{name}.py").is_file():
            return importlib.import_module(name)
        return importlib.import_module(f"{self.package.__name__}.{name}")

    def manager(self, path: Path) -> Any:
        """The package's `<State>Manager` on `path`."""
        return manager_class(self.package)(path)


@pytest.fixture(scope="session")
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Generated]:
    """The project under test, imported (and off sys.path again after the session)."""
    given: Path | None = request.config.getoption(OPTION)
    root = given.resolve() if given is not None else _generate_example(tmp_path_factory)
    src, name = generated_package(root)
    entries = [str(src), str(root / "tests")]
    sys.path[:0] = entries
    try:
        yield Generated(root, importlib.import_module(name))
    finally:
        for entry in entries:
            sys.path.remove(entry)


def _generate_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("example") / "batch-state"
    command = [sys.executable, "-m", "stategen", "new", str(dest)]
    command += ["--spec", str(REPO / "examples" / "batch.yml"), "--defaults"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return dest


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    """Where a check keeps its state file: a fresh directory each time."""
    return tmp_path / "state.json"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory an unprivileged child process can reach (pytest's tmp dirs are private)."""
    base = Path(tempfile.mkdtemp(prefix="reliability-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for directory in (base, *(p for p in base.rglob("*") if p.is_dir())):
            directory.chmod(0o755)
        shutil.rmtree(base)
