"""Values at the edges get a typed error naming the field; the values just inside pass.

Naive datetimes, nesting a thousand deep, values that contain themselves and ints past
Python's 4,300-digit limit are refused on save and on load, never with RecursionError or a
raw ValueError."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import pytest
from _rich import VERSION, Rich, store_at, write_state
from batch_state._runtime.codec import codec as _codec
from batch_state._runtime.codec.jsonvalue import MAX_DEPTH
from batch_state._runtime.store import StateStore
from batch_state.errors import StateCorruptError, StateValidationError

DIGITS = 4300  # Python's default int ⇄ str limit (sys.get_int_max_str_digits)
LARGEST = 10**DIGITS - 1  # 4,300 nines: the largest int a file may hold
TOO_LARGE = 10**DIGITS


@dataclass(kw_only=True)
class Log:
    when: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    times: list[datetime] = field(default_factory=list)
    by_name: dict[str, datetime | None] = field(default_factory=dict)


class Unknown(tzinfo):
    """A tzinfo that does not know its offset: Python calls such a datetime naive."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


def nested(depth: int) -> list[Any]:
    """A list nested `depth` levels deep: [[[...]]]."""
    root: list[Any] = []
    for _ in range(depth - 1):
        root = [root]
    return root


def flattened(value: Any) -> int:
    """How deep `value` is, counted without recursion."""
    depth = 0
    while isinstance(value, list):
        depth, value = depth + 1, value[0] if value else None
    return depth


class TestNaiveDatetimes:
    @pytest.mark.parametrize(
        ("state", "path"),
        [
            (Log(when=datetime(2024, 1, 1)), "when"),
            (Log(when=datetime(2024, 1, 1, tzinfo=Unknown())), "when"),
            (Log(times=[datetime.now(UTC), datetime.now()]), "times[1]"),
            (Log(by_name={"a": None, "b c": datetime(2024, 1, 1)}), 'by_name["b c"]'),
        ],
    )
    def test_save_refuses_a_naive_datetime(self, tmp_path: Path, state: Log, path: str) -> None:
        """StateValidationError naming the field and how to get an aware one; no file."""
        store = StateStore(tmp_path / "log.json", Log, schema_version=VERSION)
        with pytest.raises(StateValidationError) as caught:
            store.save(state)
        assert caught.value.field == path
        assert "naive" in caught.value.reason and "datetime.now(UTC)" in caught.value.reason
        assert not store.path.exists()

    @pytest.mark.parametrize(
        "aware",
        [
            datetime(2024, 1, 1, tzinfo=UTC),
            datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            datetime(1, 1, 1, tzinfo=timezone(-timedelta(hours=23, minutes=59))),
        ],
    )
    def test_an_aware_datetime_saves_and_loads(self, tmp_path: Path, aware: datetime) -> None:
        """The positive control: any offset is kept, and the instant comes back equal."""
        store = StateStore(tmp_path / "log.json", Log, schema_version=VERSION)
        store.save(Log(when=aware, times=[aware]))
        loaded = store.load()
        assert loaded.when == aware and loaded.when.utcoffset() == aware.utcoffset()

    def test_load_refuses_a_naive_datetime_in_a_file(self, tmp_path: Path) -> None:
        """A file holding one is corrupt, named by field; the file is left as it was."""
        store = store_at(tmp_path / "state.json")
        write_state(store.path, epoch="2024-01-01T00:00:00")
        before = store.path.read_bytes()
        with pytest.raises(StateCorruptError) as caught:
            store.load()
        assert caught.value.field == "epoch" and "naive" in caught.value.reason
        assert store.path.read_bytes() == before

    @pytest.mark.parametrize(
        ("text", "offset"), [("2024-01-01T00:00:00Z", 0), ("2024-01-01T00:00:00+05:30", 330)]
    )
    def test_an_offset_in_a_file_loads(self, tmp_path: Path, text: str, offset: int) -> None:
        """The positive control for the load: "Z" and explicit offsets are aware."""
        store = store_at(tmp_path / "state.json")
        write_state(store.path, epoch=text)
        assert store.load().epoch.utcoffset() == timedelta(minutes=offset)


