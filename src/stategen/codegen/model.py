"""The generated `model.py`, computed: its imports, helpers, enum and record classes, fields.

The template lays these pieces out in the file and substitutes the state class's name;
everything here goes through the serializer, laid out as `ruff format` would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import serializer
from .._runtime.codec.codec import JSON_KEY
from ..schema import Factory, Field, Schema, Value
from ..schema.types import EMPTY_DICT, EMPTY_LIST, EMPTY_SET, FactoryCode, Import
from ..serializer import INDENT, Call, Node, Prefixed
from .blocks import free_text_comment
from .declaration import declaration

#: What every model module imports, besides what its fields need.
_ALWAYS: tuple[Import, ...] = (
    ("collections.abc", "Mapping"),
    ("dataclasses", "dataclass"),
    ("typing", "Any"),
    ("typing", "Self"),
    ("._runtime.codec", "decode"),
    ("._runtime.codec", "encode"),
    ("._runtime.codec", "validate"),
)
#: The package's own modules: imported in a section of their own, after the others.
_OWN = "."
_PAD = " " * INDENT


def model_code(schema: Schema) -> dict[str, Any]:
    """The computed parts of `model.py`, as plain data for the template answers."""
    needed = _imports(schema)
    return {
        "imports": _import_lines({i for i in needed if not i[0].startswith(_OWN)}),
        "own_imports": _import_lines({i for i in needed if i[0].startswith(_OWN)}),
        "version": serializer.string(str(schema.version)),
        "blocks": [*_helpers(schema), *_enum_classes(schema), *_record_classes(schema)],
        "state_comment": _comment(schema.description),
        "state_fields": "\n".join(line for f in schema.fields for line in _declaration(f, schema)),
    }


def _imports(schema: Schema) -> set[Import]:
    needed = set(_ALWAYS)
    if schema.enums:
        needed.add(("enum", "StrEnum"))
    for item in schema.all_fields():
        needed.update(item.type.imports())
        factory = _factory(item)
        if factory is not None:
            needed.update(factory.imports)
        elif isinstance(item.default, Value):
            needed.update(item.type.value_imports(item.default.stored(), schema))
        if _uses_field(item):
            needed.add(("dataclasses", "field"))
    return needed


def _import_lines(imports: set[Import]) -> str:
    """`from module import a, b` lines, sorted as ruff's isort sorts them."""
    modules = sorted({module for module, _ in imports})
    lines = []
    for module in modules:
        names = sorted((name for m, name in imports if m == module), key=_isort_key)
        line = f"from {module} import {', '.join(names)}"
        if serializer.width(line) > serializer.WIDTH:
            line = "\n".join([f"from {module} import (", *(f"{_PAD}{n}," for n in names), ")"])
        lines.append(line)
    return "\n".join(lines)


def _isort_key(name: str) -> tuple[int, str, str]:
    """Constants first, then classes, then the rest; then by name, case folded."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


def _helpers(schema: Schema) -> Iterator[str]:
    """Module-level functions the defaults call (`_utcnow`), each once."""
    seen: list[str] = []
    for item in schema.all_fields():
        factory = _factory(item)
        if factory is not None and factory.helper is not None and factory.helper not in seen:
            seen.append(factory.helper)
    yield from seen


def _enum_classes(schema: Schema) -> Iterator[str]:
    for enum in schema.enums.values():
        members = [
            _PAD + line
            for member in enum.members
            for line in serializer.assignment(
                serializer.identifier(member.name), serializer.literal(member.value), INDENT
            )
        ]
        head = f"{_comment(enum.doc)}class {serializer.identifier(enum.name)}(StrEnum):"
        yield "\n".join([head, *members])


def _record_classes(schema: Schema) -> Iterator[str]:
    for record in schema.records.values():
        name = serializer.identifier(record.name)
        head = f"{_comment(record.doc)}@dataclass(kw_only=True)\nclass {name}:"
        fields = [line for item in record.fields for line in _declaration(item, schema)]
        yield "\n".join([head, *fields])


def _comment(text: str | None) -> str:
    """Free text as `#` lines ending with a newline, or nothing."""
    return "".join(line + "\n" for line in free_text_comment(text)) if text else ""


def _declaration(item: Field, schema: Schema) -> list[str]:
    """A dataclass field: its doc as comments, then `name: annotation [= default]`."""
    comment = free_text_comment(item.doc) if item.doc else []
    name, annotation = serializer.identifier(item.name), item.type.annotation()
    default = _default(item, schema)
    lines = declaration(name, annotation, default, INDENT)
    if default is not None and len(lines) > 1 and isinstance(default, Call):
        # `field(...)` that does not fit: one argument per line, with a trailing comma.
        lines = declaration(name, annotation, serializer.exploded(default), INDENT)
    return [_PAD + line for line in [*comment, *lines]]


def _default(item: Field, schema: Schema) -> Node | None:
    """What follows `=`: the default, with the JSON key as field metadata for an alias."""
    value = _default_value(item, schema)
    if item.alias is None:
        return value
    # The codec reads the key from the metadata once, when it compiles the class.
    metadata = Prefixed("metadata=", serializer.literal({JSON_KEY: item.alias}))
    if value is None:
        return Call("field", (metadata,))
    if isinstance(value, Call) and value.func == "field":
        return Call("field", (*value.args, metadata), exploded=value.exploded)
    return Call("field", (Prefixed("default=", value), metadata))


def _default_value(item: Field, schema: Schema) -> Node | None:
    """The default's expression: a value, or `field(default_factory=...)`."""
    factory = _factory(item)
    if factory is not None:
        return _field_call(serializer.name(factory.expression))
    if not isinstance(item.default, Value):
        return None
    value = item.default.stored()
    expression = item.type.python(value, schema)
    if item.type.fresh(value):
        # Each state gets its own value (a mutable one, or one ruff cannot tell is not).
        if isinstance(expression, serializer.Collection):  # written one item per line
            expression = serializer.exploded(expression)
        return serializer.exploded(_field_call(Prefixed("lambda: ", expression)))
    return expression


def _factory(item: Field) -> FactoryCode | None:
    """How a factory default, or an empty container, is built (None for other values)."""
    default = item.default
    if isinstance(default, Factory):
        return item.type.factory()
    if isinstance(default, Value) and default.value in ([], {}) and item.type.fresh(default.value):
        made = item.type.factory()
        if made in (EMPTY_LIST, EMPTY_DICT, EMPTY_SET):
            return made
        return EMPTY_LIST if default.value == [] else EMPTY_DICT
    return None


def _uses_field(item: Field) -> bool:
    default = item.default
    return (
        item.alias is not None
        or isinstance(default, Factory)
        or (isinstance(default, Value) and item.type.fresh(default.value))
    )


def _field_call(factory: Node) -> Call:
    return Call("field", (Prefixed("default_factory=", factory),))
