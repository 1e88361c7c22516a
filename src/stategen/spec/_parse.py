"""`load_spec` / `parse_spec`: a stategen.yml checked key by key into a `Schema`."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from pathlib import Path

from .._yaml import YamlList, YamlMap, YamlNode, YamlScalar, index, join, load_yaml, to_plain
from ..schema import (
    SCALARS,
    Default,
    DictOf,
    Field,
    ListOf,
    Progress,
    Record,
    Schema,
    TypeExpr,
    field_defaults,
)
from ..schema.field_rules import RULE_KEYS, RuleProblem, with_rules
from ..schema.grammar import parse_type
from ..schema.problem import Problem, show
from ..schema.version import SchemaVersion
from . import _names
from ._samples import check_samples
from ._source import check_text, check_values, read_spec_text
from ._typedefs import FIELDS_HINT, Declared, RecordDraft, dependency_order, read_types
from ._walk import Entry, Walker, describe, is_null

TOP_KEYS = (
    "name",
    "package",
    "state",
    "version",
    "description",
    "types",
    "fields",
    "progress",
    "postgres",
)
FIELD_KEYS = ("type", "alias", "default", "default_factory", "doc", "renamed_from", *RULE_KEYS)
PROGRESS_KEYS = ("items", "completed", "failed")

#: The required top-level keys, each with an example.
_REQUIRED = {"name": "batch-state", "version": "1.0.0", "fields": "{batch_id: str}"}
_LIST_STR = ListOf(SCALARS["str"])
_DICT_STR = DictOf(SCALARS["str"], SCALARS["str"])


def load_spec(path: Path | str) -> Schema:
    """Read and validate the spec file at `path`; raises `SpecError`."""
    return parse_spec(read_spec_text(path), file=path)


def parse_spec(text: str, *, file: Path | str | None = None) -> Schema:
    """Validate the spec in `text`; errors name `file`. Raises `SpecError`."""
    check_text(text, file=file)
    root = load_yaml(text, file)
    check_values(root, file=file)
    return _Parser(Walker(file)).spec(root, file)


class _Parser:
    """One pass over one spec. Types are declared first, so fields may use any of them."""

    def __init__(self, walker: Walker) -> None:
        self.walker = walker
        self.state = ""
        self.declared = Declared()
        #: Records whose fields are read: a default holding one of them is checked fully.
        self.records: dict[str, Record] = {}

    def spec(self, root: YamlNode | None, file: Path | str | None) -> Schema:
        walker = self.walker
        if root is None:
            raise walker.error(
                1, "", "the spec is empty; it needs at least name, version and fields"
            )
        if not isinstance(root, YamlMap):
            raise walker.error(
                root.line,
                "",
                f"the spec must be a mapping of keys (name, version, fields …), "
                f"got {describe(root)}",
            )
        top = walker.keys(root, "", TOP_KEYS, required=_REQUIRED)
        name = walker.checked(top["name"], _names.distribution_name)
        package = self.derived(top, "package", name, _names.derive_package, _names.package_name)
        self.state = self.derived(top, "state", name, _names.camel_case, _names.state_name)
        version = walker.checked(top["version"], SchemaVersion.parse)
        description = walker.free_text(top.get("description"), "the description") or ""
        self.declared = read_types(walker, top.get("types"), self.state)
        drafts = {draft.name: draft for draft in self.declared.records}
        # Two passes: the first finds the order records use each other in; the second reads
        # them in that order, so a default holding a record meets that record's own rules.
        first = (self.record(draft) for draft in drafts.values())
        for record in dependency_order(walker, first):
            self.records[record] = self.record(drafts[record])
        fields = self.fields(top["fields"])
        schema = Schema(
            name=name,
            package=package,
            state=self.state,
            version=version,
            description=description,
            enums=self.declared.enums,
            records=self.records,
            fields=fields,
            progress=self.progress(top.get("progress"), fields),
            postgres=self.postgres(top.get("postgres")),
            source_file=None if file is None else str(file),
        )
        self.samples(schema)
        return schema

    def record(self, draft: RecordDraft) -> Record:
        fields = self.field_list(draft.fields, draft.fields_path, root=False)
        return Record(draft.name, fields, draft.doc, draft.line)

    def samples(self, schema: Schema) -> None:
        """Every field can hold a value: its rules together leave one (checked by example)."""
        for scope, record in (
            *((f"types.{r.name}.fields", r) for r in schema.records.values()),
            ("fields", schema.root),
        ):
            for field in record.fields:
                with self.walker.at(field.line, join(scope, field.name)):
                    check_samples(field, schema)

    def derived(
        self,
        top: Mapping[str, Entry],
        key: str,
        name: str,
        derive: Callable[[str], str],
        check: Callable[[object], str],
    ) -> str:
        """`top[key]` checked, or the value derived from `name` when the key is missing."""
        if key in top:
            return self.walker.checked(top[key], check)
        try:
            return check(derive(name))
        except Problem as problem:
            entry = top["name"]
            raise self.walker.error(
                entry.value.line,
                entry.path,
                f"the {key} derived from this name is invalid: {problem}; or set {key}: explicitly",
            ) from None

    # fields -------------------------------------------------------------------------------
    def fields(self, entry: Entry) -> tuple[Field, ...]:
        """The root state's fields."""
        node = entry.value
        if not isinstance(node, YamlMap) or not node.entries:
            got = "an empty mapping" if isinstance(node, YamlMap) else describe(node)
            raise self.walker.error(
                node.line, entry.path, f"fields must be {FIELDS_HINT}, got {got}"
            )
        return self.field_list(node, entry.path, root=True)

    def field_list(self, node: YamlMap, path: str, *, root: bool) -> tuple[Field, ...]:
        fields = tuple(self.field(item, root=root) for item in self.walker.entries(node, path))
        self.unique_keys(fields, path)
        renamed: dict[str, Field] = {}
        names = {field.name for field in fields}
        for field in fields:
            old = field.renamed_from
            if old is None:
                continue
            where = f"{path}.{field.name}.renamed_from"
            if old in names:
                raise self.walker.error(
                    field.line,
                    where,
                    f"{old!r} is still a field here; "
                    "a field can only be renamed from a name that is gone",
                )
            if old in renamed:
                raise self.walker.error(
                    field.line,
                    where,
                    f"{renamed[old].name!r} is already renamed from {old!r}; only one field can be",
                )
            renamed[old] = field
        return fields

    def unique_keys(self, fields: tuple[Field, ...], path: str) -> None:
        """Each field has a JSON key of its own: an alias takes no other field's key."""
        owner: dict[str, Field] = {}
        for field in sorted(fields, key=lambda f: f.alias is not None):  # names first
            other = owner.setdefault(field.key, field)
            if other is not field:
                raise self.walker.error(
                    field.line,
                    f"{path}.{field.name}.alias",
                    f"the key {field.key!r} is already the JSON key of the field "
                    f"{other.name!r}; each field needs a key of its own",
                )

    def field(self, item: Entry, *, root: bool) -> Field:
        walker = self.walker
        taken = {*self.declared.kinds, self.state}
        with walker.at(item.key.line, item.path):
            name = _names.field_name(item.key.value, root=root, taken=taken)
        node = item.value
        if isinstance(node, YamlScalar):
            body = {"type": Entry(item.key, node, f"{item.path}.type")}
            if node.value is None:
                raise walker.error(
                    node.line,
                    item.path,
                    f"the field has no type; write {name}: str or {name}: {{type: str, ...}}",
                )
        elif isinstance(node, YamlMap):
            body = walker.keys(node, item.path, FIELD_KEYS, required=("type",))
        else:
            raise walker.error(
                node.line,
                item.path,
                "a field is a type (like int) or a mapping {type: ..., default: ...}, "
                f"got {describe(node)}",
            )
        expr = walker.checked(body["type"], lambda text: parse_type(text, self.declared.kinds))
        if isinstance(node, YamlMap):
            expr = self.rules(expr, node, item.path)
        default = self.default(expr, body.get("default"), body.get("default_factory"))
        renamed_from = None
        if "renamed_from" in body:
            renamed_from = walker.checked(
                body["renamed_from"], lambda old: _names.field_name(old, root=root, taken=())
            )
            if renamed_from == name:
                raise walker.error(
                    body["renamed_from"].value.line,
                    body["renamed_from"].path,
                    "a field cannot be renamed from its own name; remove renamed_from",
                )
        doc = walker.free_text(body.get("doc"), "a doc")
        alias = None
        if "alias" in body:
            alias = walker.checked(
                body["alias"], lambda value: _names.alias(value, name=name, root=root)
            )
        return Field(name, expr, default, doc, renamed_from, item.key.line, alias)

    def default(self, expr: TypeExpr, value: Entry | None, factory: Entry | None) -> Default | None:
        if value is not None and factory is not None:
            raise self.walker.error(
                factory.key.line,
                factory.path,
                "default and default_factory are exclusive; keep one of them",
            )
        if value is not None:
            with self.walker.at(value.value.line, value.path):
                plain = to_plain(value.value)
                return field_defaults.from_value(expr, plain, self.declared.enums, self.records)
        if factory is not None:
            required = self.declared.required_field
            return self.walker.checked(
                factory, lambda name: field_defaults.from_factory(expr, name, required)
            )
        return None

    def rules(self, expr: TypeExpr, node: YamlMap, path: str) -> TypeExpr:
        """`expr` with the rules (constraints) the field's mapping gives it."""
        plain = {
            key.value: to_plain(value) for key, value in node.entries if key.value in RULE_KEYS
        }
        try:
            return with_rules(expr, plain)
        except RuleProblem as problem:
            line, where = _locate(node, path, problem.path)
            raise self.walker.error(line, where, str(problem)) from None

    # postgres -----------------------------------------------------------------------------

    def postgres(self, entry: Entry | None) -> bool:
        """Whether the project carries the PostgreSQL engine (its tests, psycopg): off unless
        `postgres: true`."""
        if entry is None:
            return False
        value = entry.value
        if isinstance(value, YamlScalar) and isinstance(value.value, bool):
            return value.value
        raise self.walker.error(
            value.line,
            entry.path,
            f"postgres must be true or false, got {describe(value)}; set postgres: true "
            "to keep states in PostgreSQL too, or leave the key out",
        )

    # progress -----------------------------------------------------------------------------

    def progress(self, entry: Entry | None, fields: tuple[Field, ...]) -> Progress | None:
        if entry is None or is_null(entry):
            return None
        example = "{items: features, completed: completed, failed: failed}"
        node = self.walker.mapping(entry.value, entry.path, f"a mapping like {example}")
        body = self.walker.keys(node, entry.path, PROGRESS_KEYS, required=PROGRESS_KEYS)
        by_name = {field.name: field for field in fields}
        chosen: dict[str, str] = {}
        for key in PROGRESS_KEYS:
            item = body[key]
            name = self.walker.text(item, what=f"progress.{key} (a field name)")
            if name not in by_name:
                close = difflib.get_close_matches(name, list(by_name), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else "; add it under fields:"
                raise self.walker.error(
                    item.value.line, item.path, f"there is no field {show(name)}{hint}"
                )
            allowed = (_LIST_STR, _DICT_STR) if key == "failed" else (_LIST_STR,)
            field = by_name[name]
            if field.type not in allowed:
                wanted = " or ".join(str(expr) for expr in allowed)
                raise self.walker.error(
                    item.value.line,
                    item.path,
                    f"the {key} field must be {wanted}, but {name!r} is {field.type}",
                )
            for other, used in chosen.items():
                if used == name:
                    raise self.walker.error(
                        item.value.line,
                        item.path,
                        f"{name!r} is already the {other} field; "
                        "items, completed and failed must be three different fields",
                    )
            chosen[key] = name
        failed_is_dict = by_name[chosen["failed"]].type == _DICT_STR
        return Progress(chosen["items"], chosen["completed"], chosen["failed"], failed_is_dict)


def _locate(node: YamlNode, path: str, parts: tuple[str | int, ...]) -> tuple[int, str]:
    """The line and key path of `parts` below `node` (as far as the document has them)."""
    line = node.line
    for part in parts:
        if isinstance(node, YamlMap):
            found = next(((k, v) for k, v in node.entries if k.value == part), None)
            if found is None:
                break
            line, node, path = found[0].line, found[1], join(path, part)
        elif isinstance(node, YamlList) and isinstance(part, int) and part < len(node.items):
            node, path = node.items[part], index(path, part)
            line = node.line
        else:
            break
    return line, path
