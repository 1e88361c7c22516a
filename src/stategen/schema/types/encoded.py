"""Values JSON has no type for, stored as text of one spelling: `uuid`, `decimal`, `bytes`."""

from __future__ import annotations

import base64
import binascii
import decimal
import itertools
import re
import uuid
from collections.abc import Iterator
from typing import Any

from ... import serializer
from ..._runtime.codec.decimal_uuid import DECIMAL_TEXT, UUID_TEXT
from ..patterns import anchored
from ..problem import Problem, show
from ..rules import LENGTHS, Rules
from .base import DefaultCheck, Definitions, FactoryCode, Import, Sampler, TypeExpr
from .ordered import Ordered
from .scalars import Scalar, Str, lengths_schema

_BASE64 = anchored("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


class Uuid(Scalar):
    """A `UUID`, stored in lowercase 8-4-4-4-12 hex."""

    def __str__(self) -> str:
        return "uuid"

    def annotation(self) -> serializer.Node:
        return serializer.name("UUID")

    def imports(self) -> Iterator[Import]:
        yield ("uuid", "UUID")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, str) and UUID_TEXT.fullmatch(value) is not None

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        first = {
            "fixture": sampler.number(),
            "full": 0x123456789ABCDEF0123456789ABCDEF0,
            "empty": 0,
        }
        yield str(uuid.UUID(int=first[sampler.style]))
        for number in itertools.count(2**127):
            yield str(uuid.UUID(int=number))

    def default(self, value: Any, check: DefaultCheck) -> Any:
        if isinstance(value, str) and re.fullmatch(UUID_TEXT.pattern, value, re.IGNORECASE):
            return value.lower()
        raise Problem(
            f"the default {show(value)} is not a UUID in 8-4-4-4-12 hex, like "
            "'12345678-9abc-def0-1234-56789abcdef0'; for a new one per state use "
            "default_factory: uuid4"
        )

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        return serializer.call("UUID", serializer.literal(value))

    def fresh(self, value: Any) -> bool:
        return True  # ruff cannot know that UUID(...) is immutable (RUF009): use a factory

    def factory(self) -> FactoryCode | None:
        return FactoryCode("uuid4", "uuid4", (("uuid", "uuid4"),))

    def key_of(self, text: str) -> Any:
        return text if UUID_TEXT.fullmatch(text) else None

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, Str)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "string", "format": "uuid", **self.key_schema()}

    def key_schema(self) -> dict[str, Any]:
        return {"pattern": anchored(UUID_TEXT.pattern)}


class DecimalType(Ordered, Scalar):
    """A `Decimal`, stored as the text of its exact digits."""

    def __str__(self) -> str:
        return "decimal"

    def annotation(self) -> serializer.Node:
        return serializer.name("Decimal")

    def imports(self) -> Iterator[Import]:
        yield ("decimal", "Decimal")

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return isinstance(value, str) and _decimal(value) is not None

    def order(self, value: Any) -> Any:
        return decimal.Decimal(value)

    def stored(self, ordered: Any) -> Any:
        return str(ordered)

    def preferred(self, name: str, sampler: Sampler) -> Any:
        number = sampler.number()
        text = {"fixture": f"{number}.25", "full": "1234.5600", "empty": "-0.001"}
        return decimal.Decimal(text[sampler.style])

    def step(self) -> Any:
        return decimal.Decimal(1)

    def bound(self, value: Any) -> Any:
        return self.default(value, None)

    def default(self, value: Any, check: DefaultCheck | None) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(decimal.Decimal(value))  # a whole number is exact as it is
        if isinstance(value, str) and _decimal(value) is not None:
            return str(decimal.Decimal(value))
        if isinstance(value, float):
            raise Problem(
                f"{show(value)} is a binary float here, which may not keep its digits; "
                f'quote it to keep them exactly: "{value}"'
            )
        raise Problem(f'{show(value)} is not a decimal number like "10.50" or "1E+3"')

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        return serializer.call("Decimal", serializer.literal(value))

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, Str)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "string", "pattern": anchored(DECIMAL_TEXT.pattern)}

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        # A bound of zero is a rule on the sign, which a pattern can say; others compare
        # numbers, which JSON Schema cannot do on text (docs/spec-reference.md lists them).
        signs = [
            _SIGN_RULES[key]
            for key in ("ge", "gt", "le", "lt")
            if getattr(rules, key) is not None and decimal.Decimal(getattr(rules, key)) == 0
        ]
        return {"allOf": signs} if signs else {}


