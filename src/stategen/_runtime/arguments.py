"""The arguments a store is made with, checked at once: a bad one never waits for a save."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .codec.conversion import describe
from .errors import StateConfigError

if TYPE_CHECKING:
    from pathlib import Path


def absolute_path(path: object) -> Path:
    """`path` made absolute (links untouched), or StateConfigError saying why it cannot be."""
    from pathlib import Path  # here: `import <package>` does not load pathlib

    if not isinstance(path, (str, os.PathLike)):
        raise StateConfigError("path", f"expected a str or a path, got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise StateConfigError("path", f"expected text, not bytes: {text!r}")
    if "\0" in text:
        raise StateConfigError("path", f"{text!r} contains a NUL character")
    try:
        os.fsencode(text)
        absolute = Path(text).absolute()
    except (UnicodeError, OSError) as error:
        raise StateConfigError("path", f"{text!r} cannot be used: {error}") from None
    if absolute.name in ("", ".", "..") or not text or text.endswith(("/", os.sep)):
        raise StateConfigError("path", f"{text!r} names a directory; name a file in it")
    return absolute


def lock_timeout(timeout: object) -> float | None:
    """`timeout` as seconds, if it is a usable number or None (wait for ever)."""
    if timeout is None:
        return None
    import threading  # here: `import <package>` does not load it

    usable = isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
    if not usable or not 0 <= timeout <= threading.TIMEOUT_MAX:  # type: ignore[operator]
        raise StateConfigError(
            "lock_timeout",
            f"expected a number of seconds from 0 to {threading.TIMEOUT_MAX:g}, or None to "
            f"wait for ever; got {timeout!r}",
        )
    return float(timeout)  # type: ignore[arg-type]


#: The largest state a manager reads unless `max_bytes=` says otherwise: 1 GiB.
MAX_BYTES = 1 << 30


def max_bytes(limit: object) -> int:
    """`limit` as the most bytes a state file may have, if it is a positive whole number."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= _LARGEST:
        raise StateConfigError(
            "max_bytes",
            f"expected a whole number of bytes from 1 to {_LARGEST}, got {describe(limit)}",
        )
    return limit


_LARGEST = 2**62  # far more than any disk holds, and an offset every system call takes


#: What a manager's `durability=` may be: each acknowledged change survives a power loss
#: ("full"), or only a crash of the process ("normal": journal appends are not synced).
DURABILITIES = ("full", "normal")


def durability(level: object) -> str:
    """`level` if it is one of `DURABILITIES`."""
    if not isinstance(level, str) or level not in DURABILITIES:
        choices = " or ".join(f'"{choice}"' for choice in DURABILITIES)
        raise StateConfigError("durability", f"expected {choices}, got {level!r:.40}")
    return level


def switch(name: str, value: object) -> bool:
    """`value` if it is a bool: a truthy string or number is more likely a mistake."""
    if not isinstance(value, bool):
        raise StateConfigError(name, f"expected True or False, got {describe(value)}")
    return value
