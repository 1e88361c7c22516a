"""Name rules: what fields, types, enum members, the state class and the package may be called."""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Collection

from ..schema.problem import Problem, describe_value, show
from ..schema.reserved import GENERATED_API, METHODS, MODEL_NAMES, ROOT_KEYS
from ..schema.text import describe as describe_char
from ..schema.text import is_hidden
from ._tooling import TOOLING_MODULES

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CLASS = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_PACKAGE = re.compile(r"[a-z][a-z0-9_]*\Z")
_DISTRIBUTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\Z")

#: The longest alias: a JSON key, not a document.
_ALIAS_LENGTH = 200


def identifier(name: object, what: str) -> str:
    """`name` if it is an ASCII Python identifier that is no keyword, else `Problem`."""
    if not isinstance(name, str):
        raise Problem(f"{what} names must be text, got {describe_value(name)}")
    if not _IDENTIFIER.match(name):
        suggestion = _sanitize(name)
        hint = f", e.g. {suggestion!r}" if suggestion else ""
        raise Problem(
            f"{show(name)} is not a valid {what} name; use ASCII letters, digits and '_', "
            f"not starting with a digit{hint}"
        )
    if _is_keyword(name):
        soft = "" if keyword.iskeyword(name) else "soft "
        example = f", e.g. {name + '_'!r}" if name != "_" else ""
        raise Problem(f"{name!r} is a Python {soft}keyword; pick another {what} name{example}")
    return name


def field_name(name: object, *, root: bool, taken: Collection[str]) -> str:
    """A checked field name. `root`: a field of the state itself; `taken`: type names.

    A name that cannot be an attribute (a keyword, a name the model uses, not an identifier)
    is refused with the way out: another name, and the JSON key kept as its `alias`.
    """
    try:
        return _field_name(name, root=root, taken=taken)
    except Problem as problem:
        if not isinstance(name, str) or not name or name.startswith("_") or name in taken:
            raise
        if root and name == "version":
            raise
        other = _attribute_for(name)
        spelled = name if re.fullmatch(r"[A-Za-z0-9_.-]+", name) else json.dumps(name)
        raise Problem(
            f"{problem}; to keep {name!r} as the key in the file, name the field {other!r} "
            f"and give it alias: {spelled}"
        ) from None


def _attribute_for(key: str) -> str:
    """An attribute name for a field stored under `key`: `last-seen` → `last_seen`."""
    other = re.sub(r"[^A-Za-z0-9_]+", "_", key).strip("_") or "field"
    if other[0].isdigit():
        other = f"field_{other}"
    if _is_keyword(other) or other in MODEL_NAMES or other in METHODS:
        other += "_"
    return other


def _field_name(name: object, *, root: bool, taken: Collection[str]) -> str:
    name = identifier(name, "field")
    if name.startswith("_"):
        raise Problem(
            f"{name!r} starts with '_', which the generated code reserves; "
            f"use {name.lstrip('_') or 'another name'!r}"
        )
    if root and name == "version":
        raise Problem(
            "'version' is reserved: the state file keeps the schema version under that key; "
            "pick another name, e.g. 'data_version'"
        )
    if name in METHODS:
        raise Problem(
            f"{name!r} is reserved: the generated class has a {name}() method; pick another name"
        )
    if name in MODEL_NAMES:
        raise Problem(
            f"{name!r} would hide the name {name} that the generated model uses; pick another name"
        )
    if name in taken:
        raise Problem(
            f"{name!r} is also the name of a type; field names and type names must differ"
        )
    return name


def alias(value: object, *, name: str, root: bool) -> str:
    """A checked alias (the JSON key) of the field `name`; `root`: a field of the state."""
    if not isinstance(value, str):
        raise Problem(f"an alias is the field's JSON key, text, got {describe_value(value)}")
    if not value:
        raise Problem("an alias cannot be empty; give the JSON key, or remove alias")
    hidden = next((char for char in value if is_hidden(char) or not char.isprintable()), None)
    if hidden is not None:
        raise Problem(
            f"the alias {show(value)} holds the invisible or control character "
            f"{describe_char(hidden)}; write the key with visible characters only"
        )
    if value != value.strip():
        raise Problem(f"the alias {show(value)} starts or ends with a space; remove it")
    if len(value) > _ALIAS_LENGTH:
        raise Problem(f"the alias is {len(value)} characters long; keep it to {_ALIAS_LENGTH}")
    if value == name:
        raise Problem(f"the alias {value!r} is the field's own name; remove alias")
    if root and value in ROOT_KEYS:
        raise Problem(
            f"{value!r} is reserved: the state file keeps its own entry (the schema version, "
            "the journal's generation or the checksum) under that key; pick another alias"
        )
    return value


def type_name(name: object, *, state: str) -> str:
    """A checked name for an enum or record type of a spec whose root class is `state`."""
    name = identifier(name, "type")
    if not name[0].isupper():
        raise Problem(
            f"type names are class names and start with an uppercase letter; "
            f"rename {name!r} to {name[0].upper() + name[1:]!r}"
        )
    reserved = _class_conflict(name, state)
    if reserved:
        raise Problem(f"the type name {name!r} {reserved}; pick another name")
    return name


