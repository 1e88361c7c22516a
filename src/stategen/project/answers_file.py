"""`.copier-answers.yml`: reading it, and writing it while Copier is about to replay it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._yaml import YAMLError, dump_data, load_data
from ..errors import TemplateError
from .layout import ANSWERS_FILE

#: The first line of the answers file, as the template writes it.
HEADER = (
    "# Changes here will be overwritten by Copier; "
    "run `stategen bump` or `stategen update` instead.\n"
)


def read_answers(root: Path) -> dict[str, Any]:
    """The project's recorded answers (`{}` when the answers file is missing)."""
    path = root / ANSWERS_FILE
    try:
        loaded = load_data(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        raise TemplateError(f"{path}: cannot read the answers file: {error}") from None
    if not isinstance(loaded, dict):
        raise TemplateError(f"{path}: the answers file is not a mapping")
    return loaded


def answers_text(answers: dict[str, Any]) -> str:
    """The answers file holding `answers` (Copier rewrites it in its own layout later)."""
    return HEADER + dump_data(answers)


def record_source(root: Path, source: str) -> None:
    """Make the answers file record `source` as `_src_path`; every other line stays as is.

    Copier writes the file (a header, then one top-level key per line, long values folded
    onto indented lines), and rewrites it at every update, so only the key's own lines are
    replaced. The file is replaced atomically: it is never seen half-written.
    """
    path = root / ANSWERS_FILE
    kept: list[str] = []
    replacing = False
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if replacing and line[:1] in (" ", "\t"):
            continue  # a folded continuation of the old value
        replacing = line.startswith("_src_path:")
        kept.append(dump_data({"_src_path": source}) if replacing else line)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text("".join(kept), encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise TemplateError(f"{path}: cannot record the template source: {error}") from None
