"""What one small change to a large collection appends to the journal, and whether it folds."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._stats import Summary

RECORD_TARGET = 1024  # bytes a small change may append, whatever the size of the state

#: A spec with a set field, generated beside the example (which has none).
SET_SPEC = """\
name: bench-tags
package: bench_tags
state: TagState
version: 1.0.0
description: A set of tags, for the size of a journal record.
fields:
  tags: {type: "set[str]", default: []}
"""


@dataclass(frozen=True)
class ChangeSize:
    """Transactions that each make one small change to a collection of `items` strings."""

    change: str  # what each transaction does, for the page (markdown)
    items: int
    snapshot_bytes: int
    appended: Summary  # bytes each transaction appended to the journal
    folded: int  # how many of them folded the journal into a new snapshot instead
    seconds: Summary  # wall time of each transaction

    def met(self) -> bool:
        return not self.folded and self.appended.high < RECORD_TARGET


def list_pop(root: Path, state: Any, manager_of: Callable[..., Any], repeat: int) -> ChangeSize:
    """`state.features.pop(0)` in a transaction, on the example's list of features."""
    manager = manager_of(root / "pop" / "state.json", journal=True)
    manager.save(state)

    def pop(current: Any) -> None:
        current.features.pop(0)

    change = f"`state.features.pop(0)` on a `list[str]` of {len(state.features):,}"
    return _measure(manager, pop, change, len(state.features), repeat)


def set_add(root: Path, items: int, repeat: int) -> ChangeSize:
    """`state.tags.add(...)` of a tag that sorts into the middle of a `set[str]` of `items`."""
    from ._generator import generate
    from ._ours import generated_package, import_generated, manager_class

    project = generate(root / "tags-project", SET_SPEC)
    module = import_generated(*generated_package(project))
    manager = manager_class(module)(root / "tags" / "state.json", journal=True)
    # Even numbers only, so each odd one added lands between two that are there.
    manager.save(manager.state_type(tags={f"tag-{index:08d}" for index in range(0, 2 * items, 2)}))
    added = iter(range(items + 1, 2 * items, 2))

    def add(current: Any) -> None:
        current.tags.add(f"tag-{next(added):08d}")

    change = f"`state.tags.add(…)` in the middle of a `set[str]` of {items:,}"
    return _measure(manager, add, change, items, repeat)


def _measure(
    manager: Any, change: Callable[[Any], None], what: str, items: int, repeat: int
) -> ChangeSize:
    snapshot_bytes = manager.path.stat().st_size
    appended, seconds, folded = [], [], 0
    for _ in range(repeat):
        before, end = _identity(manager.path), _journal_end(manager)
        start = time.perf_counter()
        with manager.transaction() as current:
            change(current)
        seconds.append(time.perf_counter() - start)
        if _identity(manager.path) != before:
            folded += 1  # a new snapshot: the change went there, not into a record
        else:
            appended.append(_journal_end(manager) - end)
    return ChangeSize(
        what,
        items,
        snapshot_bytes,
        Summary.of(appended or [0]),
        folded,
        Summary.of(seconds),
    )


def _identity(path: Path) -> tuple[int, int, int]:
    status = os.stat(path)
    return status.st_ino, status.st_size, status.st_mtime_ns


def _journal_end(manager: Any) -> int:
    """Where the next record goes: the harness's one look inside the manager."""
    end: int = manager._engine.files.cache.end
    return end
