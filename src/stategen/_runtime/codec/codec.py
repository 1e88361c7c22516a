"""Dataclass ⇄ JSON-ready dict, driven by the type hints, validating every value both ways.

Each class gets its converters compiled once from `typing.get_type_hints` and cached, so a
load costs one dict lookup per field plus the checks; lists and dicts of scalars are checked
and converted whole, at C speed (`bulk`). Unknown keys are rejected: dropping them would
silently erase data (a typo in a hand edit, or fields added by other code) at the next save.
The converters themselves live in `records`, `scalars` (and `decimal_uuid`), `containers`,
`keys` and `jsonvalue`; the rules of `Constraints` in `constraints`.
"""

import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypeVar

from ..errors import StateValidationError
from .constraints import Constraints, compile_check, ordered
from .containers import constrained, dict_of, fixed_tuple, list_of, optional, set_of, tuple_of
from .conversion import Converter, Invalid
from .edits import value_changes
from .jsonvalue import JSON, JSON_CONVERTER, is_json_alias
from .keys import key_converter, literal_keys
from .records import Field, record_converter
from .scalars import enum_converter, literal_converter, loaded_type, scalar

__all__ = ["JSON", "JSON_KEY", "Constraints", "changes", "decode", "encode", "validate"]

#: The dataclass field metadata key of a field's JSON key, when it is not the field's name:
#: `kind: str = field(metadata={"json": "type"})` is stored as `"type"`.
JSON_KEY = "json"

T = TypeVar("T")

# Item types a set may hold, each with a defined order for the sorted save; enums and
# literals are sorted in the order they were declared in.
_SET_ITEMS = (str, int, float, bool, date, timedelta)  # and Decimal and UUID: `_set_item`


def encode(obj: object) -> dict[str, Any]:
    """`obj` (a dataclass instance) as JSON-ready data; raises StateValidationError."""
    try:
        result: dict[str, Any] = _record(type(obj)).encode(obj)
    except Invalid as error:
        raise StateValidationError(error.field, error.reason) from None
    return result


def decode(cls: type[T], data: Mapping[str, Any], *, trusted: bool = False) -> T:
    """A `cls` built from JSON data, every value checked; raises StateValidationError.

    `trusted`: the data was decoded and checked before (as stored), so only its shape is:
    containers of text are copied, not checked item by item.
    """
    if isinstance(data, Mapping) and not isinstance(data, dict):
        data = dict(data)
    converter = _record(cls)
    try:
        result: T = (converter.trusted if trusted else converter.decode)(data)  # type: ignore[misc]
    except Invalid as error:
        raise StateValidationError(error.field, error.reason) from None
    return result


