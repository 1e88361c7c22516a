"""Merge conflicts left unresolved in a text file: the `<<<<<<<` … `>>>>>>>` blocks git writes."""

from __future__ import annotations

#: Where to read how to resolve two teammates' bumps of the same version.
PARALLEL_BUMPS = "docs/schema-evolution.md, 'Parallel bumps'"


def conflict_line(text: str) -> int | None:
    """The line number of the first unresolved conflict in `text`, or None.

    A conflict is a line starting `<<<<<<<`, followed by a `=======` line and then a
    `>>>>>>>` line, as git writes them; a lone `=======` (a Markdown underline) is not one.
    """
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.startswith("<<<<<<<"):
            continue
        rest = lines[number:]
        middle = next((i for i, other in enumerate(rest) if other.startswith("=======")), None)
        if middle is not None and any(other.startswith(">>>>>>>") for other in rest[middle:]):
            return number
    return None


def conflict_message(command: str | None = None) -> str:
    """What to do about a conflict found by `stategen <command>` (any command when None)."""
    again = f"`stategen {command}`" if command else "the command"
    return (
        "an unresolved merge conflict (a `<<<<<<<` line); resolve it and commit, then run "
        f"{again} again (two bumps of the same version: see {PARALLEL_BUMPS})"
    )
