"""What every container type shares: length rules, sample items, the empty factories."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ..problem import Problem
from ..rules import LENGTHS, Rules
from .base import NO_RULES, DefaultCheck, FactoryCode, Sampler, TypeExpr
from .scalars import lengths_schema

#: The factories of empty containers (an empty default is also built by one).
EMPTY_LIST = FactoryCode("list", "list")
EMPTY_DICT = FactoryCode("dict", "dict")
EMPTY_SET = FactoryCode("set", "set")
#: Sample values drawn from a type before giving up on finding one more distinct item.
_DRAWS = 64
_MISSING = object()


class Sized(TypeExpr):
    """A container: `min_length` and `max_length` count its items."""

    applicable = frozenset(LENGTHS)

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        return lengths_schema(rules, "minItems", "maxItems")


def sample_count(sampler: Sampler, rules: Rules) -> int:
    """How many items a sample of the sampler's style holds, within the length rules."""
    wanted = max({"fixture": 1, "full": 2, "empty": 0}[sampler.style], rules.min_length or 0)
    return wanted if rules.max_length is None else min(wanted, rules.max_length)


def sample_items(
    item: TypeExpr, name: str, sampler: Sampler, count: int, unique: bool
) -> list[Any]:
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


def listed(value: Any, check: DefaultCheck, example: str) -> list[Any]:
    if type(value) is not list:
        raise check.mismatch(value, f"; write a list like {example}")
    return value
