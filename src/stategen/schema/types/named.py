"""The types a spec declares under `types:`, used by name: its enums and records."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ... import serializer
from ..problem import Problem, describe_value, show
from ..rules import Rules
from .base import DefaultCheck, Definitions, FactoryCode, Import, Kind, Sampler, TypeExpr
from .scalars import Str


@dataclass(frozen=True)
class Named(TypeExpr):
    """A type the spec declares under `types:`, by name: an enum or a record."""

    name: str
    kind: Kind

    def __str__(self) -> str:
        return self.name

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        if self.kind == "enum":
            return isinstance(value, str) and value in definitions.enum(self.name).values
        return definitions.record(self.name).accepts(value, definitions)

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        if self.kind == "record":
            yield sampler.record(sampler.definitions.record(self.name))
            return
        values = sampler.definitions.enum(self.name).values
        yield from values if sampler.style == "empty" else reversed(values)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if self.kind == "record":
            return self._record_default(value, check)
        values = check.enums[self.name].values
        if isinstance(value, str) and value in values:
            return value
        listing = ", ".join(v if re.fullmatch(r"[A-Za-z0-9_.+-]+", v) else repr(v) for v in values)
        close = difflib.get_close_matches(value, values, n=1) if isinstance(value, str) else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise Problem(f"{show(value)} is not a member of enum {self.name} ({listing}){hint}")

    def _record_default(self, value: Any, check: DefaultCheck) -> Any:
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            raise Problem(
                f"a {self.name} value is a mapping of its fields, like {{field: value}}, "
                f"got {describe_value(value)}; or use default_factory: {self.name}"
            )
        record = check.records.get(self.name)
        if record is None:  # not read yet: the parser checks it again once every record is
            return value
        # A record value is stored data: its keys are the fields' JSON keys (their aliases).
        for key in value:
            if record.field_at(key) is None:
                raise Problem(
                    f"{self.name} has no field {key!r} (its keys: {', '.join(record.keys)})"
                )
        for item in record.fields:
            if item.required and item.key not in value:
                raise Problem(f"a {self.name} value needs {item.key!r}, which has no default")
        return {
            item.key: item.type.default(value[item.key], check.inner(item.type))
            for item in record.fields
            if item.key in value
        }

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        if self.kind == "enum":
            member = definitions.enum(self.name).member_for(value)
            return serializer.name(f"{self.name}.{serializer.identifier(member.name)}")
        record = definitions.record(self.name)
        arguments = []
        for item in record.fields:
            if item.key in value:
                expression = item.type.python(value[item.key], definitions)
                arguments.append(serializer.Prefixed(f"{item.name}=", expression))
        return serializer.Call(serializer.identifier(self.name), tuple(arguments))

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        if self.kind == "record":
            record = definitions.record(self.name)
            for item in record.fields:
                if item.key in value:
                    yield from item.type.value_imports(value[item.key], definitions)

    def fresh(self, value: Any) -> bool:
        return self.kind == "record"  # a dataclass instance is mutable

    def factory(self) -> FactoryCode | None:
        return FactoryCode(self.name, self.name) if self.kind == "record" else None

    def key_of(self, text: str) -> Any:
        return text if self.kind == "enum" else None  # checked against the members by accepts

    def key_schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.name}"}

    def set_order(self, value: Any, definitions: Definitions) -> Any:
        return definitions.enum(self.name).values.index(value)

    def _widens_to(self, other: TypeExpr) -> bool:
        return self.kind == "enum" and isinstance(other, Str)  # a member's value is text

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.name}"}


def named_types(expr: TypeExpr) -> Iterator[Named]:
    """Every enum and record `expr` uses, outermost first."""
    if isinstance(expr, Named):
        yield expr
    for child in expr.children():
        yield from named_types(child)
