"""The store: save/load, transactions, backups, file modes, write order and temp sweeping."""

import dataclasses
import os
import stat
import sys
from pathlib import Path

import pytest
from _procs import FAULT_FIRED, blob, blob_store, context, exit_at_step
from _samples import sample_instance
from _syscalls import order_problems, spying, unsynced_directories
from batch_state import (
    BatchState,
    BatchStateManager,
)
from batch_state._runtime.engines.files.fs.names import DEFAULT_NAME_MAX, TEMP_MARKER, temp_prefix
from batch_state.errors import StateNotFoundError

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes and fsync semantics")


def _temp_files(directory: Path) -> list[str]:
    return [path.name for path in directory.iterdir() if TEMP_MARKER in path.name]


def _copy_fields(
    source: BatchState,
    target: BatchState,
) -> None:
    for spec in dataclasses.fields(source):
        setattr(target, spec.name, getattr(source, spec.name))


class TestSaveLoad:
    def test_missing_file_is_state_not_found(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """load() without a file raises StateNotFoundError (a FileNotFoundError) naming it."""
        assert not manager.exists()
        with pytest.raises(StateNotFoundError) as caught:
            manager.load()
        assert isinstance(caught.value, FileNotFoundError)
        assert str(state_path) in str(caught.value)

    def test_save_creates_missing_directories(self, tmp_path: Path) -> None:
        """Saving into a directory that does not exist yet creates it."""
        manager = BatchStateManager(tmp_path / "a" / "b" / "state.json")
        state = sample_instance(BatchState)
        manager.save(state)
        assert manager.exists() and manager.load() == state

    def test_only_the_state_and_its_lock_are_left(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """A first save leaves the file and its lock sidecar, and no temp files."""
        manager.save(sample_instance(BatchState))
        names = sorted(path.name for path in state_path.parent.iterdir())
        assert names == [state_path.name, state_path.name + ".lock"]


class TestTransaction:
    def test_changes_are_saved_when_the_block_succeeds(
        self,
        manager: BatchStateManager,
    ) -> None:
        """A clean exit from the block saves the yielded state."""
        manager.save(sample_instance(BatchState, 0))
        replacement = sample_instance(BatchState, 1)
        with manager.transaction() as state:
            _copy_fields(replacement, state)
        assert manager.load() == replacement

    def test_nothing_is_saved_when_the_block_raises(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """An exception in the block propagates and leaves the file byte for byte."""
        manager.save(sample_instance(BatchState, 0))
        before = state_path.read_bytes()
        with pytest.raises(KeyError), manager.transaction() as state:
            _copy_fields(sample_instance(BatchState, 1), state)
            raise KeyError("abort")
        assert state_path.read_bytes() == before

    def test_default_is_used_without_a_file(
        self,
        manager: BatchStateManager,
    ) -> None:
        """transaction(default=...) starts from default() when there is no file yet."""
        state = sample_instance(BatchState)
        with manager.transaction(default=lambda: state):
            pass
        assert manager.load() == state

    def test_without_file_or_default_is_state_not_found(
        self,
        manager: BatchStateManager,
    ) -> None:
        """Without a default, a transaction on a missing file raises StateNotFoundError."""
        with pytest.raises(StateNotFoundError), manager.transaction():
            pytest.fail("the block must not run")

    def test_save_inside_a_transaction_is_an_error_not_a_deadlock(
        self,
        manager: BatchStateManager,
    ) -> None:
        """A save nested in a transaction of the same file fails at once: it would be lost."""
        manager.save(sample_instance(BatchState))
        other = BatchStateManager(manager.path)
        with pytest.raises(RuntimeError, match="already holds the lock"):  # noqa: SIM117
            with manager.transaction() as state:
                other.save(state)
        with manager.transaction():
            pass  # the lock was released on the way out


class TestBackups:
    def test_each_save_keeps_the_previous_generation(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """After saves A, B, C the backup holds B's bytes."""
        generations = []
        for variant in (0, 1, 0):
            manager.save(sample_instance(BatchState, variant))
            generations.append(state_path.read_bytes())
        assert manager.backup_path.read_bytes() == generations[1]

    def test_backup_already_linked_to_the_file(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """A save killed between backup link and rename leaves one inode; the next save copes."""
        manager.save(sample_instance(BatchState, 0))
        manager.backup_path.unlink(missing_ok=True)
        os.link(state_path, manager.backup_path)
        before = state_path.read_bytes()
        manager.save(sample_instance(BatchState, 1))
        assert manager.backup_path.read_bytes() == before
        assert _temp_files(state_path.parent) == []

    def test_backup_survives_another_store_writing(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """A file written by another store is checked before it becomes the backup."""
        manager.save(sample_instance(BatchState, 0))
        other = BatchStateManager(state_path)
        other.save(sample_instance(BatchState, 1))
        written_by_other = state_path.read_bytes()
        manager.save(sample_instance(BatchState, 0))
        assert manager.backup_path.read_bytes() == written_by_other


@posix_only
class TestFileMode:
    @pytest.mark.parametrize("mode", [0o644, 0o600, 0o640])
    def test_existing_mode_is_kept(
        self,
        manager: BatchStateManager,
        state_path: Path,
        mode: int,
    ) -> None:
        """The replacement file gets the mode of the file it replaces."""
        manager.save(sample_instance(BatchState, 0))
        state_path.chmod(mode)
        manager.save(sample_instance(BatchState, 1))
        assert stat.S_IMODE(state_path.stat().st_mode) == mode

    @pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
    def test_new_file_gets_0666_minus_umask(
        self,
        manager: BatchStateManager,
        state_path: Path,
        umask: int,
    ) -> None:
        """A new file gets 0o666 & ~umask, like any file the user creates."""
        previous = os.umask(umask)
        try:
            manager.save(sample_instance(BatchState))
        finally:
            os.umask(previous)
        assert stat.S_IMODE(state_path.stat().st_mode) == 0o666 & ~umask


@posix_only
class TestWriteOrder:
    def test_write_fsync_replace_fsync_directory(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """Bytes written, fsync, backup link, rename, then fsync of the directory, in order."""
        # A first save, so that the one below also links a backup.
        manager.save(sample_instance(BatchState, 1))
        with spying() as events:
            manager.save(sample_instance(BatchState, 0))
        assert order_problems(events, state_path, manager.backup_path) == [], events

    def test_every_directory_a_save_creates_is_synced(self, tmp_path: Path) -> None:
        """New directories, and the directory each was made in, are fsynced by the save."""
        manager = BatchStateManager(tmp_path / "a" / "b" / "c" / "state.json")
        with spying() as events:
            manager.save(sample_instance(BatchState))
        made = [event[1] for event in events if event[0] == "mkdir"]
        assert made == [tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"]
        assert unsynced_directories(events) == [], events


class TestTempFiles:
    @posix_only
    def test_temp_files_of_a_killed_writer_go_at_the_next_save(self, tmp_path: Path) -> None:
        """A save names each temp file in the lock file before making it, so the next save
        removes what a killed writer left without listing the directory."""
        path = tmp_path / "state.json"
        blob_store(path).save(blob("old", 4_000))
        foreign = path.with_name(".other.json" + TEMP_MARKER + "alive")
        foreign.write_text("partial", encoding="utf-8")
        killed = context().Process(
            target=exit_at_step, args=(path, blob("new", 4_000), "write", 1, False)
        )
        killed.start()
        killed.join(60)
        assert killed.exitcode == FAULT_FIRED
        assert len(_temp_files(tmp_path)) == 2, "the killed save left no temp file"
        blob_store(path).save(blob("next", 4_000))
        assert _temp_files(tmp_path) == [foreign.name]

    def test_leftovers_nobody_named_go_with_compact_and_recover(
        self,
        manager: BatchStateManager,
        state_path: Path,
    ) -> None:
        """Temps that outlived their names (a power loss, an older version of this library)
        are left by saves, and removed by compact() and recover(); other files' temps stay."""
        manager.save(sample_instance(BatchState))
        orphans = [
            state_path.with_name(temp_prefix(state_path.name, DEFAULT_NAME_MAX) + tail)
            for tail in ("dead0001", "dead0002")
        ]
        foreign = state_path.with_name(".other.json" + TEMP_MARKER + "alive")
        for path in [*orphans, foreign]:
            path.write_text("partial", encoding="utf-8")
        manager.save(sample_instance(BatchState, 1))
        assert all(path.exists() for path in orphans), "a save listed the directory"
        manager.compact()
        assert not any(path.exists() for path in orphans)
        for path in orphans:
            path.write_text("partial", encoding="utf-8")
        manager.recover()
        assert not any(path.exists() for path in orphans)
        assert foreign.exists()

    def test_a_failed_write_leaves_no_temp_file(
        self,
        manager: BatchStateManager,
        state_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If the write fails midway the temp file is removed and the old file is intact."""
        manager.save(sample_instance(BatchState, 0))
        before = state_path.read_bytes()

        def broken_fsync(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", broken_fsync)
        if sys.platform == "darwin":
            import fcntl

            monkeypatch.setattr(fcntl, "fcntl", lambda *args: broken_fsync(0))
        with pytest.raises(OSError, match="Input/output"):
            manager.save(sample_instance(BatchState, 1))
        monkeypatch.undo()
        assert state_path.read_bytes() == before
        assert _temp_files(state_path.parent) == []
