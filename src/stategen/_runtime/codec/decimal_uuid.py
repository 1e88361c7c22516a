"""Converters of Decimal and UUID: imported only once a model uses one of these types.

`decimal` and `uuid` (which pulls in `platform`) cost milliseconds to import, and most states
hold neither, so `scalars.scalar` builds these converters the first time a type hint names
one of the types: by then the model that names it has imported its module anyway.
"""

import re
from collections import deque
from decimal import Decimal
from itertools import repeat
from typing import Any
from uuid import UUID, SafeUUID

from . import bulk as _bulk
from .conversion import Converter, Invalid, NoFastPath, describe

# Digits with an optional sign, fraction and exponent, as str(Decimal) writes a finite value:
# not the spaces, underscores, "+", "Infinity" or bare ".5" that Decimal() would also take.
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
# The one form str(UUID) writes, so a UUID has exactly one spelling (a set or a dict key
# cannot hold the same UUID twice under two spellings).
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: The two text forms, public: stategen checks a spec's defaults and keys against them.
DECIMAL_TEXT = _DECIMAL
UUID_TEXT = _UUID

# UUID(text) parses the text again in Python; a UUID is its two slots, set here in C.
_new = object.__new__
_SET_INT = UUID.__dict__["int"].__set__
_SET_SAFE = UUID.__dict__["is_safe"].__set__
_UNKNOWN = SafeUUID.unknown


def uuid_of(text: str) -> UUID:
    """The UUID of canonical text (8-4-4-4-12 hex digits), as `UUID(text)` makes it."""
    made: UUID = _new(UUID)
    _SET_INT(made, int(text.replace("-", ""), 16))
    _SET_SAFE(made, _UNKNOWN)
    return made


def uuids(lines: re.Pattern[str]) -> _bulk.Many:
    """UUIDs of texts that each match `lines`' pattern."""

    def convert(values: list[Any]) -> list[Any]:
        _bulk.check_texts(values, lines)
        made = list(map(_new, repeat(UUID, len(values))))
        hexes = map(str.replace, values, repeat("-"), repeat(""))
        deque(map(_SET_INT, made, map(int, hexes, repeat(16))), maxlen=0)  # runs the map
        deque(map(_SET_SAFE, made, repeat(_UNKNOWN)), maxlen=0)
        return made

    return convert


def decimals(lines: re.Pattern[str]) -> _bulk.Many:
    """Decimals of texts that each match `lines`' pattern."""

    def convert(values: list[Any]) -> list[Any]:
        _bulk.check_texts(values, lines)
        try:
            return list(map(Decimal, values))
        except ArithmeticError:  # an exponent beyond the decimal module's range
            raise _bulk.Wrong() from None

    return convert


def _decode_decimal(value: Any) -> Decimal:
    if type(value) is str and _DECIMAL.fullmatch(value):
        try:
            return Decimal(value)
        except ArithmeticError:  # an exponent beyond the decimal module's range
            pass
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise Invalid(
            f'expected a decimal as a string such as "10.50", got {describe(value)}; write it '
            "in quotes: json.loads reads a JSON number as a binary float, which loses digits"
        )
    raise Invalid(f'expected a decimal as a string such as "10.50", got {describe(value)}')


def _encode_decimal(value: Any) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    raise Invalid(f"expected a finite Decimal, got {describe(value)}")


def _decode_uuid(value: Any) -> UUID:
    if type(value) is str and _UUID.fullmatch(value):
        return uuid_of(value)
    raise Invalid("expected a UUID as lowercase hex in the form 8-4-4-4-12, got " + describe(value))


def _encode_uuid(value: Any) -> str:
    if isinstance(value, UUID):
        return str(value)
    raise Invalid(f"expected a UUID, got {describe(value)}")


CONVERTERS: dict[type, Converter] = {
    Decimal: Converter(
        NoFastPath,
        _decode_decimal,
        _encode_decimal,
        many=decimals(_bulk.lines_matching(_DECIMAL.pattern)),
    ),
    UUID: Converter(
        NoFastPath,
        _decode_uuid,
        _encode_uuid,
        many=uuids(_bulk.lines_matching(_UUID.pattern)),
    ),
}
