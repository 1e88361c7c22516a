"""Damaged files: each kind is a typed error with the file untouched, and recover() heals it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reliability.evidence import record
from reliability.sizes import size

from ._support import cases, seed_from
from .conftest import Generated

BITFLIPS = "STATEGEN_BITFLIPS"
SEED = "STATEGEN_BITFLIP_SEED"


def _two_generations(generated: Generated, path: Path) -> tuple[Any, Any]:
    """A manager on `path` after saving states A then B, and A (now the backup)."""
    sample = generated.module("_samples").sample_instance
    manager = generated.manager(path)
    first = sample(manager.state_type, 0)
    manager.save(first)
    manager.save(sample(manager.state_type, 1))
    return manager, first


def _errors_of_load_and_transaction(manager: Any) -> list[Exception | None]:
    """What load() raised, then what an empty transaction() raised (None: nothing)."""
    raised: list[Exception | None] = []
    try:
        manager.load()
        raised.append(None)
    except Exception as error:
        raised.append(error)
    try:
        with manager.transaction():
            pass
        raised.append(None)
    except Exception as error:
        raised.append(error)
    return raised


def test_every_damage_is_a_typed_error_that_changes_nothing(
    generated: Generated, tmp_path: Path
) -> None:
    """load() and transaction() raise StateCorruptError with the reason; the bytes stay."""
    damages = generated.module("_damage")
    corrupt = generated.module("errors").StateCorruptError
    failed = []
    for index, (case, (how, reason)) in enumerate(damages.CORRUPT.items()):
        path = tmp_path / str(index) / "state.json"
        manager, _ = _two_generations(generated, path)
        damaged = damages.damage(path, how)
        problems = [
            f"{error!r}"
            for error in _errors_of_load_and_transaction(manager)
            if not isinstance(error, corrupt)
            or error.path != path
            or str(path) not in str(error)
            or reason not in error.reason
        ]
        if path.read_bytes() != damaged:
            problems.append("the file changed")
        if problems:
            failed.append(f"{case}: {', '.join(problems)}")
    record(
        "corruption matrix: typed error with the reason, bytes unchanged",
        runs=len(damages.CORRUPT),
        failures=len(failed),
        detail=cases(list(damages.CORRUPT)),
    )
    assert failed == []


def test_recover_restores_the_last_good_generation(generated: Generated, tmp_path: Path) -> None:
    """recover() returns the backup, puts it back, and keeps the damaged bytes aside."""
    damages = generated.module("_damage")
    failed = []
    for index, (case, (how, _)) in enumerate(damages.CORRUPT.items()):
        path = tmp_path / str(index) / "state.json"
        manager, backup = _two_generations(generated, path)
        damaged = damages.damage(path, how)
        restored = manager.recover()
        if (restored, manager.load()) != (backup, backup):
            failed.append(f"{case}: not the backup")
        elif manager.corrupt_path.read_bytes() != damaged:
            failed.append(f"{case}: the damaged bytes were not kept")
    record(
        "corruption matrix: recover() restores the last good state",
        runs=len(damages.CORRUPT),
        failures=len(failed),
        detail=cases(list(damages.CORRUPT)),
    )
    assert failed == []


def test_single_flipped_bits_are_detected(generated: Generated, state_path: Path) -> None:
    """Every bit of the checksum entry, then random bits anywhere: none loads as a state."""
    sample = generated.module("_samples").sample_instance
    manager = generated.manager(state_path)
    manager.save(sample(manager.state_type))
    report = generated.module("_damage").flip_bits(
        manager, state_path, random_flips=size(BITFLIPS), seed=seed_from(SEED)
    )
    record(
        "corruption: single flipped bits are detected",
        runs=report.flips,
        failures=len(report.missed),
        detail=f"all {report.checksum_bits} bits of the checksum entry, then random ones in "
        f"a {report.size}-byte file ({SEED}={report.seed})",
    )
    assert report.missed == []


def test_a_newer_file_is_refused_by_every_operation(generated: Generated, state_path: Path) -> None:
    """load(), save() and recover() all raise StateVersionError; the bytes stay."""
    damages = generated.module("_damage")
    newer = generated.module("errors").StateVersionError
    manager, backup = _two_generations(generated, state_path)
    damaged = damages.damage(state_path, damages.NEWER)
    refused = 0
    for operation in (manager.load, lambda: manager.save(backup), manager.recover):
        try:
            operation()
        except newer:
            refused += 1
    kept = state_path.read_bytes() == damaged
    record(
        "corruption matrix: a future version is refused on every operation",
        runs=1,
        failures=int(refused != 3 or not kept),
        detail=f"version {damages.NEWER_VERSION} against {manager.schema_version}",
    )
    assert refused == 3 and kept
