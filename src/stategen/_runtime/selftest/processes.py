"""The selftest's child processes: this interpreter running `child`, always reaped at the end."""

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .outcome import Failed

#: The module the children run: beside this one, in whatever package holds the runtime.
CHILD_MODULE = __name__.rpartition(".")[0] + ".child"
#: How long a child may take to finish what it was asked.
CHILD_TIMEOUT = 20.0

Start = Callable[..., "subprocess.Popen[str]"]


@contextmanager
def children() -> Iterator[Start]:
    """Start children with the function yielded; any still running at the end is killed."""
    started: list[subprocess.Popen[str]] = []
    # The directory holding this package first on the path: the child imports the same code.
    top = Path(os.path.abspath(__file__)).parents[__name__.count(".")]
    path = os.pathsep.join(filter(None, [str(top), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}

    def start(*arguments: object) -> "subprocess.Popen[str]":
        child = subprocess.Popen(
            [sys.executable, "-m", CHILD_MODULE, *map(str, arguments)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        started.append(child)
        return child

    try:
        yield start
    finally:
        for child in started:
            if child.poll() is None:
                child.kill()
            child.wait()
            for stream in (child.stdin, child.stdout, child.stderr):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()


def first_line(child: "subprocess.Popen[str]") -> str:
    """The child's first line, which says it has started; Failed, with its error, if it
    stopped instead."""
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:
        child.kill()
        _, errors = child.communicate()
        raise Failed(f"a child process stopped: {_last(errors)}")
    return line


def send(child: "subprocess.Popen[str]", text: str) -> None:
    """Write `text` to the child's stdin, now."""
    assert child.stdin is not None
    child.stdin.write(text)
    child.stdin.flush()


def finish(child: "subprocess.Popen[str]", text: str | None = None) -> str:
    """Send `text` (if any), close stdin, and wait for the child to end well: its output.
    Failed if it failed, or took longer than CHILD_TIMEOUT."""
    try:
        output, errors = child.communicate(text, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failed(f"a child process did not finish within {CHILD_TIMEOUT:.0f} s") from None
    if child.returncode != 0:
        raise Failed(f"a child process failed: {_last(errors)}")
    return output


def _last(errors: str) -> str:
    lines = errors.strip().splitlines()
    return lines[-1] if lines else "(it said nothing)"
