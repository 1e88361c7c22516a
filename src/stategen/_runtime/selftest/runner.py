"""The selftest's run: a fresh directory inside DIR, one line per check, the verdict, cleanup."""

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import checks as _checks
from .checks import Check
from .outcome import describe


def run(
    manager_class: Callable[..., Any],
    directory: str,
    out: TextIO | None = None,
    *,
    prog: str,
    checks: Sequence[tuple[str, Check]] | None = None,
) -> int:
    """Check that DIR's filesystem keeps what state files rely on (rename, fsync, locks).

    Prints `ok|FAIL <check>: <detail>` for each check and the verdict last; 1 when a check
    failed, 2 (one line on stderr) for a DIR that cannot be used. What it creates is
    removed at the end, after a failure or Ctrl-C too.
    """
    out = sys.stdout if out is None else out
    chosen = _checks.CHECKS if checks is None else checks
    place = Path(directory)
    problem = _unusable(place)
    if problem is None:
        try:
            work = Path(tempfile.mkdtemp(prefix=".selftest-", dir=place))
        except OSError as error:
            problem = f"cannot create a directory in it: {describe(error)}"
    if problem is not None:
        print(
            f"{prog}: {directory}: {problem}; give a directory you can write to "
            "(default: the current directory)",
            file=sys.stderr,
        )
        return 2
    failed: list[str] = []
    started = time.monotonic()
    try:
        for name, check in chosen:
            (work / name).mkdir()
            try:
                line = f"ok {name}: {check(work / name, manager_class)}"
            except Exception as error:  # every failure is a FAIL line, never a traceback
                failed.append(name)
                line = f"FAIL {name}: {describe(error)}"
            out.write(" ".join(line.split()) + "\n")
            out.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if work.exists():
            print(f"{prog}: could not remove {work}; remove it by hand", file=sys.stderr)
    where = place.resolve()
    if failed:
        out.write(
            f"selftest FAILED in {where}: {len(failed)} of {len(chosen)} checks failed "
            f"({', '.join(failed)}); keep state files elsewhere, or see the lines above\n"
        )
        return 1
    out.write(
        f"selftest passed in {where}: all {len(chosen)} checks "
        f"({time.monotonic() - started:.1f} s); state files can be kept here\n"
    )
    return 0


def _unusable(place: Path) -> str | None:
    """Why the directory to test cannot be used, or None."""
    if not place.exists():
        return "no such directory"
    if not place.is_dir():
        return "not a directory"
    if not os.access(place, os.W_OK | os.X_OK):
        return "not writable"
    return None
