"""Field types: one class per type, holding everything stategen knows about that type.

A new type is one new class (see `base.TypeExpr` for what it offers) and its spelling in
the grammar's table (`SCALARS`) or the type parser.
"""

from collections.abc import Mapping

from .base import (
    NO_DEFINITIONS,
    NO_RULES,
    DefaultCheck,
    Definitions,
    FactoryCode,
    Import,
    Kind,
    Sampler,
    Style,
    TypeExpr,
    encodable,
)
from .constrained import Constrained, constrain
from .dicts import DictOf
from .encoded import Bytes, DecimalType, Uuid
from .literal import AnyJson, LiteralOf
from .named import Named, named_types
from .nullable import Nullable
from .ordered import Ordered
from .scalars import TRICKY_TEXT, Bool, Float, Int, Str
from .sequences import FixedTuple, ListOf, SetOf, TupleOf
from .sized import EMPTY_DICT, EMPTY_LIST, EMPTY_SET
from .temporal import Date, DateTime, Duration, Time

#: The types without parts, by their spelling in the spec.
SCALARS: Mapping[str, TypeExpr] = {
    str(scalar): scalar
    for scalar in (
        Str(),
        Int(),
        Float(),
        Bool(),
        DateTime(),
        Date(),
        Time(),
        Duration(),
        Uuid(),
        DecimalType(),
        Bytes(),
        AnyJson(),
    )
}

__all__ = [
    "EMPTY_DICT",
    "EMPTY_LIST",
    "EMPTY_SET",
    "NO_DEFINITIONS",
    "NO_RULES",
    "SCALARS",
    "TRICKY_TEXT",
    "AnyJson",
    "Bool",
    "Bytes",
    "Constrained",
    "Date",
    "DateTime",
    "DecimalType",
    "DefaultCheck",
    "Definitions",
    "DictOf",
    "Duration",
    "FactoryCode",
    "FixedTuple",
    "Float",
    "Import",
    "Int",
    "Kind",
    "ListOf",
    "LiteralOf",
    "Named",
    "Nullable",
    "Ordered",
    "Sampler",
    "SetOf",
    "Str",
    "Style",
    "Time",
    "TupleOf",
    "TypeExpr",
    "Uuid",
    "constrain",
    "encodable",
    "named_types",
]
