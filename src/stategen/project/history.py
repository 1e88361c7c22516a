"""The released schemas of a project: the newest in the answers, each older one in a snapshot.

Each released schema is read from one place. The answers file records the newest (Copier
needs it to render); `.stategen/schemas/<version>.json` records each version once it has
been released. `stategen bump` writes the snapshot of the version it releases and, from the
answers, the one of the version it supersedes; nothing reads a snapshot while its version
is the newest, so the two records of that version can never be told apart.
"""

from __future__ import annotations

import json

from ..answers import from_answers, to_answers
from ..errors import PreconditionError, SpecError
from ..schema import Schema, SchemaVersion
from .layout import Layout


class SnapshotError(PreconditionError):
    """A snapshot exists but cannot be read: restore it from git."""


def snapshot_text(schema: Schema) -> str:
    """A snapshot as stored: the schema's answers as indented JSON, ending with a newline."""
    return json.dumps(to_answers(schema), indent=2, ensure_ascii=False) + "\n"


def read_snapshot(layout: Layout, version: SchemaVersion) -> Schema | None:
    """The snapshot of `version`, or None when there is none."""
    path = layout.snapshot(version)
    name = layout.relative(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise SnapshotError(f"{name}: cannot read the snapshot: {error}") from None
    try:
        return from_answers(data, file=name)
    except SpecError as error:
        raise SnapshotError(str(error)) from None


def released_schema(layout: Layout, newest: Schema, version: SchemaVersion) -> Schema | None:
    """The schema of released `version`: `newest` itself, or the version's snapshot."""
    if version == newest.version:
        return newest
    return read_snapshot(layout, version)
