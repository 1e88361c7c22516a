"""How a project's `model.py` differs from the model its schema generates, read with `ast`.

The user's code is parsed, never imported. Both sides are reduced to what the state file
depends on: `SCHEMA_VERSION`, and for each class the schema defines, its fields (name,
annotation, default) or enum members (name, value). Expressions are compared in the form
`ast.unparse` gives them, so layout, quotes and comments never count; methods and classes
of the owner's own are not compared.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..schema import Schema
from .model import model_code

_VERSION = "SCHEMA_VERSION"
#: Class attributes of a dataclass that are not fields: `ClassVar[...]`, `typing.ClassVar`.
_CLASS_VAR = ("ClassVar", "typing.ClassVar")


@dataclass(frozen=True)
class Member:
    """A field or enum member of a class: its annotation (None for an enum member) and value."""

    annotation: str | None
    value: str | None
    line: int

    def spelled(self, name: str) -> str:
        annotation = f": {self.annotation}" if self.annotation is not None else ""
        value = f" = {self.value}" if self.value is not None else ""
        return f"{name}{annotation}{value}"


@dataclass(frozen=True)
class Difference:
    """One way the model differs from the schema, at a line of `model.py` (None: the file)."""

    line: int | None
    message: str


def model_drift(source: str, schema: Schema) -> list[Difference]:
    """The differences between the model module `source` and what `schema` generates.

    Raises SyntaxError when `source` does not parse.
    """
    actual = ast.parse(source)
    expected = ast.parse(_expected_source(schema))
    found = _version_drift(actual, expected, schema)
    classes = _classes(actual)
    for name, wanted in _classes(expected).items():
        if name not in classes:
            found.append(Difference(None, f"class {name} is missing; the spec defines it"))
            continue
        line, members = classes[name]
        found += _member_drift(name, line, members, wanted[1])
    return sorted(found, key=lambda difference: difference.line or 0)


def _expected_source(schema: Schema) -> str:
    """The parts of the generated module that the comparison reads, as Python source."""
    code = model_code(schema)
    state = f"@dataclass(kw_only=True)\nclass {schema.state}:\n{code['state_fields']}"
    return "\n\n".join([f"{_VERSION} = {code['version']}", *code["blocks"], state]) + "\n"


def _version_drift(actual: ast.Module, expected: ast.Module, schema: Schema) -> list[Difference]:
    have, want = _version(actual), _version(expected)
    if have is None:
        return [Difference(None, f"{_VERSION} is missing; the spec's version is {schema.version}")]
    if want is not None and have[0] != want[0]:
        return [
            Difference(
                have[1], f"{_VERSION} is {have[0]}, but the released schema is {schema.version}"
            )
        ]
    return []


def _member_drift(
    owner: str, line: int, have: dict[str, Member], want: dict[str, Member]
) -> list[Difference]:
    found = []
    for name, wanted in want.items():
        member = have.get(name)
        if member is None:
            spelled = wanted.spelled(name)
            found.append(Difference(line, f"{owner}.{name} is missing; the spec has `{spelled}`"))
        elif member.annotation != wanted.annotation:
            found.append(
                Difference(
                    member.line,
                    f"{owner}.{name} is declared `{member.spelled(name)}`, but the spec makes it "
                    f"{wanted.annotation}",
                )
            )
        elif member.value != wanted.value:
            if wanted.annotation is None:
                should = f"the value {wanted.value}"
            else:
                should = "no default" if wanted.value is None else f"the default {wanted.value}"
            found.append(
                Difference(
                    member.line,
                    f"{owner}.{name} is declared `{member.spelled(name)}`, but the spec gives it "
                    f"{should}",
                )
            )
    found += [
        Difference(member.line, f"{owner}.{name} is not in the spec (`{member.spelled(name)}`)")
        for name, member in have.items()
        if name not in want
    ]
    return found


def _version(module: ast.Module) -> tuple[str, int] | None:
    for node in module.body:
        target, value = _assignment(node)
        if target == _VERSION and value is not None:
            return ast.unparse(value), node.lineno
    return None


def _classes(module: ast.Module) -> dict[str, tuple[int, dict[str, Member]]]:
    """Each top-level class: its line, and its fields or members by name."""
    return {
        node.name: (node.lineno, _members(node))
        for node in module.body
        if isinstance(node, ast.ClassDef)
    }


def _members(node: ast.ClassDef) -> dict[str, Member]:
    """A dataclass's fields (annotated, not `ClassVar`), or an enum's members (`NAME = value`)."""
    is_dataclass = any("dataclass" in ast.unparse(item) for item in node.decorator_list)
    members = {}
    for statement in node.body:
        if is_dataclass and isinstance(statement, ast.AnnAssign):
            annotation = ast.unparse(statement.annotation)
            if isinstance(statement.target, ast.Name) and not annotation.startswith(_CLASS_VAR):
                value = statement.value
                shown = ast.unparse(value) if value is not None else None
                members[statement.target.id] = Member(annotation, shown, statement.lineno)
        elif not is_dataclass and isinstance(statement, ast.Assign):
            target, value = _assignment(statement)
            if target is not None and value is not None and not target.startswith("_"):
                members[target] = Member(None, ast.unparse(value), statement.lineno)
    return members


def _assignment(node: ast.stmt) -> tuple[str | None, ast.expr | None]:
    """`name = value` or `name: annotation [= value]` with a plain name: (name, value)."""
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id, node.value
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        return node.targets[0].id, node.value
    return None, None
