"""Reading a field's constraints (`ge: 0`, `items: {pattern: ...}` …) onto its type.

The same shape is read from a spec and from recorded answers: the rule keys of a field,
and for the parts of a container `items` (a list's, set's or tuple's items; for a tuple of
fixed length, a list with one mapping per position), `keys` and `values` (a dict's), each a
mapping of the same rules, nested as deep as the type is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .problem import Problem, describe_value, show
from .rules import KEYS
from .types import (
    Constrained,
    DictOf,
    FixedTuple,
    ListOf,
    Nullable,
    SetOf,
    TupleOf,
    TypeExpr,
    constrain,
)

#: The keys that put rules on the parts of a container.
PARTS = ("items", "keys", "values")
#: Every key of a field or part mapping that holds a rule.
RULE_KEYS = (*KEYS, *PARTS)


class RuleProblem(Problem):
    """A rule that cannot be; `path` is the key path below the field (`items.ge`)."""

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.path = path


def with_rules(expr: TypeExpr, rules: Mapping[str, Any]) -> TypeExpr:
    """`expr` with the rules of a field's mapping (plain data). Raises RuleProblem."""
    return _apply(expr, rules, ())


def rules_of(expr: TypeExpr) -> dict[str, Any]:
    """The rule keys of a field of type `expr`, the inverse of `with_rules`."""
    if isinstance(expr, Nullable):
        expr = expr.inner
    found: dict[str, Any] = {}
    if isinstance(expr, Constrained):
        found.update(expr.rules.given())
        expr = expr.inner
    if isinstance(expr, ListOf | SetOf | TupleOf):
        _put(found, "items", rules_of(expr.item))
    elif isinstance(expr, FixedTuple):
        positions = [rules_of(item) or None for item in expr.items]
        if any(positions):
            found["items"] = positions
    elif isinstance(expr, DictOf):
        _put(found, "keys", rules_of(expr.key))
        _put(found, "values", rules_of(expr.value))
    return found


def _put(found: dict[str, Any], key: str, rules: dict[str, Any]) -> None:
    if rules:
        found[key] = rules


def _apply(expr: TypeExpr, rules: Mapping[str, Any], path: tuple[str | int, ...]) -> TypeExpr:
    if isinstance(expr, Nullable):
        return Nullable(_apply(expr.inner, rules, path))  # rules hold when there is a value
    for key in rules:
        if key not in RULE_KEYS:
            raise RuleProblem(
                f"unknown rule {key!r}; rules are {', '.join(RULE_KEYS)}", (*path, key)
            )
    for part in PARTS:
        if part in rules:
            expr = _part(expr, part, rules[part], (*path, part))
    own = {key: rules[key] for key in KEYS if key in rules and rules[key] is not None}
    try:
        return constrain(expr, own)
    except Problem as problem:
        message = str(problem)
        culprit = next((key for key in own if message.startswith(key)), None)
        if culprit is None:
            culprit = "pattern" if "pattern" in own else next(iter(own))
        taker = _part_taking(expr, culprit)
        if taker is not None and message.startswith(f"{culprit} does not apply"):
            message += f"; to put it on each of its {taker}, write "
            message += f"{taker}: {{{culprit}: {show(own[culprit])}}}"
        raise RuleProblem(message, (*path, culprit)) from None


def _part_taking(expr: TypeExpr, key: str) -> str | None:
    """The part of the container `expr` (`items`, `values`, `keys`) whose type takes the
    rule `key`, for the hint when the rule was put on the container itself; None if none."""
    expr = _bare(expr)
    parts: list[tuple[str, tuple[TypeExpr, ...]]] = []
    if isinstance(expr, ListOf | SetOf | TupleOf):
        parts = [("items", (expr.item,))]
    elif isinstance(expr, FixedTuple):
        parts = [("items", expr.items)]  # one mapping for every position: all must take it
    elif isinstance(expr, DictOf):
        parts = [("values", (expr.value,)), ("keys", (expr.key,))]
    for part, inners in parts:
        if all(key in _bare(inner).applicable for inner in inners):
            return part
    return None


def _bare(expr: TypeExpr) -> TypeExpr:
    """`expr` without its null and its rules: the type a further rule would apply to."""
    if isinstance(expr, Nullable):
        expr = expr.inner
    return expr.inner if isinstance(expr, Constrained) else expr


def _part(expr: TypeExpr, part: str, rules: Any, path: tuple[str | int, ...]) -> TypeExpr:
    if rules is None:
        return expr
    if part == "items" and isinstance(expr, FixedTuple):
        return _positions(expr, rules, path)
    if part == "items" and isinstance(expr, ListOf | SetOf | TupleOf):
        return type(expr)(_apply(expr.item, _mapping(rules, path), path))
    if part in ("keys", "values") and isinstance(expr, DictOf):
        key = _apply(expr.key, _mapping(rules, path), path) if part == "keys" else expr.key
        value = _apply(expr.value, _mapping(rules, path), path) if part == "values" else expr.value
        return DictOf(key, value)
    where = "list, set and tuple types" if part == "items" else "dict types"
    raise RuleProblem(f"{part}: puts rules on the parts of {where}, not of {expr}", path)


def _positions(expr: FixedTuple, rules: Any, path: tuple[str | int, ...]) -> TypeExpr:
    """Rules on each position of a fixed tuple: one mapping for all, or a list of them."""
    if isinstance(rules, Mapping):
        return FixedTuple(tuple(_apply(item, rules, path) for item in expr.items))
    if not isinstance(rules, list) or len(rules) != len(expr.items):
        raise RuleProblem(
            f"items: of {expr} is a list of {len(expr.items)} mappings (or null), one per "
            f"position, or one mapping for every position; got {describe_value(rules)}",
            path,
        )
    items = []
    for position, (item, rule) in enumerate(zip(expr.items, rules, strict=True)):
        where = (*path, position)
        items.append(item if rule is None else _apply(item, _mapping(rule, where), where))
    return FixedTuple(tuple(items))


def _mapping(rules: Any, path: tuple[str | int, ...]) -> Mapping[str, Any]:
    if not isinstance(rules, Mapping):
        raise RuleProblem(
            f"rules are a mapping like {{ge: 0}} or {{pattern: '[a-z]+'}}, got "
            f"{describe_value(rules)}",
            path,
        )
    return rules
