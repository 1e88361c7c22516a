"""Reading a field's `default:` or `default_factory:` into a typed default."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from .defaults import Default, Factory, Value
from .model import Enum, Record
from .problem import Problem, show
from .types import DefaultCheck, TypeExpr

#: The built-in factories and what each builds.
_BUILT_IN = {
    "now": "a datetime",
    "today": "a date",
    "uuid4": "a random UUID",
    "list": "a list",
    "dict": "a dict",
    "set": "a set",
}


def from_value(
    expr: TypeExpr,
    value: Any,
    enums: Mapping[str, Enum],
    records: Mapping[str, Record] | None = None,
) -> Default:
    """The default for `default: value` on a field of type `expr`. Raises `Problem`.

    `enums` holds the spec's enums by name (a default of an enum type names a member's
    value); `records` the records read so far (a record value of one not among them is
    checked for its shape only).
    """
    if value is None and not expr.allows_null():
        raise Problem(
            f"null is only allowed for an optional type; write '{expr} | None', "
            "or leave out default to make the field required"
        )
    return Value(expr.default(value, DefaultCheck(expr, enums, records or {})))


def from_factory(expr: TypeExpr, factory: Any, records: Mapping[str, str | None]) -> Default:
    """The default for `default_factory: factory` on a field of type `expr`.

    `records` maps each record name to one of its fields that has no default, or None when
    the record can be built without arguments. Raises `Problem`.
    """
    if not isinstance(factory, str):
        raise Problem(
            f"default_factory names a factory ({_factories(records)}), got {show(factory)}"
        )
    made_by = expr.factory()
    expected = made_by.name if made_by else None
    if factory not in (*_BUILT_IN, *records):
        close = difflib.get_close_matches(factory, [*_BUILT_IN, *records], n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise Problem(f"unknown default_factory {show(factory)}; {hint}use {_factories(records)}")
    if factory != expected:
        what = _BUILT_IN.get(factory, f"a {factory}")
        instead = (
            f"use default_factory: {expected}"
            if expected
            else "use default: <value> for a fixed value"
        )
        raise Problem(f"default_factory {factory} makes {what}, but the type is {expr}; {instead}")
    if records.get(factory) is not None:
        raise Problem(
            f"default_factory {factory} needs every {factory} field to have a default, but "
            f"{records[factory]!r} has none; give it one, or drop default_factory"
        )
    if factory in ("list", "dict", "set"):  # an empty container is a fixed value: [] or {}
        return Value({} if factory == "dict" else [])
    return Factory(factory)


def _factories(records: Mapping[str, str | None]) -> str:
    builtin = "now (datetime), today (date), uuid4 (uuid), list, dict or set"
    return f"{builtin}, or a record type ({', '.join(records)})" if records else builtin
