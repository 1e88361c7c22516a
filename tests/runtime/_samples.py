"""Sample values of the example spec's state (examples/batch.yml), and of any dataclass.

STATES is what stategen computed from the spec: a value of every type and rule it uses. Any
other dataclass gets values built from its type hints.
"""

import dataclasses
import enum
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar

from batch_state import BatchState

T = TypeVar("T")

# Text that breaks naive serializers: quotes, escapes, newlines, non-ASCII, astral plane.
TRICKY_TEXT = "quote \" ' back\\slash\nnew line \t tab ✓ ünï 😀 {{ x }}"

# BatchState as stored in a file, at both extremes: 0 sets every field (optionals set, two
# items per container, awkward text and numbers); 1 is the other end (None, empty
# containers, the first member). Each value keeps its field's rules.
STATES: tuple[dict[str, Any], ...] = (
    {
        "batch_id": "quote \" ' back\\slash\nnew line \t tab ✓ ünï 😀 {{ x }}",
        "features": ["quote \" ' back\\slash\nnew line \t tab ✓ ünï 😀 {{ x }}", ""],
        "current_index": 9223372036854775813,
        "completed": ["quote \" ' back\\slash\nnew line \t tab ✓ ünï 😀 {{ x }}", ""],
        "failed": {
            TRICKY_TEXT: TRICKY_TEXT,
            "": "",
        },
        "status": "failed",
        "window": {"width": 9223372036854775813},
        "created_at": "2024-02-29T23:59:58.123456+05:30",
        "note": "quote \" ' back\\slash\nnew line \t tab ✓ ünï 😀 {{ x }}",
    },
    {
        "batch_id": "",
        "features": [],
        "current_index": -7,
        "completed": [],
        "failed": {},
        "status": "pending",
        "window": {"width": -7},
        "created_at": "1999-12-31T00:00:00+00:00",
        "note": None,
    },
)


def sample_instance(cls: type[T], variant: int = 0) -> T:
    """An instance of the dataclass `cls` with every field set; variants differ in each field.

    Variant 0 fills everything (optionals set, containers non-empty); variant 1 uses the other
    extreme (None, empty containers, the first enum member). BatchState comes from STATES.
    """
    if cls is BatchState:
        return typing.cast(T, BatchState.from_dict(STATES[variant]))
    hints = typing.get_type_hints(cls)
    values = {
        spec.name: sample_value(hints[spec.name], variant)
        for spec in dataclasses.fields(typing.cast(Any, cls))
        if spec.init
    }
    return cls(**values)


def sample_value(annotation: Any, variant: int = 0) -> Any:
    """A value of type `annotation`; see `sample_instance` for the variants."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        inner = next(arg for arg in args if arg is not type(None))
        return sample_value(inner, variant) if variant == 0 else None
    if origin is list:
        return [sample_value(args[0], 0), sample_value(args[0], 1)] if variant == 0 else []
    if origin is dict:
        if variant:
            return {}
        return {"key ✓": sample_value(args[1], 0), "": sample_value(args[1], 1)}
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = list(annotation)
        return members[-1] if variant == 0 else members[0]
    if dataclasses.is_dataclass(annotation):
        return sample_instance(typing.cast(type[Any], annotation), variant)
    return _SCALARS[annotation][variant]


_SCALARS: dict[Any, tuple[Any, Any]] = {
    str: (TRICKY_TEXT, ""),
    int: (2**63 + 5, -7),
    float: (0.1, -3.0),
    bool: (True, False),
    datetime: (
        datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(1999, 12, 31, 0, 0, tzinfo=UTC),
    ),
    date: (date(2024, 2, 29), date(1, 1, 1)),
}
