"""Rendering a project through Copier's 3-way update, and reading back what it did.

Whatever stategen passes to Copier is complete (`rendering_answers`): the answers are decoded
into a schema and encoded again with the code computed for the templates, so they can never
disagree, and they name the stategen that renders (the generated CI installs that one).
"""

from __future__ import annotations

import dataclasses
import shlex
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _git
from .._copier import copy_template, update_template
from .._template_source import stategen_requirement
from ..answers import from_answers
from ..codegen.template import template_answers
from ..schema import Schema
from .answers_file import read_answers
from .layout import ANSWERS_FILE, Layout
from .runtime import Replaced, legacy_modules, replace_runtime, runtime_drift, write_manifest
from .source import TemplateSource, prepared_answers


@dataclass(frozen=True)
class UpdateReport:
    """What an update did to a project, read back from git after it ran."""

    dest: Path
    old_version: str | None
    new_version: str | None
    changed: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    rejects: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def clean(self) -> bool:
        """True when nothing is left for the owner to merge by hand."""
        return not self.conflicts and not self.rejects

    def summary(self) -> str:
        """A few lines for the terminal."""
        if self.old_version == self.new_version and not self.changed:
            head = f"{self.dest} is already on template {self.new_version}"
            if not self.notes:
                return f"{head}; nothing changed."
            return "\n".join(
                [
                    f"{head}.",
                    *self.notes,
                    f"Commit it: git add {ANSWERS_FILE} && git commit -m 'Record the template "
                    "source'",
                ]
            )
        lines = [
            f"Updated {self.dest} from template {self.old_version} to {self.new_version}: "
            f"{len(self.changed)} file(s) changed.",
            *self.notes,
        ]
        if self.clean:
            lines += [
                "Review the changes with `git diff`, run your tests, then commit:",
                f'  git add -A && git commit -m "Update to stategen template {self.new_version}"',
            ]
        return "\n".join(lines)


def rendering_answers(schema: Schema) -> dict[str, Any]:
    """Everything stategen passes to Copier for `schema`: the template's answers, and how the
    generated CI installs the stategen that renders (pinned to its version)."""
    return {**template_answers(schema), "stategen_requirement": stategen_requirement()}


def update_project(
    dest: Path,
    *,
    source: TemplateSource,
    data: Mapping[str, Any] | None = None,
    vcs_ref: str | None = None,
    defaults: bool = True,
    allow_uncommitted: Sequence[str] = (),
) -> UpdateReport:
    """Run Copier's 3-way update of the project at `dest`; report changes and conflicts.

    The recorded answers are replayed with `data` over them (a bump passes the new
    `schema`), re-encoded with the code the templates substitute. `vcs_ref=None` lets
    Copier pick the newest release tag of the template, `CURRENT_TEMPLATE` keeps the version
    the project is on; `source` is the template to merge from, and the one the project
    records afterwards (see `prepared_answers`). Conflicts become inline markers and are
    reported, not raised. The caller has checked the preconditions; `allow_uncommitted`
    names tracked files whose uncommitted edits may stay (a bump's edited `stategen.yml`:
    Copier leaves it alone, it is in `_skip_if_exists`).

    The runtime (`src/<package>/_runtime/`) is not merged: afterwards it is exactly the
    template's, whatever the merge did to it, and its manifest is rewritten (see
    `settle_runtime`); the report's notes name the hand edits that were discarded.
    """
    dest = dest.absolute()
    before = read_answers(dest)
    schema = from_answers({**before, **(data or {})}, file=dest / ANSWERS_FILE)
    layout = Layout(dest, schema.package)
    untouched = _runtime_as_generated(layout)
    legacy = legacy_modules(layout)
    had_postgres = _carries_postgres(layout)
    with (
        prepared_answers(dest, source),
        _git.hidden_from_status(dest, allow_uncommitted),
    ):
        update_template(
            dest,
            data=rendering_answers(schema),
            vcs_ref=vcs_ref,
            defaults=defaults,
            redirects=source.redirects,
        )
    after = read_answers(dest)
    new_version = _text(after.get("_commit"))
    replaced = settle_runtime(
        layout, source, schema, vcs_ref=new_version or "", rerender=not untouched, legacy=legacy
    )
    report = inspect_update(dest, old_version=_text(before.get("_commit")), new_version=new_version)
    notes = replaced.notes()
    if had_postgres and not _carries_postgres(layout):
        notes += (
            "note: the project no longer carries the PostgreSQL engine (its spec does not say "
            "`postgres: true`); to keep states in PostgreSQL, add `postgres: true` to "
            "stategen.yml and run `stategen bump`",
        )
    return dataclasses.replace(report, notes=notes)


def _carries_postgres(layout: Layout) -> bool:
    """Whether the project holds the PostgreSQL engine (in either runtime layout)."""
    flat = layout.package_dir / "_postgres.py"
    return flat.is_file() or (layout.runtime / "engines" / "postgres").is_dir()


