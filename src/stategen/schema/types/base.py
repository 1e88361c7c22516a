"""What every field type offers, and the helpers they share: the `TypeExpr` contract.

A type knows how the spec spells it, its Python annotation and what that needs imported,
which JSON values a state file may hold for it, deterministic sample values, which
`default:` values fit it, the Python expression of such a value, the factory that builds
one, which types it widens to, its JSON Schema, and which constraints apply to it.
"""

from __future__ import annotations

import abc
import itertools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

from ... import serializer
from ..problem import Problem, describe_value
from ..rules import Rules

if TYPE_CHECKING:
    from ..model import Enum, Record

Kind = Literal["enum", "record"]
#: A name the generated model imports: (module, name).
Import = tuple[str, str]
#: How sample values look: a fixture's counting values, or the tests' two extremes.
Style = Literal["fixture", "full", "empty"]
#: No constraints.
NO_RULES = Rules()
_OTHER: dict[Style, Style] = {"fixture": "fixture", "full": "empty", "empty": "full"}


class Definitions(Protocol):
    """The spec's own types, looked up by name (a `Schema` is one)."""

    def enum(self, name: str) -> Enum: ...

    def record(self, name: str) -> Record: ...


class _NoDefinitions:
    """For values that never name an enum or a record (scalars, bounds)."""

    def enum(self, name: str) -> Enum:
        raise KeyError(name)

    def record(self, name: str) -> Record:
        raise KeyError(name)


NO_DEFINITIONS: Definitions = _NoDefinitions()


@dataclass(frozen=True)
class FactoryCode:
    """A factory of fresh values: its spec name (`now`) and how the model calls it.

    The model writes `field(default_factory=<expression>)`, importing `imports`, and defines
    `helper` (a module-level function) once when the expression needs one.
    """

    name: str
    expression: str
    imports: tuple[Import, ...] = ()
    #: A module-level function the expression calls, written into the model once.
    helper: str | None = None


@dataclass(frozen=True)
class DefaultCheck:
    """Checking one `default:` value: the declared type, the spec's enums and its records.

    A record not (yet) in `records` is checked for its shape only: the parser checks record
    values again once every record has been read.
    """

    declared: TypeExpr
    enums: Mapping[str, Enum]
    records: Mapping[str, Record] = field(default_factory=dict)

    def inner(self, declared: TypeExpr) -> DefaultCheck:
        """The check of a part of the value (an item, a record's field)."""
        return replace(self, declared=declared)

    def enum(self, name: str) -> Enum:
        return self.enums[name]

    def record(self, name: str) -> Record:
        return self.records[name]

    def mismatch(self, value: Any, hint: str = "") -> Problem:
        return Problem(
            f"the default {describe_value(value)} does not fit the type {self.declared}{hint}"
        )


class Sampler:
    """Deterministic sample values of one style, sharing one counter.

    `fixture` values count 1, 2, 3 … so that neighbours differ, with one item per container
    (the fixtures of released versions). `full` and `empty` are the two extremes the
    generated tests use: every optional set, two items per container and awkward text and
    numbers; or None, empty containers and the other end of each range.
    """

    def __init__(
        self,
        definitions: Definitions,
        style: Style = "fixture",
        counter: Iterator[int] | None = None,
    ) -> None:
        self.definitions = definitions
        self.style = style
        self._counter = itertools.count(1) if counter is None else counter

    def number(self) -> int:
        return next(self._counter)

    def other(self) -> Sampler:
        """The opposite extreme (a fixture stays a fixture), on the same counter."""
        return Sampler(self.definitions, _OTHER[self.style], self._counter)

    def record(self, record: Record) -> dict[str, Any]:
        """A record with every field set, as stored."""
        return {f.key: f.type.sample(f.name, self) for f in record.fields}


