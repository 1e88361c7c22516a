"""`stategen bump` and `stategen check` on real projects: refusals, atomicity, the gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import GeneratedProjects, run_stategen
from projects import Project, new_project

pytestmark = pytest.mark.e2e

ADD_PRIORITY = (r"^  note: .*$", r"\g<0>\n  priority: {type: int, default: 3}")
TO_1_1 = (r"^version: 1\.0\.0$", "version: 1.1.0")


@pytest.fixture(scope="module")
def base(
    generated_projects: GeneratedProjects, tmp_path_factory: pytest.TempPathFactory
) -> Project:
    """One generated, committed project; each test works on its own copy."""
    return new_project(generated_projects, tmp_path_factory.mktemp("base"))


@pytest.fixture
def project(base: Project, tmp_path: Path) -> Project:
    return base.copy(tmp_path / "project")


@pytest.fixture(scope="module")
def bumped_base(base: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The base after `stategen bump` to 1.1.0 (a new field), not yet committed."""
    bumped = base.copy(tmp_path_factory.mktemp("bumped") / "project")
    bumped.edit_spec(TO_1_1, ADD_PRIORITY)
    done = bumped.stategen("bump")
    assert done.returncode == 0, done.stderr
    return bumped


@pytest.fixture
def bumped(bumped_base: Project, tmp_path: Path) -> Project:
    return bumped_base.copy(tmp_path / "project")


