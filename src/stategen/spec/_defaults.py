"""Field defaults: which values and factories fit which types, as the answers' default kinds."""

from __future__ import annotations

import copy
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ._problem import Problem, describe_value, show
from ._text import encodable
from ._types import DictOf, ListOf, Named, Nullable, TypeExpr

DefaultKind = Literal[
    "literal", "copy", "empty_list", "empty_dict", "enum", "record", "now", "today"
]
#: The built-in factories and the default kind each one makes.
FACTORIES: dict[str, DefaultKind] = {
    "now": "now",
    "today": "today",
    "list": "empty_list",
    "dict": "empty_dict",
}
_COPYABLE = ("str", "int", "float", "bool")


@dataclass(frozen=True)
class Default:
    """A field's default, as one of the kinds of the answers contract."""

    kind: DefaultKind
    #: The value of a literal or copy default. A copy's list or dict is never handed out:
    #: `to_answer` returns a deep copy. (Left out of the hash, as lists do not hash.)
    value: Any = field(default=None, hash=False)
    enum: str | None = None
    member: str | None = None
    record: str | None = None

    def to_answer(self) -> dict[str, Any]:
        """This default as answers data, e.g. `{"kind": "enum", "enum": "Status", ...}`."""
        if self.kind in ("literal", "copy"):
            return {"kind": self.kind, "value": copy.deepcopy(self.value)}
        if self.kind == "enum":
            return {"kind": "enum", "enum": self.enum, "member": self.member}
        if self.kind == "record":
            return {"kind": "record", "record": self.record}
        return {"kind": self.kind}


def from_value(expr: TypeExpr, value: Any, enums: Mapping[str, Mapping[str, str]]) -> Default:
    """The default for `default: value` on a field of type `expr`.

    `enums` maps each enum name to its values and their member names. Raises `Problem`.
    """
    return _Values(expr, enums).default(expr, value)


