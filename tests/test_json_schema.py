"""The JSON Schema of a state file: valid draft 2020-12, and each type's form and rules in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES

from stategen.json_schema import json_schema
from stategen.spec import load_spec, parse_spec

HEAD = {"name": "x", "version": "2.1.0", "types": {"Status": {"enum": ["a", "b"]}}}


def schema_of(field: Any) -> dict[str, Any]:
    """The JSON Schema of a spec with the one field `f`."""
    return json_schema(parse_spec(json.dumps({**HEAD, "fields": {"f": field}})))


def property_of(field: Any) -> dict[str, Any]:
    found: dict[str, Any] = schema_of(field)["properties"]["f"]
    return found


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yml")), ids=lambda p: p.stem)
def test_every_example_is_a_valid_schema(example: Path) -> None:
    """Each example spec gives a schema that draft 2020-12's meta-schema accepts."""
    jsonschema.Draft202012Validator.check_schema(json_schema(load_spec(example)))


def test_the_file_around_the_fields() -> None:
    """The version is fixed, the checksum allowed, every other key refused."""
    spec = parse_spec(json.dumps({**HEAD, "fields": {"f": {"type": "int"}}}))
    schema = json_schema(spec.with_history(["1.0.0", "2.1.0"]))
    validator = jsonschema.Draft202012Validator(schema)
    assert schema["required"] == ["version", "f"]
    assert not validator.is_valid({"f": 1})
    assert validator.is_valid({"version": "2.1.0", "f": 1, "#crc32": "0123abcd"})
    assert validator.is_valid({"version": "2.1.0", "f": 1})
    assert not validator.is_valid({"version": "2.0.0", "f": 1})
    assert not validator.is_valid({"version": "2.1.0", "f": 1, "g": 2})
    assert not validator.is_valid({"version": "2.1.0", "f": 1, "#crc32": "nope"})


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ({"type": "int", "ge": 0, "lt": 10}, [0, 9], [-1, 10, 1.5, "1"]),
        ({"type": "float", "gt": 0}, [0.5, 3], [0, -1.5]),
        ({"type": "str", "min_length": 2, "pattern": "[a-z]+"}, ["ab"], ["a", "aB", "ab1"]),
        ({"type": "bytes", "max_length": 3}, ["aGk=", "AAAA"], ["AAAAAAA=", "hi!"]),
        ({"type": "uuid"}, ["12345678-9abc-def0-1234-56789abcdef0"], ["12345678"]),
        ({"type": "decimal"}, ["10.50", "-1E+3"], [10.5, "1,5", "NaN"]),
        ({"type": "timedelta"}, ["PT30S", "-P1DT0.5S"], ["P1M", "30"]),
        ({"type": "time | None"}, ["07:30:00", "07:30:00+01:00", None], ["7:30"]),
        ({"type": "json"}, [None, {"a": [1]}], []),
        ({"type": 'Literal["x", 2, True]'}, ["x", 2, True], ["2", 1, False]),
        ({"type": "Status"}, ["a"], ["c"]),
        ({"type": "set[int]", "max_length": 2}, [[1, 2]], [[1, 1], [1, 2, 3]]),
        ({"type": "tuple[int, str]"}, [[1, "a"]], [[1], [1, "a", 2], ["a", 1]]),
        ({"type": "tuple[float, ...]", "min_length": 1}, [[1.5]], [[]]),
        ({"type": "dict[int, str]"}, [{"7": "x", "-7": "y"}], [{"07": "x"}, {"a": "x"}]),
        ({"type": "dict[Status, int]", "max_length": 1}, [{"a": 1}], [{"c": 1}, {"a": 1, "b": 2}]),
        ({"type": "dict[str, int]", "keys": {"pattern": "[a-z]+"}}, [{"ab": 1}], [{"A": 1}]),
        ({"type": "list[int]", "items": {"ge": 0}}, [[0, 5]], [[-1]]),
    ],
)
def test_each_type_and_rule(field: Any, good: list[Any], bad: list[Any]) -> None:
    """A value of the field's JSON form keeping its rules passes; any other fails."""
    validator = jsonschema.Draft202012Validator(schema_of(field))
    for value in good:
        assert validator.is_valid({"version": "2.1.0", "f": value}), value
    for value in bad:
        assert not validator.is_valid({"version": "2.1.0", "f": value}), value


