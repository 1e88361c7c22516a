"""A writer stopped with os._exit at each step of a save leaves the old state or the new one."""

import os
from pathlib import Path

import pytest
from _faults import JOURNAL_SCENARIOS, crash_at_every_step, crash_journal_at_every_step

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fork and os._exit semantics are POSIX")


@pytest.mark.parametrize("first_save", [True, False], ids=["first save", "over a file"])
def test_a_crash_at_any_step_leaves_old_or_new(tmp_path: Path, first_save: bool) -> None:
    """os._exit before and after every step: the file is exactly old-or-new, temps swept."""
    report = crash_at_every_step(tmp_path, first_save=first_save)
    assert {step.split("#")[0] for step in report.steps} >= {"write", "fsync", "replace"}
    assert report.failures == {}, report


@pytest.mark.parametrize("scenario", list(JOURNAL_SCENARIOS))
def test_a_crash_at_any_step_of_a_journal_update(tmp_path: Path, scenario: str) -> None:
    """os._exit before and after every step of a mark in journal mode: the state is exactly
    the old one until the change is written, the new one after; the next update works."""
    report = crash_journal_at_every_step(tmp_path, JOURNAL_SCENARIOS[scenario])
    assert report.failures == {}, report
