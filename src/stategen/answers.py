"""The answers codec: a `Schema` ⇄ the `name`, `package`, `state`, `description`, `schema` answers.

This is the only place that knows the stored shape (see docs/internals.md): a type is its
spelling in the spec grammar (`annotation`), parsed back by the spec's own type parser, and
a default is a `{kind: ...}` mapping, checked against its type by the spec's own default
rules. Projects made by every stategen release store this same shape. Reading checks what
every generated line depends on (names, types, defaults, the history); it does not repeat
the spec's style rules, so what was released once always reads back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import SpecError
from .schema import (
    Default,
    Enum,
    Factory,
    Field,
    Kind,
    Member,
    Nullable,
    Progress,
    Record,
    Schema,
    SchemaVersion,
    TypeExpr,
)
from .schema.field_defaults import from_factory as default_from_factory
from .schema.field_defaults import from_value as default_from_value
from .schema.field_rules import rules_of, with_rules
from .schema.grammar import parse_type
from .schema.types import Named
from .serializer import identifier


def to_answers(schema: Schema) -> dict[str, Any]:
    """The schema as answers: plain data, exactly the contract in docs/internals.md."""
    return {
        "name": schema.name,
        "package": schema.package,
        "state": schema.state,
        "description": schema.description,
        "schema": {
            "version": str(schema.version),
            "history": [str(version) for version in schema.history],
            "enums": [
                {
                    "name": enum.name,
                    "doc": enum.doc,
                    "members": [{"name": m.name, "value": m.value} for m in enum.members],
                }
                for enum in schema.enums.values()
            ],
            "records": [
                {
                    "name": record.name,
                    "doc": record.doc,
                    "fields": [_field_answer(item, schema) for item in record.fields],
                }
                for record in schema.records.values()
            ],
            "fields": [_field_answer(item, schema) for item in schema.fields],
            "progress": None
            if schema.progress is None
            else {
                "items": schema.progress.items,
                "completed": schema.progress.completed,
                "failed": schema.progress.failed,
                "failed_is_dict": schema.progress.failed_is_dict,
            },
            "postgres": schema.postgres,
        },
    }


def from_answers(answers: Any, *, file: Path | str | None = None) -> Schema:
    """The schema recorded in `answers` (or a snapshot of them); SpecError naming `file`."""
    reader = _Reader()
    try:
        return reader.schema(answers)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        what = f"no {error.args[0]!r}" if isinstance(error, KeyError) else str(error)
        raise SpecError(
            f"the recorded schema is malformed: {what}; restore the file from git",
            file=file,
            key_path=reader.path,
        ) from None


# Writing ----------------------------------------------------------------------------------


def _field_answer(item: Field, schema: Schema) -> dict[str, Any]:
    answer = {
        "name": item.name,
        "annotation": str(item.type),
        "doc": item.doc,
        "default": _default_answer(item, schema),
        "renamed_from": item.renamed_from,
    }
    rules = rules_of(item.type)
    if rules:  # only then: fields without rules keep the shape every release wrote
        answer["constraints"] = rules
    if item.alias is not None:  # likewise: answers without aliases keep their shape
        answer["alias"] = item.alias
    return answer


def _default_answer(item: Field, schema: Schema) -> dict[str, Any] | None:
    default = item.default
    if default is None:
        return None
    if isinstance(default, Factory):
        if default.name in schema.records:
            return {"kind": "record", "record": default.name}
        return {"kind": default.name}
    value = default.stored()
    base = item.type.inner if isinstance(item.type, Nullable) else item.type
    if value is not None and isinstance(base, Named) and base.kind == "enum":
        member = schema.enum(base.name).member_for(value)
        return {"kind": "enum", "enum": base.name, "member": member.name}
    if value == [] or value == {}:
        return {"kind": "empty_list" if isinstance(value, list) else "empty_dict"}
    return {"kind": "copy" if isinstance(value, list | dict) else "literal", "value": value}


# Reading ----------------------------------------------------------------------------------


class _Reader:
    """One pass over recorded answers; `path` is where it is, for the error message."""

    def __init__(self) -> None:
        self.path = "schema"
        self.enums: dict[str, Enum] = {}
        self.kinds: dict[str, Kind] = {}
        self.records: dict[str, Record] = {}

    @contextmanager
    def at(self, path: str) -> Iterator[None]:
        """Read at `path`; on an error the path stays, for the message."""
        outer, self.path = self.path, path
        yield
        self.path = outer

    def schema(self, answers: Mapping[str, Any]) -> Schema:
        identity = {}
        for key, check in (("name", _text), ("package", identifier), ("state", identifier)):
            with self.at(key):
                identity[key] = check(answers[key])
        with self.at("description"):
            description = _text(answers.get("description") or "")
        data = answers["schema"]
        for position, item in enumerate(data.get("enums") or ()):
            with self.at(f"schema.enums[{position}]"):
                members = tuple(
                    Member(identifier(m["name"]), _text(m["value"])) for m in item["members"]
                )
                enum = Enum(identifier(item["name"]), members, _doc(item.get("doc")))
                self.enums[_unique(self.enums, enum.name)] = enum
                self.kinds[enum.name] = "enum"
        raw_records = data.get("records") or ()
        for item in raw_records:
            self.kinds[_unique(self.kinds, identifier(item["name"]))] = "record"
        for position, item in enumerate(raw_records):  # in dependency order
            path = f"schema.records[{position}]"
            fields = self.fields(item["fields"], f"{path}.fields")
            self.records[item["name"]] = Record(item["name"], fields, _doc(item.get("doc")))
        fields = self.fields(data["fields"], "schema.fields")
        with self.at("schema.version"):
            version = SchemaVersion.parse(str(data["version"]))
        with self.at("schema.history"):
            history = tuple(SchemaVersion.parse(str(v)) for v in data.get("history") or ())
        return Schema(
            **identity,
            version=version,
            fields=fields,
            description=description,
            enums=self.enums,
            records=self.records,
            progress=self.progress(data.get("progress"), fields),
            postgres=self.postgres(data.get("postgres", False)),
            history=history,
        )

    def fields(self, items: Any, path: str) -> tuple[Field, ...]:
        fields: dict[str, Field] = {}
        keys: dict[str, str] = {}
        for position, item in enumerate(items):
            with self.at(f"{path}[{position}]"):
                expr = with_rules(
                    parse_type(item["annotation"], self.kinds), item.get("constraints") or {}
                )
                renamed = item.get("renamed_from")
                name = _unique(fields, identifier(item["name"]))
                fields[name] = Field(
                    name=name,
                    type=expr,
                    default=self.default(item.get("default"), expr),
                    doc=_doc(item.get("doc")),
                    renamed_from=None if renamed is None else identifier(renamed),
                    alias=_alias(item.get("alias")),
                )
                keys[_unique(keys, fields[name].key)] = name
        return tuple(fields.values())

    def default(self, raw: Any, expr: TypeExpr) -> Default | None:
        """A `{kind: ...}` default, checked against the field's type as a spec default is."""
        if raw is None:
            return None
        kind = raw["kind"]
        if kind in ("literal", "copy"):
            return default_from_value(expr, raw["value"], self.enums, self.records)
        if kind in ("empty_list", "empty_dict"):
            return default_from_value(expr, [] if kind == "empty_list" else {}, self.enums)
        if kind == "enum":
            members = {m.name: m.value for m in self.enums[raw["enum"]].members}
            return default_from_value(expr, members[raw["member"]], self.enums)
        if kind in ("record", "now", "today", "uuid4"):
            factory = raw["record"] if kind == "record" else kind
            records = {name: None for name, k in self.kinds.items() if k == "record"}
            return default_from_factory(expr, factory, records)
        raise ValueError(f"unknown default kind {kind!r}")

    def postgres(self, raw: Any) -> bool:
        """Answers written before the key existed (stategen 0.1.0) read as false."""
        with self.at("schema.postgres"):
            if not isinstance(raw, bool):
                raise TypeError(f"expected true or false, got {raw!r:.40}")
            return raw

    def progress(self, raw: Any, fields: tuple[Field, ...]) -> Progress | None:
        if raw is None:
            return None
        with self.at("schema.progress"):
            names = {f.name for f in fields}
            chosen = [identifier(raw[key]) for key in ("items", "completed", "failed")]
            missing = [name for name in chosen if name not in names]
            if missing:
                raise ValueError(f"progress names {missing[0]!r}, which is not a field")
            items, completed, failed = chosen
            return Progress(items, completed, failed, failed_is_dict=bool(raw["failed_is_dict"]))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r:.40}")
    return value


def _alias(value: Any) -> str | None:
    """A field's JSON key other than its name; answers before aliases existed have none."""
    if value is None:
        return None
    if not _text(value):
        raise ValueError("an alias cannot be empty")
    return str(value)


def _doc(value: Any) -> str | None:
    return None if value is None else _text(value)


def _unique(taken: Mapping[str, Any], name: str) -> str:
    if name in taken:
        raise ValueError(f"{name!r} is listed twice")
    return name
