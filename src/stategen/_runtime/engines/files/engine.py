"""`FileEngine` and `FileSession`: the storage contract, as thin views on one `StateFiles`.

The files of a state, what the engine remembers of them and the code that reads and writes
them are one object (`state.StateFiles`, its read path in `reading`). The engine and each
session only translate the contract of `storage` into its calls: a session passes where it
works (the directory held open under the lock) with each one.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from ... import patch as _patch
from ...errors import StateNotFoundError
from ...storage import Engine, Previous, Salvage, Session, Stored
from .cache import Cache
from .fs.locate import Location
from .reading import Held
from .state import StateFiles


class FileEngine(Engine):
    """The state kept at `path`; `journal`: write changes as journal records; `max_bytes`:
    the largest snapshot it reads; `durability` "normal": do not sync journal appends."""

    def __init__(
        self, path: Path, *, journal: bool, max_bytes: int, durability: str = "full"
    ) -> None:
        self.path = path
        self.journal = journal
        self.files = StateFiles(path, journal=journal, max_bytes=max_bytes)
        self.files.sync_appends = durability == "full"

    @property
    def _cache(self) -> Cache | None:
        """What the files held when last read or written (the runtime tests look into it)."""
        return self.files.cache

    def sidecar_path(self, suffix: str) -> Path:
        return self.files.sidecar_path(suffix)

    def exists(self) -> bool:
        return self.files.exists()

    def view(self, *, exact: bool) -> "_View":
        return _View(self.files, exact)

    @contextmanager
    def session(self, timeout: float | None) -> Iterator["FileSession"]:
        with self.files.locked(timeout) as held:
            yield FileSession(self.files, held)

    def sidecars(self) -> list[str]:
        return self.files.sidecars()

    def describe(self) -> str:
        return self.files.describe()

    def describe_lock(self) -> str:
        return self.files.describe_lock()

    def backup_name(self) -> Path:
        return self.sidecar_path(".bak")

    def aside(self) -> str:
        return str(self.sidecar_path(".corrupt"))


class _View:
    """`FileEngine.view`: the place found and the state held (under the mutex) for the block.

    A class rather than a generator, as `failing.Failing` is: `load()` is short, and this was
    a fifth of it.
    """

    __slots__ = ("_exact", "_files", "_place")

    def __init__(self, files: StateFiles, exact: bool) -> None:
        self._files = files
        self._exact = exact
        self._place: Location | None = None

    def __enter__(self) -> Stored:
        files = self._files
        place = files.place(writing=False)
        try:
            if place.directory is None or place.found is None:
                raise StateNotFoundError(files.path)
            files.mutex.acquire()
            try:
                with files.reading:
                    stored = files.committed(place.directory, place.name, place.found, self._exact)
            except BaseException:
                files.mutex.release()
                raise
        except BaseException:
            place.close()
            raise
        self._place = place
        return stored

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._files.mutex.release()
        if self._place is not None:
            self._place.close()


class FileSession(Session):
    """One locked read-modify-write of a FileEngine's files."""

    def __init__(self, files: StateFiles, held: Held) -> None:
        self._files = files
        self._held = held

    def current(self, *, afresh: bool = False) -> Stored | None:
        return self._files.current(self._held, afresh=afresh)

    def salvage(self) -> Salvage | None:
        return self._files.salvage(self._held)

    def backup(self) -> Stored:
        return self._files.backup(self._held)

    def replace(self, version: str, fields: dict[str, Any], previous: Previous) -> Stored:
        return self._files.replace(self._held, version, fields, previous)

    def apply(self, change: Callable[[Stored], Sequence[_patch.Op]]) -> None:
        self._files.apply(self._held, change)

    def compact(self) -> bool:
        return self._files.compact(self._held)

    def tidy(self) -> int:
        return self._files.tidy(self._held)

    def delete(self) -> bool:
        return self._files.delete(self._held)
