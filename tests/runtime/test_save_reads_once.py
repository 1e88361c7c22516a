"""A save reads the current file once: the bytes its session compared under the lock serve
the backup decision, unless the file changed in place since."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _syscalls import spying
from batch_state import BatchState, BatchStateManager
from batch_state._runtime.engines.files.state import StateFiles

_WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _state(number: int) -> BatchState:
    return BatchState(batch_id=f"b{number}", features=["a", "b"], created_at=_WHEN)


def _opens_of(path: Path, manager: BatchStateManager, state: BatchState) -> int:
    with spying() as events:
        manager.save(state)
    return sum(1 for event in events if event[0] == "open" and event[1] == path)


def test_a_save_opens_the_state_file_only_to_hold_the_new_one(state_path: Path) -> None:
    manager = BatchStateManager(state_path)
    manager.save(_state(0))
    # The one open: the new file, held for the next operation. The current file's bytes
    # were read through the descriptor already held, and compared, under the lock.
    assert _opens_of(state_path, manager, _state(1)) == 1
    # The control: a journaled snapshot keeps no bytes, so its save reads the file again.
    journaled = BatchStateManager(state_path, journal=True)
    journaled.save(_state(2))
    assert _opens_of(state_path, journaled, _state(3)) == 2


def test_a_file_changed_in_place_during_the_save_is_kept_as_corrupt(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed after the session compared it, before the backup decision: the file is no
    longer the one read, so it is kept aside as damaged, and the backup stays."""
    manager = BatchStateManager(state_path)
    manager.save(_state(0))
    manager.save(_state(1))
    backup = manager.backup_path.read_bytes()
    real = StateFiles._as_checked

    def edited_first(self: StateFiles, held: object) -> object:
        fd = os.open(state_path, os.O_WRONLY)
        try:
            os.pwrite(fd, b"X", 20)  # same size, new bytes (and new times)
        finally:
            os.close(fd)
        return real(self, held)  # type: ignore[arg-type]

    monkeypatch.setattr(StateFiles, "_as_checked", edited_first)
    manager.save(_state(2))
    assert manager.corrupt_path.read_bytes()[20:21] == b"X"
    assert manager.backup_path.read_bytes() == backup
    assert manager.load() == _state(2)
