"""Damaged files: each kind raises a typed error, is never modified, and recover() heals it."""

import dataclasses
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _evidence import record
from _samples import sample_instance

BITFLIPS = int(os.environ.get("STATEGEN_BITFLIPS", "300"))

Damage = Callable[[dict[str, Any], bytes, Any], bytes]


def _document(change: Callable[[dict[str, Any], Any], None]) -> Damage:
    def damage(document: dict[str, Any], raw: bytes, lib: Any) -> bytes:
        # Written by some other writer (or by hand): no checksum vouches for the content.
        del document[lib.store.CHECKSUM_KEY]
        change(document, lib)
        return json.dumps(document).encode()

    return damage


def _wrong_type(document: dict[str, Any], lib: Any) -> None:
    # No field type accepts an array of arrays: every annotation rejects it.
    document[_field_names(lib)[0]] = [[]]


def _missing_required(document: dict[str, Any], lib: Any) -> None:
    required = [
        spec.name
        for spec in dataclasses.fields(lib.state_type)
        if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
    ]
    if not required:
        pytest.skip("this schema has no required field")
    del document[required[0]]


def _unknown_key(document: dict[str, Any], lib: Any) -> None:
    document["zz_" + "_".join(_field_names(lib))] = 1


def _field_names(lib: Any) -> list[str]:
    return [spec.name for spec in dataclasses.fields(lib.state_type)]


def _unsigned(raw: bytes, lib: Any) -> bytes:
    """`raw` without its checksum entry, as a hand-written file would be."""
    document = json.loads(raw)
    del document[lib.store.CHECKSUM_KEY]
    return json.dumps(document, ensure_ascii=False).encode() + b"\n"


def _flip_middle_bit(raw: bytes) -> bytes:
    middle = len(raw) // 2
    return raw[:middle] + bytes([raw[middle] ^ 0x04]) + raw[middle + 1 :]


