"""The newer field types: exact round trips, one documented JSON form, wrong values refused.

Each round-trips exactly through a real file, has one documented JSON form, and a wrong value
or spelling is refused on load and on save with its path."""

import json
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from _rich import VERSION, Rich, Run, Status, rich_sample, store_at, write_state
from batch_state._runtime.codec import codec as _codec
from batch_state.errors import StateCorruptError, StateValidationError


def saved(path: Path) -> dict[str, Any]:
    """The fields of the state file at `path`, as JSON data."""
    data: dict[str, Any] = json.loads(path.read_bytes())
    del data["version"], data["#crc32"]
    return data


class TestRoundTrip:
    def test_every_type_survives_a_real_file(self, tmp_path: Path) -> None:
        """save → load gives back an equal state, each value of its declared type."""
        store = store_at(tmp_path / "state.json")
        original = rich_sample()
        store.save(original)
        loaded = store.load()
        assert loaded == original
        assert type(loaded.budget) is Decimal and type(loaded.run_id) is UUID
        assert type(loaded.shape) is tuple and type(loaded.history) is tuple
        assert type(loaded.tags) is set and type(loaded.blob) is bytes
        assert set(map(type, loaded.by_id)) == {int} and set(map(type, loaded.by_day)) == {date}
        assert loaded.by_mode == {"fast": 1, 7: 2} and type(loaded.level) is bool

    def test_defaults_survive_a_real_file(self, tmp_path: Path) -> None:
        """The other extreme: empty containers, None, the defaults."""
        store = store_at(tmp_path / "state.json")
        store.save(Rich())
        assert store.load() == Rich()

    def test_to_dict_and_back_without_a_file(self) -> None:
        """encode → decode is exact too, so from_dict(to_dict(x)) == x."""
        original = rich_sample()
        assert _codec.decode(Rich, _codec.encode(original)) == original

    @pytest.mark.parametrize(
        "text", ["10.50", "1E+3", "-0", "0.000", "1E-7", "123456789012345678901234567890.0123"]
    )
    def test_a_decimal_keeps_its_exact_digits(self, tmp_path: Path, text: str) -> None:
        """Trailing zeros, exponent and sign come back as written: str(Decimal) both ways."""
        store = store_at(tmp_path / "state.json")
        store.save(Rich(budget=Decimal(text)))
        assert saved(store.path)["budget"] == text
        assert str(store.load().budget) == text


class TestJsonForms:
    def test_each_type_has_its_documented_form(self) -> None:
        """The forms docs/spec-reference.md lists, value by value."""
        data = _codec.encode(
            Rich(
                run_id=UUID("12345678-9abc-def0-1234-56789abcdef0"),
                timeout=timedelta(minutes=90, microseconds=250_000),
                quiet_from=time(7, 8, 9),
                blob=b"hi\x00",
                extra={"a": [1, 2.5, None, True, "x"]},
                shape=(3, 4),
                history=(1.5,),
                by_id={7: "x", -2: "y"},
                per_status={Status.DONE: 1},
                by_day={date(2024, 2, 29): 3},
            )
        )
        assert data["run_id"] == "12345678-9abc-def0-1234-56789abcdef0"
        assert data["budget"] == "10.50"
        assert data["timeout"] == "PT1H30M0.25S"
        assert data["quiet_from"] == "07:08:09"
        assert data["blob"] == "aGkA"
        assert data["extra"] == {"a": [1, 2.5, None, True, "x"]}
        assert data["mode"] == "safe" and data["level"] == 1
        assert data["shape"] == [3, 4] and data["history"] == [1.5]
        assert data["by_id"] == {"7": "x", "-2": "y"}
        assert data["per_status"] == {"done": 1}
        assert data["by_day"] == {"2024-02-29": 3}
        assert data["wait"] == "PT1S"

    @pytest.mark.parametrize(
        ("duration", "text"),
        [
            (timedelta(), "PT0S"),
            (timedelta(seconds=30), "PT30S"),
            (timedelta(days=1), "P1D"),
            (timedelta(days=1, hours=2), "P1DT2H"),
            (timedelta(minutes=1, microseconds=1), "PT1M0.000001S"),
            (timedelta(seconds=-1), "-PT1S"),
            (timedelta(days=-1, hours=23), "-PT1H"),
            (timedelta(microseconds=-500_000), "-PT0.5S"),
            (timedelta.max, "P999999999DT23H59M59.999999S"),
            (timedelta.min, "-P999999999D"),
        ],
    )
    def test_a_duration_is_iso_8601(self, duration: timedelta, text: str) -> None:
        """The shortest exact ISO 8601 form, and it reads back as the same timedelta."""
        assert _codec.encode(Rich(timeout=duration))["timeout"] == text
        assert _codec.decode(Rich, {"timeout": text}).timeout == duration

    @pytest.mark.parametrize(
        ("text", "duration"),
        [
            ("PT90M", timedelta(minutes=90)),
            ("PT36H", timedelta(hours=36)),
            ("P0D", timedelta()),
            ("PT1.5S", timedelta(seconds=1.5)),
            ("-P1DT1S", -timedelta(days=1, seconds=1)),
        ],
    )
    def test_a_duration_written_by_hand_reads_exactly(self, text: str, duration: timedelta) -> None:
        """Components may exceed their usual range: each has an exact length."""
        assert _codec.decode(Rich, {"timeout": text}).timeout == duration


