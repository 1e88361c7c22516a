"""Marking many items at once: one locked update and one record, the same as one by one.

`mark_completed_many` and `mark_failed_many` must end where the single marks, in order,
end; write one journal record for any number of items; and write nothing at all when one
item or error is bad.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from _journals import journal_of, records_of
from _procs import VERSION
from batch_state import BatchState, BatchStateManager
from batch_state._runtime.progress import Progress
from batch_state._runtime.store import StateStore
from batch_state.errors import StateValidationError


@dataclass(kw_only=True)
class Listed:
    """A resume-helper state whose failed items are a list (no error text)."""

    items: list[str] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class ListedStore(StateStore[Listed]):
    """Listed states, with the helpers a generated manager has."""

    def __init__(self, path: Path, **options: Any) -> None:
        super().__init__(path, Listed, schema_version=VERSION, **options)
        self._progress = Progress("items", "completed", "failed", failed_is_dict=False)

    def mark_completed(self, item: str) -> None:
        self._change(lambda stored: self._progress.completing(stored, item))

    def mark_failed(self, item: str, error: str) -> None:
        self._change(lambda stored: self._progress.failing(stored, item, error))

    def next_pending(self) -> str | None:
        return self._inspect(self._progress.next_pending)

    def mark_completed_many(self, items: Any) -> None:
        self._change(lambda stored: self._progress.completing_many(stored, items))

    def mark_failed_many(self, failures: Any) -> None:
        self._change(lambda stored: self._progress.failing_many(stored, failures))


def _names(size: int) -> list[str]:
    return [f"item-{index:05d}" for index in range(size)]


def _batch(path: Path, size: int, *, journal: bool = True) -> BatchStateManager:
    manager = BatchStateManager(path, journal=journal)
    created = datetime(2024, 1, 1, tzinfo=UTC)  # the same in every state compared
    manager.save(BatchState(batch_id="b", features=_names(size), created_at=created))
    return manager


def _listed(path: Path, size: int) -> ListedStore:
    store = ListedStore(path, journal=True)
    store.save(Listed(items=_names(size)))
    return store


def test_a_thousand_items_are_one_record(state_path: Path) -> None:
    # Large enough that the journal (as large as the snapshot) holds both records.
    manager = _batch(state_path, 20_000)
    manager.mark_completed("item-00000")  # makes the journal
    before = len(records_of(state_path))
    manager.mark_completed_many(_names(1000))
    manager.mark_failed_many({name: "boom" for name in _names(2000)[1000:]})
    assert len(records_of(state_path)) == before + 2
    state = manager.load()
    assert state.completed == _names(1000)
    assert list(state.failed) == _names(2000)[1000:]
    assert manager.next_pending() == "item-02000"


@pytest.mark.parametrize(
    ("call", "bad"),
    [
        ("complete", "no-such-item"),
        ("complete", 42),
        ("fail", "no-such-item"),
        ("fail error", 42),
    ],
)
def test_one_bad_item_writes_nothing(state_path: Path, call: str, bad: Any) -> None:
    manager = _batch(state_path, 20)
    manager.mark_completed("item-00003")
    journal, state = journal_of(state_path).read_bytes(), manager.load()
    names = _names(20)
    with pytest.raises(StateValidationError):
        if call == "complete":
            manager.mark_completed_many([names[0], bad, names[1]])
        elif call == "fail":
            manager.mark_failed_many([(names[0], "e"), (bad, "e"), ("item-00003", "e")])
        else:
            manager.mark_failed_many({names[0]: "e", "item-00003": bad})
    assert journal_of(state_path).read_bytes() == journal
    assert manager.load() == state
    # Positive control: the same call without the bad item writes.
    manager.mark_completed_many([names[0], names[1]])
    assert journal_of(state_path).read_bytes() != journal


def test_a_string_is_not_a_list_of_items(state_path: Path) -> None:
    manager = _batch(state_path, 5)
    with pytest.raises(StateValidationError, match="expected items"):
        manager.mark_completed_many("item-00001")
    with pytest.raises(StateValidationError, match="pair"):
        manager.mark_failed_many(["item-00001"])  # type: ignore[list-item]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("listed", [False, True], ids=["failed dict", "failed list"])
def test_many_at_once_ends_where_one_by_one_does(tmp_path: Path, seed: int, listed: bool) -> None:
    """Random rounds of marks, repeats and items done or failed before included."""
    rng = random.Random(seed)
    names = _names(30)
    make = _listed if listed else _batch
    singles: Any = make(tmp_path / "singles.json", 30)
    many: Any = make(tmp_path / "many.json", 30)
    for round_ in range(8):
        chosen = [rng.choice(names) for _ in range(rng.randrange(0, 8))]
        if rng.random() < 0.5:
            for item in chosen:
                singles.mark_completed(item)
            many.mark_completed_many(iter(chosen))
        else:
            failures = [(item, f"error {round_}.{index}") for index, item in enumerate(chosen)]
            for item, error in failures:
                singles.mark_failed(item, error)
            many.mark_failed_many(failures)
        assert many.load() == singles.load()
        assert many.next_pending() == singles.next_pending()
