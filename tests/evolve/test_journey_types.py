"""The newer types through a bump on a real project: tighter rules, a lost Literal value and a
list becoming a set each leave a stub; filled, old files load inside the new rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SKIP_RUNTIME_DRIVEN, GeneratedProjects
from projects import new_project

pytestmark = pytest.mark.e2e

SPEC = """\
name: jobs-state
version: 1.0.0
fields:
  run: {type: uuid, default_factory: uuid4}
  retries: {type: int, default: 3, ge: 0, le: 10}
  mode: {type: 'Literal["fast", "safe"]', default: safe}
  labels: {type: "list[str]", default: []}
  timeout: {type: timedelta, default: PT30S}
  shape: {type: "tuple[int, ...]", default: []}
"""

SAVE = """
import sys
from datetime import timedelta
from jobs_state import JobsState, JobsStateManager
state = JobsState(retries=9, mode="fast", labels=["a", "b", "a"], timeout=timedelta(minutes=2))
JobsStateManager(sys.argv[1]).save(state)
"""

LOAD = """
import json, sys
from jobs_state import JobsStateManager
state = JobsStateManager(sys.argv[1]).load()
print(json.dumps({"retries": state.retries, "mode": state.mode, "labels": sorted(state.labels),
                  "timeout": state.timeout.total_seconds(), "shape": state.shape}))
"""

STUBS = {
    "_fit_retries": "return min(value, 5)",
    "_convert_mode": 'return "safe"',
    "_convert_labels": "return list(dict.fromkeys(value))",
}


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.long
def test_journey_of_the_newer_types(generated_projects: GeneratedProjects, tmp_path: Path) -> None:
    """Each change gets its code, its stubs gate check, and old files load once filled."""
    project = new_project(generated_projects, tmp_path, SPEC)
    project.package = "jobs_state"
    saved = tmp_path / "v1.json"
    _ok(project.python(SAVE, str(saved)))

    project.edit_spec(
        (r"^version: 1\.0\.0$", "version: 2.0.0"),
        (r"ge: 0, le: 10", "ge: 0, le: 5"),
        (r'Literal\["fast", "safe"\]', 'Literal["safe"]'),
        (r'"list\[str\]"', '"set[str]"'),
        (r'"tuple\[int, \.\.\.\]"', '"list[int]"'),
    )
    output = _ok(project.stategen("bump"))
    for code in ("SG304", "SG305", "SG302", "SG102"):
        assert code in output, output
    assert (project.root / "schemas/2.0.0.schema.json").is_file()
    project.commit("Schema 2.0.0")
    failed = project.stategen("check")
    assert failed.returncode == 1 and failed.stdout.count("migration stub not filled") == 3

    module = project.migration("1.0.0", "2.0.0")
    text = module.read_text(encoding="utf-8")
    for name, body in STUBS.items():
        head = text.index(f"def {name}(")
        end = text.index(")\n", text.index("raise NotImplementedError(", head)) + 2
        start = text.index("    # TODO", head)
        text = text[:start] + f"    {body}\n" + text[end:]
    module.write_text(text, encoding="utf-8")
    project.commit("Fill the stubs")
    _ok(project.stategen("check"))

    loaded = json.loads(_ok(project.python(LOAD, str(saved))))
    assert loaded == {
        "retries": 5,
        "mode": "safe",
        "labels": ["a", "b"],
        "timeout": 120.0,
        "shape": [],
    }
    _ok(
        subprocess.run(
            # But for the tests that depend on no schema: the examples run them.
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SKIP_RUNTIME_DRIVEN],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=900,
        )
    )
    migrations = f"src/{project.package}/migrations"
    for command in (
        ["ruff", "check", "--no-cache", migrations],
        ["ruff", "format", "--check", "--no-cache", migrations],
        ["mypy", "--strict", "--no-incremental", migrations],
    ):
        _ok(
            subprocess.run(
                [sys.executable, "-m", *command], cwd=project.root, capture_output=True, text=True
            )
        )