class TestSets:
    def test_a_set_is_saved_sorted(self) -> None:
        """Each item type in its defined order, so the same set always writes the same bytes."""
        data = _codec.encode(rich_sample())
        assert data["tags"] == ["B", "a", "b", "é"]  # code point order
        assert data["numbers"] == [-1, 9, 10, 2**70]  # by value, not as text
        assert data["statuses"] == ["pending", "failed"]  # the enum's declaration order
        assert data["modes"] == ["safe", "fast"]  # the Literal's declaration order
        assert data["ids"] == [str(UUID(int=5)), str(UUID(int=2**127))]  # 128-bit value
        assert data["days"] == ["0999-01-01", "2024-12-31"]  # chronological

    def test_saves_of_equal_sets_are_the_same_bytes(self, tmp_path: Path) -> None:
        """Sets built in different orders give byte-identical files."""
        first, second = store_at(tmp_path / "a.json"), store_at(tmp_path / "b.json")
        first.save(Rich(tags={f"t{index}" for index in range(50)}))
        second.save(Rich(tags={f"t{index}" for index in reversed(range(50))}))
        assert first.path.read_bytes() == second.path.read_bytes()

    def test_a_set_loads_from_any_order(self) -> None:
        """A hand-edited array need not be sorted; the next save sorts it."""
        state = _codec.decode(Rich, {"tags": ["c", "a", "b"], "numbers": [3, 1, 2]})
        assert state.tags == {"a", "b", "c"} and state.numbers == {1, 2, 3}


