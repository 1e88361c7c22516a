"""Dict keys ⇄ the strings that JSON object keys must be, one spelling per key.

A key type is allowed only if each key has exactly one string and each string at most one
key: "01" and "1" would otherwise load as one int key, and one of their values would be
lost without a word. So only the canonical spelling loads: `str(key)` for an int, the value
for an enum or a literal, the lowercase form for a UUID, YYYY-MM-DD for a date.
"""

import json
import re
from datetime import date
from typing import Any

from . import bulk as _bulk
from .conversion import (
    INT_DIGITS,
    INT_HIGH,
    INT_LOW,
    Converter,
    Invalid,
    NoFastPath,
    describe,
    too_many_digits,
)
from .scalars import SCALARS, loaded_type, scalar

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _decode_int(text: Any) -> int:
    # int() alone would take "01", "+1", " 1" and "1_0": only its own spelling comes back.
    if type(text) is str and len(text) <= INT_DIGITS + 1:
        try:
            number = int(text)
        except ValueError:
            pass
        else:
            if str(number) == text:
                return number
    raise Invalid(
        f"expected an integer written as str(int) does (no '+', spaces or leading zeros), "
        f"got {describe(text)}"
    )


def _encode_int(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        if INT_LOW < value < INT_HIGH:
            return str(int(value))
        raise too_many_digits(value)
    raise Invalid(f"expected an integer, got {describe(value)}")


def _decode_date(text: Any) -> date:
    if type(text) is str and _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise Invalid(f"expected a date written YYYY-MM-DD, got {describe(text)}")


KEYS: dict[type, Converter] = {
    str: SCALARS[str],
    int: Converter(NoFastPath, _decode_int, _encode_int, many=_bulk.int_keys),
    date: Converter(NoFastPath, _decode_date, SCALARS[date].encode),
}


def key_converter(kind: Any) -> Converter | None:
    """The converter of the dict key type `kind`; None when no key may be of that type."""
    converter = KEYS.get(kind)
    if converter is None and loaded_type(kind, "uuid", "UUID"):
        converter = scalar(kind)  # its decoder takes the lowercase form only
        assert converter is not None  # a UUID is a scalar
        KEYS[kind] = converter
    return converter


def literal_keys(values: tuple[Any, ...]) -> Converter:
    """Keys of `Literal[...]`: a string value is its own key, an int value is str(int)."""
    if not values or any(type(value) not in (str, int) for value in values):
        raise TypeError(f"Literal dict keys must be str or int values, got {values!r}")
    by_text = {value if type(value) is str else str(value): value for value in values}
    if len(by_text) != len(values):
        raise TypeError(f"two values of {values!r} would be the same JSON key")
    text_of = {(type(value), value): text for text, value in by_text.items()}
    choices = ", ".join(json.dumps(text, ensure_ascii=False) for text in by_text)

    def decode_key(text: Any) -> Any:
        if type(text) is str and text in by_text:
            return by_text[text]
        raise Invalid(f"expected one of {choices}, got {describe(text)}")

    def encode_key(value: Any) -> str:
        if type(value) in (str, int) and (type(value), value) in text_of:
            return text_of[type(value), value]
        raise Invalid(f"expected one of {list(values)!r}, got {describe(value)}")

    return Converter(NoFastPath, decode_key, encode_key)
