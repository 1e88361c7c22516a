"""Schema changes as small classes, each with a code, a classification and its migration code."""

from .base import Context, Operation
from .fields import (
    NO_VALUE,
    AddField,
    AddRequiredField,
    ChangeDefault,
    ChangeType,
    FieldOperation,
    IgnoredRenameHint,
    PossibleRename,
    RemoveField,
    RenameField,
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
    RenameField,
    RemoveField,
    AddRequiredField,
    ChangeType,
    RemoveEnumMember,
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
    "AddRecord",
    "AddRequiredField",
    "ChangeDefault",
    "ChangeType",
    "Context",
    "FieldOperation",
    "IgnoredRenameHint",
    "Operation",
    "PossibleRename",
    "RemoveEnum",
    "RemoveEnumMember",
    "RemoveField",
    "RemoveRecord",
    "RenameField",
    "WidenType",
]
