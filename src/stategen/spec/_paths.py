"""Key paths: how a place in a spec is spelled in messages (`fields.status.default`)."""

from __future__ import annotations

import re

from ._problem import show

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def join(path: str, key: object) -> str:
    """`path` extended by a mapping key: `fields.status`, `fields['a b']`, `fields[1]`."""
    if isinstance(key, str) and _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{show(key)}]"


def index(path: str, position: int) -> str:
    """`path` extended by a list position: `types.Status.enum[1]`."""
    return f"{path}[{position}]"
