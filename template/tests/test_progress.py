"""The resume helpers: next_pending skips done and failed items; marks are locked updates."""

import threading
from pathlib import Path
from typing import Any

import pytest
from _samples import sample_instance

ITEMS = ["a", "b", "c", "d"]


@pytest.fixture
def progress(lib: Any) -> dict[str, str]:
    """The names of the items, completed and failed fields (skips without progress)."""
    if lib.progress is None:
        pytest.skip("this schema has no progress fields")
    fields: dict[str, str] = lib.progress
    return fields


@pytest.fixture
def started(manager: Any, lib: Any, progress: dict[str, str]) -> Any:
    """A saved state with four items, none completed or failed."""
    state = sample_instance(lib.state_type)
    setattr(state, progress["items"], list(ITEMS))
    setattr(state, progress["completed"], [])
    setattr(state, progress["failed"], type(getattr(state, progress["failed"]))())
    manager.save(state)
    return manager


def _get(manager: Any, progress: dict[str, str], name: str) -> Any:
    return getattr(manager.load(), progress[name])


class TestProgress:
    def test_next_pending_walks_the_items(self, started: Any, progress: dict[str, str]) -> None:
        """Completed and failed items are skipped; None when every item is done."""
        assert started.next_pending() == "a"
        started.mark_completed("a")
        assert started.next_pending() == "b"
        started.mark_failed("b", "boom")
        assert started.next_pending() == "c"
        started.mark_completed("c")
        started.mark_completed("d")
        assert started.next_pending() is None

    def test_mark_failed_keeps_the_error(self, started: Any, progress: dict[str, str]) -> None:
        """A failed item is recorded once, with its error text when failures are a dict."""
        started.mark_failed("b", "first error")
        started.mark_failed("b", "second error")
        failed = _get(started, progress, "failed")
        if isinstance(failed, dict):
            assert failed == {"b": "second error"}
        else:
            assert failed == ["b"]

    def test_completing_a_failed_item_clears_the_failure(
        self, started: Any, progress: dict[str, str]
    ) -> None:
        """A retried item that now succeeds is completed and no longer failed."""
        started.mark_failed("a", "boom")
        started.mark_completed("a")
        started.mark_completed("a")
        assert _get(started, progress, "completed") == ["a"]
        assert "a" not in _get(started, progress, "failed")

    def test_unknown_item_is_refused_and_nothing_is_saved(
        self, started: Any, progress: dict[str, str], state_path: Path
    ) -> None:
        """Marking an item that is not in the list raises ValueError and writes nothing."""
        before = state_path.read_bytes()
        with pytest.raises(ValueError, match="not in"):
            started.mark_completed("zzz")
        with pytest.raises(ValueError, match="not in"):
            started.mark_failed("zzz", "boom")
        assert state_path.read_bytes() == before

    def test_marks_from_many_threads_are_all_kept(
        self, started: Any, progress: dict[str, str]
    ) -> None:
        """Each mark is its own locked transaction, so concurrent marks are never lost."""
        threads = [threading.Thread(target=started.mark_completed, args=(i,)) for i in ITEMS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(_get(started, progress, "completed")) == ITEMS
        assert started.next_pending() is None
