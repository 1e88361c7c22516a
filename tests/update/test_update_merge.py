"""`stategen update` merges template releases: fixes arrive, edits stay, conflicts are flagged."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import (
    ATOMIC,
    MANAGER,
    PROJECT_ATOMIC,
    PROJECT_MANAGER,
    TEMPLATE_FIX,
    TemplateRepo,
    commit_all,
    git,
    prepend_fix,
)

from stategen._copier import CURRENT_TEMPLATE
from stategen._git import files_with_markers, unmerged_paths
from stategen.commands.check import check
from stategen.commands.update import update
from stategen.errors import ConflictError, PreconditionError
from stategen.project import read_answers, resolve_source, update_project
from stategen.project.layout import RUNTIME_MANIFEST

OWNER_LINE = "# The owner's note, kept across updates.\n"
OWN_MODULE = "src/batch_state/reports.py"
OWN_MODULE_TEXT = '"""The owner\'s own module."""\n\nREPORT_NAME = "daily"\n'


def _append(line: str) -> Any:
    return lambda text: text + line


def _edit(project: Path, relative: str, change: Any) -> None:
    file = project / relative
    file.write_text(change(file.read_text(encoding="utf-8")), encoding="utf-8")


def _run_generated_tests(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


class TestThreeWayMerge:
    def test_fix_arrives_and_owner_edits_stay(self, template_repo: TemplateRepo, project: Path):
        """A v2 fix to a runtime module lands; the owner's own files keep their edits, and an
        edit to the runtime (replaced as a unit) is discarded and named. A deleted stategen.yml
        comes back: `stategen bump` needs it."""
        _edit(project, PROJECT_MANAGER, _append(OWNER_LINE))
        _edit(project, PROJECT_ATOMIC, _append(OWNER_LINE))  # the same file as the fix
        (project / OWN_MODULE).write_text(OWN_MODULE_TEXT, encoding="utf-8")
        (project / "stategen.yml").unlink()
        commit_all(project, "Owner edits, no spec")
        template_repo.release("v2", {ATOMIC: prepend_fix})

        report = update(project, vcs_ref="v2")

        atomic = (project / PROJECT_ATOMIC).read_text(encoding="utf-8")
        assert atomic.startswith(TEMPLATE_FIX)
        assert not atomic.endswith(OWNER_LINE)
        assert any("discarded" in note and PROJECT_ATOMIC in note for note in report.notes)
        assert PROJECT_ATOMIC in report.summary()
        assert (project / PROJECT_MANAGER).read_text(encoding="utf-8").endswith(OWNER_LINE)
        assert (project / OWN_MODULE).read_text(encoding="utf-8") == OWN_MODULE_TEXT
        assert report.clean and report.conflicts == () and report.rejects == ()
        assert (report.old_version, report.new_version) == ("v1", "v2")
        assert PROJECT_ATOMIC in report.changed
        assert files_with_markers(project) == [] and unmerged_paths(project) == []
        assert read_answers(project)["_commit"] == "v2"
        assert (project / "stategen.yml").is_file()
        done = _run_generated_tests(project)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    def test_deleted_file_stays_deleted_and_the_spec_is_never_overwritten(
        self, template_repo: TemplateRepo, project: Path
    ):
        """A generated file the owner deleted is not brought back, even when v2 changes it;
        stategen.yml is the owner's (`_skip_if_exists`): v2's changes to it do not land."""
        (project / "README.md").unlink()
        _edit(project, "stategen.yml", _append("# tuned by the owner\n"))
        commit_all(project, "No README, the owner edits the spec")
        before = (project / "stategen.yml").read_text(encoding="utf-8")
        template_repo.release(
            "v2",
            {
                "template/README.md.jinja": _append("\nMore docs.\n"),
                "template/stategen.yml.jinja": lambda text: "# v2 header\n" + text,
            },
        )

        update(project, vcs_ref="v2")

        assert not (project / "README.md").exists()
        assert (project / "stategen.yml").read_text(encoding="utf-8") == before

    def test_same_line_edit_raises_conflict_naming_the_file(
        self, template_repo: TemplateRepo, project: Path
    ):
        """The owner and v2 change the same line: markers appear and the update fails."""
        _edit(project, PROJECT_MANAGER, lambda text: "# The owner's first line.\n" + text)
        commit_all(project, "Owner edits the first line")
        template_repo.release("v2", {MANAGER: prepend_fix})

        with pytest.raises(ConflictError) as caught:
            update(project, vcs_ref="v2")

        message = str(caught.value)
        assert PROJECT_MANAGER in message
        assert "git add" in message and "git diff --check" in message
        assert caught.value.exit_code != 0
        text = (project / PROJECT_MANAGER).read_text(encoding="utf-8")
        assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text
        assert unmerged_paths(project) == [PROJECT_MANAGER]
        # Until the owner resolves it, a second update refuses to start.
        with pytest.raises(PreconditionError, match="unresolved merge conflicts"):
            update(project, vcs_ref="v2")

    def test_runtime_conflict_is_no_conflict(self, template_repo: TemplateRepo, project: Path):
        """The same-line edit in the runtime: it is replaced as a unit, so no marker, no
        unmerged entry, and the note names the edit that was discarded."""
        _edit(project, PROJECT_ATOMIC, lambda text: "# The owner's first line.\n" + text)
        commit_all(project, "Owner edits the runtime")
        template_repo.release("v2", {ATOMIC: prepend_fix})

        report = update(project, vcs_ref="v2")

        released = (template_repo.path / ATOMIC).read_text(encoding="utf-8")
        assert report.clean and unmerged_paths(project) == [] and files_with_markers(project) == []
        assert (project / PROJECT_ATOMIC).read_text(encoding="utf-8") == released
        assert any("discarded" in note and PROJECT_ATOMIC in note for note in report.notes)
        assert check(project).ok

    def test_same_version_changes_nothing(self, project: Path):
        """Updating to the version the project is on is a no-op (once its runtime manifest,
        which plain Copier does not write, is recorded)."""
        first = update(project, vcs_ref="v1")
        assert first.changed == (RUNTIME_MANIFEST.as_posix(),)
        commit_all(project, "Record the runtime")

        report = update(project, vcs_ref="v1")

        assert report.changed == () and report.new_version == "v1"
        assert git(project, "status", "--porcelain") == ""
        assert "already on template v1" in report.summary()


class TestVersions:
    def test_default_target_is_the_installed_stategen_version(
        self, template_repo: TemplateRepo, project: Path
    ):
        """Without --vcs-ref the target is v<stategen version>, never the template's newest tag."""
        from stategen._template_source import default_template_ref

        template_repo.release("v2", {ATOMIC: prepend_fix})

        with pytest.raises(PreconditionError) as caught:
            update(project)

        message = str(caught.value)
        assert default_template_ref() in message and "v1, v2" in message
        assert "--vcs-ref" in message
        assert not (project / PROJECT_ATOMIC).read_text(encoding="utf-8").startswith(TEMPLATE_FIX)

    def test_other_source_with_the_same_tags(self, template_repo: TemplateRepo, project: Path):
        """--template switches to another copy of the releases (a mirror, the public repo);
        from there, going back to v1 is refused (no downgrades)."""
        template_repo.release("v2", {ATOMIC: prepend_fix})
        mirror = project.parent / "mirror"
        git(project.parent, "clone", "-q", str(template_repo.path), str(mirror))

        report = update(project, template=str(mirror), vcs_ref="v2")

        assert read_answers(project)["_src_path"] == str(mirror)
        assert (project / PROJECT_ATOMIC).read_text(encoding="utf-8").startswith(TEMPLATE_FIX)
        assert any("was " + str(template_repo.path) in note for note in report.notes)
        commit_all(project, "Update to v2")
        with pytest.raises(PreconditionError, match="Downgrades are not supported"):
            update(project, vcs_ref="v1")

    def test_missing_recorded_source_is_replaced(self, template_repo: TemplateRepo, project: Path):
        """A recorded template that is gone can be swapped for a copy holding the same tags."""
        template_repo.release("v2", {ATOMIC: prepend_fix})
        mirror = project.parent / "mirror"
        git(project.parent, "clone", "-q", str(template_repo.path), str(mirror))
        import shutil

        shutil.rmtree(template_repo.path)

        update(project, template=str(mirror), vcs_ref="v2")

        assert (project / PROJECT_ATOMIC).read_text(encoding="utf-8").startswith(TEMPLATE_FIX)
        assert read_answers(project)["_commit"] == "v2"


def _bumped_schema(project: Path) -> dict[str, Any]:
    """The project's schema with one new optional field, as `stategen bump` would record it."""
    schema = read_answers(project)["schema"]
    schema["fields"].append(
        {
            "name": "retries",
            "annotation": "int",
            "doc": None,
            "default": {"kind": "literal", "value": 0},
            "renamed_from": None,
        }
    )
    schema["version"] = "1.1.0"
    schema["history"] = [*schema["history"], "1.1.0"]
    return dict(schema)


class TestSchemaAndTemplate:
    def test_update_keeps_a_bump(self, template_repo: TemplateRepo, project: Path):
        """A template update replays the bumped schema from the answers: the bump survives."""
        _bump(project)
        commit_all(project, "Bump to 1.1.0")
        template_repo.release("v2", {ATOMIC: prepend_fix})

        update(project, vcs_ref="v2")

        model = (project / "src/batch_state/model.py").read_text(encoding="utf-8")
        assert "retries" in model
        answers = read_answers(project)
        assert answers["schema"]["version"] == "1.1.0"
        assert (project / PROJECT_ATOMIC).read_text(encoding="utf-8").startswith(TEMPLATE_FIX)

    def test_bump_keeps_a_template_update(self, template_repo: TemplateRepo, project: Path):
        """A bump re-renders at the project's current template version: the fix survives."""
        template_repo.release("v2", {ATOMIC: prepend_fix})
        update(project, vcs_ref="v2")
        commit_all(project, "Update to v2")

        _bump(project)

        assert read_answers(project)["_commit"] == "v2"
        assert (project / PROJECT_ATOMIC).read_text(encoding="utf-8").startswith(TEMPLATE_FIX)
        assert "retries" in (project / "src/batch_state/model.py").read_text(encoding="utf-8")

    def test_bump_with_an_edited_spec(self, template_repo: TemplateRepo, project: Path):
        """A bump may run while the owner's stategen.yml edit is uncommitted; the edit stays."""
        spec = project / "stategen.yml"
        spec.write_text(spec.read_text(encoding="utf-8") + "# 1.1.0: retries\n", encoding="utf-8")
        edited = spec.read_text(encoding="utf-8")

        _bump(project, allow_uncommitted=["stategen.yml"])

        assert spec.read_text(encoding="utf-8") == edited
        assert "retries" in (project / "src/batch_state/model.py").read_text(encoding="utf-8")
        assert git(project, "ls-files", "-v", "stategen.yml").startswith("H ")  # unhidden

    def test_bump_on_a_project_from_a_gone_environment(self, tmp_path: Path):
        """A project that recorded a bundle of a gone environment re-renders from this
        stategen's bundle, and records the template's public URL from then on."""
        from stategen._copier import copy_template
        from stategen._template_source import default_template_source, template_url

        project = tmp_path / "project"
        copy_template(default_template_source(), project, data={})
        answers = project / ".copier-answers.yml"
        gone = "/gone/venv/site-packages/stategen/_template/stategen-template.bundle"
        text = answers.read_text(encoding="utf-8")
        answers.write_text(text.replace(default_template_source(), gone), encoding="utf-8")
        git(project, "init", "-q")
        commit_all(project, "Generated elsewhere")

        _bump(project)

        assert read_answers(project)["_src_path"] == template_url()
        assert "retries" in (project / "src/batch_state/model.py").read_text(encoding="utf-8")


def _bump(project: Path, allow_uncommitted: Sequence[str] = ()) -> None:
    """Re-render at the current template version with the bumped schema, as a bump does."""
    update_project(
        project,
        source=resolve_source(read_answers(project)["_src_path"]),
        data={"schema": _bumped_schema(project)},
        vcs_ref=CURRENT_TEMPLATE,
        allow_uncommitted=allow_uncommitted,
    )


def _plain_copier_update(project: Path, ref: str) -> subprocess.CompletedProcess[str]:
    return _plain_copier(["update", "--defaults", "--vcs-ref", ref, "."], cwd=project)


def _plain_copier(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


class TestPlainCopier:
    def test_copier_update_needs_no_trust(self, template_repo: TemplateRepo, project: Path):
        """Plain `copier update` (no --trust) moves a stategen project to v2 as well."""
        template_repo.release("v2", {ATOMIC: prepend_fix})

        done = _plain_copier_update(project, "v2")

        assert done.returncode == 0, done.stderr
        assert (project / PROJECT_ATOMIC).read_text(encoding="utf-8").startswith(TEMPLATE_FIX)
        answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
        assert answers["_commit"] == "v2"

    def test_answers_without_code_stop_plain_copier(
        self, template_repo: TemplateRepo, project: Path
    ):
        """Answers recorded before `schema.code` existed make plain `copier update` stop with
        an error naming the missing key, before it touches the project (never render some
        other model); `stategen update` computes the code and updates."""
        answers = project / ".copier-answers.yml"
        data = yaml.safe_load(answers.read_text(encoding="utf-8"))
        del data["schema"]["code"]
        answers.write_text(yaml.safe_dump(data), encoding="utf-8")
        commit_all(project, "Answers as stategen 0.1.0 wrote them")
        template_repo.release("v2", {ATOMIC: prepend_fix})

        done = _plain_copier_update(project, "v2")
        assert done.returncode != 0 and "'code'" in done.stderr
        assert git(project, "status", "--porcelain") == ""

        update(project, vcs_ref="v2")
        assert (project / PROJECT_ATOMIC).read_text(encoding="utf-8").startswith(TEMPLATE_FIX)
        assert "code" in read_answers(project)["schema"]

    @pytest.mark.parametrize(
        "answers",
        [("name=my-prefs",), ("package=my_prefs",), ("state=Prefs",)],
        ids=["name", "package", "state"],
    )
    def test_copier_copy_with_other_names_is_refused(
        self, template_repo: TemplateRepo, tmp_path: Path, answers: tuple[str, ...]
    ):
        """Plain `copier copy` with names of one's own, and no schema, is refused with a line
        pointing to `stategen new`, and writes nothing (the code comes from the spec)."""
        dest = tmp_path / "mine"
        data = [arg for answer in answers for arg in ("--data", answer)]
        done = _plain_copier(["copy", "--defaults", *data, str(template_repo.path), str(dest)])
        assert done.returncode != 0
        assert "stategen new DEST --spec stategen.yml" in done.stderr.strip().splitlines()[-1]
        assert not dest.exists() or not any(dest.iterdir())

    def test_copier_copy_with_the_defaults_makes_the_example(
        self, template_repo: TemplateRepo, tmp_path: Path
    ):
        """The positive control: plain `copier copy --defaults` still makes the example."""
        dest = tmp_path / "example"
        done = _plain_copier(["copy", "--defaults", str(template_repo.path), str(dest)])
        assert done.returncode == 0, done.stderr
        assert (dest / "src" / "batch_state" / "_runtime" / "store.py").is_file()

    def test_with_pytest_copie(self, template_repo: TemplateRepo, request: pytest.FixtureRequest):
        """The template works the way pytest-copie users test templates: copy v1, update v2."""
        pytest.importorskip("pytest_copie")
        copie = request.getfixturevalue("copie")
        result = copie.copy(template_dir=template_repo.path, vcs_ref="v1")
        assert result.exit_code == 0, result.exception
        git(result.project_dir, "init", "-q")
        commit_all(result.project_dir, "Generated")
        template_repo.release("v2", {ATOMIC: prepend_fix})

        updated = copie.update(result, vcs_ref="v2")

        assert updated.exit_code == 0, updated.exception
        fixed = (result.project_dir / PROJECT_ATOMIC).read_text(encoding="utf-8")
        assert fixed.startswith(TEMPLATE_FIX)
