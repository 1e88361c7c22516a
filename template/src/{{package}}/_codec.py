"""Dataclass ⇄ JSON-ready dict, driven by the type hints, validating every value both ways.

Each class gets its converters compiled once from `typing.get_type_hints` and cached, so a
load costs one dict lookup per field plus the checks; lists and dicts of strings are checked
at C speed. Unknown keys are rejected: dropping them would silently erase data (a typo in a
hand edit, or fields added by other code) at the next save.
"""

import dataclasses
import enum
import json
import math
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from .errors import StateValidationError

T = TypeVar("T")
Convert = Callable[[Any], Any]


class _NoFastPath:
    """A type no value has, for converters that must always run."""


class _Invalid(Exception):
    """A value failed its check; `parts` collects the field path innermost first."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.parts: list[str] = []

    def at(self, part: str) -> "_Invalid":
        self.parts.append(part)
        return self

    @property
    def field(self) -> str:
        path = ""
        for part in reversed(self.parts):
            path += part if part.startswith("[") or not path else "." + part
        return path


class _Converter(NamedTuple):
    """How one annotation is checked: values of type `exact` pass as they are."""

    exact: type
    decode: Convert
    encode: Convert


def encode(obj: object) -> dict[str, Any]:
    """`obj` (a dataclass instance) as JSON-ready data; raises StateValidationError."""
    try:
        result: dict[str, Any] = _record(type(obj)).encode(obj)
    except _Invalid as error:
        raise StateValidationError(error.field, error.reason) from None
    return result


def decode(cls: type[T], data: Mapping[str, Any]) -> T:
    """A `cls` built from JSON data, every value checked; raises StateValidationError."""
    if isinstance(data, Mapping) and not isinstance(data, dict):
        data = dict(data)
    try:
        result: T = _record(cls).decode(data)
    except _Invalid as error:
        raise StateValidationError(error.field, error.reason) from None
    return result


def _describe(value: object) -> str:
    try:
        text = json.dumps(value, default=repr, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{_kind(value)} {text}"


def _kind(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names.update({list: "array", dict: "object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


_compiled: dict[type, _Converter] = {}


def _record(cls: type) -> _Converter:
    """The converters of a dataclass, compiled on first use."""
    converter = _compiled.get(cls)
    if converter is None:
        converter = _compiled[cls] = _compile_record(cls)
    return converter


def _compile_record(cls: type) -> _Converter:
    # Nested records are compiled first, and once; records form a tree, never a cycle.
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = typing.get_type_hints(cls)
    plan: list[tuple[str, type, Convert, Convert, bool]] = []
    for spec in dataclasses.fields(cls):
        if not spec.init:
            continue
        converter = _converter(hints[spec.name])
        required = (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        )
        plan.append((spec.name, converter.exact, converter.decode, converter.encode, required))
    known = frozenset(name for name, *_ in plan)
    missing = object()

    def decode_record(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _Invalid(f"expected an object, got {_describe(data)}")
        if not data.keys() <= known:
            unknown = min(str(key) for key in data if key not in known)
            raise _Invalid("unknown field: this schema has no such key").at(unknown)
        kwargs = {}
        for name, exact, decode_value, _, required in plan:
            value = data.get(name, missing)
            if value is missing:
                if required:
                    raise _Invalid("required field is missing").at(name)
                continue
            if type(value) is not exact:
                try:
                    value = decode_value(value)
                except _Invalid as error:
                    raise error.at(name) from None
            kwargs[name] = value
        return cls(**kwargs)

    def encode_record(obj: Any) -> Any:
        if type(obj) is not cls:
            raise _Invalid(f"expected {cls.__name__}, got {_describe(obj)}")
        data = {}
        for name, exact, _, encode_value, _ in plan:
            value = getattr(obj, name)
            if type(value) is not exact:
                try:
                    value = encode_value(value)
                except _Invalid as error:
                    raise error.at(name) from None
            data[name] = value
        return data

    return _Converter(_NoFastPath, decode_record, encode_record)


def _converter(annotation: Any) -> _Converter:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        return _optional(_converter(next(arg for arg in args if arg is not type(None))))
    if origin is list and len(args) == 1:
        return _list(_converter(args[0]))
    if origin is dict and len(args) == 2 and args[0] is str:
        return _dict(_converter(args[1]))
    if origin is None and isinstance(annotation, type):
        if annotation in _SCALARS:
            return _SCALARS[annotation]
        if issubclass(annotation, enum.StrEnum):
            return _enum(annotation)
        if dataclasses.is_dataclass(annotation):
            return _record(annotation)
    raise TypeError(f"unsupported field type {annotation!r}")


def _optional(inner: _Converter) -> _Converter:
    def decode_optional(value: Any) -> Any:
        return None if value is None else inner.decode(value)

    def encode_optional(value: Any) -> Any:
        return None if value is None else inner.encode(value)

    return _Converter(inner.exact, decode_optional, encode_optional)


def _all_str(values: Any) -> bool:
    # str.join type-checks every item in C, far faster than a Python-level loop.
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def _list(item: _Converter) -> _Converter:
    exact = item.exact

    def convert(value: Any, convert_item: Convert) -> list[Any]:
        if not isinstance(value, list):
            raise _Invalid(f"expected an array, got {_describe(value)}")
        if exact is str and _all_str(value):
            return list(value)
        try:
            return [x if type(x) is exact else convert_item(x) for x in value]
        except _Invalid:
            pass
        # Rare error path: convert again one by one to find the failing index.
        for index, x in enumerate(value):
            try:
                if type(x) is not exact:
                    convert_item(x)
            except _Invalid as error:
                raise error.at(f"[{index}]") from None
        raise AssertionError("unreachable")  # pragma: no cover

    return _Converter(
        _NoFastPath,
        lambda value: convert(value, item.decode),
        lambda value: convert(value, item.encode),
    )


def _dict(item: _Converter) -> _Converter:
    exact = item.exact

    def convert(value: Any, convert_item: Convert) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Invalid(f"expected an object, got {_describe(value)}")
        if not _all_str(value):
            key = next(key for key in value if not isinstance(key, str))
            raise _Invalid(f"keys must be strings, got {_describe(key)}")
        if exact is str and _all_str(value.values()):
            return dict(value)
        try:
            return {k: x if type(x) is exact else convert_item(x) for k, x in value.items()}
        except _Invalid:
            pass
        for key, x in value.items():
            try:
                if type(x) is not exact:
                    convert_item(x)
            except _Invalid as error:
                raise error.at(f"[{json.dumps(key, ensure_ascii=False)}]") from None
        raise AssertionError("unreachable")  # pragma: no cover

    return _Converter(
        _NoFastPath,
        lambda value: convert(value, item.decode),
        lambda value: convert(value, item.encode),
    )


def _enum(cls: type[enum.StrEnum]) -> _Converter:
    by_value = {member.value: member for member in cls}
    choices = ", ".join(json.dumps(value, ensure_ascii=False) for value in by_value)

    def decode_enum(value: Any) -> Any:
        if type(value) is str and value in by_value:
            return by_value[value]
        raise _Invalid(f"expected one of {choices}, got {_describe(value)}")

    def encode_enum(value: Any) -> Any:
        if type(value) is cls:
            return value.value
        raise _Invalid(f"expected a {cls.__name__} member, got {_describe(value)}")

    return _Converter(_NoFastPath, decode_enum, encode_enum)


def _as_str(value: Any) -> str:
    if isinstance(value, str):
        return str.__str__(value)  # a str subclass (e.g. an enum member) as its plain text
    raise _Invalid(f"expected a string, got {_describe(value)}")


def _as_int(value: Any) -> int:
    # bool is an int subclass and float is not an int: both are type errors here.
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise _Invalid(f"expected an integer, got {_describe(value)}")


def _as_float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise _Invalid(f"integer too large for a float: {_describe(value)}") from None
        if math.isfinite(number):
            return number
        raise _Invalid(f"expected a finite number, got {number}")
    raise _Invalid(f"expected a number, got {_describe(value)}")


def _as_bool(value: Any) -> bool:
    raise _Invalid(f"expected a boolean, got {_describe(value)}")


def _parse_iso(parse: Callable[[str], Any], expected: str) -> Convert:
    def decode_iso(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse(value)
            except ValueError:
                pass
        raise _Invalid(f"expected {expected}, got {_describe(value)}")

    return decode_iso


def _iso(cls: type[date]) -> Convert:
    # datetime subclasses date: a datetime in a date field is an error, not a silent cast.
    # Other subclasses (e.g. freezegun's fakes in tests) are fine.
    expected = "a datetime" if cls is datetime else "a date"
    wrong = () if cls is datetime else datetime

    def encode_iso(value: Any) -> str:
        if isinstance(value, cls) and not isinstance(value, wrong):
            return value.isoformat()
        raise _Invalid(f"expected {expected}, got {_describe(value)}")

    return encode_iso


_SCALARS: dict[type, _Converter] = {
    str: _Converter(str, _as_str, _as_str),
    int: _Converter(int, _as_int, _as_int),
    float: _Converter(_NoFastPath, _as_float, _as_float),
    bool: _Converter(bool, _as_bool, _as_bool),
    datetime: _Converter(
        _NoFastPath,
        _parse_iso(datetime.fromisoformat, "an ISO 8601 date-time string"),
        _iso(datetime),
    ),
    date: _Converter(
        _NoFastPath, _parse_iso(date.fromisoformat, "an ISO 8601 date string"), _iso(date)
    ),
}
