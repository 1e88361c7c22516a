"""Run one operation in a child process, with a deadline and a memory cap: what did it raise?

A hostile file can make a naive reader block for ever (a FIFO) or read until memory runs out
(a character device), so each attempt runs in a forked child that is killed at its deadline
and may not grow by more than MEMORY bytes. It can also drop to another user first, to see
what an unprivileged caller gets.
"""

import contextlib
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

#: How much more memory a child may map than it started with.
MEMORY = 512 * 1024 * 1024
#: A user and group with no rights on the test's files.
NOBODY = 65534


@dataclass(frozen=True)
class Attempt:
    """What an operation did: raised `error` (None: nothing), or blocked past its deadline."""

    error: BaseException | None
    blocked: bool
    seconds: float


def attempt(
    call: Callable[[], object], *, timeout: float = 10.0, user: int | None = None
) -> Attempt:
    """Run `call()` in a forked child (as `user`, if given) and report what it raised."""
    read, write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        _run_in_child(call, write, user)
    os.close(write)
    try:
        data, finished = _read_until(read, started + timeout)
    finally:
        os.close(read)
    if not finished:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    seconds = time.monotonic() - started
    if not finished:
        return Attempt(None, True, seconds)
    return Attempt(pickle.loads(data) if data else RuntimeError("the child died"), False, seconds)


def _run_in_child(call: Callable[[], object], write: int, user: int | None) -> None:
    try:
        _cap_memory()
        if user is not None:
            os.setgid(user)
            os.setuid(user)
        try:
            call()
            outcome: BaseException | None = None
        except BaseException as error:
            outcome = error
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an error that does not pickle: report it by name
            data = pickle.dumps(RuntimeError(f"{type(outcome).__name__}: {outcome}"))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view) :]
    finally:
        os._exit(0)


def _read_until(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes before it closes the pipe; False if time ran out first."""
    chunks: list[bytes] = []
    while (remaining := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
    return b"".join(chunks), False


def _cap_memory() -> None:
    if sys.platform != "linux":
        return  # RLIMIT_AS is enforced on Linux only
    import resource

    with open("/proc/self/statm", encoding="ascii") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = mapped + MEMORY if hard == resource.RLIM_INFINITY else min(mapped + MEMORY, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
