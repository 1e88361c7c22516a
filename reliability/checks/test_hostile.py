"""Hostile neighbours and strange files: every case, against the library and a naive store.

The cases are the runtime tests' own (`_planted`, `_extremes`): each builds a scene,
tries every operation, and lists what went wrong. Each row here counts the cases the
library passed, and its positive control runs the same cases against `NaiveStore`, which
must fail some of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reliability.evidence import record

from ._naive import NaiveStore, naive_operations
from ._support import cases
from .conftest import Generated

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="planting other users' links and files, and mknod, need root",
)

Opener = Callable[[Path], dict[str, Callable[[], object]]]
NOBODY = 65534


def _run_cases(catalogue: dict[str, Any], base: Path, opener: Opener) -> dict[str, list[str]]:
    """Each case in a directory of its own: the problems of each."""
    found = {}
    for index, (name, case) in enumerate(catalogue.items()):
        directory = base / f"case-{index}"
        directory.mkdir(mode=0o755)
        found[name] = case(directory, opener)
    return found


def _catalogue_rows(
    generated: Generated,
    base: Path,
    catalogue: str,
    check: str,
    control: str,
) -> None:
    """One row for the library and one positive control, for the cases of `catalogue`."""
    planted = generated.module("_planted")
    named: dict[str, Any] = getattr(planted, catalogue)
    ours = _run_cases(named, base / "ours", generated.module("_operations").operations)
    naive = _run_cases(named, base / "naive", _naive_opener(generated))
    failed = [name for name, problems in ours.items() if problems]
    caught = [name for name, problems in naive.items() if problems]
    record(check, runs=len(ours), failures=len(failed), detail=cases(list(ours)))
    record(
        f"positive control: {control}",
        runs=len(naive),
        failures=len(caught),
        control=True,
        detail=f"the naive store failed: {', '.join(caught) or 'none'}",
    )
    assert not failed, {name: ours[name] for name in failed}
    assert caught, "the naive store passed every case: the cases cannot fail"


def _naive_opener(generated: Generated) -> Opener:
    return naive_operations(generated.module("_runtime.engines.files.fs.names").TEMP_MARKER)


def _bases(shared_dir: Path) -> None:
    for side in ("ours", "naive"):
        (shared_dir / side).mkdir(mode=0o755)


def test_planted_links(generated: Generated, shared_dir: Path) -> None:
    """Links are followed only when the kernel's protected_symlinks rule would follow them."""
    _bases(shared_dir)
    _catalogue_rows(
        generated,
        shared_dir,
        "LINKS",
        "planted links: untrusted ones refused by every operation with nothing written "
        "anywhere, trusted ones written through",
        "the same links against a store that resolves the path and writes through",
    )


def test_files_that_are_not_regular(generated: Generated, shared_dir: Path) -> None:
    """A FIFO, a character device, a socket or a directory at the path: refused at once."""
    _bases(shared_dir)
    _catalogue_rows(
        generated,
        shared_dir,
        "SPECIAL_FILES",
        "non-regular files (FIFO, character device made with mknod, socket, directory): a "
        "typed error at once, nothing read, linked or replaced",
        "the same files against a store that opens and reads whatever is there",
    )


def test_planted_temp_and_backup_names(generated: Generated, shared_dir: Path) -> None:
    """Names planted beside the file never block or redirect a save."""
    _bases(shared_dir)
    _catalogue_rows(
        generated,
        shared_dir,
        "PLANTED_NAMES",
        "planted temp, backup and lock names: skipped, or the save fails closed naming the "
        "file and its owner",
        "the same names against a store that sweeps, locks and rotates by name",
    )


def test_raw_error_matrix(generated: Generated, shared_dir: Path) -> None:
    """Every operation on paths the system refuses, as root and unprivileged: typed errors."""
    extremes = generated.module("_extremes")
    operations = generated.module("_operations").operations
    errnos: set[str] = set()
    runs, failed = 0, []
    for user, name in ((None, "root"), (NOBODY, "unprivileged")):
        base = shared_dir / name
        base.mkdir(mode=0o755)
        tried, problems = extremes.error_matrix(base, operations, user=user, errnos=errnos)
        runs += tried
        failed += [f"{name}: {problem}" for problem in problems]
    bad_arguments = extremes.construction_problems(shared_dir)
    runs += len(extremes.BAD_ARGUMENTS)
    failed += bad_arguments
    record(
        "raw-error matrix: every operation on paths the system refuses, as root and as an "
        "unprivileged user, and every bad argument, raises only this library's errors (an "
        "OSError's with the errno's own class)",
        runs=runs,
        failures=len(failed),
        detail=f"{len(extremes.SCENES)} paths x 6 operations x 2 users, "
        f"{len(extremes.BAD_ARGUMENTS)} bad arguments; errnos met: {', '.join(sorted(errnos))}",
    )
    naive_base = shared_dir / "naive"
    naive_base.mkdir(mode=0o755)
    naive_runs, naive_failed = extremes.error_matrix(naive_base, _naive_opener(generated))
    _control("the same paths against a store whose errors escape raw", naive_runs, naive_failed)
    assert failed == []


def test_long_names(generated: Generated, tmp_path: Path) -> None:
    """Names up to 255 bytes keep working: every name derived from them fits the limit."""
    extremes = generated.module("_extremes")
    (tmp_path / "ours").mkdir()
    (tmp_path / "naive").mkdir()
    operations = generated.module("_operations").operations
    failed = extremes.long_name_problems(tmp_path / "ours", operations)
    lengths = [len(os.fsencode(name)) for name in extremes.LONG_NAMES]
    record(
        "long names: saved three times, loaded and recovered, every derived name within the "
        "255-byte limit",
        runs=len(lengths),
        failures=len(failed),
        detail=f"names of {', '.join(map(str, lengths))} bytes",
    )
    naive = extremes.long_name_problems(tmp_path / "naive", _naive_opener(generated))
    _control("the same names against a store that appends its suffixes", len(lengths), naive)
    assert failed == []


def test_deep_nesting_and_huge_numbers(generated: Generated, tmp_path: Path) -> None:
    """Values Python cannot convert or nest are typed errors; recover() still works."""
    extremes = generated.module("_extremes")
    (tmp_path / "ours").mkdir()
    (tmp_path / "naive").mkdir()
    runs, failed = extremes.value_problems(tmp_path / "ours")
    record(
        "deep nesting and huge numbers: typed errors on load and save, nothing written, "
        "recover() past a 5,000-digit version",
        runs=runs,
        failures=len(failed),
        detail=cases(
            [
                *(f"loading {name}" for name in extremes.LOADS),
                *(f"saving {name}" for name in extremes.SAVES),
                "loading a 5,000-digit version part",
                "recover() from it",
            ]
        ),
    )
    marker = generated.module("_runtime.engines.files.fs.names").TEMP_MARKER
    naive_runs, naive = extremes.value_problems(
        tmp_path / "naive", lambda path: NaiveStore(path, marker)
    )
    _control("the same values against json.loads and json.dumps alone", naive_runs, naive)
    assert failed == []


def _control(what: str, runs: int, caught: list[str]) -> None:
    record(
        f"positive control: {what}",
        runs=runs,
        failures=len(caught),
        control=True,
        detail=f"the naive store failed {len(caught)} of {runs}",
    )
    assert caught, "the naive store passed every case: the cases cannot fail"
