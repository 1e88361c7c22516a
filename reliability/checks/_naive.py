"""Known-bad stores for the positive controls: the recipe people copy, holes and all.

Each hostile check runs its cases against the generated library and against this store,
which must fail them: a case that this store passed too could not have caught anything.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any


class NaiveStore:
    """JSON in a file, as it is usually written.

    The path is resolved once (any symlink followed); the lock is `<file>.lock` opened by
    name (through a link, truncating it); every name with the temp prefix is removed
    before a save; the backup goes through a temp name of its own; reads have no bound and
    no check of the file's type, and every error escapes as it is.
    """

    def __init__(self, path: Path, temp_marker: str) -> None:
        self.path = Path(path).resolve()
        self.marker = temp_marker
        self.prefix = f".{self.path.name}{temp_marker}"
        self.backup = self.path.with_name(self.path.name + ".bak")

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> Any:
        return json.loads(self.path.read_bytes())

    def save(self, state: object = None) -> None:
        document: dict[str, Any] = {}
        if dataclasses.is_dataclass(state) and not isinstance(state, type):
            document = dataclasses.asdict(state)  # a Blob, in the value checks
        data = json.dumps({"version": "1.0.0", **document}).encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for name in os.listdir(self.path.parent):
                if name.startswith(self.prefix):
                    os.unlink(self.path.parent / name)
            if self.path.exists():
                # The backup's temp name carries the whole file name and the backup suffix.
                kept = self.backup.with_name(f".{self.backup.name}{self.marker}{_tail()}")
                os.link(self.path, kept)
                os.replace(kept, self.backup)
            temp = self.path.with_name(self.prefix + _tail())
            temp.write_bytes(data)
            os.replace(temp, self.path)

    def recover(self) -> Any:
        try:
            return self.load()
        except ValueError:
            shutil.copyfile(self.backup, self.path)
            return self.load()

    def transaction(self) -> None:
        self.load()
        self.save()


def _tail() -> str:
    return secrets.token_hex(4)


def naive_operations(temp_marker: str) -> Callable[[Path], dict[str, Callable[[], object]]]:
    """An opener (see tests/runtime/_operations.py) of NaiveStore operations."""

    def opener(path: Path) -> dict[str, Callable[[], object]]:
        store = NaiveStore(path, temp_marker)
        return {
            "exists": store.exists,
            "load": store.load,
            "save": store.save,
            "transaction": store.transaction,
            "recover": store.recover,
        }

    return opener
