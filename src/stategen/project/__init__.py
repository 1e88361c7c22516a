"""The project layer: a generated project's files, answers, template source and git state."""

from .answers_file import read_answers
from .history import SnapshotError, read_snapshot, snapshot_text
from .layout import ANSWERS_FILE, SPEC_FILE, Layout
from .project import Project
from .render import UpdateReport, conflict_message, inspect_update, update_project
from .source import local_tags, prepared_answers, resolve_source

__all__ = [
    "ANSWERS_FILE",
    "SPEC_FILE",
    "Layout",
    "Project",
    "SnapshotError",
    "UpdateReport",
    "conflict_message",
    "inspect_update",
    "local_tags",
    "prepared_answers",
    "read_answers",
    "read_snapshot",
    "resolve_source",
    "snapshot_text",
    "update_project",
]