# (field, JSON value that must be refused, a valid JSON value of the same field, path, words)
LOAD_REJECTS = [
    ("run_id", "12345678-9ABC-DEF0-1234-56789ABCDEF0", str(UUID(int=7)), "run_id", "lowercase"),
    ("run_id", "{12345678-9abc-def0-1234-56789abcdef0}", str(UUID(int=7)), "run_id", "UUID"),
    ("run_id", "123456789abcdef0123456789abcdef0", str(UUID(int=7)), "run_id", "8-4-4-4-12"),
    ("budget", 10.5, "10.5", "budget", "binary float"),
    ("budget", 10, "10", "budget", "in quotes"),
    ("budget", "1_000", "1000", "budget", "decimal"),
    ("budget", " 1", "1", "budget", "decimal"),
    ("budget", "NaN", "0", "budget", "decimal"),
    ("budget", "Infinity", "0", "budget", "decimal"),
    ("budget", "1E+99999999999999999999", "1E+999", "budget", "decimal"),
    ("timeout", "P1Y", "P365D", "timeout", "ISO 8601 duration"),
    ("timeout", "P1M", "P30D", "timeout", "ISO 8601 duration"),
    ("timeout", "PT", "PT0S", "timeout", "ISO 8601 duration"),
    ("timeout", "P", "P0D", "timeout", "ISO 8601 duration"),
    ("timeout", "30S", "PT30S", "timeout", "ISO 8601 duration"),
    ("timeout", "PT1.1234567S", "PT1.123456S", "timeout", "ISO 8601 duration"),
    ("timeout", "PT1,5S", "PT1.5S", "timeout", "ISO 8601 duration"),
    ("timeout", "P1000000000D", "P999999999D", "timeout", "out of range"),
    ("timeout", 30, "PT30S", "timeout", "ISO 8601 duration"),
    ("quiet_from", "25:00", "23:00", "quiet_from", "ISO 8601 time"),
    ("blob", "aGk", "aGk=", "blob", "base64"),
    ("blob", "a G k =", "aGk=", "blob", "base64"),
    ("mode", "slow", "fast", "mode", '"fast", "safe"'),
    ("level", 3, 2, "level", "expected one of"),
    ("level", 1.0, 1, "level", "expected one of"),
    ("level", "1", 1, "level", "expected one of"),
    ("tags", ["a", "b", "a"], ["a", "b"], "tags[2]", "repeats an earlier item"),
    ("numbers", [1, 2.0], [1, 2], "numbers[1]", "integer"),
    ("statuses", ["done", "nope"], ["done"], "statuses[1]", "expected one of"),
    ("ids", [str(UUID(int=1)), str(UUID(int=1))], [str(UUID(int=1))], "ids[1]", "repeats"),
    ("shape", [1, 2, 3], [1, 2], "shape", "expected 2 items, got 3"),
    ("shape", [1, "2"], [1, 2], "shape[1]", "integer"),
    ("pair", ["a", 1], ["a", "1"], "pair[1]", "decimal"),
    ("history", [1.5, None], [1.5, 2], "history[1]", "number"),
    ("by_id", {"01": "x"}, {"1": "x"}, "by_id", "leading zeros"),
    ("by_id", {"+1": "x"}, {"1": "x"}, "by_id", "no '+'"),
    ("by_id", {"-0": "x"}, {"0": "x"}, "by_id", "str(int)"),
    ("by_id", {" 1": "x"}, {"1": "x"}, "by_id", "str(int)"),
    ("by_id", {"1_0": "x"}, {"10": "x"}, "by_id", "str(int)"),
    ("by_id", {"\uff11": "x"}, {"1": "x"}, "by_id", "str(int)"),  # a full-width digit
    ("by_id", {"1.0": "x"}, {"1": "x"}, "by_id", "str(int)"),
    ("by_id", {"7": 7}, {"7": "7"}, 'by_id["7"]', "string"),
    ("per_status", {"nope": 1}, {"done": 1}, "per_status", '"pending", "done", "failed"'),
    (
        "by_run",
        {"0000000a-0000-0000-0000-00000000000A": {}},
        {str(UUID(int=3)): {}},
        "by_run",
        "lowercase",
    ),
    (
        "by_run",
        {str(UUID(int=3)): {"cost": 2}},
        {str(UUID(int=3)): {"cost": "2"}},
        f'by_run["{UUID(int=3)}"].cost',
        "decimal",
    ),
    ("by_day", {"20240229": 1}, {"2024-02-29": 1}, "by_day", "YYYY-MM-DD"),
    ("by_day", {"2024-02-30": 1}, {"2024-02-28": 1}, "by_day", "YYYY-MM-DD"),
    ("by_mode", {"07": 1}, {"7": 1}, "by_mode", "expected one of"),
]


class TestLoadRejects:
    @pytest.mark.parametrize(("name", "bad", "good", "path", "words"), LOAD_REJECTS)
    def test_a_wrong_value_in_a_file_is_corrupt(
        self, tmp_path: Path, name: str, bad: Any, good: Any, path: str, words: str
    ) -> None:
        """StateCorruptError naming the field path and the rule; the valid value loads."""
        store = store_at(tmp_path / "state.json")
        write_state(store.path, **{name: good})
        store.load()  # the positive control: the same field, a valid value
        write_state(store.path, **{name: bad})
        with pytest.raises(StateCorruptError) as caught:
            store.load()
        assert caught.value.field == path
        assert f"{path}: " in caught.value.reason and words in caught.value.reason

    def test_spellings_never_merge_two_keys(self) -> None:
        """Each key type has one spelling, so "1" and "01" can never both become the key 1."""
        with pytest.raises(StateValidationError):
            _codec.decode(Rich, {"by_id": {"1": "a", "01": "b"}})
        assert _codec.decode(Rich, {"by_id": {"1": "a", "10": "b"}}).by_id == {1: "a", 10: "b"}


