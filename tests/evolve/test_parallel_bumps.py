"""Two clones bump the same version with different fields: git's conflict is named, not parsed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import GeneratedProjects
from projects import Project, git, new_project

from stategen.merge_markers import conflict_line


def _bump_with(project: Project, field: str) -> None:
    project.edit_spec(
        (r"^version: 1\.0\.0$", "version: 1.1.0"),
        (r"^  note: ", f"  {field}: {{type: int, default: 0}}\n  note: "),
    )
    done = project.stategen("bump")
    assert done.returncode == 0, done.stderr
    project.commit(f"Add {field}")


@pytest.fixture(scope="module")
def merged(
    generated_projects: GeneratedProjects, tmp_path_factory: pytest.TempPathFactory
) -> Project:
    """A project whose clone and origin each bumped 1.0.0 → 1.1.0, then pulled: conflicts."""
    origin = new_project(generated_projects, tmp_path_factory.mktemp("origin"))
    clone = Project(tmp_path_factory.mktemp("clone") / "project")
    git(origin.root.parent, "clone", "--quiet", str(origin.root), str(clone.root))
    _bump_with(origin, "pages")
    _bump_with(clone, "words")
    pulled = subprocess.run(
        ["git", "-c", "pull.rebase=false", "pull", "--quiet", "--no-edit"],
        cwd=clone.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert pulled.returncode != 0, "the two bumps were expected to conflict"
    return clone


@pytest.mark.parametrize("command", ["check", "bump", "update"])
def test_each_command_names_the_conflict_in_one_line(merged: Project, command: str) -> None:
    """`check`, `bump` and `update` exit 2 with one line that names a conflicted file and
    the way out, and touch nothing."""
    before = merged.status()
    done = merged.stategen(command)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "unresolved merge conflict" in lines[0] and "Parallel bumps" in lines[0]
    named = Path(re.search(r"(/[^:]+):\d+: ", lines[0])[1])  # type: ignore[index]
    assert conflict_line(named.read_text(encoding="utf-8")) is not None
    assert merged.status() == before


class TestTheScan:
    def test_a_git_conflict_is_found_with_its_line(self) -> None:
        text = "a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> other\n"
        assert conflict_line(text) == 2

    def test_a_markdown_underline_is_no_conflict(self) -> None:
        """The positive control's opposite: a lone `=======` or an unclosed block is text."""
        assert conflict_line("Title\n=======\n") is None
        assert conflict_line("<<<<<<< HEAD\nonly one side\n") is None
