"""Hostile content on disk (files and journal records): every call raises only StateErrors."""

import os
import tempfile
from pathlib import Path

from _content import (
    FIELDS,
    HOSTILE,
    naive_untyped,
    operation_with,
    record_with,
    snapshot_with,
    untyped,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: How many random contents each test tries: light by default, more through the variable.
EXAMPLES = int(os.environ.get("STATEGEN_HOSTILE_CONTENT", "25"))

_LIGHT = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
#: A value's JSON text: a hostile one, random JSON (any type, surrogates included), or bytes.
_values = (
    st.sampled_from(sorted(HOSTILE)).map(HOSTILE.__getitem__)
    | _json_values.map(lambda value: __import__("json").dumps(value).encode())
    | st.binary(max_size=64)
)


def _directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="hostile-"))


@_LIGHT
@given(field=st.sampled_from(FIELDS), value=_values, journal=st.booleans())
def test_any_value_in_the_state_file_is_a_typed_error(
    field: str, value: bytes, journal: bool
) -> None:
    path = _directory() / "state.json"
    snapshot_with(path, field, value)
    assert untyped(path, journal=journal) == []


@_LIGHT
@given(raw=st.binary(max_size=256) | _values)
def test_any_bytes_as_the_state_file_are_a_typed_error(raw: bytes) -> None:
    path = _directory() / "state.json"
    path.write_bytes(raw)
    assert untyped(path, journal=False) == []


@_LIGHT
@given(field=st.sampled_from(FIELDS), value=_values, whole=st.booleans())
def test_any_journal_record_with_a_good_crc_is_a_typed_error(
    field: str, value: bytes, whole: bool
) -> None:
    """A record that passes its CRC but holds anything at all: its own payload (`whole`), or
    an operation that puts the value into a field."""
    path = _directory() / "state.json"
    record_with(path, value if whole else operation_with(field, value))
    assert untyped(path, journal=True) == []


def test_every_hostile_content_in_every_place_is_a_typed_error(tmp_path: Path) -> None:
    """The whole corpus, each text in each place, not left to chance."""
    found = []
    for index, (name, value) in enumerate(HOSTILE.items()):
        snapshot = tmp_path / f"s{index}" / "state.json"
        snapshot.parent.mkdir()
        snapshot_with(snapshot, "batch_id", value)
        record = tmp_path / f"r{index}" / "state.json"
        record.parent.mkdir()
        record_with(record, value)
        found += [f"{name} (file): {p}" for p in untyped(snapshot, journal=False)]
        found += [f"{name} (record): {p}" for p in untyped(record, journal=True)]
    assert found == []


def test_positive_control_the_corpus_breaks_a_naive_reader() -> None:
    """json.loads lets the corpus's worst escape untyped (the rest, such as NaN and lone
    surrogates, it takes in, to fail later): the corpus is hostile."""
    broken = [name for name, value in HOSTILE.items() if naive_untyped(value)]
    assert {"arrays nested 100,000 deep", "a 5,000-digit integer", "invalid UTF-8"} <= set(broken)
