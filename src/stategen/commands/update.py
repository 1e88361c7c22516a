"""`stategen update`: move a project to a later template version with Copier's 3-way merge.

The update replays the answers stored in `.copier-answers.yml` (the schema among them), so
it renders with the latest bumped schema and never reverts a bump. By default it targets
the template version of the installed stategen, never a newer one it may not understand.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .._template_history import is_release_tag, release_version
from .._template_source import default_template_ref
from ..errors import ConflictError, PreconditionError
from ..project import (
    Project,
    TemplateSource,
    UpdateReport,
    conflict_message,
    inspect_update,
    local_tags,
    restore_runtime,
    source_note,
)
from ..project import update_project as render_update


def update(root: Path, *, template: str | None = None, vcs_ref: str | None = None) -> UpdateReport:
    """Update the project at `root`; raise ConflictError if conflicts are left to resolve.

    `template` switches the template source (a path, bundle or git URL holding the same
    release tags, such as the public repository); `vcs_ref` picks the version (default:
    `v<installed stategen version>`). A project that records stategen's template as a path
    on one machine is healed: it records the template's public URL from now on.
    """
    project = Project.open(root, "update")
    source = project.require_template(template)
    project.require_clean_git()
    recorded, old = project.recorded_source, project.template_ref
    target = vcs_ref or default_template_ref()
    _check_target(source, old, target)
    if template is None and old == target:
        healed = project.heal_source()
        notes = (healed,) if healed else ()
        restored = restore_runtime(project.layout, source, project.schema, vcs_ref=old)
        if restored is None:
            return UpdateReport(dest=project.root, old_version=old, new_version=old, notes=notes)
        report = inspect_update(project.root, old_version=old, new_version=old)
        return dataclasses.replace(report, notes=(*notes, *restored))

    report = render_update(project.root, source=source, vcs_ref=target)
    note = source_note(recorded, source)
    if note is not None:
        report = dataclasses.replace(report, notes=(note, *report.notes))
    if not report.clean:
        what = f"the update to template {report.new_version}"
        raise ConflictError(
            conflict_message(
                project.root,
                what,
                report.conflicts,
                report.rejects,
                commit=f"Update to stategen template {report.new_version}",
            )
        )
    return report


def _check_target(source: TemplateSource, old: str, target: str) -> None:
    """Refuse a target the source lacks, and downgrades, before Copier runs."""
    available = local_tags(source)
    if available is not None and is_release_tag(target) and target not in available:
        shown = ", ".join(available[-8:])
        if shown:
            raise PreconditionError(
                f"the template {source.readable} has no version {target} (its versions: "
                f"{shown}). Pass --vcs-ref with one of them, or --template with a source that "
                "has it."
            )
        raise PreconditionError(
            f"the template {source.readable} has no release tags, so it has no version "
            f"{target}. Pass --vcs-ref with one of its commits or branches (e.g. --vcs-ref "
            "HEAD), or --template with a source that has release tags."
        )
    older, newer = release_version(old), release_version(target)
    if older is not None and newer is not None and older > newer:
        raise PreconditionError(
            f"the project is on template {old}, newer than {target}. Downgrades are not "
            "supported: upgrade stategen (python -m pip install -U stategen) or pass "
            f"--vcs-ref {old} or later."
        )
