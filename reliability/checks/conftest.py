"""The package under test and the harness that drives it: those of stategen's runtime tests.

The package is the example spec's, generated once per process with stategen's own runtime
linked in (tests/runtime/_package.py, the same mechanism the runtime tests use); the
harness is the helpers of tests/runtime (`_kills`, `_faults`, ...), imported by name.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from benchmarks._ours import manager_class

REPO = Path(__file__).resolve().parents[2]
RUNTIME_TESTS = REPO / "tests" / "runtime"


@dataclass(frozen=True)
class Generated:
    """The generated example package, with the helpers of stategen's runtime tests."""

    package: ModuleType

    def module(self, name: str) -> ModuleType:
        """A helper of the runtime tests (`"_kills"`) or a module of the package (`"errors"`,
        `"_runtime.store"`)."""
        if name.startswith("_") and (RUNTIME_TESTS / f"{name}.py").is_file():
            return importlib.import_module(name)
        return importlib.import_module(f"{self.package.__name__}.{name}")

    def manager(self, path: Path) -> Any:
        """The package's `<State>Manager` on `path`."""
        return manager_class(self.package)(path)


@pytest.fixture(scope="session")
def generated() -> Generated:
    """The package under test, imported, with the runtime tests' helpers on sys.path."""
    if str(RUNTIME_TESTS) not in sys.path:
        sys.path.insert(0, str(RUNTIME_TESTS))
    # Importing it generates the package (once per process) and puts it on sys.path.
    under_test = importlib.import_module("_package")
    return Generated(importlib.import_module(under_test.PACKAGE))


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
