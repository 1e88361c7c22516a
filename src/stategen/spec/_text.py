"""Free text from a spec (docs, descriptions, values): which characters it may hold."""

from __future__ import annotations

import unicodedata

from ..schema.problem import Problem, describe_value


def free_text(value: object, what: str) -> str:
    """`value` if it is text without control characters other than newline and tab."""
    if not isinstance(value, str):
        raise Problem(f"{what} must be text, got {describe_value(value)}; quote it")
    for char in value:
        if char in "\n\t":
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            raise Problem(
                f"{what} holds the control character U+{ord(char):04X}; "
                "only newlines and tabs are allowed, remove it"
            )
    return value
