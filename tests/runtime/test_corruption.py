"""Damaged files: each kind raises a typed error, is never modified, and recover() heals it."""

import os
import random
from pathlib import Path

import pytest
from _attempts import NOBODY, attempt
from _damage import CORRUPT, NEWER, NEWER_VERSION, damage, flip_bits
from _samples import sample_instance
from batch_state import (
    BatchState,
    BatchStateManager,
)
from batch_state.errors import (
    StateCorruptError,
    StateNotFoundError,
    StateVersionError,
)

BITFLIPS = 300


@pytest.fixture
def backup(manager: BatchStateManager) -> BatchState:
    """Save A then B: A is the backup, and B's file is there to be damaged."""
    first = sample_instance(BatchState, 0)
    manager.save(first)
    manager.save(sample_instance(BatchState, 1))
    return first


class TestCorruptFile:
    @pytest.mark.parametrize("case", CORRUPT)
    def test_load_raises_and_leaves_the_bytes(
        self,
        manager: BatchStateManager,
        state_path: Path,
        backup: BatchState,
        case: str,
    ) -> None:
        """load() and transaction() raise StateCorruptError naming the file; nothing changes."""
        how, reason = CORRUPT[case]
        damaged = damage(state_path, how)
        with pytest.raises(StateCorruptError) as caught:
            manager.load()
        assert caught.value.path == state_path and str(state_path) in str(caught.value)
        assert reason in caught.value.reason, caught.value.reason
        with pytest.raises(StateCorruptError), manager.transaction():
            pytest.fail("the block must not run")
        assert state_path.read_bytes() == damaged

    @pytest.mark.parametrize("case", CORRUPT)
    def test_recover_restores_the_last_good_generation(
        self,
        manager: BatchStateManager,
        state_path: Path,
        backup: BatchState,
        case: str,
    ) -> None:
        """recover() returns the backup, puts it back, and keeps the damaged bytes aside."""
        damaged = damage(state_path, CORRUPT[case][0])
        assert manager.recover() == backup
        assert manager.load() == backup
        assert manager.corrupt_path.read_bytes() == damaged

    @pytest.mark.parametrize("case", CORRUPT)
    def test_save_quarantines_and_keeps_the_backup(
        self,
        manager: BatchStateManager,
        state_path: Path,
        backup: BatchState,
        case: str,
    ) -> None:
        """A save over a damaged file keeps it as <file>.corrupt, never as the backup."""
        kept = manager.backup_path.read_bytes()
        damaged = damage(state_path, CORRUPT[case][0])
        fresh = sample_instance(BatchState, 1)
        manager.save(fresh)
        assert manager.load() == fresh
        assert manager.corrupt_path.read_bytes() == damaged
        assert manager.backup_path.read_bytes() == kept

    def test_recover_without_backup_is_state_not_found(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """With a damaged file and no backup, recover() says so and changes nothing."""
        state_path.write_bytes(b"{")
        with pytest.raises(StateNotFoundError) as caught:
            manager.recover()
        assert str(manager.backup_path) in str(caught.value)
        assert state_path.read_bytes() == b"{"

    @pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
    def test_recover_keeps_an_unreadable_file_aside(self, shared_dir: Path) -> None:
        """recover() restores the backup even over a file nobody may read, kept aside whole."""
        user = NOBODY if os.geteuid() == 0 else None  # root reads anything
        if user is not None:
            os.chown(shared_dir, user, user)
        path = shared_dir / "state.json"
        first = sample_instance(BatchState, 0)

        def scenario() -> None:
            manager = BatchStateManager(path)
            manager.save(first)
            manager.save(sample_instance(BatchState, 1))
            path.chmod(0)
            assert manager.recover() == first, "recover() did not restore the backup"
            assert manager.corrupt_path.stat().st_mode & 0o777 == 0, "not kept aside whole"

        tried = attempt(scenario, user=user)
        assert tried.error is None and not tried.blocked, tried

    def test_recover_of_a_good_file_changes_nothing(
        self,
        manager: BatchStateManager,
        state_path: Path,
        backup: BatchState,
    ) -> None:
        """recover() on a file that loads returns it as it is: good data is never rolled back."""
        good = state_path.read_bytes()
        assert manager.recover() == manager.load()
        assert state_path.read_bytes() == good


class TestBitFlips:
    def test_every_flipped_bit_is_caught(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """One flipped bit anywhere in the file is StateCorruptError, never another state.

        Every bit of the checksum entry, then BITFLIPS random bits anywhere.
        """
        manager.save(sample_instance(BatchState))
        report = flip_bits(manager, state_path, random_flips=BITFLIPS, seed=random.randrange(2**32))
        assert report.missed == [], f"seed {report.seed}: undetected flips {report.missed[:10]}"


class TestNewerFile:
    def test_every_operation_refuses_and_leaves_the_bytes(
        self,
        manager: BatchStateManager,
        state_path: Path,
        backup: BatchState,
    ) -> None:
        """A file from newer code raises StateVersionError on load, save and recover."""
        damaged = damage(state_path, NEWER)
        with pytest.raises(StateVersionError) as caught:
            manager.load()
        assert caught.value.found_version == NEWER_VERSION
        assert str(state_path) in str(caught.value) and "newer" in str(caught.value)
        with pytest.raises(StateVersionError):
            manager.save(sample_instance(BatchState))
        with pytest.raises(StateVersionError):
            manager.recover()
        assert state_path.read_bytes() == damaged
