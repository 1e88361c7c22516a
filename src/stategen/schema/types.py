"""Field types: one class per type, holding everything stategen knows about that type.

A type knows how the spec spells it, its Python annotation and what that needs imported,
which JSON values a state file may hold for it, a deterministic sample value, which
`default:` values fit it, the Python expression of such a value, the factory that builds
one, and which types it widens to. A new type is one new class here, plus its
spelling in the grammar's table (`SCALARS`) or the parser.
"""

from __future__ import annotations

import abc
import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ..codegen import serializer
from .problem import Problem, describe_value, show

if TYPE_CHECKING:
    from .model import Enum, Record

Kind = Literal["enum", "record"]
#: A name the generated model imports: (module, name).
Import = tuple[str, str]


class Definitions(Protocol):
    """The spec's own types, looked up by name (a `Schema` is one)."""

    def enum(self, name: str) -> Enum: ...

    def record(self, name: str) -> Record: ...


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
    """Checking one `default:` value: the field's declared type, and the spec's enums."""

    declared: TypeExpr
    enums: Mapping[str, Enum]

    def mismatch(self, value: Any, hint: str = "") -> Problem:
        return Problem(
            f"the default {describe_value(value)} does not fit the type {self.declared}{hint}"
        )


class Sampler:
    """Deterministic sample values: numbers count 1, 2, 3 … so that neighbours differ."""

    def __init__(self, definitions: Definitions) -> None:
        self.definitions = definitions
        self._count = 0

    def number(self) -> int:
        self._count += 1
        return self._count

    def record(self, record: Record) -> dict[str, Any]:
        """A record with every field set, as stored."""
        return {f.name: f.type.sample(f.name, self) for f in record.fields}


class TypeExpr(abc.ABC):
    """One node of a field's type."""

    @abc.abstractmethod
    def __str__(self) -> str:
        """The type as the spec grammar spells it: `list[str]`, `Status | None` …"""

    def annotation(self) -> str:
        """The Python annotation in the generated model."""
        return str(self)

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

    @abc.abstractmethod
    def sample(self, name: str, sampler: Sampler) -> Any:
        """A sample JSON value for the field `name`: containers hold one item."""

    @abc.abstractmethod
    def default(self, value: Any, check: DefaultCheck) -> Any:
        """The stored form of `default: value` (plain YAML data); raises Problem if it fits not."""

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        """The Python expression of a stored value of this type."""
        return serializer.literal(value)

    def factory(self) -> FactoryCode | None:
        """The factory that builds a fresh value of this type, if there is one."""
        return None

    def widens_to(self, other: TypeExpr) -> bool:
        """Whether every stored value of this type is, unchanged, a valid value of `other`."""
        if self == other:
            return True
        if isinstance(other, Nullable):
            return self.widens_to(other.inner)
        return self._widens_to(other)

    def _widens_to(self, other: TypeExpr) -> bool:
        return False


def named_types(expr: TypeExpr) -> Iterator[Named]:
    """Every enum and record `expr` uses, outermost first."""
    if isinstance(expr, Named):
        yield expr
    for child in expr.children():
        yield from named_types(child)


# Scalars ----------------------------------------------------------------------------------


