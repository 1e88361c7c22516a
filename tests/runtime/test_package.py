"""The package under test runs stategen's in-tree runtime, not a generated copy of it."""

import os
import subprocess
import sys
from pathlib import Path

import _package
import batch_state
from batch_state import _runtime


def test_the_runtime_imported_is_the_one_in_the_tree() -> None:
    assert Path(_runtime.__file__).resolve().parent == _package.RUNTIME
    assert Path(batch_state.__file__).parent.parent == _package.SOURCE


def test_child_processes_import_the_same_package() -> None:
    """PYTHONPATH names the package's `src`, so `python -m batch_state` in a child finds it."""
    code = "import batch_state._runtime as r, pathlib; print(pathlib.Path(r.__file__).resolve())"
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
        cwd="/",
    )
    assert Path(found.stdout.strip()).parent == _package.RUNTIME
