"""The exported JSON Schema and the generated library give the same verdict on the same value.

Each value goes through the library's codec (the runtime every generated project copies) and
through a real JSON Schema validator that checks formats; the two must agree, value by value,
except where docs/spec-reference.md ("JSON Schema") says the library is stricter.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import make_dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stategen._runtime.codec import decode
from stategen._runtime.codec.constraints import Constraints
from stategen._runtime.errors import StateError
from stategen._runtime.store import StateStore
from stategen.json_schema import json_schema
from stategen.spec import parse_spec

VERSION = "1.0.0"
VALIDATOR = jsonschema.Draft202012Validator
FORMATS = VALIDATOR.FORMAT_CHECKER

#: Each kind of field: its spec, and the type hint the generated model gives it.
KINDS: dict[str, tuple[Any, Any]] = {
    "date": ("date", date),
    "datetime": ("datetime", datetime),
    "time": ("time", time),
    "datetimes": ("list[datetime]", list[datetime]),  # the codec's whole-list fast path
    "pattern": (
        {"type": "str", "pattern": "[a-z]+"},
        Annotated[str, Constraints(pattern="[a-z]+")],
    ),
    "anchored": ({"type": "str", "pattern": "^a|b$"}, Annotated[str, Constraints(pattern="^a|b$")]),
    "ge0": ({"type": "decimal", "ge": "0"}, Annotated[Decimal, Constraints(ge="0")]),
    "gt0": ({"type": "decimal", "gt": "0.00"}, Annotated[Decimal, Constraints(gt="0.00")]),
    "le0": ({"type": "decimal", "le": 0}, Annotated[Decimal, Constraints(le=0)]),
    "lt0": ({"type": "decimal", "lt": "-0"}, Annotated[Decimal, Constraints(lt="-0")]),
    "int": ("int", int),
}


def library_reads(kind: str, value: Any) -> bool:
    """Whether the library loads `value` as the field of that kind."""
    model = make_dataclass("Model", [("f", KINDS[kind][1])])
    try:
        decode(model, {"f": value})
    except StateError:
        return False
    return True


_VALIDATORS: dict[str, jsonschema.protocols.Validator] = {}


def schema_reads(kind: str, value: Any) -> bool:
    """Whether the JSON Schema, formats checked, accepts a file holding `value` in that field."""
    if kind not in _VALIDATORS:
        spec = {"name": "x", "version": VERSION, "fields": {"f": KINDS[kind][0]}}
        _VALIDATORS[kind] = VALIDATOR(
            json_schema(parse_spec(json.dumps(spec))), format_checker=FORMATS
        )
    return bool(_VALIDATORS[kind].is_valid({"version": VERSION, "f": value}))


def assert_agree(kind: str, value: Any) -> None:
    library, schema = library_reads(kind, value), schema_reads(kind, value)
    assert library == schema, f"{kind} {value!r}: library {library}, schema {schema}"


#: Hand-picked values for each kind: the forms either side used to read alone, and edges.
CASES: dict[str, list[Any]] = {
    "date": [
        "2025-03-01",
        "20250301",
        "2025-W09-6",
        "2025-060",
        "2024-02-29",
        "2025-02-29",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "2025-3-1",
        " 2025-03-01",
        "2025-03-01\n",
        "\uff12\uff10\uff12\uff15-03-01",
        "2025-13-01",
        "2025-03-01T00:00:00+00:00",
        20250301,
        None,
    ],
    "datetime": [
        "2025-03-01T10:00:00+00:00",
        "2025-03-01T10:00:00Z",
        "2025-03-01T10:00:00.5-05:30",
        "2025-03-01T10:00:00.123456789+14:00",
        "2025-03-01 10:00:00+00:00",
        "2025-03-01t10:00:00+00:00",
        "2025-03-01T10:00:00z",
        "2025-03-01T10:00+00:00",
        "2025-03-01T10+00:00",
        "2025-03-01T100000+00:00",
        "2025-03-01T10:00:00+0000",
        "2025-03-01T10:00:00+00",
        "2025-03-01T10:00:00,5+00:00",
        "2025-03-01T10:00:00.+00:00",
        "2025-03-01T10:00:00+00:60",
        "2025-03-01T10:00:00+24:00",
        "2025-03-01T23:59:60Z",
        "2025-03-01T24:00:00Z",
        "2025-02-30T10:00:00Z",
        "20250301T100000Z",
        "2025-W09-6T10:00:00+00:00",
        "2025-03-01T10:00:00",
        "2025-03-01T10:00:00Z\n",
        "2025-03-01",
        "0000-03-01T10:00:00Z",
    ],
    "time": [
        "07:30:00",
        "07:30",
        "07",
        "07:30:00.5",
        "07:30:00,5",
        "07:30:00.1234567",
        "07:30:00Z",
        "07:30:00+05:30",
        "07:30:00-05:30:15",
        "07:30:00+05:30:15.123456",
        "25:00:00",
        "24:00:00",
        "23:60:00",
        "23:59:60",
        "0730",
        "073000",
        "7:30",
        "07:30:00+0530",
        "07:30:00+24:00",
        "07:30:00+00:60",
        "07:30:00z",
        "07Z",
        "07+05:00",
        "07:30-01:00",
        "07+05:30:15",
        "07:30:00\n",
        "",
        730,
    ],
    "pattern": ["ab", "ab\n", "\nab", "a\nb", "", "AB", "ab "],
    "anchored": ["a", "b", "a\n", "b\n", "ab", "\nb"],
    "ge0": ["0", "-0", "0.00", "-0.00", "-0E+5", "1", "-1", "-0.001", "0E-7", "1E+3", "-1E-3"],
    "gt0": ["0", "-0", "0.00", "1", "-1", "0.001", "-0.001", "0E+3", "1E-9", "-1E+9"],
    "le0": ["0", "-0", "0.00", "1", "-1", "0.001", "-0.001", "0E+3", "-1E+9", "10"],
    "lt0": ["0", "-0", "0.00", "1", "-1", "0.001", "-0.001", "-0E+3", "-1E-9", "-10"],
    "int": [0, -7, 2**62, 1.5, "3", True, None],
}


@pytest.mark.parametrize(
    ("kind", "value"), [(kind, value) for kind, values in CASES.items() for value in values]
)
def test_the_same_verdict(kind: str, value: Any) -> None:
    """The library loads the value exactly when the JSON Schema accepts it."""
    assert_agree(kind, value)


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("datetimes", ["2025-03-01T10:00:00+00:00"] * 3),
        ("datetimes", ["2025-03-01T10:00:00.000001+00:00", "2025-03-01T10:00:00.999999-01:00"]),
        ("datetimes", ["2025-03-01T10:00:00Z", "2025-03-01T10:00:00.250Z"]),
        ("datetimes", ["2025-03-01T10:00:00+00:00", "2025-03-01 10:00:00+00:00"]),
        ("datetimes", ["2025-03-01 10:00:00+00:00"] * 2),
        ("datetimes", ["2025-03-01T10:00:00+00:60"] * 2),
        ("datetimes", ["2025-03-01T10:00:00.+00:00"] * 2),
        ("datetimes", ["2025-03-01T10:00:00+0000", "2025-03-01T10:00:00+0100"]),
        ("datetimes", ["2025-03-01T10:00:00,5+00:00"] * 2),
        ("datetimes", ["2025-03-01T10:00:00.5Z", "2025-03-01T10:00:00+05:30"]),
    ],
)
def test_a_whole_list_the_same_as_its_values(kind: str, values: list[str]) -> None:
    """The codec's fast path for a list of datetimes gives the schema's verdict too."""
    assert_agree(kind, values)


#: Characters near-miss dates and times are made of.
_NEAR = st.text(alphabet="0123456789-:T Z+.,\n", min_size=2, max_size=28)
_OFFSETS = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23))
_ZONES = _OFFSETS.map(lambda offset: timezone(timedelta(minutes=offset // timedelta(minutes=1))))


@settings(max_examples=300, deadline=None)
@given(st.dates().map(date.isoformat) | _NEAR)
def test_dates(text: str) -> None:
    assert_agree("date", text)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(timezones=_ZONES).map(datetime.isoformat) | _NEAR)
def test_datetimes(text: str) -> None:
    assert_agree("datetime", text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat) | _NEAR, max_size=4))
def test_lists_of_datetimes(texts: list[str]) -> None:
    assert_agree("datetimes", texts)


@settings(max_examples=300, deadline=None)
@given(st.times(timezones=st.none() | _ZONES).map(time.isoformat) | _NEAR)
def test_times(text: str) -> None:
    assert_agree("time", text)


@settings(max_examples=300, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False).map(str) | _NEAR)
def test_decimal_signs(text: str) -> None:
    for kind in ("ge0", "gt0", "le0", "lt0"):
        assert_agree(kind, text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abAB\n ", max_size=4))
def test_patterns(text: str) -> None:
    for kind in ("pattern", "anchored"):
        assert_agree(kind, text)


def _patterns(node: Any) -> list[str]:
    """Every `pattern` in a schema, however deep."""
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [found for value in node.values() for found in _patterns(value)]
    if isinstance(node, list):
        return [found for item in node for found in _patterns(item)]
    return []


@pytest.mark.skipif(shutil.which("node") is None, reason="node (an ECMA 262 engine) missing")
def test_an_ecma_engine_reads_the_patterns_as_python_does() -> None:
    """Node's RegExp in Unicode mode (as ajv uses it) matches each hand-picked text exactly
    where Python's `re.search` (as Python's jsonschema uses it) does."""
    cases = []
    for kind, values in CASES.items():
        spec = {"name": "x", "version": VERSION, "fields": {"f": KINDS[kind][0]}}
        for pattern in _patterns(json_schema(parse_spec(json.dumps(spec)))["properties"]["f"]):
            texts = [value for value in values if isinstance(value, str)]
            cases += [(pattern, text, re.search(pattern, text) is not None) for text in texts]
    assert len(cases) > 150
    script = (
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const wrong = cases.filter(([p, s, want]) => new RegExp(p, 'u').test(s) !== want);"
        "console.log(JSON.stringify(wrong));"
    )
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


class TestDocumentedExceptions:
    """Where the library is stricter than JSON Schema can be (docs/spec-reference.md)."""

    def test_an_integer_written_with_a_fraction(self) -> None:
        """JSON Schema's data model holds 3.0 as the integer 3; the library refuses a float."""
        assert schema_reads("int", 3.0) and not library_reads("int", 3.0)

    def test_a_decimal_bound_other_than_zero(self) -> None:
        """`ge: 0.5` compares numbers, which JSON Schema cannot do on text."""
        spec = {"name": "x", "version": VERSION, "fields": {"f": {"type": "decimal", "ge": "0.5"}}}
        validator = VALIDATOR(json_schema(parse_spec(json.dumps(spec))))
        assert validator.is_valid({"version": VERSION, "f": "0.1"})
        model = make_dataclass("Model", [("f", Annotated[Decimal, Constraints(ge="0.5")])])
        with pytest.raises(StateError, match=r"must be >= 0\.5"):
            decode(model, {"f": "0.1"})

    def test_an_offset_with_seconds_as_the_library_writes_it(self) -> None:
        """isoformat() writes a zone of a historical local mean time with seconds, which
        RFC 3339 has no form for: the library reads its own files back, the schema refuses."""
        moment = datetime(1900, 1, 1, tzinfo=timezone(timedelta(minutes=19, seconds=32)))
        text = moment.isoformat()
        assert text.endswith("+00:19:32")
        assert library_reads("datetime", text) and not schema_reads("datetime", text)


