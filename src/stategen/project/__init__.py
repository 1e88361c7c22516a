"""The project layer: a generated project's files, answers, template source and git state."""

from .answers_file import read_answers
from .history import SnapshotError, read_snapshot, snapshot_text
from .layout import ANSWERS_FILE, SPEC_FILE, Layout
from .project import Project
from .release_files import ReleaseFile, ReleaseFiles
from .render import (
    UpdateReport,
    conflict_message,
    inspect_update,
    rendering_answers,
    restore_runtime,
    settle_runtime,
    update_project,
)
from .runtime import (
    drift_problem,
    legacy_modules,
    missing_manifest_note,
    runtime_drift,
    write_manifest,
)
from .scratch import copy_changes, scratch_clone
from .source import (
    TemplateSource,
    chosen_source,
    local_tags,
    prepared_answers,
    refuse_uncommitted_template,
    resolve_source,
    source_note,
    stategen_source,
)

__all__ = [
    "ANSWERS_FILE",
    "SPEC_FILE",
    "Layout",
    "Project",
    "ReleaseFile",
    "ReleaseFiles",
    "SnapshotError",
    "TemplateSource",
    "UpdateReport",
    "chosen_source",
    "conflict_message",
    "copy_changes",
    "drift_problem",
    "inspect_update",
    "legacy_modules",
    "local_tags",
    "missing_manifest_note",
    "prepared_answers",
    "read_answers",
    "read_snapshot",
    "refuse_uncommitted_template",
    "rendering_answers",
    "resolve_source",
    "restore_runtime",
    "runtime_drift",
    "scratch_clone",
    "settle_runtime",
    "snapshot_text",
    "source_note",
    "stategen_source",
    "update_project",
    "write_manifest",
]
