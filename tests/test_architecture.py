"""The house rules, checked on the source: who may import what, and what a template may hold.

Each rule is a scan of the real tree, with a positive control that feeds the same scan a
file breaking the rule, so a scan that finds nothing cannot pass by accident.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import pytest
from conftest import REPO

SRC = REPO / "src" / "stategen"
TEMPLATE = REPO / "template"


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imports(name: str, tree: ast.Module) -> set[str]:
    """The absolute names module `name` (a path under stategen/) imports, with each item."""
    package = ["stategen", *name.split("/")[:-1]]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def importers_of(module: str, trees: list[tuple[str, ast.Module]]) -> list[str]:
    """The modules among `trees` that import `module` (a top-level name such as `yaml`)."""
    return [
        name for name, tree in trees if any(i.split(".")[0] == module for i in _imports(name, tree))
    ]


def command_cross_imports(trees: list[tuple[str, ast.Module]]) -> list[str]:
    """`commands/x.py imports y` for every command module that imports another command."""
    commands = {name.removeprefix("commands/").removesuffix(".py") for name, _ in trees} - {
        "__init__"
    }
    found = set()
    for name, tree in trees:
        own = name.removeprefix("commands/").removesuffix(".py")
        for target in _imports(name, tree):
            parts = [*target.split("."), ""]
            if parts[:2] == ["stategen", "commands"] and parts[2] in commands - {own}:
                found.add(f"{name} imports {parts[2]}")
    return sorted(found)


def git_subprocess_calls(trees: list[tuple[str, ast.Module]]) -> list[str]:
    """Modules that start a `git` process themselves (a list literal starting with "git")."""
    found = []
    for name, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.List) and node.elts:
                first = node.elts[0]
                if isinstance(first, ast.Constant) and first.value == "git":
                    found.append(name)
    return sorted(set(found))


#: What a template may not do: compute. It loops over answers and substitutes them.
_LOGIC = re.compile(r"regex_|namespace\(|\bimport\b\s+\"|\bmacro\b|\|\s*(length|sort|sum|map)\b")


def template_logic(files: dict[str, str]) -> list[str]:
    return sorted(name for name, text in files.items() if _LOGIC.search(text))


def _template_files() -> dict[str, str]:
    return {
        path.relative_to(TEMPLATE).as_posix(): path.read_text(encoding="utf-8")
        for path in TEMPLATE.rglob("*.jinja")
    }


class TestBoundaries:
    def test_yaml_is_imported_in_one_module(self) -> None:
        assert importers_of("yaml", list(_modules())) == ["_yaml.py"]

    def test_copier_is_imported_in_one_module(self) -> None:
        assert importers_of("copier", list(_modules())) == ["_copier.py"]

    def test_one_git_runner(self) -> None:
        """Every git command goes through `_git.run`."""
        assert git_subprocess_calls(list(_modules())) == ["_git.py"]

    def test_commands_do_not_import_one_another(self) -> None:
        commands = [(n, t) for n, t in _modules() if n.startswith("commands/")]
        assert len(commands) == 6  # __init__, new, bump, check, schema, update
        assert command_cross_imports(commands) == []

    def test_every_module_opens_with_a_one_line_docstring(self) -> None:
        for name, tree in _modules():
            docstring = ast.get_docstring(tree, clean=False)
            assert docstring, name
            first = docstring.split("\n\n")[0]
            assert "\n" not in first.strip(), (name, first)


class TestTemplatesOnlySubstitute:
    def test_no_logic_in_templates(self) -> None:
        assert template_logic(_template_files()) == []


class TestTheScansCanFail:
    """Positive controls: each scan above, given a file that breaks its rule."""

    def test_controls(self) -> None:
        tree = ast.parse(
            "import yaml\nimport subprocess\nfrom . import check\n"
            "subprocess.run(['git', 'status'])\n"
        )
        trees = [("commands/bump.py", tree), ("commands/check.py", ast.parse(""))]
        assert importers_of("yaml", trees) == ["commands/bump.py"]
        assert git_subprocess_calls(trees) == ["commands/bump.py"]
        assert command_cross_imports(trees) == ["commands/bump.py imports check"]
        absolute = [("commands/bump.py", ast.parse("from stategen.commands.check import x\n"))]
        assert command_cross_imports([*absolute, trees[1]]) == ["commands/bump.py imports check"]

    @pytest.mark.parametrize(
        "text",
        [
            "{% set ns = namespace(x=false) %}",
            "{{ name | regex_replace('-', '_') }}",
            '{%- import "template/_macros.jinja" as m -%}',
            "{% for n in names | sort %}{{ n }}{% endfor %}",
            "{% if items | length == 1 %}x{% endif %}",
        ],
    )
    def test_template_control(self, text: str) -> None:
        assert template_logic({"bad.jinja": text}) == ["bad.jinja"]
