"""The project layer: a generated project's files, answers, template source and git state."""

from .answers_file import read_answers
from .history import SnapshotError, read_snapshot, snapshot_text
from .layout import ANSWERS_FILE, SPEC_FILE, Layout
from .project import Project
from .render import (
    UpdateReport,
    conflict_message,
    inspect_update,
    rendering_answers,
    update_project,
)
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
    "SnapshotError",
    "TemplateSource",
    "UpdateReport",
    "chosen_source",
    "conflict_message",
    "inspect_update",
    "local_tags",
    "prepared_answers",
    "read_answers",
    "read_snapshot",
    "refuse_uncommitted_template",
    "rendering_answers",
    "resolve_source",
    "snapshot_text",
    "source_note",
    "stategen_source",
    "update_project",
]