def from_factory(expr: TypeExpr, factory: Any, records: Mapping[str, str | None]) -> Default:
    """The default for `default_factory: factory` on a field of type `expr`.

    `records` maps each record name to one of its fields that has no default, or None when
    the record can be built without arguments. Raises `Problem`.
    """
    if not isinstance(factory, str):
        raise Problem(
            f"default_factory names a factory ({_factories(records)}), got {show(factory)}"
        )
    target = expr.inner if isinstance(expr, Nullable) else expr
    expected = _factory_for(target)
    if factory not in (*FACTORIES, *records):
        close = difflib.get_close_matches(factory, [*FACTORIES, *records], n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise Problem(f"unknown default_factory {show(factory)}; {hint}use {_factories(records)}")
    if factory != expected:
        makes = {"now": "a datetime", "today": "a date", "list": "a list", "dict": "a dict"}
        what = makes.get(factory, f"a {factory}")
        instead = (
            f"use default_factory: {expected}"
            if expected
            else "use default: <value> for a fixed value"
        )
        raise Problem(f"default_factory {factory} makes {what}, but the type is {expr}; {instead}")
    if factory in records and records[factory] is not None:
        raise Problem(
            f"default_factory {factory} needs every {factory} field to have a default, but "
            f"{records[factory]!r} has none; give it one, or drop default_factory"
        )
    if factory in records:
        return Default("record", record=factory)
    return Default(FACTORIES[factory])


def _factory_for(target: TypeExpr) -> str | None:
    if isinstance(target, ListOf):
        return "list"
    if isinstance(target, DictOf):
        return "dict"
    if isinstance(target, Named) and target.kind == "record":
        return target.name
    if target == Named("datetime", "scalar"):
        return "now"
    if target == Named("date", "scalar"):
        return "today"
    return None


def _factories(records: Mapping[str, str | None]) -> str:
    builtin = "now (datetime), today (date), list or dict"
    return f"{builtin}, or a record type ({', '.join(records)})" if records else builtin


class _Values:
    """Checks a `default:` value against the declared type, converting where the type says so."""

    def __init__(self, declared: TypeExpr, enums: Mapping[str, Mapping[str, str]]) -> None:
        self.declared = declared
        self.enums = enums

    def default(self, expr: TypeExpr, value: Any) -> Default:
        if isinstance(expr, Nullable):
            return Default("literal", None) if value is None else self.default(expr.inner, value)
        if value is None:
            raise Problem(
                f"null is only allowed for an optional type; write '{expr} | None', "
                "or leave out default to make the field required"
            )
        if isinstance(expr, ListOf | DictOf):
            return self.container(expr, value)
        if expr.kind == "enum":
            return self.enum(expr.name, value)
        if expr.kind == "record":
            raise Problem(
                f"a {expr.name} default is made by default_factory: {expr.name}, not default:"
            )
        return Default("literal", self.scalar(expr.name, value))

    def container(self, expr: ListOf | DictOf, value: Any) -> Default:
        want = list if isinstance(expr, ListOf) else dict
        if type(value) is not want:
            example = "[] or [a, b]" if want is list else "{} or {key: value}"
            raise self.mismatch(value, f"; write a {want.__name__} like {example}")
        if not value:
            return Default("empty_list" if want is list else "empty_dict")
        item = expr.item if isinstance(expr, ListOf) else expr.value
        if not (isinstance(item, Named) and item.name in _COPYABLE):
            raise Problem(
                f"a non-empty default for {expr} is not supported (only for items of type "
                f"{', '.join(_COPYABLE)}); use default: {'[]' if want is list else '{}'}"
            )
        if isinstance(value, list):
            return Default("copy", [self.scalar(item.name, element) for element in value])
        copied = {}
        for key, element in value.items():
            if not isinstance(key, str):
                raise Problem(f"dict keys are text, got {describe_value(key)}; quote it")
            copied[encodable(key, "a dict key")] = self.scalar(item.name, element)
        return Default("copy", copied)

    def enum(self, name: str, value: Any) -> Default:
        members = self.enums[name]
        if isinstance(value, str) and value in members:
            return Default("enum", enum=name, member=members[value])
        listing = ", ".join(v if re.fullmatch(r"[A-Za-z0-9_.+-]+", v) else repr(v) for v in members)
        close = (
            difflib.get_close_matches(value, list(members), n=1) if isinstance(value, str) else []
        )
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise Problem(f"{show(value)} is not a member of enum {name} ({listing}){hint}")

    def scalar(self, name: str, value: Any) -> Any:
        if name == "str" and isinstance(value, str):
            return encodable(value, "the default")
        if name == "bool" and isinstance(value, bool):
            return value
        if name == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if name == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:
                raise self.mismatch(value, "; it is too large for a float") from None
            if not math.isfinite(number):
                raise self.mismatch(value, "; only finite numbers are allowed")
            return number
        if name in ("datetime", "date"):
            factory = "now" if name == "datetime" else "today"
            raise Problem(
                f"a fixed {name} default is not supported; use default_factory: {factory}, "
                f"or make the type '{name} | None' with default: null"
            )
        raise self.mismatch(value, _hint(name, value))

    def mismatch(self, value: Any, hint: str) -> Problem:
        return Problem(
            f"the default {describe_value(value)} does not fit the type {self.declared}{hint}"
        )


def _hint(name: str, value: Any) -> str:
    if isinstance(value, str) and name in ("int", "float"):
        if re.fullmatch(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?", value.strip()):
            return "; write the number without quotes"
        if value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity", ".nan", ".inf"):
            return "; only finite numbers are allowed"
    if name == "bool":
        return "; write true or false"
    if name == "int" and isinstance(value, bool):
        return "; true and false are booleans, write a number"
    if name == "int" and isinstance(value, float):
        return "; write a whole number, or use the type float"
    if name == "str" and not isinstance(value, list | dict):
        return "; quote it to make it text"
    return ""