class _Scalar(TypeExpr):
    """A type with no parts: every instance of one scalar class is the same type."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Str(_Scalar):
    def __str__(self) -> str:
        return "str"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, str)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return f"{name}-{sampler.number()}"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if isinstance(value, str):
            return encodable(value, "the default")
        raise check.mismatch(
            value, "" if isinstance(value, list | dict) else "; quote it to make it text"
        )


class Int(_Scalar):
    def __str__(self) -> str:
        return "int"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return sampler.number()

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, bool):
            raise check.mismatch(value, "; true and false are booleans, write a number")
        if isinstance(value, float):
            raise check.mismatch(value, "; write a whole number, or use the type float")
        raise check.mismatch(value, _number_hint(value))

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, Float)  # a JSON integer loads as a float


class Float(_Scalar):
    def __str__(self) -> str:
        return "float"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and math.isfinite(value)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return sampler.number() + 0.5

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise check.mismatch(value, _number_hint(value))
        try:
            number = float(value)
        except OverflowError:
            raise check.mismatch(value, "; it is too large for a float") from None
        if not math.isfinite(number):
            raise check.mismatch(value, "; only finite numbers are allowed")
        return number


class Bool(_Scalar):
    def __str__(self) -> str:
        return "bool"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, bool)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return True

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if isinstance(value, bool):
            return value
        raise check.mismatch(value, "; write true or false")


class DateTime(_Scalar):
    """An aware datetime, stored as ISO 8601 text."""

    def __str__(self) -> str:
        return "datetime"

    def imports(self) -> Iterator[Import]:
        yield ("datetime", "datetime")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _parses(dt.datetime.fromisoformat, value)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return "2024-05-06T07:08:09+00:00"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        raise _no_fixed_default("datetime", "now")

    def factory(self) -> FactoryCode | None:
        helper = "def _utcnow() -> datetime:\n    return datetime.now(UTC)"
        imports = (("datetime", "UTC"), ("datetime", "datetime"))
        return FactoryCode("now", "_utcnow", imports, helper)


class Date(_Scalar):
    """A calendar date, stored as ISO 8601 text."""

    def __str__(self) -> str:
        return "date"

    def imports(self) -> Iterator[Import]:
        yield ("datetime", "date")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _parses(dt.date.fromisoformat, value)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return "2024-05-06"

    def default(self, value: Any, check: DefaultCheck) -> Any:
        raise _no_fixed_default("date", "today")

    def factory(self) -> FactoryCode | None:
        return FactoryCode("today", "date.today", (("datetime", "date"),))


#: The factories of empty containers (an empty default is also built by one).
EMPTY_LIST = FactoryCode("list", "list")
EMPTY_DICT = FactoryCode("dict", "dict")

#: The scalar types by their spelling in the spec.
SCALARS: Mapping[str, TypeExpr] = {
    str(scalar): scalar for scalar in (Str(), Int(), Float(), Bool(), DateTime(), Date())
}
#: Scalars a non-empty list or dict default may hold.
_COPYABLE = (Str(), Int(), Float(), Bool())


# Declared types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Named(TypeExpr):
    """A type the spec declares under `types:`, by name: an enum or a record."""

    name: str
    kind: Kind

    def __str__(self) -> str:
        return self.name

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        if self.kind == "enum":
            return isinstance(value, str) and value in definitions.enum(self.name).values
        return definitions.record(self.name).accepts(value, definitions)

    def sample(self, name: str, sampler: Sampler) -> Any:
        if self.kind == "enum":
            return sampler.definitions.enum(self.name).values[-1]
        return sampler.record(sampler.definitions.record(self.name))

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if self.kind == "record":
            raise Problem(
                f"a {self.name} default is made by default_factory: {self.name}, not default:"
            )
        values = check.enums[self.name].values
        if isinstance(value, str) and value in values:
            return value
        listing = ", ".join(v if re.fullmatch(r"[A-Za-z0-9_.+-]+", v) else repr(v) for v in values)
        close = difflib.get_close_matches(value, values, n=1) if isinstance(value, str) else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise Problem(f"{show(value)} is not a member of enum {self.name} ({listing}){hint}")

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        member = definitions.enum(self.name).member_for(value)
        return serializer.name(f"{self.name}.{serializer.identifier(member.name)}")

    def factory(self) -> FactoryCode | None:
        return FactoryCode(self.name, self.name) if self.kind == "record" else None


# Containers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListOf(TypeExpr):
    """`list[item]`."""

    item: TypeExpr

    def __str__(self) -> str:
        return f"list[{self.item}]"

    def annotation(self) -> str:
        return f"list[{self.item.annotation()}]"

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.item,)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, list) and all(self.item.accepts(v, definitions) for v in value)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return [self.item.sample(name, sampler)]

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if type(value) is not list:
            raise check.mismatch(value, "; write a list like [] or [a, b]")
        if value:
            _require_copyable(self, self.item, "[]")
        return [self.item.default(element, check) for element in value]

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        items = tuple(self.item.python(element, definitions) for element in value)
        return serializer.Collection("[", "]", items)

    def factory(self) -> FactoryCode | None:
        return EMPTY_LIST

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, ListOf) and self.item.widens_to(other.item)


@dataclass(frozen=True)
class DictOf(TypeExpr):
    """`dict[str, value]`: JSON object keys are always strings."""

    value: TypeExpr

    def __str__(self) -> str:
        return f"dict[str, {self.value}]"

    def annotation(self) -> str:
        return f"dict[str, {self.value.annotation()}]"

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.value,)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, dict) and all(
            isinstance(k, str) and self.value.accepts(v, definitions) for k, v in value.items()
        )

    def sample(self, name: str, sampler: Sampler) -> Any:
        return {f"{name}-key": self.value.sample(name, sampler)}

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if type(value) is not dict:
            raise check.mismatch(value, "; write a dict like {} or {key: value}")
        if value:
            _require_copyable(self, self.value, "{}")
        converted = {}
        for key, element in value.items():
            if not isinstance(key, str):
                raise Problem(f"dict keys are text, got {describe_value(key)}; quote it")
            converted[encodable(key, "a dict key")] = self.value.default(element, check)
        return converted

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        entries = tuple(
            serializer.Prefixed(serializer.string(key) + ": ", self.value.python(v, definitions))
            for key, v in value.items()
        )
        return serializer.Collection("{", "}", entries)

    def factory(self) -> FactoryCode | None:
        return EMPTY_DICT

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, DictOf) and self.value.widens_to(other.value)


@dataclass(frozen=True)
class Nullable(TypeExpr):
    """`inner | None`."""

    inner: TypeExpr

    def __str__(self) -> str:
        return f"{self.inner} | None"

    def annotation(self) -> str:
        return f"{self.inner.annotation()} | None"

    def children(self) -> tuple[TypeExpr, ...]:
        return (self.inner,)

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return value is None or self.inner.accepts(value, definitions)

    def sample(self, name: str, sampler: Sampler) -> Any:
        return self.inner.sample(name, sampler)  # a value, so a migration has one to carry

    def default(self, value: Any, check: DefaultCheck) -> Any:
        return None if value is None else self.inner.default(value, check)

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        return serializer.name("None") if value is None else self.inner.python(value, definitions)

    def factory(self) -> FactoryCode | None:
        return self.inner.factory()

    def widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, Nullable) and self.inner.widens_to(other.inner)


# Helpers ----------------------------------------------------------------------------------


def encodable(value: str, what: str) -> str:
    """`value` if it can be written as UTF-8 (no lone surrogates such as an escaped "\\ud800")."""
    for char in value:
        if unicodedata.category(char) == "Cs":
            raise Problem(
                f"{what} holds the lone surrogate U+{ord(char):04X}, which UTF-8 cannot encode; "
                "write the character itself"
            )
    return value


def _require_copyable(container: TypeExpr, item: TypeExpr, empty: str) -> None:
    if item not in _COPYABLE:
        names = ", ".join(map(str, _COPYABLE))
        raise Problem(
            f"a non-empty default for {container} is not supported (only for items of type "
            f"{names}); use default: {empty}"
        )


def _number_hint(value: Any) -> str:
    if isinstance(value, str):
        if re.fullmatch(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?", value.strip()):
            return "; write the number without quotes"
        if value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity", ".nan", ".inf"):
            return "; only finite numbers are allowed"
    return ""


def _no_fixed_default(name: str, factory: str) -> Problem:
    return Problem(
        f"a fixed {name} default is not supported; use default_factory: {factory}, "
        f"or make the type '{name} | None' with default: null"
    )


def _parses(parse: Any, value: Any) -> bool:
    try:
        parse(value)
    except (TypeError, ValueError):
        return False
    return True
