"""A writer stopped with os._exit just before and just after each system call of a save."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reliability.evidence import record

from .conftest import Generated

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fork and os._exit semantics are POSIX")


@pytest.mark.parametrize("first_save", [True, False], ids=["first save", "over a file"])
def test_a_crash_at_any_step_leaves_old_or_new(
    generated: Generated, tmp_path: Path, first_save: bool
) -> None:
    """The file is exactly old or new after a crash at every step, and the next save sweeps."""
    report = generated.module("_faults").crash_at_every_step(tmp_path, first_save=first_save)
    scenario = "first save" if first_save else "over a file"
    record(
        f"fault injection: os._exit before and after each step ({scenario})",
        runs=report.crashes,
        failures=len(report.failures),
        detail=" → ".join(report.steps),
    )
    assert report.failures == {}
