"""A dataclass ⇄ a JSON object, with fast paths for records a file holds in full.

Each field's converter in turn; one function per class for the common case of a file
holding every field; and whole lists of records, column by column. A field is stored under
its JSON key, which is its name unless the model gives it another (an alias); decoding
errors name the key, as the file has it, and encoding errors the attribute.
"""

import keyword
import operator
from collections.abc import Callable
from itertools import repeat
from typing import Any, NamedTuple

from .. import patch as _patch
from .conversion import Converter, Invalid, NoFastPath, describe
from .edits import value_changes


class Field(NamedTuple):
    """One field of a record: its attribute name, its JSON key, its converter, and whether
    the file must hold it."""

    name: str
    key: str
    converter: Converter
    required: bool


def record_converter(cls: type, plan: list[Field]) -> Converter:
    """The converter of the dataclass `cls`, whose fields `plan` lists in order."""
    known = frozenset(field.key for field in plan)
    decode_whole, build = _written_out(cls, plan)
    missing = object()

    def decode_record(data: Any) -> Any:
        if type(data) is dict and data.keys() == known:
            return decode_whole(data)  # the common case: a file the library wrote
        if not isinstance(data, dict):
            raise Invalid(f"expected an object, got {describe(data)}")
        if not data.keys() <= known:
            unknown = min(str(key) for key in data if key not in known)
            raise Invalid("unknown field: this schema has no such key").at(unknown)
        kwargs = {}
        for name, key, converter, required in plan:
            value = data.get(key, missing)
            if value is missing:
                if required:
                    raise Invalid("required field is missing").at(key)
                continue
            if type(value) is not converter.exact:
                try:
                    value = converter.decode(value)
                except Invalid as error:
                    raise error.at(key) from None
            kwargs[name] = value
        return cls(**kwargs)

    def encode_record(obj: Any) -> Any:
        if type(obj) is not cls:
            raise Invalid(f"expected {cls.__name__}, got {describe(obj)}")
        data = {}
        for name, key, converter, _ in plan:
            value = getattr(obj, name)
            if type(value) is not converter.exact:
                try:
                    value = converter.encode(value)
                except Invalid as error:
                    raise error.at(name) from None
            data[key] = value
        return data

    readers = [(field.key, field.converter) for field in plan]

    def trusted_record(data: Any) -> Any:
        # Stored and validated before: a field's own `trusted`, else its usual decode.
        if type(data) is not dict or data.keys() != known:
            return decode_record(data)
        values = []
        for key, converter in readers:
            value, trusted = data[key], converter.trusted
            try:
                if trusted is not None:
                    value = trusted(value)  # still refuses a value of the wrong shape
                elif type(value) is not converter.exact:
                    value = converter.decode(value)
            except Invalid as error:
                raise error.at(key) from None
            values.append(value)
        return build(*values)

    def record_changes(obj: Any, before: Any, path: str, ops: list[dict[str, Any]]) -> None:
        if type(obj) is not cls or type(before) is not dict or before.keys() != known:
            _patch.diff_into(before, encode_record(obj), path, ops)
            return
        for name, key, converter, _ in plan:
            try:
                value_changes(
                    converter, getattr(obj, name), before[key], _patch.pointer(path, key), ops
                )
            except Invalid as error:
                raise error.at(name) from None

    many = _columns(plan, known, build)
    return Converter(
        NoFastPath, decode_record, encode_record, None, many, trusted_record, record_changes
    )


def _columns(
    plan: list[Field], known: frozenset[str], build: Callable[..., Any]
) -> Callable[[list[Any]], list[Any]] | None:
    """Decode a list of records field by field: each column whole (`bulk`) where it can be.

    Raises Invalid when any record is not an object of exactly the known fields, or any
    value is wrong; the caller then decodes record by record, which names the value.
    """
    if not plan:
        return None
    rows = operator.itemgetter(*(field.key for field in plan))
    converters = [field.converter for field in plan]

    def decode_records(values: list[Any]) -> list[Any]:
        if not values:
            return []
        if set(map(type, values)) != {dict} or not all(
            map(operator.eq, map(dict.keys, values), repeat(known))
        ):
            raise Invalid("not every record holds exactly its fields")
        # itemgetter of one name gives the values, of several a tuple each.
        columns = (
            [list(map(rows, values))] if len(plan) == 1 else zip(*map(rows, values), strict=True)
        )
        return list(map(build, *map(_column, converters, columns)))

    return decode_records


def _column(converter: Converter, values: Any) -> Any:
    """One field's values of many records, decoded: whole at C speed, else one by one."""
    bulk, many = converter.bulk, converter.many
    if bulk is not None and bulk(values):
        return values
    if many is not None:
        try:
            return many(list(values))
        except Invalid:
            pass  # a value `many` does not take: decode each, which may still accept it
    exact, decode = converter.exact, converter.decode
    return [value if type(value) is exact else decode(value) for value in values]


def _written_out(
    cls: type, plan: list[Field]
) -> tuple[Callable[[dict[str, Any]], Any], Callable[..., Any]]:
    """Two functions for `cls`, written out as Python source once, as `dataclasses` writes
    `__init__`: one decodes an object holding exactly the fields of `plan`; the other makes
    the record from its decoded values, given in the order of `plan`.

    A loop over the fields, a dict of keyword arguments and `cls(**kwargs)` cost more than
    the conversions themselves for a small record. Only field names, which are checked to
    be identifiers, JSON keys as `repr` literals, and numbered local names appear in the
    source.
    """
    for field in plan:
        if not field.name.isidentifier() or keyword.iskeyword(field.name):
            raise TypeError(f"field name {field.name!r} is not an identifier")
    namespace: dict[str, Any] = {"cls": cls, "Invalid": Invalid}
    decode_lines = ["def decode_whole(data):"]
    arguments = ", ".join(f"{field.name}=value_{index}" for index, field in enumerate(plan))
    for index, field in enumerate(plan):
        value, exact, decode = f"value_{index}", f"exact_{index}", f"decode_{index}"
        namespace[exact], namespace[decode] = field.converter.exact, field.converter.decode
        decode_lines += [
            f"    {value} = data[{field.key!r}]",
            f"    if type({value}) is not {exact}:",
            "        try:",
            f"            {value} = {decode}({value})",
            "        except Invalid as error:",
            f"            raise error.at({field.key!r}) from None",
        ]
    decode_lines.append(f"    return cls({arguments})")
    values = ", ".join(f"value_{index}" for index in range(len(plan)))
    build_lines = [f"def build({values}):", f"    return cls({arguments})"]
    exec("\n".join(decode_lines + build_lines), namespace)  # identifiers and literals only
    return namespace["decode_whole"], namespace["build"]
