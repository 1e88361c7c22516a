"""Types built from others: `list`, `set`, `tuple`, `dict` and `T | None`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...codegen import serializer
from ..problem import Problem, describe_value, show
from ..rules import LENGTHS, Rules
from .base import (
    NO_RULES,
    DefaultCheck,
    Definitions,
    FactoryCode,
    Import,
    Sampler,
    TypeExpr,
    encodable,
)
from .scalars import Str, lengths_schema

#: The factories of empty containers (an empty default is also built by one).
EMPTY_LIST = FactoryCode("list", "list")
EMPTY_DICT = FactoryCode("dict", "dict")
EMPTY_SET = FactoryCode("set", "set")
#: Sample values drawn from a type before giving up on finding one more distinct item.
_DRAWS = 64
_MISSING = object()


class _Sized(TypeExpr):
    """A container: `min_length` and `max_length` count its items."""

    applicable = frozenset(LENGTHS)

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        return lengths_schema(rules, "minItems", "maxItems")


def _count(sampler: Sampler, rules: Rules) -> int:
    """How many items a sample of the sampler's style holds, within the length rules."""
    wanted = max({"fixture": 1, "full": 2, "empty": 0}[sampler.style], rules.min_length or 0)
    return wanted if rules.max_length is None else min(wanted, rules.max_length)


def _items(item: TypeExpr, name: str, sampler: Sampler, count: int, unique: bool) -> list[Any]:
    """`count` sample items (fewer if the type has no more distinct ones).

    A `full` sample's second item is of the other extreme, so a container holds both.
    """
    picked: list[Any] = []
    if not count:
        return picked
    seen: set[Any] = set()
    main = iter(item.candidates(name, sampler, NO_RULES))
    other = iter(item.candidates(name, sampler.other(), NO_RULES)) if count > 1 else main
    for position in range(count):
        streams = (other, main) if position == 1 else (main,)
        for stream in streams:
            value = _next_new(stream, seen if unique else None)
            if value is not _MISSING:
                picked.append(value)
                break
        else:
            if not picked:
                raise Problem(f"no {item} value keeps every rule it has")
            break
    return picked


def _next_new(stream: Iterator[Any], seen: set[Any] | None) -> Any:
    for value in itertools.islice(stream, _DRAWS):
        if seen is None:
            return value
        key = (type(value), value)
        if key not in seen:
            seen.add(key)
            return value
    return _MISSING


def _listed(value: Any, check: DefaultCheck, example: str) -> list[Any]:
    if type(value) is not list:
        raise check.mismatch(value, f"; write a list like {example}")
    return value


@dataclass(frozen=True)
class ListOf(_Sized):
    """`list[item]`."""

    item: TypeExpr

    def __str__(self) -> str:
        return f"list[{self.item}]"

    def annotation(self) -> serializer.Node:
        return serializer.subscript("list", self.item.annotation())

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.item,)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, list) and all(self.item.accepts(v, definitions) for v in value)

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        yield _items(self.item, name, sampler, _count(sampler, rules), unique=False)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        items = _listed(value, check, "[] or [a, b]")
        return [self.item.default(element, check) for element in items]

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        items = tuple(self.item.python(element, definitions) for element in value)
        return serializer.Collection("[", "]", items)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        for element in value:
            yield from self.item.value_imports(element, definitions)

    def fresh(self, value: Any) -> bool:
        return True

    def factory(self) -> FactoryCode | None:
        return EMPTY_LIST

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, ListOf | TupleOf) and self.item.widens_to(other.item)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json_schema(definitions)}


