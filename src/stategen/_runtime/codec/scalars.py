"""Converters of single values ⇄ their JSON form: numbers, text, bytes, dates, enums, literals.

Times and durations are here too; Decimal and UUID are in `decimal_uuid`, built on first use.
"""

import enum
import json
import math
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from . import bulk as _bulk
from .conversion import (
    INT_HIGH,
    INT_LOW,
    Converter,
    Invalid,
    NoFastPath,
    all_str,
    describe,
    too_many_digits,
)
from .durations import format_duration, parse_duration
from .timetext import DATE_FORM, DATETIME_FORM, TIME_FORM


def _as_str(value: Any) -> str:
    if isinstance(value, str):
        return str.__str__(value)  # a str subclass (e.g. an enum member) as its plain text
    raise Invalid(f"expected a string, got {describe(value)}")


def _known_str(value: Any) -> str:
    return value if type(value) is str else _as_str(value)


def _as_int(value: Any) -> int:
    if type(value) is int and INT_LOW < value < INT_HIGH:
        return value  # the common case first
    # bool is an int subclass and float is not an int: both are type errors here.
    if isinstance(value, int) and not isinstance(value, bool):
        if INT_LOW < value < INT_HIGH:
            return int(value)
        raise too_many_digits(value)
    raise Invalid(f"expected an integer, got {describe(value)}")


def _as_float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise Invalid(f"integer too large for a float: {describe(value)}") from None
        if math.isfinite(number):
            return number
        raise Invalid(f"expected a finite number, got {number}")
    raise Invalid(f"expected a number, got {describe(value)}")


def _as_bool(value: Any) -> bool:
    raise Invalid(f"expected a boolean, got {describe(value)}")


def _decode_bytes(value: Any) -> bytes:
    import base64  # here, as in `_encode_bytes`: only a model with bytes fields needs it

    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:  # binascii.Error, or text that is not ASCII
            pass
    raise Invalid(f"expected base64 text (RFC 4648, with padding), got {describe(value)}")


def _encode_bytes(value: Any) -> str:
    import base64

    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise Invalid(f"expected bytes, got {describe(value)}")


def _decode_duration(value: Any) -> timedelta:
    if isinstance(value, str):
        try:
            duration = parse_duration(value)
        except OverflowError:
            raise Invalid(f"duration out of range: {describe(value)}") from None
        if duration is not None:
            return duration
    raise Invalid(
        'expected an ISO 8601 duration in days, hours, minutes and seconds such as "PT30S" '
        f'or "P1DT2H", got {describe(value)}'
    )


def _encode_duration(value: Any) -> str:
    if isinstance(value, timedelta):
        return format_duration(value)
    raise Invalid(f"expected a timedelta, got {describe(value)}")


def _parse_iso(
    parse: Callable[[str], Any], form: re.Pattern[str], expected: str
) -> Callable[[Any], Any]:
    # `form` first: fromisoformat also reads forms the JSON Schema refuses ("20250301", "0730").
    def decode_iso(value: Any) -> Any:
        if isinstance(value, str) and form.fullmatch(value):
            try:
                return parse(value)
            except ValueError:  # a day or an offset beyond its range
                pass
        raise Invalid(f"expected {expected}, got {describe(value)}")

    return decode_iso


def _encode_iso(cls: type[date] | type[time]) -> Callable[[Any], str]:
    # datetime subclasses date: a datetime in a date field is an error, not a silent cast.
    # Other subclasses (e.g. freezegun's fakes in tests) are fine.
    wrong = datetime if cls is date else ()

    def encode_iso(value: Any) -> str:
        if isinstance(value, cls) and not isinstance(value, wrong):
            return value.isoformat()
        raise Invalid(f"expected a {cls.__name__}, got {describe(value)}")

    return encode_iso


# A naive datetime means a different moment on each machine, and Python refuses to compare
# it with an aware one: mixing them breaks the user's code later, far from the cause.
_NAIVE = "a naive datetime (without a UTC offset) is not allowed"


