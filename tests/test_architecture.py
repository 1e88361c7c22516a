"""The house rules, checked on the source: who may import what, and what a template may hold.

Each rule is a scan of the real tree, with a positive control that feeds the same scan a
file breaking the rule, so a scan that finds nothing cannot pass by accident.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from _runtime_scans import (
    absolute_self_imports,
    codec_imports_in_engines,
    engine_imports,
    jinja_markers,
    shadowed_names,
    summary_problems,
    url_parsing,
)
from conftest import REPO

SRC = REPO / "src" / "stategen"
TEMPLATE = REPO / "template"


def _modules() -> Iterator[tuple[str, ast.Module]]:
    yield from _parsed()


@functools.cache
def _parsed() -> tuple[tuple[str, ast.Module], ...]:
    """Every module of stategen, parsed once per test process: the rules only read them."""
    return tuple(
        (path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
    )


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


#: stategen's layers, bottom first: a module may import its own layer and the layers below it,
#: never one above. Each top-level module or package of stategen is in exactly one.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_runtime"}),  # copied into every generated project: it imports nothing above
    frozenset({"__init__", "errors", "serializer", "merge_markers"}),
    frozenset({"schema"}),  # the typed model: types, their grammar, rules and defaults
    frozenset({"_yaml", "json_schema"}),
    frozenset({"spec"}),  # reads stategen.yml into a schema
    frozenset({"answers"}),
    frozenset({"codegen"}),
    frozenset({"evolve"}),
    frozenset({"_git", "_template_history", "_template_source", "_copier"}),
    frozenset({"project"}),
    frozenset({"commands"}),
    frozenset({"cli", "_exit", "__main__"}),
)


def _unit(path: str) -> str:
    """The top-level module or package of stategen that holds the module at `path`."""
    return path.removesuffix(".py").split("/")[0]


def upward_imports(
    trees: list[tuple[str, ast.Module]], layers: tuple[frozenset[str], ...] = LAYERS
) -> list[str]:
    """`x/y.py imports z` for every import of a layer above the module's own.

    A module in no layer is reported too (`x.py is in no layer`): a new module is placed
    before the rule can vouch for it.
    """
    level = {unit: index for index, units in enumerate(layers) for unit in units}
    found = set()
    for name, tree in trees:
        own = _unit(name)
        if own not in level:
            found.add(f"{name} is in no layer")
            continue
        for target in _imports(name, tree):
            parts = target.split(".")
            # `from .. import x` also yields the bare package; `x` itself is what it imports.
            if parts[0] != "stategen" or len(parts) == 1:
                continue
            unit = parts[1]
            if level.get(unit, -1) > level[own]:
                found.add(f"{name} imports {unit}")
    return sorted(found)


#: The most lines a module of stategen may have: past it, a module holds more than one idea.
MAX_LINES = 400


def long_modules(root: Path, limit: int = MAX_LINES) -> list[str]:
    """`path (n lines)` for every module under `root` longer than `limit` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(root).as_posix()} ({lines} lines)")
    return found


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

    def test_no_module_imports_a_layer_above_its_own(self) -> None:
        assert upward_imports(list(_modules())) == []

    def test_every_layer_holds_a_module(self) -> None:
        """A layer named but empty (a module renamed away) would let the rule drift."""
        units = {_unit(name) for name, _ in _modules()}
        assert [layer - units for layer in LAYERS] == [frozenset()] * len(LAYERS)

    def test_no_module_is_long(self) -> None:
        """The runtime is measured by the same scan on its own root (`SRC / "_runtime"`)."""
        outside_runtime = [name for name in long_modules(SRC) if not name.startswith("_runtime/")]
        assert outside_runtime == []

    def test_every_module_opens_with_a_one_line_docstring(self) -> None:
        for name, tree in _modules():
            docstring = ast.get_docstring(tree, clean=False)
            assert docstring, name
            first = docstring.split("\n\n")[0]
            assert "\n" not in first.strip(), (name, first)


