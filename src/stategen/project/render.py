"""Rendering a project through Copier's 3-way update, and reading back what it did.

Whatever stategen passes to Copier is complete (`rendering_answers`): the answers are decoded
into a schema and encoded again with the code computed for the templates, so they can never
disagree, and they name the stategen that renders (the generated CI installs that one).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _git
from .._copier import update_template
from .._template_source import stategen_requirement
from ..answers import from_answers
from ..codegen.template import template_answers
from ..schema import Schema
from .answers_file import read_answers
from .layout import ANSWERS_FILE
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
    """
    dest = dest.absolute()
    before = read_answers(dest)
    schema = from_answers({**before, **(data or {})}, file=dest / ANSWERS_FILE)
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
    return inspect_update(
        dest, old_version=_text(before.get("_commit")), new_version=_text(after.get("_commit"))
    )


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
