"""Changes to a JSON document as JSON Patch (RFC 6902): finding them, and applying them.

The subset is the one a state needs: `add`, `remove` and `replace`, with JSON Pointer paths
(RFC 6901, `~0` for `~` and `~1` for `/`). Any RFC 6902 library reads what `diff` writes. A
change that does not apply (a missing key, an index out of range, an unknown operation) is a
`PatchError`, never a silent skip: a journal that no longer fits its document is corrupt.
"""

from collections.abc import Callable, Sequence
from json import JSONEncoder
from math import isqrt
from operator import is_
from typing import Any

from . import align as _align
from .align import Block

Op = dict[str, Any]
# Built once (json.dumps with keywords builds one per call); only compared, never stored.
_EXACT = JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))
#: A list may always be searched for this many insertions and removals (see `_diff_list`).
_SEARCH_MIN = 16
#: How many passes over a list its insertions and removals may shift when replayed.
_SHIFT_PASSES = 256


class PatchError(ValueError):
    """An operation that does not apply to the document."""


def pointer(parent: str, key: str | int) -> str:
    """The JSON Pointer of `key` (a member name or an array index) below `parent`."""
    if type(key) is int:
        return f"{parent}/{key}"
    text = str(key)
    if "~" in text or "/" in text:
        text = text.replace("~", "~0").replace("/", "~1")
    return f"{parent}/{text}"


def parts(path: object) -> list[str]:
    """The reference tokens of the JSON Pointer `path`, unescaped."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise PatchError(f"a path must be a JSON Pointer below the root, got {path!r:.60}")
    tokens = path[1:].split("/")
    if "~" in path:
        tokens = [token.replace("~1", "/").replace("~0", "~") for token in tokens]
    return tokens


def apply(document: dict[str, Any], op: Op) -> tuple[list[str], Any]:
    """Apply one operation to `document` in place; its path's tokens and the value it removed
    or replaced (None for an add that replaced nothing)."""
    if type(op) is not dict:
        raise PatchError(f"an operation must be an object, got {type(op).__name__}")
    kind, tokens = op.get("op"), parts(op.get("path"))
    parent: Any = document
    for token in tokens[:-1]:
        parent = _child(parent, token)
    last = tokens[-1]
    if kind == "add":
        return tokens, _add(parent, last, _value(op))
    if kind == "replace":
        return tokens, _replace(parent, last, _value(op))
    if kind == "remove":
        return tokens, _remove(parent, last)
    raise PatchError(f"unsupported operation {kind!r:.40}")


def apply_all(
    document: dict[str, Any], ops: Sequence[Op], applied: Callable[[Op, list[str], Any], None]
) -> None:
    """Apply `ops` in order, calling `applied(op, tokens, old)` for each as `apply` returns
    them; PatchError for the first that does not apply (those before it stay applied).

    A run of `add`s to the end of one array, which appending many items makes, is one
    `extend` with its path resolved once: then `applied` hears of them after the whole run.
    """
    index, count = 0, len(ops)
    while index < count:
        end = _run_of_appends(ops, index)
        if end - index > 1:
            tokens = parts(ops[index]["path"])
            parent: Any = document
            for token in tokens[:-1]:
                parent = _child(parent, token)
            if type(parent) is list:
                run = ops[index:end]
                parent.extend([op["value"] for op in run])
                for op in run:
                    applied(op, tokens, None)
                index = end
                continue
        op = ops[index]
        tokens, old = apply(document, op)
        applied(op, tokens, old)
        index += 1


def _run_of_appends(ops: Sequence[Op], start: int) -> int:
    """Where the run of `add`s to `<array>/-` (one path, each with a value) at `start` ends."""
    first = ops[start]
    if type(first) is not dict or first.get("op") != "add" or "value" not in first:
        return start
    path = first.get("path")
    if type(path) is not str or not path.endswith("/-"):
        return start
    end = start + 1
    while end < len(ops):
        op = ops[end]
        if type(op) is not dict or op.get("path") != path or op.get("op") != "add":
            break
        if "value" not in op:
            break
        end += 1
    return end


def diff(old: Any, new: Any, path: str = "") -> list[Op]:
    """The operations that turn `old` into `new` (JSON values; the root must be an object).

    Unchanged parts cost one C-level comparison. A changed list gets the fewest `add`s and
    `remove`s that make it `new` (see `align`), a changed item in its place its own change,
    so a record is as large as the change, wherever in the list it is. A list changed in too
    many places is compared item by item when it kept its length, else replaced whole.
    """
    ops: list[Op] = []
    diff_into(old, new, path, ops)
    return ops


def diff_into(old: Any, new: Any, path: str, ops: list[Op]) -> None:
    """`diff`, at `path` below the root, appending the operations to `ops`."""
    _diff(old, new, path, ops)


def same(a: Any, b: Any) -> bool:
    """Whether two JSON values are equal as JSON: `1`, `1.0` and `true` differ."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b) or a != b:
        return False
    if kind is list:
        return _all_text(a) or _same_items(a, b)
    if kind is dict:
        return _all_text(a.values()) or _same_items(list(a.values()), list(map(b.__getitem__, a)))
    return True


