"""Run one child command with its output in a log file, and never wait on it forever."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

# Each heavy suite takes 2 to 3 minutes on a 2-core machine; 20 means something is stuck, not
# slow, and leaves CI's budget room to report it.
TIMEOUT = 1200.0


@dataclass(frozen=True)
class Finished:
    command: list[str]
    status: int | None  # None: killed after the timeout
    seconds: float
    log: Path

    def tail(self, lines: int = 15) -> str:
        """The end of the output, where pytest puts its summary."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])


def run(
    command: list[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float = TIMEOUT
) -> Finished:
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        # A session of its own, so a timeout can stop the writers and workers the tests
        # started too, not only pytest itself.
        child = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            status: int | None = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(child)
            status = None
        except BaseException:
            # Ctrl-C does not reach a child in its own session: stop it before leaving.
            _stop(child)
            raise
    return Finished(command, status, time.perf_counter() - started, log)


def _stop(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may already be gone
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()
