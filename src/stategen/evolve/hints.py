"""Hints in a conversion stub: how a stored value of one type usually becomes one of another.

A hint is a comment next to the stub's TODO, never code: the conversion is still the person's
to write (a list with repeats cannot become a set without a choice). Values are stored data,
so a decimal is text and a set a list.
"""

from __future__ import annotations

from ..schema import Constrained, DictOf, FixedTuple, ListOf, LiteralOf, Nullable, SetOf, TypeExpr
from ..schema.types import (
    Bytes,
    DecimalType,
    Duration,
    Float,
    Int,
    Str,
    TupleOf,
    Uuid,
)


def conversion_hint(old: TypeExpr, new: TypeExpr) -> str:
    """A hint for converting a stored `old` value into a `new` one, or ''."""
    old, new = _base(old), _base(new)
    if isinstance(new, SetOf) and isinstance(old, ListOf | TupleOf):
        return "A set has no repeats: e.g. list(dict.fromkeys(value))."
    if isinstance(new, FixedTuple) and isinstance(old, ListOf | TupleOf | SetOf):
        return f"Exactly {len(new.items)} items, one of each position's type."
    if isinstance(new, LiteralOf):
        return "Map each old value onto one of the Literal's values."
    if isinstance(new, DictOf) and isinstance(old, DictOf) and old.key != new.key:
        return f"Each key must be written as a {new.key} key: e.g. {_key_hint(new.key)}."
    hint = _SCALAR_HINTS.get((type(old), type(new)))
    return f"E.g. {hint}." if hint else ""


def _base(expr: TypeExpr) -> TypeExpr:
    """The type without its rules and without `| None` (None stays None anyway)."""
    if isinstance(expr, Nullable):
        return _base(expr.inner)
    if isinstance(expr, Constrained):
        return _base(expr.inner)
    return expr


def _key_hint(key: TypeExpr) -> str:
    if isinstance(_base(key), Int):
        return "{str(int(k)): v for k, v in value.items()}"
    return "{new_key(k): v for k, v in value.items()}"


_SCALAR_HINTS: dict[tuple[type[TypeExpr], type[TypeExpr]], str] = {
    (Str, Uuid): "str(uuid.UUID(value)), the lowercase 8-4-4-4-12 form",
    (Str, Int): "int(value)",
    (Str, Float): "float(value)",
    (Str, DecimalType): "str(decimal.Decimal(value)), stored as text",
    (Int, DecimalType): "str(value): a decimal is stored as text",
    (Float, DecimalType): "str(value), or repr(value) for the shortest digits",
    (DecimalType, Float): "float(value)",
    (DecimalType, Int): "int(decimal.Decimal(value)), if no fraction is lost",
    (Int, Duration): 'f"PT{value}S" for a count of seconds',
    (Float, Duration): 'f"PT{value}S" for seconds, at most six decimals',
    (Str, Bytes): 'base64.b64encode(value.encode("utf-8")).decode("ascii")',
}
