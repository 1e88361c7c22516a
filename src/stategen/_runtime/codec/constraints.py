"""`Constraints`, the marker of bounds, lengths and a pattern on a type, and its compiled check.

The marker goes on a field's type (`Annotated[int, Constraints(ge=0)]`); the codec compiles
the check from it once, when the class is first converted.
"""

import operator
import re
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from .conversion import Check, Converter, Invalid, describe
from .scalars import loaded_type, scalar

if TYPE_CHECKING:
    from decimal import Decimal

    Bound: TypeAlias = int | float | str | Decimal | date | timedelta
else:  # the same, but without importing decimal to say so
    Bound = int | float | str | date | timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraints:
    """Rules a value must keep, beyond its type; every rule given must hold.

    - `ge`, `gt`, `le`, `lt` (>=, >, <=, <): for int, float, Decimal, date, datetime and
      timedelta. A bound is a value of the field's type or its JSON form: `ge=0`,
      `ge="0.01"` (Decimal), `ge="2024-01-01"` (date), `gt="PT0S"` (timedelta).
    - `min_length`, `max_length`: characters of a str, bytes of a bytes, items of a list,
      tuple, set or dict.
    - `pattern`: a regular expression (Python's `re`) that the whole str must match
      (`re.fullmatch`), so `^` and `$` are not needed.
    """

    ge: Bound | None = None
    gt: Bound | None = None
    le: Bound | None = None
    lt: Bound | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None


ORDERED = (int, float, date, datetime, timedelta)  # and Decimal: see `ordered`
SIZED = (str, bytes, list, tuple, set, dict)
_UNITS: dict[type, str] = {str: "character", bytes: "byte"}
_COMPARE = {
    "ge": (operator.lt, ">="),
    "gt": (operator.le, ">"),
    "le": (operator.gt, "<="),
    "lt": (operator.ge, "<"),
}


def ordered(kind: Any) -> bool:
    """Whether values of `kind` compare with `<` and so may have bounds."""
    return kind in ORDERED or loaded_type(kind, "decimal", "Decimal")


def compile_check(kind: type, rules: Constraints) -> Check:
    """One function that raises Invalid when a value of type `kind` breaks a rule.

    Bounds are read from their JSON form with the kind's own converter, which also shows
    values in that form in messages. A rule that cannot apply to `kind`, a bound that is
    not of its type, an empty range and a pattern that does not compile raise TypeError
    here, when the class is compiled, not when a value is checked.
    """
    given = {spec.name for spec in fields(rules) if getattr(rules, spec.name) is not None}
    applicable = set()
    if ordered(kind):
        applicable |= set(_COMPARE)
    if kind in SIZED:
        applicable |= {"min_length", "max_length"}
    if kind is str:
        applicable.add("pattern")
    if given - applicable:
        wrong = ", ".join(sorted(given - applicable))
        raise TypeError(f"{wrong} cannot apply to {kind.__name__}")
    tests: list[Check] = []
    if given & set(_COMPARE):
        converter = scalar(kind)
        assert converter is not None  # every ordered kind is a scalar
        tests += _bound_tests(kind, rules, converter)
    if "min_length" in given or "max_length" in given:
        tests += _length_tests(kind, rules.min_length, rules.max_length)
    if rules.pattern is not None:
        tests.append(_pattern_test(rules.pattern))

    def check(value: Any) -> None:
        for test in tests:
            test(value)

    return tests[0] if len(tests) == 1 else check


def _bound_tests(kind: type, rules: Constraints, scalar: Converter) -> list[Check]:
    def show(value: Any) -> str:
        shown = scalar.encode(value)
        return shown if isinstance(shown, str) else repr(shown)

    bounds = {}
    for name in _COMPARE:
        bound = getattr(rules, name)
        if bound is not None:
            bounds[name] = _bound(kind, name, bound, scalar)
    for low in ("ge", "gt"):
        for high in ("le", "lt"):
            if low in bounds and high in bounds:
                floor, ceiling = bounds[low], bounds[high]
                if floor > ceiling or (floor == ceiling and (low, high) != ("ge", "le")):
                    raise TypeError(
                        f"{low}={show(floor)} and {high}={show(ceiling)} leave no value: "
                        "the range is empty"
                    )

    def test(name: str, bound: Any) -> Check:
        fails, sign = _COMPARE[name]
        rule = f"must be {sign} {show(bound)}"

        def compare(value: Any) -> None:
            if fails(value, bound):
                raise Invalid(f"{rule}, got {show(value)}")

        return compare

    return [test(name, bound) for name, bound in bounds.items()]


def _bound(kind: type, name: str, bound: Any, scalar: Converter) -> Any:
    """`bound` as a value of `kind`: given as one, or in its JSON form."""
    try:
        if type(bound) is kind:
            value = bound
        elif type(bound) is int and loaded_type(kind, "decimal", "Decimal"):
            value = kind(bound)
        else:
            value = scalar.decode(bound)
        scalar.encode(value)  # refuses what no value may be: NaN, a naive datetime …
    except Invalid as error:
        raise TypeError(
            f"{name}={bound!r} is not of type {kind.__name__}: {error.reason}"
        ) from None
    return value


def _length_tests(kind: type, least: int | None, most: int | None) -> list[Check]:
    for limit in (least, most):
        if limit is not None and (type(limit) is not int or limit < 0):
            raise TypeError(f"a length limit must be an int >= 0, got {limit!r}")
    if least is not None and most is not None and least > most:
        raise TypeError(f"min_length={least} is above max_length={most}: the range is empty")
    unit = _UNITS.get(kind, "item")

    def count(number: int) -> str:
        return f"{number} {unit}{'' if number == 1 else 's'}"

    tests: list[Check] = []
    if least is not None:

        def long_enough(value: Any) -> None:
            if len(value) < least:
                raise Invalid(f"must have at least {count(least)}, got {len(value)}")

        tests.append(long_enough)
    if most is not None:

        def short_enough(value: Any) -> None:
            if len(value) > most:
                raise Invalid(f"must have at most {count(most)}, got {len(value)}")

        tests.append(short_enough)
    return tests


def _pattern_test(pattern: str) -> Check:
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise TypeError(f"pattern {pattern!r} does not compile: {error}") from None
    rule = f"must match the pattern {pattern!r} (the whole text)"

    def matches(value: Any) -> None:
        if compiled.fullmatch(value) is None:
            raise Invalid(f"{rule}, got {describe(value)}")

    return matches
