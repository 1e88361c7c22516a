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
from ..project import Project, UpdateReport, conflict_message, local_tags, resolve_source
from ..project import update_project as render_update


def update(root: Path, *, template: str | None = None, vcs_ref: str | None = None) -> UpdateReport:
    """Update the project at `root`; raise ConflictError if conflicts are left to resolve.

    `template` switches the template source (a path, bundle or git URL holding the same
    release tags, such as the public repository); `vcs_ref` picks the version (default:
    `v<installed stategen version>`).
    """
    project = Project.open(root, "update")
    project.require_template()
    project.require_clean_git()
    recorded = str(project.answers["_src_path"])
    old = str(project.answers["_commit"])
    source = resolve_source(recorded, template)
    target = vcs_ref or default_template_ref()
    _check_target(source, old, target, local_tags(source))
    if template is None and old == target:
        return UpdateReport(dest=project.root, old_version=old, new_version=old)

    report = render_update(project.root, vcs_ref=target, template=template)
    if source != recorded:
        note = f"Template source: {source} (was {recorded})."
        report = dataclasses.replace(report, notes=(note,))
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


def _check_target(source: str, old: str, target: str, available: list[str] | None) -> None:
    """Refuse a target the source lacks, a base it lacks, and downgrades, before Copier runs."""
    if available is not None:
        shown = ", ".join(available[-8:]) or "none"
        if is_release_tag(target) and target not in available:
            raise PreconditionError(
                f"the template {source} has no version {target} (its versions: {shown}). "
                "Pass --vcs-ref with one of them, or --template with a source that has it."
            )
        if is_release_tag(old) and old not in available:
            raise PreconditionError(
                f"the template {source} has no version {old}, the one this project was last "
                "generated from, so the update has no base to merge against. Use a template "
                "source with that version (--template)."
            )
    older, newer = release_version(old), release_version(target)
    if older is not None and newer is not None and older > newer:
        raise PreconditionError(
            f"the project is on template {old}, newer than {target}. Downgrades are not "
            "supported: upgrade stategen (python -m pip install -U stategen) or pass "
            f"--vcs-ref {old} or later."
        )