def changes(obj: object, before: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON Patch operations that turn `before` (the stored JSON `obj` was decoded from,
    checked then) into `obj`'s JSON form, checking only what changed; raises
    StateValidationError for a wrong value among that."""
    ops: list[dict[str, Any]] = []
    try:
        value_changes(_record(type(obj)), obj, before, "", ops)
    except Invalid as error:
        raise StateValidationError(error.field, error.reason) from None
    return ops


def validate(obj: object) -> None:
    """Check every value of `obj` (a dataclass instance) exactly as a save would.

    Raises StateValidationError naming the first wrong value's path and the rule it breaks.
    """
    encode(obj)


_compiled: dict[type, Converter] = {}


def _record(cls: type) -> Converter:
    """The converters of a dataclass, compiled on first use."""
    converter = _compiled.get(cls)
    if converter is None:
        converter = _compiled[cls] = _compile_record(cls)
    return converter


def _compile_record(cls: type) -> Converter:
    # Nested records are compiled first, and once; records form a tree, never a cycle.
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = typing.get_type_hints(cls, include_extras=True)  # keeps Annotated's Constraints
    plan: list[Field] = []
    for spec in dataclasses.fields(cls):
        if not spec.init:
            continue
        try:
            converter = _converter(hints[spec.name])
        except TypeError as error:
            raise TypeError(f"{cls.__name__}.{spec.name}: {error}") from None
        required = (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        )
        key = spec.metadata.get(JSON_KEY, spec.name)
        if not isinstance(key, str):
            raise TypeError(f"{cls.__name__}.{spec.name}: the JSON key must be text, got {key!r}")
        plan.append(Field(spec.name, key, converter, required))
    return record_converter(cls, plan)


def _converter(annotation: Any) -> Converter:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _annotated(args[0], args[1:], _converter)
    if is_json_alias(annotation):
        return JSON_CONVERTER
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        return optional(_converter(next(arg for arg in args if arg is not type(None))))
    if origin is Literal:
        return literal_converter(args)
    if origin is list and len(args) == 1:
        return list_of(_converter(args[0]))
    if origin is set and len(args) == 1:
        return set_of(_set_item(args[0]), _set_order(args[0]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return tuple_of(_converter(args[0]))
    if origin is tuple and args and Ellipsis not in args:
        return fixed_tuple(tuple(_converter(arg) for arg in args))
    if origin is dict and len(args) == 2:
        return dict_of(_key(args[0]), _converter(args[1]))
    if origin is None and isinstance(annotation, type):
        converter = scalar(annotation)
        if converter is not None:
            return converter
        if issubclass(annotation, enum.StrEnum):
            return enum_converter(annotation)
        if dataclasses.is_dataclass(annotation):
            return _record(annotation)
    raise TypeError(f"unsupported field type {annotation!r}")


def _annotated(
    annotation: Any, metadata: tuple[Any, ...], build: Callable[[Any], Converter]
) -> Converter:
    """`Annotated[T, Constraints(...)]`: T's converter, wrapped in the compiled checks."""
    converter = build(annotation)
    origin = typing.get_origin(annotation)
    kind = annotation if origin is None else origin
    for rules in metadata:
        if not isinstance(rules, Constraints):
            continue  # metadata meant for other tools
        if origin in (types.UnionType, typing.Union):
            raise TypeError(
                f"Constraints cannot apply to the union {annotation!r}; constrain the type "
                "inside it: Annotated[T, Constraints(...)] | None"
            )
        if not isinstance(kind, type):
            raise TypeError(f"Constraints cannot apply to {annotation!r}")
        converter = constrained(converter, compile_check(kind, rules), ordered(kind))
    return converter


def _key(annotation: Any) -> Converter:
    """The converter of a dict's key type, between the key and its JSON string."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        args = typing.get_args(annotation)
        return _annotated(args[0], args[1:], _key)
    if origin is Literal:
        return literal_keys(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.StrEnum):
        return enum_converter(annotation)
    converter = key_converter(annotation)
    if converter is not None:
        return converter
    raise TypeError(
        f"unsupported dict key type {annotation!r}; keys may be str, int, UUID, date, "
        "an enum or a Literal of strings and integers"
    )


def _set_item(annotation: Any) -> Converter:
    base = (
        typing.get_args(annotation)[0] if typing.get_origin(annotation) is Annotated else annotation
    )
    if not (
        base in _SET_ITEMS
        or loaded_type(base, "decimal", "Decimal")
        or loaded_type(base, "uuid", "UUID")
        or typing.get_origin(base) is Literal
        or (isinstance(base, type) and issubclass(base, enum.StrEnum))
    ):
        raise TypeError(
            f"unsupported set item type {annotation!r}; sets may hold str, int, float, bool, "
            "Decimal, UUID, date, timedelta, an enum or a Literal"
        )
    return _converter(annotation)


def _set_order(annotation: Any) -> Callable[[Any], Any] | None:
    """How a set's items are sorted: declaration order for enums and literals, else `<`."""
    if typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is Literal:
        values = typing.get_args(annotation)
        rank = {(type(value), value): index for index, value in enumerate(values)}
        return lambda value: rank[type(value), value]
    if isinstance(annotation, type) and issubclass(annotation, enum.StrEnum):
        return {member: index for index, member in enumerate(annotation)}.__getitem__
    return None
