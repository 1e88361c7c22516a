"""Types of items in a row: `list[T]`, `set[T]`, `tuple[T, ...]` and `tuple[A, B]`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ... import serializer
from ..problem import Problem, show
from ..rules import Rules
from .base import DefaultCheck, Definitions, FactoryCode, Import, Sampler, TypeExpr
from .sized import EMPTY_LIST, EMPTY_SET, Sized, listed, sample_count, sample_items


@dataclass(frozen=True)
class ListOf(Sized):
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
        yield sample_items(self.item, name, sampler, sample_count(sampler, rules), unique=False)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        items = listed(value, check, "[] or [a, b]")
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
class SetOf(Sized):
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
        items = sample_items(self.item, name, sampler, sample_count(sampler, rules), unique=True)
        yield self._sorted(items, sampler.definitions)

    def default(self, value: Any, check: DefaultCheck) -> Any:
        items = [
            self.item.default(element, check) for element in listed(value, check, "[] or [a, b]")
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
class TupleOf(Sized):
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
        yield sample_items(self.item, name, sampler, sample_count(sampler, rules), unique=False)

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
class FixedTuple(Sized):
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
        items = listed(value, check, example)
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
