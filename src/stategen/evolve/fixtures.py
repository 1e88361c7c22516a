"""Sample state files of a schema version: deterministic, derived from the schema alone."""

from __future__ import annotations

import json
from typing import Any

from ..schema import Sampler, Schema


def sample_data(schema: Schema) -> dict[str, Any]:
    """A state of `schema` with every field set, as stored (without the version key).

    Deterministic: the same schema always gives the same data. Optional fields hold a value,
    containers one item, enums their last member, so a migration has something to carry.
    """
    return Sampler(schema).record(schema.root)


def fixture_for(schema: Schema) -> str:
    """The state file of `schema`'s version holding its sample data, as text."""
    document = {"version": str(schema.version), **sample_data(schema)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
