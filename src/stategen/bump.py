"""`stategen bump`: release the schema in stategen.yml as the project's next version.

It diffs the last released schema (the project's answers) against the spec, refuses a version
too small for the changes, then in a scratch clone of the project: regenerates everything
derived from the spec through Copier's update (so hand edits merge), writes the migration
module, the old version's fixture and the schema snapshots. Only when all of that succeeded
are the changed files copied into the project, so a failure leaves it exactly as it was.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _git
from ._copier import ANSWERS_FILE, CURRENT_TEMPLATE, read_answers, update_project
from .errors import ConflictError, DestinationError, PreconditionError, SpecError
from .evolve import (
    Plan,
    Questioner,
    Schema,
    SchemaShapeError,
    check_version,
    detect,
    write_migration,
)
from .evolve.policy import parse_version
from .evolve.project import SNAPSHOT_KEYS, Layout, fixture_for, snapshot_of, snapshot_text
from .evolve.stubs import find_stubs
from .spec import Spec, load_spec

# A fixed identity for the one commit bump makes, in its scratch clone only.
_COMMIT = (
    *("-c", "user.name=stategen", "-c", "user.email=stategen@invalid"),
    *("-c", "commit.gpgSign=false", "-c", f"core.hooksPath={os.devnull}"),
)


@dataclass(frozen=True)
class BumpResult:
    """What a bump did, for the closing message."""

    project: Path
    plan: Plan | None
    regenerated: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    migration: str | None = None
    stubs: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.regenerated or self.written)

    def summary(self) -> str:
        if not self.changed:
            version = self.plan.new.version if self.plan else "?"
            return f"Nothing to do: stategen.yml is already released as schema {version}."
        assert self.plan is not None
        lines = [self.plan.describe()]
        if self.written:
            lines.append("Wrote:")
            lines += [f"  {path}" for path in self.written]
        if self.regenerated:
            lines.append(f"Regenerated from the spec ({len(self.regenerated)} file(s)):")
            lines += [f"  {path}" for path in self.regenerated]
        lines += list(self.notes)
        if self.stubs:
            lines.append(
                "Fill in these migration stubs; until then `stategen check` and the tests fail:"
            )
            lines += [f"  {stub}" for stub in self.stubs]
        if self.conflicts:
            lines.append("Resolve the conflict markers in:")
            lines += [f"  {path}" for path in self.conflicts]
        cd = f"cd {shlex.quote(str(self.project))} && "
        lines += [
            "Review with `git diff`, run the tests, then commit:",
            f'  {cd}git add -A && git commit -m "Schema {self.plan.new.version}"',
        ]
        return "\n".join(lines)


def bump(
    project: Path, *, questioner: Questioner | None = None, keep_conflicts: bool = False
) -> BumpResult:
    """Release the spec of the project at `project`; see the module docstring."""
    project = project.absolute()
    answers = _check_preconditions(project)
    layout = Layout(project, str(answers["package"]))
    spec = load_spec(layout.spec)
    new_answers = release_answers(spec, answers, layout)
    old_schema = read_schema(answers, project / ANSWERS_FILE)
    try:
        plan = detect(old_schema, Schema.from_answers(new_answers), questioner)
        check_version(plan)
    except SpecError as error:
        raise error.located(layout.spec) from None
    module = layout.migration(plan.old.version, plan.new.version)
    if plan.new.version != plan.old.version and module.exists():
        raise PreconditionError(
            f"{layout.relative(module)} already exists; stategen never overwrites a "
            "migration. Move it away (or delete it) and run `stategen bump` again."
        )
    regenerate = snapshot_of(answers) != snapshot_of(new_answers)
    missing = _missing_fixtures(layout, answers)
    if not regenerate and not missing:
        return BumpResult(project, plan)

    with _scratch_clone(project) as scratch:
        conflicts: tuple[str, ...] = ()
        if regenerate:
            report = update_project(scratch, data=new_answers, vcs_ref=CURRENT_TEMPLATE)
            conflicts = (*report.conflicts, *report.rejects)
            if conflicts and not keep_conflicts:
                raise ConflictError(_conflict_message(project, conflicts))
        staged = Layout(scratch, layout.package)
        written = _write_release(staged, answers, new_answers, plan)
        changes = _git.status(scratch)
        _copy_changes(scratch, project, changes)

    ours = set(written)
    name = layout.relative(module)
    stubs = find_stubs(module.read_text(encoding="utf-8")) if name in ours else []
    return BumpResult(
        project,
        plan,
        regenerated=tuple(sorted(e.path for e in changes if e.path not in ours)),
        written=tuple(sorted(ours)),
        migration=name if name in ours else None,
        stubs=tuple(stub.describe(name) for stub in stubs),
        conflicts=conflicts,
    )


# -- what to release -------------------------------------------------------------------------


def release_answers(spec: Spec, answers: dict[str, Any], layout: Layout) -> dict[str, Any]:
    """The spec as answers, with the history grown by its version when that is new."""
    history = [str(v) for v in answers["schema"]["history"]]
    last, version = history[-1], str(spec.version)
    if parse_version(version) < parse_version(last):
        raise SpecError(
            f"version {version} is older than the last released version {last}; "
            f"versions only go up (set `version:` to {last} or later)",
            file=layout.spec,
            key_path="version",
        )
    if version != last:
        history.append(version)
    if spec.package != answers["package"]:
        raise SpecError(
            f"the package was {answers['package']!r} and cannot be renamed by a bump; "
            f"set `package: {answers['package']}` back, or generate a new project",
            file=layout.spec,
            key_path="package",
        )
    try:
        new: dict[str, Any] = spec.to_answers(history=history)
    except ValueError as error:  # a history in the answers file that was edited by hand
        raise PreconditionError(f"{layout.root / ANSWERS_FILE}: {error}") from None
    return {key: new[key] for key in SNAPSHOT_KEYS}


def read_schema(answers: dict[str, Any], where: Path) -> Schema:
    """The schema in a set of answers (or a snapshot); PreconditionError when malformed."""
    try:
        return Schema.from_answers(answers)
    except SchemaShapeError as error:
        raise PreconditionError(f"{where}: {error}") from None


def _missing_fixtures(layout: Layout, answers: dict[str, Any]) -> list[str]:
    """Fixtures of older released versions that are gone but can be made again."""
    return [
        layout.relative(layout.fixture(version))
        for version in [str(v) for v in answers["schema"]["history"]][:-1]
        if not layout.fixture(version).exists() and layout.schema_of(version, answers)
    ]


def _write_release(
    staged: Layout, answers: dict[str, Any], new_answers: dict[str, Any], plan: Plan
) -> list[str]:
    """Write snapshots, fixtures and the migration into the scratch clone; return their paths."""
    written: list[str] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(staged.relative(path))

    old, new = plan.old.version, plan.new.version
    if not staged.snapshot(old).exists():
        write(staged.snapshot(old), snapshot_text(snapshot_of(answers)))
    if new != old or snapshot_of(answers) != snapshot_of(new_answers):
        write(staged.snapshot(new), snapshot_text(new_answers))
    for version in [str(v) for v in new_answers["schema"]["history"]][:-1]:
        schema = staged.schema_of(version, answers)
        if schema is not None and not staged.fixture(version).exists():
            write(staged.fixture(version), fixture_for(schema))
    if new != old:
        write(staged.migration(old, new), write_migration(plan).source)
    return written


# -- preconditions -----------------------------------------------------------------------------


def _check_preconditions(project: Path) -> dict[str, Any]:
    """The project's answers, once it is a committed git project whose only change is the spec."""
    cd = f"cd {shlex.quote(str(project))} && "
    if not (project / ANSWERS_FILE).is_file():
        raise PreconditionError(
            f"{project} has no {ANSWERS_FILE}: run `stategen bump` in the top directory of a "
            "project made by `stategen new` (or `copier copy` of stategen's template)"
        )
    answers = read_answers(project)
    if not isinstance(answers.get("schema"), dict) or "package" not in answers:
        raise PreconditionError(
            f"{project / ANSWERS_FILE} records no schema; is it a stategen project?"
        )
    if not (project / "stategen.yml").is_file():
        raise PreconditionError(
            f"{project} has no stategen.yml; restore it with:\n"
            f"  {cd}git checkout HEAD -- stategen.yml"
        )
    if not _git.is_work_tree(project) or not _git.has_commits(project):
        raise PreconditionError(
            f"{project} is not a committed git project. A bump merges the regenerated code with "
            "your edits and needs git for it (and for you to review and undo it). Run:\n"
            f"  {cd}git init && git add -A && git commit -m 'Generated by stategen'"
        )
    if not answers.get("_src_path") or not answers.get("_commit"):
        raise PreconditionError(
            f"{project / ANSWERS_FILE} does not record the template's source and version "
            "(_src_path, _commit), so the code cannot be regenerated by an update"
        )
    others = [e for e in _git.status(project) if e.path != "stategen.yml"]
    if others:
        listing = "\n".join(f"  {entry}" for entry in others[:20])
        more = f"\n  … and {len(others) - 20} more" if len(others) > 20 else ""
        raise PreconditionError(
            "stategen bump needs a clean git worktree apart from stategen.yml, so that what it "
            f"changes can be reviewed with `git diff` and undone. Uncommitted:\n{listing}{more}\n"
            f"Commit them first (stategen.yml may stay uncommitted):\n"
            f"  {cd}git add -A -- ':!stategen.yml' && git commit -m 'Work in progress'\n"
            f"or put them aside:\n  {cd}git stash push --include-untracked -- ':!stategen.yml'"
        )
    return answers


