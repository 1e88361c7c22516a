"""The filesystem's edge cases: a read-only directory, symlinks, new directories, file modes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from reliability.evidence import record

from ._support import cases
from .conftest import Generated

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and symlinks")

MODES = (0o600, 0o640, 0o644, 0o664)


def test_a_read_only_directory_is_a_clear_error(generated: Generated, shared_dir: Path) -> None:
    """An unprivileged save into a read-only directory is StateWriteError; nothing changes."""
    procs, errors = generated.module("_procs"), generated.module("errors")
    old, new = procs.blob("old", 2_000), procs.blob("new", 2_000)
    failed = []
    scenarios = {"over a state": True, "new state": False}
    for scenario, existing in scenarios.items():
        directory = shared_dir / scenario.replace(" ", "-")
        directory.mkdir()
        path = directory / "state.json"
        if existing:
            procs.blob_store(path).save(old)
        before = {p.name: p.read_bytes() for p in directory.iterdir()}
        directory.chmod(0o555)
        ctx = procs.context()
        results = ctx.Queue()
        child = ctx.Process(target=procs.save_unprivileged, args=(path, new, results))
        child.start()
        error = results.get(timeout=60)
        child.join(60)
        directory.chmod(0o755)
        clear = (
            isinstance(error, errors.StateWriteError)
            and error.errno == errno.EACCES
            and str(path) in str(error)
        )
        unchanged = {p.name: p.read_bytes() for p in directory.iterdir()} == before
        if not (clear and unchanged):
            failed.append(f"{scenario}: {error!r}, unchanged: {unchanged}")
    record(
        "filesystem: read-only directory gives StateWriteError, nothing lost",
        runs=len(scenarios),
        failures=len(failed),
        detail=cases(list(scenarios)),
    )
    assert failed == []


def test_a_symlinked_state_file_is_written_through(generated: Generated, tmp_path: Path) -> None:
    """A save through a link replaces its target and keeps the link a link."""
    procs = generated.module("_procs")
    target = tmp_path / "real" / "state.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)
    new = procs.blob("new", 2_000)
    procs.blob_store(link).save(procs.blob("old", 2_000))
    procs.blob_store(link).save(new)
    through = link.is_symlink() and procs.blob_store(target).load() == new
    record(
        "filesystem: a symlinked state path writes through to its target",
        runs=1,
        failures=int(not through),
    )
    assert through


def test_missing_parent_directories_are_created(generated: Generated, tmp_path: Path) -> None:
    """A save into directories that do not exist yet creates them."""
    procs = generated.module("_procs")
    path = tmp_path / "a" / "b" / "state.json"
    new = procs.blob("new", 2_000)
    procs.blob_store(path).save(new)
    created = procs.blob_store(path).load() == new
    record("filesystem: a missing parent directory is created", runs=1, failures=int(not created))
    assert created


def test_the_file_mode_is_kept(generated: Generated, state_path: Path) -> None:
    """Each save keeps the mode the owner gave the file."""
    procs = generated.module("_procs")
    store = procs.blob_store(state_path)
    store.save(procs.blob("old", 2_000))
    changed = []
    for mode in MODES:
        state_path.chmod(mode)
        store.save(procs.blob("new", 2_000))
        if stat.S_IMODE(state_path.stat().st_mode) != mode:
            changed.append(mode)
    record("filesystem: the file mode is kept", runs=len(MODES), failures=len(changed))
    assert changed == []


def test_the_durable_order_of_a_save(generated: Generated, state_path: Path) -> None:
    """Bytes written, fsync, backup link, rename, then fsync of the directory, in order."""
    syscalls = generated.module("_syscalls")
    manager = generated.manager(state_path)
    sample = generated.module("_samples").sample_instance
    manager.save(sample(manager.state_type, 1))
    with syscalls.spying() as events:
        manager.save(sample(manager.state_type, 0))
    problems = syscalls.order_problems(events, state_path, manager.backup_path)
    record(
        "durability order: write, fsync(file), backup link, replace, fsync(dir)",
        runs=1,
        failures=int(bool(problems)),
        detail="syscalls spied during a save",
    )
    assert problems == []
