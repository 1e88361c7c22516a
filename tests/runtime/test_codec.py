"""The codec: every supported type converts both ways, and every wrong value is named."""

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import pytest
from _samples import sample_instance
from batch_state._runtime.codec.codec import decode, encode
from batch_state.errors import StateError, StateValidationError


class Color(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(kw_only=True)
class Inner:
    width: int = 1


@dataclass(kw_only=True)
class Every:
    """One field of each supported kind, including containers of records and optionals."""

    text: str
    number: int = 0
    ratio: float = 0.5
    flag: bool = False
    when: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    day: date = date(2024, 1, 1)
    color: Color = Color.RED
    inner: Inner = field(default_factory=Inner)
    names: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    maybe: str | None = None
    maybe_inner: Inner | None = None
    inners: list[Inner] = field(default_factory=list)
    by_name: dict[str, Inner] = field(default_factory=dict)
    colors: list[Color] = field(default_factory=list)
    days: list[date | None] = field(default_factory=list)
    switches: list[bool] = field(default_factory=list)


def _data(**changes: Any) -> dict[str, Any]:
    return {"text": "t", **changes}


class TestRoundTrip:
    @pytest.mark.parametrize("variant", [0, 1])
    def test_every_type_survives_json(self, variant: int) -> None:
        """encode → JSON text → decode gives back an equal object, for each variant."""
        original = sample_instance(Every, variant)
        data = json.loads(json.dumps(encode(original)))
        assert decode(Every, data) == original

    def test_encoded_values_are_plain_json(self) -> None:
        """Dates become ISO strings, enums their values, records nested objects."""
        data = encode(
            Every(text="t", when=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), color=Color.BLUE)
        )
        assert data["when"] == "2024-05-06T07:08:09+00:00"
        assert data["day"] == "2024-01-01"
        assert data["color"] == "blue" and type(data["color"]) is str
        assert data["inner"] == {"width": 1}

    def test_int_is_accepted_for_float_and_becomes_float(self) -> None:
        """A float field reads 3 as 3.0 (JSON writers often drop the '.0')."""
        value = decode(Every, _data(ratio=3)).ratio
        assert value == 3.0 and type(value) is float

    def test_missing_optional_fields_take_their_defaults(self) -> None:
        """Only required fields must be present; the rest come from the defaults."""
        assert decode(Every, {"text": "t"}) == Every(text="t")

    def test_decoded_containers_are_copies(self) -> None:
        """Changing the input afterwards does not change the decoded object."""
        data = _data(names=["a"], counts={"a": 1})
        state = decode(Every, data)
        data["names"].append("b")
        data["counts"]["b"] = 2
        assert state.names == ["a"] and state.counts == {"a": 1}


DECODE_ERRORS = [
    (_data(number=True), "number", "boolean"),
    (_data(number=1.0), "number", "integer"),
    (_data(number="1"), "number", "integer"),
    (_data(ratio=True), "ratio", "number"),
    (_data(ratio="0.5"), "ratio", "number"),
    (_data(ratio=math.nan), "ratio", "finite"),
    (_data(flag=1), "flag", "boolean"),
    (_data(text=None), "text", "string"),
    (_data(when="yesterday"), "when", "ISO 8601"),
    (_data(day="2024-01-01T00:00:00"), "day", "ISO 8601"),
    (_data(color="green"), "color", '"red", "blue"'),
    (_data(inner={"width": "1"}), "inner.width", "integer"),
    (_data(inner={"width": 1, "height": 2}), "inner.height", "unknown field"),
    (_data(inner=[]), "inner", "object"),
    (_data(names="abc"), "names", "array"),
    (_data(names=["a", "b", 3]), "names[2]", "string"),
    (_data(counts={"a": 1, "b c": "2"}), 'counts["b c"]', "integer"),
    (_data(inners=[{"width": 1}, {"width": None}]), "inners[1].width", "integer"),
    (_data(by_name={"k": {"nope": 1}}), 'by_name["k"].nope', "unknown field"),
    (_data(colors=["red", "pink"]), "colors[1]", "expected one of"),
    (_data(days=[None, "x"]), "days[1]", "ISO 8601"),
    (_data(switches=[True, False, 0]), "switches[2]", "boolean"),
    (_data(extra=1), "extra", "unknown field"),
    ({}, "text", "required field is missing"),
]


class TestDecodeRejects:
    @pytest.mark.parametrize(("data", "path", "words"), DECODE_ERRORS)
    def test_wrong_value_names_its_field(self, data: dict[str, Any], path: str, words: str) -> None:
        """Each wrong value raises StateValidationError whose `field` is the value's path."""
        with pytest.raises(StateValidationError) as caught:
            decode(Every, data)
        assert caught.value.field == path
        assert str(caught.value).startswith(f"{path}: ")
        assert words in str(caught.value)

    def test_validation_error_is_a_value_error_and_a_state_error(self) -> None:
        """Callers can catch it as ValueError or as the library's StateError."""
        with pytest.raises(ValueError) as caught:
            decode(Every, {})
        assert isinstance(caught.value, StateError)

    def test_unsupported_annotation_is_a_type_error(self) -> None:
        """A field type the codec cannot check fails loudly, not silently unchecked."""

        @dataclass
        class Odd:
            values: frozenset[str]

        with pytest.raises(TypeError, match="unsupported field type"):
            decode(Odd, {"values": []})


ENCODE_ERRORS = [
    ("number", True, "number"),
    ("number", 1.5, "number"),
    ("ratio", "x", "ratio"),
    ("ratio", math.inf, "ratio"),
    ("day", datetime(2024, 1, 1), "day"),
    ("when", date(2024, 1, 1), "when"),
    ("color", "red", "color"),
    ("inner", None, "inner"),
    ("names", ["a", 1], "names[1]"),
    ("names", ("a",), "names"),
    ("counts", {1: 2}, "counts"),
    ("by_name", {"k": Every(text="wrong record")}, 'by_name["k"]'),
]


class TestEncodeRejects:
    @pytest.mark.parametrize(("name", "value", "path"), ENCODE_ERRORS)
    def test_wrong_value_in_the_object_is_caught_before_writing(
        self, name: str, value: Any, path: str
    ) -> None:
        """A wrong type put into the dataclass fails in encode, naming the field."""
        state = Every(text="t")
        setattr(state, name, value)
        with pytest.raises(StateValidationError) as caught:
            encode(state)
        assert caught.value.field == path

    def test_encoded_containers_are_copies(self) -> None:
        """Changing the encoded data does not change the object."""
        state = Every(text="t", names=["a"])
        encode(state)["names"].append("b")
        assert state.names == ["a"]
