"""Python source for names, values and calls, laid out as `ruff format` would (width 100).

Every value from a schema reaches generated code through `literal()` or `string()`, never as
pasted text, and every name through `identifier()`. The layout covers the shapes the writers
use (calls, collection literals, assignments, `if` tests), so the output is stable under
`ruff format` whatever the lengths of the names and values.
"""

from __future__ import annotations

import keyword
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 100
INDENT = 4


class InvalidName(ValueError):
    """A name meant for code is not a plain identifier (a bug, or a hand-edited file)."""


def identifier(name: object) -> str:
    """`name` if it is a Python identifier and not a keyword; else InvalidName.

    Letters of any script are allowed (enum members are made from values, `日本`), but only
    in NFKC form: Python reads identifiers in that form, so any other would name something
    else than it shows.
    """
    if (
        not isinstance(name, str)
        or not name.isidentifier()
        or unicodedata.normalize("NFKC", name) != name
        or keyword.iskeyword(name)
    ):
        raise InvalidName(f"not an identifier: {name!r}")
    return name


def string(text: str) -> str:
    """A str literal: double quotes unless the text holds more double than single quotes."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + "".join(_escape(char, quote) for char in text) + quote


def byte_string(data: bytes) -> str:
    """A bytes literal: printable ASCII as it is, other bytes as `\\xhh`; quoted as `string`."""
    text = data.decode("latin-1")
    quote = "'" if text.count('"') > text.count("'") else '"'
    escaped = "".join(
        _escape(char, quote)
        if char.isascii() and (char.isprintable() or char in "\n\r\t")
        else f"\\x{ord(char):02x}"
        for char in text
    )
    return f"b{quote}{escaped}{quote}"


_SIMPLE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str, quote: str) -> str:
    if char == quote:
        return "\\" + char
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def number(value: int | float) -> str:
    """An int or a finite float literal, in the formatter's normal form (`1e22`, not `1e+22`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return repr(value).replace("e+", "e")


# Layout nodes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Atom:
    """Code that is never split: a name, a number, a string."""

    text: str

    def inline(self) -> str:
        return self.text


@dataclass(frozen=True)
class Call:
    """`func(arg, ...)`, or with `brackets="[]"` a subscript `name[arg, ...]`.

    `exploded`: one argument per line with a trailing comma, always.
    """

    func: str
    args: tuple[Node, ...]
    exploded: bool = False
    brackets: str = "()"

    def inline(self) -> str:
        inside = ", ".join(arg.inline() for arg in self.args)
        return f"{self.func}{self.brackets[0]}{inside}{self.brackets[1]}"


@dataclass(frozen=True)
class OrNone:
    """`inner | None`. Split, the formatter puts `| None` on a line of its own."""

    inner: Node

    def inline(self) -> str:
        return f"{self.inner.inline()} | None"


@dataclass(frozen=True)
class Prefixed:
    """`lead` written before a value: `key: value` in a dict, `name=value`, `lambda: value`."""

    lead: str
    value: Node

    def inline(self) -> str:
        return self.lead + self.value.inline()


@dataclass(frozen=True)
class Collection:
    """A list, dict or tuple literal. `exploded`: one item per line with a trailing comma.

    The formatter keeps such a "magic trailing comma" literal split whatever its length.
    """

    open: str
    close: str
    items: tuple[Node, ...]
    exploded: bool = False

    def inline(self) -> str:
        single = "," if self.open == "(" and len(self.items) == 1 else ""
        return self.open + ", ".join(item.inline() for item in self.items) + single + self.close


Node = Atom | Call | OrNone | Prefixed | Collection


def name(text: str) -> Atom:
    """An already validated name or expression used as it is."""
    return Atom(text)


def call(func: str, *args: Node) -> Call:
    return Call(func, args)


def subscript(base: str, *args: Node) -> Call:
    """`base[arg, ...]`: a generic type such as `list[int]`."""
    return Call(base, args, brackets="[]")


def literal(value: Any) -> Node:
    """A JSON value (None, bool, int, float, str, list, dict with str keys) as a literal."""
    if value is None:
        return Atom("None")
    if value is True or value is False:
        return Atom(repr(value))
    if isinstance(value, int | float):
        return Atom(number(value))
    if isinstance(value, str):
        return Atom(string(value))
    if isinstance(value, list):
        return Collection("[", "]", tuple(literal(item) for item in value))
    if isinstance(value, dict):
        entries = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"dict keys must be str, got {key!r}")
            entries.append(Prefixed(string(key) + ": ", literal(item)))
        return Collection("{", "}", tuple(entries))
    raise TypeError(f"not a JSON value: {value!r}")


