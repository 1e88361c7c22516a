"""The spare: a save writes into the backup the save before it retired, and only when it may."""

import errno
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _deletes import spare_of
from _syscalls import order_problems, spying
from batch_state import BatchState, BatchStateManager
from batch_state._runtime.engines.files.fs.spare import LARGEST
from batch_state.errors import StateError

pytestmark = pytest.mark.skipif(os.name == "nt", reason="hard links and inodes are POSIX here")


_WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _state(number: int, items: int = 50) -> BatchState:
    features = [f"item-{i}" for i in range(items)]
    return BatchState(batch_id=f"b{number}", features=features, created_at=_WHEN)


def _inode(path: Path) -> int:
    return path.stat().st_ino


def _saved(manager: BatchStateManager, first: int, count: int) -> None:
    for number in range(first, first + count):
        manager.save(_state(number))


class TestReuse:
    def test_a_save_writes_into_the_spare_and_retires_the_backup(self, state_path: Path) -> None:
        """From the fourth save on, three files take turns: no inode is made or freed."""
        manager = BatchStateManager(state_path)
        _saved(manager, 0, 3)
        backup, spare = manager.backup_path, spare_of(state_path)
        for number in range(3, 10):
            before = (_inode(state_path), _inode(backup), _inode(spare))
            manager.save(_state(number))
            # The spare became the state, the state the backup, the backup the spare.
            assert (_inode(state_path), _inode(backup), _inode(spare)) == (
                before[2],
                before[0],
                before[1],
            )
            assert manager.load() == _state(number)
            assert BatchStateManager(backup).load() == _state(number - 1)
            assert all(os.stat(path).st_nlink == 1 for path in (state_path, backup, spare))

    def test_the_spare_is_cut_to_the_new_length(self, state_path: Path) -> None:
        """A state shorter than the spare's old content leaves none of it behind."""
        manager = BatchStateManager(state_path)
        for items in (400, 400, 400, 3):
            manager.save(_state(items, items))
        assert manager.load() == _state(3, 3)
        assert state_path.stat().st_size == len(state_path.read_bytes()) < 400

    def test_a_manager_writes_only_into_a_spare_it_retired(self, state_path: Path) -> None:
        """A new manager (another process, say) does not know whether the retirement it
        finds was made durable: its first save makes a new file (the positive control of
        the reuse above), and only its second reuses."""
        _saved(BatchStateManager(state_path), 0, 3)
        spare = _inode(spare_of(state_path))
        fresh = BatchStateManager(state_path)
        fresh.save(_state(3))
        assert _inode(state_path) != spare
        retired = _inode(spare_of(state_path))
        fresh.save(_state(4))
        assert _inode(state_path) == retired

    def test_two_managers_taking_turns_never_write_into_each_others_spare(
        self, state_path: Path
    ) -> None:
        one, two = BatchStateManager(state_path), BatchStateManager(state_path)
        for number in range(12):
            (one if number % 2 else two).save(_state(number))
            assert one.load() == two.load() == _state(number)
            assert number == 0 or BatchStateManager(one.backup_path).load() == _state(number - 1)

    def test_a_journal_fold_reuses_the_spare_too(self, state_path: Path) -> None:
        manager = BatchStateManager(state_path, journal=True)
        _saved(manager, 0, 3)
        manager.mark_completed("item-0")
        spare = _inode(spare_of(state_path))
        assert manager.compact()
        assert _inode(state_path) == spare
        assert manager.load().completed == ["item-0"]


class TestNeverWrittenInto:
    def test_a_spare_with_another_name_is_left_as_it_is(self, state_path: Path) -> None:
        """Someone linked the spare elsewhere: writing into it would change that file."""
        manager = BatchStateManager(state_path)
        _saved(manager, 0, 3)
        elsewhere = state_path.with_name("kept-by-hand.json")
        os.link(spare_of(state_path), elsewhere)
        content = elsewhere.read_bytes()
        _saved(manager, 3, 3)
        assert elsewhere.read_bytes() == content
        assert manager.load() == _state(5)

    def test_a_link_planted_at_the_spare_name_is_never_followed(self, state_path: Path) -> None:
        manager = BatchStateManager(state_path)
        _saved(manager, 0, 3)
        precious = state_path.with_name("precious")
        precious.write_bytes(b"not yours")
        spare_of(state_path).unlink()
        spare_of(state_path).symlink_to(precious)
        _saved(manager, 3, 2)
        assert precious.read_bytes() == b"not yours"
        assert manager.load() == _state(4)
        # Not ours to move either: the link is where it was planted.
        assert spare_of(state_path).is_symlink()

    def test_another_file_at_the_spare_name_is_not_written_into(self, state_path: Path) -> None:
        """The same name, another file (a copy put back by hand): not this manager's spare,
        so a new temp file is made, and the copy is not changed through an open handle."""
        manager = BatchStateManager(state_path)
        _saved(manager, 0, 3)
        spare = spare_of(state_path)
        content = spare.read_bytes()
        spare.unlink()
        spare.write_bytes(content)
        with spare.open("rb") as handle:
            manager.save(_state(3))
            assert handle.read() == content
        assert manager.load() == _state(3)

    def test_a_backup_larger_than_the_limit_is_freed_not_kept(self, state_path: Path) -> None:
        manager = BatchStateManager(state_path)
        big = BatchState(batch_id="big", features=["x" * 1000] * (LARGEST // 1000 + 10))
        for _ in range(3):
            manager.save(big)
        assert not spare_of(state_path).exists()
        manager.save(_state(1))
        assert manager.load() == _state(1)


def test_the_durable_order_holds_when_the_spare_is_written_into(state_path: Path) -> None:
    """Written, synced, the backup linked (the old one kept as the spare), renamed, the
    directory synced: writing into the spare changes none of the order a save must keep."""
    manager = BatchStateManager(state_path)
    _saved(manager, 0, 3)
    spare = _inode(spare_of(state_path))
    with spying() as events:
        manager.save(_state(3))
    assert _inode(state_path) == spare  # the save under test did write into the spare
    assert order_problems(events, state_path, manager.backup_path) == []
    # The old backup got its spare name before the rename that takes its backup name.
    retire = events.index(("link", manager.backup_path, spare_of(state_path)))
    onto_backup = [
        i for i, e in enumerate(events) if e[0] == "replace" and e[2] == manager.backup_path
    ]
    assert len(onto_backup) == 1 and retire < onto_backup[0]


def test_a_retirement_the_directory_sync_did_not_confirm_is_not_written_into(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The directory sync failed: a power loss may still give the old backup its name back,
    so the file must not be overwritten; the next save makes a new one."""
    manager = BatchStateManager(state_path)
    _saved(manager, 0, 3)
    real_fsync = os.fsync

    def failing_for_directories(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "injected")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_for_directories)
    with pytest.raises(StateError):
        manager.save(_state(3))
    monkeypatch.setattr(os, "fsync", real_fsync)
    unconfirmed = _inode(spare_of(state_path))
    manager.save(_state(4))
    assert _inode(state_path) != unconfirmed
    assert manager.load() == _state(4)
