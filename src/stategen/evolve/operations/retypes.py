"""Operations on the type of a field: widened, retyped, its rules or its Literal values changed.

A change that keeps every stored value valid is SAFE and needs no code. Any other needs the
old values converted, which only a person can write: the migration gets a stub, a function
of the field's value that raises until it is filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ... import serializer
from ...codegen.blocks import Block
from ...schema.version import Bump
from ..classification import Classification
from .base import RETYPE, Context
from .fields import FieldOperation, helper_prefix


@dataclass(frozen=True)
class Retype(FieldOperation):
    """A change of the field's type from `annotation` to `new_annotation`."""

    phase = RETYPE

    new_annotation: str = ""
    #: What changed inside the type, when the spelling alone does not say it (rules, values).
    detail: str = ""
    #: The rules of the new type, flat (`ge=0, items.max_length=3`), or "".
    rules: str = ""


@dataclass(frozen=True)
class WidenType(Retype):
    """A type that accepts every old value as it is: int → float, T → T | None, tuple → list."""

    code = "SG102"
    classification = Classification.SAFE
    bump = Bump.MINOR

    def describe(self) -> str:
        return (
            f"widen `{self.subject}` from {self.annotation} to {self.new_annotation}: "
            "stored values stay valid"
        )


@dataclass(frozen=True)
class LoosenRules(Retype):
    """Rules that every old value keeps: a wider range, a longer limit, a rule dropped."""

    code = "SG108"
    classification = Classification.SAFE
    bump = Bump.MINOR

    def describe(self) -> str:
        return f"loosen the rules of `{self.subject}` ({self.detail}): stored values stay valid"


@dataclass(frozen=True)
class AddLiteralValue(Retype):
    """A Literal that gains values: every stored value is still one of them."""

    code = "SG109"
    classification = Classification.SAFE
    bump = Bump.MINOR

    def describe(self) -> str:
        return f"add {self.detail} to the Literal of `{self.subject}`: stored values stay valid"


@dataclass(frozen=True)
class ConvertValues(Retype):
    """A change old values may not survive: a stub converts each stored value of the field."""

    classification = Classification.NEEDS_MIGRATION
    bump = Bump.MAJOR
    #: The stub's name starts with this, then the field: `_convert_count`.
    helper: ClassVar[str] = "_convert_"

    @property
    def writes_code(self) -> bool:
        return True

    @property
    def is_stub(self) -> bool:
        return True

    def todo(self) -> tuple[str, str]:
        """The comment above the stub's `raise`, and the TODO message it raises."""
        return (
            f"TODO: convert `value` ({self.annotation}) into {self.new_annotation}.",
            f"TODO: convert {self.subject} from {self.annotation} to {self.new_annotation}",
        )

    def emit(self, block: Block, context: Context) -> None:
        helper = context.helper(
            f"{self.helper}{helper_prefix(self.scope, context)}{self.field}",
            "value: Any",
            "Any",
            f"The {context.new_version} `{self.subject}` ({self.new_annotation}) "
            f"for its {context.old_version} value ({self.annotation}).",
        )
        comment, message = self.todo()
        helper.body.comment(comment)
        helper.body.raise_todo(f"{message} ({context.edge}.py)")
        call = serializer.call(
            "_convert_field",
            serializer.name(context.variable),
            serializer.literal(self.stored),
            serializer.name(helper.name),
        )
        block.expression(call)


@dataclass(frozen=True)
class ChangeType(ConvertValues):
    """Any other type change: only a person can say how old values convert."""

    code = "SG302"

    def describe(self) -> str:
        return (
            f"change the type of `{self.subject}` from {self.annotation} "
            f"to {self.new_annotation}: old values need converting"
        )

    def todo(self) -> tuple[str, str]:
        comment, message = super().todo()
        return (f"{comment} {self.detail}" if self.detail else comment), message


@dataclass(frozen=True)
class TightenRules(ConvertValues):
    """Rules an old value may break: a narrower range, a shorter limit, a new rule."""

    code = "SG304"
    helper = "_fit_"

    def describe(self) -> str:
        return f"tighten the rules of `{self.subject}` ({self.detail}): old values may break them"

    def todo(self) -> tuple[str, str]:
        return (
            f"TODO: return `value` inside the new rules ({self.rules or 'none'}); a value that "
            "keeps them may stay as it is.",
            f"TODO: bring {self.subject} inside its new rules",
        )


@dataclass(frozen=True)
class RemoveLiteralValue(ConvertValues):
    """A Literal that loses values: stored ones must become a value that is left."""

    code = "SG305"

    def describe(self) -> str:
        return f"remove {self.detail} from the Literal of `{self.subject}`: old values may hold it"

    def todo(self) -> tuple[str, str]:
        return (
            f"TODO: replace {self.detail} in `value` with values of {self.new_annotation}.",
            f"TODO: replace the removed values of {self.subject}",
        )
