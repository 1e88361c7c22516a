"""The lock file's holder record: who took the lock last, written at each take, read untrusted.

The first RECORD_SIZE bytes of the lock file are one ASCII JSON object, padded with spaces
to a newline: {"pid":4242,"host":"build-7","command":"python worker.py","since":1796659331.250}.
A writer writes it with one pwrite as soon as it has the lock, so while the lock is held it
names the holder. Nothing clears it on release: whether the lock is free is told by trying
it, never by the record. The temp names of `temps` follow it (at RECORD_SIZE, a multiple of
a name's length, where an older version of this library, which wrote names from offset 0,
still finds them). Names an older version left at offset 0 are overwritten by the record:
those temp files wait for a sweep (`compact()`, `recover()`).

Anyone who may write the lock file may forge the record, so a reader trusts none of it: the
record must parse strictly (printable ASCII, a JSON object, a positive pid, a finite time,
bounded texts), and its texts are shown escaped (see `lockholder`). The command line is
recorded with passwords in URLs, and the values of options named like a password, secret
or token, masked.
"""

import contextlib
import json
import os
import re
import sys
import time
from typing import Any

from ....lockholder import LockHolder
from .fileio import read_at, write_at

#: The record's size: a multiple of a temp name's 16 hex digits (see above).
RECORD_SIZE = 256
#: The most characters of JSON a host name takes (a name may be 64 bytes on Linux).
_HOST_JSON = 70
#: Room for `since` (up to 9999-12-31 with milliseconds), its `}` and the newline.
_TAIL = 16 + 2
#: A pid is a 32-bit number on every system this library runs on.
_PID_MAX = 2**31 - 1
#: The latest time a calendar shows (9999-12-31 23:59:59 UTC).
_SINCE_MAX = 253402300799.0
_MASK = "***"
_SECRET_NAME = re.compile(r"(?i)password|passwd|passfile|secret|token")
#: `scheme://user:PASSWORD@host`, the password up to the last `@` before a `/`, as libpq reads.
_URL_PASSWORD = re.compile(r"(://[^/@:\s]*:)[^/\s]*@")
#: `...password=VALUE` in a URL's query or as an argument of its own.
_SECRET_VALUE = re.compile(
    r"(?i)((?:^|[?&;\s])[\w.-]*(?:password|passwd|secret|token)[\w.-]*=)[^&\s]*"
)

_NO_RECORD = (
    "the lock file names no holder (a process that does not record itself, such as an "
    "older version of this library, holds it)"
)
_UNREADABLE = "the lock file's record is unreadable"


class _Me:
    """This process as its record names it: worked out at its first lock, again after a fork."""

    __slots__ = ("command", "head", "host", "pid")

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.host = _fit(_host_name(), _HOST_JSON)
        room = RECORD_SIZE - _TAIL - len(_head(self.pid, self.host, "")) + len('""')
        self.command = _fit(_command_line(), room)
        self.head = _head(self.pid, self.host, self.command).encode("ascii")


_me: _Me | None = None


def claim(fd: int) -> float:
    """Record this process as the holder of the lock file `fd`, just taken; the time it says.

    One pwrite. A record that cannot be written fails nothing: it only tells who waits on whom.
    """
    me = _me or _identify()
    since = time.time()
    record = b"%s%.3f}" % (me.head, since)
    with contextlib.suppress(OSError):
        write_at(fd, 0, record.ljust(RECORD_SIZE - 1) + b"\n")
    return since


def this_process(since: float) -> LockHolder:
    """This process, holding the lock since `since` (for a thread of it that waited)."""
    me = _me or _identify()
    return LockHolder(me.pid, me.host, me.command, since, this_process=True)


def read(fd: int) -> LockHolder | str:
    """The holder the lock file `fd` names, or why none can be told."""
    try:
        data = read_at(fd, 0, RECORD_SIZE)
    except OSError as error:
        return f"the lock file cannot be read ({error.strerror or error})"
    found = parse(data)
    return found if isinstance(found, str) else _judged(found)


