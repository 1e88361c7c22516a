"""Names the generated package and its tooling take, which the spec's own names must not.

The reserved API names are the list that builds the generated `__all__` (checked against a
really generated package); the tooling names are derived from the generated project's
environment by scripts/tooling_modules.py (checked against what its tools really import).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

from stategen.errors import SpecError
from stategen.schema.reserved import GENERATED_API, RUNTIME_ERRORS
from stategen.spec import parse_spec
from stategen.spec._tooling import TOOLING_MODULES

SPEC = "name: x\n{extra}version: 1.0.0\ntypes:\n  {type}: {{enum: [a]}}\nfields:\n  f: {type}\n"


def _spec(*, state: str | None = None, type_name: str = "Kind", package: str | None = None) -> str:
    extra = "".join(
        f"{key}: {value}\n" for key, value in (("state", state), ("package", package)) if value
    )
    return SPEC.format(extra=extra, type=type_name)


#: Names the interpreter itself tries to import: site's hooks, and `copy`'s Jython probe.
_INTERPRETER = {"sitecustomize", "usercustomize", "org"}


def _tooling_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "tooling_modules", REPO / "scripts/tooling_modules.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestReservedApiNames:
    def test_they_are_what_a_generated_package_exports(self, batch_project: Path) -> None:
        """A real package's `__all__`, less the spec's own names, is the runtime errors and
        SCHEMA_VERSION: the list the reserved names come from."""
        probe = "import json, batch_state; print(json.dumps(batch_state.__all__))"
        done = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=batch_project,
            env={"PYTHONPATH": str(batch_project / "src")},
            capture_output=True,
            text=True,
            check=True,
        )
        own = {"BatchState", "BatchStateManager", "Status", "Window"}
        exported = set(json.loads(done.stdout)) - own
        assert exported == {*RUNTIME_ERRORS, "SCHEMA_VERSION"}
        assert exported <= GENERATED_API

    def test_they_are_every_error_class_of_the_runtime(self, batch_project: Path) -> None:
        """The generated errors.py re-exports exactly the public error classes of its runtime."""
        package = batch_project / "src/batch_state"
        runtime = ast.parse((package / "_runtime/errors.py").read_text())
        classes = {n.name for n in runtime.body if isinstance(n, ast.ClassDef)}
        assert {name for name in classes if not name.startswith("_")} == set(RUNTIME_ERRORS)
        tree = ast.parse((package / "errors.py").read_text())
        imported = [
            alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.module == "_runtime.errors"
            for alias in node.names
        ]
        assert sorted(imported) == sorted(RUNTIME_ERRORS)

    @pytest.mark.parametrize("name", sorted(RUNTIME_ERRORS))
    def test_no_spec_name_takes_one(self, name: str) -> None:
        """`state: StateWriteError` or a type of that name would shadow the error class."""
        with pytest.raises(SpecError, match="taken by the generated"):
            parse_spec(_spec(state=name))
        with pytest.raises(SpecError, match="taken by the generated package's API"):
            parse_spec(_spec(type_name=name))

    def test_other_names_are_free(self) -> None:
        """Positive control: the same spec with ordinary names is fine."""
        schema = parse_spec(_spec(state="StateWriter", type_name="StateKind"))
        assert schema.state == "StateWriter" and "StateKind" in schema.enums


class TestToolingNames:
    @pytest.mark.parametrize(
        "package", ["pluggy", "typing_extensions", "iniconfig", "pytest", "yaml", "stategen"]
    )
    def test_a_package_named_like_a_tools_module_is_refused(self, package: str) -> None:
        with pytest.raises(SpecError, match="would shadow a module of the generated project's"):
            parse_spec(_spec(package=package))

    def test_other_package_names_are_free(self) -> None:
        """Positive control."""
        assert parse_spec(_spec(package="pluggy_state")).package == "pluggy_state"

    def test_the_list_covers_the_environment_of_today(self) -> None:
        """The checked-in list holds everything the script derives from this environment
        (a tool that gained a dependency fails here: run scripts/tooling_modules.py)."""
        derived = _tooling_script().tooling_modules()
        assert derived - TOOLING_MODULES == set()
        assert {"pluggy", "typing_extensions", "filelock"} <= derived  # the derivation works

    def test_what_the_tests_really_import_is_covered(self, batch_project: Path) -> None:
        """Every module the generated project's pytest imports (its plugins, its tests) is
        listed, or is the standard library's, or private, or the project's own."""
        # Plugins of stategen's own environment (hypothesis …) are not the project's.
        environment = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        done = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                "pytest",
                "-q",
                "-s",  # pytest's capture would swallow the import times of the collection
                "--co",
                "-p",
                "no:cacheprovider",
            ],
            cwd=batch_project,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        imported = {
            line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in done.stderr.splitlines()
            if line.startswith("import time:") and "imported package" not in line
        }
        assert {"pytest", "pluggy", "batch_state"} <= imported  # the scan sees real imports
        public = {name for name in imported if not name.startswith("_")}
        foreign = public - set(sys.stdlib_module_names) - {"batch_state", *_INTERPRETER}
        assert foreign - TOOLING_MODULES == set()