def _same_items(a: list[Any], b: list[Any]) -> bool:
    """Whether the items of two lists already known equal (`==`) are the same JSON: `==`
    misses only the types (`1`, `1.0`, `true`), compared here at C speed, and what nested
    containers hold, which only those are visited for."""
    kinds = list(map(type, a))
    if kinds != list(map(type, b)):
        return False
    nested = set(kinds)
    if list not in nested and dict not in nested:
        return True
    if all(map(is_, a, b)):
        return True
    # Still C's work: JSON text tells the types apart at every depth. It also tells apart
    # objects with their keys in another order, which the walk below then finds the same.
    try:
        if _EXACT.encode(a) == _EXACT.encode(b):
            return True
    except (TypeError, ValueError):  # not JSON: the walk says
        pass
    return all(
        same(x, y) for x, y, kind in zip(a, b, kinds, strict=True) if kind is list or kind is dict
    )


def _diff(old: Any, new: Any, path: str, ops: list[Op]) -> None:
    if old is new:
        return
    kind = type(old)
    if kind is dict and type(new) is dict:
        for key in old.keys() - new.keys():
            ops.append({"op": "remove", "path": pointer(path, key)})
        for key, value in new.items():
            if key not in old:
                ops.append({"op": "add", "path": pointer(path, key), "value": value})
            elif not same(old[key], value):
                _diff(old[key], value, pointer(path, key), ops)
    elif kind is list and type(new) is list:
        _diff_list(old, new, path, ops)
    elif not same(old, new):
        ops.append({"op": "replace", "path": path, "value": new})


def _diff_list(old: list[Any], new: list[Any], path: str, ops: list[Op]) -> None:
    # The search for insertions and removals takes about limit² Python steps: the square
    # root of the size keeps that within what decoding the list costs anyway, and a minimum
    # lets a small list look as hard as it likes.
    found = _align.blocks(old, new, search_limit(old, new))
    listed = None if found is None else list_ops(old, new, path, found, equal_is_same=False)
    if listed is None and len(old) == len(new):
        listed = _in_place(old, new, path)
    if listed is None:
        listed = [{"op": "replace", "path": path, "value": new}]
    ops.extend(listed)


def search_limit(old: list[Any], new: list[Any]) -> int:
    """How many insertions and removals a search of two lists may look for (see `_diff_list`)."""
    return max(_SEARCH_MIN, isqrt(len(old) + len(new)))


