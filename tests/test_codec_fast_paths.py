"""The generated codec's whole-list fast paths agree with its one-value-at-a-time checks.

A load converts a long list (or the keys and values of a long dict, or a column of many
records) through `many`/`bulk` at C speed, and falls back to converting each value when
they refuse. So the fast path must never accept a value that the value's own decoder
refuses, nor give back a different value: these properties run both on random lists of
valid values with at most one wrong value among them, for every type that has a fast path.
"""

import importlib
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from types import ModuleType
from typing import Annotated, Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@dataclass(frozen=True)
class Generated:
    """The modules of a generated package that the tests drive."""

    codec: ModuleType
    containers: ModuleType
    conversion: ModuleType


@pytest.fixture(scope="module")
def generated(batch_package: ModuleType) -> Generated:
    return Generated(
        *(
            importlib.import_module(f"{batch_package.__name__}.{name}")
            for name in (
                "_runtime.codec.codec",
                "_runtime.codec.containers",
                "_runtime.codec.conversion",
            )
        )
    )


class Color(StrEnum):
    RED = "red"
    BLUE = "blue"


# Text that has fooled parsers: other spellings of valid values, whitespace, and newlines
# (the fast paths of text types match one regular expression over the values joined by "\n").
TRICKY = st.sampled_from(
    ["", " ", "\n", "0", "-0", "+1", "07", "1_0", " 7", "7\n", "\n7", "٣", "1e999999999",
     "NaN", "Infinity", ".5", "1.", "2024-02-30", "20240101", "2024-01-01T00:00:00",
     "2024-01-01T00:00:00Z", "RED", "red\n", "00000000-0000-0000-0000-00000000000G",
     "00000000000000000000000000000000"]
)  # fmt: skip
NOT_TEXT = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.just([]))
ANY_TEXT = st.text(alphabet=string.printable + "٣é", max_size=40)


