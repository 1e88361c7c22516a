"""A generated project whose JSON keys are not Python names (`alias:`), used for real.

Aliases of each kind (a keyword, a name the model uses, a dash, a `/` and `~` that JSON
Pointers escape) on root fields, a record's fields and the progress fields: the project
passes its own checks (its PostgreSQL tests too, which store the same JSON), writes and
reads the keys, marks progress in both modes, shows the keys, and its files validate
against its JSON Schema.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import pytest
from conftest import SKIP_RUNTIME_DRIVEN, GeneratedProjects, run_stategen

from reliability._server import server_environment

pytestmark = pytest.mark.e2e

SPEC = """\
name: alias-state
version: 1.0.0
types:
  Event:
    fields:
      kind: {type: str, alias: type}
      last_seen: {type: "datetime | None", alias: last-seen, default: null}
fields:
  kind: {type: str, alias: type}
  last_seen: {type: datetime, alias: last-seen, default_factory: now}
  event: {type: Event, default: {type: start}}
  events: {type: "list[Event]", alias: list, default: []}
  todo: {type: "list[str]", alias: to-do}
  done: {type: "list[str]", alias: "done/~items", default: []}
  failures: {type: "dict[str, str]", alias: failed-items, default: {}}
progress: {items: todo, completed: done, failed: failures}
postgres: true
"""

#: Run in the project: save, mark progress, and print what the files and the model hold.
SCRIPT = """\
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from alias_state import AliasState, AliasStateManager, Event

folder = Path(sys.argv[1])
seen = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
result = {}
for journal in (False, True):
    path = folder / f"state-{journal}.json"
    manager = AliasStateManager(path, journal=journal)
    manager.save(AliasState(kind="k", last_seen=seen, todo=["a", "b", "c"],
                            events=[Event(kind="e", last_seen=seen)]))
    manager.mark_completed("a")
    manager.mark_failed("b", "boom")
    loaded = manager.load()
    journal_file = path.with_name(path.name + ".journal")
    result[str(journal)] = {
        "file": json.loads(path.read_text(encoding="utf-8")),
        "journal": journal_file.read_bytes().decode("utf-8", "replace")
        if journal_file.exists() else "",
        "next": manager.next_pending(),
        "done": loaded.done,
        "failures": loaded.failures,
        "kind": loaded.kind,
        "events": [event.kind for event in loaded.events],
    }
print(json.dumps(result))
"""


#: What the generated suite needs to stop and restart the server: its crash tests, which
#: test the runtime and the server (the example `everything` runs them), not the aliases.
RESTART_VARIABLES = ("TEST_POSTGRES_DATA", "TEST_POSTGRES_BIN")


def _run(
    cmd: list[str], cwd: Path, base: Mapping[str, str] = os.environ, **env: str
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        cmd,
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def project(
    generated_projects: GeneratedProjects, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return generated_projects.copy(SPEC, tmp_path_factory.mktemp("aliases") / "project")


@pytest.fixture(scope="module")
def used(project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """What SCRIPT saw, in snapshot mode ("False") and journal mode ("True")."""
    folder = tmp_path_factory.mktemp("states")
    done = _run(
        [sys.executable, "-c", SCRIPT, str(folder)], project, PYTHONPATH=str(project / "src")
    )
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return result


@pytest.mark.long
def test_its_own_tests_ruff_and_mypy_pass(project: Path) -> None:
    """The generated tests (round trips, progress in both modes, PostgreSQL against this
    run's server when there is one), ruff and mypy --strict. The tests that depend on no
    schema (conftest's RUNTIME_DRIVEN, the server's crash tests) are the examples' to run."""
    server = server_environment(os.environ)
    base = {key: value for key, value in os.environ.items() if key not in RESTART_VARIABLES}
    url = {key: value for key, value in server.items() if key not in RESTART_VARIABLES}
    pytest_run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    pytest_run += SKIP_RUNTIME_DRIVEN
    _run(pytest_run, project, base, **url)
    _run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    _run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    # One run over both: the tests import the package, so checking them reads it anyway.
    both = [*mypy, "--explicit-package-bases", "--python-version", "3.11", "src", "tests"]
    _run(both, project, MYPYPATH=f"{project / 'src'}{os.pathsep}{project / 'tests'}")


def test_the_model_carries_the_keys(project: Path) -> None:
    model = (project / "src" / "alias_state" / "model.py").read_text(encoding="utf-8")
    assert '    kind: str = field(metadata={"json": "type"})' in model
    assert 'metadata={"json": "done/~items"}' in model


@pytest.mark.parametrize("journal", ["False", "True"], ids=["snapshot", "journal"])
def test_files_hold_the_alias_keys_and_load(
    used: dict[str, dict[str, object]], journal: str
) -> None:
    """The saved file has the aliases as keys (never the names); marks land under them."""
    seen = used[journal]
    stored = seen["file"]
    assert isinstance(stored, dict)
    assert list(stored)[:3] == ["version", "type", "last-seen"]
    assert not {"kind", "last_seen", "todo", "done", "failures", "events"} & stored.keys()
    assert stored["list"] == [{"type": "e", "last-seen": "2024-01-02T03:04:05+00:00"}]
    assert stored["event"] == {"type": "start", "last-seen": None}
    assert seen["next"] == "c"
    assert seen["done"] == ["a"]
    assert seen["failures"] == {"b": "boom"}
    assert seen["kind"] == "k" and seen["events"] == ["e"]
    if journal == "True":
        # The marks are journal records whose JSON Patch paths escape the `/` and `~`.
        assert "/done~1~0items/-" in str(seen["journal"])
        assert "/failed-items/b" in str(seen["journal"])
    else:
        assert stored["done/~items"] == ["a"] and stored["failed-items"] == {"b": "boom"}


def test_a_hand_written_file_with_alias_keys_loads_and_shows(project: Path, tmp_path: Path) -> None:
    """A file written elsewhere, with the alias keys, loads; `show` prints those keys."""
    path = tmp_path / "hand.json"
    document = {
        "version": "1.0.0",
        "type": "t",
        "last-seen": "2024-01-02T03:04:05+00:00",
        "to-do": ["x"],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    src = str(project / "src")
    shown = _run([sys.executable, "-m", "alias_state", "show", str(path)], project, PYTHONPATH=src)
    data = json.loads(shown.stdout)
    assert data["type"] == "t" and data["to-do"] == ["x"] and data["done/~items"] == []


def test_saved_files_validate_against_the_json_schema(
    project: Path, used: dict[str, dict[str, object]]
) -> None:
    """`stategen schema` names the alias keys, and the files written validate against it;
    a file with a field's name in place of its alias does not (the check can fail)."""
    done = run_stategen("schema", cwd=project)
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert {"type", "last-seen", "list", "to-do", "done/~items"} <= schema["properties"].keys()
    assert schema["$defs"]["Event"]["required"] == ["type"]
    validator = jsonschema.Draft202012Validator(schema)
    stored = used["False"]["file"]
    assert isinstance(stored, dict)
    validator.validate(stored)
    renamed = {("kind" if key == "type" else key): value for key, value in stored.items()}
    assert not validator.is_valid(renamed)
