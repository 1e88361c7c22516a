"""`stategen new`: validate a spec, then render the template and the JSON Schema into a new dir."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from .._copier import copy_template
from ..errors import DestinationError
from ..json_schema import json_schema_text
from ..project import (
    Layout,
    chosen_source,
    read_answers,
    refuse_uncommitted_template,
    rendering_answers,
    stategen_source,
    write_manifest,
)
from ..schema import Schema
from ..spec import parse_spec, read_spec_text


@dataclass(frozen=True)
class GeneratedProject:
    """What `stategen new` made, for the closing message."""

    dest: Path
    package: str
    state: str

    def summary(self) -> str:
        cd = f"cd {shlex.quote(str(self.dest))}"
        return "\n".join(
            [
                f"Created {self.dest}",
                f"  import it:  from {self.package} import {self.state}Manager",
                f"  next:       {cd} && git init -q && git add -A && git commit -qm 'Generated'",
                '              python -m pip install -e ".[dev]" && pytest',
            ]
        )


def new(
    dest: Path,
    *,
    spec_path: Path,
    template: str | None = None,
    vcs_ref: str | None = None,
    interactive: bool = False,
) -> GeneratedProject:
    """Render a project at `dest` from the spec at `spec_path`.

    The spec is fully validated before anything touches `dest`. Its own text becomes the
    project's `stategen.yml` (`spec_text` is passed once, not stored: later renders never
    overwrite that file). The project records the template as a reference that means the
    same on every machine (see `stategen.project.source`). `interactive` lets Copier ask
    for the answers of a custom template's own questions.
    """
    text = read_spec_text(spec_path)
    schema = parse_spec(text, file=spec_path)
    source = chosen_source(template) if template is not None else stategen_source()
    refuse_uncommitted_template(source, vcs_ref)
    copy_template(
        source.recorded,
        dest,
        data={**rendering_answers(schema), "spec_text": text},
        vcs_ref=vcs_ref,
        defaults=not interactive,
        redirects=source.redirects,
    )
    layout = Layout(dest.absolute(), schema.package)
    _write_json_schema(layout, schema)
    if layout.runtime.is_dir():
        ref = str(read_answers(layout.root).get("_commit") or "")
        try:
            write_manifest(layout, ref)
        except OSError as error:
            raise DestinationError(f"cannot write the runtime manifest: {error}") from None
    return GeneratedProject(dest=dest, package=schema.package, state=schema.state)


def _write_json_schema(layout: Layout, schema: Schema) -> None:
    """The JSON Schema of the first version's state file (`stategen bump` adds the others)."""
    path = layout.json_schema(schema.version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json_schema_text(schema), encoding="utf-8")
    except OSError as error:
        raise DestinationError(f"cannot write {path}: {error.strerror or error}") from None
