"""The state-schema spec: `stategen.yml` read, validated and turned into template answers."""

from ._defaults import Default, DefaultKind
from ._model import EnumMember, EnumSpec, FieldSpec, ProgressSpec, RecordSpec, Spec
from ._parse import load_spec, parse_spec
from ._problem import Problem
from ._types import DictOf, Kind, ListOf, Named, Nullable, TypeExpr, named_types, parse_type
from ._version import SchemaVersion

__all__ = [
    "Default",
    "DefaultKind",
    "DictOf",
    "EnumMember",
    "EnumSpec",
    "FieldSpec",
    "Kind",
    "ListOf",
    "Named",
    "Nullable",
    "Problem",
    "ProgressSpec",
    "RecordSpec",
    "SchemaVersion",
    "Spec",
    "TypeExpr",
    "load_spec",
    "named_types",
    "parse_spec",
    "parse_type",
]
