"""The one typed model of a state schema: parser, evolution, answers and code generator share it."""

from .defaults import DYNAMIC, Default, Factory, Value, stored_default
from .model import Enum, Field, Member, Progress, Record, Schema
from .problem import Problem
from .rules import Rules
from .types import (
    SCALARS,
    Constrained,
    Definitions,
    DictOf,
    FixedTuple,
    Kind,
    ListOf,
    LiteralOf,
    Named,
    Nullable,
    Sampler,
    SetOf,
    TupleOf,
    TypeExpr,
    named_types,
)
from .version import Bump, SchemaVersion

__all__ = [
    "DYNAMIC",
    "SCALARS",
    "Bump",
    "Constrained",
    "Default",
    "Definitions",
    "DictOf",
    "Enum",
    "Factory",
    "Field",
    "FixedTuple",
    "Kind",
    "ListOf",
    "LiteralOf",
    "Member",
    "Named",
    "Nullable",
    "Problem",
    "Progress",
    "Record",
    "Rules",
    "Sampler",
    "Schema",
    "SchemaVersion",
    "SetOf",
    "TupleOf",
    "TypeExpr",
    "Value",
    "named_types",
    "stored_default",
]
