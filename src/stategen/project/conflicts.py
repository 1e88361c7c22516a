"""Merge conflicts in the files stategen reads: refused before any of them is parsed."""

from __future__ import annotations

from pathlib import Path

from ..errors import PreconditionError
from ..merge_markers import conflict_line, conflict_message
from .layout import ANSWERS_FILE

#: The files of a project that `check`, `bump` and `update` read, as globs from its top.
READ_BY_STATEGEN = (
    ANSWERS_FILE,
    "stategen.yml",
    ".stategen/**/*",
    "schemas/*",
    "src/*/model.py",
    "src/*/migrations/*.py",
    "tests/fixtures/*",
)
#: A file larger than this is no file stategen wrote; it is not scanned.
_MAX_SCANNED = 8 * 1024 * 1024


def refuse_conflicts(root: Path, command: str) -> None:
    """PreconditionError naming the first file (and line) of `root` that stategen reads and
    that holds an unresolved merge conflict."""
    for path in _read_files(root):
        try:
            if path.stat().st_size > _MAX_SCANNED:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # unreadable here: the command that reads it says why
        line = conflict_line(text)
        if line is not None:
            raise PreconditionError(f"{path}:{line}: {conflict_message(command)}")


def _read_files(root: Path) -> list[Path]:
    found: set[Path] = set()
    for pattern in READ_BY_STATEGEN:
        found.update(path for path in root.glob(pattern) if path.is_file())
    return sorted(found)
