"""What `import <the generated package>` costs beyond `import json`, in fresh interpreters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ._stats import Summary

#: Times one import inside a fresh interpreter, so the interpreter's own start is left out.
_PROBE = (
    "import time\n"
    "start = time.perf_counter()\n"
    "import {module}\n"
    "print(time.perf_counter() - start)\n"
)


@dataclass(frozen=True)
class ImportCost:
    """`import json` and `import <package>`, each timed in its own fresh process, in turns."""

    json: Summary
    package: Summary
    extra: Summary  # per round: the package's import less json's


def _timed_import(module: str, env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seconds: float = json.loads(done.stdout)
    return seconds


def import_cost(src: Path, package: str, repeat: int) -> ImportCost:
    """Time both imports `repeat` times, alternating, after one warm-up run of each (which
    writes the bytecode caches); the difference is taken per round."""
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONWARNINGS": "ignore"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    _timed_import("json", env)
    _timed_import(package, env)
    plain, ours = [], []
    for _ in range(repeat):
        plain.append(_timed_import("json", env))
        ours.append(_timed_import(package, env))
    extra = [mine - theirs for mine, theirs in zip(ours, plain, strict=True)]
    return ImportCost(Summary.of(plain), Summary.of(ours), Summary.of(extra))
