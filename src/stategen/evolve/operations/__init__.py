"""Schema changes as small classes, each with a code, a classification and its migration code."""

from .base import Context, Operation
from .fields import (
    NO_VALUE,
    AddField,
    AddRequiredField,
    ChangeDefault,
    FieldOperation,
    IgnoredRenameHint,
    PossibleRename,
    RemoveField,
    RenameField,
)
from .retypes import (
    AddLiteralValue,
    ChangeType,
    ConvertValues,
    LoosenRules,
    RemoveLiteralValue,
    Retype,
    TightenRules,
    WidenType,
)
from .typedefs import (
    AddEnum,
    AddEnumMember,
    AddRecord,
    RemoveEnum,
    RemoveEnumMember,
    RemoveRecord,
)

#: Every operation class, in code order: the table `stategen check` and the docs refer to.
ALL: tuple[type[Operation], ...] = (
    AddField,
    WidenType,
    AddEnumMember,
    AddEnum,
    RemoveEnum,
    AddRecord,
    RemoveRecord,
    LoosenRules,
    AddLiteralValue,
    RenameField,
    RemoveField,
    AddRequiredField,
    ChangeType,
    RemoveEnumMember,
    TightenRules,
    RemoveLiteralValue,
    ChangeDefault,
    PossibleRename,
    IgnoredRenameHint,
)

__all__ = [
    "ALL",
    "NO_VALUE",
    "AddEnum",
    "AddEnumMember",
    "AddField",
    "AddLiteralValue",
    "AddRecord",
    "AddRequiredField",
    "ChangeDefault",
    "ChangeType",
    "Context",
    "ConvertValues",
    "FieldOperation",
    "IgnoredRenameHint",
    "LoosenRules",
    "Operation",
    "PossibleRename",
    "RemoveEnum",
    "RemoveEnumMember",
    "RemoveField",
    "RemoveLiteralValue",
    "RemoveRecord",
    "RenameField",
    "Retype",
    "TightenRules",
    "WidenType",
]
