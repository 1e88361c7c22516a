"""A pattern read into a small tree, refusing what Python and JSON Schema would read apart."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..problem import Problem, show

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_CLASS_ESCAPES = {**_ESCAPES, "b": "\b"}
#: Escapes that mean something else in ECMA 262, and what to write instead.
_DIFFERENT = {
    "d": "any Unicode digit in Python but only 0-9 in JSON Schema; write [0-9]",
    "D": "a different set in Python and in JSON Schema; write [^0-9]",
    "w": "letters of every script in Python but only [A-Za-z0-9_] in JSON Schema; "
    "write the class you mean, e.g. [A-Za-z0-9_]",
    "W": "a different set in Python and in JSON Schema; write the class you mean",
    "s": "a different set of spaces in Python and in JSON Schema; write the class you mean, "
    "e.g. [ \\t\\n]",
    "S": "a different set in Python and in JSON Schema; write the class you mean",
    "b": "a word boundary that depends on \\w, which differs between Python and JSON Schema",
    "B": "a boundary that depends on \\w, which differs between Python and JSON Schema",
    "A": "the start of the text, which JSON Schema does not have; leave it out: "
    "the whole text must match anyway",
    "Z": "the end of the text, which JSON Schema does not have; leave it out: "
    "the whole text must match anyway",
}
_QUANTIFIER = re.compile(r"\{([0-9]*)(,?)([0-9]*)\}")


@dataclass(frozen=True)
class Char:
    """One character, meant literally."""

    char: str


@dataclass(frozen=True)
class AnyChar:
    """`.`: any character but a newline."""


@dataclass(frozen=True)
class CharClass:
    """`[...]` or `[^...]`: inclusive ranges of characters, or all but them."""

    ranges: tuple[tuple[str, str], ...]
    negated: bool

    def contains(self, char: str) -> bool:
        inside = any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


@dataclass(frozen=True)
class Anchor:
    """`^` or `$`, allowed only at the edges of the pattern."""

    symbol: str  # "^" or "$"


@dataclass(frozen=True)
class Group:
    """`(...)` or the whole pattern: alternatives, each a sequence of nodes."""

    alternatives: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class Repeat:
    """`node` repeated `least` to `most` times (None: without limit)."""

    node: Node
    least: int
    most: int | None
    lazy: bool


Node = Char | AnyChar | CharClass | Anchor | Group | Repeat


def read_tree(text: str) -> Group:
    """The tree of the pattern `text`, which `re` compiles; Problem for what JSON Schema
    would read otherwise."""
    return _Parser(text).whole()


class _Parser:
    """Recursive descent over one pattern; refuses what JSON Schema would read otherwise."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.depth = 0

    def refuse(self, what: str) -> Problem:
        return Problem(
            f"the pattern {show(self.text)} uses {what}; patterns keep to what Python and JSON "
            "Schema (ECMA 262) read alike"
        )

    def whole(self) -> Group:
        group = self.alternatives()
        if self.at != len(self.text):  # pragma: no cover - re.compile refused it already
            raise self.refuse(f"an unbalanced {self.text[self.at]!r}")
        for sequence in group.alternatives:
            for position, node in enumerate(sequence):
                edge = 0 if isinstance(node, Anchor) and node.symbol == "^" else len(sequence) - 1
                if _anchored(node) and not (isinstance(node, Anchor) and position == edge):
                    raise self.refuse(
                        "'^' or '$' inside the text, where Python and JSON Schema read them "
                        "differently; use '^' only at the start and '$' only at the end"
                    )
        return group

    def alternatives(self) -> Group:
        options = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            options.append(self.sequence())
        return Group(tuple(options))

    def sequence(self) -> tuple[Node, ...]:
        items: list[Node] = []
        while self.peek() not in (None, "|", ")"):
            atom = self.atom()
            items.append(self.quantified(atom))
        return tuple(items)

    def peek(self, ahead: int = 0) -> str | None:
        position = self.at + ahead
        return self.text[position] if position < len(self.text) else None

    def atom(self) -> Node:
        char = self.text[self.at]
        self.at += 1
        if char == "(":
            return self.group()
        if char == "[":
            return self.character_class()
        if char == ".":
            return AnyChar()
        if char in "^$":
            return Anchor(char)
        if char == "\\":
            return Char(self.escape(_ESCAPES, in_class=False))
        return Char(char)

    def group(self) -> Node:
        if self.peek() == "?":
            if self.text.startswith("?:", self.at):
                self.at += 2
            elif self.text.startswith("?P<", self.at):
                self.at = self.text.index(">", self.at) + 1  # the name does not matter here
            else:
                raise self.refuse(_group_kind(self.text[self.at :]))
        self.depth += 1
        inner = self.alternatives()
        self.depth -= 1
        self.at += 1  # ")"
        return inner

    def quantified(self, atom: Node) -> Node:
        char = self.peek()
        if char in ("*", "+", "?"):
            self.at += 1
            least, most = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        elif char == "{" and (match := _QUANTIFIER.match(self.text, self.at)) is not None:
            low, comma, high = match.groups()
            if not low and not high:
                return atom  # "{}" and "{,}" are literal text in Python
            self.at = match.end()
            least = int(low or 0)
            most = int(high) if high else (None if comma else least)
        else:
            return atom
        if isinstance(atom, Anchor):
            raise self.refuse(f"a repeated {atom.symbol!r}")
        lazy = self.peek() == "?"
        if lazy:
            self.at += 1
        if self.peek() == "+":
            raise self.refuse("a possessive repeat (*+, ++, ?+), which JSON Schema does not have")
        return Repeat(atom, least, most, lazy)

    def character_class(self) -> CharClass:
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        ranges: list[tuple[str, str]] = []
        first = True
        while True:
            char = self.text[self.at]
            if char == "]" and not first:
                self.at += 1
                return CharClass(tuple(ranges), negated)
            first = False
            low = self.class_char()
            if self.peek() == "-" and self.peek(1) not in ("]", None):
                self.at += 1
                ranges.append((low, self.class_char()))
            else:
                ranges.append((low, low))

    def class_char(self) -> str:
        char = self.text[self.at]
        self.at += 1
        if char == "[" and self.peek() in (":", "=", "."):
            raise self.refuse("a POSIX class such as [:alpha:], which Python reads as text")
        if char == "\\":
            return self.escape(_CLASS_ESCAPES, in_class=True)
        return char

    def escape(self, simple: dict[str, str], *, in_class: bool) -> str:
        char = self.text[self.at]
        self.at += 1
        if char in simple:
            return simple[char]
        if char in _DIFFERENT:
            raise self.refuse(f"\\{char}, {_DIFFERENT[char]}")
        if char == "0":
            if self.peek() is not None and self.peek() in "01234567":  # type: ignore[operator]
                raise self.refuse("an octal escape; write \\xhh or \\uhhhh instead")
            return "\0"
        if char.isdigit():
            raise self.refuse("a backreference, which stategen cannot build sample text for")
        if char in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[char]
            digits = self.text[self.at : self.at + size]
            self.at += size
            return chr(int(digits, 16))
        if char == "N":
            end = self.text.index("}", self.at)
            name = self.text[self.at + 1 : end]
            self.at = end + 1
            return unicodedata.lookup(name)
        return char  # an escaped punctuation character stands for itself


def _anchored(node: Node) -> bool:
    """Whether `node` is or holds an anchor."""
    if isinstance(node, Anchor):
        return True
    if isinstance(node, Repeat):
        return _anchored(node.node)
    if isinstance(node, Group):
        return any(_anchored(item) for sequence in node.alternatives for item in sequence)
    return False


def _group_kind(rest: str) -> str:
    if rest.startswith(("?=", "?!", "?<=", "?<!")):
        return "a lookaround, which stategen cannot build sample text for"
    if rest.startswith("?P="):
        return "a backreference, which stategen cannot build sample text for"
    if rest.startswith("?#"):
        return "a comment group, which JSON Schema does not have; remove it"
    if rest.startswith("?("):
        return "a conditional group, which JSON Schema does not have"
    if rest.startswith("?>"):
        return "an atomic group, which JSON Schema does not have"
    return "inline flags such as (?i), which JSON Schema does not have; write the cases out"
