"""What is measured: the floor, floor + lock, the seed's pattern, and the protocol they share.

Each contender stores the same document and states its durability guarantee in words:
whether a crash mid-save leaves old-or-new (atomic), whether the bytes and the rename are
flushed to disk (fsync), and whether concurrent processes lose nothing (across processes).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from filelock import FileLock

Document = dict[str, Any]
COUNTER = "current_index"


@dataclass(frozen=True)
class Guarantee:
    """A contender's durability guarantee, as its code and documentation state it."""

    atomic: str
    fsync: str
    processes: str


class Contender(ABC):
    """One way to persist the state: save it whole, load it whole, bump a counter in it."""

    label: ClassVar[str]
    guarantee: ClassVar[Guarantee]

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @abstractmethod
    def save(self, document: Document) -> None:
        """Persist `document` as the whole state."""

    @abstractmethod
    def load(self) -> Document:
        """Read the whole state back."""

    @abstractmethod
    def increment(self) -> None:
        """Add one to the counter with this contender's own read-modify-write idiom."""

    def close(self) -> None:  # noqa: B027 - optional: most contenders hold no handle
        """Release handles."""


def durable_write(path: Path, data: bytes) -> None:
    """The floor: temp file in the same directory, write, fsync, replace, fsync the directory."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class Floor(Contender):
    """The physical floor of a durable replace: no serialization, no lock, no checks."""

    label = "floor: write + fsync + replace + fsync dir"
    guarantee = Guarantee("yes (rename)", "file + directory", "no lock: read-modify-write races")

    def __init__(self, directory: Path, data: bytes | None = None) -> None:
        super().__init__(directory)
        self.path = directory / "floor.json"
        self.data = data

    def save(self, document: Document) -> None:
        durable_write(self.path, self.data if self.data is not None else _dumps(document))

    def load(self) -> Document:
        """The load floor: raw `json.loads` of the file's bytes."""
        loaded: Document = json.loads(self.path.read_bytes())
        return loaded

    def increment(self) -> None:
        document = self.load()
        document[COUNTER] += 1
        durable_write(self.path, _dumps(document))


class FloorLocked(Floor):
    """The floor inside an uncontended `filelock` acquire/release on a sidecar file."""

    label = "floor + filelock"
    guarantee = Guarantee("yes (rename)", "file + directory", "yes (sidecar lock around the RMW)")

    def __init__(self, directory: Path, data: bytes | None = None) -> None:
        super().__init__(directory, data)
        self.path = directory / "floor-locked.json"
        self.lock = FileLock(directory / "floor-locked.json.lock")

    def save(self, document: Document) -> None:
        with self.lock:
            super().save(document)

    def read_modify_write(self) -> None:
        """Lock, read and parse the file, write the same bytes back durably, unlock."""
        with self.lock:
            json.loads(self.path.read_bytes())
            super().save({})

    def increment(self) -> None:
        with self.lock:
            super().increment()


class Seed(Contender):
    """The seed's pattern: mkstemp + json.dump(indent=2) + os.replace; flock on the data file."""

    label = "seed pattern (mkstemp + replace, flock on data file)"
    guarantee = Guarantee(
        "against a process crash only",
        "none",
        "no: the lock is on the inode that replace swaps out",
    )

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.path = directory / "seed.json"

    def save(self, document: Document) -> None:
        fd, temp_path = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(document, handle, indent=2)
            os.replace(temp_path, self.path)
        except Exception:
            Path(temp_path).unlink(missing_ok=True)
            raise

    def load(self) -> Document:
        with self.path.open() as handle:
            loaded: Document = json.load(handle)
        return loaded

    @contextmanager
    def _file_lock(self) -> Iterator[Any]:
        with self.path.open("r+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield handle
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def increment(self) -> None:
        with self._file_lock() as handle:
            document = json.load(handle)
            document[COUNTER] += 1
            self.save(document)


def _dumps(document: Document) -> bytes:
    return json.dumps(document).encode()
