"""The newer types and rules in a spec: their defaults stored in one canonical form, their
rules recorded and read back, and samples that keep every rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from stategen.answers import from_answers, to_answers
from stategen.schema import Sampler
from stategen.spec import load_spec, parse_spec

TYPES = {
    "Status": {"enum": ["pending", "done", "failed"]},
    "Step": {"fields": {"name": "str", "wait": {"type": "timedelta", "default": "PT0S"}}},
}


def schema_of(fields: dict[str, Any]) -> Any:
    return parse_spec(
        json.dumps({"name": "n", "version": "1.0.0", "types": TYPES, "fields": fields})
    )


def stored(annotation: str, value: Any, **rules: Any) -> Any:
    """The stored default of a field `a` of `annotation` with `default: value`."""
    default = schema_of({"a": {"type": annotation, "default": value, **rules}}).fields[0].default
    return default.stored()


class TestCanonicalDefaults:
    @pytest.mark.parametrize(
        ("annotation", "written", "kept"),
        [
            ("timedelta", "PT90M", "PT1H30M"),
            ("timedelta", "P0D", "PT0S"),
            ("timedelta", "-PT0.500S", "-PT0.5S"),
            ("decimal", "10.50", "10.50"),
            ("decimal", "1e3", "1E+3"),
            ("decimal", 7, "7"),
            (
                "uuid",
                "12345678-9ABC-DEF0-1234-56789ABCDEF0",
                "12345678-9abc-def0-1234-56789abcdef0",
            ),
            ("datetime", "2024-01-01T00:00Z", "2024-01-01T00:00:00+00:00"),
            ("datetime", "2024-01-01T05:30:00+05:30", "2024-01-01T05:30:00+05:30"),
            ("date", "2024-02-29", "2024-02-29"),
            ("time | None", "07:30", "07:30:00"),
            ("bytes", "aGk=", "aGk="),
            ("json", {"a": [1, None]}, {"a": [1, None]}),
            ("json", None, None),
            ('Literal["fast", "safe"]', "safe", "safe"),
        ],
    )
    def test_one_spelling(self, annotation: str, written: Any, kept: Any) -> None:
        """A default is stored in the form the generated library writes, whatever was written."""
        assert stored(annotation, written) == kept

    def test_sets_are_stored_in_the_saved_order(self) -> None:
        """Set defaults are sorted as a save sorts them: enums in declared order, text by code
        point, numbers by value."""
        assert stored("set[Status]", ["failed", "pending"]) == ["pending", "failed"]
        assert stored("set[str]", ["b", "B", "a"]) == ["B", "a", "b"]
        assert stored("set[int]", [10, -1, 2]) == [-1, 2, 10]
        assert stored('set[Literal["z", "a"]]', ["a", "z"]) == ["z", "a"]

    def test_dict_keys_of_numbers(self) -> None:
        """A number key (as YAML reads `{7: x}`) is stored as its text."""
        assert stored("dict[int, str]", {7: "x", "-1": "y"}) == {"7": "x", "-1": "y"}

    def test_records_in_lists(self) -> None:
        """A record value keeps the fields it names, each in its own stored form."""
        assert stored("list[Step]", [{"name": "warmup", "wait": "PT60S"}, {"name": "run"}]) == [
            {"name": "warmup", "wait": "PT1M"},
            {"name": "run"},
        ]


class TestRecorded:
    def test_the_everything_example_round_trips_through_its_answers(self) -> None:
        """Types, rules and defaults read back from the answers as the same schema."""
        schema = load_spec(EXAMPLES / "everything.yml")
        answers = json.loads(json.dumps(to_answers(schema)))
        assert from_answers(answers) == schema

    def test_rules_are_recorded_as_the_spec_writes_them(self) -> None:
        """Only a field with rules records `constraints`, in the spec's own keys."""
        schema = schema_of(
            {
                "a": {"type": "int", "ge": 0},
                "b": {"type": "dict[str, list[int]]", "values": {"items": {"lt": 5}}},
                "c": {"type": "tuple[int, str] | None", "items": [None, {"max_length": 2}]},
                "d": "int",
            }
        )
        fields = {f["name"]: f for f in to_answers(schema)["schema"]["fields"]}
        assert fields["a"]["constraints"] == {"ge": 0}
        assert fields["b"]["constraints"] == {"values": {"items": {"lt": 5}}}
        assert fields["c"]["constraints"] == {"items": [None, {"max_length": 2}]}
        assert "constraints" not in fields["d"]


RULED = st.one_of(
    st.builds(
        lambda low, span, closed: {
            "type": "int",
            "ge" if closed else "gt": low,
            "le": low + span + 1,
        },
        st.integers(-(10**20), 10**20),
        st.integers(0, 10**6),
        st.booleans(),
    ),
    st.builds(
        lambda low, high: {"type": "float", "gt": min(low, high), "lt": max(low, high)},
        st.floats(-1e300, 1e300),
        st.floats(-1e300, 1e300),
    ).filter(lambda f: f["gt"] < f["lt"]),
    st.builds(
        lambda least, extra: {"type": "str", "min_length": least, "max_length": least + extra},
        st.integers(0, 50),
        st.integers(0, 5),
    ),
    st.builds(
        lambda least: {"type": "set[int]", "min_length": least, "items": {"ge": 0, "le": 40}},
        st.integers(0, 30),
    ),
    st.builds(
        lambda least: {"type": "dict[Status, str]", "min_length": least},
        st.integers(0, 3),
    ),
    st.builds(
        lambda low: {"type": "timedelta | None", "gt": f"PT{low}S", "lt": f"PT{low + 2}S"},
        st.integers(0, 10**6),
    ),
    st.builds(
        lambda pattern, least: {
            "type": "list[str]",
            "min_length": least,
            "items": {"pattern": pattern},
        },
        st.sampled_from(["[a-z]+", "(ab|c)d?", "[0-9]{3}-[A-Z]{2}", "x*y"]),
        st.integers(0, 4),
    ),
)


@settings(max_examples=60, deadline=None)
@given(RULED)
def test_samples_keep_every_rule(field: dict[str, Any]) -> None:
    """Each sample style builds a value that keeps the field's rules (the tests use them)."""
    schema = schema_of({"a": field})
    item = schema.fields[0]
    for style in ("fixture", "full", "empty"):
        value = item.type.sample("a", Sampler(schema, style))
        assert item.type.accepts(value, schema), (style, value)
