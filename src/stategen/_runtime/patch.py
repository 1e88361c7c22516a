"""Changes to a JSON document as JSON Patch (RFC 6902): finding them, and applying them.

The subset is the one a state needs: `add`, `remove` and `replace`, with JSON Pointer paths
(RFC 6901, `~0` for `~` and `~1` for `/`). Any RFC 6902 library reads what `diff` writes. A
change that does not apply (a missing key, an index out of range, an unknown operation) is a
`PatchError`, never a silent skip: a journal that no longer fits its document is corrupt.
"""

from typing import Any

Op = dict[str, Any]


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


def diff(old: Any, new: Any, path: str = "") -> list[Op]:
    """The operations that turn `old` into `new` (JSON values; the root must be an object).

    Unchanged parts cost one C-level comparison. A list that only grew gets `add`s at its
    end, one that only shrank `remove`s from its end; any other changed list of the same
    length is compared item by item, and one of another length is replaced whole.
    """
    ops: list[Op] = []
    _diff(old, new, path, ops)
    return ops


def same(a: Any, b: Any) -> bool:
    """Whether two JSON values are equal as JSON: `1`, `1.0` and `true` differ."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b) or a != b:
        return False
    if kind is list:
        return _all_text(a) or all(same(x, y) for x, y in zip(a, b, strict=True))
    if kind is dict:
        return _all_text(a.values()) or all(same(x, b[key]) for key, x in a.items())
    return True


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
    kept = min(len(old), len(new))
    if same(old[:kept], new[:kept]):
        end = pointer(path, "-")
        ops.extend({"op": "add", "path": end, "value": value} for value in new[kept:])
        ops.extend(
            {"op": "remove", "path": pointer(path, index)}
            for index in range(len(old) - 1, kept - 1, -1)
        )
    elif len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            if not same(before, after):
                _diff(before, after, pointer(path, index), ops)
    else:
        ops.append({"op": "replace", "path": path, "value": new})


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
