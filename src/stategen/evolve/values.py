"""JSON values of a schema: stored defaults, value checks, and deterministic sample data."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from .schema import DictOf, ListOf, Named, Nullable, Record, Schema, TypeExpr


class Dynamic:
    """A default computed when the state is built (`now`, `today`): no fixed stored value."""

    def __repr__(self) -> str:
        return "DYNAMIC"


DYNAMIC = Dynamic()


def stored_default(default: Mapping[str, Any], schema: Schema) -> Any:
    """The JSON value a default takes in a saved file, or DYNAMIC when it has none fixed."""
    kind = default.get("kind")
    if kind in ("literal", "copy"):
        return _copy(default.get("value"))
    if kind == "empty_list":
        return []
    if kind == "empty_dict":
        return {}
    if kind == "enum":
        enum = schema.enums.get(str(default.get("enum")))
        value = enum.value_of(str(default.get("member"))) if enum else None
        return DYNAMIC if value is None else value
    if kind == "record":
        record = schema.records.get(str(default.get("record")))
        return DYNAMIC if record is None else record_default(record, schema)
    return DYNAMIC


def record_default(record: Record, schema: Schema) -> Any:
    """A record built from its defaults, as stored; DYNAMIC if any part has no fixed value."""
    result: dict[str, Any] = {}
    for field in record.fields:
        if field.default is None:
            return DYNAMIC
        value = stored_default(field.default, schema)
        if value is DYNAMIC:
            return DYNAMIC
        result[field.name] = value
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value


def matches(expr: TypeExpr, value: Any, schema: Schema) -> bool:
    """Whether the JSON `value` is valid for `expr` in a file of `schema`."""
    if isinstance(expr, Nullable):
        return value is None or matches(expr.inner, value, schema)
    if isinstance(expr, ListOf):
        return isinstance(value, list) and all(matches(expr.item, v, schema) for v in value)
    if isinstance(expr, DictOf):
        return isinstance(value, dict) and all(
            isinstance(k, str) and matches(expr.value, v, schema) for k, v in value.items()
        )
    if expr.kind == "enum":
        return isinstance(value, str) and value in schema.enums[expr.name].values
    if expr.kind == "record":
        return record_matches(schema.records[expr.name], value, schema)
    return _scalar_matches(expr.name, value)


def record_matches(record: Record, value: Any, schema: Schema) -> bool:
    """Whether `value` is stored data of `record`: known keys, valid values, required ones set."""
    if not isinstance(value, dict) or not value.keys() <= set(record.names):
        return False
    return all(
        matches(f.type, value[f.name], schema) if f.name in value else not f.required
        for f in record.fields
    )


def _scalar_matches(name: str, value: Any) -> bool:
    if name == "str":
        return isinstance(value, str)
    if name == "bool":
        return isinstance(value, bool)
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "float":
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and math.isfinite(value)
    parse = dt.datetime.fromisoformat if name == "datetime" else dt.date.fromisoformat
    try:
        parse(value)
    except (TypeError, ValueError):
        return False
    return True


# Sample data ------------------------------------------------------------------------------

_DATETIME = "2024-05-06T07:08:09+00:00"
_DATE = "2024-05-06"


class _Counter:
    """Hands out 1, 2, 3 … so that every sample number differs from its neighbours."""

    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def sample_data(schema: Schema) -> dict[str, Any]:
    """A state of `schema` with every field set, as stored (without the version key).

    Deterministic: the same schema always gives the same data. Optional fields hold a value,
    containers one item, enums their last member, so a migration has something to carry.
    """
    return _sample_record(schema.root, schema, _Counter())


def _sample_record(record: Record, schema: Schema, counter: _Counter) -> dict[str, Any]:
    return {f.name: _sample(f.type, f.name, schema, counter) for f in record.fields}


def _sample(expr: TypeExpr, name: str, schema: Schema, counter: _Counter) -> Any:
    if isinstance(expr, Nullable):
        return _sample(expr.inner, name, schema, counter)
    if isinstance(expr, ListOf):
        return [_sample(expr.item, name, schema, counter)]
    if isinstance(expr, DictOf):
        return {f"{name}-key": _sample(expr.value, name, schema, counter)}
    return _sample_named(expr, name, schema, counter)


def _sample_named(expr: Named, name: str, schema: Schema, counter: _Counter) -> Any:
    if expr.kind == "enum":
        return schema.enums[expr.name].values[-1]
    if expr.kind == "record":
        return _sample_record(schema.records[expr.name], schema, counter)
    if expr.name == "str":
        return f"{name}-{counter.next()}"
    if expr.name == "int":
        return counter.next()
    if expr.name == "float":
        return counter.next() + 0.5
    if expr.name == "bool":
        return True
    return _DATETIME if expr.name == "datetime" else _DATE
