"""Small helpers the checks share: a row's list of cases, and replayable seeds."""

from __future__ import annotations

import os


def cases(names: list[str]) -> str:
    """The detail of a row that sums several cases: how many, and which."""
    return f"{len(names)} cases: {', '.join(names)}"


def seed_from(variable: str) -> int:
    """A random seed, or the one in the environment variable `variable` to replay a run."""
    value = os.environ.get(variable)
    return int(value) if value else int.from_bytes(os.urandom(4), "big")