def settle_runtime(
    layout: Layout,
    source: TemplateSource,
    schema: Schema,
    *,
    vcs_ref: str,
    rerender: bool = True,
    legacy: tuple[str, ...] = (),
) -> Replaced:
    """Make the project's runtime the template's at `vcs_ref`, and record it in the manifest.

    With `rerender`, the template is rendered afresh into a scratch directory and its
    runtime replaces the project's (see `replace_runtime`). Without, the runtime is taken as
    it is: the caller knows it is the template's (a merge over an untouched runtime). A
    template version without a runtime folder (stategen 0.1.0's flat layout) is left alone.
    """
    replaced = Replaced()
    if rerender:
        with _fresh_render(source, schema, vcs_ref) as fresh:
            runtime = Layout(fresh, layout.package).runtime
            if not runtime.is_dir():
                return replaced
            replaced = replace_runtime(layout, runtime, legacy=legacy)
    if layout.runtime.is_dir():
        write_manifest(layout, vcs_ref)
    return replaced


def restore_runtime(
    layout: Layout, source: TemplateSource, schema: Schema, *, vcs_ref: str
) -> tuple[str, ...] | None:
    """Put back the template's runtime at `vcs_ref` (the version the project is on) and
    record it, unless the manifest says it is as generated already (then None); the notes."""
    if _runtime_as_generated(layout):
        return None
    replaced = settle_runtime(
        layout, source, schema, vcs_ref=vcs_ref, legacy=legacy_modules(layout)
    )
    recorded = f"Recorded the runtime in {layout.relative(layout.runtime_manifest)}."
    return (*replaced.notes(), recorded) if layout.runtime.is_dir() else replaced.notes()


def _runtime_as_generated(layout: Layout) -> bool:
    """Whether the runtime is exactly what its manifest records (so a merge keeps it exact)."""
    try:
        drift = runtime_drift(layout)
    except ValueError:
        return False
    return drift is not None and not drift


@contextmanager
def _fresh_render(source: TemplateSource, schema: Schema, vcs_ref: str) -> Iterator[Path]:
    """The template at `vcs_ref` rendered for `schema` into a scratch directory."""
    with tempfile.TemporaryDirectory(prefix="stategen-runtime-") as scratch:
        dest = Path(scratch) / "project"
        copy_template(
            source.recorded,
            dest,
            data=rendering_answers(schema),
            vcs_ref=vcs_ref or None,
            redirects=source.redirects,
        )
        yield dest


def inspect_update(dest: Path, *, old_version: str | None, new_version: str | None) -> UpdateReport:
    """Read the changes, conflicts and leftover rejects of an update from git."""
    entries = _git.status(dest, ignored=True)
    changed = sorted({e.path for e in entries if e.code != "!!" and not e.path.endswith(".rej")})
    rejects = sorted(e.path for e in entries if e.path.endswith(".rej"))
    conflicts = set(_git.unmerged_paths(dest))
    conflicts.update(name for name in changed if _git.has_conflict_markers(dest / name))
    return UpdateReport(
        dest=dest,
        old_version=old_version,
        new_version=new_version,
        changed=tuple(changed),
        conflicts=tuple(sorted(conflicts)),
        rejects=tuple(rejects),
    )


def conflict_message(
    root: Path,
    what: str,
    conflicts: Sequence[str],
    rejects: Sequence[str] = (),
    *,
    commit: str,
    keep: Sequence[str] = (),
) -> str:
    """What `what` (an update, a bump) left to resolve by hand, and how.

    `commit` is the message of the commit that ends the work; `keep` names files that
    abandoning it must not revert (a bump's edited `stategen.yml`).
    """
    cd = f"cd {shlex.quote(str(root))} && "
    spared = "".join(f" ':!{name}'" for name in keep)
    lines = []
    if conflicts:
        lines.append(
            f"{what} left conflict markers to resolve by hand in {len(conflicts)} file(s):"
        )
        lines += [f"  {name}" for name in conflicts]
        lines += [
            "In each file, the lines under `<<<<<<< before updating` are yours and the lines "
            "above `>>>>>>> after updating` are the new template's. Keep what you want, "
            "delete the three marker lines, then `git add` the file.",
        ]
    if rejects:
        lines.append(f"{what} left hunks it could not place, in {len(rejects)} file(s):")
        lines += [f"  {name}" for name in rejects]
        lines.append("Apply each by hand to the file it names, then delete the .rej file.")
    lines += [
        "`git diff --check` shows any marker you missed. Then run your tests and commit:",
        f"  {cd}git add -A && git commit -m {shlex.quote(commit)}",
        "To abandon it instead:",
        f"  {cd}git checkout HEAD -- .{spared} && git clean -fd -- .{spared}",
    ]
    return "\n".join(lines)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
