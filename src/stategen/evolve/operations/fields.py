"""Operations on the fields of the root state or of a record."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from ... import serializer
from ...codegen.blocks import Block, item, snake
from ...schema import DYNAMIC
from ...schema.version import Bump
from ..classification import Classification
from .base import ADD, NOTE, REMOVE, RENAME, Context, Operation, field_path, quoted


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"


#: An added required field for which nobody gave a value: its migration is a stub.
NO_VALUE: Any = _NoValue()


@dataclass(frozen=True)
class FieldOperation(Operation):
    """A change to the field `field` of `scope`, stored under `key` (its alias) if given."""

    field: str
    annotation: str
    _: KW_ONLY
    key: str = ""

    @property
    def subject(self) -> str:
        return field_path(self.scope, self.field)

    @property
    def stored(self) -> str:
        """The field's key in the data the migration changes."""
        return self.key or self.field


@dataclass(frozen=True)
class AddField(FieldOperation):
    """A new field with a default: old files get the default."""

    code = "SG101"
    classification = Classification.SAFE
    bump = Bump.MINOR
    phase = ADD

    value: Any = DYNAMIC  # the default as stored, or DYNAMIC (computed when loading)

    def describe(self) -> str:
        return f"add field `{self.subject}` ({self.annotation}) with its default"

    @property
    def writes_code(self) -> bool:
        return self.value is not DYNAMIC

    def emit(self, block: Block, context: Context) -> None:
        if self.value is DYNAMIC:
            block.comment("(computed when the file loads: the model fills it in)")
            return
        variable = context.variable
        key = serializer.literal(self.stored)
        block.expression(
            serializer.call(f"{variable}.setdefault", key, serializer.literal(self.value))
        )


@dataclass(frozen=True)
class AddRequiredField(FieldOperation):
    """A new field without a default: old files have no value, so someone must provide one."""

    code = "SG301"
    classification = Classification.NEEDS_MIGRATION
    bump = Bump.MAJOR
    phase = ADD

    value: Any = NO_VALUE  # a one-off value given at bump time, or NO_VALUE for a stub

    def describe(self) -> str:
        return f"add required field `{self.subject}` ({self.annotation}): old files have no value"

    @property
    def writes_code(self) -> bool:
        return True

    @property
    def is_stub(self) -> bool:
        return self.value is NO_VALUE

    def emit(self, block: Block, context: Context) -> None:
        variable = context.variable
        if not self.is_stub:
            block.comment("(every old file gets the value given when the migration was written)")
            value = serializer.literal(self.value)
            block.expression(
                serializer.call(f"{variable}.setdefault", serializer.literal(self.stored), value)
            )
            return
        helper = context.helper(
            f"_initial_{helper_prefix(self.scope, context)}{self.field}",
            "data: dict[str, Any]",
            "Any",
            f"The value of the new required field `{self.subject}` ({self.annotation}) "
            f"for {context.old_version} data.",
        )
        helper.body.comment(
            f"TODO: return a {self.annotation}, computed from the other fields of `data`."
        )
        helper.body.raise_todo(
            f"TODO: give the new required field {self.subject} a value ({context.edge}.py)"
        )
        call = serializer.call(helper.name, serializer.name(variable))
        block.assign(item(variable, self.stored), call)


@dataclass(frozen=True)
class RemoveField(FieldOperation):
    """A field is gone: its stored values are dropped."""

    code = "SG202"
    classification = Classification.BREAKING
    bump = Bump.MAJOR
    phase = REMOVE

    def describe(self) -> str:
        return f"remove field `{self.subject}` ({self.annotation}): its stored values are dropped"

    @property
    def writes_code(self) -> bool:
        return True

    def emit(self, block: Block, context: Context) -> None:
        key = serializer.literal(self.stored)
        block.expression(serializer.call(f"{context.variable}.pop", key, serializer.literal(None)))


@dataclass(frozen=True)
class RemoveFieldFirst(RemoveField):
    """A removed field whose key another field takes in this step: dropped before keys move,
    so the move does not find the old value there, nor the removal drop the moved one."""

    phase = RENAME


@dataclass(frozen=True)
class RenameField(FieldOperation):
    """`field` was `old` (declared with `renamed_from`): the value moves to the new name."""

    code = "SG201"
    classification = Classification.BREAKING
    bump = Bump.MAJOR
    phase = RENAME

    old: str = ""
    may_be_missing: bool = False  # the old field had a default, so a file may omit it
    old_key: str = ""  # the old field's alias, if it had one

    def describe(self) -> str:
        return f"rename field `{field_path(self.scope, self.old)}` to `{self.field}`"

    @property
    def writes_code(self) -> bool:
        return True

    def emit(self, block: Block, context: Context) -> None:
        move_key(
            block, context.variable, self.old_key or self.old, self.stored, self.may_be_missing
        )


@dataclass(frozen=True)
class ChangeAlias(FieldOperation):
    """The field's JSON key changed (its `alias:` given, changed or removed): the stored
    value moves to the new key, as a rename moves it."""

    code = "SG203"
    classification = Classification.BREAKING
    bump = Bump.MAJOR
    phase = RENAME

    old_key: str = ""
    may_be_missing: bool = False  # the field had a default, so a file may omit it

    def describe(self) -> str:
        return (
            f"store `{self.subject}` under the key {quoted(self.stored)}, "
            f"not {quoted(self.old_key)}"
        )

    @property
    def writes_code(self) -> bool:
        return True

    def emit(self, block: Block, context: Context) -> None:
        move_key(block, context.variable, self.old_key, self.stored, self.may_be_missing)


def move_key(block: Block, variable: str, old: str, new: str, may_be_missing: bool) -> None:
    """`variable[new] = variable.pop(old)`, only when it is there if it `may_be_missing`."""
    value = serializer.call(f"{variable}.pop", serializer.literal(old))
    if may_be_missing:
        with block.when(serializer.string(old), "in", variable) as inner:
            inner.assign(item(variable, new), value)
    else:
        block.assign(item(variable, new), value)


@dataclass(frozen=True)
class ChangeDefault(FieldOperation):
    """A new default: saved files keep their values; only new states see the change."""

    code = "SG401"
    classification = Classification.WARN
    bump = Bump.NONE
    phase = NOTE

    def describe(self) -> str:
        return (
            f"change the default of `{self.subject}`: files already saved keep their values, "
            "only new states get the new default"
        )


@dataclass(frozen=True)
class PossibleRename(FieldOperation):
    """A field removed and one added with the same type: maybe a rename, never assumed one."""

    code = "SG402"
    classification = Classification.WARN
    bump = Bump.NONE
    phase = NOTE

    removed: str = ""

    def describe(self) -> str:
        return (
            f"`{field_path(self.scope, self.removed)}` was removed and `{self.field}` added, "
            f"both {self.annotation}: if it is a rename, add `renamed_from: {self.removed}` "
            f"to `{self.field}` in stategen.yml"
        )


@dataclass(frozen=True)
class IgnoredRenameHint(FieldOperation):
    """`renamed_from` that does not name a field the previous version could rename."""

    code = "SG403"
    classification = Classification.WARN
    bump = Bump.NONE
    phase = NOTE

    renamed_from: str = ""
    reason: str = ""

    def describe(self) -> str:
        return f"`{self.subject}` has `renamed_from: {self.renamed_from}`, ignored: {self.reason}"


def helper_prefix(scope: str, context: Context) -> str:
    """Helper names of record fields carry the record: `_convert_window_width`."""
    return "" if scope == context.root else f"{snake(scope)}_"
