"""What errors and the command line show: a URL's secrets, and text a caller gave, checked."""

from __future__ import annotations

import logging
import os
import random
import re
import subprocess
import sys
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _package import PACKAGE
from batch_state import BatchState, BatchStateManager
from batch_state.errors import StateError

#: Where nothing listens: a connection is refused at once, without any network.
NOWHERE = "127.0.0.1:1"
#: Characters a URL gives a meaning to, and a few others a password may hold.
RESERVED = ":/?#[]@!$&'()*+,;=% \"\\é"
_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"


def password(rng: random.Random) -> str:
    """A password with reserved characters, between markers no message says by chance."""
    middle = "".join(rng.choice(RESERVED + _PLAIN) for _ in range(rng.randint(1, 12)))
    return f"Zx{middle}Qv"


def url_forms(secret: str, host: str = NOWHERE) -> Iterator[tuple[str, str]]:
    """(form, URL) for each way a URL may carry `secret`: as a password in the user part,
    percent-encoded or not, with a bad %-escape, and as each secret query parameter."""
    encoded = urllib.parse.quote(secret, safe="")
    for scheme in ("postgresql", "postgres"):
        yield f"{scheme} userinfo", f"{scheme}://app:{secret}@{host}/db"
        yield f"{scheme} userinfo %-encoded", f"{scheme}://app:{encoded}@{host}/db"
        yield f"{scheme} userinfo bad %", f"{scheme}://app:{encoded}%zz@{host}/db"
        for name in ("password", "sslpassword", "passfile"):
            yield f"{scheme} ?{name}=", f"{scheme}://app@{host}/db?{name}={encoded}"
            yield f"{scheme} ?{name}= bad %", f"{scheme}://app@{host}/db?{name}={encoded}%zz"
            yield f"{scheme} ?{name}= raw", f"{scheme}://app@{host}/db?{name}={secret}"


def secret_forms(secret: str) -> set[str]:
    """`secret` as each parser may have read it: as written, encoded, decoded."""
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.unquote(secret)}
    return {form for form in forms if len(form) >= 4}


@contextmanager
def logged() -> Iterator[list[str]]:
    """Every log record any logger emits meanwhile, as text."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler, root = Keep(logging.DEBUG), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def shown_by_library(url: str, opener: Callable[[str], Any] = BatchStateManager) -> list[str]:
    """Everything the library shows about `url`: the manager's repr and location, and the
    error a load raises (str, repr, the whole printed chain), and what was logged."""
    texts: list[str] = []
    with logged() as records:
        try:
            manager = opener(url)
            texts += [repr(manager), str(manager.location)]
            manager.load()
        except StateError as error:
            texts += ["".join(traceback.format_exception(error))]
            link: BaseException | None = error
            while link is not None:
                texts += [str(link), repr(link), repr(link.args), repr(vars(link))]
                link = link.__cause__ or link.__context__
    return texts + records


def shown_by_command(*arguments: str) -> str:
    """What `python -m <package> ARGUMENTS` writes, stdout and stderr together."""
    result = subprocess.run(
        [sys.executable, "-m", PACKAGE, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    return result.stdout + result.stderr


def leaks(secret: str, texts: list[str]) -> list[str]:
    """The texts that show `secret` in any of its forms."""
    forms = secret_forms(secret)
    return [text for text in texts if any(form in text for form in forms)]


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: The longest message a caller's text may make.
MESSAGE_MAX = 2500


def unsafe(message: str) -> str | None:
    """Why `message` may not reach a terminal as it is (None: it may)."""
    if _CONTROL.search(message):
        return f"a control character at {_CONTROL.search(message).start()}"  # type: ignore[union-attr]
    if len(message) > MESSAGE_MAX:
        return f"{len(message)} characters"
    return None


# Scenarios on a real server (the callers skip without one) -------------------------------


def history_read_as_state(url: str, table: str, *, checked: bool) -> str:
    """What a state named `<table>_history` reads once `table` has a history: "refused"
    (StateConfigError), "nothing", or "read another table's history" (the collision).
    `checked=False` builds the place without its checks, as the code did before them."""
    from batch_state._runtime.engines.postgres import url as _url
    from batch_state._runtime.engines.postgres.engine import PostgresEngine
    from batch_state.errors import StateConfigError, StateNotFoundError

    first = BatchStateManager(url, table=table)
    for index in range(2):  # the second save keeps the first in the history
        first.save(BatchState(batch_id=f"run-{index}", features=["a"]))
    name = f"{table}_history"
    try:
        place = _url.place(url, key="default", table=name)
    except StateConfigError:
        if checked:
            return "refused"
        good = _url.place(url, key="default", table=table)
        place = _url.Place(url, "default", name, f"{name}_history", good.name, good.host)
    try:
        with PostgresEngine(place).view(exact=True) as stored:
            return f"read another table's history: {stored.fields.get('batch_id')}"
    except StateNotFoundError:
        return "nothing"


def wait_out_statement_timeout(url: str, table: str) -> StateError | None:
    """A transaction that waits for a row another connection holds locked, on a server
    whose statement_timeout (200 ms) ends the wait before the manager's lock_timeout (30 s):
    what it raises (None: nothing)."""
    import psycopg

    manager = BatchStateManager(url, table=table)
    manager.save(BatchState(batch_id="held", features=[]))
    slow = BatchStateManager(
        f"{url}&options=-c%20statement_timeout%3D200", table=table, lock_timeout=30
    )
    with psycopg.connect(url) as holder:
        holder.execute(f'SELECT 1 FROM "{table}" WHERE key = %s FOR UPDATE'.encode(), ["default"])
        try:
            with slow.transaction():
                pass
        except StateError as error:
            return error
    return None


def nul_in_text(url: str, table: str) -> StateError | None:
    """What a save of text with a NUL in it raises (None: nothing)."""
    manager = BatchStateManager(url, table=table)
    try:
        manager.save(BatchState(batch_id="nul", features=["fine", "a\0b"]))
    except StateError as error:
        return error
    return None


#: Texts a caller may give (a path, a field, a key): huge, or with terminal controls.
HOSTILE = ("x" * 100_000, "/tmp/\x1b[31mred\u202e\x07/\x9bstate.json\r\n")


def hostile_errors() -> Iterator[StateError]:
    """Every error of the library, made with each HOSTILE text wherever it takes one."""
    import errno

    from batch_state import errors as e

    for text in HOSTILE:
        cause = OSError(errno.EACCES, "Permission denied", text)
        yield e.StateNotFoundError(text)
        yield e.StateCorruptError(text, "bad", field=text)
        yield e.StateVersionError(text, text, "1.0.0", "is newer")
        yield e.StateLockTimeout(text, text, 1.0)
        yield e.StateWriteError(text, cause)
        yield e.StateReadError(text, cause)
        yield e.StateUnsafePathError(text, text, "a symlink", number=errno.EACCES)
        yield e.StateValidationError(text, "expected an integer")
        yield e.StateMigrationError("the step failed", path=text)
        yield e.StateConfigError(text, "bad")
        yield e.StateReentryError(text)
        yield e.StateUnavailableError(text, text, "refused")
        yield e.StateCommitUnknownError(text, text, "lost")
        yield e.StateDatabaseError(text, None, "refused")
