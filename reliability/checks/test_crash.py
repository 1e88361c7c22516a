"""SIGKILL at random moments during save(), against the generated library and a naive writer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reliability.evidence import record
from reliability.sizes import control_size, size

from ._support import seed_from
from .conftest import Generated

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")

KILLS = "STATEGEN_KILL_ITERATIONS"
SEED = "STATEGEN_KILL_SEED"


def test_the_file_is_always_old_or_new(generated: Generated, state_path: Path) -> None:
    """After every kill the file and its backup each hold a whole, current generation."""
    harness, procs = generated.module("_kills"), generated.module("_procs")
    seed = seed_from(SEED)
    states = [harness.LARGE, harness.SMALL]
    report = harness.kill_at_random(
        state_path, procs.save_forever, (state_path, states), kills=size(KILLS), seed=seed
    )
    record(
        "SIGKILL during save(): file and backup are exactly old or new, never older",
        runs=report.kills,
        failures=report.torn,
        detail=f"300 KB / 8 KB states; {report.mid_write} kills landed inside a save; "
        f"{SEED}={seed}",
    )
    assert report.torn == 0, report


def test_positive_control_catches_the_naive_writer(generated: Generated, state_path: Path) -> None:
    """The same kills against open("w") + write must find torn files."""
    harness, procs = generated.module("_kills"), generated.module("_procs")
    states = [harness.LARGE, harness.SMALL]
    report = harness.kill_at_random(
        state_path, procs.naive_save_forever, (state_path, states), kills=control_size(KILLS)
    )
    record(
        'positive control: the same kills against open("w") + write',
        runs=report.kills,
        failures=report.outcomes["corrupt"],
        control=True,
        detail="must record torn files, or the harness cannot see them",
    )
    assert report.outcomes["corrupt"] > 0, report
