"""`Rules`: the constraints a spec puts on a value (bounds, lengths, a pattern), as written.

The values are the spec's own, in the field's JSON form (`ge: "0.01"` for a decimal, `gt:
"PT0S"` for a duration), checked and made canonical by the type they constrain
(`types.Constrained`). What they mean for a value of each type, and which apply to which
type, is the type's business; this class only holds them, in the order the generated
`Constraints(...)` marker writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .. import serializer

BOUNDS = ("ge", "gt", "le", "lt")
LENGTHS = ("min_length", "max_length")
#: Every rule, in the order of the runtime's `Constraints` (and of the generated code).
KEYS = (*BOUNDS, *LENGTHS, "pattern")
#: What each bound means, for messages.
SIGNS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


@dataclass(frozen=True)
class Rules:
    """Constraints on one value; None means the rule is not given."""

    ge: Any = None
    gt: Any = None
    le: Any = None
    lt: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    @classmethod
    def of(cls, values: dict[str, Any]) -> Rules:
        return cls(**values)

    def given(self) -> dict[str, Any]:
        """The rules that are set, in `KEYS` order."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }

    def __bool__(self) -> bool:
        return bool(self.given())

    def with_(self, **changes: Any) -> Rules:
        return replace(self, **changes)

    def __str__(self) -> str:
        """`ge=0, le=10`, each value in its JSON form."""
        return ", ".join(f"{key}={_show(value)}" for key, value in self.given().items())

    def marker(self) -> serializer.Call:
        """The `Constraints(...)` call of the generated model."""
        arguments = tuple(
            serializer.Prefixed(f"{key}=", serializer.literal(value))
            for key, value in self.given().items()
        )
        return serializer.Call("Constraints", arguments)


def _show(value: Any) -> str:
    return (
        serializer.string(value) if isinstance(value, str) else serializer.literal(value).inline()
    )
