"""The validated spec as frozen dataclasses, and its answers for the template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ._defaults import Default
from ._types import TypeExpr
from ._version import SchemaVersion


@dataclass(frozen=True)
class FieldSpec:
    """One field of the state or of a record type. `default` None means required."""

    name: str
    type: TypeExpr
    default: Default | None = None
    doc: str | None = None
    renamed_from: str | None = None
    line: int = 0

    @property
    def annotation(self) -> str:
        """The canonical Python annotation: `list[str]`, `str | None` …"""
        return str(self.type)

    @property
    def required(self) -> bool:
        return self.default is None

    def to_answer(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "annotation": self.annotation,
            "doc": self.doc,
            "default": None if self.default is None else self.default.to_answer(),
            "renamed_from": self.renamed_from,
        }


@dataclass(frozen=True)
class EnumMember:
    """An enum member: its checked Python name and its value in the state file."""

    name: str
    value: str


@dataclass(frozen=True)
class EnumSpec:
    """A string enum type."""

    name: str
    members: tuple[EnumMember, ...]
    doc: str | None = None
    line: int = 0

    def to_answer(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "doc": self.doc,
            "members": [{"name": m.name, "value": m.value} for m in self.members],
        }


@dataclass(frozen=True)
class RecordSpec:
    """A record type: a nested dataclass with its own fields."""

    name: str
    fields: tuple[FieldSpec, ...]
    doc: str | None = None
    line: int = 0

    def to_answer(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "doc": self.doc,
            "fields": [field.to_answer() for field in self.fields],
        }


@dataclass(frozen=True)
class ProgressSpec:
    """The three root fields the generated resume helpers work on."""

    items: str
    completed: str
    failed: str
    failed_is_dict: bool

    def to_answer(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "completed": self.completed,
            "failed": self.failed,
            "failed_is_dict": self.failed_is_dict,
        }


@dataclass(frozen=True)
class Spec:
    """A valid state-schema spec. Records are in dependency order: each uses only earlier ones."""

    name: str
    package: str
    state: str
    version: SchemaVersion
    fields: tuple[FieldSpec, ...]
    description: str = ""
    enums: tuple[EnumSpec, ...] = ()
    records: tuple[RecordSpec, ...] = ()
    progress: ProgressSpec | None = None
    source_file: str | None = None

    def to_answers(self, history: Sequence[SchemaVersion | str] | None = None) -> dict[str, Any]:
        """The template's answers: plain data, exactly the contract in docs/internals.md.

        `history` lists every released schema version, oldest first, ending with this one;
        it defaults to just this version. Raises ValueError for a history that does not.
        """
        return {
            "name": self.name,
            "package": self.package,
            "state": self.state,
            "description": self.description,
            "schema": {
                "version": str(self.version),
                "history": [str(version) for version in self._history(history)],
                "enums": [enum.to_answer() for enum in self.enums],
                "records": [record.to_answer() for record in self.records],
                "fields": [field.to_answer() for field in self.fields],
                "progress": None if self.progress is None else self.progress.to_answer(),
            },
        }

    def _history(self, history: Sequence[SchemaVersion | str] | None) -> list[SchemaVersion]:
        if history is None:
            return [self.version]
        versions = [v if isinstance(v, SchemaVersion) else SchemaVersion.parse(v) for v in history]
        if not versions or versions[-1] != self.version:
            raise ValueError(f"the history must end with the current version {self.version}")
        if any(old >= new for old, new in pairwise(versions)):
            raise ValueError(
                f"the history must be strictly increasing: {', '.join(map(str, versions))}"
            )
        return versions
