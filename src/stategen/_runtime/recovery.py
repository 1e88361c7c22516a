"""What `recover()` did: where the state it returned came from, and what it dropped to get it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from .errors import (
    StateCorruptError,
    StateError,
    StateMigrationError,
    StateNotFoundError,
    StateReadError,
)
from .storage import Salvage, Session, Stored

if TYPE_CHECKING:
    from pathlib import Path

T = TypeVar("T")

#: What a state that cannot be used raises: `recover()` falls back on the backup for these.
DAMAGE = (StateCorruptError, StateNotFoundError, StateMigrationError, StateReadError)


@dataclass(frozen=True)
class Recovery:
    """The report of one `recover()`, kept as the manager's `last_recovery`.

    `source` is what the returned state was read from: "current" (it loaded: nothing was
    changed), "salvaged" (the damaged state's intact part: its snapshot and the first
    `kept` journal records) or "backup". `dropped` journal records of snapshot `generation`
    were left out, from the file `dropped_from`. `damage` says what was wrong with the
    current state, and `aside` where it was kept (None when nothing was replaced).
    """

    location: str
    source: str
    damage: str = ""
    kept: int = 0
    dropped: int = 0
    generation: str | None = None
    dropped_from: str | None = None
    aside: str | None = None

    def __str__(self) -> str:
        if self.source == "current":
            return f"nothing to recover: {self.location} loads"
        if self.source == "backup":
            what = "put the backup back in place"
        else:
            what = f"kept the snapshot and {self.kept} journal records"
        text = f"recovered {self.location}: {what}"
        if self.dropped:
            text += (
                f"; dropped {self.dropped} journal records of generation {self.generation} "
                f"from {self.dropped_from}"
            )
        if self.damage:
            text += f"; the damage: {self.damage}"
        if self.aside:
            text += f"; the damaged state was kept in {self.aside}"
        return text


def backup_of(session: Session, where: Path | str, backup: Path | str, damage: str) -> Stored:
    """The backup, when nothing of the current state could be kept; without one, a
    StateNotFoundError that says what to do."""
    try:
        return session.backup()
    except StateNotFoundError:
        what = f"the state cannot be used ({damage})" if damage else "there is no state"
        raise StateNotFoundError(
            where,
            f"{what}, and there is no backup to recover from ({backup}); nothing was changed. "
            "Restore it from a copy of your own, or save a new state (a damaged one is then "
            "kept aside)",
        ) from None


def salvaged(
    salvage: Salvage | None, decode: Callable[[Stored], T], report: Recovery
) -> tuple[T, Recovery] | None:
    """The state kept of `salvage` (the longest run of changes that validates) and `report`
    completed with what was dropped; None when nothing of it validates."""
    found = None if salvage is None else longest_valid(salvage, decode)
    if salvage is None or found is None:
        return None
    state, kept = found
    damage = [report.damage, salvage.damage]
    if kept < salvage.changes:
        damage.append(f"journal record {kept} does not apply or does not validate")
    dropped = salvage.lost + salvage.changes - kept
    return state, replace(
        report,
        damage="; ".join(text for text in damage if text),
        kept=kept,
        dropped=dropped,
        generation=salvage.generation,
        dropped_from=salvage.where if dropped else None,
    )


def longest_valid(salvage: Salvage, decode: Callable[[Stored], T]) -> tuple[T, int] | None:
    """The state of the longest run of `salvage`'s changes that applies and validates
    (`decode` raises ValueError or StateError for one that does not), and its length;
    None when the base state alone does not validate.

    All of them are tried first (the usual case: a damaged record cut the run short, and
    the rest is good); otherwise a binary search keeps the first `n` such that `n` validate
    and `n + 1` do not, in a few tries whatever the journal's length.
    """

    def attempt(count: int) -> T | None:
        try:
            return decode(salvage.state(count))
        except (ValueError, RecursionError, MemoryError, StateError):
            return None

    best = attempt(salvage.changes)
    if best is not None:
        return best, salvage.changes
    good, bad = 0, salvage.changes
    state = attempt(0)
    if state is None:
        return None
    while bad - good > 1:
        middle = (good + bad) // 2
        found = attempt(middle)
        if found is None:
            bad = middle
        else:
            good, state = middle, found
    return state, good
