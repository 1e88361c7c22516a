"""A typed, read-only view of one normalized schema (the `schema` answers plus identity keys)."""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..spec import DictOf, Kind, ListOf, Named, Nullable, TypeExpr, parse_type

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

__all__ = [
    "DictOf",
    "Enum",
    "Field",
    "Kind",
    "ListOf",
    "Named",
    "Nullable",
    "Record",
    "Schema",
    "SchemaShapeError",
    "TypeExpr",
    "identifier",
    "is_widening",
    "parse_annotation",
]


class SchemaShapeError(ValueError):
    """The schema data does not have the normalized shape (a bug, or a hand-edited answers file)."""


def identifier(name: object) -> str:
    """`name` if it is a plain Python identifier and not a keyword; else SchemaShapeError."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name) or keyword.iskeyword(name):
        raise SchemaShapeError(f"not an identifier: {name!r}")
    return name


# Type expressions: the spec's own grammar, read back from canonical annotations.


def parse_annotation(text: str, kinds: Mapping[str, Kind]) -> TypeExpr:
    """Parse a canonical annotation (`list[str]`, `Window | None` …); `kinds` maps type names."""
    try:
        return parse_type(text, kinds)
    except ValueError as error:
        raise SchemaShapeError(f"cannot read annotation {text!r}: {error}") from None


def is_widening(old: TypeExpr, new: TypeExpr) -> bool:
    """Whether every JSON value valid for `old` is valid, unchanged, for `new`.

    Covers int → float (a JSON integer loads as a float) and T → T | None, at any depth.
    """
    if old == new:
        return True
    if isinstance(new, Nullable):
        inner_old = old.inner if isinstance(old, Nullable) else old
        return is_widening(inner_old, new.inner)
    if isinstance(old, Named) and isinstance(new, Named):
        return (old.name, new.name) == ("int", "float")
    if isinstance(old, ListOf) and isinstance(new, ListOf):
        return is_widening(old.item, new.item)
    if isinstance(old, DictOf) and isinstance(new, DictOf):
        return is_widening(old.value, new.value)
    return False


# Schema parts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of the root state or of a record."""

    name: str
    annotation: str
    type: TypeExpr
    default: Mapping[str, Any] | None
    renamed_from: str | None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Record:
    """A record type (or the root state): named fields in spec order."""

    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


@dataclass(frozen=True)
class Enum:
    """An enum type; files store member values."""

    name: str
    members: tuple[tuple[str, str], ...]  # (name, value)

    @property
    def values(self) -> list[str]:
        return [value for _, value in self.members]

    def value_of(self, member: str) -> str | None:
        return next((value for name, value in self.members if name == member), None)


@dataclass(frozen=True)
class Schema:
    """One released (or about to be released) schema: what a state file of `version` holds."""

    package: str
    version: str
    root: Record
    records: Mapping[str, Record]
    enums: Mapping[str, Enum]
    history: tuple[str, ...]

    @property
    def state(self) -> str:
        return self.root.name

    def kind_of(self, name: str) -> Kind | None:
        if name in self.enums:
            return "enum"
        if name in self.records:
            return "record"
        return None

    def record_order(self) -> list[str]:
        """Record names in dependency order (a record only uses earlier ones)."""
        return list(self.records)

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> Schema:
        """Read the answers shape: `package`, `state` and the normalized `schema`."""
        try:
            return _read(answers)
        except (KeyError, TypeError, AttributeError) as error:
            raise SchemaShapeError(f"schema data is missing or malformed: {error!r}") from None


def _read(answers: Mapping[str, Any]) -> Schema:
    data = answers["schema"]
    enums = {
        identifier(e["name"]): Enum(
            e["name"], tuple((identifier(m["name"]), str(m["value"])) for m in e["members"])
        )
        for e in data.get("enums") or ()
    }
    kinds: dict[str, Kind] = {name: "enum" for name in enums}
    kinds.update({identifier(r["name"]): "record" for r in data.get("records") or ()})
    records = {
        r["name"]: Record(r["name"], _fields(r["fields"], kinds)) for r in data.get("records") or ()
    }
    root = Record(identifier(answers["state"]), _fields(data["fields"], kinds))
    history = tuple(str(v) for v in data.get("history") or (data["version"],))
    return Schema(
        package=identifier(answers["package"]),
        version=str(data["version"]),
        root=root,
        records=records,
        enums=enums,
        history=history,
    )


def _fields(items: Sequence[Mapping[str, Any]], kinds: Mapping[str, Kind]) -> tuple[Field, ...]:
    fields = []
    for item in items:
        renamed = item.get("renamed_from")
        fields.append(
            Field(
                name=identifier(item["name"]),
                annotation=str(item["annotation"]),
                type=parse_annotation(str(item["annotation"]), kinds),
                default=item.get("default"),
                renamed_from=identifier(renamed) if renamed is not None else None,
            )
        )
    return tuple(fields)
