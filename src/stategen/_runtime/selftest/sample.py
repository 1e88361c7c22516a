"""A value of a package's state type, built from its type hints, for `selftest` to save."""

import dataclasses
import enum
import types
import typing
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

#: Values for the scalar types a spec may name; any other type is called without arguments.
_SCALARS: dict[type, Any] = {
    bool: False,
    str: "selftest",
    datetime: datetime(2000, 1, 1, tzinfo=UTC),
    date: date(2000, 1, 1),
    time: time(0, 0),
    timedelta: timedelta(0),
    Decimal: Decimal(0),
    UUID: UUID(int=0),
    bytes: b"",
}


class NoSample(Exception):
    """No value of the type could be built: the message names the field and the type."""


def sample(state_type: type[Any]) -> Any:
    """An instance of the dataclass `state_type`: each field its default, else the plainest
    value of its type (empty containers, the first member of an enum, None where allowed).

    It may still break a constraint (a minimum length, a pattern): the save then says so.
    """
    return _record(state_type, state_type.__name__)


def _record(cls: type[Any], where: str) -> Any:
    hints = typing.get_type_hints(cls, include_extras=True)
    values = {}
    for field in dataclasses.fields(cls):
        has_default = field.default is not dataclasses.MISSING
        if field.init and not has_default and field.default_factory is dataclasses.MISSING:
            values[field.name] = _value(hints[field.name], f"{where}.{field.name}")
    return cls(**values)


def _value(annotation: Any, where: str) -> Any:
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _value(arguments[0], where)
    if origin is typing.Literal:
        return arguments[0]
    if origin in (typing.Union, types.UnionType):
        if type(None) in arguments:
            return None  # also a JSON field, whose union includes None
        return _value(arguments[0], where)
    if origin is tuple and arguments and arguments[-1] is not Ellipsis:
        return tuple(_value(item, where) for item in arguments)
    if origin in (list, tuple, set, frozenset, dict):
        return origin()
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type):
        if dataclasses.is_dataclass(annotation):
            return _record(annotation, where)
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation))
        try:
            return annotation()
        except Exception:  # a type that needs arguments: nothing plain to build
            pass
    raise NoSample(f"no plain value of {annotation!r} for {where}")
