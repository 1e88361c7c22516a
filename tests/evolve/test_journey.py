"""The whole schema-evolution journey on a real generated project, with real git and files.

v1 saves a state → bump to an additive 1.1 → bump to 2.0 with a rename and a removal → the
v1 and v1.1 files load in 2.0 with their values → a retyping bump leaves a stub, and check
fails until it is filled → then the generated project's own tests pass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SKIP_RUNTIME_DRIVEN, GeneratedProjects
from projects import GIT_ENV, Project, fill_stubs, git, new_project

pytestmark = pytest.mark.e2e

SAVE = """
import json, sys
from notes_state import NotesState, NotesStateManager, Window
fields = json.loads(sys.argv[2])
if "window" in fields:
    fields["window"] = Window(**fields["window"])
NotesStateManager(sys.argv[1]).save(NotesState(**fields))
"""

LOAD = """
import dataclasses, json, sys
from notes_state import NotesStateManager
manager = NotesStateManager(sys.argv[1])
state = manager.load()
manager.save(state)
print(json.dumps(dataclasses.asdict(state), default=str))
"""


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.long
def test_journey(generated_projects: GeneratedProjects, tmp_path: Path) -> None:
    """Old files keep loading through every bump, and check gates exactly what it should."""
    project = new_project(generated_projects, tmp_path)
    files = tmp_path / "files"
    files.mkdir()

    # 1. v1 is generated and committed; the library saves a state file.
    _ok(project.python(SAVE, str(files / "v1.json"), '{"title": "first", "count": 5}'))
    assert "ok" in _ok(project.stategen("check"))

    # 2. An additive change without a new version is refused, with the version to set.
    project.edit_spec(
        (r"^  note: .*$", r"\g<0>\n  priority: {type: int, default: 3}"),
        (r"^      width: .*$", r"\g<0>\n      height: {type: int, default: 768}"),
        (r"\[draft, published\]", "[draft, published, archived]"),
    )
    refused = project.stategen("bump")
    assert refused.returncode == 2, refused.stderr
    assert "set `version: 1.1.0`" in refused.stderr and "stategen.yml" in refused.stderr
    assert project.status() == " M stategen.yml\n", "a refused bump changes nothing"

    # 3. With the version set, check reports the pending change, and bump releases it.
    project.edit_spec((r"^version: 1\.0\.0$", "version: 1.1.0"))
    pending = project.stategen("check")
    assert pending.returncode == 1 and "run `stategen bump`" in pending.stdout
    output = _ok(project.stategen("bump"))
    assert "SG101" in output and "SG103" in output
    for path in [
        "src/notes_state/migrations/v1_0_0_to_v1_1_0.py",
        "tests/fixtures/1.0.0.json",
        ".stategen/schemas/1.0.0.json",
        ".stategen/schemas/1.1.0.json",
    ]:
        assert (project.root / path).is_file(), path
    project.commit("Schema 1.1.0")
    _ok(project.stategen("check"))
    _ok(project.python(SAVE, str(files / "v1_1.json"), '{"title": "second", "priority": 9}'))

    # 4. A breaking change: a declared rename and a removal, released as 2.0.0.
    project.edit_spec(
        (r"^version: 1\.1\.0$", "version: 2.0.0"),
        (r"^  title: \{type: str,", "  heading: {type: str, renamed_from: title,"),
        (r"^  note: .*\n", ""),
    )
    output = _ok(project.stategen("bump"))
    assert "SG201" in output and "SG202" in output
    project.commit("Schema 2.0.0")
    _ok(project.stategen("check"))

    # 5. Files from 1.0.0 and 1.1.0 load in 2.0.0 with their values carried over.
    for name, expected in [
        ("v1.json", {"heading": "first", "count": 5, "priority": 3}),
        ("v1_1.json", {"heading": "second", "count": 0, "priority": 9}),
    ]:
        path = files / name
        original = path.read_bytes()
        old_version = json.loads(original)["version"]
        loaded = json.loads(_ok(project.python(LOAD, str(path))))
        assert {key: loaded[key] for key in expected} == expected, loaded
        assert loaded["window"] == {"width": 1024, "height": 768} and "note" not in loaded
        assert json.loads(path.read_bytes())["version"] == "2.0.0"
        assert path.with_name(f"{name}.v{old_version}.bak").read_bytes() == original

    # 6. A retyping bump leaves a stub: check fails, naming it, and so do the tests.
    project.edit_spec(
        (r"^version: 2\.0\.0$", "version: 3.0.0"),
        (r"^  count: \{type: int, default: 0\}$", '  count: {type: str, default: "0"}'),
    )
    output = _ok(project.stategen("bump"))
    assert "SG302" in output and "_convert_count" in output
    project.commit("Schema 3.0.0")
    failed = project.stategen("check")
    assert failed.returncode == 1
    assert "migration stub not filled" in failed.stdout and "v2_0_0_to_v3_0_0.py" in failed.stdout
    report = json.loads(project.stategen("check", "--json").stdout)
    assert report["ok"] is False
    assert [len(edge["stubs"]) for edge in report["edges"]] == [0, 0, 1]
    tests = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_migrations.py",
        ],
        cwd=project.root,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 1 and "a migration stub is not written yet" in tests.stdout

    # 7. Filled, check passes and the generated project's own tests pass (but for those that
    # depend on no schema: the examples run them).
    fill_stubs(project.migration("2.0.0", "3.0.0"), "return str(value)")
    project.commit("Convert count")
    _ok(project.stategen("check"))
    _ok(
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SKIP_RUNTIME_DRIVEN],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=900,
        )
    )
    migrations = f"src/{project.package}/migrations"
    for command in (
        ["ruff", "check", "--no-cache", migrations, "tests/test_migrations.py"],
        ["ruff", "format", "--check", "--no-cache", migrations, "tests/test_migrations.py"],
        ["mypy", "--strict", "--no-incremental", migrations],
    ):
        _ok(
            subprocess.run(
                [sys.executable, "-m", *command], cwd=project.root, capture_output=True, text=True
            )
        )
    loaded = json.loads(_ok(project.python(LOAD, str(files / "v1.json"))))
    assert loaded["count"] == "5"
    print({command: [round(t, 2) for t in times] for command, times in project.timings.items()})


def test_history_survives_a_template_update(tmp_path: Path) -> None:
    """A project made by plain `copier copy` bumps, then `copier update` keeps its history."""
    template = tmp_path / "template-repo"
    template.mkdir()
    shutil.copy2(REPO / "copier.yml", template / "copier.yml")
    shutil.copytree(
        REPO / "template", template / "template", ignore=shutil.ignore_patterns("__pycache__")
    )
    git(template, "init", "--quiet")
    git(template, "add", "-A")
    git(template, "commit", "--quiet", "-m", "v1")
    git(template, "tag", "v0.1.0")

    root = tmp_path / "project"
    copier = [sys.executable, "-m", "copier"]
    _ok(
        subprocess.run(
            [*copier, "copy", "--defaults", str(template), str(root)],
            capture_output=True,
            text=True,
        )
    )
    git(root, "init", "--quiet")
    project = Project(root, package="batch_state")
    project.commit("Generated by copier")
    _ok(project.stategen("check"))

    project.edit_spec(
        (r'^version: "1\.0\.0"$', 'version: "1.1.0"'),
        (r"^fields:$", 'fields:\n  attempts: {type: "int", default: 0}'),
    )
    _ok(project.stategen("bump"))
    project.commit("Schema 1.1.0")

    with (template / "template" / "README.md.jinja").open("a", encoding="utf-8") as readme:
        readme.write("\nA line added by template 0.2.0.\n")
    git(template, "commit", "--quiet", "-am", "v2")
    git(template, "tag", "v0.2.0")
    done = subprocess.run(
        [*copier, "update", "--defaults", "--skip-answered"],
        cwd=root,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
    )
    _ok(done)
    assert "A line added by template 0.2.0." in (root / "README.md").read_text(encoding="utf-8")
    for path in [
        ".stategen/schemas/1.0.0.json",
        ".stategen/schemas/1.1.0.json",
        "tests/fixtures/1.0.0.json",
        "src/batch_state/migrations/v1_0_0_to_v1_1_0.py",
    ]:
        assert (root / path).is_file(), path
    project.commit("Template 0.2.0")
    report = json.loads(project.stategen("check", "--json").stdout)
    assert report["ok"] and report["history"] == ["1.0.0", "1.1.0"], report


def test_bump_works_without_a_git_identity(
    generated_projects: GeneratedProjects, tmp_path: Path
) -> None:
    """A machine with no git user configured can still bump (its scratch commit is stategen's)."""
    project = new_project(generated_projects, tmp_path)
    project.edit_spec(
        (r"^version: 1\.0\.0$", "version: 1.1.0"),
        (r"^  note: .*$", r"\g<0>\n  priority: {type: int, default: 3}"),
    )
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home), GIT_CONFIG_NOSYSTEM="1")
    done = subprocess.run(
        [sys.executable, "-m", "stategen", "bump"],
        cwd=project.root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    _ok(done)
    assert project.migration("1.0.0", "1.1.0").is_file()
