"""`stategen update`, `bump` and `check` on a generated project, beside plain Copier where
it has a counterpart.

Updates need two template versions. The harness builds a throwaway template repository from
this checkout's `copier.yml` and `template/`: tag v0.0.1, a one-line README change, tag v0.0.2.
Every timed run gets a freshly generated, committed project, so runs do not interfere.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ._generator import EXAMPLE_SPEC, REPO, copier, stategen
from ._stats import Summary

OLD, NEW = "v0.0.1", "v0.0.2"


@dataclass(frozen=True)
class Pair:
    """A stategen command and its plain-Copier counterpart, timed in turns."""

    ours: Summary
    copier: Summary | None
    ratio: Summary | None
    what: str


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _commit_all(path: Path, message: str) -> None:
    if not (path / ".git").exists():
        _git("init", "-q", cwd=path)
    _git("add", "-A", cwd=path)
    _git("commit", "-q", "--allow-empty", "-m", message, cwd=path)


def template_repo(root: Path) -> Path:
    """A git template repository with two tagged versions that differ in one README line."""
    repo = root / "template-repo"
    repo.mkdir()
    shutil.copy2(REPO / "copier.yml", repo / "copier.yml")
    shutil.copytree(
        REPO / "template", repo / "template", ignore=shutil.ignore_patterns("__pycache__")
    )
    _commit_all(repo, "v1")
    _git("tag", OLD, cwd=repo)
    readme = repo / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n<!-- template v0.0.2 -->\n")
    _commit_all(repo, "v2")
    _git("tag", NEW, cwd=repo)
    return repo


def _project(root: Path, name: str, template: Path | None = None) -> Path:
    """A generated, committed example project (from `template` at v0.0.1, or the default)."""
    dest = root / name
    source: list[str | Path] = (
        [] if template is None else ["--template", template, "--vcs-ref", OLD]
    )
    stategen().time("new", dest, "--spec", EXAMPLE_SPEC, *source)
    _commit_all(dest, "generated")
    return dest


def update_vs_copier(repeat: int) -> Pair:
    """`stategen update --vcs-ref v0.0.2` against `copier update` of a twin project."""
    with tempfile.TemporaryDirectory(prefix="stategen-bench-update-") as scratch:
        root = Path(scratch)
        template = template_repo(root)
        ours, theirs = [], []
        for index in range(repeat):
            mine = _project(root, f"ours{index}", template)
            twin = _project(root, f"copier{index}", template)
            ours.append(
                stategen().time("update", "--template", template, "--vcs-ref", NEW, cwd=mine)
            )
            theirs.append(
                copier().time("update", "--quiet", "--defaults", "--vcs-ref", NEW, cwd=twin)
            )
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        return Pair(
            Summary.of(ours),
            Summary.of(theirs),
            Summary.of(ratios),
            f"a project from template {OLD} to {NEW} (a one-line README change)",
        )


def bump_time(repeat: int) -> Pair:
    """`stategen bump` after adding a field with a default and raising the version to 1.1.0."""
    with tempfile.TemporaryDirectory(prefix="stategen-bench-bump-") as scratch:
        root = Path(scratch)
        times = []
        for index in range(repeat):
            project = _project(root, f"bump{index}")
            spec = project / "stategen.yml"
            data = yaml.safe_load(spec.read_text())
            data["version"] = "1.1.0"
            data["fields"]["retries"] = {"type": "int", "default": 0}
            spec.write_text(yaml.safe_dump(data, sort_keys=False))
            _commit_all(project, "spec: add retries")
            times.append(stategen().time("bump", "--defaults", cwd=project))
        return Pair(
            Summary.of(times), None, None, "add a field with a default, version 1.0.0 → 1.1.0"
        )


def check_time(repeat: int) -> Pair:
    """`stategen check` of a freshly generated, committed project: the CI gate."""
    with tempfile.TemporaryDirectory(prefix="stategen-bench-check-") as scratch:
        project = _project(Path(scratch), "check")
        stategen().time("check", cwd=project)  # warm the OS file cache and the bytecode cache
        times = [stategen().time("check", cwd=project) for _ in range(repeat)]
        return Pair(Summary.of(times), None, None, "the example project, freshly generated")
