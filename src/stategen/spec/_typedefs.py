"""The `types:` section: enums and records, declared before any field uses them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .._yaml import YamlList, YamlMap, YamlScalar, index
from ..schema import Enum, Kind, Member, Record, named_types
from ..schema.problem import show
from . import _names
from ._text import free_text
from ._walk import Entry, Walker, describe, is_null

TYPE_KEYS = ("enum", "fields", "doc")
FIELDS_HINT = "a mapping of field names to types, e.g. {batch_id: str}"


@dataclass(frozen=True)
class RecordDraft:
    """A record between the two passes: declared, its fields not yet read."""

    name: str
    fields: YamlMap
    fields_path: str
    doc: str | None
    line: int


@dataclass
class Declared:
    """What the `types:` section declares, as the field parser needs it."""

    enums: dict[str, Enum] = field(default_factory=dict)
    records: list[RecordDraft] = field(default_factory=list)
    kinds: dict[str, Kind] = field(default_factory=dict)
    #: record name -> one of its fields without a default (None: buildable without arguments)
    required_field: dict[str, str | None] = field(default_factory=dict)


def read_types(walker: Walker, entry: Entry | None, state: str) -> Declared:
    """Read the `types:` section of a spec whose root class is `state`."""
    declared = Declared()
    if entry is None or is_null(entry):
        return declared
    node = walker.mapping(entry.value, entry.path, "a mapping of type names to types")
    for item in walker.entries(node, entry.path):
        with walker.at(item.key.line, item.path):
            name = _names.type_name(item.key.value, state=state)
        what = "a type: {enum: [a, b]} or {fields: {name: type}}"
        body = walker.keys(walker.mapping(item.value, item.path, what), item.path, TYPE_KEYS)
        if ("enum" in body) == ("fields" in body):
            problem = (
                "a type has enum: or fields:, not both"
                if "enum" in body
                else "a type needs enum: [...] (for an enum) or fields: {...} (for a record)"
            )
            raise walker.error(item.value.line, item.path, problem)
        doc = walker.free_text(body.get("doc"), "a doc")
        if "enum" in body:
            members = _members(walker, body["enum"])
            pairs = tuple(Member(m, v) for m, v in members.items())
            declared.enums[name] = Enum(name, pairs, doc)
            declared.kinds[name] = "enum"
        else:
            fields = body["fields"]
            node = walker.mapping(fields.value, fields.path, FIELDS_HINT)
            if not node.entries:
                raise walker.error(
                    node.line, fields.path, f"a record needs at least one field: {FIELDS_HINT}"
                )
            declared.required_field[name] = _first_required(node)
            declared.records.append(RecordDraft(name, node, fields.path, doc, item.key.line))
            declared.kinds[name] = "record"
    return declared


def _members(walker: Walker, entry: Entry) -> dict[str, str]:
    """Member name -> value, in spec order."""
    node = entry.value
    if not isinstance(node, YamlList) or not node.items:
        raise walker.error(
            node.line,
            entry.path,
            f"enum needs a non-empty list of values like [pending, done], got {describe(node)}",
        )
    members: dict[str, str] = {}
    for position, item in enumerate(node.items):
        path = index(entry.path, position)
        if not (isinstance(item, YamlScalar) and isinstance(item.value, str)) or not item.value:
            quotable = isinstance(item, YamlScalar) and item.value not in (None, "")
            hint = "; quote it" if quotable else ""
            raise walker.error(
                item.line, path, f"enum values must be non-empty text, got {describe(item)}{hint}"
            )
        value = item.value
        with walker.at(item.line, path):
            free_text(value, "an enum value")
            member = _names.member_name(value)
        if value in members.values():
            raise walker.error(
                item.line, path, f"the value {show(value)} is listed twice; remove one"
            )
        if member in members:
            raise walker.error(
                item.line,
                path,
                f"the values {show(members[member])} and {show(value)} both give the member "
                f"name {member}; make them differ in more than punctuation or case",
            )
        members[member] = value
    return members


def _first_required(fields: YamlMap) -> str | None:
    """A field written without default or default_factory, or None if every field has one."""
    for key, value in fields.entries:
        body = value.entries if isinstance(value, YamlMap) else ()
        if not {k.value for k, _ in body} & {"default", "default_factory"}:
            return str(key.value)
    return None


def dependency_order(walker: Walker, records: Iterable[Record]) -> dict[str, Record]:
    """`records` by name, each one after the records it uses; a cycle is an error."""
    by_name = {record.name: record for record in records}
    ordered: dict[str, Record] = {}
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            cycle = [*visiting[visiting.index(name) :], name]
            record = by_name[cycle[0]]
            raise walker.error(
                record.line,
                f"types.{record.name}",
                f"records cannot contain themselves, but {' → '.join(cycle)} does; "
                "break the loop, e.g. store an id (str) instead",
            )
        visiting.append(name)
        for spec in by_name[name].fields:
            for used in named_types(spec.type):
                if used.kind == "record":
                    visit(used.name)
        visiting.pop()
        ordered[name] = by_name[name]

    for name in by_name:
        visit(name)
    return ordered
