"""A field with a JSON key of its own (`metadata={"json": ...}`): every codec path uses it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from stategen._runtime.codec.codec import decode, encode
from stategen._runtime.errors import StateValidationError

SEEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


@dataclass(kw_only=True)
class Event:
    kind: str = field(metadata={"json": "type"})
    last_seen: datetime | None = field(default=None, metadata={"json": "last-seen"})
    size: int = 0


@dataclass(kw_only=True)
class State:
    kind: str = field(metadata={"json": "type"})
    events: list[Event] = field(default_factory=list, metadata={"json": "list"})
    odd: int = field(default=0, metadata={"json": "a'b\"c\\\\d\n"})


def _state() -> State:
    return State(kind="k", events=[Event(kind="e", last_seen=SEEN, size=2), Event(kind="f")])


STORED = {
    "type": "k",
    "list": [
        {"type": "e", "last-seen": "2024-05-06T07:08:09+00:00", "size": 2},
        {"type": "f", "last-seen": None, "size": 0},
    ],
    "a'b\"c\\\\d\n": 0,
}


def test_encode_writes_the_json_keys() -> None:
    assert encode(_state()) == STORED


def test_decode_reads_the_json_keys_on_every_path() -> None:
    """Whole objects (the written-out fast path), whole lists (columns), and objects missing
    optional keys (the general path) all read the aliases."""
    assert decode(State, STORED) == _state()
    partial = {"type": "k", "list": [{"type": "f"}]}
    assert decode(State, partial) == State(kind="k", events=[Event(kind="f")])


def test_the_attribute_name_is_not_a_key() -> None:
    """The attribute name in a file is an unknown key, however plausible."""
    with pytest.raises(StateValidationError) as caught:
        decode(State, {**STORED, "kind": "k"})
    assert caught.value.field == "kind"
    assert "unknown field" in str(caught.value)


def test_decoding_errors_name_the_key_and_encoding_errors_the_attribute() -> None:
    """A wrong value in a file is named as the file has it; one set in Python, by attribute."""
    bad = {**STORED, "list": [{"type": "e", "last-seen": "yesterday", "size": 1}]}
    with pytest.raises(StateValidationError) as caught:
        decode(State, bad)
    assert caught.value.field == "list[0].last-seen"
    with pytest.raises(StateValidationError) as caught:
        decode(State, {"list": []})
    assert caught.value.field == "type"
    state = _state()
    state.events[1].last_seen = "yesterday"  # type: ignore[assignment]
    with pytest.raises(StateValidationError) as caught:
        encode(state)
    assert caught.value.field == "events[1].last_seen"


def test_a_key_that_is_not_text_is_refused_when_the_class_compiles() -> None:
    @dataclass
    class Broken:
        a: int = field(default=0, metadata={"json": 3})

    with pytest.raises(TypeError, match=r"Broken\.a: the JSON key must be text"):
        encode(Broken())
