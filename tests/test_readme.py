"""The README's first five minutes, as a new user runs them: the clone stays clean, the
snippet resumes instead of starting over."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _fresh_clone(path: Path) -> Path:
    """This checkout's files (committed or not, never ignored ones) as a fresh repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, path / name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.invalid"}
    env.update(GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@example.invalid")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "clone"]):
        subprocess.run(["git", *command], cwd=path, env=env, check=True, capture_output=True)
    return path


def test_the_first_command_leaves_the_clone_clean(tmp_path: Path) -> None:
    """`stategen new` as the README's first command runs it, in a fresh clone: the project
    appears outside the clone, and `git status --porcelain` there stays empty."""
    (line,) = [line for line in _blocks("bash")[0].splitlines() if "stategen new" in line]
    arguments = shlex.split(line.split(".venv/bin/stategen ", 1)[1])
    clone = _fresh_clone(tmp_path / "stategen")
    env = {
        **os.environ,
        "PYTHONPATH": str(clone / "src"),
        "STATEGEN_CACHE_DIR": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "stategen", *arguments],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""
    assert (clone / arguments[1] / "src" / "batch_state" / "model.py").is_file()


def test_the_snippet_resumes_instead_of_starting_over(batch_project: Path, tmp_path: Path) -> None:
    """Run twice: the first run creates the state and does the work, the second finds it
    done. (The old snippet saved a fresh state on every run, wiping the progress.)"""
    (snippet,) = _blocks("python")[:1]
    assert "manager.save(" not in snippet
    env = {**os.environ, "PYTHONPATH": str(batch_project / "src")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", snippet],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert runs[0].stdout.splitlines()[0] == "0 of 3 done"
    assert runs[1].stdout.splitlines()[0] == "3 of 3 done"
