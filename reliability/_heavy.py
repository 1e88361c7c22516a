"""The heavy run's sizes, in one place. The tests read them from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# Unset, each variable leaves the test's own light default (a few seconds per test).
HEAVY: dict[str, int] = {
    "STATEGEN_KILL_ITERATIONS": 2000,  # SIGKILLs of a writer in the middle of a save
    "STATEGEN_PROCESSES": 8,  # processes racing transactions on one state file
    "STATEGEN_INCREMENTS": 500,  # transactions per process (and per thread)
    "STATEGEN_BITFLIPS": 2000,  # random single-bit flips of a saved file
    "STATEGEN_FUZZ_INVALID": 1000,  # invalid specs fed to `stategen new`
    "STATEGEN_FUZZ_VALID": 200,  # valid specs generated and checked end to end
}

EVIDENCE = "STATEGEN_EVIDENCE"


def environment(base: Mapping[str, str], *, heavy: bool, evidence: Path) -> dict[str, str]:
    """`base` with the evidence file set and the heavy sizes set (heavy) or removed (light).

    Removing them in light mode keeps the page's "light" label true even when the shell
    that started the run happens to export one of them.
    """
    env = {name: value for name, value in base.items() if name not in HEAVY}
    if heavy:
        env.update({name: str(value) for name, value in HEAVY.items()})
    env[EVIDENCE] = str(evidence)
    return env