@pytest.fixture(scope="module")
def released_base(bumped_base: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The bumped base, committed: 1.1.0 is released."""
    released = bumped_base.copy(tmp_path_factory.mktemp("released") / "project")
    released.commit("Schema 1.1.0")
    return released


@pytest.fixture
def released(released_base: Project, tmp_path: Path) -> Project:
    """A copy of the project after a committed bump to 1.1.0 (a new field)."""
    return released_base.copy(tmp_path / "project")


def _released(project: Project) -> Project:
    """The project after a committed bump to 1.1.0 (a new field)."""
    project.edit_spec(TO_1_1, ADD_PRIORITY)
    done = project.stategen("bump")
    assert done.returncode == 0, done.stderr
    project.commit("Schema 1.1.0")
    return project


class TestBumpRefuses:
    def test_dirty_worktree(self, project: Project) -> None:
        """Other uncommitted files: refused with the exact commands, nothing written."""
        project.edit_spec(TO_1_1, ADD_PRIORITY)
        (project.root / "notes.txt").write_text("mine", encoding="utf-8")
        done = project.stategen("bump")
        assert done.returncode == 2
        assert "?? notes.txt" in done.stderr
        assert "git add -A -- ':!stategen.yml' && git commit" in done.stderr
        assert "git stash push --include-untracked" in done.stderr
        assert project.status() == " M stategen.yml\n?? notes.txt\n"

    def test_not_a_git_repository(self, project: Project) -> None:
        """Without git history there is nothing to merge with: refused, saying what to run."""
        shutil.rmtree(project.root / ".git")
        done = project.stategen("bump")
        assert done.returncode == 2 and "git init && git add -A && git commit" in done.stderr

    def test_version_not_bumped(self, project: Project) -> None:
        """Changed fields with the same version: refused, suggesting the next minor version."""
        project.edit_spec(ADD_PRIORITY)
        done = project.stategen("bump")
        assert done.returncode == 2
        assert "stategen.yml: version:" in done.stderr and "set `version: 1.1.0`" in done.stderr
        assert project.status() == " M stategen.yml\n"

    def test_breaking_change_needs_a_major_version(self, project: Project) -> None:
        """A removal released as a minor version is refused, suggesting 2.0.0."""
        project.edit_spec(TO_1_1, (r"^  note: .*\n", ""))
        done = project.stategen("bump")
        assert done.returncode == 2 and "set `version: 2.0.0`" in done.stderr

    def test_invalid_spec(self, project: Project) -> None:
        """A broken spec is a one-line error naming stategen.yml; nothing is written."""
        project.edit_spec((r"^  count: \{type: int,", "  count: {type: integr,"))
        done = project.stategen("bump")
        assert done.returncode == 2 and "stategen.yml" in done.stderr
        assert "Traceback" not in done.stderr
        assert project.status() == " M stategen.yml\n"

    def test_existing_migration_is_never_overwritten(self, project: Project) -> None:
        """A migration module already in place stops the bump before anything is written."""
        module = project.migration("1.0.0", "1.1.0")
        module.write_text("def migrate(data):\n    return data\n", encoding="utf-8")
        project.commit("Hand-written migration")
        project.edit_spec(TO_1_1, ADD_PRIORITY)
        done = project.stategen("bump")
        assert done.returncode == 2 and "never overwrites a migration" in done.stderr
        assert project.status() == " M stategen.yml\n"

    def test_failed_regeneration_leaves_nothing(self, project: Project) -> None:
        """If the template cannot be reached, the project is exactly as it was."""
        answers = project.root / ".copier-answers.yml"
        text = answers.read_text(encoding="utf-8")
        source = next(line for line in text.splitlines() if line.startswith("_src_path:"))
        answers.write_text(text.replace(source, "_src_path: /nonexistent/template"), "utf-8")
        project.commit("Point at a missing template")
        project.edit_spec(TO_1_1, ADD_PRIORITY)
        done = project.stategen("bump")
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert project.status() == " M stategen.yml\n"
        assert not (project.root / ".stategen" / "schemas").exists()


class TestBump:
    def test_nothing_to_do(self, project: Project) -> None:
        """An unchanged spec: bump says so and touches nothing."""
        done = project.stategen("bump")
        assert done.returncode == 0 and "Nothing to do" in done.stdout
        assert project.status() == ""

    def test_a_warning_alone_keeps_the_version(self, project: Project) -> None:
        """A new default changes no stored data: regenerated at the same version, no migration."""
        project.edit_spec(
            (r"^  count: \{type: int, default: 0\}$", "  count: {type: int, default: 7}")
        )
        done = project.stategen("bump")
        assert done.returncode == 0, done.stderr
        assert "SG401" in done.stdout
        assert "count: int = 7" in (project.root / "src/notes_state/model.py").read_text()
        assert not list((project.root / "src/notes_state/migrations").glob("v*.py"))

    def test_restores_a_deleted_fixture(self, released: Project) -> None:
        """A fixture is derived from its snapshot, so bump can always write it again."""
        project = released
        fixture = project.root / "tests/fixtures/1.0.0.json"
        original = fixture.read_bytes()
        fixture.unlink()
        project.commit("Lost the fixture")
        warned = project.stategen("check")
        assert warned.returncode == 0 and "no fixture of schema 1.0.0" in warned.stdout
        done = project.stategen("bump")
        assert done.returncode == 0, done.stderr
        assert fixture.read_bytes() == original

    def test_hand_edits_merge(self, project: Project) -> None:
        """An edit to a generated file survives the regeneration (Copier's 3-way merge)."""
        model = project.root / "src/notes_state/model.py"
        text = model.read_text(encoding="utf-8")
        model.write_text(text + "\n\n# Hand-written: keep me.\n", encoding="utf-8")
        project.commit("Hand edit")
        _released(project)
        text = model.read_text(encoding="utf-8")
        assert "# Hand-written: keep me." in text and "priority: int = 3" in text

    def test_conflicts_are_refused_or_kept_on_request(self, project: Project) -> None:
        """A hand edit on a regenerated line: refused untouched, or written with markers."""
        model = project.root / "src/notes_state/model.py"
        text = model.read_text(encoding="utf-8")
        model.write_text(
            text.replace('SCHEMA_VERSION = "1.0.0"', 'SCHEMA_VERSION = "1.0.0"  # mine')
        )
        project.commit("Hand edit on a generated line")
        project.edit_spec(TO_1_1, ADD_PRIORITY)
        refused = project.stategen("bump")
        assert refused.returncode == 1 and "src/notes_state/model.py" in refused.stderr
        assert project.status() == " M stategen.yml\n"
        kept = project.stategen("bump", "--keep-conflicts")
        assert kept.returncode == 1 and "conflict markers" in kept.stderr
        assert "<<<<<<<" in model.read_text(encoding="utf-8")


class TestJsonSchema:
    def test_one_per_released_version(self, base: Project, released: Project) -> None:
        """`new` writes the first version's JSON Schema, each bump the next one's; `stategen
        schema` prints any of them from the answers or a snapshot, and writes it on request."""
        original = (base.root / "schemas/1.0.0.schema.json").read_text(encoding="utf-8")
        assert json.loads(original)["properties"]["version"] == {"const": "1.0.0"}
        project = released
        first = project.root / "schemas/1.0.0.schema.json"
        second = project.root / "schemas/1.1.0.schema.json"
        assert "priority" in json.loads(second.read_text(encoding="utf-8"))["properties"]
        assert first.read_text(encoding="utf-8") == original
        older = project.stategen("schema", "--version", "1.0.0")
        assert older.returncode == 0 and older.stdout == original
        output = project.root / "out" / "state.schema.json"
        written = project.stategen("schema", "--output", str(output))
        assert written.returncode == 0 and output.read_text(encoding="utf-8") == second.read_text(
            encoding="utf-8"
        )

    @pytest.mark.parametrize(
        ("version", "message"),
        [("9.9.9", "not a released version of this project (released: 1.0.0)"),
         ("v1", "not a MAJOR.MINOR.PATCH version")],
    )  # fmt: skip
    def test_unknown_version(self, project: Project, version: str, message: str) -> None:
        """A version that was never released is a usage error naming the released ones."""
        done = project.stategen("schema", "--version", version)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr

    def test_missing_or_edited_is_a_warning_and_bump_writes_it_again(
        self, project: Project
    ) -> None:
        """check notes a missing or edited JSON Schema; bump writes a missing one again."""
        path = project.root / "schemas/1.0.0.schema.json"
        original = path.read_text(encoding="utf-8")
        path.write_text("{}\n", encoding="utf-8")
        edited = project.stategen("check")
        assert edited.returncode == 0 and "schemas/1.0.0.schema.json differs" in edited.stdout
        path.unlink()
        project.commit("Lost the JSON Schema")
        missing = project.stategen("check")
        assert missing.returncode == 0 and "no JSON Schema of schema 1.0.0" in missing.stdout
        done = project.stategen("bump")
        assert done.returncode == 0, done.stderr
        assert path.read_text(encoding="utf-8") == original


class TestRecordedAnswers:
    def test_bundle_of_a_gone_install(self, project: Project) -> None:
        """Answers naming the template bundle of another stategen install, now gone (a
        teammate's machine, a deleted venv), still bump: this stategen's bundle holds the same
        release tags. (A recorded source that is no bundle is not swapped: see
        test_failed_regeneration_leaves_nothing.)"""
        answers = project.root / ".copier-answers.yml"
        text = answers.read_text(encoding="utf-8")
        recorded = next(line for line in text.splitlines() if line.startswith("_src_path:"))
        gone = "/gone/venv/lib/site-packages/stategen/_template/stategen-template.bundle"
        answers.write_text(text.replace(recorded, f"_src_path: {gone}"), encoding="utf-8")
        project.commit("Generated elsewhere")
        project.edit_spec(TO_1_1, ADD_PRIORITY)
        done = project.stategen("bump")
        assert done.returncode == 0, done.stderr
        assert "priority: int = 3" in (project.root / "src/notes_state/model.py").read_text()

    def test_answers_from_before_the_computed_code(self, project: Project) -> None:
        """A project recorded without `schema.code` (made by stategen 0.1.0) checks and bumps,
        and the bump records the code."""
        answers = project.root / ".copier-answers.yml"
        data = yaml.safe_load(answers.read_text(encoding="utf-8"))
        del data["schema"]["code"]
        answers.write_text(yaml.safe_dump(data), encoding="utf-8")
        project.commit("Answers as stategen 0.1.0 wrote them")
        assert project.stategen("check").returncode == 0
        project.edit_spec(TO_1_1, ADD_PRIORITY)
        done = project.stategen("bump")
        assert done.returncode == 0, done.stderr
        assert "priority: int = 3" in (project.root / "src/notes_state/model.py").read_text()
        recorded = yaml.safe_load(answers.read_text(encoding="utf-8"))["schema"]
        assert "priority: int = 3" in recorded["code"]["model"]["state_fields"]


class TestCheck:
    def test_fresh_project_passes(self, project: Project) -> None:
        done = project.stategen("check")
        assert done.returncode == 0 and done.stdout.splitlines()[-1] == "ok"

    def test_json_lists_every_change_with_its_classification(self, project: Project) -> None:
        """--json is machine-readable: pending changes with code and classification."""
        project.edit_spec(TO_1_1, ADD_PRIORITY)
        done = project.stategen("check", "--json")
        assert done.returncode == 1
        report = json.loads(done.stdout)
        assert report["ok"] is False
        (change,) = report["pending"]["changes"]
        assert (change["code"], change["classification"]) == ("SG101", "SAFE")
        assert change["subject"] == "NotesState.priority"

    def test_version_policy_is_reported(self, project: Project) -> None:
        """A pending change the version does not allow is listed with the version to set."""
        project.edit_spec(ADD_PRIORITY)
        done = project.stategen("check")
        assert done.returncode == 1 and "set `version: 1.1.0`" in done.stdout

    def test_missing_migration_is_a_gap(self, released: Project) -> None:
        project = released
        project.migration("1.0.0", "1.1.0").unlink()
        done = project.stategen("check")
        assert done.returncode == 1 and "missing migration 1.0.0 → 1.1.0" in done.stdout

    def test_stray_module_is_a_fork(self, released: Project) -> None:
        project = released
        stray = project.migration("1.0.0", "1.2.0")
        stray.write_text("def migrate(data):\n    return data\n", encoding="utf-8")
        done = project.stategen("check")
        assert done.returncode == 1 and "v1_0_0_to_v1_2_0.py is not an edge" in done.stdout

    def test_broken_module_is_reported(self, released: Project) -> None:
        project = released
        project.migration("1.0.0", "1.1.0").write_text("def migrate(:\n", encoding="utf-8")
        done = project.stategen("check")
        assert done.returncode == 1 and "does not parse" in done.stdout

    def test_stub_found_by_reading_not_running(self, released: Project) -> None:
        """A stub in dead code still fails: check reads the code, it never runs it."""
        project = released
        module = project.migration("1.0.0", "1.1.0")
        with module.open("a", encoding="utf-8") as stream:
            stream.write("\n\ndef _later() -> None:\n    raise NotImplementedError\n")
        done = project.stategen("check")
        assert done.returncode == 1 and "in _later()" in done.stdout

    def test_damaged_snapshot_is_a_warning(self, released: Project) -> None:
        """A snapshot that does not parse is reported; the chain itself is still checked."""
        project = released
        (project.root / ".stategen/schemas/1.0.0.json").write_text("{", encoding="utf-8")
        done = project.stategen("check")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "warning: cannot list the changes 1.0.0 → 1.1.0" in done.stdout

    def test_outside_a_project(self, tmp_path: Path) -> None:
        """Run elsewhere, check says where to run it (usage error, exit 2)."""
        done = run_stategen("check", cwd=tmp_path)
        assert done.returncode == 2 and "top directory" in done.stderr

    def test_uncommitted_bump_is_not_an_error_for_check(self, bumped: Project) -> None:
        """check reads the files as they are; git state is bump's business."""
        assert bumped.status() != ""  # the bump is not committed
        assert bumped.stategen("check").returncode == 0
