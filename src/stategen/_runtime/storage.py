"""The storage contract: what the policy (`store`) asks of an engine that keeps one state.

An engine keeps the JSON form of one state (its fields, and the schema version they were
written at) durably, and gives it back. The policy decides everything else: validation,
versions and migrations, which generation is good enough to become the backup, and what is
quarantined. `engines.files.FileEngine` keeps a JSON snapshot and, in journal mode, a journal of
changes beside it; `engines.postgres.PostgresEngine` keeps a database row per state, with a
history table for `backup()`, behind the same two classes.

The contract, for every engine:

- **Lock-free reads** (`Engine.view`) see one whole state that some writer committed, never
  an older one than a writer had committed before the read began.
- **Sessions are exclusive** across threads and processes (`Engine.session`), and a
  session's `current()` is the state as the last committed write left it.
- **Writes are durable and atomic.** When `replace` or `apply` returns, the
  change survives a crash of the process or of the machine; when it raises, the stored
  state is what it was, and the engine's error says what happened.
- **A replaced generation is kept** as the policy judged it (`Previous`): a good one as the
  backup that `backup()` returns, a damaged one aside, never destroyed.
- **A delete is whole or not at all**, as a reader sees it (`Session.delete`): the older
  generations go before the current state does, so a crash midway never leaves an older
  one to load or recover in its place.
- **Errors** are the library's own (`errors.py`): StateNotFoundError, StateCorruptError
  (the stored bytes are damaged), StateReadError / StateWriteError (the system refused,
  also the OSError of its errno), StateLockTimeout, StateUnsafePathError,
  StateCommitUnknownError (an error after the commit point: the change may or may not
  stay); a database engine adds StateUnavailableError and StateDatabaseError.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import patch as _patch
from .patch import Op

if TYPE_CHECKING:
    from pathlib import Path

#: Told of each operation applied to a stored state: the operation, its path's tokens,
#: and the value it removed or replaced (None when there was none).
Watcher = Callable[[Op, list[str], Any], None]


class Stored:
    """A state as an engine holds it: the schema version it was written at, and its fields.

    `fields` belongs to the engine. It may stay live: the engine applies later changes to
    it in place, and tells each watcher. Read it; change it only through a session.
    `checked` is the policy's note that it validated this content (the engine never sets
    it; a change that a validated writer made keeps it valid).
    """

    __slots__ = ("_watchers", "checked", "fields", "version")

    def __init__(self, version: str | None, fields: dict[str, Any]) -> None:
        self.version = version  # None: the document predates versioning
        self.fields = fields
        self.checked = False
        self._watchers: list[Watcher] = []

    def watch(self, watcher: Watcher) -> None:
        """Tell `watcher` of every operation applied from now on."""
        self._watchers.append(watcher)

    def apply(self, ops: Sequence[Op]) -> None:
        """Apply `ops` in order; PatchError (a ValueError) when one does not apply.

        The operations before the failing one stay applied: an engine that meets a change
        that does not apply must drop this state and read it afresh.
        """
        watchers = self._watchers

        def applied(op: Op, tokens: list[str], old: Any) -> None:
            for watcher in watchers:
                watcher(op, tokens, old)

        _patch.apply_all(self.fields, ops, applied)


@dataclass(frozen=True)
class Previous:
    """What a replace does with the state it supersedes, as the policy judged that state.

    `good`: a valid state, kept whole as the backup (the previous generation); `version`
    is its schema version when older than the new one, kept under that version too. Not
    good: damaged (or unreadable), kept aside, and the backup is left alone.
    """

    good: bool
    version: str | None = None


GOOD = Previous(True)
DAMAGED = Previous(False)


@dataclass(frozen=True)
class Salvage:
    """What a damaged state still holds: a base state, and the changes after it whose bytes
    are intact (not yet validated: the policy keeps the longest run of them that validates).

    `state(count)` is a fresh copy of the base with the first `count` changes applied;
    ValueError when one of them does not apply. `lost` counts the changes of the base's
    `generation` already lost with the damage (unreadable, or cut off by it), `damage` says
    what was wrong, and `where` names what held the changes (a journal file).
    """

    state: Callable[[int], Stored]
    changes: int
    lost: int
    damage: str
    where: str
    generation: str | None = None


class Session(ABC):
    """One exclusive read-modify-write of the state, opened by `Engine.session`."""

    @abstractmethod
    def current(self, *, afresh: bool = False) -> Stored | None:
        """The state now, or None when nothing is stored; StateCorruptError if damaged.

        `afresh`: read and check every byte again, trusting nothing remembered from earlier
        reads (`recover()` judges the stored state itself, not a copy in memory).
        """

    @abstractmethod
    def salvage(self) -> Salvage | None:
        """After `current()` failed: what is still intact (a file engine: the snapshot, and
        the journal records before the damaged one), or None when nothing is."""

    @abstractmethod
    def backup(self) -> Stored:
        """The previous generation; StateNotFoundError without one, StateCorruptError when
        it is damaged too."""

    @abstractmethod
    def replace(self, version: str, fields: dict[str, Any], previous: Previous) -> Stored:
        """Store `fields` at schema `version` as a new generation, keeping the current state
        as `previous` says; the engine takes `fields` over. Returns the new state."""

    @abstractmethod
    def apply(self, change: Callable[[Stored], Sequence[Op]]) -> None:
        """The current state, good and at the current schema version, changes by the
        operations `change(state)` returns (nothing, when it returns none). The engine
        calls it with no other thread of the process touching the state."""

    @abstractmethod
    def compact(self) -> bool:
        """Fold changes kept apart (a journal) into the whole state; False if there were none."""

    @abstractmethod
    def tidy(self) -> int:
        """Remove what crashed writers left behind (temp files); how many were removed."""

    @abstractmethod
    def delete(self) -> bool:
        """Remove the state and every generation kept of it (backups, states kept aside),
        durably: afterwards nothing of it loads or recovers, and a later write starts afresh.

        A crash midway leaves the current state whole or gone, never an older generation in
        its place. Returns whether there was anything to remove. Something the engine must not
        touch raises (StateUnsafePathError) before anything is removed.
        """


class Engine(ABC):
    """Where one state lives, and how to read and change it."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether a state is stored (it may still be damaged)."""

    @abstractmethod
    def view(self, *, exact: bool) -> AbstractContextManager[Stored]:
        """The committed state, without taking the lock, for the block to read.

        `exact`: what was read before serves only if every byte is the same (`load()`);
        otherwise a cheaper check of identity may do (`next_pending()`). StateNotFoundError
        when nothing is stored.
        """

    @abstractmethod
    def session(self, timeout: float | None) -> AbstractContextManager[Session]:
        """An exclusive session; StateLockTimeout after `timeout` seconds (None: never)."""

    def sidecar_path(self, suffix: str) -> Path | None:
        """The file `<state file><suffix>` kept beside the state (the state file itself for
        ""); None for an engine that keeps no files."""
        return None

    @abstractmethod
    def sidecars(self) -> list[str]:
        """What `Session.delete` would remove besides the state itself, as it is now (read
        without the lock), one entry each for a message: the files kept beside a state file,
        or the history rows of a database's state."""

    def describe_lock(self) -> str | None:
        """Who holds the lock now, in one line: "free", "held by ..." (pid, host, command,
        since), or "unknown: why"; None for an engine that cannot tell. Takes the lock for no
        longer than one try that does not wait (`python -m <package> show` prints it)."""
        return None

    @abstractmethod
    def describe(self) -> str:
        """How the state is stored now, in one line (`python -m <package> verify` prints
        it); called inside a `view`."""

    @abstractmethod
    def backup_name(self) -> Path | str:
        """How errors name the previous generation (`Session.backup`)."""

    @abstractmethod
    def aside(self) -> str:
        """Where a damaged state is kept when it is replaced, for a message."""
