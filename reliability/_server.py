"""This run's PostgreSQL server (scripts/postgres), under the names a generated suite reads."""

from __future__ import annotations

from collections.abc import Mapping

#: The generated project's variable: this run's variable.
SERVER_VARIABLES = {
    f"TEST_POSTGRES_{name}": f"STATEGEN_TEST_POSTGRES_{name}" for name in ("URL", "DATA", "BIN")
}


def server_environment(base: Mapping[str, str]) -> dict[str, str]:
    """The generated suite's TEST_POSTGRES_* variables for the server `base` names (none
    when it names none: the PostgreSQL tests then skip)."""
    return {ours: base[theirs] for ours, theirs in SERVER_VARIABLES.items() if theirs in base}