def exploded(node: Node) -> Node:
    """`node` with its outermost brackets split one item per line (a magic trailing comma)."""
    if isinstance(node, Collection) and node.items:
        return Collection(node.open, node.close, node.items, exploded=True)
    if isinstance(node, Call) and node.args:
        return Call(node.func, node.args, exploded=True)
    if isinstance(node, Prefixed):
        return Prefixed(node.lead, exploded(node.value))
    return node


# Layout -----------------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns `text` takes in an editor, as the formatter counts them (wide characters: 2)."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fits(indent: int, text: str) -> bool:
    return indent + width(text) <= WIDTH


def is_exploded(node: Node) -> bool:
    if isinstance(node, Prefixed):
        return is_exploded(node.value)
    return isinstance(node, Call | Collection) and node.exploded


def layout(
    node: Node, indent: int, prefix: str = "", suffix: str = "", *, force: bool = False
) -> list[str]:
    """`prefix + node + suffix` as lines (without indentation), split as ruff would.

    `force`: split the outermost brackets even if the whole would fit on one line.
    """
    flat = prefix + node.inline() + suffix
    if fits(indent, flat) and not is_exploded(node) and not force:
        return [flat]
    if isinstance(node, Prefixed):
        return layout(node.value, indent, prefix + node.lead, suffix)
    if isinstance(node, Collection) and node.items:
        body = [
            line for item in node.items for line in indented(layout(item, indent + INDENT, "", ","))
        ]
        return [prefix + node.open, *body, node.close + suffix]
    if isinstance(node, Call) and node.args:
        return _split_call(node, indent, prefix, suffix)
    if isinstance(node, OrNone):
        return [*layout(node.inner, indent, prefix), "| None" + suffix]
    return [flat]


def _split_call(node: Call, indent: int, prefix: str, suffix: str) -> list[str]:
    head = prefix + node.func + node.brackets[0]
    close = node.brackets[1]
    if not node.exploded:
        hugged = ", ".join(arg.inline() for arg in node.args)
        if len(node.args) == 1 and not isinstance(node.args[0], Collection):
            body = layout(node.args[0], indent + INDENT)
            return [head, *indented(body), close + suffix]
        if fits(indent + INDENT, hugged):
            return [head, " " * INDENT + hugged, close + suffix]
    lines = [head]
    for arg in node.args:
        trailing = "," if node.exploded or len(node.args) > 1 else ""
        lines += indented(layout(arg, indent + INDENT, "", trailing))
    return [*lines, close + suffix]


def indented(lines: Sequence[str]) -> list[str]:
    return [" " * INDENT + line for line in lines]


def assignment(target: str, value: Node, indent: int) -> list[str]:
    """`target = value`, split as the formatter would.

    A value with brackets is split inside them when the head fits (an exploded one always
    is); any other value that is too long moves into parentheses on its own line, but only
    if that makes it fit (the formatter leaves a line alone that nothing can shorten).
    """
    prefix = target + " = "
    flat = prefix + value.inline()
    if fits(indent, flat) and not is_exploded(value):
        return [flat]
    head = opening(value)
    if head is not None and (is_exploded(value) or fits(indent, prefix + head)):
        return layout(value, indent, prefix)
    if head is not None or fits(indent + INDENT, value.inline()):
        return [prefix + "(", *indented(layout(value, indent + INDENT)), ")"]
    return [flat]


def opening(value: Node) -> str | None:
    """The text up to the first bracket a value can be split at, or None for an atom."""
    if isinstance(value, Call):
        return value.func + value.brackets[0]
    if isinstance(value, Collection):
        return value.open
    return None


def condition(keyword: str, left: str, operator: str, right: str, indent: int) -> list[str]:
    """`if left operator right:`, or the formatter's one-operand-per-line form when too long."""
    flat = f"{keyword} {left} {operator} {right}:"
    if fits(indent, flat):
        return [flat]
    pad = " " * INDENT
    return [f"{keyword} (", pad + left, f"{pad}{operator} {right}", "):"]
