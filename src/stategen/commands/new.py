"""`stategen new`: validate a spec, then render the template into a fresh directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._copier import copy_template
from .._template_source import default_template_source
from ..codegen.template import template_answers
from ..errors import SpecError
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
    return GeneratedProject(dest=dest, package=package, state=state)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:  # load_spec read it a moment ago
        raise SpecError(f"cannot read the spec: {error}", file=path) from None