def _wrong_text(valid: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A value near `valid` ones that may or may not be valid: the decoder is the judge."""
    glued = st.tuples(valid, st.sampled_from(["\n", " ", "x", "\n0"]), valid).map("".join)
    return st.one_of(
        TRICKY, NOT_TEXT, ANY_TEXT, glued, valid.map(str.upper), valid.map(" {}".format)
    )


def _times() -> st.SearchStrategy[str]:
    zones = st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
    )
    return st.datetimes(timezones=st.none() | zones).map(datetime.isoformat)


VALID: dict[str, st.SearchStrategy[Any]] = {
    "uuid": st.uuids().map(str),
    "decimal": st.decimals(allow_nan=False, allow_infinity=False).map(str),
    "datetime": _times(),
    "enum": st.sampled_from([member.value for member in Color]),
    "int key": st.integers().map(str),
    "int": st.integers(min_value=-(10**30), max_value=10**30),
    "float": st.floats(allow_nan=False, allow_infinity=False),
}
WRONG: dict[str, st.SearchStrategy[Any]] = {
    **{
        kind: _wrong_text(VALID[kind])
        for kind in ("uuid", "decimal", "datetime", "enum", "int key")
    },
    "int": st.one_of(
        st.booleans(), st.floats(), st.integers().map(str), st.just(10**4300), st.none()
    ),
    "float": st.one_of(
        st.booleans(), st.floats(), st.just(10**400), st.text(max_size=3), st.none()
    ),
}


def _annotations(constraints: Callable[..., Any]) -> dict[str, list[Any]]:
    """The annotation of each type as a list item (or a dict key, for "int key"), plain and
    under bounds that some valid values break."""
    return {
        "uuid": [UUID],
        "decimal": [Decimal, Annotated[Decimal, constraints(ge="0", lt="1000")]],
        "datetime": [
            datetime,
            datetime | None,
            Annotated[datetime, constraints(ge="2000-01-01T00:00:00+00:00")],
        ],
        "enum": [Color],
        "int key": [int, Annotated[int, constraints(gt=-5, le=10**20)]],
        "int": [int, Annotated[int, constraints(ge=0, le=10**20)]],
        "float": [float, Annotated[float, constraints(gt=-1.5, lt=1e300)]],
    }


# (kind, index into its annotations): the cases, named before the package is generated.
CASES = [("uuid", 0), ("decimal", 0), ("decimal", 1), ("datetime", 0), ("datetime", 1)]
CASES += [("datetime", 2), ("enum", 0), ("int key", 0), ("int key", 1), ("int", 0), ("int", 1)]
CASES += [("float", 0), ("float", 1)]
CASE_IDS = [f"{kind}-{'plain' if index == 0 else index}" for kind, index in CASES]


def _converter(generated: Generated, kind: str, index: int) -> Any:
    annotation = _annotations(generated.codec.Constraints)[kind][index]
    if kind == "int key":
        return generated.codec._key(annotation)
    return generated.codec._converter(annotation)


def _same(fast: Any, slow: Any) -> bool:
    """The same value of the same type, down to its spelling (Decimal digits, UTC offsets)."""
    return type(fast) is type(slow) and fast == slow and repr(fast) == repr(slow)


def _one_by_one(converter: Any, invalid: type[Exception], values: list[Any]) -> list[Any] | None:
    """Each value through the converter's own decoder; None if it refuses any."""
    try:
        return [
            value if type(value) is converter.exact else converter.decode(value) for value in values
        ]
    except invalid:
        return None


def agree(generated: Generated, converter: Any, values: list[Any]) -> bool:
    """Whether the fast paths of `converter` accept `values` (bool, for the controls); raises
    AssertionError if a fast path accepts what the one-by-one decoder refuses, or differs."""
    invalid = generated.conversion.Invalid
    slow = _one_by_one(converter, invalid, values)
    taken = False
    if converter.many is not None:
        try:
            fast = converter.many(list(values))
        except invalid:
            pass
        else:
            taken = True
            assert slow is not None, f"many() accepted what the decoder refuses: {values!r}"
            assert all(map(_same, fast, slow)) and len(fast) == len(slow), (fast, slow)
    if converter.bulk is not None and converter.bulk(values):
        taken = True
        assert slow is not None, f"bulk() accepted what the decoder refuses: {values!r}"
        assert all(map(_same, values, slow)), (values, slow)
    # And through the containers, which pick the path by the list's length.
    listed = generated.containers.list_of(converter)
    try:
        whole = listed.decode(list(values))
    except invalid as error:
        assert slow is None, f"the list was refused but each value is fine: {error.reason}"
        assert error.parts and error.parts[-1].startswith("["), "the error names the index"
    else:
        assert slow is not None and all(map(_same, whole, slow)), (values, whole, slow)
    return taken


def agree_as_keys(generated: Generated, key: Any, texts: list[str]) -> None:
    """The same for the keys of an object: taken whole, or each named when one is wrong."""
    invalid = generated.conversion.Invalid
    texts = list(dict.fromkeys(texts))  # an object's keys are distinct
    slow = _one_by_one(key, invalid, texts)
    text = generated.codec._converter(str)
    try:
        whole = generated.containers.dict_of(key, text).decode(dict.fromkeys(texts, "x"))
    except invalid as error:
        assert slow is None, f"the object was refused but each key is fine: {error.reason}"
    else:
        assert slow is not None and all(map(_same, whole, slow)), (texts, whole, slow)


def _lists(kind: str) -> st.SearchStrategy[list[Any]]:
    """Lists long enough for the fast paths: valid values, and sometimes one wrong value."""
    valid = st.lists(VALID[kind], min_size=16, max_size=40)
    spoiled = st.tuples(valid, st.integers(min_value=0), WRONG[kind]).map(
        lambda drawn: [*drawn[0][: drawn[1] % 40], drawn[2], *drawn[0][drawn[1] % 40 :]]
    )
    return st.one_of(valid, spoiled)


class TestFastPathsAgree:
    @pytest.mark.parametrize(("kind", "index"), CASES, ids=CASE_IDS)
    def test_a_fast_path_accepts_only_what_the_decoder_accepts(
        self, generated: Generated, kind: str, index: int
    ) -> None:
        """On random lists, a whole-list conversion gives what one-by-one would, or refuses."""
        converter = _converter(generated, kind, index)
        assert converter.many is not None or converter.bulk is not None, "no fast path to test"

        @settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(values=_lists(kind))
        def check(values: list[Any]) -> None:
            agree(generated, converter, values)

        check()

    @pytest.mark.parametrize(("kind", "index"), [("uuid", 0), ("int key", 0), ("int key", 1)])
    def test_a_dict_takes_only_keys_the_decoder_accepts(
        self, generated: Generated, kind: str, index: int
    ) -> None:
        """On random objects, keys converted whole are those converted one by one."""
        key = generated.codec._key(_annotations(generated.codec.Constraints)[kind][index])

        @settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(values=_lists(kind).map(lambda values: [v for v in values if type(v) is str]))
        def check(values: list[str]) -> None:
            agree_as_keys(generated, key, values)

        check()

    @pytest.mark.parametrize(("kind", "index"), CASES, ids=CASE_IDS)
    def test_positive_control_valid_lists_take_the_fast_path(
        self, generated: Generated, kind: str, index: int
    ) -> None:
        """The agreement above is not vacuous: lists of plain valid values go the fast way."""
        converter = _converter(generated, kind, index)
        samples = {
            "uuid": "12345678-9abc-4def-8123-456789abcdef",
            "decimal": "12.50",
            "datetime": "2024-06-01T12:00:00+02:00",
            "enum": "blue",
            "int key": "42",
            "int": 42,
            "float": 0.25,
        }
        assert agree(generated, converter, [samples[kind]] * 20)

    def test_positive_control_a_lax_fast_path_is_caught(self, generated: Generated) -> None:
        """A `many` that takes uppercase UUIDs, which the decoder refuses, fails the check."""
        strict = _converter(generated, "uuid", 0)
        lax = strict._replace(many=lambda values: [UUID(value) for value in values])
        upper = ["12345678-9ABC-4DEF-8123-456789ABCDEF"] * 20
        with pytest.raises(AssertionError, match="many\\(\\) accepted"):
            agree(generated, lax, upper)


RECORD_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "cost": st.one_of(VALID["decimal"], VALID["decimal"], WRONG["decimal"]),
    "when": st.one_of(st.none(), VALID["datetime"], VALID["datetime"], WRONG["datetime"]),
    "color": st.one_of(VALID["enum"], VALID["enum"], WRONG["enum"]),
    "count": st.one_of(st.integers(min_value=0, max_value=99), WRONG["int"]),
}