class TypeExpr(abc.ABC):
    """One node of a field's type."""

    #: The constraint keys (`rules.KEYS`) that apply to values of this type.
    applicable: ClassVar[frozenset[str]] = frozenset()

    @abc.abstractmethod
    def __str__(self) -> str:
        """The type as the spec grammar spells it: `list[str]`, `Status | None` …"""

    def annotation(self) -> serializer.Node:
        """The Python annotation in the generated model."""
        return serializer.name(str(self))

    def children(self) -> tuple[TypeExpr, ...]:
        """The types this one is built from."""
        return ()

    def imports(self) -> Iterator[Import]:
        """What the model module imports for the annotation."""
        for child in self.children():
            yield from child.imports()

    @abc.abstractmethod
    def accepts(self, value: Any, definitions: Definitions) -> bool:
        """Whether the JSON `value` is valid for this type in a state file."""

    def sample(self, name: str, sampler: Sampler) -> Any:
        """A sample JSON value for the field `name`, in the sampler's style."""
        return next(iter(self.candidates(name, sampler, NO_RULES)))

    @abc.abstractmethod
    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        """Sample JSON values that keep `rules`, the preferred one first, each different.

        A container gives one; a scalar as many as it can, so a set or a dict can take
        distinct items and keys from it. `rules` holds only rules this type accepts.
        """

    @abc.abstractmethod
    def default(self, value: Any, check: DefaultCheck) -> Any:
        """The stored form of `default: value` (plain YAML data); raises Problem if it fits not."""

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        """The Python expression of a stored value of this type."""
        return serializer.literal(value)

    def value_imports(self, value: Any, definitions: Definitions) -> Iterator[Import]:
        """What `python(value)` needs imported beyond the annotation's imports."""
        return iter(())

    def fresh(self, value: Any) -> bool:
        """Whether a default of `value` must be built anew for each state (a factory)."""
        return False

    def factory(self) -> FactoryCode | None:
        """The factory that builds a fresh value of this type, if there is one."""
        return None

    def allows_null(self) -> bool:
        """Whether null is a value of this type (an optional, or any JSON)."""
        return False

    @abc.abstractmethod
    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of this type's values in a state file."""

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        """The JSON Schema keywords for `rules` on this type (those JSON Schema can say)."""
        return {}

    def size(self, value: Any) -> int:
        """How many characters, bytes or items a stored value counts for `min_length`."""
        return len(value)

    def key_of(self, text: str) -> Any:
        """The stored value a dict key `text` stands for, or None if it is not one.

        Only a type whose every value has exactly one spelling as text can key a dict, so
        two keys of a file can never load as one; the other types answer None.
        """
        return None

    def key_text(self, value: Any) -> str:
        """The dict key of a stored value (for a key type)."""
        return str(value)

    def key_schema(self) -> dict[str, Any]:
        """The JSON Schema of the key texts (`propertyNames`), for a key type."""
        return {}

    def set_order(self, value: Any, definitions: Definitions) -> Any:
        """The sort key of a stored value in a saved set (the generated library's order)."""
        return value

    def widens_to(self, other: TypeExpr) -> bool:
        """Whether every stored value of this type is, unchanged, a valid value of `other`."""
        return self == other or other.admits(self) or self._widens_to(other)

    def admits(self, narrower: TypeExpr) -> bool:
        """Whether every stored value of `narrower` is valid here: the hook of wrappers
        (`T | None`, constraints, any JSON), asked before `narrower` looks at them."""
        return False

    def _widens_to(self, other: TypeExpr) -> bool:
        """`widens_to` for types that are neither equal nor admitted by a wrapper."""
        return False


def encodable(value: str, what: str) -> str:
    """`value` if it can be written as UTF-8 (no lone surrogates such as an escaped "\\ud800")."""
    for char in value:
        if unicodedata.category(char) == "Cs":
            raise Problem(
                f"{what} holds the lone surrogate U+{ord(char):04X}, which UTF-8 cannot encode; "
                "write the character itself"
            )
    return value


def number_hint(value: Any) -> str:
    """A hint for a number given as text, or a non-finite one."""
    if isinstance(value, str):
        if re.fullmatch(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?", value.strip()):
            return "; write the number without quotes"
        if value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity", ".nan", ".inf"):
            return "; only finite numbers are allowed"
    return ""


def distinct(values: Iterator[Any]) -> Iterator[Any]:
    """`values` without repeats (by JSON equality, so `1` and `true` stay apart)."""
    seen: list[Any] = []
    for value in values:
        key = (type(value), value) if not isinstance(value, list | dict) else repr(value)
        if key not in seen:
            seen.append(key)
            yield value
