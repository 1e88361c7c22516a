"""The field type grammar: `int`, `list[str]`, `dict[int, Window]`, `Literal["a", "b"]` …"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Mapping

from .problem import Problem, describe_value, show
from .types import (
    SCALARS,
    Bool,
    Date,
    DecimalType,
    DictOf,
    Duration,
    FixedTuple,
    Float,
    Int,
    Kind,
    ListOf,
    LiteralOf,
    Named,
    Nullable,
    SetOf,
    Str,
    TupleOf,
    TypeExpr,
    Uuid,
    encodable,
)

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<text>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<number>-?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?)
      | (?P<ellipsis>\.\.\.)
      | (?P<mark>[\[\],|])
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)
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
    "UUID": "uuid",
    "Decimal": "decimal",
    "duration": "timedelta",
    "JSON": "json",
    "Any": "json",
    "object": "json",
    "List": "list[...]",
    "Dict": "dict[..., ...]",
    "Set": "set[...]",
    "FrozenSet": "set[...]",
    "frozenset": "set[...]",
    "Tuple": "tuple[...]",
    "Optional": "T | None",
    "Union": "T | None",
}
#: The types a dict may be keyed by: each key has exactly one spelling as text.
_KEYS = (Str(), Int(), Uuid(), Date())
#: The types a set may hold: hashable, with an order for the saved (sorted) array.
_SET_ITEMS = (Str(), Int(), Float(), Bool(), DecimalType(), Uuid(), Date(), Duration())

Token = tuple[str, str]  # (kind, text)


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

    def _tokenize(self, text: str) -> list[Token]:
        tokens = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            assert kind is not None
            if kind == "other":
                raise Problem(
                    f"unexpected {match.group(kind)!r} in type {show(self.text)}; "
                    f"types look like {_EXAMPLES}"
                )
            tokens.append((kind, match.group(kind)))
        if not tokens:
            raise Problem(f"the type is empty; write one like {_EXAMPLES}")
        return tokens

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self) -> Token | None:
        token = self.tokens[self.position] if self.position < len(self.tokens) else None
        self.position += 1
        return token

    def expect(self, text: str) -> None:
        if self.peek() != text:
            raise self.unexpected(f"expected {text!r}")
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
            if others[0].allows_null():
                raise Problem(f"{others[0]} already holds null; write {others[0]} alone")
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
        if token is None or token[0] != "name":
            self.position -= 1
            raise self.unexpected("expected a type name")
        name = token[1]
        if self.peek() == "[":
            return self.container(name, depth)
        if name == "None":
            return None
        if name in ("list", "dict", "set", "tuple", "Literal"):
            raise Problem(f"{name} needs its item types, e.g. {_CONTAINER_EXAMPLES[name]}")
        if name in SCALARS:
            return SCALARS[name]
        if name in self.declared:
            return Named(name, self.declared[name])
        raise Problem(self._unknown(name))

    def container(self, name: str, depth: int) -> TypeExpr:
        self.expect("[")
        if name == "Literal":
            return self.literal()
        if name == "list":
            expr: TypeExpr = ListOf(self.union(depth + 1))
        elif name == "set":
            expr = SetOf(_set_item(self.union(depth + 1)))
        elif name == "tuple":
            expr = self.tuple(depth)
        elif name == "dict":
            key = _key(self.union(depth + 1))
            self.expect(",")
            expr = DictOf(key, self.union(depth + 1))
        else:
            instead = _ALIASES.get(name)
            hint = f"write {instead} instead" if instead else "use list, set, tuple or dict"
            raise Problem(f"{name}[...] is not a supported type; {hint}")
        self.expect("]")
        return expr

    def tuple(self, depth: int) -> TypeExpr:
        items = [self.union(depth + 1)]
        while self.peek() == ",":
            self.position += 1
            if self.peek() == "...":
                self.position += 1
                if len(items) > 1:
                    raise Problem(
                        f"tuple[T, ...] has one item type before '...', in {show(self.text)}"
                    )
                return TupleOf(items[0])
            items.append(self.union(depth + 1))
        return FixedTuple(tuple(items))

    def literal(self) -> TypeExpr:
        values: list[str | int | bool] = []
        while True:
            token = self.take()
            if token is None:
                raise self.unexpected("expected a value")
            kind, text = token
            value: str | int | bool
            if kind == "text":
                value = encodable(_text(text), "a Literal value")
            elif kind == "number" and re.fullmatch(r"-?[0-9]+", text):
                value = int(text)
            elif kind == "name" and text in ("True", "False"):
                value = text == "True"
            else:
                hint = f"; write {text.title()}" if text in ("true", "false") else ""
                raise Problem(
                    f"Literal values are quoted text, whole numbers, True or False, "
                    f"not {text!r}, in {show(self.text)}{hint}"
                )
            if any(type(seen) is type(value) and seen == value for seen in values):
                raise Problem(f"{show(value)} is listed twice in {show(self.text)}; remove one")
            values.append(value)
            if self.peek() != ",":
                break
            self.position += 1
        self.expect("]")
        return LiteralOf(tuple(values))

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
        containers = ["list[...]", "set[...]", "tuple[...]", "dict[..., ...]", "Literal[...]"]
        listing = ", ".join([*SCALARS, *containers, *self.declared])
        return f"{message} (known types: {listing}; declare others under types:)"


_CONTAINER_EXAMPLES = {
    "list": "list[str]",
    "dict": "dict[str, int]",
    "set": "set[str]",
    "tuple": "tuple[int, int] or tuple[float, ...]",
    "Literal": 'Literal["fast", "safe"]',
}


def _text(quoted: str) -> str:
    """The text of a quoted Python string literal."""
    try:
        value = ast.literal_eval(quoted)
    except (ValueError, SyntaxError) as error:
        raise Problem(f"{quoted} is not a valid quoted text: {error}") from None
    assert isinstance(value, str)
    return value


def _key(expr: TypeExpr) -> TypeExpr:
    """`expr` if it can key a dict: every key must have one spelling as a JSON object key."""
    if expr in _KEYS or (isinstance(expr, Named) and expr.kind == "enum"):
        return expr
    if isinstance(expr, LiteralOf) and not any(isinstance(v, bool) for v in expr.values):
        texts = [str(value) for value in expr.values]
        if len(set(texts)) == len(texts):
            return expr
        raise Problem(f"the keys of {expr} would be written alike; keep the values apart as text")
    raise Problem(
        f"dict keys are written as JSON object keys (text), so they may be str, int, uuid, "
        f"date, an enum or a Literal of text and whole numbers, not {expr}"
    )


def _set_item(expr: TypeExpr) -> TypeExpr:
    """`expr` if a set can hold it: hashable, and ordered for a deterministic save."""
    if expr in _SET_ITEMS or isinstance(expr, LiteralOf):
        return expr
    if isinstance(expr, Named) and expr.kind == "enum":
        return expr
    hint = "; use list[...] for records" if isinstance(expr, Named) else ""
    raise Problem(
        f"a set holds str, int, float, bool, decimal, uuid, date, timedelta, an enum or a "
        f"Literal, not {expr}{hint}"
    )
