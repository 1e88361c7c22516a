"""`stategen update` explains what stops it, with the exact files and commands."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_MANAGER, REPO, Pristine, TemplateRepo, commit_all, git

from stategen._copier import copy_template
from stategen.commands.update import update
from stategen.errors import PreconditionError


class TestPreconditions:
    def test_not_a_directory(self, tmp_path: Path):
        with pytest.raises(PreconditionError, match="is not a directory"):
            update(tmp_path / "missing", vcs_ref="v1")

    def test_no_answers_file(self, tmp_path: Path):
        """A directory stategen did not generate says which file is missing."""
        with pytest.raises(PreconditionError, match=r"has no \.copier-answers\.yml"):
            update(tmp_path, vcs_ref="v1")

    def test_template_without_versions(self, tmp_path: Path):
        """A project copied from a plain (non-git) template directory has no version to merge."""
        plain = tmp_path / "plain-template"
        plain.mkdir()
        shutil.copy2(REPO / "copier.yml", plain / "copier.yml")
        shutil.copytree(REPO / "template", plain / "template")
        copy_template(str(plain), tmp_path / "project", data={})

        with pytest.raises(PreconditionError, match=r"_src_path and _commit"):
            update(tmp_path / "project", vcs_ref="v1")

    def test_not_a_git_repository(
        self, template_repo: TemplateRepo, pristine: Pristine, tmp_path: Path
    ):
        """Without git, the message gives the commands that put the project under git."""
        pristine.copy_generated(template_repo, tmp_path / "project")

        with pytest.raises(PreconditionError) as caught:
            update(tmp_path / "project", vcs_ref="v1")

        message = str(caught.value)
        assert "is not a git repository" in message
        assert "git init && git add -A && git commit -m" in message

    def test_no_commits(self, template_repo: TemplateRepo, pristine: Pristine, tmp_path: Path):
        pristine.copy_generated(template_repo, tmp_path / "project")
        git(tmp_path / "project", "init", "-q")

        with pytest.raises(PreconditionError, match="no commits yet"):
            update(tmp_path / "project", vcs_ref="v1")

    def test_dirty_worktree_names_the_files(self, project: Path):
        """Uncommitted and untracked files are listed, with the commit and stash commands."""
        (project / PROJECT_MANAGER).write_text("# changed\n", encoding="utf-8")
        (project / "notes").mkdir()
        (project / "notes" / "todo.txt").write_text("x\n", encoding="utf-8")

        with pytest.raises(PreconditionError) as caught:
            update(project, vcs_ref="v1")

        message = str(caught.value)
        assert "Commit or stash first" in message
        assert f" M {PROJECT_MANAGER}" in message
        assert "?? notes/todo.txt" in message
        assert "git add -A && git commit -m" in message
        assert "git stash --include-untracked" in message

    def test_project_in_a_subdirectory_of_a_repository(
        self, template_repo: TemplateRepo, pristine: Pristine, tmp_path: Path
    ):
        """Paths are shown relative to the project, also when the repository is larger."""
        monorepo = tmp_path / "mono"
        pristine.copy_generated(template_repo, monorepo / "libs" / "state")
        git(monorepo, "init", "-q")
        commit_all(monorepo, "Generated")
        (monorepo / "libs" / "state" / "extra.txt").write_text("x\n", encoding="utf-8")

        with pytest.raises(PreconditionError, match=r"\?\? extra\.txt"):
            update(monorepo / "libs" / "state", vcs_ref="v1")

    def test_committed_conflict_markers(self, project: Path):
        """Markers committed by mistake after an earlier update block the next one."""
        (project / PROJECT_MANAGER).write_text(
            "<<<<<<< before updating\na = 1\n=======\na = 2\n>>>>>>> after updating\n",
            encoding="utf-8",
        )
        commit_all(project, "Oops, committed markers")

        with pytest.raises(PreconditionError, match="conflict markers committed in"):
            update(project, vcs_ref="v1")

    def test_unknown_version(self, project: Path):
        with pytest.raises(PreconditionError, match=r"has no version v9 \(its versions: v1\)"):
            update(project, vcs_ref="v9")


class TestInsideAnotherRepository:
    def test_an_uncommitted_project_inside_another_repository(
        self, template_repo: TemplateRepo, pristine: Pristine, tmp_path: Path
    ):
        """Generated inside someone else's clone: say so, and offer its own repository,
        rather than suggest committing it into the other one."""
        other = tmp_path / "other"
        other.mkdir()
        git(other, "init", "-q")
        commit_all(other, "Someone else's project")
        pristine.copy_generated(template_repo, other / "example")

        with pytest.raises(PreconditionError) as caught:
            update(other / "example", vcs_ref="v1")

        message = str(caught.value)
        assert f"inside the git repository {other}" in message
        assert "git init && git add -A && git commit" in message
        assert "uncommitted changes" not in message

    def test_a_committed_project_in_a_subdirectory_is_fine(
        self, template_repo: TemplateRepo, pristine: Pristine, tmp_path: Path
    ):
        """Positive control: once committed there, a monorepo subdirectory works."""
        other = tmp_path / "other"
        pristine.copy_generated(template_repo, other / "example")
        git(other, "init", "-q")
        commit_all(other, "A monorepo")
        assert update(other / "example", vcs_ref="v1").new_version == "v1"
