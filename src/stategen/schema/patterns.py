"""`Pattern`: a `pattern:` rule, in the part of Python's `re` that JSON Schema reads alike.

The generated library checks a pattern with Python's `re.fullmatch`; the JSON Schema of the
state file holds it as an ECMA 262 regular expression (the dialect JSON Schema names, read
in Unicode mode as validators such as ajv do). A pattern is parsed here into a small tree,
so that it can be written in both, and so that stategen can build sample text that matches
it. Constructs whose meaning differs between the two (`\\d` takes any Unicode digit in
Python, only 0-9 in ECMA) or that one of them lacks (lookbehind, `\\Z`, inline flags …) are
refused with the spelling to use instead.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from .problem import Problem, show

#: Characters with a meaning in a regular expression, escaped when meant literally.
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
#: Characters escaped inside a character class.
_CLASS_SYNTAX = frozenset("\\]^-[")
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
#: Letters that sample text is made of where a pattern lets any character through.
_LETTERS = "abcdefghxyz0123456789"
#: How many texts are tried to find samples of a pattern that fit the length rules.
_ATTEMPTS = 400


@dataclass(frozen=True)
class _Char:
    char: str


@dataclass(frozen=True)
class _Any:
    """`.`: any character but a newline."""


@dataclass(frozen=True)
class _Class:
    ranges: tuple[tuple[str, str], ...]
    negated: bool

    def contains(self, char: str) -> bool:
        inside = any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


@dataclass(frozen=True)
class _Anchor:
    symbol: str  # "^" or "$"


@dataclass(frozen=True)
class _Group:
    alternatives: tuple[tuple[_Node, ...], ...]


@dataclass(frozen=True)
class _Repeat:
    node: _Node
    least: int
    most: int | None
    lazy: bool


_Node = _Char | _Any | _Class | _Anchor | _Group | _Repeat


@dataclass(frozen=True)
class Pattern:
    """A checked pattern: its text (as the model holds it) and its parsed tree."""

    text: str
    tree: _Group

    @staticmethod
    @functools.cache
    def parse(text: str) -> Pattern:
        """The pattern `text`; Problem when Python cannot compile it or JSON Schema reads it
        differently."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", FutureWarning)
                re.compile(text)
        except re.error as error:
            raise Problem(f"the pattern {show(text)} does not compile: {error}") from None
        except FutureWarning as warning:  # e.g. "[[" or "--" in a class: set operations to come
            raise Problem(
                f"the pattern {show(text)} may read differently in later Pythons ({warning}); "
                "escape the character with a backslash"
            ) from None
        return Pattern(text, _Parser(text).whole())

    def json_schema(self) -> str:
        """The pattern in ECMA 262, anchored: JSON Schema's `pattern` searches, `re` does not."""
        return f"^(?:{_emit_alternatives(self.tree.alternatives)})$"

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.text, text) is not None

    def samples(self, least: int, most: int | None, style: str) -> Iterator[str]:
        """Texts that match, of `least` to `most` characters, each different.

        The shortest comes first for the `empty` style, a longer one first otherwise; the
        search is bounded, so a pattern no text of those lengths matches yields nothing.
        """
        found: list[str] = []
        for extra in range(least + 8):
            text = _build(self.tree, extra, None)
            if text not in found and self._fits(text, least, most):
                found.append(text)
                if len(found) == 2:
                    break
        if style != "empty":
            found.reverse()
        yield from found
        shuffler = random.Random(0)
        for attempt in range(_ATTEMPTS):
            text = _build(self.tree, attempt % (least + 6), shuffler)
            if text not in found and self._fits(text, least, most):
                found.append(text)
                yield text

    def _fits(self, text: str, least: int, most: int | None) -> bool:
        return least <= len(text) <= (len(text) if most is None else most) and self.matches(text)


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

    def whole(self) -> _Group:
        group = self.alternatives()
        if self.at != len(self.text):  # pragma: no cover - re.compile refused it already
            raise self.refuse(f"an unbalanced {self.text[self.at]!r}")
        for sequence in group.alternatives:
            for position, node in enumerate(sequence):
                edge = 0 if isinstance(node, _Anchor) and node.symbol == "^" else len(sequence) - 1
                if _anchored(node) and not (isinstance(node, _Anchor) and position == edge):
                    raise self.refuse(
                        "'^' or '$' inside the text, where Python and JSON Schema read them "
                        "differently; use '^' only at the start and '$' only at the end"
                    )
        return group

    def alternatives(self) -> _Group:
        options = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            options.append(self.sequence())
        return _Group(tuple(options))

    def sequence(self) -> tuple[_Node, ...]:
        items: list[_Node] = []
        while self.peek() not in (None, "|", ")"):
            atom = self.atom()
            items.append(self.quantified(atom))
        return tuple(items)

    def peek(self, ahead: int = 0) -> str | None:
        position = self.at + ahead
        return self.text[position] if position < len(self.text) else None

    def atom(self) -> _Node:
        char = self.text[self.at]
        self.at += 1
        if char == "(":
            return self.group()
        if char == "[":
            return self.character_class()
        if char == ".":
            return _Any()
        if char in "^$":
            return _Anchor(char)
        if char == "\\":
            return _Char(self.escape(_ESCAPES, in_class=False))
        return _Char(char)

    def group(self) -> _Node:
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

    def quantified(self, atom: _Node) -> _Node:
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
        if isinstance(atom, _Anchor):
            raise self.refuse(f"a repeated {atom.symbol!r}")
        lazy = self.peek() == "?"
        if lazy:
            self.at += 1
        if self.peek() == "+":
            raise self.refuse("a possessive repeat (*+, ++, ?+), which JSON Schema does not have")
        return _Repeat(atom, least, most, lazy)

    def character_class(self) -> _Class:
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        ranges: list[tuple[str, str]] = []
        first = True
        while True:
            char = self.text[self.at]
            if char == "]" and not first:
                self.at += 1
                return _Class(tuple(ranges), negated)
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