def parse(data: bytes) -> LockHolder | str:
    """The holder a record names, checked strictly, or why it names none."""
    text = data.split(b"\n", 1)[0].rstrip(b" ")
    if not text.startswith(b"{"):
        # Empty, or an older version's temp names (hex digits): no record at all.
        return _NO_RECORD if not text.strip(b"0123456789abcdef\0 ") else _UNREADABLE
    try:
        decoded = text.decode("ascii")
        if not decoded.isprintable():
            return _UNREADABLE
        fields = json.loads(decoded, object_pairs_hook=_unique, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # not ASCII, not JSON, a key twice, NaN
        return _UNREADABLE
    if not isinstance(fields, dict):
        return _UNREADABLE
    pid, host, command, since = (fields.get(key) for key in ("pid", "host", "command", "since"))
    if not (type(pid) is int and 0 < pid <= _PID_MAX):
        return _UNREADABLE
    if not (type(host) is str and type(command) is str):
        return _UNREADABLE
    if isinstance(since, bool) or not isinstance(since, (int, float)):
        return _UNREADABLE
    if not 0 <= since <= _SINCE_MAX:  # NaN fails it too
        return _UNREADABLE
    return LockHolder(pid, host, command, float(since))


def _judged(holder: LockHolder) -> LockHolder | str:
    """`holder`, marked when it is this process; why it cannot be the holder when it is a
    process of this host that has exited (the record outlived it, and the lock is held by
    a process that does not record itself)."""
    me = _me or _identify()
    if holder.host != me.host:
        return holder
    if holder.pid == me.pid:
        return LockHolder(me.pid, me.host, holder.command, holder.since, this_process=True)
    if os.name == "posix":  # elsewhere os.kill would end the process, not probe it
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return (
                f"the lock file names pid {holder.pid} on this host, which is no longer "
                "running (a process that does not record itself, such as an older version of "
                "this library, holds it)"
            )
        except OSError:  # running, as another user's process (EPERM)
            pass
    return holder


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise ValueError("a key given twice")
    return fields


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def _identify() -> _Me:
    global _me
    _me = _Me()
    return _me


def _head(pid: int, host: str, command: str) -> str:
    """The record up to its `since`: the JSON of pid, host and command, ASCII only."""
    # Joined, not an f-string: the runtime holds no doubled brace (Copier would see a template).
    return '{"pid":' + f'{pid},"host":{json.dumps(host)},"command":{json.dumps(command)},"since":'


def _fit(text: str, limit: int) -> str:
    """`text`, its end cut (and marked "...") so that its JSON takes at most `limit` characters."""
    overshoot = len(json.dumps(text)) - limit
    if overshoot <= 0:
        return text
    # Each character cut shortens the JSON by at least one: one cut is enough.
    return text[: max(0, len(text) - overshoot - 3)] + "..."


def _host_name() -> str:
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket  # here: Windows only, and only once a lock is taken

    return socket.gethostname()


def _command_line() -> str:
    """This process's command line as a shell would take it, with its secrets masked."""
    import shlex  # here: only a process that takes a lock needs it

    words, secret_next = [], False
    for argument in sys.orig_argv or sys.argv:
        name, equals, _ = argument.partition("=")
        option = argument.startswith("-") and bool(_SECRET_NAME.search(name))
        if secret_next:
            words.append(_MASK)
        elif option and equals:
            words.append(f"{shlex.quote(name)}={_MASK}")
        else:
            masked = _URL_PASSWORD.sub(rf"\1{_MASK}@", argument)
            words.append(shlex.quote(_SECRET_VALUE.sub(rf"\1{_MASK}", masked)))
        secret_next = option and not equals and not secret_next  # `--password VALUE`
    return " ".join(words)


def _forget_in_child() -> None:
    global _me
    _me = None  # a forked child has a pid of its own


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