class TestDeepNesting:
    @pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 5000])
    def test_save_refuses_json_nested_too_deep(self, tmp_path: Path, depth: int) -> None:
        """StateValidationError naming the field and the limit, never RecursionError."""
        store = store_at(tmp_path / "state.json")
        with pytest.raises(StateValidationError) as caught:
            store.save(Rich(extra={"a": nested(depth - 1)}))
        assert caught.value.field == "extra" and f"deeper than {MAX_DEPTH}" in caught.value.reason
        assert not store.path.exists()

    def test_json_at_the_limit_saves_and_loads(self, tmp_path: Path) -> None:
        """The positive control: exactly MAX_DEPTH levels round-trip."""
        store = store_at(tmp_path / "state.json")
        store.save(Rich(extra=nested(MAX_DEPTH)))
        assert flattened(store.load().extra) == MAX_DEPTH

    @pytest.mark.parametrize("shape", ["list", "dict"])
    def test_a_value_that_contains_itself_is_refused(self, shape: str) -> None:
        """A cycle is depth without end: the same typed error, not a hang or a crash."""
        cycle: Any = [] if shape == "list" else {}
        if shape == "list":
            cycle.append(cycle)
        else:
            cycle["again"] = cycle
        with pytest.raises(StateValidationError, match="contains itself"):
            _codec.validate(Rich(extra=cycle))

    @pytest.mark.parametrize("depth", [1000, 5000])
    def test_deep_value_in_a_typed_field_is_a_short_type_error(self, depth: int) -> None:
        """The message quotes a few characters of the value, not all of it, and never recurses."""
        with pytest.raises(StateValidationError) as caught:
            _codec.validate(Rich(scores=nested(depth)))
        assert caught.value.field == "scores[0]" and "expected an integer" in caught.value.reason
        assert len(str(caught.value)) < 120

    @pytest.mark.parametrize(("name", "depth"), [("extra", 300), ("extra", 1000), ("scores", 1000)])
    def test_load_of_a_deep_file_is_corrupt(self, tmp_path: Path, name: str, depth: int) -> None:
        """Too deep for the parser or for the field: StateCorruptError either way."""
        store = store_at(tmp_path / "state.json")
        store.path.write_text(
            json.dumps({"version": VERSION, name: "HOLE"}).replace(
                '"HOLE"', "[" * depth + "]" * depth
            )
        )
        with pytest.raises(StateCorruptError):
            store.load()
        shallow: Any = [[]] if name == "extra" else [1]
        write_state(store.path, **{name: shallow})
        store.load()  # the positive control: the same field, shallow


class TestHugeIntegers:
    @pytest.mark.parametrize(
        ("name", "bad", "good", "path", "words"),
        [
            ("shape", (TOO_LARGE, 0), (LARGEST, 0), "shape[0]", f"more than {DIGITS} digits"),
            ("scores", [1, TOO_LARGE], [1, LARGEST], "scores[1]", f"more than {DIGITS} digits"),
            ("numbers", {-TOO_LARGE}, {-LARGEST}, "numbers", f"more than {DIGITS} digits"),
            ("by_id", {TOO_LARGE: "x"}, {LARGEST: "x"}, "by_id", f"more than {DIGITS} digits"),
            ("extra", {"n": [TOO_LARGE]}, {"n": [LARGEST]}, 'extra["n"][0]', f"{DIGITS} digits"),
            ("history", (1e300, TOO_LARGE), (1e300,), "history[1]", "too large for a float"),
        ],
    )
    def test_save_refuses_an_int_python_cannot_read_back(
        self, tmp_path: Path, name: str, bad: Any, good: Any, path: str, words: str
    ) -> None:
        """StateValidationError naming the value (never json.dumps' ValueError); the largest
        readable int saves and loads back equal."""
        store = store_at(tmp_path / "state.json")
        with pytest.raises(StateValidationError) as caught:
            store.save(Rich(**{name: bad}))
        assert caught.value.field == path and words in caught.value.reason
        assert len(str(caught.value)) < 250  # the int itself is not printed
        store.save(Rich(**{name: good}))
        assert getattr(store.load(), name) == good

    @pytest.mark.parametrize(
        ("name", "template", "path"),
        [("shape", "[HUGE, 0]", None), ("by_id", '{"HUGE": "x"}', "by_id")],
    )
    def test_load_refuses_an_int_past_the_limit(
        self, tmp_path: Path, name: str, template: str, path: str | None
    ) -> None:
        """A typed StateCorruptError, for an int value (the parser's) and an int key (ours)."""
        store = store_at(tmp_path / "state.json")
        text = json.dumps({"version": VERSION, name: "SLOT"})

        def write(digits: int) -> None:
            store.path.write_text(text.replace('"SLOT"', template.replace("HUGE", "9" * digits)))

        write(DIGITS)
        store.load()  # the positive control: 4,300 digits is still readable
        write(DIGITS + 1)
        with pytest.raises(StateCorruptError) as caught:
            store.load()
        assert caught.value.field == path

    def test_decode_refuses_what_save_would(self) -> None:
        """from_dict's check and save's check agree: the same int is refused both ways."""
        with pytest.raises(StateValidationError, match=str(DIGITS)):
            _codec.decode(Rich, {"shape": [TOO_LARGE, 0]})
        assert _codec.decode(Rich, {"shape": [LARGEST, 0]}).shape == (LARGEST, 0)


class TestBoundedMessages:
    @pytest.mark.parametrize(
        "value",
        [
            "x" * 10_000_000,
            b"y" * 10_000_000,
            list(range(1_000_000)),
            {str(index): index for index in range(100_000)},
        ],
        ids=["str", "bytes", "list", "dict"],
    )
    def test_a_huge_wrong_value_is_quoted_briefly(self, value: Any) -> None:
        """The error quotes about 40 characters of the value, however large it is."""
        with pytest.raises(StateValidationError) as caught:
            _codec.validate(Rich(mode=value))
        assert caught.value.field == "mode" and len(str(caught.value)) < 120
