"""What a pattern's tree writes: its ECMA 262 spelling, and sample text that it matches."""

from __future__ import annotations

import itertools
import random

from .tree import Anchor, AnyChar, Char, CharClass, Group, Node

#: Characters with a meaning in a regular expression, escaped when meant literally.
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
#: Characters escaped inside a character class.
_CLASS_SYNTAX = frozenset("\\]^-[")
#: Letters that sample text is made of where a pattern lets any character through.
_LETTERS = "abcdefghxyz0123456789"
#: The end of the text, read alike by every engine: ECMA 262 has no `\z`, and a `$` in
#: Python's `re` (which validators such as Python's jsonschema use) matches before a final
#: newline too, so "ab\n" would pass a pattern for "ab" there and not in the library.
END_OF_TEXT = "(?![\\s\\S])"


def anchored(body: str) -> str:
    """The pattern `body` spans the whole text: JSON Schema's `pattern` searches, `re` does not."""
    return f"^(?:{body}){END_OF_TEXT}"


def emit_alternatives(alternatives: tuple[tuple[Node, ...], ...]) -> str:
    return "|".join("".join(_emit(node) for node in sequence) for sequence in alternatives)


def _emit(node: Node) -> str:
    if isinstance(node, Char):
        return _literal(node.char, _SYNTAX)
    if isinstance(node, AnyChar):
        return "[^\\n]"  # ECMA's "." also stops at \r, U+2028 and U+2029; Python's only at \n
    if isinstance(node, Anchor):
        return node.symbol
    if isinstance(node, CharClass):
        parts = "".join(
            _literal(low, _CLASS_SYNTAX)
            + ("" if low == high else "-" + _literal(high, _CLASS_SYNTAX))
            for low, high in node.ranges
        )
        return f"[{'^' if node.negated else ''}{parts}]"
    if isinstance(node, Group):
        return f"(?:{emit_alternatives(node.alternatives)})"
    most = "" if node.most is None else str(node.most)
    count = {(0, ""): "*", (1, ""): "+", (0, "1"): "?"}.get((node.least, most))
    if count is None:
        count = f"{{{node.least}}}" if most == str(node.least) else f"{{{node.least},{most}}}"
    return _emit(node.node) + count + ("?" if node.lazy else "")


def _literal(char: str, syntax: frozenset[str]) -> str:
    """`char` as it reads in both dialects: itself, escaped, or as a \\u escape."""
    if char in syntax:
        return "\\" + char
    if char.isprintable() or ord(char) > 0xFFFF:
        return char
    return f"\\u{ord(char):04x}"


def build(node: Node, extra: int, shuffler: random.Random | None) -> str:
    """One text the tree matches: repeats `extra` more times than their least where they
    can; the first choice everywhere, or random ones with a `shuffler`."""
    if isinstance(node, Char):
        return node.char
    if isinstance(node, Anchor):
        return ""
    if isinstance(node, AnyChar | CharClass):
        choices = _class_choices(node)
        return choices[0] if shuffler is None else shuffler.choice(choices)
    if isinstance(node, Group):
        options = node.alternatives
        sequence = options[0] if shuffler is None else shuffler.choice(options)
        return "".join(build(item, extra, shuffler) for item in sequence)
    most = node.least + extra if node.most is None else min(node.most, node.least + extra)
    count = most if shuffler is None else shuffler.randint(node.least, most)
    return "".join(build(node.node, extra, shuffler) for _ in range(count))


def _class_choices(node: AnyChar | CharClass) -> list[str]:
    if isinstance(node, AnyChar):
        return list(_LETTERS)
    if not node.negated:
        picked = [low for low, _ in node.ranges] + [high for _, high in node.ranges]
        return list(dict.fromkeys(picked))
    candidates = itertools.chain(_LETTERS, (chr(code) for code in range(0x20, 0x3000)))
    outside = [char for char in itertools.islice(candidates, 4000) if node.contains(char)]
    return outside[:8] or ["a"]
