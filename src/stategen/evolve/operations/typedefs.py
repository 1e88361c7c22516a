"""Operations on the named types: enums and their members, records as a whole."""

from __future__ import annotations

from dataclasses import dataclass

from ... import serializer
from ...codegen.blocks import Block
from ...schema.version import Bump
from ..classification import Classification
from .base import RETYPE, Context, Operation, quoted


@dataclass(frozen=True)
class AddEnum(Operation):
    """A new enum type; nothing stored changes until a field uses it (a separate change)."""

    code = "SG104"
    classification = Classification.SAFE
    bump = Bump.NONE

    def describe(self) -> str:
        return f"add enum `{self.scope}`"


@dataclass(frozen=True)
class RemoveEnum(Operation):
    """An enum type no field uses any more."""

    code = "SG105"
    classification = Classification.SAFE
    bump = Bump.NONE

    def describe(self) -> str:
        return f"remove enum `{self.scope}` (fields that used it are changes of their own)"


@dataclass(frozen=True)
class AddRecord(Operation):
    """A new record type; nothing stored changes until a field uses it."""

    code = "SG106"
    classification = Classification.SAFE
    bump = Bump.NONE

    def describe(self) -> str:
        return f"add record `{self.scope}`"


@dataclass(frozen=True)
class RemoveRecord(Operation):
    """A record type no field uses any more."""

    code = "SG107"
    classification = Classification.SAFE
    bump = Bump.NONE

    def describe(self) -> str:
        return f"remove record `{self.scope}` (fields that used it are changes of their own)"


@dataclass(frozen=True)
class AddEnumMember(Operation):
    """A new member: every stored value is still a member."""

    code = "SG103"
    classification = Classification.SAFE
    bump = Bump.MINOR
    phase = RETYPE

    value: str

    @property
    def subject(self) -> str:
        return f"{self.scope}[{quoted(self.value)}]"

    def describe(self) -> str:
        return f"add member {quoted(self.value)} to enum `{self.scope}`"


@dataclass(frozen=True)
class RemoveEnumMember(Operation):
    """A member is gone: stored values of it must become another member."""

    code = "SG303"
    classification = Classification.NEEDS_MIGRATION
    bump = Bump.MAJOR
    phase = RETYPE

    value: str
    replacement: str | None = None  # a member chosen at bump time, or None for a stub

    @property
    def subject(self) -> str:
        return f"{self.scope}[{quoted(self.value)}]"

    def describe(self) -> str:
        return f"remove member {quoted(self.value)} from enum `{self.scope}`"

    @property
    def writes_code(self) -> bool:
        return True

    @property
    def is_stub(self) -> bool:
        return self.replacement is None

    def emit(self, block: Block, context: Context) -> None:
        with block.when(context.variable, "==", serializer.string(self.value)) as inner:
            if self.replacement is not None:
                inner.statement(f"return {serializer.string(self.replacement)}")
                return
            inner.comment(
                f"TODO: return the {context.new_version} member that replaces this value."
            )
            inner.raise_todo(
                f"TODO: map the removed {self.scope} value {quoted(self.value)} ({context.edge}.py)"
            )
