"""A project carries only what its spec uses (`postgres:`), and its runtime is checked against
the manifest written when it was generated."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, GeneratedProjects, run_stategen

from stategen.answers import from_answers, to_answers
from stategen.codegen.spec_text import spec_text
from stategen.errors import SpecError
from stategen.project.runtime import runtime_files
from stategen.spec import parse_spec

RUNTIME = Path("src/batch_state/_runtime")
POSTGRES_FILES = (
    RUNTIME / "engines" / "postgres",
    Path("tests/test_postgres.py"),
    Path("tests/_database.py"),
)
MANIFEST = Path(".stategen/runtime.json")


def _spec(postgres: str | None) -> str:
    """The example spec with `postgres:` set to `postgres` (left out when None)."""
    lines = (EXAMPLES / "batch.yml").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("postgres:")]
    return "\n".join([*kept, *([f"postgres: {postgres}"] if postgres is not None else [])]) + "\n"


def _generate(generated_projects: GeneratedProjects, tmp_path: Path, postgres: str | None) -> Path:
    return generated_projects.copy(_spec(postgres), tmp_path / "project")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def hermetic_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".gitconfig").touch()
    for key, value in {
        "GIT_AUTHOR_NAME": "Owner",
        "GIT_AUTHOR_EMAIL": "owner@example.invalid",
        "GIT_COMMITTER_NAME": "Owner",
        "GIT_COMMITTER_EMAIL": "owner@example.invalid",
        "GIT_CONFIG_GLOBAL": str(tmp_path / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)


class TestSpecKey:
    def test_default_is_off_and_true_turns_it_on(self) -> None:
        assert parse_spec(_spec(None)).postgres is False
        assert parse_spec(_spec("false")).postgres is False
        assert parse_spec(_spec("true")).postgres is True

    @pytest.mark.parametrize("value", ["yes", "1", "null", "[true]", '"true"'])
    def test_anything_but_a_boolean_is_one_clear_error(self, value: str) -> None:
        with pytest.raises(SpecError) as caught:
            parse_spec(_spec(value), file="stategen.yml")
        message = str(caught.value)
        assert message.startswith("stategen.yml:") and "postgres: postgres must be true or false"
        assert "set postgres: true" in message

    def test_answers_and_spec_text_keep_it(self) -> None:
        schema = parse_spec(_spec("true"))
        assert to_answers(schema)["schema"]["postgres"] is True
        assert from_answers(to_answers(schema)) == schema
        assert parse_spec(spec_text(schema)).postgres is True
        assert "postgres" not in spec_text(parse_spec(_spec(None)))

    def test_answers_of_stategen_010_read_as_off_and_bad_ones_are_refused(self) -> None:
        answers = to_answers(parse_spec(_spec("true")))
        del answers["schema"]["postgres"]
        assert from_answers(answers).postgres is False
        answers["schema"]["postgres"] = "yes"
        with pytest.raises(SpecError, match=r"schema\.postgres"):
            from_answers(answers, file=".copier-answers.yml")


class TestGeneratedShape:
    def test_without_postgres_the_project_has_none_of_it(
        self, generated_projects: GeneratedProjects, tmp_path: Path
    ) -> None:
        project = _generate(generated_projects, tmp_path, None)
        assert [str(p) for p in POSTGRES_FILES if (project / p).exists()] == []
        assert "psycopg" not in (project / "pyproject.toml").read_text(encoding="utf-8")
        workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text("utf-8"))
        assert list(workflow["jobs"]) == ["test"]
        manifest = json.loads((project / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["files"] == runtime_files(project / RUNTIME)
        assert not any(name.startswith("engines/postgres") for name in manifest["files"])
        code = (
            "from batch_state import BatchStateManager\n"
            "BatchStateManager('postgresql://app@db.example/app', key='run-1')\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONPATH": str(project / "src")},
            capture_output=True,
            text=True,
            check=False,
        )
        assert "StateConfigError" in done.stderr, done.stderr
        assert "generated without PostgreSQL" in done.stderr
        assert "postgres: true" in done.stderr and "stategen bump" in done.stderr

    def test_with_postgres_the_project_has_all_of_it(
        self, generated_projects: GeneratedProjects, tmp_path: Path
    ) -> None:
        project = _generate(generated_projects, tmp_path, "true")
        assert [str(p) for p in POSTGRES_FILES if not (project / p).exists()] == []
        assert "psycopg" in (project / "pyproject.toml").read_text(encoding="utf-8")
        workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text("utf-8"))
        job = workflow["jobs"]["postgres"]
        assert job["services"]["postgres"]["image"].startswith("postgres:")
        assert job["env"]["TEST_POSTGRES_URL"].startswith("postgresql://")
        manifest = json.loads((project / MANIFEST).read_text(encoding="utf-8"))
        assert "engines/postgres/engine.py" in manifest["files"]


@pytest.mark.usefixtures("hermetic_git")
class TestTurningItOn:
    def test_bump_turns_it_on_and_off(
        self, generated_projects: GeneratedProjects, tmp_path: Path
    ) -> None:
        project = _generate(generated_projects, tmp_path, None)
        _git(project, "init", "-q")
        _git(project, "add", "-A")
        _git(project, "commit", "-qm", "Generated")
        for value, present in (("true", True), ("false", False)):
            (project / "stategen.yml").write_text(_spec(value), encoding="utf-8")
            done = run_stategen("bump", "--defaults", cwd=project)
            assert done.returncode == 0, done.stderr + done.stdout
            assert [(project / p).exists() for p in POSTGRES_FILES] == [present] * 3
            assert ("psycopg" in (project / "pyproject.toml").read_text("utf-8")) is present
            checked = run_stategen("check", cwd=project)
            assert checked.returncode == 0, checked.stdout + checked.stderr
            _git(project, "add", "-A")
            _git(project, "commit", "-qm", f"postgres: {value}")


class TestRuntimeCheck:
    def test_every_changed_missing_and_extra_file_is_named(
        self, generated_projects: GeneratedProjects, tmp_path: Path
    ) -> None:
        project = _generate(generated_projects, tmp_path, None)
        clean = run_stategen("check", cwd=project)
        assert clean.returncode == 0, clean.stdout + clean.stderr  # the positive control
        (project / RUNTIME / "store.py").write_text("# mine\n", encoding="utf-8")
        (project / RUNTIME / "patch.py").unlink()
        (project / RUNTIME / "mine.py").write_text("", encoding="utf-8")
        cache = project / RUNTIME / "__pycache__"
        cache.mkdir(exist_ok=True)
        (cache / "store.cpython-311.pyc").write_bytes(b"")  # litter is not part of it

        done = run_stategen("check", cwd=project)

        assert done.returncode == 1
        problems = [line for line in done.stdout.splitlines() if line.startswith("problem:")]
        assert len(problems) == 1
        for name in ("changed: ", "store.py", "missing: ", "patch.py", "extra: ", "mine.py"):
            assert name in problems[0]
        assert "pycache" not in problems[0]
        assert "src/batch_state/manager.py" in problems[0] and "upstream" in problems[0]

    @pytest.mark.usefixtures("hermetic_git")
    def test_update_puts_an_edited_runtime_back(
        self, generated_projects: GeneratedProjects, tmp_path: Path
    ) -> None:
        """Even on the version the project is on; the output names the discarded edit."""
        project = _generate(generated_projects, tmp_path, None)
        generated = (project / RUNTIME / "store.py").read_text(encoding="utf-8")
        (project / RUNTIME / "store.py").write_text(generated + "# mine\n", encoding="utf-8")
        _git(project, "init", "-q")
        _git(project, "add", "-A")
        _git(project, "commit", "-qm", "Generated, the runtime edited")
        assert run_stategen("check", cwd=project).returncode == 1  # the control

        done = run_stategen("update", cwd=project)

        assert done.returncode == 0, done.stdout + done.stderr
        assert "discarded" in done.stdout and f"{RUNTIME}/store.py" in done.stdout
        assert (project / RUNTIME / "store.py").read_text(encoding="utf-8") == generated
        assert run_stategen("check", cwd=project).returncode == 0

    def test_a_project_without_a_manifest_is_told_to_update(
        self, generated_projects: GeneratedProjects, tmp_path: Path
    ) -> None:
        project = _generate(generated_projects, tmp_path, None)
        shutil.rmtree(project / ".stategen")

        done = run_stategen("check", cwd=project)

        assert done.returncode == 0, done.stdout + done.stderr
        assert "runtime.json is missing" in done.stderr and "stategen update" in done.stderr
