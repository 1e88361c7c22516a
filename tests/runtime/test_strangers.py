"""Strangers in a shared directory: their files are never read, and nothing is given to them."""

import os
import stat
import sys
from pathlib import Path

import pytest
from _attempts import NOBODY
from _operations import needs_root, operations
from _strangers import (
    CLASSES,
    KNOWN_BAD,
    STRANGERS,
    increments_beside_refusals,
    no_lock_at_all,
)
from batch_state._runtime.engines.files.fs.atomic import write_atomic
from batch_state._runtime.engines.files.fs.directory import Directory
from batch_state._runtime.engines.files.fs.names import temp_prefix
from batch_state._runtime.engines.files.fs.temps import Temps

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX owners and sticky directories")


@pytest.mark.parametrize("case", STRANGERS)
def test_a_stranger_never_gains_from_a_shared_directory(shared_dir: Path, case: str) -> None:
    """Each case passes against the library."""
    assert STRANGERS[case](shared_dir, operations) == []


@pytest.mark.parametrize("case", STRANGERS)
def test_each_case_fails_with_the_mechanism_it_guards_put_back(shared_dir: Path, case: str) -> None:
    """Positive control: with the library's old behaviour put back, the case fails."""
    with KNOWN_BAD[case]():
        assert STRANGERS[case](shared_dir, operations) != []


def test_every_case_belongs_to_one_class() -> None:
    """The reliability rows count every case once."""
    grouped = [case for cases in CLASSES.values() for case in cases]
    assert sorted(grouped) == sorted(STRANGERS) == sorted(KNOWN_BAD)


def _write_like(directory: Path, like: os.stat_result) -> os.stat_result:
    """Write a new file `new` in `directory` that takes the mode and owner of `like`."""
    lock = os.open(directory / "new.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        with Directory(os.open(directory, os.O_RDONLY | os.O_DIRECTORY), str(directory)) as held:
            temps = Temps(lock, held, temp_prefix("new", 255))
            write_atomic(held, "new", b"{}", temps=temps, current=like)
    finally:
        os.close(lock)
    return (directory / "new").stat()


@pytest.mark.parametrize("sticky", [True, False], ids=["shared", "private"])
def test_a_new_file_takes_no_set_id_bit_and_no_strangers_owner(
    shared_dir: Path, sticky: bool
) -> None:
    """The new file takes the permission bits of a set-id file it replaces, never the set-id
    bits; and its owner only where that owner is no stranger: kept in a private directory
    (the positive control: the owner is copied when it may be), never in a shared one."""
    needs_root()
    directory = shared_dir / "here"
    directory.mkdir(mode=0o1777 if sticky else 0o755)
    directory.chmod(0o1777 if sticky else 0o755)
    planted = directory / "planted"
    planted.write_bytes(b"{}")
    os.chown(planted, NOBODY, NOBODY)
    planted.chmod(0o6755)
    made = _write_like(directory, planted.stat())
    assert stat.S_IMODE(made.st_mode) == 0o755
    assert made.st_uid == (0 if sticky else NOBODY)


@pytest.mark.skipif(sys.platform != "linux", reason="forks the test process")
def test_a_removed_lock_file_never_lets_two_writers_in(tmp_path: Path) -> None:
    """A refused operation removes the lock file it made while others wait on it: they open
    the name anew, and no increment is lost."""
    assert increments_beside_refusals(tmp_path) == []


@pytest.mark.skipif(sys.platform != "linux", reason="forks the test process")
def test_the_counter_sees_lost_increments(tmp_path: Path) -> None:
    """Positive control: without the lock the same harness loses increments."""
    with no_lock_at_all():
        assert increments_beside_refusals(tmp_path) != []
