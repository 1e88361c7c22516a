"""The package under test: the example spec's generated code on stategen's in-tree runtime."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "src" / "stategen" / "_runtime"
SPEC = REPO / "examples" / "batch.yml"
#: The example spec's package, as the tests here import it.
PACKAGE = "batch_state"


def install() -> Path:
    """Generate the example project and import its package from it (once per process: this
    module runs it when first imported).

    The project's own copy of `_runtime` is replaced by a link to stategen's, so the tests
    exercise the runtime being edited, not a snapshot of it. Its `src` goes first on sys.path
    and on PYTHONPATH (for child processes); the directory is removed when the process exits.
    Returns that `src`.
    """
    base = Path(tempfile.mkdtemp(prefix="stategen-runtime-"))
    atexit.register(_remove, base, os.getpid())
    src = _generate(base / "project") / "src"
    copied = src / PACKAGE / "_runtime"
    shutil.rmtree(copied)
    copied.symlink_to(RUNTIME, target_is_directory=True)
    sys.path.insert(0, str(src))
    inherited = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), inherited]))
    return src


def _generate(dest: Path) -> Path:
    command = [sys.executable, "-m", "stategen", "new", str(dest), "--spec", str(SPEC)]
    result = subprocess.run(
        [*command, "--defaults"],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"`stategen new --spec {SPEC}` failed:\n{result.stderr}")
    return dest


def _remove(base: Path, owner: int) -> None:
    # A forked child that exits through sys.exit runs atexit too: only the maker removes.
    if os.getpid() == owner:
        shutil.rmtree(base, ignore_errors=True)


SOURCE = install()
