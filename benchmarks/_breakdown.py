"""Where one save() or load() of the generated library spends its time, phase by phase.

The library's own functions (and a few os/json calls) are wrapped with timers while the
measurement runs; nothing in the generated files changes. Timers do not nest: a call made
inside an already timed call belongs to the outer phase. The floor is timed the same way, in
alternation with the library, so the two columns share the machine's moods. Whatever no
timer covers is "other". A function of the generated library that a phase names but the
library no longer has is an error (its time would go to "other" unnoticed, as the encode's
did once it moved out of `store`); one of json, os or filelock may be absent, since their
internals differ between versions.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import filelock

from ._contenders import Document

Phases = dict[str, float]
Spec = tuple[tuple[str, str, str], ...]

CREATE = "create temp file or take the spare (open, stat, chmod)"
WRITE = "write"
FSYNC = "fsync (file + directory)"
RENAME = "rename"
BACKUP = "backup hard link (.bak; the old one kept as the spare)"
TEMPS = "temp names kept in the lock file"
WALK = "find the directory (one open if unchanged, else a walk)"
LOCK = "lock acquire + release"
CURRENT = "read current file (backup decision)"
OTHER = "other"

# (module of the generated package, or json/os/filelock; attribute, `.` walks into a class;
# phase). Listed in the order a save runs.
SAVE_PHASES: Spec = (
    ("_runtime.store", "encoded", "dataclass → dict + validation"),
    ("json", "dumps", "json.dumps"),
    ("_runtime.engines.files.document", "_checksum", "checksum (CRC-32)"),
    ("_runtime.engines.files.fs.locate", "Locator.locate", WALK),
    ("_runtime.engines.files.fs.lock", "_open_lock_file", LOCK),
    ("filelock", "lock_descriptor", LOCK),
    ("filelock", "unlock_descriptor", LOCK),
    ("_runtime.engines.files.fs.temps", "Temps.remove_leftovers", TEMPS),
    ("_runtime.engines.files.fs.temps", "Temps.done", TEMPS),
    ("_runtime.engines.files.engine", "FileSession.current", CURRENT),
    ("_runtime.engines.files.snapshot", "current", CURRENT),
    ("_runtime.engines.files.fs.spare", "Spare.take", CREATE),
    ("_runtime.engines.files.fs.atomic", "_create_temp", CREATE),
    ("_runtime.engines.files.fs.atomic", "_copy_owner_and_mode", CREATE),
    ("os", "open", CREATE),  # the floor's temp file; for both, the directory opened to fsync
    ("_runtime.engines.files.fs.atomic", "_write_all", WRITE),
    ("os", "write", WRITE),
    ("os", "ftruncate", WRITE),  # the spare cut to the new length
    ("os", "fsync", FSYNC),
    ("_runtime.engines.files.fs.atomic", "link_atomic", BACKUP),
    ("os", "replace", RENAME),
    (
        "_runtime.engines.files.state",
        "StateFiles._cache_written",
        "keep the new file open for the next operation",
    ),
)
LOAD_PHASES: Spec = (
    ("_runtime.engines.files.fs.locate", "Locator.locate", WALK),
    ("_runtime.engines.files.reading", "open_regular", "read file"),
    ("_runtime.engines.files.reading", "read_whole", "read file"),
    ("_runtime.engines.files.document", "_checksum_matches", "checksum (CRC-32)"),
    ("_runtime.engines.files.document", "_DECODER.decode", "JSON parse"),
    ("_runtime.engines.files.document", "_STRICT_DECODER.decode", "JSON parse"),
    ("_runtime.store", "decode", "validation + dataclasses"),
)
FLOOR_STEPS = frozenset({CREATE, WRITE, FSYNC, RENAME})


def breakdown_of(ours: Any, document: Document, floor: Any, *, rounds: int) -> dict[str, Phases]:
    """Median seconds per phase: "save" and "floor" (timed in turns), then "load" of a file
    changed since the manager read it (the load that parses)."""
    manager = ours.manager
    state = ours.state_of(document)
    package = sys.modules[ours.module.__name__]
    saves = _measure(
        package,
        SAVE_PHASES,
        {"save": lambda: manager.save(state), "floor": lambda: floor.save(document)},
        rounds,
    )
    return {**saves, **_measure(package, LOAD_PHASES, {"load": ours.load_changed}, rounds)}


def _measure(
    package: Any, phases: Spec, calls: dict[str, Callable[[], object]], rounds: int
) -> dict[str, Phases]:
    names = [phase for _, _, phase in phases]
    spent: dict[str, float] = {}
    samples: dict[str, list[Phases]] = {name: [] for name in calls}
    with _wrapped(package, phases, spent):
        for call in calls.values():
            call()  # warm-up
        for _ in range(max(rounds, 3)):
            for name, call in calls.items():
                spent.clear()
                start = time.perf_counter()
                call()
                total = time.perf_counter() - start
                sample = {phase: spent[phase] for phase in dict.fromkeys(names) if phase in spent}
                sample[OTHER] = max(0.0, total - sum(spent.values()))
                samples[name].append(sample)
    return {name: _medians(runs) for name, runs in samples.items()}


def _medians(runs: list[Phases]) -> Phases:
    phases = dict.fromkeys(phase for run in runs for phase in run)
    return {phase: statistics.median(run.get(phase, 0.0) for run in runs) for phase in phases}


@contextmanager
def _wrapped(package: Any, phases: Spec, spent: dict[str, float]) -> Iterator[None]:
    undo: list[Callable[[], None]] = []
    active = [False]  # one timed call at a time: inner calls belong to the outer phase
    try:
        for module_name, attribute, phase in phases:
            owner = _owner(package, module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part, None)
            if owner is not None and hasattr(owner, name):
                undo.append(_patch(owner, name, phase, spent, active))
            elif module_name.startswith("_runtime."):
                raise LookupError(
                    f"the phase {phase!r} times {module_name}.{attribute}, which the "
                    "generated library does not have: update benchmarks/_breakdown.py"
                )
        yield
    finally:
        for restore in reversed(undo):
            restore()


def _owner(package: Any, module_name: str) -> Any:
    standard = {"json": json, "os": os, "filelock": filelock}
    if module_name in standard:
        return standard[module_name]
    return importlib.import_module(f"{package.__name__}.{module_name}")


def _patch(
    owner: Any, name: str, phase: str, spent: dict[str, float], active: list[bool]
) -> Callable[[], None]:
    """Wrap `owner.name` (a module function, a method, a static method, or an instance's
    method) with a timer that adds to `spent[phase]`; return how to undo it."""
    static = inspect.getattr_static(owner, name)
    is_static = inspect.isclass(owner) and isinstance(static, staticmethod)
    function = static.__func__ if is_static else getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        if active[0]:
            return function(*args, **kwargs)
        active[0] = True
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[phase] = spent.get(phase, 0.0) + time.perf_counter() - start
            active[0] = False

    own = inspect.ismodule(owner) or name in getattr(owner, "__dict__", {})
    setattr(owner, name, staticmethod(timed) if is_static else timed)

    def restore() -> None:
        if own:
            setattr(owner, name, static)
        else:
            delattr(owner, name)

    return restore
