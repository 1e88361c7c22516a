"""An append writes zeros over the journal's room after its record, once per stretch, so the
records after it land in blocks the file system already counts as written."""

from itertools import pairwise
from pathlib import Path

import pytest
from _journals import journal_of
from _procs import BatchStore, batch
from _syscalls import spying
from batch_state._runtime.engines.files import journal as _journal


def _appends(store: BatchStore, items: list[str], journal: Path) -> list[list[tuple]]:
    """The journal writes of each mark: (offset, size, all zeros)."""
    found = []
    for item in items:
        with spying() as events:
            store.mark_completed(item)
        found.append([(*e[3:5], e[2]) for e in events if e[0] == "pwrite" and e[1] == journal])
    return found


def test_one_append_in_a_stretch_writes_the_zeros_ahead(
    state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_journal, "_AHEAD", 4096)  # a short stretch: a few in 300 marks
    store = BatchStore(state_path, journal=True)
    store.save(batch("item", 4000))  # a journal of 50+ KB
    items = [f"item-{index:06d}" for index in range(300)]
    store.mark_completed(items[0])
    journal = journal_of(state_path).resolve()
    size = journal.stat().st_size
    writes = _appends(store, items[1:], journal)
    zeroing = [index for index, each in enumerate(writes) if any(z for _, z, _ in each)]
    # The first mark zeroed the stretch after it; the records that fit in it write none.
    record = next(length for _, zeros, length in writes[0] if not zeros)
    stretch = 4096 // record
    assert len(zeroing) >= 3 and all(b - a >= stretch - 1 for a, b in pairwise(zeroing)), zeroing
    for index in zeroing:
        record_offset, _, record_size = next(w for w in writes[index] if not w[1])
        (zeros,) = [w for w in writes[index] if w[1]]
        assert zeros[0] == record_offset + record_size  # past the record, never over it
        assert zeros[2] <= 4096
    assert journal.stat().st_size == size  # zeros inside the room: the size is unchanged
    assert store.load().completed == items
