"""Converters of containers ⇄ JSON arrays and objects: list, tuple, set, dict, optional.

Values under a `Constraints` check are wrapped here too.
"""

from collections.abc import Callable
from typing import Any

from . import edits as _edits
from .conversion import (
    MANY_FROM,
    Changes,
    Check,
    Convert,
    Converter,
    Invalid,
    NoFastPath,
    describe,
    key_part,
)


def optional(inner: Converter) -> Converter:
    """`T | None`: null, or a value of T."""

    def decode_optional(value: Any) -> Any:
        return None if value is None else inner.decode(value)

    def encode_optional(value: Any) -> Any:
        return None if value is None else inner.encode(value)

    inner_many = inner.many
    many = None
    if inner_many is not None:

        def many(values: list[Any]) -> list[Any]:
            if None in values:  # a mix: the caller decodes one by one
                raise Invalid("null among the values")
            return inner_many(values)

    inner_trusted, inner_changes = inner.trusted, inner.changes
    trusted = changes = None
    if inner_trusted is not None:

        def trusted(value: Any) -> Any:
            return None if value is None else inner_trusted(value)

    if inner_changes is not None:
        whole = _edits.whole(encode_optional)

        def changes(value: Any, before: Any, path: str, ops: list[dict[str, Any]]) -> None:
            if value is None or before is None:
                whole(value, before, path, ops)
            else:
                inner_changes(value, before, path, ops)

    return Converter(
        inner.exact, decode_optional, encode_optional, None, many, trusted, changes, inner.plain
    )


def constrained(inner: Converter, check: Check, ordered: bool) -> Converter:
    """`Annotated[T, Constraints(...)]`: a value of T that also passes `check`.

    The rules of an `ordered` T (numbers, dates, durations) are bounds, which every value
    of a list keeps when its least and its greatest do: a list that T's `bulk` or `many`
    takes whole is checked with two calls.
    """
    exact = inner.exact

    def decode_checked(value: Any) -> Any:
        result = value if type(value) is exact else inner.decode(value)
        check(result)
        return result

    def encode_checked(value: Any) -> Any:
        result = value if type(value) is exact else inner.encode(value)
        check(value)
        return result

    inner_changes, changes = inner.changes, None
    if inner_changes is not None:

        def changes(value: Any, before: Any, path: str, ops: list[dict[str, Any]]) -> None:
            inner_changes(value, before, path, ops)
            check(value)

    # A value stored before passed the rules then: trusted, it is not checked again.
    trusted, plain = inner.trusted, inner.plain
    if not ordered:
        return Converter(
            NoFastPath, decode_checked, encode_checked, None, None, trusted, changes, plain
        )

    def all_kept(values: Any) -> bool:
        if values:
            try:
                check(min(values))
                check(max(values))
            except Invalid:
                return False
        return True

    inner_bulk, inner_many = inner.bulk, inner.many
    bulk = many = None
    if inner_bulk is not None:

        def bulk(values: Any) -> bool:
            return inner_bulk(values) and all_kept(values)

    if inner_many is not None:

        def many(values: list[Any]) -> list[Any]:
            converted = inner_many(values)
            if not all_kept(converted):
                raise Invalid("a value breaks a rule")  # never shown: looked at one by one
            return converted

    return Converter(
        NoFastPath, decode_checked, encode_checked, bulk, many, trusted, changes, plain
    )


def _items(value: Any, item: Converter, convert: Convert, decoding: bool) -> list[Any]:
    """The items of the sequence `value`, each converted; errors name the index."""
    exact, bulk, many = item.exact, item.bulk, item.many
    if bulk is not None and bulk(value):
        return list(value)
    if many is not None and decoding and type(value) is list and len(value) >= MANY_FROM:
        try:
            return many(value)
        except Invalid:
            pass  # one of them is wrong: find it below
    try:
        return [x if type(x) is exact else convert(x) for x in value]
    except Invalid:
        pass
    # Rare error path: convert again one by one to find the failing index.
    for index, x in enumerate(value):
        try:
            if type(x) is not exact:
                convert(x)
        except Invalid as error:
            raise error.at(f"[{index}]") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _expect(value: Any, kind: type, name: str) -> None:
    if not isinstance(value, kind):
        raise Invalid(f"expected {name}, got {describe(value)}")


def list_of(item: Converter) -> Converter:
    """`list[T]` ⇄ an array."""
    bulk = item.bulk

    def decode_list(value: Any) -> list[Any]:
        if bulk is not None and type(value) is list and bulk(value):
            return value.copy()  # the common case, at C speed
        _expect(value, list, "an array")
        return _items(value, item, item.decode, True)

    def encode_list(value: Any) -> list[Any]:
        if bulk is not None and type(value) is list and bulk(value):
            return value.copy()
        _expect(value, list, "a list")
        return _items(value, item, item.encode, False)

    if not item.plain:
        return Converter(NoFastPath, decode_list, encode_list)

    def trusted(value: Any) -> list[Any]:
        return value.copy() if type(value) is list else decode_list(value)

    changes = _edits.list_changes(encode_list, item)
    return Converter(NoFastPath, decode_list, encode_list, None, None, trusted, changes)


def tuple_of(item: Converter) -> Converter:
    """`tuple[T, ...]` ⇄ an array of any length."""

    def decode_tuple(value: Any) -> tuple[Any, ...]:
        _expect(value, list, "an array")
        return tuple(_items(value, item, item.decode, True))

    def encode_tuple(value: Any) -> list[Any]:
        _expect(value, tuple, "a tuple")
        return _items(value, item, item.encode, False)

    return Converter(NoFastPath, decode_tuple, encode_tuple)


