"""A crash of the PostgreSQL server, and its restart, in the middle of acknowledged increments.

The crash is of a server of the test's own (`scripts/postgres start` in a temp directory),
never of the one the other tests share: they keep running beside it, on every worker.
"""

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from _database import BIN_VARIABLE, DATA_VARIABLE, URL_VARIABLE, counter_store
from _procs import Counter, context
from batch_state.errors import StateCommitUnknownError, StateUnavailableError

from reliability._server import throwaway_server


@contextmanager
def own_server() -> Iterator[None]:
    """A new cluster for the block, named by STATEGEN_TEST_POSTGRES_* meanwhile (processes
    started in the block inherit them); stopped and deleted after it."""
    with throwaway_server() as exports:
        wanted = (URL_VARIABLE, DATA_VARIABLE, BIN_VARIABLE)
        saved = {name: os.environ.get(name) for name in wanted}
        os.environ.update({name: exports[name] for name in wanted})
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _pg_ctl(*arguments: str) -> None:
    """Run pg_ctl as the owner of the data directory (it refuses to run as root)."""
    data = os.environ[DATA_VARIABLE]
    owner = os.stat(data)
    as_owner: dict[str, Any] = {}
    if os.geteuid() == 0 and owner.st_uid != 0:
        as_owner = {"user": owner.st_uid, "group": owner.st_gid, "extra_groups": []}
    command = [str(Path(os.environ[BIN_VARIABLE]) / "pg_ctl"), "-D", data, *arguments]
    subprocess.run(command, check=True, capture_output=True, timeout=120, cwd="/", **as_owner)


def stop_server() -> None:
    """Stop the server at once, as a crash would: no checkpoint, no goodbye to clients."""
    _pg_ctl("stop", "-m", "immediate", "-w")


def start_server() -> None:
    """Start the server again with the options it was started with."""
    data = Path(os.environ[DATA_VARIABLE])
    arguments = shlex.split((data / "postmaster.opts").read_text())[1:]  # after the binary
    if arguments[:1] == ["-D"]:
        arguments = arguments[2:]  # pg_ctl gives the data directory itself
    log = data.parent / "restart.log"
    _pg_ctl("start", "-w", "-t", "60", "-l", str(log), "-o", shlex.join(arguments))


def _keep_incrementing(table: str, log: str, stop: Event, early: bool) -> None:
    """Increment and write down each outcome: `ok N` once acknowledged, `unknown N` when
    the commit's outcome is unknown, `down TYPE` for each error while the server is down.
    `early`: the positive control, which says `ok` before it commits."""
    store = counter_store(table, lock_timeout=30.0)
    with open(log, "a", buffering=1) as out:
        while not stop.is_set():
            value = None
            try:
                with store.transaction(default=Counter) as state:
                    state.count += 1
                    value = state.count
                    if early:
                        out.write(f"ok {value}\n")
                        time.sleep(0.2)  # most of its time is spent acknowledged, not committed
                if not early:
                    out.write(f"ok {value}\n")
            except StateCommitUnknownError:
                out.write(f"unknown {value}\n")
            except StateUnavailableError as error:
                out.write(f"down {type(error).__name__}\n")
                time.sleep(0.02)
            except BaseException as error:
                out.write(f"bad {type(error).__name__}: {error}\n")
                time.sleep(0.02)


@dataclass
class Restarted:
    """What a writer was told across the crash, and what the state held after the restart.

    `lost`: acknowledged increments that are not there (a count acknowledged and then seen
    again or exceeded by less); `unexplained`: increments present that neither an
    acknowledgement nor a commit reported unknown accounts for.
    """

    acknowledged: int
    unknown: int
    down_errors: int
    untyped: list[str]
    final: int
    lost: int
    unexplained: int

    @property
    def failures(self) -> int:
        return self.lost + self.unexplained + len(self.untyped)


def judge(lines: list[str], final: int) -> Restarted:
    """Read a writer's log: each `ok N` must build on the last one, `unknown` commits aside."""
    last, uncertain, lost, unexplained = 0, 0, 0, 0
    acknowledged = unknown = down = 0
    for line in lines:
        word, _, rest = line.partition(" ")
        if word == "ok":
            value = int(rest)
            gap = value - last - 1  # increments between two acknowledged ones
            if gap < 0:
                lost += last - value + 1  # an acknowledged count was undone
            elif gap > uncertain:
                unexplained += gap - uncertain
            last, uncertain, acknowledged = value, 0, acknowledged + 1
        elif word == "unknown":
            uncertain, unknown = uncertain + 1, unknown + 1
        elif word == "down":
            down += 1
    if final < last:
        lost += last - final
    elif final - last > uncertain:
        unexplained += final - last - uncertain
    untyped = [line for line in lines if line.startswith("bad ")]
    return Restarted(acknowledged, unknown, down, untyped, final, lost, unexplained)


def crash_during_increments(
    table: str, log: Path, *, before: int, after: int, early: bool = False
) -> Restarted:
    """On a server of its own, stop the server with `pg_ctl stop -m immediate` once `before`
    increments are acknowledged, start it again, and stop the writer `after`
    acknowledgements later."""
    with own_server():
        return _crash_during_increments(table, log, before=before, after=after, early=early)


def _crash_during_increments(
    table: str, log: Path, *, before: int, after: int, early: bool
) -> Restarted:
    ctx = context()
    stop = ctx.Event()
    writer = ctx.Process(target=_keep_incrementing, args=(table, str(log), stop, early))
    writer.start()

    def acknowledged() -> int:
        return log.read_text().count("ok ") if log.exists() else 0

    try:
        _wait_for(lambda: acknowledged() >= before, "the first increments")
        stop_server()
        _wait_for(lambda: "down " in log.read_text(), "an error while the server is down")
        time.sleep(0.3)
    finally:
        start_server()
    try:
        reached = acknowledged() + after
        _wait_for(lambda: acknowledged() >= reached, "increments after the restart")
    finally:
        stop.set()
        writer.join(60)
        if writer.is_alive():
            writer.kill()
    return judge(log.read_text().splitlines(), counter_store(table).load().count)


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)
