"""What every converter shares: the converter pair, the error that collects a value's path.

Also short descriptions of wrong values, which stay bounded however large or deep the value is.
"""

import json
import math
from collections.abc import Callable
from typing import Any, NamedTuple

Convert = Callable[[Any], Any]
Check = Callable[[Any], None]  # raises Invalid, or returns
#: `changes(value, before, path, ops)`: append to `ops` the JSON Patch operations that turn
#: `before` (a stored value of the type, already validated) into `value`'s JSON form, at
#: `path`; raises Invalid for a wrong value among what changed (see `changes`).
Changes = Callable[[Any, Any, str, list[dict[str, Any]]], None]

# Python refuses to turn an int of more than 4,300 digits into text or back (CVE-2020-10735),
# so json.dumps raises on one and json.loads refuses one. The codec refuses them itself, with
# the field's path, so that every saved file loads again in any Python with default settings.
INT_DIGITS = 4300
INT_HIGH = 10**INT_DIGITS  # every int saved lies strictly between INT_LOW and INT_HIGH
INT_LOW = -INT_HIGH

_SHOWN = 40  # characters of a wrong value quoted in an error message


class NoFastPath:
    """A type no value has, for converters that must always run."""


class Invalid(Exception):
    """A value failed its check; `parts` collects the field path innermost first."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.parts: list[str] = []

    def at(self, part: str) -> "Invalid":
        self.parts.append(part)
        return self

    @property
    def field(self) -> str:
        path = ""
        for part in reversed(self.parts):
            path += part if part.startswith("[") or not path else "." + part
        return path


# Fewer values than this are converted one by one: a whole-list conversion (`many`) has a
# fixed cost of a few calls, which only longer lists win back.
MANY_FROM = 16


class Converter(NamedTuple):
    """How one annotation is checked: values of type `exact` pass as they are, and so do
    all the items of a container when `bulk(items)` says so (a check at C speed); `many`
    decodes a whole list of items at once, raising Invalid if any is wrong (see _bulk).

    For a transaction's round trip: `trusted` decodes a value validated before without
    checking it again; `changes` finds what a value changed, checking only that; `plain`
    says a stored value decodes to itself and a value `==` to it has the same JSON (text
    does; `1 == True` rules numbers out).
    """

    exact: type
    decode: Convert
    encode: Convert
    bulk: Callable[[Any], bool] | None = None
    many: Callable[[list[Any]], list[Any]] | None = None
    trusted: Convert | None = None
    changes: Changes | None = None
    plain: bool = False


def all_str(values: Any) -> bool:
    """Whether every value is a str; str.join checks them in C, far faster than a loop."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def too_many_digits(value: int) -> "Invalid":
    """The error for an int beyond INT_DIGITS digits."""
    return Invalid(
        f"integer has more than {INT_DIGITS} digits ({describe(value)}), more than Python "
        "reads back from JSON by default; store it as a string"
    )


def key_part(key: str) -> str:
    """The path part of a JSON object's entry: `["7"]`."""
    return f"[{json.dumps(key, ensure_ascii=False)}]"


def describe(value: object) -> str:
    """`integer 5`, `string "abc"`, `array [1, [2, ...` : the kind, then at most 40 characters."""
    text = _render(value, _SHOWN + 1)
    text = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
    return f"{_kind(value)} {text}"


def _kind(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names.update({list: "array", dict: "object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _render(value: object, budget: int) -> str:
    """At most about `budget` characters of `value`; never recursive beyond the budget.

    `repr` and `json.dumps` would walk the whole value: a list nested a thousand deep raises
    RecursionError there, and a huge one costs its whole size for a 40-character message.
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value[:budget], ensure_ascii=False)
    if isinstance(value, int):
        if -(10**budget) < value < 10**budget:
            return str(int(value))
        return f"<about {int(value.bit_length() * math.log10(2)) + 1} digits>"
    if isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, list | tuple | set | frozenset | dict):
        return _render_container(value, budget)
    if isinstance(value, bytes | bytearray):
        return repr(bytes(value[:budget]))
    if hasattr(value, "__dataclass_fields__"):
        # Its repr would show every field, of any size or depth.
        return f"{type(value).__name__}(...)"
    return repr(value)[:budget]


def _render_container(value: Any, budget: int) -> str:
    is_dict = isinstance(value, dict)
    text = "{" if is_dict else "["
    for index, item in enumerate(value.items() if is_dict else value):
        if len(text) >= budget:
            break
        text += ", " if index else ""
        if is_dict:
            key, item = item
            text += _render(key, budget - len(text)) + ": "
        text += _render(item, budget - len(text))
    else:
        return text + ("}" if is_dict else "]")
    return text
