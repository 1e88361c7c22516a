"""Render a plan as the migration module of one version edge, e.g. `v1_0_0_to_v1_1_0.py`.

The module defines `migrate(data: dict[str, Any]) -> dict[str, Any]` and one function per
changed record or enum. Each change gets a comment with its code, then its statements. Names
and values go through the serializer, so the text is ruff-clean and mypy --strict clean as
written.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from ..codegen.blocks import Block, Function, Names, snake
from ..schema import (
    Constrained,
    DictOf,
    Field,
    FixedTuple,
    ListOf,
    Named,
    Nullable,
    Record,
    SetOf,
    TupleOf,
    TypeExpr,
    named_types,
)
from ..schema.version import edge_module
from ..serializer import WIDTH, Node, call, literal, name
from .detector import Plan
from .operations import ConvertValues, Operation, RenameField
from .operations.base import REMOVE

# Generic helpers, written into a module only when its code uses them.
_HELPERS: dict[str, str] = {
    "_convert_field": '''\
def _convert_field(data: dict[str, Any], key: str, convert: Convert) -> None:
    """Replace `data[key]` with `convert(data[key])` when the file has that field."""
    if key in data:
        data[key] = convert(data[key])''',
    "_optional": '''\
def _optional(convert: Convert) -> Convert:
    """`convert` for a value that may be None (None stays None)."""
    return lambda value: None if value is None else convert(value)''',
    "_list_of": '''\
def _list_of(convert: Convert) -> Convert:
    """`convert` applied to every item of a list."""
    return lambda values: [convert(value) for value in values]''',
    "_dict_of": '''\
def _dict_of(convert: Convert) -> Convert:
    """`convert` applied to every value of a dict."""
    return lambda values: {key: convert(value) for key, value in values.items()}''',
    "_set_of": '''\
def _set_of(convert: Convert) -> Convert:
    """`convert` applied to every item of a set, keeping one of items that become equal."""
    return lambda values: list(dict.fromkeys(convert(value) for value in values))''',
    "_keys_of": '''\
def _keys_of(convert: Convert) -> Convert:
    """`convert` applied to every key of a dict; two keys that become one are an error."""

    def convert_keys(values: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in values.items():
            new = convert(key)
            if new in result:
                raise ValueError(f"two keys would both become {new!r}; merge them by hand")
            result[new] = value
        return result

    return convert_keys''',
    "_positions": '''\
def _positions(*converts: Convert) -> Convert:
    """Each item of a fixed-length tuple converted by the function of its position."""
    return lambda values: [c(value) for c, value in zip(converts, values, strict=True)]''',
    "_same": '''\
def _same(value: Any) -> Any:
    """A position whose values stay as they are."""
    return value''',
    "_chain": '''\
def _chain(first: Convert, second: Convert) -> Convert:
    """`first`, then `second`."""
    return lambda value: second(first(value))''',
}


def write_migration(plan: Plan) -> str:
    """The migration module for `plan`, as text."""
    return _Writer(plan).render()


@dataclass
class _Scope:
    """The Context an operation renders in: one function of the module."""

    writer: _Writer
    variable: str

    @property
    def root(self) -> str:
        return self.writer.plan.new.state

    @property
    def edge(self) -> str:
        return self.writer.module

    @property
    def old_version(self) -> str:
        return str(self.writer.plan.old.version)

    @property
    def new_version(self) -> str:
        return str(self.writer.plan.new.version)

    def helper(self, wanted: str, parameter: str, returns: str, docstring: str) -> Function:
        function = Function(self.writer.names.take(wanted), parameter, returns, docstring)
        self.writer.stubs.append(function)
        return function


class _Writer:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.module = edge_module(plan.old.version, plan.new.version)
        self.names = Names(reserved=("migrate", "Any", "Callable", "Convert", *_HELPERS))
        self.stubs: list[Function] = []
        self.converters = self._converter_names()

    # Which named types need a function: enums losing members, records with code to run,
    # records holding such types; and of those, only the ones old data can reach.

    def _converter_names(self) -> dict[str, str]:
        old, new = self.plan.old, self.plan.new
        changed: dict[str, str] = {}
        for enum in sorted(old.enums.keys() & new.enums.keys()):
            if any(op.writes_code for op in self.plan.in_scope(enum)):
                changed[enum] = enum
        common = [r for r in new.records if r in old.records]
        growing = True
        while growing:  # a record changes when a record or enum it holds changes
            growing = False
            for record in common:
                if record in changed:
                    continue
                own_code = any(op.writes_code for op in self.plan.in_scope(record))
                if own_code or self._nested(old.records[record], new.records[record], changed):
                    changed[record] = record
                    growing = True
        reached = self._reached(changed)
        ordered = [e for e in sorted(old.enums) if e in reached]
        ordered += [r for r in common if r in reached]
        return {name: self.names.take(f"_migrate_{snake(name)}") for name in ordered}

    def _reached(self, changed: dict[str, str]) -> set[str]:
        """The changed types that a kept field of the root state leads to."""
        old, new = self.plan.old, self.plan.new
        reached: set[str] = set()
        pending = [(old.root, new.root)]
        while pending:
            before, after = pending.pop()
            for field, _, _ in self._nested(before, after, changed):
                for named in named_types(field.type):
                    if named.name in changed and named.name not in reached:
                        reached.add(named.name)
                        if named.kind == "record":
                            pending.append((old.records[named.name], new.records[named.name]))
        return reached

    def _nested(
        self, old: Record, new: Record, names: dict[str, str]
    ) -> list[tuple[Field, str, Node]]:
        """(old field, new name, converter) for kept fields holding changed named types."""
        scope_ops = self.plan.in_scope(new.name)
        renames = {op.old: op.field for op in scope_ops if isinstance(op, RenameField)}
        retyped = {op.field for op in scope_ops if isinstance(op, ConvertValues)}
        found = []
        for before in sorted(old.fields, key=lambda f: renames.get(f.name, f.name)):
            after = renames.get(before.name, before.name)
            if new.field(after) is None or after in retyped:
                continue
            converter = _converter(before.type, names)
            if converter is not None:
                found.append((before, after, converter))
        return found

    # Rendering.

    def render(self) -> str:
        old, new = self.plan.old, self.plan.new
        root = Function(
            "migrate",
            "data: dict[str, Any]",
            "dict[str, Any]",
            f'Turn {old.version} data (the fields, without "version") into {new.version} data.',
        )
        self._notes_without_function(root.body)
        self._fill_record(root.body, old.root, new.root)
        if root.body.empty:
            root.body.comment(f"Nothing stored changes from {old.version} to {new.version}.")
        root.body.statement("return data")
        functions = [root]
        for record in new.records:
            if record in self.converters:
                functions.append(self._record_function(record))
        for enum in sorted(new.enums):
            if enum in self.converters:
                functions.append(self._enum_function(enum))
        functions += self.stubs
        return self._module_text(functions)

    def _notes_without_function(self, block: Block) -> None:
        """Comments for changes of types that need no code of their own."""
        for op in self.plan.operations:
            if op.scope != self.plan.new.state and op.scope not in self.converters:
                block.comment(f"{op.code} {op.describe()}")

    def _fill_record(self, block: Block, old: Record, new: Record) -> None:
        scope = _Scope(self, "data")
        operations = sorted(self.plan.in_scope(new.name), key=lambda op: op.phase)
        nested_done = False
        for op in operations:
            if op.phase > REMOVE and not nested_done:
                self._apply_nested(block, old, new)
                nested_done = True
            _emit(op, block, scope)
        if not nested_done:
            self._apply_nested(block, old, new)

    def _apply_nested(self, block: Block, old: Record, new: Record) -> None:
        for before, after, converter in self._nested(old, new, self.converters):
            held = {named.name for named in named_types(before.type)}
            types = ", ".join(sorted(held & self.converters.keys()))
            block.comment(f"`{new.name}.{after}` holds {types} values that change: migrate them")
            key = next(field.key for field in new.fields if field.name == after)
            block.expression(call("_convert_field", name("data"), literal(key), converter))

    def _record_function(self, record: str) -> Function:
        old, new = self.plan.old, self.plan.new
        function = Function(
            self.converters[record],
            "data: dict[str, Any]",
            "dict[str, Any]",
            f"Turn a {old.version} `{record}` record into a {new.version} one.",
        )
        self._fill_record(function.body, old.records[record], new.records[record])
        function.body.statement("return data")
        return function

    def _enum_function(self, enum: str) -> Function:
        function = Function(
            self.converters[enum],
            "value: Any",
            "Any",
            f"Turn a {self.plan.old.version} `{enum}` value into a {self.plan.new.version} one.",
        )
        scope = _Scope(self, "value")
        for op in self.plan.in_scope(enum):
            _emit(op, function.body, scope)
        function.body.statement("return value")
        return function

    def _module_text(self, functions: list[Function]) -> str:
        old, new = self.plan.old, self.plan.new
        summary = f"Migrate {new.package} state files from schema {old.version} to {new.version}."
        about = (
            "Written by `stategen bump` from the two schema snapshots: review it and keep it "
            "with your code. Each change is commented with its code from `stategen check`."
        )
        lines = (line for function in functions for line in function.body.lines)
        if any(line.lstrip().startswith("raise NotImplementedError") for line in lines):
            about += (
                " Fill in every TODO: until then a stub raises NotImplementedError, and "
                "`stategen check` and the tests fail."
            )
        body = "\n\n\n".join("\n".join(f.render()) for f in functions)
        used = [h for h in _HELPERS if re.search(rf"\b{h}\b", body)]
        first, *rest = _wrap(summary, WIDTH - 3)
        header = ['"""' + first, *rest, "", *_wrap(about), '"""', ""]
        if used:
            header += ["from collections.abc import Callable", "from typing import Any", ""]
            header += ["Convert = Callable[[Any], Any]"]
        else:
            header += ["from typing import Any"]
        blocks = ["\n".join(header), body, *(_HELPERS[helper] for helper in used)]
        return "\n\n\n".join(blocks) + "\n"


def _emit(op: Operation, block: Block, scope: _Scope) -> None:
    block.comment(f"{op.code} {op.describe()}")
    op.emit(block, scope)


def _wrap(text: str, width: int = WIDTH) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


#: The helper that applies a converter to the one part of each container type.
_WRAPPERS: dict[type[TypeExpr], str] = {
    ListOf: "_list_of",
    TupleOf: "_list_of",
    SetOf: "_set_of",
    Nullable: "_optional",
}


def _converter(expr: TypeExpr, names: dict[str, str]) -> Node | None:
    """The function that migrates one stored value of `expr`, or None if none changes."""
    if isinstance(expr, Named):
        found = names.get(expr.name)
        return name(found) if found else None
    if isinstance(expr, Constrained):
        return _converter(expr.inner, names)
    if isinstance(expr, DictOf):
        keys, values = _converter(expr.key, names), _converter(expr.value, names)
        if keys is None:
            return None if values is None else call("_dict_of", values)
        return (
            call("_keys_of", keys)
            if values is None
            else call("_chain", call("_keys_of", keys), call("_dict_of", values))
        )
    if isinstance(expr, FixedTuple):
        parts = [_converter(item, names) for item in expr.items]
        if all(part is None for part in parts):
            return None
        return call("_positions", *(name("_same") if part is None else part for part in parts))
    wrapper = _WRAPPERS.get(type(expr))
    if wrapper is None:  # a scalar: stored as it is
        return None
    (inner_expr,) = expr.children()
    inner = _converter(inner_expr, names)
    return None if inner is None else call(wrapper, inner)
