"""The filesystem's edge cases: read-only directories, symlinks, missing parents, file modes."""

import errno
import os
import stat
from pathlib import Path

import pytest
from _procs import blob, blob_store, context, save_unprivileged
from batch_state.errors import StateWriteError

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and symlinks")
OLD, NEW = blob("old", 2_000), blob("new", 2_000)
MODES = (0o600, 0o640, 0o644, 0o664)


@posix_only
@pytest.mark.parametrize("existing", [True, False], ids=["over a state", "new state"])
def test_read_only_directory_is_a_clear_error_and_loses_nothing(
    shared_dir: Path, existing: bool
) -> None:
    """A save into a directory it may not write raises StateWriteError; nothing changes."""
    directory = shared_dir / "states"
    directory.mkdir()
    path = directory / "state.json"
    if existing:
        blob_store(path).save(OLD)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    directory.chmod(0o555)
    ctx = context()
    results = ctx.Queue()
    child = ctx.Process(target=save_unprivileged, args=(path, NEW, results))
    child.start()
    error = results.get(timeout=60)
    child.join(60)
    directory.chmod(0o755)

    assert isinstance(error, StateWriteError), repr(error)
    assert isinstance(error, OSError) and error.errno == errno.EACCES
    assert str(path) in str(error) and "unchanged" in str(error)
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    if existing:
        assert blob_store(path).load() == OLD


@posix_only
def test_a_symlinked_state_file_is_written_through_to_its_target(tmp_path: Path) -> None:
    """Saving through a symlink replaces the target; the link stays a link."""
    target = tmp_path / "real" / "state.json"
    target.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(target)  # dangling until the first save
    store = blob_store(link)
    store.save(OLD)
    store.save(NEW)
    assert link.is_symlink() and link.resolve() == target
    assert blob_store(target).load() == NEW
    assert blob_store(link).load() == NEW
    # Backup and lock live next to the target, where the rename happens.
    assert store.backup_path == target.with_name("state.json.bak")
    assert blob_store(target).backup_path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]


@posix_only
def test_a_missing_parent_directory_is_created(tmp_path: Path) -> None:
    """Saving to a path whose directories do not exist yet creates them."""
    path = tmp_path / "a" / "b" / "state.json"
    blob_store(path).save(NEW)
    assert blob_store(path).load() == NEW


@posix_only
def test_a_parent_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    """A parent path taken by a file cannot become a directory: StateWriteError says so."""
    (tmp_path / "taken").write_text("not a directory", encoding="utf-8")
    path = tmp_path / "taken" / "state.json"
    with pytest.raises(StateWriteError) as caught:
        blob_store(path).save(NEW)
    assert str(path) in str(caught.value)
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "not a directory"


@posix_only
def test_the_file_mode_is_kept(tmp_path: Path) -> None:
    """Each save keeps the mode the owner gave the file, whatever the temp file had."""
    path = tmp_path / "state.json"
    store = blob_store(path)
    store.save(OLD)
    kept = []
    for mode in MODES:
        path.chmod(mode)
        store.save(NEW)
        kept.append(stat.S_IMODE(path.stat().st_mode))
    assert kept == list(MODES)
