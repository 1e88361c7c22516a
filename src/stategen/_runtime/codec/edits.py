"""What a transaction changed, found type by type, checking only the values that changed.

A transaction hands out a state decoded from stored JSON that was validated before, without
checking it again (`Converter.trusted`), and afterwards compares the state with that JSON.
Lists, sets and dicts of text compare at C speed (equal text is the same JSON) and check
only the items that differ, so a change costs about what it changed plus one pass of
pointer comparisons; any other value is encoded whole, checked, and compared as a save's
diff would (`patch.diff_into`).
"""

from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from .. import align as _align
from .. import patch as _patch
from .conversion import Changes, Converter, Invalid, key_part

Op = dict[str, Any]


def value_changes(converter: Converter, value: Any, before: Any, path: str, ops: list[Op]) -> None:
    """The operations that turn `before` into `value`'s JSON form, by `converter`'s own
    `changes`, or else by encoding `value` whole (checking all of it) and comparing."""
    changes = converter.changes
    if changes is not None:
        changes(value, before, path, ops)
    else:
        encoded = value if type(value) is converter.exact else converter.encode(value)
        _patch.diff_into(before, encoded, path, ops)


def whole(encode: Callable[[Any], Any]) -> Changes:
    """The changes of a value encoded whole by `encode` and compared."""

    def changes(value: Any, before: Any, path: str, ops: list[Op]) -> None:
        _patch.diff_into(before, encode(value), path, ops)

    return changes


def list_changes(encode_list: Callable[[Any], Any], item: Converter) -> Changes:
    """`list[T]` for a plain T: the runs where the lists agree are found with `==` on
    slices; only the items outside them are checked, and become the operations."""
    exact, encode_item = item.exact, item.encode

    def changes(value: Any, before: Any, path: str, ops: list[Op]) -> None:
        if type(value) is not list or type(before) is not list:
            _patch.diff_into(before, encode_list(value), path, ops)
            return
        if len(value) == len(before) and value == before:
            return
        found = _align.blocks(before, value, _patch.search_limit(before, value))
        if found is None:  # changed in too many places: as a save compares it
            _patch.diff_into(before, encode_list(value), path, ops)
            return
        new = value
        for index in _outside(found, len(value)):
            x = value[index]
            if type(x) is not exact:
                try:
                    converted = encode_item(x)
                except Invalid as error:
                    raise error.at(f"[{index}]") from None
                if converted is not x:  # e.g. a str subclass, stored as its plain text
                    if new is value:
                        new = value.copy()
                    new[index] = converted
        listed = _patch.list_ops(before, new, path, found, equal_is_same=True)
        if listed is None:  # a copy costs less than the operations
            listed = [{"op": "replace", "path": path, "value": encode_list(value)}]
        ops.extend(listed)

    return changes


def _outside(found: list[tuple[int, int, int]], size: int) -> list[int]:
    """The indexes of the new list in none of the blocks `found`: the items it gained."""
    indexes: list[int] = []
    start = 0
    for _, start_new, length in found:
        indexes.extend(range(start, start_new))
        start = start_new + length
    indexes.extend(range(start, size))
    return indexes


def dict_changes(encode_dict: Callable[[Any], Any], key: Converter, item: Converter) -> Changes:
    """`dict[K, V]` for plain K and V: the entries that differ are found as a difference of
    the two dicts' items, at C speed; only those are checked."""

    def changes(value: Any, before: Any, path: str, ops: list[Op]) -> None:
        if type(value) is not dict or type(before) is not dict:
            _patch.diff_into(before, encode_dict(value), path, ops)
            return
        if value == before:
            return
        try:
            differ = sorted(value.items() - before.items())
            gone = sorted(before.keys() - value.keys())
        except TypeError:  # a value that cannot be hashed or ordered: wrong, found below
            _patch.diff_into(before, encode_dict(value), path, ops)
            return
        ops.extend({"op": "remove", "path": _patch.pointer(path, key)} for key in gone)
        for k, x in differ:
            text: Any = k if type(k) is key.exact else _key(key, k)
            stored = x if type(x) is item.exact else _entry(item, x, text)
            kind = "replace" if text in before else "add"
            ops.append({"op": kind, "path": _patch.pointer(path, text), "value": stored})

    return changes


def set_changes(encode_set: Callable[[Any], Any], item: Converter) -> Changes:
    """`set[T]` for a plain T, stored as a sorted array: the items gained and lost are set
    differences at C speed; each is checked, and added or removed at its sorted place."""
    exact, encode_item = item.exact, item.encode

    def changes(value: Any, before: Any, path: str, ops: list[Op]) -> None:
        if type(value) is not set or type(before) is not list:
            _patch.diff_into(before, encode_set(value), path, ops)
            return
        try:
            ops.extend(set_ops(value, before, path))
        except TypeError:  # items that cannot be hashed or ordered: wrong, found whole
            _patch.diff_into(before, encode_set(value), path, ops)

    def set_ops(value: set[Any], before: list[Any], path: str) -> list[Op]:
        if len(value) == len(before) and value.issuperset(before):
            return []
        old = set(before)
        gained = sorted(value - old)
        for x in gained:
            if type(x) is not exact:
                try:
                    encode_item(x)
                except Invalid as error:
                    error.reason = f"an item: {error.reason}"
                    raise
        # Removed from the last, so the indexes before stay put; then added in order, each
        # where a sorted array has it (an array written by hand may not be sorted: then
        # anywhere is right for a set).
        lost = sorted((_position(before, x) for x in old - value), reverse=True)
        found: list[Op] = [{"op": "remove", "path": _patch.pointer(path, at)} for at in lost]
        lost.reverse()
        for added, x in enumerate(gained):
            at = bisect_left(before, x)
            at -= bisect_left(lost, at)  # removed before it
            stored = x if type(x) is exact else encode_item(x)
            found.append({"op": "add", "path": _patch.pointer(path, at + added), "value": stored})
        return found

    return changes


def _position(items: list[Any], x: Any) -> int:
    """Where `x` is in `items`: by bisection when they are sorted, else by a search."""
    at = bisect_left(items, x)
    if at < len(items) and items[at] == x:
        return at
    return items.index(x)


def _key(key: Converter, k: Any) -> Any:
    """A dict key as JSON text; its error says it is a key, as a save's does."""
    try:
        return key.encode(k)
    except Invalid as error:
        error.reason = f"a key: {error.reason}"
        raise


def _entry(item: Converter, x: Any, text: str) -> Any:
    """A dict value as JSON; its error names the entry by its key."""
    try:
        return item.encode(x)
    except Invalid as error:
        raise error.at(key_part(text)) from None
