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
    schema = schema_of({"type": "int"})
    validator = jsonschema.Draft202012Validator(schema)
    assert schema["required"] == ["version", "f"]
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


def test_what_json_schema_cannot_say_is_left_to_the_library() -> None:
    """A bound on a decimal or a date compares text in JSON Schema: it is not written."""
    assert "minimum" not in json.dumps(property_of({"type": "decimal", "ge": "0.5"}))
    assert property_of({"type": "date", "ge": "2024-01-01"}) == {
        "type": "string",
        "format": "date",
    }


def test_docs_and_defaults_are_annotations() -> None:
    """A field's doc becomes its description and its default the schema's default."""
    found = property_of({"type": "decimal", "default": "10.50", "doc": "Money."})
    assert found["description"] == "Money." and found["default"] == "10.50"
