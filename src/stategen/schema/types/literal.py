"""Types of listed values and of any value: `Literal["fast", "safe"]` and `json`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ... import serializer
from ..problem import Problem, show
from ..rules import Rules
from .base import (
    NO_DEFINITIONS,
    DefaultCheck,
    Definitions,
    Import,
    Sampler,
    TypeExpr,
    encodable,
)
from .scalars import Bool, Float, Int, Scalar, Str

#: Nesting a JSON value may have (the generated library's limit).
MAX_DEPTH = 256


@dataclass(frozen=True)
class LiteralOf(TypeExpr):
    """`Literal[...]` of strings, integers and booleans, stored as the value itself."""

    values: tuple[str | int | bool, ...]

    def __str__(self) -> str:
        return f"Literal[{', '.join(spelling(value) for value in self.values)}]"

    def annotation(self) -> serializer.Node:
        return serializer.subscript("Literal", *(_node(value) for value in self.values))

    def imports(self) -> Iterator[Import]:
        yield ("typing", "Literal")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _typed(value) in {_typed(allowed) for allowed in self.values}

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        yield from self.values if sampler.style == "empty" else reversed(self.values)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if self.accepts(value, NO_DEFINITIONS):
            return value
        listing = ", ".join(spelling(allowed) for allowed in self.values)
        raise Problem(f"the default {show(value)} is not one of {listing}")

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        return _node(value)

    def key_of(self, text: str) -> Any:
        for value in self.values:
            if not isinstance(value, bool) and str(value) == text:
                return value
        return None

    def key_schema(self) -> dict[str, Any]:
        return {"enum": [str(value) for value in self.values]}

    def set_order(self, value: Any, definitions: Definitions) -> Any:
        return [_typed(allowed) for allowed in self.values].index(_typed(value))

    def _widens_to(self, other: TypeExpr) -> bool:
        if isinstance(other, LiteralOf):
            return {_typed(v) for v in self.values} <= {_typed(v) for v in other.values}
        return all(other.accepts(value, NO_DEFINITIONS) for value in self.values) and isinstance(
            other, Str | Int | Float | Bool
        )

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"enum": list(self.values)}


class AnyJson(Scalar):
    """Any JSON value (`json` in the spec, the `JSON` alias in the model)."""

    def __str__(self) -> str:
        return "json"

    def annotation(self) -> serializer.Node:
        return serializer.name("JSON")

    def imports(self) -> Iterator[Import]:
        yield ("._runtime.codec", "JSON")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _json_depth(value) is not None

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        if sampler.style == "full":
            yield {"model": {"layers": [64, 10], "dropout": 0.1, "tag": '✓ "q"'}, "n": None}
        elif sampler.style == "empty":
            yield None
        for number in itertools.count(sampler.number()):
            yield {"name": name, "n": number}

    def default(self, value: Any, check: DefaultCheck) -> Any:
        depth = _json_depth(value)
        if depth is None:
            raise Problem(f"the default {show(value)} is not a JSON value")
        if depth > MAX_DEPTH:
            raise Problem(f"the default nests deeper than {MAX_DEPTH} levels")
        return value

    def fresh(self, value: Any) -> bool:
        return isinstance(value, list | dict)

    def allows_null(self) -> bool:
        return True

    def admits(self, narrower: TypeExpr) -> bool:
        return True  # every stored value is a JSON value

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {}


def _typed(value: Any) -> tuple[type, Any]:
    # 1 == True in Python, but they are different JSON values and different literals.
    return (type(value), value)


def spelling(value: str | int | bool) -> str:
    """A Literal value as the spec and the model write it: `\"fast\"`, `7`, `True`."""
    return _node(value).inline()


def _node(value: str | int | bool) -> serializer.Node:
    if isinstance(value, str):
        return serializer.Atom(serializer.string(encodable(value, "a Literal value")))
    return serializer.literal(value)


def _json_depth(value: Any, depth: int = 1) -> int | None:
    """How deep the JSON value `value` nests, or None if it is no JSON value."""
    if value is None or isinstance(value, str | bool | int):
        return depth
    if isinstance(value, float):
        return depth if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, list | dict) and depth <= MAX_DEPTH:
        items = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict) and not all(isinstance(key, str) for key in value):
            return None
        depths = [_json_depth(item, depth + 1) for item in items]
        return None if None in depths else max([depth, *depths])  # type: ignore[type-var]
    if isinstance(value, list | dict):
        return depth
    return None
