"""`Removal`: the policy's `delete()`, which removes a state with everything kept of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import arguments as _arguments
from .errors import StateNotFoundError

if TYPE_CHECKING:
    from pathlib import Path

    from .storage import Engine


class Removal:
    """What `StateStore` does to delete its state (it sets the attributes declared here)."""

    _engine: Engine
    _where: Path | str
    lock_timeout: float | None

    def delete(self, *, missing_ok: bool = False) -> None:
        """Delete the state and everything kept of it: the file, its journal, the backup and
        the version backups, the damaged states kept aside, leftover temp files, and last the
        lock file; for a database, the row's state and its history.

        It takes the lock, so it waits for writers as a save does. A crash midway leaves the
        state whole or gone, never an older generation that `recover()` would bring back.
        With nothing to delete it raises StateNotFoundError, unless `missing_ok` (as
        `Path.unlink(missing_ok=True)`). Anything at one of those names that the library
        must not remove (a symlink, a directory, another user's file in a shared directory)
        raises StateUnsafePathError before anything is removed. The manager stays usable:
        the next save starts a new state.
        """
        missing_ok = _arguments.switch("missing_ok", missing_ok)
        # With nothing there, no session: it would make the missing directories, and a lock.
        found = self._engine.exists() or bool(self._engine.sidecars())
        if found:
            with self._engine.session(self.lock_timeout) as session:
                found = session.delete()
        if not found and not missing_ok:
            raise StateNotFoundError(self._where, "there is no state here to delete")

    def sidecars(self) -> list[str]:
        """What `delete()` removes besides the state itself, as it is now: the path of each
        file kept beside it (the lock file aside), or each generation in a database's history."""
        return self._engine.sidecars()
