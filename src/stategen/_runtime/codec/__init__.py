"""The codec: dataclasses ⇄ JSON-ready data, driven by the type hints, validating every value.

Its modules load at the first conversion, not when the package is imported: `decode`,
`encode`, `changes` and `validate` here hand over to `codec.codec`, and `JSON` and
`Constraints` are imported when a model first names them.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .constraints import Constraints
    from .jsonvalue import JSON

__all__ = ["JSON", "Constraints", "changes", "decode", "encode", "validate"]

T = TypeVar("T")


def encode(obj: object) -> dict[str, Any]:
    """`obj` (a dataclass instance) as JSON-ready data; raises StateValidationError."""
    from .codec import encode

    return encode(obj)


def decode(cls: type[T], data: Mapping[str, Any], *, trusted: bool = False) -> T:
    """A `cls` built from JSON data, every value checked (`trusted`: its shape only, as it
    was checked when stored); raises StateValidationError."""
    from .codec import decode

    return decode(cls, data, trusted=trusted)


def changes(obj: object, before: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON Patch operations from `before`, the stored JSON `obj` was decoded from, to
    `obj`, checking only what changed; raises StateValidationError."""
    from .codec import changes

    return changes(obj, before)


def validate(obj: object) -> None:
    """Check every value of `obj` (a dataclass instance) exactly as a save would."""
    from .codec import validate

    validate(obj)


def __getattr__(name: str) -> Any:
    if name == "JSON":
        from .jsonvalue import JSON

        return JSON
    if name == "Constraints":
        from .constraints import Constraints

        return Constraints
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
