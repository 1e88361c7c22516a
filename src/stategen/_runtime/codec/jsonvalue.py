"""`JSON`, the type of a field that holds any JSON value, and its converter.

The converter is an iterative walk that checks and copies the value, to a bounded depth.
"""

import math
from typing import TYPE_CHECKING, Any, TypeAlias

from .conversion import (
    INT_HIGH,
    INT_LOW,
    Converter,
    Invalid,
    NoFastPath,
    all_str,
    describe,
    key_part,
    too_many_digits,
)

if TYPE_CHECKING:
    JSON: TypeAlias = dict[str, "JSON"] | list["JSON"] | str | int | float | bool | None
else:
    # The same union without forward references, so `get_type_hints` never has to find the
    # name "JSON" in the module of a class that uses it (an alias imported under another
    # name would fail there), and the codec can recognise it by equality.
    JSON = dict[str, Any] | list[Any] | str | int | float | bool | None

# json.dumps and json.loads recurse once per level, against Python's recursion limit (1000
# by default) shared with the caller's own stack; beyond about 990 levels they raise
# RecursionError. A JSON value stops at 256 levels, which leaves room for the records and
# containers around it and for the caller. A value that contains itself hits the same limit.
MAX_DEPTH = 256


def is_json_alias(annotation: Any) -> bool:
    """Whether `annotation` is `JSON` (or `JSON | None`, which is the same union)."""
    return bool(annotation == JSON)


def _scalar(value: Any) -> Any:
    """A JSON scalar as its plain Python value; Invalid for anything that is not one."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int or (isinstance(value, int) and kind is not bool):
        if INT_LOW < value < INT_HIGH:
            return int(value)
        raise too_many_digits(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return float(value)
        raise Invalid(f"expected a finite number, got {value}")
    if isinstance(value, str):
        return str.__str__(value)
    raise Invalid(
        f"expected a JSON value (dict, list, str, int, float, bool or None), got {describe(value)}"
    )


Link = tuple[Any, str | int] | None  # a path as nested (parent link, key or index) pairs


def _path(link: Link) -> list[str]:
    """The parts of the path `link`, innermost first, formatted only when an error needs them."""
    parts = []
    while link is not None:
        link, key = link
        parts.append(key_part(key) if isinstance(key, str) else f"[{key}]")
    return parts


def _fail(error: Invalid, link: Link) -> Invalid:
    error.parts = _path(link)
    return error


def _copy(value: Any) -> Any:
    """A checked deep copy of the JSON value `value`, built without recursion."""
    if not isinstance(value, dict | list):
        return _scalar(value)
    root: Any = {} if isinstance(value, dict) else []
    # Each entry: a source container, its empty copy, its depth, and its path.
    pending: list[tuple[Any, Any, int, Link]] = [(value, root, 1, None)]
    while pending:
        source, target, depth, link = pending.pop()
        if depth > MAX_DEPTH:
            # Named at the value's root: a path 256 levels long would bury the reason.
            raise Invalid(f"nested deeper than {MAX_DEPTH} levels (or it contains itself)")
        is_dict = isinstance(source, dict)
        if not is_dict:
            entries: Any = enumerate(source)
        elif all_str(source):
            entries = source.items()
        else:
            key = next(key for key in source if not isinstance(key, str))
            raise _fail(Invalid(f"keys must be strings, got {describe(key)}"), link)
        for key, item in entries:
            kind = type(item)
            if kind is str or kind is bool or item is None:
                pass
            elif kind is int:
                if not INT_LOW < item < INT_HIGH:
                    raise _fail(too_many_digits(item), (link, key))
            elif kind is float:
                if not math.isfinite(item):
                    raise _fail(Invalid(f"expected a finite number, got {item}"), (link, key))
            elif isinstance(item, dict | list):
                child: Any = {} if isinstance(item, dict) else []
                pending.append((item, child, depth + 1, (link, key)))
                item = child
            else:
                try:
                    item = _scalar(item)  # a subclass of a JSON type, or no JSON value at all
                except Invalid as error:
                    raise _fail(error, (link, key)) from None
            if is_dict:
                target[key] = item
            else:
                target.append(item)
    return root


JSON_CONVERTER = Converter(NoFastPath, _copy, _copy)
