"""Extreme paths and values: errno-provoking paths, names at the limit, too deep, too long.

Every errno a path can provoke, names at the length limit, states nested deeper or numbers
longer than Python will convert.

Like `_planted`, each catalogue runs against an `Opener` (or a store maker) and returns what
went wrong, so stategen's reliability checks can aim it at naive stores too.
"""

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from _attempts import attempt
from _operations import Opener, problem, refusals
from _procs import VERSION, Blob, blob_store
from batch_state import BatchStateManager
from batch_state.errors import (
    StateConfigError,
    StateCorruptError,
    StateError,
    StateValidationError,
)

#: A scene: build it below `base`, and return the state path to try every operation on.
Scene = Callable[[Path, Opener], Path]


def _saved(path: Path, opener: Opener) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    opener(path)["save"]()
    return path


def _unreadable_file(base: Path, opener: Opener) -> Path:
    path = _saved(base / "state.json", opener)
    path.chmod(0)
    return path


def _unreadable_backup(base: Path, opener: Opener) -> Path:
    path = _saved(base / "state.json", opener)
    opener(path)["save"]()
    path.with_name(path.name + ".bak").chmod(0)
    path.write_bytes(b"{ damaged")  # so recover() must read the backup
    return path


def _unsearchable_directory(base: Path, opener: Opener) -> Path:
    path = _saved(base / "private" / "state.json", opener)
    path.parent.chmod(0o700)
    return path


def _read_only_directory(base: Path, opener: Opener) -> Path:
    path = _saved(base / "read-only" / "state.json", opener)
    path.parent.chmod(0o555)
    return path


def _directory_at_the_path(base: Path, opener: Opener) -> Path:
    (base / "state.json").mkdir()
    return base / "state.json"


def _file_on_the_way(base: Path, opener: Opener) -> Path:
    (base / "file").write_bytes(b"not a directory\n")
    return base / "file" / "state.json"


def _name_too_long(base: Path, opener: Opener) -> Path:
    return base / ("n" * 300)


def _link_loop(base: Path, opener: Opener) -> Path:
    (base / "loop-a").symlink_to(base / "loop-b")
    (base / "loop-b").symlink_to(base / "loop-a")
    return base / "loop-a"


def _missing_directory(base: Path, opener: Opener) -> Path:
    return base / "missing" / "state.json"


#: Paths the system answers with an error (some only for an unprivileged caller).
SCENES: dict[str, Scene] = {
    "unreadable file": _unreadable_file,
    "unreadable backup": _unreadable_backup,
    "unsearchable directory": _unsearchable_directory,
    "read-only directory": _read_only_directory,
    "directory at the path": _directory_at_the_path,
    "file on the way": _file_on_the_way,
    "name too long": _name_too_long,
    "symlink loop": _link_loop,
    "missing directory": _missing_directory,
}


def error_matrix(
    base: Path, opener: Opener, *, user: int | None = None, errnos: set[str] | None = None
) -> tuple[int, list[str]]:
    """Every scene x every operation, as `user`: each returns, or raises a typed error.

    Making the store counts as one more operation. Returns the number of operations tried
    and the problems found; the names of the errnos raised are added to `errnos`.
    """
    tried, found = 0, []
    for index, (scene, build) in enumerate(SCENES.items()):
        directory = base / str(index)
        directory.mkdir(mode=0o755)
        path = build(directory, opener)
        tried += 1
        try:
            calls = opener(path)
        except Exception as error:  # the constructor never touches the file: nothing to raise
            found.append(f"{scene}: the constructor raised {type(error).__name__}: {error}")
            continue
        tried += len(calls)
        problems = refusals(calls, StateError, or_none=True, user=user, errnos=errnos)
        found += [f"{scene}: {trouble}" for trouble in problems]
    return tried, found


#: Constructor arguments a manager must refuse at once, with StateConfigError.
BAD_ARGUMENTS: dict[str, dict[str, object]] = {
    "lock_timeout nan": {"lock_timeout": float("nan")},
    "lock_timeout inf": {"lock_timeout": float("inf")},
    "lock_timeout 1e300": {"lock_timeout": 1e300},
    "lock_timeout -1": {"lock_timeout": -1},
    "lock_timeout True": {"lock_timeout": True},
    "lock_timeout '10'": {"lock_timeout": "10"},
    "empty path": {"path": ""},
    "path with NUL": {"path": "state\0.json"},
    "the root directory": {"path": "/"},
    "path ending in ..": {"path": "states/.."},
    "path of bytes": {"path": b"state.json"},
}


