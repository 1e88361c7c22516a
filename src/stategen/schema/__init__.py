"""The one typed model of a state schema: parser, evolution, answers and code generator share it."""

from .defaults import DYNAMIC, Default, Factory, Value, stored_default
from .model import Enum, Field, Member, Progress, Record, Schema
from .problem import Problem
from .types import (
    SCALARS,
    Definitions,
    DictOf,
    Kind,
    ListOf,
    Named,
    Nullable,
    Sampler,
    TypeExpr,
    named_types,
)
from .version import Bump, SchemaVersion

__all__ = [
    "DYNAMIC",
    "SCALARS",
    "Bump",
    "Default",
    "Definitions",
    "DictOf",
    "Enum",
    "Factory",
    "Field",
    "Kind",
    "ListOf",
    "Member",
    "Named",
    "Nullable",
    "Problem",
    "Progress",
    "Record",
    "Sampler",
    "Schema",
    "SchemaVersion",
    "TypeExpr",
    "Value",
    "named_types",
    "stored_default",
]
