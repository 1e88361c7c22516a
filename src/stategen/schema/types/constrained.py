"""`Constrained`: a type whose values must also keep `Rules` (`Annotated[int, Constraints(...)]`).

`constrain` is the one way to make one: it refuses a rule on a type it does not apply to, a
bound that is not a value of the type, a negative length, an empty range and a pattern that
does not compile or that JSON Schema would read otherwise.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ... import serializer
from ..patterns import Pattern
from ..problem import Problem, describe_value, show
from ..rules import BOUNDS, KEYS, LENGTHS, SIGNS, Rules
from .base import DefaultCheck, Definitions, FactoryCode, Import, Sampler, TypeExpr
from .ordered import Ordered

#: Where each kind of rule applies, for the message when it is put elsewhere.
_WHERE = {
    **dict.fromkeys(
        BOUNDS, "ge, gt, le and lt apply to int, float, decimal, date, datetime and timedelta"
    ),
    **dict.fromkeys(
        LENGTHS, "min_length and max_length apply to str, bytes, list, set, tuple and dict"
    ),
    "pattern": "pattern applies to str",
}
#: For each bound, the comparison a value must pass.
_KEEPS: dict[str, Callable[[Any, Any], bool]] = {
    "ge": operator.ge,
    "gt": operator.gt,
    "le": operator.le,
    "lt": operator.lt,
}


def constrain(inner: TypeExpr, given: dict[str, Any]) -> TypeExpr:
    """`inner` with the rules `given` (spec keys to spec values); `inner` itself if none.

    Raises Problem naming the rule that cannot be.
    """
    if not given:
        return inner
    for key in given:
        if key not in inner.applicable:
            raise Problem(f"{key} does not apply to {inner}: {_WHERE[key]}")
    values: dict[str, Any] = {}
    for key in KEYS:
        if key not in given:
            continue
        value = given[key]
        if key in BOUNDS:
            assert isinstance(inner, Ordered)
            try:
                values[key] = inner.bound(value)
            except Problem as problem:
                raise Problem(f"{key}: {problem}") from None
        elif key in LENGTHS:
            values[key] = _length(key, value)
        else:
            values[key] = _pattern(value)
    rules = Rules.of(values)
    _check_range(inner, rules)
    return Constrained(inner, rules)


def _length(key: str, value: Any) -> int:
    if type(value) is not int or value < 0:
        raise Problem(f"{key} is a whole number of 0 or more, got {describe_value(value)}")
    return value


def _pattern(value: Any) -> str:
    if not isinstance(value, str):
        raise Problem(f"pattern is a regular expression in quotes, got {describe_value(value)}")
    return Pattern.parse(value).text


def _check_range(inner: TypeExpr, rules: Rules) -> None:
    least, most = rules.min_length, rules.max_length
    if least is not None and most is not None and least > most:
        raise Problem(
            f"min_length: {least} and max_length: {most} leave no length; "
            "make min_length the smaller"
        )
    if not isinstance(inner, Ordered):
        return
    for low in ("ge", "gt"):
        for high in ("le", "lt"):
            floor, ceiling = getattr(rules, low), getattr(rules, high)
            if floor is None or ceiling is None:
                continue
            bottom, top = inner.order(floor), inner.order(ceiling)
            if bottom > top or (bottom == top and (low, high) != ("ge", "le")):
                raise Problem(
                    f"{low}: {show(floor)} and {high}: {show(ceiling)} leave no value; "
                    f"the {low} bound must be below the {high} bound"
                )


@dataclass(frozen=True)
class Constrained(TypeExpr):
    """`inner`, whose values must also keep `rules`."""

    inner: TypeExpr
    rules: Rules

    def __str__(self) -> str:
        return str(self.inner)  # the rules are keys of their own in the spec

    def annotation(self) -> serializer.Node:
        return serializer.subscript("Annotated", self.inner.annotation(), self.rules.marker())

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.inner,)

    def imports(self) -> Iterator[Import]:
        yield ("typing", "Annotated")
        yield ("._runtime.codec", "Constraints")
        yield from self.inner.imports()

    def violation(self, value: Any) -> str | None:
        """The rule a valid stored value of `inner` breaks (`le=10`), or None."""
        for key, bound in self.rules.given().items():
            if key in BOUNDS:
                assert isinstance(self.inner, Ordered)
                if not _KEEPS[key](self.inner.order(value), self.inner.order(bound)):
                    return f"{key}={show(bound)} (value {SIGNS[key]} {show(bound)})"
            elif key == "min_length" and self.inner.size(value) < bound:
                return f"min_length={bound}"
            elif key == "max_length" and self.inner.size(value) > bound:
                return f"max_length={bound}"
            elif key == "pattern" and not Pattern.parse(bound).matches(value):
                return f"pattern={show(bound)} (the whole text must match)"
        return None

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return self.inner.accepts(value, definitions) and self.violation(value) is None

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        for value in self.inner.candidates(name, sampler, self.rules):
            if self.violation(value) is None:
                yield value

    def sample(self, name: str, sampler: Sampler) -> Any:
        for value in self.candidates(name, sampler, self.rules):
            return value
        raise Problem(f"no {self.inner} value keeps every rule here ({self.rules})")

    def default(self, value: Any, check: DefaultCheck) -> Any:
        stored = self.inner.default(value, check)
        broken = self.violation(stored)
        if broken is not None:
            raise Problem(f"the default {show(value)} breaks the rule {broken}")
        return stored

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        return self.inner.python(value, definitions)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        return self.inner.value_imports(value, definitions)

    def fresh(self, value: Any) -> bool:
        return self.inner.fresh(value)

    def factory(self) -> FactoryCode | None:
        return self.inner.factory()

    def key_of(self, text: str) -> Any:
        return self.inner.key_of(text)

    def key_text(self, value: Any) -> str:
        return self.inner.key_text(value)

    def key_schema(self) -> dict[str, Any]:
        return {**self.inner.key_schema(), **self.inner.rules_schema(self.rules)}

    def set_order(self, value: Any, definitions: Definitions) -> Any:
        return self.inner.set_order(value, definitions)

    def admits(self, narrower: TypeExpr) -> bool:
        if isinstance(narrower, Constrained):
            return narrower.inner.widens_to(self.inner) and implied(
                self.inner, self.rules, narrower.rules
            )
        values = getattr(narrower, "values", None)  # a Literal whose every value keeps the rules
        return (
            values is not None
            and narrower.widens_to(self.inner)
            and all(self.violation(value) is None for value in values)
        )

    def _widens_to(self, other: TypeExpr) -> bool:
        return self.inner.widens_to(other)  # rules only narrow what is stored

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {**self.inner.json_schema(definitions), **self.inner.rules_schema(self.rules)}


def implied(expr: TypeExpr, wider: Rules, narrower: Rules) -> bool:
    """Whether every value of `expr` that keeps `narrower` also keeps `wider`.

    Each rule of `wider` must follow from one of `narrower`; a pattern only from the same
    pattern (two regular expressions cannot be compared in general).
    """
    for key, value in wider.given().items():
        if key in BOUNDS:
            assert isinstance(expr, Ordered)
            limit = expr.order(value)
            side = ("ge", "gt") if key in ("ge", "gt") else ("le", "lt")
            if not any(_within(expr, key, limit, own, getattr(narrower, own)) for own in side):
                return False
        elif key == "min_length":
            if narrower.min_length is None or narrower.min_length < value:
                return False
        elif key == "max_length":
            if narrower.max_length is None or narrower.max_length > value:
                return False
        elif narrower.pattern != value:
            return False
    return True


def _within(expr: Ordered, key: str, limit: Any, own: str, bound: Any) -> bool:
    """Whether the bound `own: bound` keeps every value inside `key: limit`."""
    if bound is None:
        return False
    mine = expr.order(bound)
    if key in ("ge", "gt"):
        return mine > limit or (mine == limit and (key == "ge" or own == "gt"))
    return mine < limit or (mine == limit and (key == "le" or own == "lt"))
