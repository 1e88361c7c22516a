"""`stategen schema`: the JSON Schema of the project's state file, for any released version."""

from __future__ import annotations

from pathlib import Path

from ..errors import DestinationError, PreconditionError
from ..json_schema import json_schema_text
from ..project import Project
from ..schema import Problem, Schema, SchemaVersion


def schema(root: Path, *, version: str | None = None) -> str:
    """The JSON Schema (as text) of the newest released version, or of released `version`.

    Reads files only: the answers for the newest version, a snapshot for an older one.
    """
    project = Project.open(root, "schema")
    return json_schema_text(_released(project, version))


def write_schema(text: str, output: Path) -> None:
    """Write `text` to `output`, creating its directory; DestinationError if that fails."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise DestinationError(f"cannot write {output}: {error.strerror or error}") from None


def _released(project: Project, version: str | None) -> Schema:
    newest = project.schema
    if version is None:
        return newest
    released = ", ".join(map(str, newest.history))
    try:
        wanted = SchemaVersion.parse(version)
    except Problem as problem:
        raise PreconditionError(f"--version: {problem}") from None
    if wanted not in newest.history:
        raise PreconditionError(
            f"--version: {wanted} is not a released version of this project (released: {released})"
        )
    found = project.released(wanted)
    if found is None:
        snapshot = project.layout.relative(project.layout.snapshot(wanted))
        raise PreconditionError(
            f"--version: the schema of {wanted} is gone ({snapshot} is missing); "
            f"restore it from git: git checkout HEAD -- {snapshot}"
        )
    return found
