"""Deterministic fault injection: the writer dies at each step of a save, in turn.

Random kills land where the timing puts them; this walks every step of the write sequence
(each os.write, os.fsync, os.link and os.replace a save makes) and stops the process with
os._exit just before it and just after it. Each time the file must hold exactly the state
the step implies (old before the rename, new after), the backup must be a whole older
generation, and the next save must sweep every orphaned temp file.
"""

import os
from pathlib import Path
from typing import Any

import pytest
from _evidence import record
from _procs import FAULT_FIRED, blob, blob_store, context, exit_at_step

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fork and os._exit semantics are POSIX")

STEPS = ("write", "fsync", "link", "replace")
OLDEST, OLD, NEW, NEXT = (blob(label, 4_000) for label in ("oldest", "old", "new", "next"))


def _prepare(lib: Any, path: Path, first_save: bool) -> None:
    path.parent.mkdir(parents=True)
    if not first_save:
        blob_store(lib.store.StateStore, path).save(OLDEST)
        blob_store(lib.store.StateStore, path).save(
            OLD
        )  # so the save under test also rotates a backup


def _syscalls_of_a_save(
    lib: Any, root: Path, first_save: bool, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, int, Any]]:
    """(function, n-th call of it, its arguments) for each step of one save, in order."""
    path = root / "spy" / "state.json"
    _prepare(lib, path, first_save)
    steps: list[tuple[str, int, Any]] = []
    counts = dict.fromkeys(STEPS, 0)
    for name in STEPS:
        real = getattr(os, name)

        def spy(*args: Any, _name: str = name, _real: Any = real, **kwargs: Any) -> Any:
            counts[_name] += 1
            steps.append((_name, counts[_name], args))
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, spy)
    blob_store(lib.store.StateStore, path).save(NEW)
    monkeypatch.undo()
    return steps


def _load_or_none(lib: Any, path: Path) -> Any:
    try:
        return blob_store(lib.store.StateStore, path).load()
    except lib.errors.StateNotFoundError:
        return None


@pytest.mark.parametrize("first_save", [True, False], ids=["first save", "over a file"])
def test_a_crash_at_any_step_leaves_old_or_new(
    lib: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_save: bool
) -> None:
    """os._exit before and after every step: the file is exactly old-or-new, temps swept."""
    steps = _syscalls_of_a_save(lib, tmp_path, first_save, monkeypatch)
    assert {name for name, _, _ in steps} >= {"write", "fsync", "replace"}
    # The rename that publishes the new state: before it the file must be old, after it new.
    publish = next(
        index
        for index, (name, _, args) in enumerate(steps)
        if name == "replace" and Path(args[1]).name == "state.json"
    )
    old = None if first_save else OLD
    backups = (None,) if first_save else (OLDEST, OLD)
    ctx = context()
    failures: dict[str, str] = {}  # one entry per failed run, with what went wrong
    for index, (name, call, _) in enumerate(steps):
        for after in (False, True):
            where = f"{'after' if after else 'before'} {name} #{call}"
            path = tmp_path / f"{index}-{after}" / "state.json"
            _prepare(lib, path, first_save)
            process = ctx.Process(
                target=exit_at_step,
                args=(lib.store.StateStore, path, NEW, name, call, after),
            )
            process.start()
            process.join(60)
            if process.exitcode != FAULT_FIRED:
                failures[where] = f"the fault did not fire (exit {process.exitcode})"
                continue
            expected = NEW if index > publish or (index == publish and after) else old
            found = _load_or_none(lib, path)
            if found != expected:
                failures[where] = f"the file holds {getattr(found, 'label', found)}"
            backup = _load_or_none(lib, blob_store(lib.store.StateStore, path).backup_path)
            if backup not in backups:
                failures[where] = f"the backup holds {getattr(backup, 'label', backup)}"
            blob_store(lib.store.StateStore, path).save(
                NEXT
            )  # the next save sweeps what the crash left
            temps = [p.name for p in path.parent.iterdir() if lib.atomic.TEMP_MARKER in p.name]
            if temps:
                failures[where] = f"temp files left after the next save: {temps}"
    scenario = "first save" if first_save else "over a file"
    record(
        f"fault injection: os._exit before and after each step ({scenario})",
        runs=2 * len(steps),
        failures=len(failures),
        detail=" → ".join(f"{name}#{call}" for name, call, _ in steps),
    )
    assert failures == {}
