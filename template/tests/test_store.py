"""The store: save/load, transactions, backups, file modes, write order and temp sweeping."""

import dataclasses
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from _evidence import record
from _samples import sample_instance

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes and fsync semantics")


def _copy_fields(source: Any, target: Any) -> None:
    for spec in dataclasses.fields(source):
        setattr(target, spec.name, getattr(source, spec.name))


class TestSaveLoad:
    def test_missing_file_is_state_not_found(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """load() without a file raises StateNotFoundError (a FileNotFoundError) naming it."""
        assert not manager.exists()
        with pytest.raises(lib.errors.StateNotFoundError) as caught:
            manager.load()
        assert isinstance(caught.value, FileNotFoundError)
        assert str(state_path) in str(caught.value)

    def test_save_creates_missing_directories(self, lib: Any, tmp_path: Path) -> None:
        """Saving into a directory that does not exist yet creates it."""
        manager = lib.manager_type(tmp_path / "a" / "b" / "state.json")
        state = sample_instance(lib.state_type)
        manager.save(state)
        assert manager.exists() and manager.load() == state

    def test_only_the_state_and_its_lock_are_left(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """A first save leaves the file and its lock sidecar, and no temp files."""
        manager.save(sample_instance(lib.state_type))
        names = sorted(path.name for path in state_path.parent.iterdir())
        assert names == [state_path.name, state_path.name + ".lock"]


class TestTransaction:
    def test_changes_are_saved_when_the_block_succeeds(self, manager: Any, lib: Any) -> None:
        """A clean exit from the block saves the yielded state."""
        manager.save(sample_instance(lib.state_type, 0))
        replacement = sample_instance(lib.state_type, 1)
        with manager.transaction() as state:
            _copy_fields(replacement, state)
        assert manager.load() == replacement

    def test_nothing_is_saved_when_the_block_raises(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """An exception in the block propagates and leaves the file byte for byte."""
        manager.save(sample_instance(lib.state_type, 0))
        before = state_path.read_bytes()
        with pytest.raises(KeyError), manager.transaction() as state:
            _copy_fields(sample_instance(lib.state_type, 1), state)
            raise KeyError("abort")
        assert state_path.read_bytes() == before

    def test_default_is_used_without_a_file(self, manager: Any, lib: Any) -> None:
        """transaction(default=...) starts from default() when there is no file yet."""
        state = sample_instance(lib.state_type)
        with manager.transaction(default=lambda: state):
            pass
        assert manager.load() == state

    def test_without_file_or_default_is_state_not_found(self, manager: Any, lib: Any) -> None:
        """Without a default, a transaction on a missing file raises StateNotFoundError."""
        with pytest.raises(lib.errors.StateNotFoundError), manager.transaction():
            pytest.fail("the block must not run")

    def test_save_inside_a_transaction_is_an_error_not_a_deadlock(
        self, manager: Any, lib: Any
    ) -> None:
        """A save nested in a transaction of the same file fails at once: it would be lost."""
        manager.save(sample_instance(lib.state_type))
        other = lib.manager_type(manager.path)
        with pytest.raises(RuntimeError, match="already holds the lock"):  # noqa: SIM117
            with manager.transaction() as state:
                other.save(state)
        with manager.transaction():
            pass  # the lock was released on the way out


class TestBackups:
    def test_each_save_keeps_the_previous_generation(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """After saves A, B, C the backup holds B's bytes."""
        generations = []
        for variant in (0, 1, 0):
            manager.save(sample_instance(lib.state_type, variant))
            generations.append(state_path.read_bytes())
        assert manager.backup_path.read_bytes() == generations[1]

    def test_backup_already_linked_to_the_file(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """A save killed between backup link and rename leaves one inode; the next save copes."""
        manager.save(sample_instance(lib.state_type, 0))
        manager.backup_path.unlink(missing_ok=True)
        os.link(state_path, manager.backup_path)
        before = state_path.read_bytes()
        manager.save(sample_instance(lib.state_type, 1))
        assert manager.backup_path.read_bytes() == before
        leftovers = [
            p.name for p in state_path.parent.iterdir() if lib.atomic.TEMP_MARKER in p.name
        ]
        assert leftovers == []

    def test_backup_survives_another_store_writing(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """A file written by another store is checked before it becomes the backup."""
        manager.save(sample_instance(lib.state_type, 0))
        lib.manager_type(state_path).save(sample_instance(lib.state_type, 1))
        written_by_other = state_path.read_bytes()
        manager.save(sample_instance(lib.state_type, 0))
        assert manager.backup_path.read_bytes() == written_by_other


@posix_only
class TestFileMode:
    @pytest.mark.parametrize("mode", [0o644, 0o600, 0o640])
    def test_existing_mode_is_kept(
        self, manager: Any, lib: Any, state_path: Path, mode: int
    ) -> None:
        """The replacement file gets the mode of the file it replaces."""
        manager.save(sample_instance(lib.state_type, 0))
        state_path.chmod(mode)
        manager.save(sample_instance(lib.state_type, 1))
        assert stat.S_IMODE(state_path.stat().st_mode) == mode

    @pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
    def test_new_file_gets_0666_minus_umask(
        self, manager: Any, lib: Any, state_path: Path, umask: int
    ) -> None:
        """A new file gets 0o666 & ~umask, like any file the user creates."""
        previous = os.umask(umask)
        try:
            manager.save(sample_instance(lib.state_type))
        finally:
            os.umask(previous)
        assert stat.S_IMODE(state_path.stat().st_mode) == 0o666 & ~umask


@posix_only
class TestWriteOrder:
    def test_write_fsync_replace_fsync_directory(
        self, manager: Any, lib: Any, state_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Bytes written, fsync, backup link, rename, then fsync of the directory, in order."""
        manager.save(sample_instance(lib.state_type, 1))  # so the save below also links a backup
        events = _spy_on_syscalls(monkeypatch)
        manager.save(sample_instance(lib.state_type, 0))
        monkeypatch.undo()

        renames = [e for e in events if e[0] == "replace" and e[2] == state_path]
        assert len(renames) == 1
        temp = renames[0][1]
        assert temp.parent == state_path.parent and temp.name.startswith(f".{state_path.name}.")
        written = sum(e[2] for e in events if e[0] == "write" and e[1] == temp)
        assert written == state_path.stat().st_size

        position = {e: i for i, e in enumerate(events)}
        last_write = max(i for i, e in enumerate(events) if e[0] == "write" and e[1] == temp)
        file_sync = position[("fsync", temp)]
        # The backup: a hard link to a temp name, renamed over <file>.bak.
        link = next(e for e in events if e[0] == "link" and e[1] == state_path)
        backup = position[("replace", link[2], manager.backup_path)]
        rename = position[renames[0]]
        directory_sync = position[("fsync", state_path.parent)]
        in_order = last_write < file_sync < position[link] < backup < rename < directory_sync
        record(
            "durability order: write, fsync(file), backup link, replace, fsync(dir)",
            runs=1,
            failures=int(not in_order),
            detail="syscalls spied during a save",
        )
        assert in_order, events


def _spy_on_syscalls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Record open/write/fsync/replace/link calls with the paths they touch, in order."""
    events: list[tuple[Any, ...]] = []
    paths: dict[int, Path] = {}
    real_open, real_write, real_fsync = os.open, os.write, os.fsync
    real_replace, real_link = os.replace, os.link

    def spy_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        fd = real_open(path, flags, *args, **kwargs)
        paths[fd] = Path(path)
        return fd

    def spy_write(fd: int, data: Any) -> int:
        count = real_write(fd, data)
        events.append(("write", paths.get(fd), count))
        return count

    def spy_fsync(fd: int) -> None:
        events.append(("fsync", paths.get(fd)))
        real_fsync(fd)

    def spy_replace(source: Any, target: Any, **kwargs: Any) -> None:
        events.append(("replace", Path(source), Path(target)))
        real_replace(source, target, **kwargs)

    def spy_link(source: Any, target: Any, **kwargs: Any) -> None:
        events.append(("link", Path(source), Path(target)))
        real_link(source, target, **kwargs)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "write", spy_write)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    monkeypatch.setattr(os, "link", spy_link)
    if sys.platform == "darwin":
        import fcntl

        real_fcntl = fcntl.fcntl

        def spy_fcntl(fd: int, command: int, *args: Any) -> Any:
            if command == fcntl.F_FULLFSYNC:
                events.append(("fsync", paths.get(fd)))
            return real_fcntl(fd, command, *args)

        monkeypatch.setattr(fcntl, "fcntl", spy_fcntl)
    return events


class TestTempFiles:
    def test_orphaned_temp_files_are_swept_by_the_next_save(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """Temps a killed writer left behind go at the next save; other files' temps stay."""
        manager.save(sample_instance(lib.state_type))
        orphans = [
            state_path.with_name(lib.atomic.temp_prefix(state_path) + tail)
            for tail in ("dead0001", "dead0002")
        ]
        foreign = state_path.with_name(".other.json" + lib.atomic.TEMP_MARKER + "alive")
        for path in [*orphans, foreign]:
            path.write_text("partial", encoding="utf-8")
        manager.save(sample_instance(lib.state_type, 1))
        assert not any(path.exists() for path in orphans)
        assert foreign.exists()

    def test_a_failed_write_leaves_no_temp_file(
        self, manager: Any, lib: Any, state_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the write fails midway the temp file is removed and the old file is intact."""
        manager.save(sample_instance(lib.state_type, 0))
        before = state_path.read_bytes()

        def broken_fsync(fd: int) -> None:
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(os, "fsync", broken_fsync)
        if sys.platform == "darwin":
            import fcntl

            monkeypatch.setattr(fcntl, "fcntl", lambda *args: broken_fsync(0))
        with pytest.raises(OSError, match="Input/output"):
            manager.save(sample_instance(lib.state_type, 1))
        monkeypatch.undo()
        assert state_path.read_bytes() == before
        leftovers = [p for p in state_path.parent.iterdir() if lib.atomic.TEMP_MARKER in p.name]
        assert leftovers == []
