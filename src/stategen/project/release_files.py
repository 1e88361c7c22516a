"""The files each released version leaves besides its snapshot: a fixture and a JSON Schema.

What each should hold, and which are missing or differ, is computed here once: `stategen bump`
writes the missing ones from it and `stategen check` warns from it, so what check says bump
will write is what bump writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..evolve import fixture_for
from ..json_schema import json_schema_text
from ..schema import Schema, SchemaVersion
from .history import SnapshotError
from .layout import Layout


@dataclass(frozen=True)
class ReleaseFile:
    """One fixture or JSON Schema of a released version, and the text its schema gives."""

    kind: str  # "fixture" or "JSON Schema"
    version: SchemaVersion
    path: Path
    name: str
    text: str

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def differs(self) -> bool:
        """Whether it exists and holds something else than its schema gives."""
        return self.exists and self.path.read_text(encoding="utf-8") != self.text


@dataclass(frozen=True)
class Released:
    """One released version: its schema (None when its snapshot is gone), or why it cannot be
    read, and its files (none when its schema is unknown)."""

    version: SchemaVersion
    schema: Schema | None
    error: SnapshotError | None
    files: tuple[ReleaseFile, ...]


class ReleaseFiles:
    """The release files of every version in `history`; `schema_of` gives a version's schema
    (None when it is unknown) or raises SnapshotError."""

    def __init__(
        self,
        layout: Layout,
        history: Sequence[SchemaVersion],
        schema_of: Callable[[SchemaVersion], Schema | None],
    ) -> None:
        self.layout = layout
        self.history = tuple(history)
        self.schema_of = schema_of

    @cached_property
    def versions(self) -> tuple[Released, ...]:
        return tuple(self._released(version) for version in self.history)

    def missing(self) -> list[ReleaseFile]:
        """The files that are gone and can be made again; SnapshotError for an unreadable
        snapshot (restoring it comes first)."""
        for released in self.versions:
            if released.error is not None:
                raise released.error
        return [file for r in self.versions for file in r.files if not file.exists]

    def warnings(self) -> list[str]:
        """What `stategen check` says about them: each warns and none fails the check (the
        project's tests catch a missing fixture)."""
        warnings = []
        newest = self.history[-1] if self.history else None
        for released in self.versions:
            if released.error is not None:
                warnings.append(str(released.error))
            elif released.schema is None and released.version != newest:
                snapshot = self.layout.relative(self.layout.snapshot(released.version))
                warnings.append(
                    f"no snapshot of schema {released.version} ({snapshot}): its changes cannot "
                    "be listed and its fixture cannot be made again; restore it from git history"
                )
            warnings += [warning for file in released.files if (warning := _warning(file))]
        return warnings

    def _released(self, version: SchemaVersion) -> Released:
        try:
            schema = self.schema_of(version)
        except SnapshotError as error:
            return Released(version, None, error, ())
        if schema is None:
            return Released(version, None, None, ())
        layout = self.layout
        files = []
        if self.history and version != self.history[-1]:
            path = layout.fixture(version)
            files.append(
                ReleaseFile("fixture", version, path, layout.relative(path), fixture_for(schema))
            )
        path = layout.json_schema(version)
        text = json_schema_text(schema)
        files.append(ReleaseFile("JSON Schema", version, path, layout.relative(path), text))
        return Released(version, schema, None, tuple(files))


def _warning(file: ReleaseFile) -> str:
    """The warning about `file`, or "" when it is as its schema gives it."""
    if file.kind == "fixture":
        if not file.exists:
            return (
                f"no fixture of schema {file.version} ({file.name}): run `stategen bump` to "
                "write it again from the snapshot"
            )
        if file.differs():
            return (
                f"{file.name} differs from the one its snapshot gives (edited by hand?); the "
                "tests use it as it is"
            )
        return ""
    if not file.exists:
        return (
            f"no JSON Schema of schema {file.version} ({file.name}): run `stategen bump` to "
            "write it"
        )
    if file.differs():
        return (
            f"{file.name} differs from the JSON Schema of {file.version}; write it again with "
            f"`stategen schema --version {file.version} --output {file.name}`"
        )
    return ""
