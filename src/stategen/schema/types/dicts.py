"""`dict[K, V]`: a JSON object, each key written as the one text of its value."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ... import serializer
from ..problem import Problem, describe_value, show
from ..rules import Rules
from .base import DefaultCheck, Definitions, FactoryCode, Import, Sampler, TypeExpr, encodable
from .scalars import Str, lengths_schema
from .sized import EMPTY_DICT, Sized, sample_count, sample_items


@dataclass(frozen=True)
class DictOf(Sized):
    """`dict[key, value]`: an object, each key written as the one text of its value."""

    key: TypeExpr
    value: TypeExpr

    def __str__(self) -> str:
        return f"dict[{self.key}, {self.value}]"

    def annotation(self) -> serializer.Node:
        return serializer.subscript("dict", self.key.annotation(), self.value.annotation())

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.key, self.value)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        if not isinstance(value, dict):
            return False
        for text, element in value.items():
            key = self.key.key_of(text) if isinstance(text, str) else None
            if key is None or not self.key.accepts(key, definitions):
                return False
            if not self.value.accepts(element, definitions):
                return False
        return True

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        count = sample_count(sampler, rules)
        if sampler.style == "fixture" and self.key == Str() and count == 1:
            keys = [f"{name}-key"]  # what fixtures have always held
        else:
            keys = [
                self.key.key_text(key)
                for key in sample_items(self.key, name, sampler, count, unique=True)
            ]
        values = sample_items(self.value, name, sampler, len(keys), unique=False)
        yield dict(zip(keys, values, strict=True))

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if type(value) is not dict:
            raise check.mismatch(value, "; write a dict like {} or {key: value}")
        converted = {}
        for key, element in value.items():
            text = self._key_default(key, check)
            converted[text] = self.value.default(element, check)
        return converted

    def _key_default(self, key: Any, check: DefaultCheck) -> str:
        if isinstance(key, int) and not isinstance(key, bool) and self.key.key_of(str(key)) == key:
            key = str(key)  # YAML reads `{7: x}` with a number key
        if not isinstance(key, str):
            raise Problem(f"dict keys are text, got {describe_value(key)}; quote it")
        encodable(key, "a dict key")
        stored = self.key.key_of(key)
        if stored is None:
            raise Problem(f"the key {show(key)} is not a {self.key} written as a dict key")
        return self.key.key_text(self.key.default(stored, check))

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        entries = []
        for text, element in value.items():
            key = self.key.python(self.key.key_of(text), definitions).inline()
            entries.append(serializer.Prefixed(key + ": ", self.value.python(element, definitions)))
        return serializer.Collection("{", "}", tuple(entries))

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        for text, element in value.items():
            yield from self.key.value_imports(self.key.key_of(text), definitions)
            yield from self.value.value_imports(element, definitions)

    def fresh(self, value: Any) -> bool:
        return True

    def factory(self) -> FactoryCode | None:
        return EMPTY_DICT

    def _widens_to(self, other: TypeExpr) -> bool:
        return (
            isinstance(other, DictOf)
            and self.key.widens_to(other.key)
            and self.value.widens_to(other.value)
        )

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": self.value.json_schema(definitions),
        }
        names = self.key.key_schema()
        if names:
            schema["propertyNames"] = names
        return schema

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        return lengths_schema(rules, "minProperties", "maxProperties")
