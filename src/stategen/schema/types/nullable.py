"""`T | None`: a type that also holds null."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ... import serializer
from ..rules import Rules
from .base import DefaultCheck, Definitions, FactoryCode, Import, Sampler, TypeExpr


@dataclass(frozen=True)
class Nullable(TypeExpr):
    """`inner | None`."""

    inner: TypeExpr

    def __str__(self) -> str:
        return f"{self.inner} | None"

    def annotation(self) -> serializer.Node:
        return serializer.OrNone(self.inner.annotation())

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.inner,)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return value is None or self.inner.accepts(value, definitions)

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        if sampler.style == "empty":
            yield None
        else:  # a value, so a migration has one to carry
            yield from self.inner.candidates(name, sampler, rules)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        return None if value is None else self.inner.default(value, check)

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        return serializer.name("None") if value is None else self.inner.python(value, definitions)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        return iter(()) if value is None else self.inner.value_imports(value, definitions)

    def fresh(self, value: Any) -> bool:
        return value is not None and self.inner.fresh(value)

    def factory(self) -> FactoryCode | None:
        return self.inner.factory()

    def allows_null(self) -> bool:
        return True

    def admits(self, narrower: TypeExpr) -> bool:
        return narrower.widens_to(self.inner)

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, Nullable) and self.inner.widens_to(other.inner)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"anyOf": [self.inner.json_schema(definitions), {"type": "null"}]}
