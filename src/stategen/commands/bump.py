"""`stategen bump`: release the schema in stategen.yml as the project's next version.

It diffs the last released schema (the project's answers) against the spec, refuses a version
too small for the changes, then in a scratch clone of the project: regenerates everything
derived from the spec through Copier's update (so hand edits merge), writes the migration
module, the old version's fixture, the schema snapshots and the state file's JSON Schema.
Only when all of that succeeded are the changed files copied into the project, so a failure
leaves it exactly as it was.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .. import _git
from .._copier import CURRENT_TEMPLATE
from ..answers import to_answers
from ..errors import ConflictError, PreconditionError, SpecError
from ..evolve import Plan, Questioner, check_version, detect, write_migration
from ..evolve.stubs import find_stubs
from ..json_schema import json_schema_text
from ..project import (
    SPEC_FILE,
    Layout,
    Project,
    ReleaseFiles,
    SnapshotError,
    conflict_message,
    copy_changes,
    read_snapshot,
    scratch_clone,
    snapshot_text,
    update_project,
)
from ..schema import Schema, SchemaVersion
from ..spec import load_spec


@dataclass(frozen=True)
class BumpResult:
    """What a bump did, for the closing message."""

    project: Path
    plan: Plan
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
            version = self.plan.new.version
            done = f"Nothing to do: stategen.yml is already released as schema {version}."
            return "\n".join([done, *self.notes])
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
            return "\n".join(lines)  # the ConflictError that follows says what to do
        cd = f"cd {shlex.quote(str(self.project))} && "
        lines += [
            "Review with `git diff`, run the tests, then commit:",
            f'  {cd}git add -A && git commit -m "Schema {self.plan.new.version}"',
        ]
        return "\n".join(lines)


def bump(
    root: Path, *, questioner: Questioner | None = None, keep_conflicts: bool = False
) -> BumpResult:
    """Release the spec of the project at `root`; see the module docstring.

    Conflicts between the regenerated code and the owner's edits raise ConflictError:
    before anything is written, or, with `keep_conflicts`, after writing the files with
    conflict markers (the error then holds the whole summary).
    """
    project = Project.open(root, "bump")
    project.require_spec()
    project.require_clean_git(allow=(SPEC_FILE,))
    source = project.require_template()
    layout = project.layout
    old = project.schema
    new = project.release(load_spec(layout.spec))
    try:
        plan = detect(old, new, questioner)
        check_version(plan)
    except SpecError as error:
        raise error.located(layout.spec) from None
    module = layout.migration(old.version, new.version)
    if new.version != old.version and module.exists():
        raise PreconditionError(
            f"{layout.relative(module)} already exists; stategen never overwrites a "
            "migration. Move it away (or delete it) and run `stategen bump` again."
        )
    regenerate = old != new
    if not regenerate and not project.release_files().missing():
        return BumpResult(project.root, plan, notes=_healed(project))

    with scratch_clone(project.root) as scratch:
        conflicts: tuple[str, ...] = ()
        rendered: tuple[str, ...] = ()
        if regenerate:
            report = update_project(
                scratch, source=source, data=to_answers(new), vcs_ref=CURRENT_TEMPLATE
            )
            conflicts = (*report.conflicts, *report.rejects)
            rendered = report.notes
            if conflicts and not keep_conflicts:
                raise ConflictError(_refusal(conflicts))
        written = _write_release(Layout(scratch, layout.package), old, new, plan)
        changes = _git.status(scratch)
        copy_changes(scratch, project.root, changes)

    ours = set(written)
    name = layout.relative(module)
    stubs = find_stubs(module.read_text(encoding="utf-8")) if name in ours else []
    result = BumpResult(
        project.root,
        plan,
        regenerated=tuple(sorted(e.path for e in changes if e.path not in ours)),
        written=tuple(sorted(ours)),
        migration=name if name in ours else None,
        stubs=tuple(stub.describe(name) for stub in stubs),
        conflicts=conflicts,
        notes=(*_healed(project), *rendered),
    )
    if conflicts:
        what = f"regenerating the code from schema {new.version}"
        resolve = conflict_message(
            project.root, what, conflicts, commit=f"Schema {new.version}", keep=(SPEC_FILE,)
        )
        raise ConflictError(f"{resolve}\nWhat the bump did:\n{result.summary()}")
    return result


def _healed(project: Project) -> tuple[str, ...]:
    """The note of recording the template as its URL, if the answers named a local path.

    A render in the scratch clone records the URL already; this covers a bump that renders
    nothing, and says what changed either way.
    """
    note = project.heal_source()
    return (note,) if note else ()


def _refusal(conflicts: tuple[str, ...]) -> str:
    listing = "\n".join(f"  {path}" for path in conflicts)
    return (
        "regenerating the code from the new schema conflicts with your edits in:\n"
        f"{listing}\nNothing was changed. Move those edits out of the generated lines, or run "
        "`stategen bump --keep-conflicts` to get conflict markers to resolve by hand."
    )


# -- what to release -------------------------------------------------------------------------


def _write_release(staged: Layout, old: Schema, new: Schema, plan: Plan) -> list[str]:
    """Write snapshots, fixtures and the migration into the scratch clone; return their paths.

    The snapshot of the version being superseded is written from the answers, which are the
    record of that version while it is the newest (see `stategen.project.history`).
    """
    written: list[str] = []

    def write(path: Path, text: str) -> None:
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(staged.relative(path))

    if new.version != old.version and _snapshot_differs(staged, old):
        write(staged.snapshot(old.version), snapshot_text(old))
    if new != old:
        write(staged.snapshot(new.version), snapshot_text(new))

    def released(version: SchemaVersion) -> Schema | None:
        if version in (new.version, old.version):
            return new if version == new.version else old
        return read_snapshot(staged, version)

    for item in ReleaseFiles(staged, new.history, released).missing():
        write(item.path, item.text)
    if new != old:
        write(staged.json_schema(new.version), json_schema_text(new))
    if new.version != old.version:
        write(staged.migration(old.version, new.version), write_migration(plan))
    return written


def _snapshot_differs(staged: Layout, schema: Schema) -> bool:
    """Whether the snapshot of `schema`'s version is missing, unreadable or another schema."""
    try:
        return read_snapshot(staged, schema.version) != schema
    except SnapshotError:
        return True
