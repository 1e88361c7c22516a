"""Whether a field's rules leave it any value: stategen builds one of each sample style."""

from __future__ import annotations

from typing import get_args

from ..schema import Constrained, Field, Sampler, Schema, TypeExpr
from ..schema.problem import Problem
from ..schema.types import Style


def check_samples(field: Field, schema: Schema) -> None:
    """Raise Problem when no value of `field` keeps all of its rules together.

    Each rule is checked on its own when it is read; only together can they leave nothing
    (`pattern: "[a-z]{3}"` with `max_length: 2`, a set of two booleans with `min_length:
    3`). The samples the generated tests and fixtures use are the proof that they do not.
    """
    if not _has_rules(field.type):
        return
    for style in get_args(Style):
        value = field.type.sample(field.name, Sampler(schema, style))
        if not field.type.accepts(value, schema):  # pragma: no cover - a sampler bug
            raise Problem(
                f"stategen built the sample {value!r}, which breaks the field's own rules; "
                "please report this"
            )


def _has_rules(expr: TypeExpr) -> bool:
    return isinstance(expr, Constrained) or any(_has_rules(child) for child in expr.children())
