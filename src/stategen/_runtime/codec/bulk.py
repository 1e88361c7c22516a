"""Whole lists of JSON values converted at C speed: the fast paths of a load.

Each function takes a list of JSON values and returns the list of converted values, or
raises Invalid when any value is wrong: the caller then converts one by one, which names the
wrong value. The checks run once over the whole list (`set(map(type, ...))`, one regular
expression over the values joined by newlines, `min` and `max`), and the conversions through
`map`, so no Python-level call is made per value where the standard library has one in C.
"""

import json
import math
import operator
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .conversion import INT_DIGITS, INT_HIGH, INT_LOW, Invalid
from .timetext import rfc3339_layout

Many = Callable[[list[Any]], list[Any]]


class Wrong(Invalid):
    """A value of the list is wrong: never shown, the caller looks at each value again."""

    def __init__(self) -> None:
        super().__init__("a value is wrong")


def lines_matching(pattern: str) -> re.Pattern[str]:
    """A regex that matches values, each matching `pattern`, joined by and ending in "\\n"."""
    return re.compile(f"(?:(?:{pattern})\n)*")


def check_texts(values: list[Any], lines: re.Pattern[str]) -> None:
    """Raise unless every value is a plain str matching `lines`' pattern (one C pass each).

    A value holding a newline would read as two lines, each perhaps fine: the count of
    newlines in the joined text catches it.
    """
    if not values:
        return
    if set(map(type, values)) != {str}:
        raise Wrong()
    text = "\n".join(values) + "\n"
    if text.count("\n") != len(values) or lines.fullmatch(text) is None:
        raise Wrong()


def all_ints(values: Any) -> bool:
    """Whether every value is an int (not a bool) within the digits a file may hold."""
    if not values:
        return True
    return set(map(type, values)) == {int} and min(values) > INT_LOW and max(values) < INT_HIGH


def all_finite_floats(values: Any) -> bool:
    """Whether every value is a finite float: the sum of one that is not is not finite."""
    return set(map(type, values)) <= {float} and math.isfinite(sum(values))


_ZONE = operator.attrgetter("tzinfo")


def aware_datetimes(values: list[Any]) -> list[Any]:
    """RFC 3339 date-times, each with its UTC offset (a naive one is refused)."""
    if values and set(map(type, values)) != {str}:
        raise Wrong()
    try:
        moments = list(map(datetime.fromisoformat, values))
    except ValueError:
        raise Wrong() from None
    if None in map(_ZONE, moments):  # a naive one
        raise Wrong()
    if not rfc3339_layout(values):  # another form fromisoformat reads, or one to look at closer
        raise Wrong()
    return moments


# An int as str(int) writes it: no "+", spaces, underscores, leading zeros or "-0", and no
# more digits than Python reads back; such texts, joined by commas, are a JSON array's body.
# Not an f-string: its doubled braces would read as Jinja (the runtime holds none).
_INT_TEXT = "(?:0|-?[1-9][0-9]{0," + str(INT_DIGITS - 1) + "})"
_INT_TEXTS = re.compile(f"{_INT_TEXT}(?:,{_INT_TEXT})*")


def int_keys(values: list[Any]) -> list[Any]:
    """Dict keys written as `str(int)` writes them, as ints: checked and read in C."""
    if not values:
        return []
    if set(map(type, values)) != {str}:
        raise Wrong()
    text = ",".join(values)
    if text.count(",") != len(values) - 1 or _INT_TEXTS.fullmatch(text) is None:
        raise Wrong()
    try:
        numbers: list[Any] = json.loads(f"[{text}]")
    except ValueError:  # more digits than sys.set_int_max_str_digits allows
        raise Wrong() from None
    return numbers


def members(by_value: dict[str, Any]) -> Many:
    """Enum members by value: one dict lookup each, in C."""

    def convert(values: list[Any]) -> list[Any]:
        if values and set(map(type, values)) != {str}:
            raise Wrong()
        try:
            return list(map(by_value.__getitem__, values))
        except KeyError:
            raise Wrong() from None

    return convert
