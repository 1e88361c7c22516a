"""Fixtures of stategen's runtime tests: the package under test, state paths, a shared dir."""

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

# The tests import their helpers (`_procs`, `_kills`, ...) by plain name, as the reliability
# checks do: this directory is a package only so that its conftest is not the `conftest`
# module that other tests import.
sys.path.insert(0, str(Path(__file__).parent))

import _package  # noqa: F401  first: it makes `batch_state`, which the imports below need
import pytest
from batch_state import BatchStateManager


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    """Where a test keeps its state file: a fresh directory each time."""
    return tmp_path / "state.json"


@pytest.fixture
def manager(state_path: Path) -> BatchStateManager:
    """A BatchStateManager on `state_path`."""
    return BatchStateManager(state_path)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A fresh directory an unprivileged child process can reach (pytest's are private)."""
    root = _reachable_temp_root()
    if root is None:
        pytest.skip("no temp directory that other users may enter (set TMPDIR to one)")
    base = Path(tempfile.mkdtemp(prefix="state-", dir=root))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for directory in (base, *(p for p in base.rglob("*") if p.is_dir() and not p.is_symlink())):
            directory.chmod(0o755)
        shutil.rmtree(base)


def _reachable_temp_root() -> Path | None:
    """A temp directory that every user may enter, parents included, or None.

    TMPDIR may sit under a private home (mode 0700): a child that drops its privileges could
    not reach a directory made there, so the system's shared ones are tried next.
    """
    for candidate in (tempfile.gettempdir(), "/tmp", "/var/tmp"):
        path = Path(candidate).resolve()
        try:
            if all(part.stat().st_mode & 0o001 for part in (path, *path.parents)):
                return path
        except OSError:
            continue
    return None
