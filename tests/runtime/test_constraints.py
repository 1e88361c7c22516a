"""`Constraints`: every rule refuses a value outside it, and lets a value inside it through.

A value outside is refused on save, on load and in `validate()`, naming the field path and
the rule; the same field's value inside it passes."""

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple
from uuid import UUID

import pytest
from _rich import Rich, Run, Status, store_at, write_state
from batch_state._runtime.codec import codec as _codec
from batch_state._runtime.codec.codec import JSON, Constraints
from batch_state.errors import StateCorruptError, StateValidationError

RUN = UUID(int=3)


class Case(NamedTuple):
    """A value that breaks a rule, its JSON form in a file, and a value of the same field inside."""

    name: str
    bad: Any
    bad_json: Any
    good: Any
    path: str
    rule: str
    load_path: str | None = None  # where the load names it, if not at `path` (a set's index)


CASES = [
    Case("retries", -1, -1, 0, "retries", "must be >= 0, got -1"),
    Case("retries", 11, 11, 10, "retries", "must be <= 10, got 11"),
    Case("ratio", 0.0, 0.0, 1e-300, "ratio", "must be > 0.0, got 0.0"),
    Case("ratio", 1.0, 1.0, 0.999, "ratio", "must be < 1.0, got 1.0"),
    Case("price", Decimal("0.00"), "0.00", Decimal("0.01"), "price", "must be > 0, got 0.00"),
    Case("price", Decimal("99.991"), "99.991", Decimal("99.99"), "price", "must be <= 99.99"),
    Case(
        "started",
        date(2023, 12, 31),
        "2023-12-31",
        date(2024, 1, 1),
        "started",
        "must be >= 2024-01-01, got 2023-12-31",
    ),
    Case(
        "epoch",
        datetime(2100, 1, 1, tzinfo=UTC),
        "2100-01-01T00:00:00+00:00",
        datetime(2099, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        "epoch",
        "must be < 2100-01-01T00:00:00+00:00, got 2100-01-01T00:00:00+00:00",
    ),
    # The same instant written in another offset is just as far out.
    Case(
        "epoch",
        datetime(2100, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
        "2100-01-01T01:00:00+01:00",
        datetime(2100, 1, 1, 0, 59, tzinfo=timezone(timedelta(hours=1))),
        "epoch",
        "must be < 2100-01-01T00:00:00+00:00",
    ),
    Case(
        "wait", timedelta(), "PT0S", timedelta(microseconds=1), "wait", "must be > PT0S, got PT0S"
    ),
    Case(
        "wait",
        timedelta(days=1, microseconds=1),
        "P1DT0.000001S",
        timedelta(days=1),
        "wait",
        "must be <= P1D, got P1DT0.000001S",
    ),
    Case("name", "", "", "a", "name", "must have at least 1 character, got 0"),
    Case("name", "a" * 65, "a" * 65, "a" * 64, "name", "must have at most 64 characters, got 65"),
    Case("name", "Bad", "Bad", "ok-1", "name", "must match the pattern '^[a-z0-9-]+$'"),
    Case("name", "ok\n", "ok\n", "ok", "name", "must match the pattern"),  # $ before a newline
    # fullmatch: a pattern without ^ and $ must still match the whole text.
    Case("code", "ABCD", "ABCD", "XYZ", "code", "must match the pattern '[A-Z]{3}'"),
    Case("code", "xABC", "xABC", "ABC", "code", "(the whole text)"),
    Case("digest", b"a", "YQ==", b"ab", "digest", "must have at least 2 bytes, got 1"),
    Case("digest", b"abcde", "YWJjZGU=", b"abcd", "digest", "must have at most 4 bytes, got 5"),
    Case("items", ["a"] * 4, ["a"] * 4, ["a"] * 3, "items", "must have at most 3 items, got 4"),
    Case("point", (), [], (0,), "point", "must have at least 1 item, got 0"),
    Case(
        "labels",
        {"a", "b", "c"},
        ["a", "b", "c"],
        {"a", "b"},
        "labels",
        "must have at most 2 items, got 3",
    ),
    Case("weights", {}, {}, {"a": 0.0}, "weights", "must have at least 1 item, got 0"),
    Case("scores", [0, -1], [0, -1], [0, 1], "scores[1]", "must be >= 0, got -1"),
    Case("limits", {"a": 5}, {"a": 5}, {"a": 4}, 'limits["a"]', "must be < 5, got 5"),
    Case(
        "limits", {"A": 1}, {"A": 1}, {"a": 1}, "limits", "a key: must match the pattern '[a-z]+'"
    ),
    Case(
        "letters",
        {"ab"},
        ["ab"],
        {"a"},
        "letters",
        "must have at most 1 character, got 2",
        load_path="letters[0]",
    ),
    Case("size", (1, 0), [1, 0], (1, 1), "size[1]", "must be > 0, got 0"),
    Case("maybe", 1, 1, 0, "maybe", "must be <= 0, got 1"),
    Case(
        "by_run",
        {RUN: Run(cost=Decimal("-0.01"))},
        {str(RUN): {"cost": "-0.01"}},
        {RUN: Run(cost=Decimal("0"))},
        f'by_run["{RUN}"].cost',
        "must be >= 0, got -0.01",
    ),
]
IDS = [f"{case.name}:{case.rule}"[:50] for case in CASES]


class TestEveryRule:
    @pytest.mark.parametrize("case", CASES, ids=IDS)
    def test_validate_names_the_path_and_the_rule(self, case: Case) -> None:
        """validate() raises for the value outside the rule and passes the one inside."""
        with pytest.raises(StateValidationError) as caught:
            _codec.validate(replace(Rich(), **{case.name: case.bad}))
        assert caught.value.field == case.path
        assert case.rule in caught.value.reason
        _codec.validate(replace(Rich(), **{case.name: case.good}))  # the positive control

    @pytest.mark.parametrize("case", CASES, ids=IDS)
    def test_save_refuses_before_writing(self, tmp_path: Path, case: Case) -> None:
        """StateValidationError and no file; the value inside the rule saves and loads back."""
        store = store_at(tmp_path / "state.json")
        with pytest.raises(StateValidationError) as caught:
            store.save(replace(Rich(), **{case.name: case.bad}))
        assert (caught.value.field, case.rule in str(caught.value)) == (case.path, True)
        assert not store.path.exists()
        store.save(replace(Rich(), **{case.name: case.good}))
        assert getattr(store.load(), case.name) == case.good

    @pytest.mark.parametrize("case", CASES, ids=IDS)
    def test_load_finds_the_file_corrupt(self, tmp_path: Path, case: Case) -> None:
        """StateCorruptError with the path and the rule, and the file unchanged."""
        store = store_at(tmp_path / "state.json")
        write_state(store.path, **{case.name: case.bad_json})
        before = store.path.read_bytes()
        with pytest.raises(StateCorruptError) as caught:
            store.load()
        assert caught.value.field == (case.load_path or case.path)
        assert case.rule in caught.value.reason
        assert store.path.read_bytes() == before
        good = _codec.encode(replace(Rich(), **{case.name: case.good}))[case.name]
        write_state(store.path, **{case.name: good})
        assert getattr(store.load(), case.name) == case.good  # the positive control


def compile_class(annotation: Any) -> type[Any]:
    """A dataclass with one field of type `annotation`, compiled by the codec."""

    @dataclass
    class One:
        value: annotation = None

    _codec.decode(One, {})  # the first use compiles the class, or raises TypeError
    return One


MISTAKES = [
    (Annotated[int, Constraints(pattern="x")], "pattern cannot apply to int"),
    (Annotated[str, Constraints(ge=1)], "ge cannot apply to str"),
    (Annotated[int, Constraints(min_length=1)], "min_length cannot apply to int"),
    (Annotated[bool, Constraints(ge=False)], "ge cannot apply to bool"),
    (Annotated[Status, Constraints(max_length=3)], "max_length cannot apply to Status"),
    (Annotated[Literal["a"], Constraints(min_length=1)], "cannot apply to"),
    (Annotated[int | None, Constraints(ge=0)], "constrain the type inside it"),
    (Annotated[JSON, Constraints(min_length=1)], "constrain the type inside it"),
    (Annotated[int, Constraints(ge="0")], "ge='0' is not of type int"),
    (Annotated[int, Constraints(ge=0.5)], "ge=0.5 is not of type int"),
    (Annotated[Decimal, Constraints(ge=0.5)], "ge=0.5 is not of type Decimal"),
    (Annotated[float, Constraints(le=float("nan"))], "finite"),
    (Annotated[date, Constraints(ge="2024-13-01")], "is not of type date"),
    (Annotated[date, Constraints(ge=datetime(2024, 1, 1, tzinfo=UTC))], "is not of type date"),
    (Annotated[datetime, Constraints(ge="2024-01-01T00:00:00")], "naive"),
    (Annotated[timedelta, Constraints(ge="1 day")], "is not of type timedelta"),
    (Annotated[int, Constraints(ge=5, le=1)], "ge=5 and le=1 leave no value"),
    (Annotated[int, Constraints(gt=1, lt=1)], "leave no value"),
    (Annotated[int, Constraints(ge=1, lt=1)], "leave no value"),
    (Annotated[int, Constraints(gt=1, le=1)], "leave no value"),
    (Annotated[str, Constraints(min_length=3, max_length=2)], "the range is empty"),
    (Annotated[str, Constraints(min_length=-1)], "an int >= 0"),
    (Annotated[str, Constraints(max_length=1.5)], "an int >= 0"),  # type: ignore[arg-type]
    (Annotated[str, Constraints(pattern="(")], "does not compile"),
]


class TestMistakesInTheMarker:
    @pytest.mark.parametrize(("annotation", "words"), MISTAKES, ids=[w for _, w in MISTAKES])
    def test_a_wrong_marker_fails_when_the_class_is_compiled(
        self, annotation: Any, words: str
    ) -> None:
        """TypeError naming the field, at the first use of the class, never a silent no-op."""
        with pytest.raises(TypeError, match=r"One\.value: ") as caught:
            compile_class(annotation)
        assert words in str(caught.value)

    @pytest.mark.parametrize(
        ("annotation", "inside", "outside"),
        [
            (Annotated[int, Constraints(ge=1, le=1)], 1, 2),  # a one-value range is not empty
            (Annotated[Decimal, Constraints(ge=0)], Decimal("0"), Decimal("-1")),  # int bound
            (Annotated[float, Constraints(lt=1)], 0.5, 1.0),  # int bound for a float
            (Annotated[date, Constraints(le=date(2024, 1, 1))], date(2024, 1, 1), date(2024, 1, 2)),
            (Annotated[str, Constraints(min_length=2, max_length=2)], "ab", "abc"),
            (Annotated[int, "a note for another tool", Constraints(lt=0)], -1, 0),
            (Annotated[Annotated[int, Constraints(ge=0)], Constraints(le=5)], 5, 6),
        ],
    )
    def test_the_edges_that_are_allowed(self, annotation: Any, inside: Any, outside: Any) -> None:
        """Markers at the edge of the rules compile and then check values as written."""
        one = compile_class(annotation)
        _codec.validate(one(inside))
        with pytest.raises(StateValidationError):
            _codec.validate(one(outside))


class TestValidate:
    def test_validate_checks_without_changing_the_state(self) -> None:
        """validate() passes a good state and leaves it as it was."""
        state = Rich(tags={"b", "a"}, scores=[3, 1])
        _codec.validate(state)
        assert state == Rich(tags={"b", "a"}, scores=[3, 1])

    def test_construction_does_not_validate(self) -> None:
        """Building a dataclass stays cheap: a wrong value is caught at validate() or save()."""
        state = Rich(retries=-1)
        with pytest.raises(StateValidationError, match=r"^retries: must be >= 0, got -1$"):
            _codec.validate(state)

    def test_validate_reaches_nested_records(self) -> None:
        """The path runs through containers and records to the value."""
        wrong: Any = "x"
        state = Rich(by_run={RUN: Run(cost=Decimal(-1)), UUID(int=4): Run(status=wrong)})
        with pytest.raises(StateValidationError) as caught:
            _codec.validate(state)
        assert caught.value.field == f'by_run["{RUN}"].cost'

    def test_a_file_breaking_a_rule_loads_nowhere_but_a_good_one_does(self, tmp_path: Path) -> None:
        """A control for the JSON forms used above: the good form loads as the Python value."""
        path = tmp_path / "state.json"
        path.write_text(json.dumps({"retries": 10, "price": "99.99", "wait": "P1D"}))
        state = store_at(path).load()
        assert (state.retries, state.price, state.wait) == (10, Decimal("99.99"), timedelta(days=1))