#: Each kind of damage, and a fragment of the reason the error must give for it.
CORRUPT: dict[str, tuple[Damage, str]] = {
    "empty": (lambda document, raw, lib: b"", "empty"),
    "whitespace only": (lambda document, raw, lib: b"  \n", "empty"),
    "truncated": (lambda document, raw, lib: raw[: len(raw) // 2], "not valid JSON"),
    "bit-flipped": (lambda document, raw, lib: _flip_middle_bit(raw), "checksum does not match"),
    "edited, checksum kept": (
        lambda document, raw, lib: raw.replace(b'": ', b'":  ', 1),
        "checksum does not match",
    ),
    "not JSON": (lambda document, raw, lib: b'{"version": oops', "not valid JSON"),
    "not UTF-8": (lambda document, raw, lib: b'{"version": "\xff"}', "not UTF-8"),
    "not an object": (lambda document, raw, lib: b"[1, 2, 3]", "expected a JSON object"),
    "NaN is not JSON": (
        lambda document, raw, lib: _unsigned(raw, lib).replace(b"{", b'{"x": NaN, ', 1),
        "NaN is not valid JSON",
    ),
    "wrong type": (_document(_wrong_type), "expected"),
    "missing required field": (_document(_missing_required), "missing"),
    "unknown key": (_document(_unknown_key), "unknown field"),
    "bad version value": (
        _document(lambda document, lib: document.update(version=7)),
        "MAJOR.MINOR.PATCH",
    ),
}
NEWER = _document(lambda document, lib: document.update(version="999.0.0"))


@pytest.fixture
def generations(manager: Any, lib: Any, state_path: Path) -> tuple[Any, bytes]:
    """Save A then B: returns A (the backup) and B's bytes (the file to damage)."""
    first = sample_instance(lib.state_type, 0)
    manager.save(first)
    manager.save(sample_instance(lib.state_type, 1))
    return first, state_path.read_bytes()


def _damage(state_path: Path, good: bytes, how: Damage, lib: Any) -> bytes:
    damaged = how(json.loads(good), good, lib)
    state_path.write_bytes(damaged)  # in place, as a disk fault or a stray writer would
    return damaged


class TestCorruptFile:
    @pytest.mark.parametrize("case", CORRUPT)
    def test_load_raises_and_leaves_the_bytes(
        self, manager: Any, lib: Any, state_path: Path, generations: Any, case: str
    ) -> None:
        """load() and transaction() raise StateCorruptError naming the file; nothing changes."""
        damaged = _damage(state_path, generations[1], CORRUPT[case][0], lib)
        with pytest.raises(lib.errors.StateCorruptError) as caught:
            manager.load()
        assert caught.value.path == state_path and str(state_path) in str(caught.value)
        assert CORRUPT[case][1] in caught.value.reason, caught.value.reason
        with pytest.raises(lib.errors.StateCorruptError), manager.transaction():
            pytest.fail("the block must not run")
        assert state_path.read_bytes() == damaged
        record(
            "corruption matrix: typed error with the reason, bytes unchanged", runs=1, failures=0
        )

    @pytest.mark.parametrize("case", CORRUPT)
    def test_recover_restores_the_last_good_generation(
        self, manager: Any, lib: Any, state_path: Path, generations: Any, case: str
    ) -> None:
        """recover() returns the backup, puts it back, and keeps the damaged bytes aside."""
        damaged = _damage(state_path, generations[1], CORRUPT[case][0], lib)
        assert manager.recover() == generations[0]
        assert manager.load() == generations[0]
        assert manager.corrupt_path.read_bytes() == damaged
        record("corruption matrix: recover() restores the last good state", runs=1, failures=0)

    @pytest.mark.parametrize("case", CORRUPT)
    def test_save_quarantines_and_keeps_the_backup(
        self, manager: Any, lib: Any, state_path: Path, generations: Any, case: str
    ) -> None:
        """A save over a damaged file keeps it as <file>.corrupt, never as the backup."""
        backup = manager.backup_path.read_bytes()
        damaged = _damage(state_path, generations[1], CORRUPT[case][0], lib)
        fresh = sample_instance(lib.state_type, 1)
        manager.save(fresh)
        assert manager.load() == fresh
        assert manager.corrupt_path.read_bytes() == damaged
        assert manager.backup_path.read_bytes() == backup

    def test_recover_without_backup_is_state_not_found(
        self, manager: Any, lib: Any, state_path: Path
    ) -> None:
        """With a damaged file and no backup, recover() says so and changes nothing."""
        state_path.write_bytes(b"{")
        with pytest.raises(lib.errors.StateNotFoundError) as caught:
            manager.recover()
        assert str(manager.backup_path) in str(caught.value)
        assert state_path.read_bytes() == b"{"

    def test_recover_of_a_good_file_changes_nothing(
        self, manager: Any, lib: Any, state_path: Path, generations: Any
    ) -> None:
        """recover() on a file that loads returns it as it is: good data is never rolled back."""
        assert manager.recover() == manager.load()
        assert state_path.read_bytes() == generations[1]


class TestBitFlips:
    def test_every_flipped_bit_is_caught(self, manager: Any, lib: Any, state_path: Path) -> None:
        """One flipped bit anywhere in the file is StateCorruptError, never another state.

        Every bit of the checksum entry, then STATEGEN_BITFLIPS (default 300) random bits
        anywhere; CI's heavy run uses 2000.
        """
        manager.save(sample_instance(lib.state_type))
        good = state_path.read_bytes()
        seed = random.randrange(2**32)
        rng = random.Random(seed)
        entry = len(good) - good.rindex(b', "#crc32"')
        flips = [(len(good) - 1 - back, 1 << bit) for back in range(entry) for bit in range(8)]
        flips += [(rng.randrange(len(good)), 1 << rng.randrange(8)) for _ in range(BITFLIPS)]
        missed = []
        for position, bit in flips:
            flipped = good[:position] + bytes([good[position] ^ bit]) + good[position + 1 :]
            state_path.write_bytes(flipped)
            try:
                manager.load()
            except lib.errors.StateCorruptError:
                continue
            missed.append((position, bit))
        record(
            "corruption: single flipped bits are detected",
            runs=len(flips),
            failures=len(missed),
            detail=f"all {8 * entry} bits of the checksum entry, then random ones in a "
            f"{len(good)}-byte file (seed {seed})",
        )
        assert missed == [], f"seed {seed}: undetected flips (position, bit) {missed[:10]}"


class TestNewerFile:
    def test_every_operation_refuses_and_leaves_the_bytes(
        self, manager: Any, lib: Any, state_path: Path, generations: Any
    ) -> None:
        """A file from newer code raises StateVersionError on load, save and recover."""
        damaged = _damage(state_path, generations[1], NEWER, lib)
        with pytest.raises(lib.errors.StateVersionError) as caught:
            manager.load()
        assert caught.value.found_version == "999.0.0"
        assert str(state_path) in str(caught.value) and "newer" in str(caught.value)
        with pytest.raises(lib.errors.StateVersionError):
            manager.save(sample_instance(lib.state_type))
        with pytest.raises(lib.errors.StateVersionError):
            manager.recover()
        assert state_path.read_bytes() == damaged
        record(
            "corruption matrix: a future version is refused on every operation", runs=1, failures=0
        )
