"""Hidden characters: the invisible ones that make text read differently from how it runs.

Bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C) reorder what
an editor or a code review shows; zero-width and other format characters (U+200B, U+2060,
the byte order mark U+FEFF, tag characters …) hide text; line and paragraph separators
(U+2028, U+2029) look like line breaks in an editor but not to Python. In generated comments
they would let reviewed code say one thing and do another (Trojan Source, CVE-2021-42574).
The rule: every format character (Unicode category Cf) and both separators, except the two
joiners (U+200C, U+200D) that scripts such as Persian and Hindi and emoji sequences need.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

_HIDDEN_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})
#: Zero-width non-joiner and joiner: part of ordinary text in several scripts, never reorder.
_JOINERS = frozenset({"\u200c", "\u200d"})


def is_hidden(char: str) -> bool:
    """Whether `char` is a hidden character (see the module docstring)."""
    return unicodedata.category(char) in _HIDDEN_CATEGORIES and char not in _JOINERS


def hidden_characters(text: str) -> Iterator[tuple[int, str]]:
    """Each hidden character of `text`, with its index."""
    for index, char in enumerate(text):
        if is_hidden(char):
            yield index, char


def describe(char: str) -> str:
    """`U+202E (RIGHT-TO-LEFT OVERRIDE)`."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def escape_hidden(text: str) -> str:
    """`text` with each hidden character written as its Python escape (`\\u202e`)."""
    return "".join(_escape(char) if is_hidden(char) else char for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
