"""`stategen new`: validate a spec, then render the template and the JSON Schema into a new dir."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._copier import copy_template
from .._template_source import default_template_source
from ..codegen.template import template_answers
from ..errors import DestinationError, SpecError
from ..json_schema import json_schema_text
from ..project import Project
from ..spec import load_spec


@dataclass(frozen=True)
class GeneratedProject:
    """What `stategen new` made, for the closing message."""

    dest: Path
    package: str | None
    state: str | None

    def summary(self) -> str:
        lines = [f"Created {self.dest}"]
        if self.package:
            lines.append(f"  import it:  from {self.package} import {self.state}Manager")
        lines += [
            "  next:       cd " + str(self.dest),
            '              python -m pip install -e ".[dev]" && pytest',
        ]
        return "\n".join(lines)


def new(
    dest: Path,
    *,
    spec_path: Path | None,
    template: str | None,
    vcs_ref: str | None,
    interactive: bool,
) -> GeneratedProject:
    """Render a project at `dest` from `spec_path`, or from the template's example answers.

    The spec is fully validated before anything touches `dest`. Its own text becomes the
    project's `stategen.yml` (`spec_text` is passed once, not stored: later renders never
    overwrite that file).
    """
    data: dict[str, Any] = {}
    package = state = None
    if spec_path is not None:
        schema = load_spec(spec_path)
        data = template_answers(schema)
        data["spec_text"] = _read_text(spec_path)
        package, state = schema.package, schema.state
    copy_template(
        template or default_template_source(),
        dest,
        data=data,
        vcs_ref=vcs_ref,
        defaults=not interactive,
    )
    _write_json_schema(dest)
    return GeneratedProject(dest=dest, package=package, state=state)


def _write_json_schema(dest: Path) -> None:
    """The JSON Schema of the first version's state file (`stategen bump` adds the others)."""
    project = Project.open(dest, "new")
    path = project.layout.json_schema(project.schema.version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json_schema_text(project.schema), encoding="utf-8")
    except OSError as error:
        raise DestinationError(f"cannot write {path}: {error.strerror or error}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:  # load_spec read it a moment ago
        raise SpecError(f"cannot read the spec: {error}", file=path) from None
