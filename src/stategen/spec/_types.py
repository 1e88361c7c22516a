"""The field type grammar: `int`, `list[str]`, `dict[str, Window]`, `Status | None` …"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from ..schema import SCALARS, DictOf, Kind, ListOf, Named, Nullable, TypeExpr
from ..schema.problem import Problem, describe_value, show

_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|([\[\],|])|(\S))")
_MAX_DEPTH = 16
_EXAMPLES = "int, list[str], dict[str, int] or str | None"
#: Spellings from other languages and from `typing`, and what to write instead.
_ALIASES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "double": "float",
    "boolean": "bool",
    "timestamp": "datetime",
    "List": "list[...]",
    "Dict": "dict[str, ...]",
    "Optional": "T | None",
    "Union": "T | None",
}


def parse_type(text: object, declared: Mapping[str, Kind]) -> TypeExpr:
    """Parse a type expression; `declared` maps the spec's own type names to their kinds.

    Raises `Problem` saying what is wrong and what to write instead.
    """
    if not isinstance(text, str):
        raise Problem(f"a type is text like {_EXAMPLES}, got {describe_value(text)}")
    parser = _Parser(text, declared)
    expr = parser.union(0)
    if parser.peek() is not None:
        raise parser.unexpected()
    return expr


class _Parser:
    """Recursive descent over the tokens of one type expression."""

    def __init__(self, text: str, declared: Mapping[str, Kind]) -> None:
        self.text = text
        self.declared = declared
        self.tokens = self._tokenize(text)
        self.position = 0

    def _tokenize(self, text: str) -> list[str]:
        tokens = []
        for match in _TOKEN.finditer(text):
            if match.group(3) is not None:
                raise Problem(
                    f"unexpected {match.group(3)!r} in type {show(self.text)}; "
                    f"types look like {_EXAMPLES}"
                )
            tokens.append(match.group(1) or match.group(2))
        if not tokens:
            raise Problem(f"the type is empty; write one like {_EXAMPLES}")
        return tokens

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str | None:
        token = self.peek()
        self.position += 1
        return token

    def expect(self, token: str) -> None:
        if self.peek() != token:
            raise self.unexpected(f"expected {token!r}")
        self.position += 1

    def unexpected(self, expected: str = "") -> Problem:
        token = self.peek()
        found = "the end" if token is None else repr(token)
        lead = f"{expected} but found {found}" if expected else f"unexpected {found}"
        return Problem(f"{lead} in type {show(self.text)}; types look like {_EXAMPLES}")

    def union(self, depth: int) -> TypeExpr:
        parts = [self.atom(depth)]
        while self.peek() == "|":
            self.position += 1
            parts.append(self.atom(depth))
        others = [part for part in parts if part is not None]
        if len(parts) == 1 and others:
            return others[0]
        if len(parts) == 2 and len(others) == 1:
            return Nullable(others[0])
        if not others:
            raise Problem(f"{show(self.text)} has no type besides None; write e.g. str | None")
        shown = " | ".join(str(part) for part in others)
        raise Problem(
            f"{show(self.text)}: only one type or None is allowed in a union (T | None), "
            f"not {shown}; use separate fields or a record type"
        )

    def atom(self, depth: int) -> TypeExpr | None:
        """One name or container; None for the `None` of an optional."""
        if depth > _MAX_DEPTH:
            raise Problem(f"type {show(self.text)} nests more than {_MAX_DEPTH} levels deep")
        token = self.take()
        if token is None or token in "[],|":
            self.position -= 1
            raise self.unexpected("expected a type name")
        if self.peek() == "[":
            return self.container(token, depth)
        if token == "None":
            return None
        if token in ("list", "dict"):
            example = "list[str]" if token == "list" else "dict[str, int]"
            raise Problem(f"{token} needs its item type, e.g. {example}")
        if token in SCALARS:
            return SCALARS[token]
        if token in self.declared:
            return Named(token, self.declared[token])
        raise Problem(self._unknown(token))

    def container(self, token: str, depth: int) -> TypeExpr:
        self.expect("[")
        if token == "list":
            expr: TypeExpr = ListOf(self.union(depth + 1))
        elif token == "dict":
            key = self.union(depth + 1)
            if key != SCALARS["str"]:
                raise Problem(
                    f"dict keys must be str (JSON object keys are text), not {key}; "
                    "write dict[str, ...]"
                )
            self.expect(",")
            expr = DictOf(self.union(depth + 1))
        else:
            instead = _ALIASES.get(token)
            hint = f"write {instead} instead" if instead else "use list[...] or dict[str, ...]"
            raise Problem(f"{token}[...] is not a supported type; {hint}")
        self.expect("]")
        return expr

    def _unknown(self, token: str) -> str:
        known = [*SCALARS, *self.declared]
        message = f"unknown type {token!r}"
        instead = _ALIASES.get(token) or _ALIASES.get(token.lower())
        by_folded = {name.lower(): name for name in known}
        close = difflib.get_close_matches(token.lower(), list(by_folded), n=1, cutoff=0.6)
        if instead:
            message += f"; write {instead} instead"
        elif close:
            message += f"; did you mean {by_folded[close[0]]!r}?"
        listing = ", ".join([*SCALARS, "list[...]", "dict[str, ...]", *self.declared])
        return f"{message} (known types: {listing}; declare others under types:)"
