"""Lock holders in child processes, forged holder records, and a check for one safe line."""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from _messages import unsafe

#: A writer that holds the state's lock (in a transaction) until a line arrives on stdin.
WORKER = """\
import sys
from batch_state import BatchState, BatchStateManager

manager = BatchStateManager(sys.argv[1])
with manager.transaction(default=lambda: BatchState(batch_id="held", features=[])):
    print("held", flush=True)
    sys.stdin.readline()
"""

#: A process that holds the lock file with a bare flock, and writes no record of itself.
BARE = """\
import fcntl, os, sys

fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""

UNREADABLE = "the lock file's record is unreadable"
NO_RECORD = "the lock file names no holder"


def record(**fields: object) -> bytes:
    """A holder record as a writer would make it, with `fields` in place of the usual ones."""
    base: dict[str, object] = {"pid": 4242, "host": "build-7", "command": "w", "since": 1e9}
    return json.dumps({**base, **fields}).encode("ascii")


#: Forged lock file contents, and what a reader makes of each: a holder, or the start of why
#: none can be told.
FORGED: dict[str, tuple[bytes, str]] = {
    "ANSI escapes in the host": (record(host="\x1b[31mred\x1b[0m\x1b]0;owned\x07"), "holder"),
    "a newline in the command": (record(command="python w.py\nlock: free"), "holder"),
    "C1 and bidi controls": (record(host="\x9b2J\u202eevil", command="\u2028x\r"), "holder"),
    "a time ahead of every clock": (record(since=253402300799), "holder"),
    "raw control bytes": (b'{"pid":7,"host":"\x1b[2J","command":"","since":1}', UNREADABLE),
    "a raw newline": (b'{"pid":7,"host":"a\nb","command":"","since":1}', UNREADABLE),
    "a 10 kB command": (record(command="x" * 10_000), UNREADABLE),
    "10 kB of terminal control": (b"\x1b[2J\x07" * 2_000, UNREADABLE),
    "pid as text": (record(pid="4242"), UNREADABLE),
    "pid zero": (record(pid=0), UNREADABLE),
    "pid negative": (record(pid=-1), UNREADABLE),
    "pid true": (record(pid=True), UNREADABLE),
    "pid fractional": (record(pid=1.5), UNREADABLE),
    "pid past 32 bits": (record(pid=2**40), UNREADABLE),
    "host a number": (record(host=7), UNREADABLE),
    "command null": (record(command=None), UNREADABLE),
    "since as text": (record(since="yesterday"), UNREADABLE),
    "since NaN": (b'{"pid":1,"host":"h","command":"c","since":NaN}', UNREADABLE),
    "since infinite": (b'{"pid":1,"host":"h","command":"c","since":1e400}', UNREADABLE),
    "since negative": (record(since=-5), UNREADABLE),
    "since past year 9999": (record(since=1e12), UNREADABLE),
    "since missing": (b'{"pid":1,"host":"h","command":"c"}', UNREADABLE),
    "a key twice": (b'{"pid":1,"pid":2,"host":"h","command":"c","since":1}', UNREADABLE),
    "a list": (b"[4242, 1]", UNREADABLE),
    "nested": (b'{"pid":' * 40, UNREADABLE),
    "not JSON": (b"{hello", UNREADABLE),
    "UTF-8 text": ('{"pid":1,"host":"é","command":"c","since":1}'.encode(), UNREADABLE),
    "not UTF-8": (b"{\xff\xfe\x9b2J", UNREADABLE),
    "empty": (b"", NO_RECORD),
    "zero bytes": (b"\0" * 256, NO_RECORD),
    "an older version's temp names": (b"0123456789abcdef" * 3, NO_RECORD),
}


def one_safe_line(text: str) -> str | None:
    """Why `text` may not reach a terminal as one line (None: it may): a control character,
    a line break, or more text than a message may hold."""
    body = text.removesuffix("\n")
    for mark in ("\n", "\u2028", "\u2029"):  # `unsafe` sees the other breaks (\r, \x85)
        if mark in body:
            return f"a line break at {body.index(mark)}"
    return unsafe(body)


@contextmanager
def holding(directory: Path, code: str, *arguments: str) -> Iterator["subprocess.Popen[str]"]:
    """A child process running `code` (saved as `worker.py` in `directory`, run from there),
    once it says it holds the lock; it lets go when the block ends."""
    (directory / "worker.py").write_text(code, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "worker.py", *arguments],
        cwd=directory,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "held\n", "never held"
        yield child
    finally:
        if child.stdin is not None:
            child.stdin.close()  # the child reads end of file, and lets go
        child.wait(60)
        if child.stdout is not None:
            child.stdout.close()


def show(path: Path) -> "subprocess.CompletedProcess[str]":
    """`python -m batch_state show path`."""
    return subprocess.run(
        [sys.executable, "-m", "batch_state", "show", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def as_user(user: int, call: Callable[[], str]) -> str:
    """What `call()` returns in a forked child that runs as `user` (root only)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(user)
            os.setuid(user)
            os.write(write, call().encode("utf-8", "backslashreplace"))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return data.decode("utf-8")
