"""Find unfilled migration stubs by reading the code, never by running it."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Stub:
    """A `raise NotImplementedError` left in a migration module."""

    line: int
    function: str  # the enclosing function, or "<module>"
    message: str  # the TODO text, when it is a plain string

    def describe(self, filename: str) -> str:
        return (
            f"{filename}:{self.line} in {self.function}(): {self.message or 'NotImplementedError'}"
        )


def find_stubs(source: str, filename: str = "<migration>") -> list[Stub]:
    """Every `raise NotImplementedError[(...)]` in `source`, in line order.

    Raises SyntaxError when the module does not parse (a broken migration is worse than a stub).
    """
    tree = ast.parse(source, filename)
    found: list[Stub] = []
    _visit(tree, "<module>", found)
    return sorted(found, key=lambda stub: stub.line)


def _visit(node: ast.AST, function: str, found: list[Stub]) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            _visit(child, child.name, found)
            continue
        if isinstance(child, ast.Raise) and _is_not_implemented(child.exc):
            found.append(Stub(child.lineno, function, _message(child.exc)))
        _visit(child, function, found)


def _is_not_implemented(exc: ast.expr | None) -> bool:
    target = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(target, ast.Attribute):  # builtins.NotImplementedError
        return target.attr == "NotImplementedError"
    return isinstance(target, ast.Name) and target.id == "NotImplementedError"


def _message(exc: ast.expr | None) -> str:
    if isinstance(exc, ast.Call) and exc.args and isinstance(exc.args[0], ast.Constant):
        value = exc.args[0].value
        return value if isinstance(value, str) else ""
    return ""


def defines_migrate(source: str) -> bool:
    """Whether the module defines a top-level `migrate` function (read, not imported)."""
    tree = ast.parse(source)
    return any(isinstance(node, ast.FunctionDef) and node.name == "migrate" for node in tree.body)
