"""A scratch clone of a project's repository, and copying what changed there back, all or nothing.

`stategen bump` regenerates a project in a clone (the edited `stategen.yml` committed there),
so a failure anywhere leaves the project exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import _git
from ..errors import DestinationError
from .layout import SPEC_FILE


@contextmanager
def scratch_clone(project: Path) -> Iterator[Path]:
    """A clone of the project's repository at HEAD plus the current stategen.yml, committed.

    Yields the project's directory inside the clone; the clone is deleted afterwards.
    """
    top = _git.top_level(project)
    inside = project.resolve().relative_to(top.resolve())
    scratch = Path(tempfile.mkdtemp(prefix="stategen-bump-"))
    try:
        clone = scratch / "repo"
        _git.run("clone", "--quiet", "--no-hardlinks", str(top), str(clone), cwd=scratch)
        staged = clone / inside
        shutil.copyfile(project / SPEC_FILE, staged / SPEC_FILE)
        if _git.status(staged):
            _git.run("add", SPEC_FILE, cwd=staged)
            _git.run(
                *_git.FIXED_OPTIONS,
                *("commit", "--quiet", "--no-verify", "-m", "Edit the schema"),
                cwd=staged,
                env=_git.FIXED_IDENTITY,
            )
        yield staged
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def copy_changes(scratch: Path, project: Path, changes: list[_git.StatusEntry]) -> None:
    """Copy changed files into the project: all staged next to their targets, then renamed.

    A failure while staging removes what was staged, so the project is untouched.
    """
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    try:
        for entry in changes:
            source, target = scratch / entry.path, project / entry.path
            if not source.exists():
                continue
            created += _make_directories(target.parent, project)
            temporary = target.with_name(f".{target.name}.stategen-bump")
            shutil.copy2(source, temporary)
            staged.append((temporary, target))
    except OSError as error:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for directory in reversed(created):
            shutil.rmtree(directory, ignore_errors=True)
        raise DestinationError(
            f"cannot write into {project}: {error}; nothing was changed"
        ) from None
    for temporary, target in staged:
        os.replace(temporary, target)
    for entry in changes:
        if not (scratch / entry.path).exists():
            gone = project / entry.path
            gone.unlink(missing_ok=True)
            _remove_empty_parents(gone.parent, project)


def _remove_empty_parents(directory: Path, root: Path) -> None:
    """Remove `directory` and its parents below `root` while they are empty (a folder the
    render no longer has, such as a runtime engine the spec turned off)."""
    while directory != root and directory.is_relative_to(root):
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def _make_directories(directory: Path, root: Path) -> list[Path]:
    """Create `directory` (under `root`); return the ones created, outermost first."""
    missing: list[Path] = []
    probe = directory
    while probe != root and not probe.exists():
        missing.append(probe)
        probe = probe.parent
    directory.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))
