"""The project's `stategen.yml` written back from a schema, when no spec text was given.

Every value is written as JSON, which YAML reads as flow syntax, with hidden characters
escaped; names are checked identifiers. `stategen new --spec` keeps the user's own file instead.
"""

from __future__ import annotations

import json

from ..schema import Factory, Field, Schema
from ..schema.field_rules import rules_of
from ..schema.text import escape_hidden

_HEADER = (
    "# The state schema of this project. Edit it, set a new version, then run\n"
    "# `stategen bump` to regenerate the model and write the migration."
)


def spec_text(schema: Schema) -> str:
    """The spec that parses back to `schema` (history aside), as text."""
    lines = [
        _HEADER,
        f"name: {json.dumps(schema.name)}",
        f"package: {json.dumps(schema.package)}",
        f"state: {json.dumps(schema.state)}",
        f"version: {json.dumps(str(schema.version))}",
        f"description: {_text(schema.description)}",
    ]
    if schema.enums or schema.records:
        lines.append("types:")
    for enum in schema.enums.values():
        doc = f", doc: {_text(enum.doc)}" if enum.doc else ""
        lines.append(f"  {enum.name}: {{enum: {_text(enum.values)}{doc}}}")
    for record in schema.records.values():
        lines.append(f"  {record.name}:")
        if record.doc:
            lines.append(f"    doc: {_text(record.doc)}")
        lines.append("    fields:")
        lines += [f"      {item.name}: {_field(item)}" for item in record.fields]
    lines.append("fields:")
    lines += [f"  {item.name}: {_field(item)}" for item in schema.fields]
    if schema.progress is not None:
        lines += [
            "progress:",
            f"  items: {schema.progress.items}",
            f"  completed: {schema.progress.completed}",
            f"  failed: {schema.progress.failed}",
        ]
    if schema.postgres:
        lines.append("postgres: true")
    return "\n".join(lines) + "\n"


def _field(item: Field) -> str:
    parts = [f"type: {json.dumps(str(item.type))}"]
    if item.alias is not None:
        parts.append(f"alias: {_text(item.alias)}")
    if isinstance(item.default, Factory):
        parts.append(f"default_factory: {item.default.name}")
    elif item.default is not None:
        parts.append(f"default: {_text(item.default.stored())}")
    parts += [f"{key}: {_text(value)}" for key, value in rules_of(item.type).items()]
    if item.doc:
        parts.append(f"doc: {_text(item.doc)}")
    return "{" + ", ".join(parts) + "}"


def _text(value: object) -> str:
    """JSON, which YAML reads as flow syntax, with hidden characters as YAML escapes."""
    return escape_hidden(json.dumps(value, ensure_ascii=False))
