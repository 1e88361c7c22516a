"""A transaction checks only what it changed: a stored state it validated before is handed out
unchecked, and only the values the block changed are checked and written.

The checks are counted, not timed: a pattern's `fullmatch` runs for the changed items only,
against once per item for a save of the same state (the positive control). Wrong values
among what changed fail exactly as a save of the same state fails, with nothing written.
"""

import enum
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import pytest
from _procs import VERSION
from _salvage import plant
from batch_state._runtime.codec import Constraints, encode
from batch_state._runtime.errors import StateCorruptError, StateError, StateValidationError
from batch_state._runtime.store import StateStore

Code = Annotated[str, Constraints(pattern=r"c[0-9]+")]
ITEMS = 10_000


@dataclass(kw_only=True)
class Inner:
    """A record inside the state."""

    name: str = "inner"
    size: int = 0


@dataclass(kw_only=True)
class Texts:
    """Containers of text, and a few fields of other kinds beside them."""

    codes: list[Code] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    inner: Inner = field(default_factory=Inner)
    counts: list[int] = field(default_factory=list)


class Color(enum.StrEnum):
    RED = "red"


def _store(path: Path, *, journal: bool = True) -> StateStore[Texts]:
    return StateStore(path, Texts, schema_version=VERSION, journal=journal)


def _start() -> Texts:
    codes = [f"c{index}" for index in range(ITEMS)]
    return Texts(
        codes=codes,
        seen=set(codes),
        labels={code: code for code in codes},
        counts=list(range(10)),
    )


@contextmanager
def _fullmatch_calls() -> Iterator[list[int]]:
    """Count the calls of a compiled pattern's `fullmatch` (a C function) in the block."""
    count = [0]

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") == "fullmatch":
            count[0] += 1

    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(None)


@pytest.mark.parametrize("journal", [True, False], ids=["journal", "snapshot"])
def test_only_the_changed_items_are_checked(tmp_path: Path, journal: bool) -> None:
    store = _store(tmp_path / "state.json", journal=journal)
    store.save(_start())
    with _fullmatch_calls() as calls, store.transaction() as state:
        state.codes.append("c999999")
        state.codes.insert(5_000, "c888888")
        del state.codes[100]
    assert calls[0] == 2, calls
    loaded = store.load()
    assert (
        loaded.codes[-1] == "c999999" and "c888888" in loaded.codes and "c100" not in loaded.codes
    )


def test_positive_control_a_save_checks_every_item(tmp_path: Path) -> None:
    store = _store(tmp_path / "state.json")
    with _fullmatch_calls() as calls:
        store.save(_start())
    assert calls[0] >= ITEMS


def test_an_unchanged_state_is_neither_checked_nor_written(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = _store(path)
    store.save(_start())
    before = path.read_bytes()
    with _fullmatch_calls() as calls, store.transaction():
        pass
    assert calls[0] == 0
    assert path.read_bytes() == before
    assert not store.journal_path.exists()


def _append(value: Any) -> Callable[[Texts], None]:
    return lambda state: state.codes.append(value)


#: Edits that leave a wrong value among what changed, one of each place a value can be.
WRONG: dict[str, Callable[[Texts], None]] = {
    "an int appended to a list of text": _append(7),
    "text breaking the pattern, appended": _append("x1"),
    "an item replaced in the middle": lambda state: state.codes.__setitem__(4_000, None),
    "an item inserted at the front": lambda state: state.codes.insert(0, b"c1"),
    "the list replaced by a tuple": lambda state: setattr(state, "codes", ("c1",)),
    "an int added to a set of text": lambda state: state.seen.add(5),
    "a dict value that is not text": lambda state: state.labels.__setitem__("c1", 1.5),
    "a dict key that is not text": lambda state: state.labels.__setitem__(3, "c3"),
    "a str | None set to an int": lambda state: setattr(state, "note", 3),
    "a nested record's field": lambda state: setattr(state.inner, "size", "big"),
    "a nested record replaced by a dict": lambda state: setattr(state, "inner", {"name": "x"}),
    "a bool among ints": lambda state: state.counts.__setitem__(3, True),
}


@pytest.mark.parametrize("edit", WRONG.values(), ids=WRONG.keys())
def test_a_wrong_change_fails_as_a_save_does_and_writes_nothing(
    tmp_path: Path, edit: Callable[[Texts], None]
) -> None:
    path = tmp_path / "state.json"
    store = _store(path)
    store.save(_start())
    with store.transaction() as state:  # a record in the journal, so both files count
        state.note = "kept"
    files = _contents(tmp_path)
    edited = store.load()
    edit(edited)
    with pytest.raises(StateValidationError) as by_save:
        store.save(edited)
    with pytest.raises(StateValidationError) as by_transaction, store.transaction() as state:
        edit(state)
    assert str(by_transaction.value) == str(by_save.value)
    assert by_transaction.value.field == by_save.value.field
    assert _contents(tmp_path) == files


def _contents(directory: Path) -> dict[str, bytes]:
    """The state's files (the lock file says who last held it: left out)."""
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.suffix != ".lock"}


