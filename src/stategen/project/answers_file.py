"""`.copier-answers.yml`: reading it, and writing it while Copier is about to replay it."""

from __future__ import annotations

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
