"""What a fresh process holding a large journaled state keeps in memory, against its JSON."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ._format import NONE, X, ratio, spread, verdict
from ._payload import human
from ._stats import Summary

MEMORY_TARGET = 4.0  # resident growth over the state file's bytes
MEMORY_GOAL = 3.0

#: Run in a fresh interpreter: the resident size before the first mark of the large state
#: and after the marks, each after a collection. One mark of a tiny state (argv[2]) comes
#: first, so that what every process imports and keeps on first use is not counted. The
#: items to mark come on stdin, the large state file is argv[1].
_PROBE = """\
import gc, json, os, sys
from {module} import {manager}

def resident():
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

items = json.loads(sys.stdin.read())
{manager}(sys.argv[2], journal=True).mark_completed(items[0])
manager = {manager}(sys.argv[1], journal=True)
gc.collect()
before = resident()
for item in items:
    manager.mark_completed(item)
gc.collect()
print(resident() - before)
"""


@dataclass(frozen=True)
class MemoryCost:
    """A fresh process that marks `marks` items of a journaled state of `items` items."""

    items: int
    marks: int
    json_bytes: int  # the state file the first mark read
    grown: Summary  # bytes the process's resident set grew by, over the runs
    ratio: Summary  # per run: grown / json_bytes


def memory_cost(
    root: Path, state: Any, manager_class: Any, module: ModuleType, *, marks: int, repeat: int
) -> MemoryCost:
    """Save `state` in journal mode, then measure `repeat` fresh processes marking its first
    `marks` items (Linux: the resident size comes from /proc/self/statm)."""
    src = Path(module.__file__ or "").resolve().parents[1]
    probe = _PROBE.format(module=module.__name__, manager=manager_class.__name__)
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONWARNINGS": "ignore"}
    items = json.dumps(list(state.features)[:marks])
    grown, ratios, size = [], [], 0
    tiny = root / "tiny" / "state.json"
    manager_class(tiny, journal=True).save(dataclasses.replace(state, features=state.features[:10]))
    for run in range(repeat):
        path = root / f"run-{run}" / "state.json"
        manager_class(path, journal=True).save(state)
        size = path.stat().st_size
        done = subprocess.run(
            [sys.executable, "-c", probe, str(path), str(tiny)],
            input=items,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
        grown.append(float(done.stdout))
        ratios.append(grown[-1] / size)
    return MemoryCost(len(state.features), marks, size, Summary.of(grown), Summary.of(ratios))


def memory_row(found: MemoryCost | str | None) -> list[str]:
    """The headline row of the memory target."""
    target = f"≤ {MEMORY_TARGET}{X} (goal {MEMORY_GOAL}{X})"
    if not isinstance(found, MemoryCost):
        why = f"not measured: {found}" if found else "not run"
        return ["memory of a process holding a journaled state", why, *[NONE] * 3, target, "n/a"]
    return [
        f"memory: a fresh process after {found.marks:,} marks of a journaled state of "
        f"{found.items:,} items (resident growth)",
        human(found.grown.median),
        f"{human(found.json_bytes)} (the state file)",
        ratio(found.ratio),
        spread(found.ratio),
        target,
        verdict(found.ratio, MEMORY_TARGET),
    ]