def _record_lists() -> st.SearchStrategy[list[Any]]:
    one = st.fixed_dictionaries(
        {
            "cost": VALID["decimal"],
            "when": st.none() | VALID["datetime"],
            "color": VALID["enum"],
            "count": st.integers(min_value=0, max_value=99),
        }
    )
    broken = st.one_of(
        st.fixed_dictionaries(RECORD_FIELDS),
        one.map(lambda record: {key: record[key] for key in list(record)[1:]}),  # a field missing
        one.map(lambda record: {**record, "extra": 1}),
        NOT_TEXT,
    )
    spoiled = st.tuples(st.lists(one, min_size=16, max_size=30), st.integers(0, 29), broken).map(
        lambda drawn: [*drawn[0][: drawn[1]], drawn[2], *drawn[0][drawn[1] :]]
    )
    return st.one_of(st.lists(one, min_size=16, max_size=30), spoiled)


@pytest.fixture(scope="module")
def row_type(generated: Generated) -> type:
    """A record with a constrained Decimal, an optional datetime, an enum and a bounded int."""
    constraints = generated.codec.Constraints

    @dataclass(kw_only=True)
    class Row:
        cost: Annotated[Decimal, constraints(ge="0")]
        when: datetime | None = None
        color: Color = Color.RED
        count: Annotated[int, constraints(ge=0, le=50)] = 0

    return Row


class TestRecordColumnsAgree:
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(values=_record_lists())
    def test_records_decoded_by_column_match_records_decoded_one_by_one(
        self, generated: Generated, row_type: type, values: list[Any]
    ) -> None:
        """A list of records converted column by column equals each record converted alone."""
        agree(generated, generated.codec._record(row_type), values)

    def test_positive_control_valid_records_take_the_fast_path(
        self, generated: Generated, row_type: type
    ) -> None:
        """Records holding every field, each valid, go column by column."""
        row = {"cost": "1.50", "when": None, "color": "red", "count": 3}
        assert agree(generated, generated.codec._record(row_type), [row] * 20)