def _anchored(node: _Node) -> bool:
    """Whether `node` is or holds an anchor."""
    if isinstance(node, _Anchor):
        return True
    if isinstance(node, _Repeat):
        return _anchored(node.node)
    if isinstance(node, _Group):
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


# Writing ECMA 262 -------------------------------------------------------------------------


def _emit_alternatives(alternatives: tuple[tuple[_Node, ...], ...]) -> str:
    return "|".join("".join(_emit(node) for node in sequence) for sequence in alternatives)


def _emit(node: _Node) -> str:
    if isinstance(node, _Char):
        return _literal(node.char, _SYNTAX)
    if isinstance(node, _Any):
        return "[^\\n]"  # ECMA's "." also stops at \r, U+2028 and U+2029; Python's only at \n
    if isinstance(node, _Anchor):
        return node.symbol
    if isinstance(node, _Class):
        parts = "".join(
            _literal(low, _CLASS_SYNTAX)
            + ("" if low == high else "-" + _literal(high, _CLASS_SYNTAX))
            for low, high in node.ranges
        )
        return f"[{'^' if node.negated else ''}{parts}]"
    if isinstance(node, _Group):
        return f"(?:{_emit_alternatives(node.alternatives)})"
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


# Building sample text ---------------------------------------------------------------------


def _build(node: _Node, extra: int, shuffler: random.Random | None) -> str:
    """One text the tree matches: repeats `extra` more times than their least where they
    can; the first choice everywhere, or random ones with a `shuffler`."""
    if isinstance(node, _Char):
        return node.char
    if isinstance(node, _Anchor):
        return ""
    if isinstance(node, _Any | _Class):
        choices = _class_choices(node)
        return choices[0] if shuffler is None else shuffler.choice(choices)
    if isinstance(node, _Group):
        options = node.alternatives
        sequence = options[0] if shuffler is None else shuffler.choice(options)
        return "".join(_build(item, extra, shuffler) for item in sequence)
    most = node.least + extra if node.most is None else min(node.most, node.least + extra)
    count = most if shuffler is None else shuffler.randint(node.least, most)
    return "".join(_build(node.node, extra, shuffler) for _ in range(count))


def _class_choices(node: _Any | _Class) -> list[str]:
    if isinstance(node, _Any):
        return list(_LETTERS)
    if not node.negated:
        picked = [low for low, _ in node.ranges] + [high for _, high in node.ranges]
        return list(dict.fromkeys(picked))
    candidates = itertools.chain(_LETTERS, (chr(code) for code in range(0x20, 0x3000)))
    outside = [char for char in itertools.islice(candidates, 4000) if node.contains(char)]
    return outside[:8] or ["a"]
