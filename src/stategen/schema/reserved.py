"""The names a generated package takes for itself, which the spec's own names must not take."""

from __future__ import annotations

#: The error classes of the generated runtime (`errors.py`), all exported by the package.
RUNTIME_ERRORS = (
    "StateConfigError",
    "StateCommitUnknownError",
    "StateCorruptError",
    "StateDatabaseError",
    "StateError",
    "StateLockTimeout",
    "StateMigrationError",
    "StateNotFoundError",
    "StateReadError",
    "StateReentryError",
    "StateUnavailableError",
    "StateUnsafePathError",
    "StateValidationError",
    "StateVersionError",
    "StateWriteError",
)

#: The public API of every generated package besides the spec's own types.
GENERATED_API = frozenset({*RUNTIME_ERRORS, "StateStore", "SCHEMA_VERSION"})

#: Names the generated model module uses at module or class level: a field or type with one
#: of these names would shadow it inside the generated class body.
MODEL_NAMES = frozenset(
    {
        *("str", "int", "float", "bool", "list", "dict", "set", "tuple", "bytes"),
        *("date", "datetime", "time", "timedelta", "timezone", "UTC", "Decimal"),
        *("UUID", "uuid4", "JSON", "Constraints", "Annotated", "Literal"),
        *("Any", "Self", "Mapping", "StrEnum", "dataclass", "field", "encode", "decode"),
        *("validate", "SCHEMA_VERSION", "Optional", "List", "Dict", "Union", "None"),
    }
)