def test_text_of_a_str_subclass_is_stored_plain(tmp_path: Path) -> None:
    """An enum member put into containers of text is stored as its value, as a save does."""
    store = _store(tmp_path / "state.json")
    store.save(Texts())
    with store.transaction() as state:
        state.seen.add(Color.RED)
        state.labels["color"] = Color.RED
        state.note = Color.RED
    expected = Texts(seen={"red"}, labels={"color": "red"}, note="red")
    assert encode(_store(tmp_path / "state.json").load()) == encode(expected)
    assert type(store.load().note) is str


def test_the_state_handed_out_is_the_callers_own(tmp_path: Path) -> None:
    """Changes made to a transaction's state after the block are never stored, and the next
    transaction gets a fresh copy."""
    store = _store(tmp_path / "state.json")
    store.save(_start())
    with store.transaction() as first:
        first.codes.append("c1000001")
    first.codes.append("c1000002")  # after the block: the caller's own object
    first.labels.clear()
    first.seen.clear()
    with store.transaction() as second:
        assert second.codes is not first.codes
        assert second.codes[-1] == "c1000001"
        assert len(second.labels) == ITEMS and len(second.seen) == ITEMS
        second.note = "next"
    loaded = store.load()
    assert loaded.codes[-1] == "c1000001" and len(loaded.labels) == ITEMS


#: Values a forged record (a good checksum, written by no writer of this library) puts where
#: text belongs: each is refused or kept out, never an error of another kind.
FORGED = [
    {"op": "add", "path": "/seen/0", "value": [1]},
    {"op": "add", "path": "/seen/-", "value": 5},
    {"op": "add", "path": "/codes/-", "value": {"a": 1}},
    {"op": "replace", "path": "/labels/c1", "value": [2]},
    {"op": "add", "path": "/labels/c2x", "value": None},
]


@pytest.mark.parametrize("forged", FORGED, ids=lambda op: f"{op['path']} {op['value']!r}")
def test_a_forged_record_read_by_a_trusting_writer_raises_only_state_errors(
    tmp_path: Path, forged: dict[str, Any]
) -> None:
    """A manager that checked the state trusts records other writers append (their checksums
    are checked); a forged one still gives only StateErrors, and a fresh load refuses it."""
    path = tmp_path / "state.json"
    store = _store(path)
    store.save(Texts(codes=["c1", "c2"], seen={"a", "b"}, labels={"c1": "x", "c2": "y"}))
    with store.transaction() as state:  # the store now holds the state, checked
        state.note = "checked"
    plant(path, 1, [json.dumps([forged]).encode()])
    edits: list[Callable[[Texts], object]] = [
        lambda state: state.seen.discard("a"),
        lambda state: state.seen.add("z"),
        lambda state: state.codes.append("c3"),
        lambda state: state.labels.pop("c2"),
        lambda state: None,
    ]
    for edit in edits:
        try:
            with store.transaction() as state:
                edit(state)
        except StateError:
            pass
    with pytest.raises(StateCorruptError):
        _store(path).load()


def test_a_forged_value_of_the_wrong_shape_is_named_by_its_field(tmp_path: Path) -> None:
    """The trusted hand-out still checks each container's shape, and says which field broke."""
    path = tmp_path / "state.json"
    store = _store(path)
    store.save(Texts(codes=["c1"], note="a"))
    with store.transaction() as state:  # the store now holds the state, checked
        state.note = "checked"
    plant(path, 1, [b'[{"op": "replace", "path": "/codes", "value": 5}]'])
    with pytest.raises(StateCorruptError) as raised, store.transaction():
        pass
    assert raised.value.field == "codes", raised.value