#: A decimal's text below zero (a nonzero digit before any exponent), and above zero.
_NEGATIVE = "^-[0-9.]*[1-9]"
_POSITIVE = "^[0-9.]*[1-9]"
#: What `ge: 0`, `gt: 0`, `le: 0` and `lt: 0` say of a decimal's text; "-0" and "0E+3" are 0.
_SIGN_RULES: dict[str, dict[str, Any]] = {
    "ge": {"not": {"pattern": _NEGATIVE}},
    "gt": {"pattern": _POSITIVE},
    "le": {"not": {"pattern": _POSITIVE}},
    "lt": {"pattern": _NEGATIVE},
}


class Bytes(Scalar):
    """`bytes`, stored as base64 (RFC 4648, standard alphabet, padded)."""

    applicable = frozenset(LENGTHS)

    def __str__(self) -> str:
        return "bytes"

    def accepts(self, value: Any, definitions: Definitions) -> bool:
        return _unbase64(value) is not None

    def candidates(self, name: str, sampler: Sampler, rules: Rules) -> Iterator[Any]:
        least, most = rules.min_length or 0, rules.max_length
        styled = {"fixture": None, "full": bytes(range(256)), "empty": b""}[sampler.style]
        seen: set[bytes] = set()
        for data in itertools.chain(
            [styled] if styled is not None else [],
            (f"{name}-{sampler.number()}".encode() for _ in range(8)),
            (bytes([number]) * max(least, 1) for number in range(256)),
        ):
            data = (data + b"x" * least)[: max(least, len(data))]
            data = data if most is None else data[:most]
            if data not in seen:
                seen.add(data)
                yield base64.b64encode(data).decode("ascii")

    def default(self, value: Any, check: DefaultCheck) -> Any:
        data = _unbase64(value)
        if data is None:
            raise Problem(
                f"the default {show(value)} is not base64 text (RFC 4648, with padding), "
                "like 'aGk=' for b'hi'"
            )
        return base64.b64encode(data).decode("ascii")

    def python(self, value: Any, definitions: Definitions) -> serializer.Node:
        data = _unbase64(value)
        assert data is not None
        return serializer.name(serializer.byte_string(data))

    def size(self, value: Any) -> int:
        data = _unbase64(value)
        return 0 if data is None else len(data)

    def _widens_to(self, other: TypeExpr) -> bool:
        return isinstance(other, Str)

    def json_schema(self, definitions: Definitions) -> dict[str, Any]:
        return {"type": "string", "pattern": _BASE64, "contentEncoding": "base64"}

    def rules_schema(self, rules: Rules) -> dict[str, Any]:
        # n bytes take 4 * ceil(n / 3) characters: the bounds on the text that follow.
        text = Rules(
            min_length=None if rules.min_length is None else -(-rules.min_length // 3) * 4,
            max_length=None if rules.max_length is None else -(-rules.max_length // 3) * 4,
        )
        return lengths_schema(text, "minLength", "maxLength")


def _decimal(text: str) -> decimal.Decimal | None:
    if not DECIMAL_TEXT.fullmatch(text):
        return None
    try:
        value = decimal.Decimal(text)
    except ArithmeticError:  # an exponent beyond the decimal module's range
        return None
    return value if value.is_finite() else None


def _unbase64(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