def _runtime() -> list[tuple[str, ast.Module]]:
    return [(name, tree) for name, tree in _modules() if name.startswith("_runtime/")]


class TestTheRuntime:
    """The runtime every generated project carries: layered, small, and the same everywhere."""

    def test_the_policy_imports_no_engine(self) -> None:
        """`backend` picks the engine, importing it lazily; the policy never names one."""
        assert engine_imports(_runtime()) == []

    def test_engines_do_not_import_the_codec(self) -> None:
        assert codec_imports_in_engines(_runtime()) == []

    def test_the_cli_does_not_parse_urls(self) -> None:
        """It asks `backend.is_database` and `backend.split_key` instead."""
        (cli,) = [tree for name, tree in _runtime() if name == "_runtime/cli.py"]
        assert url_parsing("_runtime/cli.py", cli) == []

    def test_filelock_and_psycopg_each_stay_in_one_place(self) -> None:
        trees = _runtime()
        assert importers_of("filelock", trees) == ["_runtime/engines/files/fs/lock.py"]
        psycopg = importers_of("psycopg", trees)
        assert psycopg and all(n.startswith("_runtime/engines/postgres/") for n in psycopg)

    def test_every_module_opens_with_one_short_line(self) -> None:
        assert summary_problems(_runtime()) == []

    def test_no_module_is_long(self) -> None:
        assert long_modules(SRC / "_runtime") == []

    def test_no_package_function_is_shadowed_by_a_module(self) -> None:
        assert shadowed_names(_runtime()) == []

    def test_relative_imports_and_no_jinja(self) -> None:
        """Byte for byte the same in every project, whatever its package is called."""
        assert absolute_self_imports(_runtime()) == []
        root = SRC / "_runtime"
        files = {p.relative_to(root).as_posix(): p.read_text("utf-8") for p in root.rglob("*.py")}
        assert len(files) > 40
        assert jinja_markers(files) == []


