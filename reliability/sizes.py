"""How many times the heavy checks run: light defaults, CI's heavy sizes, one table of both.

Each size is an environment variable, so one run can be replayed or enlarged by hand; unset,
a check uses the light default (a few seconds). `python -m reliability --heavy` sets them all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .evidence import EVIDENCE

#: name: (light default, heavy size)
SIZES: dict[str, tuple[int, int]] = {
    "STATEGEN_KILL_ITERATIONS": (25, 2000),  # SIGKILLs of a writer in the middle of a save
    "STATEGEN_JOURNAL_KILLS": (25, 2000),  # SIGKILLs of a writer marking items in journal mode
    "STATEGEN_GROUP_KILLS": (25, 500),  # SIGKILLs of a writer completing groups of items at once
    "STATEGEN_PROCESSES": (4, 8),  # processes racing transactions on one state file
    "STATEGEN_INCREMENTS": (50, 500),  # transactions per process (and per thread)
    "STATEGEN_PG_CRASH_INCREMENTS": (30, 300),  # acknowledged increments around a server crash
    "STATEGEN_PG_KILLS": (3, 50),  # PostgreSQL clients SIGKILLed before their COMMIT
    "STATEGEN_BITFLIPS": (300, 2000),  # random single-bit flips of a saved file
    "STATEGEN_REFUSED_INCREMENTS": (100, 1000),  # increments per writer beside refused writers
    "STATEGEN_HOSTILE_CONTENT": (25, 1000),  # random hostile files and records, per place
    "STATEGEN_MIXED_READS": (1500, 200000),  # lock-free reads per reader, both writers running
    "STATEGEN_FUZZ_INVALID": (60, 1000),  # invalid specs fed to `stategen new`
    "STATEGEN_FUZZ_VALID": (6, 150),  # valid specs generated and checked end to end
    "STATEGEN_SECRET_PASSWORDS": (3, 100),  # random passwords tried in every URL form
}
#: The sizes of the heavy run, as the page's header line shows them.
HEAVY: dict[str, int] = {name: heavy for name, (_, heavy) in SIZES.items()}


#: The most kills a positive control makes: it has only to show that the harness sees the
#: failure, which it does on nearly every kill (in a heavy run, 1,887 torn files in 2,000
#: kills of a naive writer, and 9,701 items lost in 2,000 kills of an early acknowledger).
CONTROL_KILLS = 200


def size(name: str) -> int:
    """The size `name` for this run: its environment variable, else the light default."""
    light, _ = SIZES[name]
    return int(os.environ.get(name, light))


def environment(base: Mapping[str, str], *, heavy: bool, evidence: Path) -> dict[str, str]:
    """`base` with the evidence file set and the heavy sizes set (heavy) or removed (light).

    Removing them in light mode keeps the page's "light" label true even when the shell
    that started the run happens to export one of them.
    """
    env = {name: value for name, value in base.items() if name not in SIZES}
    if heavy:
        env.update({name: str(value) for name, value in HEAVY.items()})
    env[EVIDENCE] = str(evidence)
    return env


def control_size(name: str) -> int:
    """`size(name)` for a positive control: at most CONTROL_KILLS."""
    return min(size(name), CONTROL_KILLS)
