"""This run's PostgreSQL server (scripts/postgres), under the names a generated suite reads."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

#: Makes, starts, stops and deletes a throwaway cluster (Debian's server binaries).
SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres"

#: The generated project's variable: this run's variable.
SERVER_VARIABLES = {
    f"TEST_POSTGRES_{name}": f"STATEGEN_TEST_POSTGRES_{name}" for name in ("URL", "DATA", "BIN")
}


def server_environment(base: Mapping[str, str]) -> dict[str, str]:
    """The generated suite's TEST_POSTGRES_* variables for the server `base` names (none
    when it names none: the PostgreSQL tests then skip)."""
    return {ours: base[theirs] for ours, theirs in SERVER_VARIABLES.items() if theirs in base}


@contextmanager
def throwaway_server() -> Iterator[dict[str, str]]:
    """A new cluster for the block (`scripts/postgres start` in a temp directory): the
    STATEGEN_TEST_POSTGRES_* variables that name it. Stopped and deleted after the block;
    AssertionError when it cannot start."""
    parent = Path(tempfile.mkdtemp(prefix="stategen-pg-"))
    parent.chmod(0o755)  # the postgres user must reach the cluster inside
    directory = parent / "pg"
    try:
        started = subprocess.run(
            ["bash", str(SERVER_SCRIPT), "start", str(directory)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if started.returncode != 0:
            raise AssertionError(f"could not start a server of its own: {started.stderr[-2000:]}")
        exports = dict(
            shlex.split(line)[1].split("=", 1)
            for line in started.stdout.splitlines()
            if line.startswith("export ")
        )
        yield {name: value for name, value in exports.items() if name.startswith("STATEGEN_")}
    finally:
        subprocess.run(
            ["bash", str(SERVER_SCRIPT), "stop", str(directory)],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(parent, ignore_errors=True)