class TestTheRuntimeScansCanFail:
    """Positive controls: each runtime scan, given a module that breaks its rule."""

    def test_engine_import_control(self) -> None:
        lazy = "def open():\n    from .engines.files.engine import FileEngine\n"
        trees = [
            ("_runtime/store.py", ast.parse("from .engines.files import engine\n")),
            ("_runtime/progress.py", ast.parse(lazy)),
            ("_runtime/backend.py", ast.parse("from .engines.postgres import url\n" + lazy)),
            ("_runtime/engines/files/state.py", ast.parse("from . import journal\n")),
        ]
        assert engine_imports(trees) == [
            "_runtime/backend.py imports stategen._runtime.engines.postgres",
            "_runtime/progress.py imports stategen._runtime.engines.files.engine",
            "_runtime/store.py imports stategen._runtime.engines.files",
        ]

    def test_shadowed_name_control(self) -> None:
        package = ast.parse("def changes():\n    pass\n\nclass Kept:\n    pass\n")
        trees = [
            ("_runtime/codec/__init__.py", package),
            ("_runtime/codec/changes.py", ast.parse("")),
            ("_runtime/codec/kept_apart.py", ast.parse("")),
        ]
        assert shadowed_names(trees) == [
            "_runtime/codec/__init__.py defines changes, also a module"
        ]

    def test_codec_import_control(self) -> None:
        tree = ast.parse("def f():\n    from ...codec import codec\n")
        trees = [("_runtime/engines/files/engine.py", tree), ("_runtime/store.py", tree)]
        assert codec_imports_in_engines(trees) == [
            "_runtime/engines/files/engine.py imports stategen._runtime.codec"
        ]

    def test_url_control(self) -> None:
        text = (
            "import urllib.parse\n"
            "from .engines.postgres import url\n"
            "a, _, b = location.partition('#')\n"
            "if location.startswith(('postgresql://', 'postgres://')): pass\n"
            "help = 'a postgresql:// URL ending in #KEY'\n"
        )
        assert url_parsing("_runtime/cli.py", ast.parse(text)) == [
            "_runtime/cli.py:1 imports urllib.parse",
            "_runtime/cli.py:2 imports stategen._runtime.engines.postgres",
            "_runtime/cli.py:3 calls .partition() on a location",
            "_runtime/cli.py:4 calls .startswith() on a location",
        ]

    def test_summary_control(self) -> None:
        trees = [
            ("a.py", ast.parse('"""One line.\n\nMore."""\n')),
            ("b.py", ast.parse('"""Two\nlines."""\n')),
            ("c.py", ast.parse(f'"""{"x" * 98}"""\n')),
            ("d.py", ast.parse("x = 1\n")),
        ]
        assert summary_problems(trees) == [
            "b.py: the first sentence spans lines",
            "c.py: the first line is longer than 100 characters",
            "d.py: no docstring",
        ]

    def test_self_import_control(self) -> None:
        trees = [
            ("_runtime/a.py", ast.parse("from stategen._runtime import errors\nfrom . import b\n")),
            ("_runtime/b.py", ast.parse("import stategen\nimport json\n")),
        ]
        assert absolute_self_imports(trees) == [
            "_runtime/a.py imports stategen._runtime",
            "_runtime/b.py imports stategen",
        ]
        files = {"a.py": 'x = f"{{0}}"\n', "b.py": "{% if x %}\n", "c.py": "x = {0: 1}\n"}
        assert jinja_markers(files) == ["a.py", "b.py"]


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

    def test_layer_control(self) -> None:
        trees = [
            ("schema/types/base.py", ast.parse("from ...codegen import serializer\n")),
            ("schema/rules.py", ast.parse("from .. import serializer\nfrom . import problem\n")),
            ("spec/_parse.py", ast.parse("import stategen.answers\nfrom .._yaml import x\n")),
            ("serializer.py", ast.parse("from .schema import Schema\n")),
            ("_runtime/codec/durations.py", ast.parse("from ... import errors\n")),
            ("plugins.py", ast.parse("")),
        ]
        assert upward_imports(trees) == [
            "_runtime/codec/durations.py imports errors",
            "plugins.py is in no layer",
            "schema/types/base.py imports codegen",
            "serializer.py imports schema",
            "spec/_parse.py imports answers",
        ]

    def test_size_control(self, tmp_path: Path) -> None:
        (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
        (tmp_path / "deep").mkdir()
        (tmp_path / "deep" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
        assert long_modules(tmp_path) == [f"deep/long.py ({MAX_LINES + 1} lines)"]

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


# The runtime's module table in docs/internals.md ---------------------------------------

INTERNALS = REPO / "docs" / "internals.md"


def _undocumented(modules: list[Path], page: str) -> list[str]:
    """The runtime modules `page` does not name: by their path below the runtime, or, in the
    packages the page describes in one row (`codec/`, `fs/`, `selftest/`), by their name."""
    runtime = SRC / "_runtime"
    missing = []
    for module in modules:
        relative = module.relative_to(runtime).as_posix()
        if module.name == "__init__.py" or relative.startswith("selftest/"):
            continue
        grouped = relative.startswith(("codec/", "engines/files/fs/"))
        named = f"`{relative}`" in page or (grouped and f"`{module.stem}`" in page)
        if not named:
            missing.append(relative)
    return missing


def test_internals_names_every_runtime_module() -> None:
    modules = sorted((SRC / "_runtime").rglob("*.py"))
    assert _undocumented(modules, INTERNALS.read_text(encoding="utf-8")) == []


def test_positive_control_a_module_left_out_is_found() -> None:
    page = INTERNALS.read_text(encoding="utf-8").replace("`align.py`", "`aligned.py`")
    assert _undocumented([SRC / "_runtime" / "align.py"], page) == ["align.py"]
