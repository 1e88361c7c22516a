"""The JSON Schema (draft 2020-12) of a state file of one schema version.

Editors validate hand edits with it, and programs in other languages read the files by it.
It says what JSON Schema can: the keys, each value's JSON form, enums, records, lengths,
patterns and numeric bounds. What it cannot say (a bound on a date, a duration or a decimal
other than zero; an integer written 3.0) the generated library still checks; see
docs/spec-reference.md, "JSON Schema".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .schema import Field, Schema, Value
from .schema.patterns import anchored

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: The checksum entry the library writes last; hand-written files may leave it out.
CHECKSUM = {"type": "string", "pattern": anchored("[0-9a-f]{8}")}
#: The generation a snapshot names when a journal extends it (journal mode).
GENERATION = {"type": "string", "pattern": anchored("[0-9a-f]{16}")}


def json_schema(schema: Schema) -> dict[str, Any]:
    """The JSON Schema of a state file of `schema`'s version, as plain data."""
    definitions: dict[str, Any] = {}
    for enum in schema.enums.values():
        definitions[enum.name] = _described({"enum": enum.values}, enum.doc)
    for record in schema.records.values():
        definitions[record.name] = _described(_object(record.fields, schema), record.doc)
    root = _object(schema.fields, schema)
    root["properties"] = {
        "version": {"const": str(schema.version)},
        **root["properties"],
        "#generation": GENERATION,
        "#crc32": CHECKSUM,
    }
    # The library reads a file without "version" (written before versioning) as the first
    # released version: only that version's schema lets it out.
    first = schema.history[0] == schema.version
    root["required"] = [*([] if first else ["version"]), *root["required"]]
    document = {
        "$schema": DRAFT,
        "title": f"{schema.state} {schema.version}",
        **({"description": schema.description} if schema.description else {}),
        **root,
    }
    if definitions:
        document["$defs"] = definitions
    return document


def json_schema_text(schema: Schema) -> str:
    """The JSON Schema as a file holds it: indented JSON ending with a newline."""
    return json.dumps(json_schema(schema), indent=2, ensure_ascii=False) + "\n"


def _object(fields: Iterable[Field], schema: Schema) -> dict[str, Any]:
    properties = {}
    required = []
    for item in fields:
        property_schema = _described(item.type.json_schema(schema), item.doc)
        if isinstance(item.default, Value):
            property_schema["default"] = item.default.stored()
        properties[item.key] = property_schema  # the JSON key: the alias, if any
        if item.required:
            required.append(item.key)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _described(schema: dict[str, Any], doc: str | None) -> dict[str, Any]:
    return {**schema, "description": doc} if doc else schema