def _decode_datetime(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            # fromisoformat gives a fixed-offset timezone or none; utcoffset() costs more.
            if result.tzinfo is None:
                raise Invalid(
                    f"{_NAIVE}, got {describe(value)}; "
                    "add the offset it was written in (+00:00 for UTC)"
                )
            if DATETIME_FORM.fullmatch(value):  # not the other forms fromisoformat reads
                return result
    raise Invalid(
        "expected an ISO 8601 date-time string in RFC 3339 form, such as "
        '"2024-05-06T07:08:09+00:00" (a "T", seconds, and "Z" or the UTC offset), '
        f"got {describe(value)}"
    )


def _encode_datetime(value: Any) -> str:
    if isinstance(value, datetime):
        zone = value.tzinfo
        if zone is not None and (type(zone) is timezone or zone.utcoffset(value) is not None):
            return value.isoformat()
        raise Invalid(
            f"{_NAIVE}, got {value.isoformat()}; use an aware one, e.g. datetime.now(UTC) "
            "or value.replace(tzinfo=UTC)"
        )
    raise Invalid(f"expected a datetime, got {describe(value)}")


SCALARS: dict[type, Converter] = {
    str: Converter(str, _as_str, _as_str, all_str, trusted=_known_str, plain=True),
    # Every int is range-checked, so no int passes unconverted (but a list of them may).
    int: Converter(NoFastPath, _as_int, _as_int, _bulk.all_ints),
    float: Converter(NoFastPath, _as_float, _as_float, _bulk.all_finite_floats),
    bool: Converter(bool, _as_bool, _as_bool),
    bytes: Converter(NoFastPath, _decode_bytes, _encode_bytes),
    timedelta: Converter(NoFastPath, _decode_duration, _encode_duration),
    datetime: Converter(NoFastPath, _decode_datetime, _encode_datetime, many=_bulk.aware_datetimes),
    date: Converter(
        NoFastPath,
        _parse_iso(
            date.fromisoformat,
            DATE_FORM,
            'an ISO 8601 date string written YYYY-MM-DD, such as "2024-05-06"',
        ),
        _encode_iso(date),
    ),
    time: Converter(
        NoFastPath,
        _parse_iso(time.fromisoformat, TIME_FORM, 'an ISO 8601 time string such as "07:30:00"'),
        _encode_iso(time),
    ),
}


#: Scalar types whose converters are in `decimal_uuid`, by module and name.
_LATER = (("decimal", "Decimal"), ("uuid", "UUID"))


def loaded_type(kind: object, module: str, name: str) -> bool:
    """Whether `kind` is the class `module.name`, without importing `module`: a hint that
    names the class was evaluated, so its module is imported already if it is that class."""
    found = sys.modules.get(module)
    return found is not None and kind is getattr(found, name, None)


def scalar(kind: Any) -> Converter | None:
    """The converter of the scalar type `kind`; None when `kind` is not one."""
    converter = SCALARS.get(kind)
    if converter is None and any(loaded_type(kind, *later) for later in _LATER):
        from .decimal_uuid import CONVERTERS

        SCALARS.update(CONVERTERS)
        converter = SCALARS.get(kind)
    return converter


def enum_converter(cls: type[enum.StrEnum]) -> Converter:
    """A StrEnum stored as its member's value."""
    by_value = {member.value: member for member in cls}
    choices = ", ".join(json.dumps(value, ensure_ascii=False) for value in by_value)

    def decode_enum(value: Any) -> Any:
        if type(value) is str and value in by_value:
            return by_value[value]
        raise Invalid(f"expected one of {choices}, got {describe(value)}")

    def encode_enum(value: Any) -> Any:
        if type(value) is cls:
            return value.value
        raise Invalid(f"expected a {cls.__name__} member, got {describe(value)}")

    return Converter(NoFastPath, decode_enum, encode_enum, many=_bulk.members(by_value))


def literal_converter(values: tuple[Any, ...]) -> Converter:
    """`Literal[...]` of strings, integers and booleans, stored as the value itself."""
    if not values or any(type(value) not in (str, int, bool) for value in values):
        raise TypeError(f"Literal values must be str, int or bool, got {values!r}")
    # Keyed by type too: 1 == True in Python, but they are different JSON values.
    allowed = frozenset((type(value), value) for value in values)
    choices = ", ".join(json.dumps(value, ensure_ascii=False) for value in values)

    def check_literal(value: Any) -> Any:
        if type(value) in (str, int, bool) and (type(value), value) in allowed:
            return value
        raise Invalid(f"expected one of {choices}, got {describe(value)}")

    return Converter(NoFastPath, check_literal, check_literal)
