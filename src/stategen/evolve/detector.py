"""Diff two schemas into a plan of operations, always in the same order.

The detector is an ordered script, like Django's autodetector: each step walks *sorted* names,
so the same two schemas always give the same plan. It never prompts or prints; ambiguous
cases go to the Questioner, whose default answers never guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from ..errors import SpecError
from ..schema import Field, Record, Schema, stored_default
from ..schema.version import Bump
from .classification import Classification
from .moves import ordered
from .operations import (
    AddEnum,
    AddEnumMember,
    AddField,
    AddRecord,
    AddRequiredField,
    ChangeAlias,
    ChangeDefault,
    IgnoredRenameHint,
    Operation,
    PossibleRename,
    RemoveEnum,
    RemoveEnumMember,
    RemoveField,
    RemoveRecord,
    RenameField,
)
from .questioner import Questioner
from .retype import retype


@dataclass(frozen=True)
class Plan:
    """Every change from `old` to `new`, in detector order."""

    old: Schema
    new: Schema
    operations: tuple[Operation, ...]

    @property
    def bump(self) -> Bump:
        """How serious the changes are: breaking (MAJOR), additive (MINOR), or neither."""
        return max((op.bump for op in self.operations), default=Bump.NONE)

    @property
    def step(self) -> Bump:
        """The version step the changes call for, by SemVer: below 1.0.0 a new minor
        version may break (item 4), so a breaking change there takes a minor step."""
        if self.bump is Bump.MAJOR and self.old.version.major == 0:
            return Bump.MINOR
        return self.bump

    @property
    def kind(self) -> str:
        """The changes that set the version step, in the classification's words (as the docs
        class each code): `needs a migration`, `breaking` or `additive`."""
        deciding = {op.classification for op in self.operations if op.bump is self.bump}
        if Classification.NEEDS_MIGRATION in deciding:
            return "needs a migration"
        if Classification.BREAKING in deciding:
            return "breaking"
        return "additive"

    def step_described(self) -> str:
        """`breaking: a new major version` …, for people."""
        if self.bump is Bump.NONE:
            return "nothing stored changes, so the version may stay"
        kind = self.kind
        below_one = " (below 1.0.0 a minor version may break)" if self.step != self.bump else ""
        return f"{kind}: a new {self.step.label} version{below_one}"

    @property
    def stubs(self) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.is_stub)

    def in_scope(self, scope: str) -> list[Operation]:
        return [op for op in self.operations if op.scope == scope]

    def describe(self) -> str:
        """The whole plan, one change per line (also used when a test fails)."""
        head = f"{self.old.version} → {self.new.version}: "
        if not self.operations:
            return head + "no changes"
        lines = [head + f"{len(self.operations)} change(s), {self.step_described()}"]
        for op in self.operations:
            stub = "  [stub]" if op.is_stub else ""
            lines.append(f"  {op.code} {op.classification.value:<15} {op.describe()}{stub}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": str(self.old.version),
            "to": str(self.new.version),
            "bump": self.step.label,
            "breaking": self.bump is Bump.MAJOR,
            "changes": [op.as_dict() for op in self.operations],
        }


def detect(old: Schema, new: Schema, questioner: Questioner | None = None) -> Plan:
    """The plan that turns `old` files into `new` ones."""
    return Detector(old, new, questioner or Questioner()).plan()


class Detector:
    """One diff. Order: root fields, records in both, enums in both, then whole types."""

    def __init__(self, old: Schema, new: Schema, questioner: Questioner) -> None:
        self.old = old
        self.new = new
        self.questioner = questioner

    def plan(self) -> Plan:
        operations = [
            *self._fields(self.old.root, self.new.root, "fields"),
            *self._records_in_both(),
            *self._enums_in_both(),
            *self._types_added_and_removed(),
        ]
        return Plan(self.old, self.new, tuple(operations))

    # 1. Fields of one scope: renames first, then removals, type changes, additions, notes.

    def _fields(self, old: Record, new: Record, key_path: str) -> Iterator[Operation]:
        scope = new.name
        renames, notes = self._renames(old, new)
        renamed_old = set(renames.values())
        removed = sorted(set(old.names) - set(new.names) - renamed_old)
        added = sorted(set(new.names) - set(old.names) - renames.keys())
        notes += self._possible_renames(old, new, removed, added, key_path)

        moves: list[RenameField | ChangeAlias] = []
        for name in sorted(renames):
            before = _field(old, renames[name])
            moves.append(
                RenameField(
                    scope,
                    name,
                    str(before.type),
                    old=before.name,
                    may_be_missing=not before.required,
                    old_key=_alias(before),
                    key=_alias(_field(new, name)),
                )
            )
        removals = [
            RemoveField(scope, name, str(_field(old, name).type), key=_alias(_field(old, name)))
            for name in removed
        ]
        pairs = [
            (_field(old, renames.get(name, name)), _field(new, name))
            for name in sorted((set(old.names) & set(new.names)) | renames.keys())
        ]
        for before, after in pairs:
            if before.name == after.name and before.key != after.key:
                moves.append(
                    ChangeAlias(
                        scope,
                        after.name,
                        str(after.type),
                        key=_alias(after),
                        old_key=before.key,
                        may_be_missing=not before.required,
                    )
                )
        yield from ordered(moves, removals, key_path)  # with the removals of keys they take
        taken = {move.stored for move in moves}
        yield from (op for op in removals if op.stored not in taken)
        for before, after in pairs:
            yield from self._retype(scope, before, after)
        for name in added:
            yield self._addition(scope, _field(new, name))
        for before, after in pairs:
            if before.default != after.default:
                yield ChangeDefault(scope, after.name, str(after.type))
        yield from notes

    def _renames(self, old: Record, new: Record) -> tuple[dict[str, str], list[Operation]]:
        """New name → old name, from `renamed_from` hints that apply to this step only."""
        renames: dict[str, str] = {}
        notes: list[Operation] = []
        for field in sorted(new.fields, key=lambda f: f.name):
            hint = field.renamed_from
            if hint is None or hint == field.name or field.name in old.names:
                continue  # no hint, or one already applied by an earlier version
            reason = None
            if hint not in old.names:
                reason = f"{self.old.version} has no field `{hint}`, so `{field.name}` is new"
            elif hint in new.names:
                reason = f"`{hint}` still exists, so `{field.name}` is new"
            elif hint in renames.values():
                reason = f"another field is already renamed from `{hint}`"
            if reason:
                notes.append(
                    IgnoredRenameHint(
                        new.name, field.name, str(field.type), renamed_from=hint, reason=reason
                    )
                )
            else:
                renames[field.name] = hint
        return renames, notes

    def _possible_renames(
        self, old: Record, new: Record, removed: list[str], added: list[str], key_path: str
    ) -> list[Operation]:
        """A removal and an addition of the same type: ask, and never assume, a rename."""
        notes: list[Operation] = []
        for name in added:
            after = _field(new, name)
            for gone in removed:
                if _field(old, gone).type != after.type:
                    continue
                if self.questioner.is_rename(new.name, gone, name, str(after.type)):
                    raise SpecError(
                        f"renames are declared, never guessed: add `renamed_from: {gone}` "
                        f"to `{name}`, then run `stategen bump` again",
                        key_path=f"{key_path}.{name}",
                    )
                notes.append(PossibleRename(new.name, name, str(after.type), removed=gone))
        return notes

    def _retype(self, scope: str, before: Field, after: Field) -> Iterator[Operation]:
        if before.type != after.type:
            yield replace(retype(scope, after.name, before.type, after.type), key=_alias(after))

    def _addition(self, scope: str, field: Field) -> Operation:
        if field.default is not None:
            value = stored_default(field.default, self.new)
            return AddField(scope, field.name, str(field.type), value=value, key=_alias(field))
        value = self.questioner.initial_value(f"{scope}.{field.name}", field.type, self.new)
        return AddRequiredField(scope, field.name, str(field.type), value=value, key=_alias(field))

    # 2. Records in both versions, by name.

    def _records_in_both(self) -> Iterator[Operation]:
        for name in sorted(self.old.records.keys() & self.new.records.keys()):
            old, new = self.old.records[name], self.new.records[name]
            yield from self._fields(old, new, f"types.{name}.fields")

    # 3. Enums in both versions: members are compared by their stored value.

    def _enums_in_both(self) -> Iterator[Operation]:
        for name in sorted(self.old.enums.keys() & self.new.enums.keys()):
            old, new = self.old.enums[name].values, self.new.enums[name].values
            for value in sorted(set(new) - set(old)):
                yield AddEnumMember(name, value)
            for value in sorted(set(old) - set(new)):
                replacement = self.questioner.enum_replacement(name, value, new)
                yield RemoveEnumMember(name, value, replacement)

    # 4. Whole types added or removed (their uses are field changes of their own).

    def _types_added_and_removed(self) -> Iterator[Operation]:
        old_enums, new_enums = self.old.enums.keys(), self.new.enums.keys()
        old_records, new_records = self.old.records.keys(), self.new.records.keys()
        for name in sorted(new_enums - old_enums):
            yield AddEnum(name)
        for name in sorted(old_enums - new_enums):
            yield RemoveEnum(name)
        for name in sorted(new_records - old_records):
            yield AddRecord(name)
        for name in sorted(old_records - new_records):
            yield RemoveRecord(name)


def _alias(field: Field) -> str:
    """The field's alias for an operation's `key`: "" when it is stored under its name."""
    return field.alias or ""


def _field(record: Record, name: str) -> Field:
    found = record.field(name)
    if found is None:  # pragma: no cover - callers only ask for names they saw
        raise KeyError(f"{record.name} has no field {name!r}")
    return found
