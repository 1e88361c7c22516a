"""The types JSON has itself: `str`, `int`, `float` and `bool`."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from typing import Any

from ..patterns import Pattern, anchored
from ..problem import Problem
from ..rules import BOUNDS, LENGTHS, Rules
from .base import (
    NO_DEFINITIONS,
    DefaultCheck,
    Definitions,
    Sampler,
    TypeExpr,
    encodable,
    number_hint,
)
from .ordered import Ordered

#: The most digits an int may have: Python's limit for turning text into an int and back.
_INT_DIGITS = 4300
#: Text that breaks naive serializers: quotes, escapes, newlines, non-ASCII, astral plane.
TRICKY_TEXT = "quote \" ' back\\slash\nnew line \t tab ✓ ünï 😀 {{ x }}"


class Scalar(TypeExpr):
    """A type with no parts: every instance of one scalar class is the same type."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Str(Scalar):
    applicable = frozenset({*LENGTHS, "pattern"})

    def __str__(self) -> str:
        return "str"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, str)

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        least, most = rules.min_length or 0, rules.max_length
        if rules.pattern is not None:
            yield from Pattern.parse(rules.pattern).samples(least, most, sampler.style)
            return
        if sampler.style == "fixture":
            styled = [f"{name}-{sampler.number()}"]
        else:
            styled = [TRICKY_TEXT, ""] if sampler.style == "full" else [""]
        counted = (f"{name}-{sampler.number()}" for _ in range(8))
        seen: set[str] = set()
        for text in itertools.chain(styled, counted, _short_texts(least, most)):
            text = (text + "x" * least)[: max(least, len(text))]
            text = text if most is None else text[:most]
            if text not in seen:
                seen.add(text)
                yield text

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if isinstance(value, str):
            return encodable(value, "the default")
        raise check.mismatch(
            value, "" if isinstance(value, list | dict) else "; quote it to make it text"
        )

    def key_of(self, text: str) -> Any:
        return text

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "string"}

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        schema = lengths_schema(rules, "minLength", "maxLength")
        if rules.pattern is not None:
            schema["pattern"] = Pattern.parse(rules.pattern).json_schema()
        return schema


class Int(Ordered, Scalar):
    def __str__(self) -> str:
        return "int"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def order(self, value: Any) -> Any:
        return value

    def stored(self, ordered: Any) -> Any:
        return ordered

    def preferred(self, name: str, sampler: Sampler) -> Any:
        return {"fixture": sampler.number(), "full": 2**63 + 5, "empty": -7}[sampler.style]

    def step(self) -> Any:
        return 1

    def between(self, low: Any, high: Any) -> Any:
        return (low + high) // 2

    def bound_hint(self, value: Any) -> str:
        return f"{super().bound_hint(value)}; write a whole number{number_hint(value)}"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, bool):
            raise check.mismatch(value, "; true and false are booleans, write a number")
        if isinstance(value, float):
            raise check.mismatch(value, "; write a whole number, or use the type float")
        raise check.mismatch(value, number_hint(value))

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, Float)  # a JSON integer loads as a float

    def key_of(self, text: str) -> Any:
        # Only `str(int)`'s own spelling: "01", "+1" and " 1" would be a second key for 1.
        if len(text) <= _INT_DIGITS + 1 and re.fullmatch(r"-?[0-9]+", text):
            number = int(text)
            return number if str(number) == text else None
        return None

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "integer"}

    def key_schema(self) -> dict[str, Any]:
        return {"pattern": anchored("0|-?[1-9][0-9]*")}

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        return numeric_bounds(rules)


class Float(Ordered, Scalar):
    def __str__(self) -> str:
        return "float"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and math.isfinite(value)

    def order(self, value: Any) -> Any:
        return float(value)

    def stored(self, ordered: Any) -> Any:
        return float(ordered)

    def preferred(self, name: str, sampler: Sampler) -> Any:
        return {"fixture": sampler.number() + 0.5, "full": 0.1, "empty": -3.0}[sampler.style]

    def step(self) -> Any:
        return 1.0

    def after(self, value: Any) -> Any:
        # Past 2**53 a step of 1.0 changes nothing: the next float up is further away.
        return max(value + 1.0, math.nextafter(value, math.inf))

    def before(self, value: Any) -> Any:
        return min(value - 1.0, math.nextafter(value, -math.inf))

    def bound(self, value: Any) -> Any:
        if not self.accepts(value, NO_DEFINITIONS):
            raise Problem(self.bound_hint(value))
        return value  # an int stays an int: the model's Constraints takes one for a float

    def bound_hint(self, value: Any) -> str:
        return f"{super().bound_hint(value)}; write a finite number{number_hint(value)}"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise check.mismatch(value, number_hint(value))
        try:
            number = float(value)
        except OverflowError:
            raise check.mismatch(value, "; it is too large for a float") from None
        if not math.isfinite(number):
            raise check.mismatch(value, "; only finite numbers are allowed")
        return number

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "number"}

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        return numeric_bounds(rules)


class Bool(Scalar):
    def __str__(self) -> str:
        return "bool"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, bool)

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        yield from (False, True) if sampler.style == "empty" else (True, False)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if isinstance(value, bool):
            return value
        raise check.mismatch(value, "; write true or false")

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "boolean"}


def numeric_bounds(rules: Rules) -> dict[str, Any]:
    """JSON Schema's keywords for the bounds of a number."""
    keywords = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
    names = dict(zip(BOUNDS, keywords, strict=True))
    return {names[key]: value for key, value in rules.given().items() if key in names}


def lengths_schema(rules: Rules, least: str, most: str) -> dict[str, Any]:
    """JSON Schema's length keywords (`minLength`, `minItems` …) for the length rules."""
    schema: dict[str, Any] = {}
    if rules.min_length is not None:
        schema[least] = rules.min_length
    if rules.max_length is not None:
        schema[most] = rules.max_length
    return schema


def _short_texts(least: int, most: int | None) -> Iterator[str]:
    """Every text of a few letters whose length fits, shortest first (finitely many)."""
    for length in range(max(least, 1), (least + 3 if most is None else min(most, least + 3)) + 1):
        for letters in itertools.product("abcdefgh", repeat=length):
            yield "".join(letters)