def fixed_tuple(items: tuple[Converter, ...]) -> Converter:
    """`tuple[A, B]` ⇄ an array of exactly that many items, each of its own type."""
    size = len(items)
    decoders = tuple((item.exact, item.decode) for item in items)
    encoders = tuple((item.exact, item.encode) for item in items)

    def convert(value: Any, converters: tuple[tuple[type, Convert], ...]) -> list[Any]:
        if len(value) != size:
            raise Invalid(f"expected {size} items, got {len(value)}")
        result = []
        for index, ((exact, convert_item), x) in enumerate(zip(converters, value, strict=True)):
            try:
                result.append(x if type(x) is exact else convert_item(x))
            except Invalid as error:
                raise error.at(f"[{index}]") from None
        return result

    def decode_fixed(value: Any) -> tuple[Any, ...]:
        _expect(value, list, f"an array of {size} items")
        return tuple(convert(value, decoders))

    def encode_fixed(value: Any) -> list[Any]:
        _expect(value, tuple, f"a tuple of {size} items")
        return convert(value, encoders)

    return Converter(NoFastPath, decode_fixed, encode_fixed)


def set_of(item: Converter, order: Callable[[Any], Any] | None) -> Converter:
    """`set[T]` ⇄ an array without repeats, saved sorted (by `order`, else `<`).

    Sorting makes a save deterministic: the same set always writes the same bytes. On load
    the array may be in any order, but an item twice is an error: a set would silently keep
    one of them.
    """

    def decode_set(value: Any) -> set[Any]:
        _expect(value, list, "an array")
        items = _items(value, item, item.decode, True)
        result = set(items)
        if len(result) != len(items):
            seen: set[Any] = set()
            for index, x in enumerate(items):
                if x in seen:
                    reason = f"{describe(value[index])} repeats an earlier item of the set"
                    raise Invalid(reason).at(f"[{index}]")
                seen.add(x)
        return result

    def encode_set(value: Any) -> list[Any]:
        _expect(value, set, "a set")
        try:
            pairs = [(x, x if type(x) is item.exact else item.encode(x)) for x in value]
        except Invalid as error:
            # A set has no positions, so the path stops at the set and the reason says "item".
            error.reason = f"an item: {error.reason}"
            raise
        pairs.sort(key=lambda pair: pair[0] if order is None else order(pair[0]))
        return [encoded for _, encoded in pairs]

    if not item.plain or order is not None:
        return Converter(NoFastPath, decode_set, encode_set)

    def trusted(value: Any) -> set[Any]:
        if type(value) is list:
            try:
                return set(value)
            except TypeError:  # an item that cannot be in a set: checked, it is refused
                pass
        return decode_set(value)

    changes = _edits.set_changes(encode_set, item)
    return Converter(NoFastPath, decode_set, encode_set, None, None, trusted, changes)


def dict_of(key: Converter, item: Converter) -> Converter:
    """`dict[K, V]` ⇄ an object; `key` turns each key into its JSON string and back.

    Every key type has exactly one spelling (see _keys), so two keys of a file can never
    become one key of the dict, and the other way round.
    """

    key_bulk, exact, bulk = key.bulk, item.exact, item.bulk

    def convert(value: Any, decoding: bool) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise Invalid(f"expected an object, got {describe(value)}")
        convert_key, convert_item = (
            (key.decode, item.decode) if decoding else (key.encode, item.encode)
        )
        if key_bulk is not None and key_bulk(value):
            keys: Any = None  # the keys as they are
        else:
            keys = _whole(key.many if decoding else None, value)
            if keys is None:
                keys = _convert_keys(value, key.exact, convert_key)
        if bulk is not None and bulk(value.values()):
            return dict(value) if keys is None else dict(zip(keys, value.values(), strict=True))
        converted = _whole(item.many if decoding else None, value.values())
        if converted is not None:
            return dict(zip(value if keys is None else keys, converted, strict=True))
        try:
            if keys is None:
                return {k: x if type(x) is exact else convert_item(x) for k, x in value.items()}
            return {
                k: x if type(x) is exact else convert_item(x)
                for k, x in zip(keys, value.values(), strict=True)
            }
        except Invalid:
            pass
        # Rare error path: convert again one by one to name the failing entry by its JSON
        # key: the file's key when loading, the converted key when saving.
        json_keys = value.keys() if decoding or keys is None else keys
        for json_key, x in zip(json_keys, value.values(), strict=True):
            try:
                if type(x) is not exact:
                    convert_item(x)
            except Invalid as error:
                raise error.at(key_part(json_key)) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def decode_dict(value: Any) -> dict[Any, Any]:
        return convert(value, True)

    def encode_dict(value: Any) -> dict[Any, Any]:
        return convert(value, False)

    if not (key.plain and item.plain):
        return Converter(NoFastPath, decode_dict, encode_dict)

    def trusted(value: Any) -> dict[Any, Any]:
        return value.copy() if type(value) is dict else decode_dict(value)

    changes: Changes = _edits.dict_changes(encode_dict, key, item)
    return Converter(NoFastPath, decode_dict, encode_dict, None, None, trusted, changes)


def _whole(many: Callable[[list[Any]], list[Any]] | None, values: Any) -> list[Any] | None:
    """`many` of the values, or None when there is no `many`, too few values, or a wrong one."""
    if many is None or len(values) < MANY_FROM:
        return None
    try:
        return many(list(values))
    except Invalid:
        return None


def _convert_keys(keys: Any, exact: type, convert: Convert) -> Any:
    try:
        return [k if type(k) is exact else convert(k) for k in keys]
    except Invalid:
        pass
    for k in keys:
        try:
            if type(k) is not exact:
                convert(k)
        except Invalid as error:
            error.reason = f"a key: {error.reason}"
            raise
    raise AssertionError("unreachable")  # pragma: no cover
