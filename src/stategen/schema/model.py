"""The schema of a state file: fields, enums, records, the version and its history."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .defaults import Default
from .version import SchemaVersion

if TYPE_CHECKING:
    from .types import Definitions, TypeExpr


@dataclass(frozen=True)
class Field:
    """One field of the state or of a record. `default` None means required."""

    name: str
    type: TypeExpr
    default: Default | None = None
    doc: str | None = None
    renamed_from: str | None = None
    #: Where the spec declares it (0 when it came from elsewhere); not part of the schema.
    line: int = field(default=0, compare=False)
    #: The key of the field in the state file, when it is not the field's name.
    alias: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def key(self) -> str:
        """The field's key in the state file: its alias, else its name."""
        return self.name if self.alias is None else self.alias


@dataclass(frozen=True)
class Member:
    """An enum member: its checked Python name and its value in the state file."""

    name: str
    value: str


@dataclass(frozen=True)
class Enum:
    """A string enum type; state files store member values."""

    name: str
    members: tuple[Member, ...]
    doc: str | None = None

    @property
    def values(self) -> list[str]:
        return [member.value for member in self.members]

    def member_for(self, value: str) -> Member:
        """The member whose stored value is `value` (KeyError if there is none)."""
        for member in self.members:
            if member.value == value:
                return member
        raise KeyError(f"enum {self.name} has no member with the value {value!r}")


@dataclass(frozen=True)
class Record:
    """A record type (or the root state): named fields in spec order."""

    name: str
    fields: tuple[Field, ...]
    doc: str | None = None
    line: int = field(default=0, compare=False)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def field_at(self, key: str) -> Field | None:
        """The field stored under the JSON key `key`."""
        return next((f for f in self.fields if f.key == key), None)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def keys(self) -> list[str]:
        """The JSON keys of the fields, in order."""
        return [f.key for f in self.fields]

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        """Whether `value` is stored data of this record: known keys, valid values, none missing."""
        if not isinstance(value, dict) or not value.keys() <= set(self.keys):
            return False
        return all(
            f.type.accepts(value[f.key], definitions) if f.key in value else not f.required
            for f in self.fields
        )


@dataclass(frozen=True)
class Progress:
    """The three root fields the generated resume helpers work on."""

    items: str
    completed: str
    failed: str
    failed_is_dict: bool


@dataclass(frozen=True)
class Schema:
    """One state schema: what a state file of `version` holds, and the versions before it.

    Enums and records are keyed by name; records are in dependency order (each uses only
    earlier ones). `history` lists every released version, oldest first, ending with
    `version` (`with_history` checks that; `stategen check` reports a recorded history
    that does not); it is just `(version,)` until a project has released more.
    """

    name: str
    package: str
    state: str
    version: SchemaVersion
    fields: tuple[Field, ...]
    description: str = ""
    enums: Mapping[str, Enum] = field(default_factory=dict)
    records: Mapping[str, Record] = field(default_factory=dict)
    progress: Progress | None = None
    #: Whether the generated project carries the PostgreSQL engine, its tests and psycopg.
    postgres: bool = False
    history: tuple[SchemaVersion, ...] = ()
    #: The file it was read from, for messages; not part of the schema.
    source_file: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.history:
            object.__setattr__(self, "history", (self.version,))

    @property
    def root(self) -> Record:
        """The state class itself, as a record."""
        return Record(self.state, self.fields)

    def enum(self, name: str) -> Enum:
        return self.enums[name]

    def record(self, name: str) -> Record:
        return self.records[name]

    def all_fields(self) -> Iterable[Field]:
        """Every field of every record, then of the state."""
        for record in self.records.values():
            yield from record.fields
        yield from self.fields

    def with_member_names_of(self, released: Schema) -> Schema:
        """This schema, its enum members named as `released` named the same values.

        A member's name is code that users write, so a later naming rule (accented letters
        became letters: `café` was `CAF_`, is now `CAFE`) never renames a released member.
        Where a kept name would clash with a new member's, the new names stay.
        """
        enums = {}
        for name, enum in self.enums.items():
            before = released.enums.get(name)
            named = {member.value: member.name for member in before.members} if before else {}
            members = tuple(Member(named.get(m.value, m.name), m.value) for m in enum.members)
            unique = len({member.name for member in members}) == len(members)
            enums[name] = dataclasses.replace(enum, members=members) if unique else enum
        return dataclasses.replace(self, enums=enums)

    def with_history(self, history: Sequence[SchemaVersion | str]) -> Schema:
        """This schema, released after the versions of `history` (which ends with its own).

        Raises ValueError for a history that is empty, not increasing, or ends elsewhere.
        """
        versions = tuple(
            v if isinstance(v, SchemaVersion) else SchemaVersion.parse(v) for v in history
        )
        problem = history_problem(versions, self.version)
        if problem:
            raise ValueError(problem)
        return dataclasses.replace(self, history=versions)


def history_problem(history: Sequence[SchemaVersion], version: SchemaVersion) -> str | None:
    """What is wrong with `history` as the released versions up to `version`, if anything."""
    if not history or history[-1] != version:
        return f"the history must end with the current version {version}"
    if any(old >= new for old, new in pairwise(history)):
        return f"the history must be strictly increasing: {', '.join(map(str, history))}"
    return None
