"""Field defaults as typed values: a fixed value (as stored), or a factory run per new state."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Record, Schema


@dataclass(frozen=True)
class Value:
    """A fixed default, held as the JSON data a state file stores for it.

    Lists and dicts are never handed out: `stored()` gives a deep copy.
    """

    value: Any = field(hash=False)

    def stored(self) -> Any:
        return copy.deepcopy(self.value)


@dataclass(frozen=True)
class Factory:
    """A default built for each new state: `now`, `today`, or a record type by name."""

    name: str


Default = Value | Factory


class Dynamic:
    """The stored value of a default computed when a state is built: none is fixed."""

    def __repr__(self) -> str:
        return "DYNAMIC"


DYNAMIC = Dynamic()


def stored_default(default: Default, schema: Schema) -> Any:
    """The JSON value a default takes in a saved file, or DYNAMIC when none is fixed."""
    if isinstance(default, Value):
        return default.stored()
    if default.name in schema.records:
        return record_default(schema.records[default.name], schema)
    return DYNAMIC


def record_default(record: Record, schema: Schema) -> Any:
    """A record built from its defaults, as stored; DYNAMIC if any part has no fixed value."""
    result: dict[str, Any] = {}
    for item in record.fields:
        if item.default is None:
            return DYNAMIC
        value = stored_default(item.default, schema)
        if value is DYNAMIC:
            return DYNAMIC
        result[item.key] = value
    return result