def _in_place(old: list[Any], new: list[Any], path: str) -> list[Op] | None:
    """The changes of two lists of one length item by item; None once more than half the
    items (and more than one) changed: one copy is smaller then."""
    ops: list[Op] = []
    most = max(1, len(new) // 2)
    for index, (before, after) in enumerate(zip(old, new, strict=True)):
        if not same(before, after):
            most -= 1
            if most < 0:
                return None
            _diff(before, after, pointer(path, index), ops)
    return ops


def list_ops(
    old: list[Any], new: list[Any], path: str, found: list[Block], *, equal_is_same: bool
) -> list[Op] | None:
    """The operations that turn `old` into `new`, given the blocks where they agree (`==`);
    None when one copy of `new` costs less. `equal_is_same`: items that are `==` are the
    same JSON (strings are), so the blocks need no second look.

    Between two blocks, items paired up change in place; the rest are removed (from the
    last, so the indexes before stay put) or added. JSON Patch applies operations in order,
    so each index is where the item is once every earlier operation is applied: everything
    before it is already as in `new`.
    """
    spans = [*found, (len(old), len(new), 0)]
    if _costly(spans, len(old), len(new)):
        return None
    ops: list[Op] = []
    i = j = 0
    for start_old, start_new, length in spans:
        paired = min(start_old - i, start_new - j)
        for offset in range(paired):
            _diff(old[i + offset], new[j + offset], pointer(path, j + offset), ops)
        ops.extend(
            {"op": "remove", "path": pointer(path, index)}
            for index in range(j + start_old - i - 1, j + paired - 1, -1)
        )
        end = start_old == len(old)  # appended: `-`, as readers of a growing list expect
        ops.extend(
            {"op": "add", "path": pointer(path, "-" if end else index), "value": new[index]}
            for index in range(j + paired, start_new)
        )
        stop_old, stop_new = start_old + length, start_new + length
        if (
            length
            and not equal_is_same
            and not same(old[start_old:stop_old], new[start_new:stop_new])
        ):
            # Equal as `==` but not as JSON (`1` and `1.0`): those items change in place.
            for index, before, after in zip(
                range(start_new, stop_new),
                old[start_old:stop_old],
                new[start_new:stop_new],
                strict=True,
            ):
                if not same(before, after):
                    _diff(before, after, pointer(path, index), ops)
        i, j = stop_old, stop_new
    return ops


def _costly(spans: list[Block], size_old: int, size_new: int) -> bool:
    """Whether changing a list around `spans` costs more than writing it whole: a whole copy
    is about as small once half the items change, and replays faster once the insertions
    and removals shift the items after them more than `_SHIFT_PASSES` times over (measured,
    100,000 short strings: moving them all takes some 30 µs, decoding them 10 ms)."""
    touched = shifted = 0
    i = j = 0
    for start_old, start_new, length in spans:
        gap_old, gap_new = start_old - i, start_new - j
        touched += max(gap_old, gap_new)
        shifted += abs(gap_old - gap_new) * (size_new - start_new)
        i, j = start_old + length, start_new + length
    return 2 * touched > size_old + size_new or shifted > _SHIFT_PASSES * max(size_old, size_new)


def _all_text(values: Any) -> bool:
    """True when every value is a str, checked at C speed (`str.join` refuses anything else)."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def _value(op: Op) -> Any:
    if "value" not in op:
        raise PatchError(f"{op.get('op')} {op.get('path')!r:.60} has no value")
    return op["value"]


def _child(parent: Any, token: str) -> Any:
    if type(parent) is dict:
        if token not in parent:
            raise PatchError(f"no member {token!r:.60}")
        return parent[token]
    if type(parent) is list:
        return parent[_index(parent, token, appending=False)]
    raise PatchError(f"{token!r:.60} is below a {type(parent).__name__}, not a container")


def _index(array: list[Any], token: str, *, appending: bool) -> int:
    if appending and token == "-":
        return len(array)
    # RFC 6901: decimal digits without a leading zero.
    if not token.isdigit() or not token.isascii() or (token != "0" and token[0] == "0"):
        raise PatchError(f"{token!r:.60} is not an array index")
    index = int(token)
    if index > len(array) or (index == len(array) and not appending):
        raise PatchError(f"index {index} is out of range (the array has {len(array)} items)")
    return index


def _add(parent: Any, token: str, value: Any) -> Any:
    if type(parent) is dict:
        old = parent.get(token)
        parent[token] = value
        return old
    if type(parent) is list:
        parent.insert(_index(parent, token, appending=True), value)
        return None
    raise PatchError(f"cannot add {token!r:.60} to a {type(parent).__name__}")


def _replace(parent: Any, token: str, value: Any) -> Any:
    if type(parent) is dict:
        if token not in parent:
            raise PatchError(f"no member {token!r:.60} to replace")
        old = parent[token]
        parent[token] = value
        return old
    if type(parent) is list:
        index = _index(parent, token, appending=False)
        old = parent[index]
        parent[index] = value
        return old
    raise PatchError(f"cannot replace {token!r:.60} in a {type(parent).__name__}")


def _remove(parent: Any, token: str) -> Any:
    if type(parent) is dict:
        if token not in parent:
            raise PatchError(f"no member {token!r:.60} to remove")
        return parent.pop(token)
    if type(parent) is list:
        return parent.pop(_index(parent, token, appending=False))
    raise PatchError(f"cannot remove {token!r:.60} from a {type(parent).__name__}")
