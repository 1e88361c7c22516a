"""The template's answers: the schema answers plus everything computed for the templates.

The templates only loop and substitute. What they substitute is computed here, from the
schema, and stored with the answers under `schema.code`, because a plain `copier update`
re-renders from the stored answers alone (see docs/internals.md).
"""

from __future__ import annotations

from typing import Any

from .. import serializer
from ..answers import to_answers
from ..schema import Sampler, Schema
from ..schema.reserved import RUNTIME_ERRORS
from .model import model_code
from .spec_text import spec_text


def template_answers(schema: Schema) -> dict[str, Any]:
    """The answers `stategen` passes to Copier for `schema`: plain data."""
    answers = to_answers(schema)
    answers["schema"]["code"] = {
        "model": model_code(schema),
        "package": _package_names(schema),
        "history": _history(schema),
        "spec": spec_text(schema),
        "samples": _sample_states(schema),
        "progress": _progress_keys(schema),
    }
    return answers


def _progress_keys(schema: Schema) -> dict[str, str] | None:
    """The JSON keys (as literals) of the progress fields: the resume helpers' JSON Patch
    paths name keys of the stored state, which an alias makes differ from the names."""
    progress = schema.progress
    if progress is None:
        return None
    keys = {item.name: item.key for item in schema.fields}
    return {
        role: serializer.string(keys[name])
        for role, name in (
            ("items", progress.items),
            ("completed", progress.completed),
            ("failed", progress.failed),
        )
    }


def _package_names(schema: Schema) -> dict[str, list[str]]:
    """The names `__init__.py` imports and exports, in ruff's isort order."""
    types = [schema.state, *schema.enums, *schema.records]
    exports = [
        schema.state,
        f"{schema.state}Manager",
        *RUNTIME_ERRORS,
        *schema.enums,
        *schema.records,
    ]
    return {
        "errors": sorted(RUNTIME_ERRORS, key=str.lower),
        "model": ["SCHEMA_VERSION", *sorted(types, key=str.lower)],
        "exports": [
            serializer.string(name) for name in ["SCHEMA_VERSION", *sorted(exports, key=str.lower)]
        ],
    }


def _sample_states(schema: Schema) -> str:
    """The `STATES` of the generated tests' `_samples.py`: the state at both extremes, stored.

    Computed by the schema's own samplers, so every type and rule of the spec has a value in
    the tests' round trips, and every value keeps its field's rules.
    """
    states = tuple(
        serializer.exploded(serializer.literal(Sampler(schema, style).record(schema.root)))
        for style in ("full", "empty")
    )
    value = serializer.Collection("(", ")", states, exploded=True)
    return "\n".join(serializer.assignment("STATES: tuple[dict[str, Any], ...]", value, 0))


def _history(schema: Schema) -> str:
    """The `HISTORY` assignment of the migrations package: every released version."""
    versions = tuple(serializer.literal(str(version)) for version in schema.history)
    value = serializer.Collection("(", ")", versions, exploded=len(versions) > 1)
    return "\n".join(serializer.assignment("HISTORY: tuple[str, ...]", value, 0))