@dataclass(frozen=True)
class SetOf(_Sized):
    """`set[item]`: an array without repeats, saved sorted so equal sets save equal bytes."""

    item: TypeExpr

    def __str__(self) -> str:
        return f"set[{self.item}]"

    def annotation(self) -> serializer.Node:
        return serializer.subscript("set", self.item.annotation())

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.item,)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        if not ListOf(self.item).accepts(value, definitions):
            return False
        return len({(type(v), v) for v in value}) == len(value)

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        items = _items(self.item, name, sampler, _count(sampler, rules), unique=True)
        yield self._sorted(items, sampler.definitions)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        items = [
            self.item.default(element, check) for element in _listed(value, check, "[] or [a, b]")
        ]
        for position, element in enumerate(items):
            if (type(element), element) in {(type(v), v) for v in items[:position]}:
                raise Problem(f"{show(element)} is listed twice in a set; remove one")
        return self._sorted(items, check)

    def _sorted(self, items: list[Any], definitions: Any) -> list[Any]:
        return sorted(items, key=lambda element: self.item.set_order(element, definitions))

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        items = tuple(self.item.python(element, definitions) for element in value)
        return serializer.Collection("{", "}", items)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        for element in value:
            yield from self.item.value_imports(element, definitions)

    def fresh(self, value: Any) -> bool:
        return True

    def factory(self) -> FactoryCode | None:
        return EMPTY_SET

    def _widens_to(self, other: TypeExpr) -> bool:
        # Sorted and without repeats, a saved set is also a valid list or tuple.
        return isinstance(other, SetOf | ListOf | TupleOf) and self.item.widens_to(other.item)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json_schema(definitions), "uniqueItems": True}


@dataclass(frozen=True)
class TupleOf(_Sized):
    """`tuple[item, ...]`: an immutable sequence of any length."""

    item: TypeExpr

    def __str__(self) -> str:
        return f"tuple[{self.item}, ...]"

    def annotation(self) -> serializer.Node:
        return serializer.subscript("tuple", self.item.annotation(), serializer.name("..."))

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.item,)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return ListOf(self.item).accepts(value, definitions)

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        yield _items(self.item, name, sampler, _count(sampler, rules), unique=False)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        return ListOf(self.item).default(value, check)

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        items = tuple(self.item.python(element, definitions) for element in value)
        return serializer.Collection("(", ")", items)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        return ListOf(self.item).value_imports(value, definitions)

    def fresh(self, value: Any) -> bool:
        return any(self.item.fresh(element) for element in value)

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, ListOf | TupleOf) and self.item.widens_to(other.item)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return ListOf(self.item).json_schema(definitions)


@dataclass(frozen=True)
class FixedTuple(_Sized):
    """`tuple[A, B, ...]`: exactly one item of each type, in order."""

    items: tuple[TypeExpr, ...]

    def __str__(self) -> str:
        return f"tuple[{', '.join(map(str, self.items))}]"

    def annotation(self) -> serializer.Node:
        return serializer.subscript("tuple", *(item.annotation() for item in self.items))

    def children(self) -> tuple[TypeExpr, ...]:
        return self.items

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return (
            isinstance(value, list)
            and len(value) == len(self.items)
            and all(t.accepts(v, definitions) for t, v in zip(self.items, value, strict=True))
        )

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        values = []
        for position, item in enumerate(self.items):
            use = sampler.other() if sampler.style == "full" and position % 2 else sampler
            values.append(item.sample(name, use))
        yield values

    def default(self, value: Any, check: DefaultCheck) -> Any:
        example = "[" + ", ".join("..." for _ in self.items) + "]"
        items = _listed(value, check, example)
        if len(items) != len(self.items):
            raise check.mismatch(value, f"; write {len(self.items)} items, like {example}")
        return [t.default(v, check) for t, v in zip(self.items, items, strict=True)]

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        nodes = tuple(t.python(v, definitions) for t, v in zip(self.items, value, strict=True))
        return serializer.Collection("(", ")", nodes)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        for item, element in zip(self.items, value, strict=True):
            yield from item.value_imports(element, definitions)

    def fresh(self, value: Any) -> bool:
        return any(t.fresh(v) for t, v in zip(self.items, value, strict=True))

    def _widens_to(self, other: TypeExpr) -> bool:
        if isinstance(other, FixedTuple):
            return len(other.items) == len(self.items) and all(
                mine.widens_to(theirs) for mine, theirs in zip(self.items, other.items, strict=True)
            )
        return isinstance(other, ListOf | TupleOf) and all(
            item.widens_to(other.item) for item in self.items
        )

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {
            "type": "array",
            "prefixItems": [item.json_schema(definitions) for item in self.items],
            "items": False,
            "minItems": len(self.items),
        }


@dataclass(frozen=True)
class DictOf(_Sized):
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
        count = _count(sampler, rules)
        if sampler.style == "fixture" and self.key == Str() and count == 1:
            keys = [f"{name}-key"]  # what fixtures have always held
        else:
            keys = [
                self.key.key_text(key)
                for key in _items(self.key, name, sampler, count, unique=True)
            ]
        values = _items(self.value, name, sampler, len(keys), unique=False)
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
