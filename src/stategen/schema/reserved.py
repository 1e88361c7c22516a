"""The names a generated package takes for itself, which the spec's own names must not take."""

from __future__ import annotations

from .._runtime import errors as runtime_errors
from .._runtime.engines.files.document import CHECKSUM_KEY, GENERATION_KEY, VERSION_KEY

#: The error classes of the runtime (`_runtime/errors.py`), all exported by the generated
#: package, by name: read from the classes themselves, so a new error cannot be left out.
RUNTIME_ERRORS = tuple(
    sorted(
        name
        for name, value in vars(runtime_errors).items()
        if isinstance(value, type)
        and issubclass(value, runtime_errors.StateError)
        and value.__module__ == runtime_errors.__name__
        and not name.startswith("_")
    )
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

#: The keys the root object of a state file keeps for itself besides the fields: the schema
#: version, the generation a journal extends, and the checksum. No root field may be stored
#: under one of them.
ROOT_KEYS = frozenset({VERSION_KEY, GENERATION_KEY, CHECKSUM_KEY})

#: Methods of the generated classes: no field may be called so.
METHODS = frozenset({"to_dict", "from_dict", "validate"})