def construction_problems(base: Path) -> list[str]:
    """Each of BAD_ARGUMENTS is refused by the constructor with StateConfigError."""
    found = []
    for name, arguments in BAD_ARGUMENTS.items():
        options: dict[str, Any] = {"path": base / "state.json", **arguments}
        construct = functools.partial(BatchStateManager, **options)
        trouble = problem(name, attempt(construct), StateConfigError)
        if trouble:
            found.append(trouble)
    return found


#: File names at and near the limit of 255 bytes, some of them in multi-byte characters.
LONG_NAMES = [
    "s" * 200 + ".json",
    "s" * 224 + ".json",
    "s" * 226 + ".json",
    "s" * 235 + ".json",
    "s" * 250 + ".json",
    "é" * 125 + ".json",
    "s" * 255,
]


def long_name_problems(base: Path, opener: Opener) -> list[str]:
    """Each long name saves three times, loads, recovers, and keeps every name in the limit."""
    found = []
    for index, name in enumerate(LONG_NAMES):
        directory = base / str(index)
        directory.mkdir()
        calls = opener(directory / name)
        for step in ("save", "save", "save", "load", "recover", "exists"):
            trouble = problem(step, attempt(calls[step]), None)
            if trouble:
                found.append(f"{len(os.fsencode(name))}-byte name: {trouble}")
                break
        too_long = [p.name for p in directory.iterdir() if len(os.fsencode(p.name)) > 255]
        found += [f"a name over 255 bytes: {each}" for each in too_long]
    return found


def _nested(depth: int) -> Any:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _looped() -> Any:
    value: list[Any] = []
    value.append(value)
    return value


def _write_document(path: Path, text: str, version: str = VERSION) -> None:
    document = '{"version": ' + json.dumps(version) + ', "label": "x", ' + text + "}"
    path.write_text(document, encoding="utf-8")


#: What a file holding an extreme value says, by name: loading it is StateCorruptError.
LOADS: dict[str, str] = {
    "list nested 990 deep in a list field": '"items": ' + "[" * 990 + "]" * 990,
    "JSON nested 100,000 deep": '"items": ' + "[" * 100_000 + "]" * 100_000,
    "an integer of 5,000 digits": '"sequence": ' + "9" * 5000,
}
#: States holding an extreme value, by name: saving one is StateValidationError.
SAVES: dict[str, Callable[[], Blob]] = {
    "list nested 990 deep in a list field": lambda: Blob(label="x", items=_nested(990)),
    "an integer of 5,000 digits": lambda: Blob(label="x", sequence=10**5000),
    "a list that contains itself": lambda: Blob(label="x", items=_looped()),
}
#: A version whose parts Python will not convert to an integer.
HUGE_VERSION = "1." + "9" * 5000 + ".0"


class Store(Protocol):
    """What a value case needs of a store of Blob states."""

    def load(self) -> Any: ...

    def save(self, state: Any) -> None: ...

    def recover(self) -> Any: ...


def value_problems(
    base: Path, store_of: Callable[[Path], Store] = blob_store
) -> tuple[int, list[str]]:
    """Each extreme value, read from a file or saved: a typed error, and no file changed.

    `store_of` makes the store to try (`blob_store` here, a naive one in stategen's checks).
    Returns the number of cases tried and the problems found.
    """
    found = []
    for index, (name, text) in enumerate(LOADS.items()):
        path = base / f"load-{index}.json"
        _write_document(path, text)
        before = path.read_bytes()
        trouble = problem(f"load of {name}", attempt(store_of(path).load), StateCorruptError)
        found += [trouble] if trouble else []
        if path.read_bytes() != before:
            found.append(f"load of {name}: the file changed")
    for index, (name, make) in enumerate(SAVES.items()):
        path = base / f"save-{index}.json"
        save = functools.partial(_save_made, store_of(path), make)
        trouble = problem(f"save of {name}", attempt(save), StateValidationError)
        found += [trouble] if trouble else []
        if path.exists():
            found.append(f"save of {name}: a file was written")
    found += _huge_version(base / "version.json", store_of(base / "version.json"))
    return len(LOADS) + len(SAVES) + 2, found


def _save_made(store: Store, make: Callable[[], Blob]) -> None:
    store.save(make())


def _huge_version(path: Path, store: Store) -> list[str]:
    """A file whose version has a 5,000-digit part is corrupt, and recover() restores it."""
    good = Blob(label="good")
    store.save(good)
    store.save(good)  # so there is a backup
    _write_document(path, '"items": []', HUGE_VERSION)
    found = []
    trouble = problem("load of a 5,000-digit version", attempt(store.load), StateCorruptError)
    found += [trouble] if trouble else []
    tried = attempt(functools.partial(_recovers, store, good))
    trouble = problem("recover() from a 5,000-digit version", tried, None)
    return found + ([trouble] if trouble else [])


def _recovers(store: Store, good: Blob) -> None:
    if store.recover() != good:
        raise AssertionError("recover() did not return the backup")
