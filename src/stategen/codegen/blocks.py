"""Building blocks of a generated module: comments, indented blocks, functions, helper names."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .. import serializer
from ..schema.text import escape_hidden
from ..serializer import INDENT, WIDTH, Node, identifier

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    """`WindowSize` → `window_size`, for helper names derived from type names."""
    return _WORD_BOUNDARY.sub("_", identifier(name)).lower()


def comment_lines(text: str, indent: int) -> list[str]:
    """`# text`, wrapped to the line width. `text` holds names, types and codes only."""
    width = max(WIDTH - indent - 2, 20)
    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [f"# {line}" for line in wrapped]


def free_text_comment(text: str) -> list[str]:
    """Free text (a doc, a description) as `#` lines, one per line of the text.

    Every line break Python's `str.splitlines` knows starts a new `#` line, so no text can
    end the comment and become code. Lines are kept as written (trailing spaces dropped),
    except that hidden characters (bidi controls and the like, see `stategen.schema.text`)
    are written as escapes, so a comment reads as it is.
    """
    lines = escape_hidden(text).splitlines()
    return [f"# {line.rstrip()}" if line.strip() else "#" for line in lines]


class Block:
    """Lines of code at one indentation; nested blocks write into the same list."""

    def __init__(self, lines: list[str] | None = None, indent: int = INDENT) -> None:
        self.lines: list[str] = [] if lines is None else lines
        self.indent = indent

    def _add(self, lines: list[str]) -> None:
        pad = " " * self.indent
        self.lines.extend(pad + line for line in lines)

    def comment(self, text: str) -> None:
        self._add(comment_lines(text, self.indent))

    def expression(self, node: Node) -> None:
        """An expression statement such as a call."""
        self._add(serializer.layout(node, self.indent))

    def assign(self, target: str, value: Node) -> None:
        self._add(serializer.assignment(target, value, self.indent))

    def raise_todo(self, message: str) -> None:
        """`raise NotImplementedError(message)`: the mark `stategen check` looks for."""
        node = serializer.call("raise NotImplementedError", serializer.literal(message))
        self._add(serializer.layout(node, self.indent))

    def statement(self, text: str) -> None:
        """A short fixed statement (`return data`)."""
        self._add([text])

    @contextmanager
    def when(self, left: str, operator: str, right: str) -> Iterator[Block]:
        """`if left operator right:` and the block under it."""
        self._add(serializer.condition("if", left, operator, right, self.indent))
        yield Block(self.lines, self.indent + INDENT)

    @property
    def empty(self) -> bool:
        return not self.lines


def item(variable: str, key: str) -> str:
    """`data["key"]`, the key serialized."""
    return f"{variable}[{serializer.string(key)}]"


@dataclass
class Function:
    """One module-level function of the generated module."""

    name: str
    parameter: str  # e.g. "data: dict[str, Any]"
    returns: str
    docstring: str
    body: Block = field(default_factory=Block)

    def render(self) -> list[str]:
        head = f"def {self.name}({self.parameter}) -> {self.returns}:"
        if serializer.width(head) > WIDTH:
            lines = [f"def {self.name}(", f"    {self.parameter},", f") -> {self.returns}:"]
        else:
            lines = [head]
        lines += docstring_lines(self.docstring, INDENT)
        return lines + (self.body.lines or ["    pass"])


def docstring_lines(text: str, indent: int) -> list[str]:
    """A docstring: one line when it fits, else wrapped with the closing quotes on their own.

    `text` holds names, types, versions and codes. A type may hold quoted text (the values
    of a `Literal`): backslashes and quotes are then escaped, so no text can end the
    docstring early.
    """
    if "\\" in text or '"""' in text or text.endswith('"'):
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    pad = " " * indent
    one = f'{pad}"""{text}"""'
    if serializer.width(one) <= WIDTH:
        return [one]
    wrapped = _wrap_words(text, WIDTH - indent - 3)
    if len(wrapped) == 1:  # fits but for the closing quotes: split it all the same
        wrapped = _wrap_words(text, len(text) - 1)
    if len(wrapped) == 1:  # one word: the formatter keeps a one-line docstring whole
        return [one]
    return [f'{pad}"""{wrapped[0]}', *(pad + line for line in wrapped[1:]), f'{pad}"""']


def _wrap_words(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


class Names:
    """Hands out helper names that are identifiers and unique within one module."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._taken = set(reserved)

    def take(self, wanted: str) -> str:
        base = identifier(wanted)
        name, number = base, 1
        while name in self._taken:
            number += 1
            name = f"{base}_{number}"
        self._taken.add(name)
        return name