def test_the_first_version_may_leave_out_the_version() -> None:
    """The library reads a file without "version" as the first released version."""
    schema = schema_of({"type": "int"})
    assert schema["required"] == ["f"]
    assert jsonschema.Draft202012Validator(schema).is_valid({"f": 1})


def test_what_json_schema_cannot_say_is_left_to_the_library() -> None:
    """A bound on a decimal (but zero) or a date compares text in JSON Schema: not written."""
    decimal = property_of({"type": "decimal", "ge": "0.5"})
    assert "minimum" not in json.dumps(decimal) and "allOf" not in decimal
    assert set(property_of({"type": "date", "ge": "2024-01-01"})) == {"type", "format", "pattern"}


@pytest.mark.parametrize(
    ("rule", "good", "bad"),
    [
        ({"ge": "0"}, ["0", "-0", "-0.00E+3", "0.5", "7E+2"], ["-1", "-0.001", "-1E-9"]),
        ({"gt": "0.00"}, ["0.001", "1E-9", "5"], ["0", "-0", "0E+3", "-2"]),
        ({"le": 0}, ["0", "-0.0", "-3"], ["0.1", "2E+1"]),
        ({"lt": "-0"}, ["-0.1", "-1E+9"], ["0", "-0", "-0.000", "1"]),
        ({"ge": "0", "le": "0"}, ["0", "-0.0"], ["1", "-1"]),
    ],
)
def test_a_decimal_bound_of_zero_is_a_sign(rule: Any, good: list[str], bad: list[str]) -> None:
    """`ge: 0` and its kin on a decimal are said by patterns on the sign of its text."""
    validator = jsonschema.Draft202012Validator(schema_of({"type": "decimal", **rule}))
    for value in good:
        assert validator.is_valid({"version": "2.1.0", "f": value}), value
    for value in bad:
        assert not validator.is_valid({"version": "2.1.0", "f": value}), value


def test_every_pattern_ends_at_the_end_of_the_text() -> None:
    """No exported pattern ends in `$`, which Python's `re` also matches before a final
    newline; each ends where ECMA 262 and `re` both see the end of the input."""
    fields = {
        "a": {"type": "str", "pattern": "[a-z]+$"},
        "b": "dict[int, date]",
        "c": "dict[date, uuid]",
        "d": "tuple[decimal, bytes, timedelta, time, datetime]",
    }
    schema = json_schema(parse_spec(json.dumps({**HEAD, "fields": fields})))
    patterns = [value for key, value in _pairs(schema) if key == "pattern"]
    assert len(patterns) >= 9
    assert all(pattern.endswith("(?![\\s\\S])") for pattern in patterns), patterns
    validator = jsonschema.Draft202012Validator(schema)
    tuple_ = ["1", "", "PT0S", "07:00:00", "2024-01-01T00:00:00Z"]
    file = {"version": "2.1.0", "a": "ab", "b": {"7": "2024-01-01"}, "c": {}, "d": tuple_}
    assert validator.is_valid(file)  # and a final newline anywhere fails:
    assert not validator.is_valid({**file, "a": "ab\n"})
    assert not validator.is_valid({**file, "b": {"7\n": "2024-01-01"}})
    assert not validator.is_valid({**file, "b": {"7": "2024-01-01\n"}})
    for at, value in enumerate(tuple_):
        assert not validator.is_valid(
            {**file, "d": [*tuple_[:at], value + "\n", *tuple_[at + 1 :]]}
        )


def _pairs(node: Any) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in [(key, value), *_pairs(value)]]
    if isinstance(node, list):
        return [pair for item in node for pair in _pairs(item)]
    return []


def test_docs_and_defaults_are_annotations() -> None:
    """A field's doc becomes its description and its default the schema's default."""
    found = property_of({"type": "decimal", "default": "10.50", "doc": "Money."})
    assert found["description"] == "Money." and found["default"] == "10.50"
