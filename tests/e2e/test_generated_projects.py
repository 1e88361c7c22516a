"""Generate each example project and run its own test suite, linters and type checker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import EXAMPLES, GeneratedProjects, run_stategen

from reliability._server import server_environment, throwaway_server
from stategen.project import Project

pytestmark = pytest.mark.e2e

EXAMPLE_SPECS = sorted(EXAMPLES.glob("*.yml"))


def _check(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    environment = {**os.environ, **(env or {})}
    result = subprocess.run(
        cmd, cwd=cwd, env=environment, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module", params=EXAMPLE_SPECS, ids=lambda p: p.stem)
def project(
    request: pytest.FixtureRequest,
    generated_projects: GeneratedProjects,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    spec: Path = request.param
    return generated_projects.copy(spec, tmp_path_factory.mktemp(spec.stem) / "project")


@contextmanager
def _server_of_its_own() -> Iterator[dict[str, str]]:
    """A throwaway cluster's TEST_POSTGRES_* variables: the generated suite's crash tests stop
    and restart the server they are given, which must not be the one other tests share."""
    with throwaway_server() as exports:
        yield server_environment(exports)


@pytest.mark.long
def test_generated_tests_pass(project: Path) -> None:
    """The generated project's own pytest suite passes on the day it is generated, its
    PostgreSQL tests on a server of their own when this run has one."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    uses_postgres = (project / "tests" / "test_postgres.py").exists()
    if not (uses_postgres and server_environment(os.environ)):
        _check(command, project, env=server_environment(os.environ))
        return
    with _server_of_its_own() as server:
        _check(command, project, env=server)


def test_generated_code_is_ruff_clean(project: Path) -> None:
    """`ruff check` and `ruff format --check` pass on the generated project."""
    _check([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    _check([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)


def test_generated_code_and_tests_are_mypy_strict_clean(project: Path) -> None:
    """`mypy --strict` passes on the generated project's `src` and on its tests, which are
    typed code too; one run checks both (the tests import the package, so a run over `tests`
    alone reads the whole package again)."""
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    _check(
        [*mypy, "--explicit-package-bases", "--python-version", "3.11", "src", "tests"],
        project,
        env={"MYPYPATH": f"{project / 'src'}{os.pathsep}{project / 'tests'}"},
    )


#: Names of 30 characters or so: every substituted line must still be formatted as ruff would.
LONG_NAMES = {
    "name": "a-long-package-name-for-tests-x",
    "package": "a_long_package_name_for_tests_x",
    "state": "ALongStateClassNameForTestsXYZ",
    "version": "1.0.0",
    "fields": {
        "every_item_to_process_today_xx": {"type": "list[str]"},
        "items_completed_successfully_x": {"type": "list[str]", "default": []},
        "items_that_failed_with_errors_x": {"type": "dict[str, str]", "default": {}},
    },
    "progress": {
        "items": "every_item_to_process_today_xx",
        "completed": "items_completed_successfully_x",
        "failed": "items_that_failed_with_errors_x",
    },
}


def test_long_names_keep_the_tests_and_manager_formatted(tmp_path: Path) -> None:
    """The templates place names where ruff's layout does not depend on their length."""
    spec = tmp_path / "stategen.yml"
    spec.write_text(json.dumps(LONG_NAMES), encoding="utf-8")
    dest = tmp_path / "project"
    result = run_stategen("new", dest, "--spec", spec)
    assert result.returncode == 0, result.stderr
    files = ["tests", f"src/{LONG_NAMES['package']}/manager.py"]
    _check([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *files], dest)


#: Saves the project's two sample states with its own library; prints the files' paths.
SAVE_SAMPLES = """
import sys
sys.path[:0] = ["src", "tests"]
from _samples import sample_instance
from {package} import {state}, {state}Manager
for variant in (0, 1):
    path = sys.argv[1] + f"/state-{{variant}}.json"
    # The second in journal mode: its snapshot names a generation.
    {state}Manager(path, journal=bool(variant)).save(sample_instance({state}, variant))
    print(path)
"""

#: Loads each file with the project's library; prints the paths of the files it refused.
LOAD_EACH = """
import sys
sys.path[:0] = ["src"]
from {package} import {state}Manager, StateError
for path in sys.argv[1:]:
    try:
        {state}Manager(path).load()
    except StateError:
        print(path)
"""

#: Values the example `everything` must refuse, one rule each: a file holding one of them
#: fails the JSON Schema (and the library).
EVERYTHING_BROKEN = {
    "retries": 11,  # le: 10
    "ratio": 1,  # lt: 1
    "name": "Bad!",  # pattern
    "tags": ["a", "a"],  # a set: no repeats
    "shape": [1],  # tuple[int, int]
    "by_id": {"07": "x"},  # int keys in str(int)'s spelling only
    "mode": "slow",  # Literal["fast", "safe"]
    "run_id": "ABC",  # uuid
    "budget": 10.5,  # a decimal is text
    "not_a_field": 1,  # no other keys
    "version": "0.0.1",  # this schema's version only
}


def test_saved_files_validate_against_the_json_schema(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Files the project's library saves validate against its JSON Schema (both the file
    `stategen new` wrote and `stategen schema`'s output), and a file breaking a rule fails."""
    import jsonschema

    answers = Project.open(project, "test")
    package, state, version = answers.layout.package, answers.schema.state, answers.schema.version
    written = (project / "schemas" / f"{version}.schema.json").read_text(encoding="utf-8")
    printed = run_stategen("schema", "--project", project)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == written
    schema = json.loads(written)
    jsonschema.Draft202012Validator.check_schema(schema)
    formats = jsonschema.Draft202012Validator.FORMAT_CHECKER  # date-time needs rfc3339-validator
    validator = jsonschema.Draft202012Validator(schema, format_checker=formats)

    files = tmp_path_factory.mktemp("saved")
    script = SAVE_SAMPLES.format(package=package, state=state)
    saved = subprocess.run(
        [sys.executable, "-c", script, str(files)],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    documents = [json.loads(Path(path).read_text()) for path in saved.stdout.split()]
    assert len(documents) == 2
    assert "#generation" not in documents[0] and "#generation" in documents[1]
    for document in documents:
        validator.validate(document)

    broken = (
        EVERYTHING_BROKEN
        if project.parent.name.startswith("everything")
        else {
            "not_a_field": 1,
            "version": "0.0.1",
        }
    )
    paths = []
    for key, value in broken.items():
        document = {**documents[0], key: value}
        assert not validator.is_valid(document), f"{key}={value!r} passed the JSON Schema"
        del document["#crc32"]  # as if written by hand
        paths.append(files / f"broken-{key}.json")
        paths[-1].write_text(json.dumps(document), encoding="utf-8")
    script = LOAD_EACH.format(package=package, state=state)
    loaded = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == list(map(str, paths)), "the library loaded a broken file"