def state_name(name: object) -> str:
    """A checked name for the root state class."""
    if not isinstance(name, str):
        raise Problem(f"the state class name must be text, got {describe_value(name)}")
    if not _CLASS.match(name):
        raise Problem(
            f"{show(name)} is not a valid state class name; use CamelCase ASCII letters and "
            f"digits starting with an uppercase letter, e.g. {_class_example(name)!r}"
        )
    if name in GENERATED_API or name in MODEL_NAMES:
        raise Problem(
            f"the state class name {name!r} is taken by the generated code; pick another name"
        )
    return name


def _class_conflict(name: str, state: str) -> str | None:
    if name in GENERATED_API:
        return f"is taken by the generated package's API ({name})"
    if name in MODEL_NAMES:
        return f"would hide the name {name} that the generated model uses"
    if name == f"{state}Manager":
        return f"is the name of the generated manager class {state}Manager"
    if name == state:
        return "is the name of the root state class (state:)"
    return None


def package_name(name: object) -> str:
    """A checked import name for the generated package."""
    if not isinstance(name, str):
        raise Problem(f"the package name must be text, got {describe_value(name)}")
    if not _PACKAGE.match(name):
        suggestion = derive_package(name)
        hint = f", e.g. {suggestion!r}" if _PACKAGE.match(suggestion) else ""
        raise Problem(
            f"{show(name)} is not an importable package name; use lowercase ASCII letters, "
            f"digits and '_', starting with a letter{hint}"
        )
    if keyword.iskeyword(name):
        raise Problem(
            f"{name!r} is a Python keyword and cannot be imported; pick another package name"
        )
    if name in sys.stdlib_module_names:
        raise Problem(
            f"{name!r} would shadow the standard-library module {name}; "
            f"pick another package name, e.g. '{name}_state'"
        )
    if name in TOOLING_MODULES:
        raise Problem(
            f"{name!r} would shadow a module of the generated project's own tools (its "
            f"tests, type checker, build or stategen); pick another package name, e.g. "
            f"'{name}_state'"
        )
    return name


def distribution_name(name: object) -> str:
    """A checked PEP 508 distribution name."""
    if not isinstance(name, str):
        raise Problem(f"the name must be text, got {describe_value(name)}")
    if not _DISTRIBUTION.match(name):
        suggestion = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._")
        hint = f", e.g. {suggestion!r}" if suggestion and _DISTRIBUTION.match(suggestion) else ""
        raise Problem(
            f"{show(name)} is not a valid distribution name; use ASCII letters, digits, '-', "
            f"'_' and '.', starting and ending with a letter or digit{hint}"
        )
    return name


def derive_package(name: str) -> str:
    """The default import name for distribution `name`: `Batch-State` → `batch_state`."""
    return re.sub(r"[-.]", "_", name.lower())


def camel_case(name: str) -> str:
    """The default state class for distribution `name`: `batch-state` → `BatchState`."""
    parts = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(part[:1].upper() + part[1:] for part in parts)


def member_name(value: str) -> str:
    """The enum member name for `value`: upper-cased, accents dropped, other characters '_'.

    `in-progress` → `IN_PROGRESS`, `café` → `CAFE`, `日本` → `日本`, `{{ x }}` → `X___`.
    Letters are Unicode letters: an accented Latin letter loses its accent (so the name
    stays ASCII where it can), and letters of other scripts are kept, as Python identifiers
    allow. Leading underscores are dropped: Enum reserves `_x_` names, Python mangles `__x`
    in a class body, and type checkers do not count `__`-prefixed names as members. Raises
    `Problem` when no usable name is left.
    """
    decomposed = unicodedata.normalize("NFKD", value.upper())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    name = "".join(
        char if f"_{char}".isidentifier() else "_"
        for char in unicodedata.normalize("NFKC", letters)
    ).lstrip("_")
    if not name:
        raise Problem(
            f"the value {show(value)} has no letters or digits to make a member name from; "
            "add a letter"
        )
    if not name.isidentifier():
        raise Problem(
            f"the value {show(value)} gives the member name {name!r}, which starts with a digit; "
            "start the value with a letter"
        )
    return name


def _sanitize(name: str) -> str:
    """`name` turned into an identifier, or '' when nothing sensible is left."""
    candidate = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")
    return candidate if _IDENTIFIER.match(candidate) and not _is_keyword(candidate) else ""


def _class_example(name: str) -> str:
    candidate = camel_case(name)
    return candidate if _CLASS.match(candidate) else "AppState"


def _is_keyword(name: str) -> bool:
    # `type` is a soft keyword from Python 3.12 on; the generated code may meet a newer Python.
    return keyword.iskeyword(name) or keyword.issoftkeyword(name) or name == "type"
