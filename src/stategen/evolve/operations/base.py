"""The operation contract: one schema change, how to describe it, and the code it needs."""

from __future__ import annotations

import abc
import json
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from ...codegen.blocks import Block, Function
from ...schema.version import Bump
from ..classification import Classification

# Where an operation's code goes inside its scope's function, so that later steps see the
# names earlier ones produce: renames, removals, nested records, type changes, additions.
RENAME, REMOVE, NESTED, RETYPE, ADD, NOTE = range(6)


class Context(Protocol):
    """What the writer offers an operation while it renders code."""

    @property
    def variable(self) -> str:
        """The name of the value being migrated: `data` for records, `value` for enums."""

    @property
    def root(self) -> str:
        """The name of the root state class."""

    @property
    def edge(self) -> str:
        """The module being written, e.g. `v1_0_0_to_v1_1_0`."""

    @property
    def old_version(self) -> str: ...

    @property
    def new_version(self) -> str: ...

    def helper(self, wanted: str, parameter: str, returns: str, docstring: str) -> Function:
        """A new module-level function with a unique name near `wanted`, body to be filled."""


@dataclass(frozen=True)
class Operation(abc.ABC):
    """One change between two schema versions, in one scope (the root state, a record, an enum).

    Subclasses set a stable `code` (SG1xx safe, SG2xx breaking, SG3xx needs a migration,
    SG4xx warnings), its classification and the version bump it calls for.
    """

    code: ClassVar[str]
    classification: ClassVar[Classification]
    bump: ClassVar[Bump]
    phase: ClassVar[int] = NOTE

    scope: str

    @abc.abstractmethod
    def describe(self) -> str:
        """One line for humans; names and types only, never stored values."""

    @property
    def subject(self) -> str:
        """What the change is about, e.g. `BatchState.count` or `Status`."""
        return self.scope

    @property
    def writes_code(self) -> bool:
        """Whether the migration needs a statement for this change (else only its comment)."""
        return False

    @property
    def is_stub(self) -> bool:
        """Whether the code written for it raises NotImplementedError until a person fills it."""
        return False

    def emit(self, block: Block, context: Context) -> None:  # noqa: B027 - optional hook
        """Write the statements of this change into `block` (its comment is already there)."""

    def as_dict(self) -> dict[str, Any]:
        """Machine-readable form, for `stategen check --json`."""
        return {
            "code": self.code,
            "classification": self.classification.value,
            "bump": self.bump.label,
            "operation": type(self).__name__,
            "scope": self.scope,
            "subject": self.subject,
            "description": self.describe(),
            "wrote_stub": self.is_stub,
        }


def quoted(value: str) -> str:
    """A stored text value for a description or comment: JSON-escaped, ASCII only."""
    return json.dumps(value)


def field_path(scope: str, field: str) -> str:
    return f"{scope}.{field}"