class TestTheVersionKey:
    """A file without "version" is read as the first released version, by both."""

    def test_the_first_version_lets_it_out(self, tmp_path: Path) -> None:
        model = make_dataclass("Model", [("f", int)])
        path = tmp_path / "state.json"
        path.write_text('{"f": 1}', encoding="utf-8")
        assert StateStore(path, model, schema_version=VERSION).load() == model(f=1)
        spec = {"name": "x", "version": VERSION, "fields": {"f": "int"}}
        assert VALIDATOR(json_schema(parse_spec(json.dumps(spec)))).is_valid({"f": 1})

    def test_a_later_version_requires_it(self) -> None:
        """Such a file is a first-version file: a later version's schema refuses it."""
        spec = {"name": "x", "version": "1.1.0", "fields": {"f": "int"}}
        schema = parse_spec(json.dumps(spec)).with_history(["1.0.0", "1.1.0"])
        validator = VALIDATOR(json_schema(schema))
        assert not validator.is_valid({"f": 1})
        assert validator.is_valid({"version": "1.1.0", "f": 1})


def test_the_format_checks_are_installed() -> None:
    """Positive control: the validator checks "date-time" (it needs rfc3339-validator) and
    "date"; without them every format passes and the tests above would prove less."""
    for form, wrong in (("date-time", "2025-02-30T00:00:00Z"), ("date", "2025-02-30")):
        assert not VALIDATOR({"format": form}, format_checker=FORMATS).is_valid(wrong), form


def test_the_agreement_check_can_fail() -> None:
    """Positive control: a verdict the two do not share is caught (the library's `int`
    refuses 3.0, which JSON Schema takes for an integer)."""
    with pytest.raises(AssertionError, match="library False, schema True"):
        assert_agree("int", 3.0)
