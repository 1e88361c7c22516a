"""Who holds a state's lock: `LockHolder`, and the words a timeout and `show` tell it in."""

import time
from dataclasses import dataclass

from .errors import shown

#: What `describe_lock()` says of a lock nobody holds.
FREE = "free"
#: At most this many characters of a host name or command in a message.
_TEXT = 200


@dataclass(frozen=True)
class LockHolder:
    """Who held a state's lock when it was asked, as the holder recorded itself.

    For a file: `pid` and `host` of the process, `command` its command line (passwords in
    it masked), `since` the Unix time it took the lock; `this_process`: a thread of the
    asking process. For a PostgreSQL row (`database`): `pid` is the server process of the
    session holding it, `host` its client ("" when the server does not say), `command` its
    application_name, `since` the start of its transaction (None when not shown to us).

    Every text here was read from a file or a server that others write: `describe()` shows
    it escaped and bounded, never as terminal control or a second line.
    """

    pid: int
    host: str
    command: str
    since: float | None
    this_process: bool = False
    database: bool = False

    def describe(self, now: float | None = None) -> str:
        """In words: "pid 4242 on host build-7 (python worker.py) since 2026-12-07 16:02:11
        UTC (41 s ago)"."""
        if self.this_process:
            words = f"another thread of this process (pid {self.pid})"
        elif self.database:
            words = f"the database session of server process {self.pid}"
            if self.host:
                words += f" from {shown(self.host, _TEXT)}"
        else:
            words = f"pid {self.pid} on host {shown(self.host, _TEXT)}"
        if self.command and not self.this_process:
            words += f" ({shown(self.command, _TEXT)})"
        if self.since is not None:
            words += _since(self.since, time.time() if now is None else now)
        return words


def held_by(holder: "LockHolder | str") -> str:
    """`describe_lock()`'s words for a lock that is held: by `holder`, or by someone unknown
    (then `holder` says why)."""
    if isinstance(holder, LockHolder):
        return f"held by {holder.describe()}"
    return f"held, holder unknown: {shown(holder)}"


def unknown(reason: str) -> str:
    """`describe_lock()`'s words when whether the lock is held cannot be told."""
    return f"unknown: {shown(reason)}"


def _since(moment: float, now: float) -> str:
    try:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(moment))
    except (OverflowError, OSError, ValueError):  # a time no calendar shows
        return ""
    age = now - moment
    if age < -1:  # another host's clock, ahead of ours
        return f" since {when} UTC (ahead of this host's clock)"
    return f" since {when} UTC ({_duration(max(age, 0.0))} ago)"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"