# (field, Python value that must be refused, a valid value of the same field, path)
SAVE_REJECTS = [
    ("run_id", "12345678-9abc-def0-1234-56789abcdef0", UUID(int=9), "run_id"),
    ("budget", 10.5, Decimal("10.5"), "budget"),
    ("budget", Decimal("NaN"), Decimal("0"), "budget"),
    ("budget", Decimal("-Infinity"), Decimal("-1E+999"), "budget"),
    ("timeout", 30, timedelta(seconds=30), "timeout"),
    ("quiet_from", "07:00", time(7), "quiet_from"),
    ("blob", "aGk=", b"hi", "blob"),
    ("blob", bytearray(b"hi"), b"hi", "blob"),
    ("mode", "slow", "fast", "mode"),
    ("mode", Status.DONE, "fast", "mode"),
    ("level", 1.0, 2, "level"),
    ("tags", ["a"], {"a"}, "tags"),
    ("tags", {"a", 1}, {"a", "1"}, "tags"),
    ("shape", [1, 2], (1, 2), "shape"),
    ("shape", (1, 2, 3), (1, 2), "shape"),
    ("pair", ("a", 1.5), ("a", Decimal("1.5")), "pair[1]"),
    ("history", [1.0], (1.0,), "history"),
    ("extra", {"a": (1, 2)}, {"a": [1, 2]}, 'extra["a"]'),
    ("extra", {"a": {1: 2}}, {"a": {"1": 2}}, 'extra["a"]'),
    ("extra", {"a": [float("nan")]}, {"a": [0.0]}, 'extra["a"][0]'),
    ("extra", {"a": Decimal("1")}, {"a": 1}, 'extra["a"]'),
    ("by_id", {"7": "x"}, {7: "x"}, "by_id"),
    ("by_id", {True: "x"}, {1: "x"}, "by_id"),
    ("by_id", {7: 7}, {7: "7"}, 'by_id["7"]'),
    ("per_status", {"done": 1}, {Status.DONE: 1}, "per_status"),
    ("by_run", {str(UUID(int=3)): Run()}, {UUID(int=3): Run()}, "by_run"),
    (
        "by_run",
        {UUID(int=3): Run(cost=1)},  # type: ignore[arg-type]
        {UUID(int=3): Run(cost=Decimal(1))},
        f'by_run["{UUID(int=3)}"].cost',
    ),
    ("by_day", {"2024-01-01": 1}, {date(2024, 1, 1): 1}, "by_day"),
    ("by_mode", {"7": 1}, {7: 1}, "by_mode"),
]


class TestSaveRejects:
    @pytest.mark.parametrize(("name", "bad", "good", "path"), SAVE_REJECTS)
    def test_a_wrong_value_is_refused_before_writing(
        self, tmp_path: Path, name: str, bad: Any, good: Any, path: str
    ) -> None:
        """StateValidationError naming the path, and no file; the valid value saves."""
        store = store_at(tmp_path / "state.json")
        with pytest.raises(StateValidationError) as caught:
            store.save(replace(Rich(), **{name: bad}))
        assert caught.value.field == path
        assert not store.path.exists()
        store.save(replace(Rich(), **{name: good}))  # the positive control
        assert getattr(store.load(), name) == good


class TestSupportedTypes:
    @pytest.mark.parametrize(
        "annotation",
        [
            frozenset[str],
            set[tuple[int, int]],
            set[Run],
            dict[float, str],
            dict[bool, str],
            dict[Decimal, str],
            tuple[()],
            complex,
            # Like JSON, but narrower: not JSON, and no other union is supported either.
            dict[str, int] | list[str] | str | int | float | bool | None,
            str | int,
        ],
    )
    def test_an_unsupported_type_fails_when_the_class_is_compiled(self, annotation: Any) -> None:
        """A type the codec cannot check exactly is a TypeError naming its field, not unchecked."""

        @dataclass
        class Odd:
            value: annotation

        with pytest.raises(TypeError, match=r"Odd\.value: unsupported"):
            _codec.decode(Odd, {"value": []})

    def test_the_file_names_the_version(self, tmp_path: Path) -> None:
        """A control for `saved`: the file holds the version and the checksum it drops."""
        store = store_at(tmp_path / "state.json")
        store.save(Rich())
        assert json.loads(store.path.read_bytes())["version"] == VERSION
        assert saved(store.path) == _codec.encode(Rich())