def _conflict_message(project: Path, conflicts: tuple[str, ...]) -> str:
    listing = "\n".join(f"  {path}" for path in conflicts)
    return (
        "regenerating the code from the new schema conflicts with your edits in:\n"
        f"{listing}\nNothing was changed. Move those edits out of the generated lines, or run "
        "`stategen bump --keep-conflicts` to get conflict markers to resolve by hand."
    )


# -- the scratch clone ---------------------------------------------------------------------


@contextmanager
def _scratch_clone(project: Path) -> Iterator[Path]:
    """A clone of the project's repository at HEAD plus the current stategen.yml, committed.

    Yields the project's directory inside the clone; the clone is deleted afterwards.
    """
    top = Path(_git.git("rev-parse", "--show-toplevel", cwd=project).stdout.decode().strip())
    inside = project.resolve().relative_to(top.resolve())
    scratch = Path(tempfile.mkdtemp(prefix="stategen-bump-"))
    try:
        clone = scratch / "repo"
        _git.git("clone", "--quiet", "--no-hardlinks", str(top), str(clone), cwd=scratch)
        staged = clone / inside
        shutil.copyfile(project / "stategen.yml", staged / "stategen.yml")
        if _git.status(staged):
            _git.git("add", "stategen.yml", cwd=staged)
            _git.git(
                *_COMMIT, "commit", "--quiet", "--no-verify", "-m", "Edit the schema", cwd=staged
            )
        yield staged
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _copy_changes(scratch: Path, project: Path, changes: list[_git.StatusEntry]) -> None:
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
            (project / entry.path).unlink(missing_ok=True)


def _make_directories(directory: Path, root: Path) -> list[Path]:
    """Create `directory` (under `root`); return the ones created, outermost first."""
    missing: list[Path] = []
    probe = directory
    while probe != root and not probe.exists():
        missing.append(probe)
        probe = probe.parent
    directory.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))
