"""Which operation a field's new type is: a widening, a rule change, or a conversion.

A widening, looser or tighter rules, Literal values gained or lost, or a change of type
that needs its values converted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..schema import (
    Constrained,
    DictOf,
    FixedTuple,
    ListOf,
    LiteralOf,
    Nullable,
    SetOf,
    TupleOf,
    TypeExpr,
)
from ..schema.field_rules import rules_of
from ..schema.types.literal import spelling
from .hints import conversion_hint
from .operations import (
    AddLiteralValue,
    ChangeType,
    LoosenRules,
    RemoveLiteralValue,
    Retype,
    TightenRules,
    WidenType,
)


def retype(scope: str, field: str, old: TypeExpr, new: TypeExpr) -> Retype:
    """The operation that changes `scope.field` from type `old` to type `new` (not equal)."""
    common = (scope, field, str(old))
    same_shape = _bare(old) == _bare(new)
    literals_moved = _literals(old) != _literals(new)
    if old.widens_to(new):
        if same_shape and not literals_moved:
            return LoosenRules(*common, str(new), _rules_change(old, new))
        if same_shape and _without_rules(old) != _without_rules(new):
            return AddLiteralValue(*common, str(new), _values(_literals(new) - _literals(old)))
        return WidenType(*common, str(new))
    if _without_rules(old).widens_to(_without_rules(new)):
        rules = _rules_text(rules_of(new))
        return TightenRules(*common, str(new), _rules_change(old, new), rules)
    if same_shape and literals_moved:
        return RemoveLiteralValue(*common, str(new), _values(_literals(old) - _literals(new)))
    return ChangeType(*common, str(new), conversion_hint(old, new))


def _map(expr: TypeExpr, change: Callable[[TypeExpr], TypeExpr]) -> TypeExpr:
    """`expr` with `change` applied to every node, innermost first."""
    if isinstance(expr, Constrained):
        expr = Constrained(_map(expr.inner, change), expr.rules)
    elif isinstance(expr, Nullable):
        expr = Nullable(_map(expr.inner, change))
    elif isinstance(expr, ListOf | SetOf | TupleOf):
        expr = type(expr)(_map(expr.item, change))
    elif isinstance(expr, FixedTuple):
        expr = FixedTuple(tuple(_map(item, change) for item in expr.items))
    elif isinstance(expr, DictOf):
        expr = DictOf(_map(expr.key, change), _map(expr.value, change))
    return change(expr)


def _without_rules(expr: TypeExpr) -> TypeExpr:
    return _map(expr, lambda node: node.inner if isinstance(node, Constrained) else node)


def _bare(expr: TypeExpr) -> TypeExpr:
    """The type without its rules and with every Literal emptied: its shape."""
    return _map(
        _without_rules(expr), lambda node: LiteralOf(()) if isinstance(node, LiteralOf) else node
    )


def _literals(expr: TypeExpr) -> set[tuple[type, Any]]:
    found: set[tuple[type, Any]] = set()
    if isinstance(expr, LiteralOf):
        found.update((type(value), value) for value in expr.values)
    for child in expr.children():
        found |= _literals(child)
    return found


def _values(values: set[tuple[type, Any]]) -> str:
    return ", ".join(sorted(spelling(value) for _, value in values))


def _rules_change(old: TypeExpr, new: TypeExpr) -> str:
    return f"{_rules_text(rules_of(old)) or 'none'} → {_rules_text(rules_of(new)) or 'none'}"


def _rules_text(rules: dict[str, Any], path: str = "") -> str:
    """`ge=0, items.max_length=3`: the rules of a field, flat."""
    parts = []
    for key, value in rules.items():
        where = f"{path}{key}"
        if isinstance(value, dict):
            parts.append(_rules_text(value, f"{where}."))
        elif isinstance(value, list):
            parts += [
                _rules_text(item, f"{where}[{position}].")
                for position, item in enumerate(value)
                if item
            ]
        else:
            parts.append(f"{where}={_shown(value)}")
    return ", ".join(part for part in parts if part)


def _shown(value: Any) -> str:
    return json.dumps(value)  # escaped: a pattern may hold quotes or line breaks
