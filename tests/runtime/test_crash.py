"""SIGKILL at random moments: the file is always exactly the old or the new state.

A positive control runs the same harness against the naive `open(path, "w")` writer and must
catch it tearing the file, which proves the harness can see the failure it looks for.
"""

import os
from pathlib import Path

import pytest
from _kills import LARGE, SMALL, kill_at_random, kill_while_marking
from _procs import (
    GROUP,
    acknowledge_early_forever,
    blob_store,
    mark_forever,
    mark_groups_forever,
    mark_groups_one_by_one_forever,
    naive_save_forever,
    save_forever,
)
from batch_state._runtime.engines.files.fs.names import TEMP_MARKER

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")

KILLS = 25


class TestKill:
    def test_store_file_is_always_old_or_new(self, state_path: Path) -> None:
        """After every kill the file and its backup each load as exactly one of the states."""
        report = kill_at_random(state_path, save_forever, (state_path, [LARGE, SMALL]), kills=KILLS)
        print(f"\nstore: {dict(report.outcomes)}, kills inside a save: {report.mid_write}")
        assert report.torn == 0, report
        assert report.outcomes["large"] + report.outcomes["small"] == KILLS
        blob_store(state_path).save(SMALL)  # sweeps whatever temp files the kills left
        assert [p.name for p in state_path.parent.iterdir() if TEMP_MARKER in p.name] == []

    def test_positive_control_catches_the_naive_writer(self, state_path: Path) -> None:
        """The same harness records torn files when the writer is open("w") + write."""
        report = kill_at_random(
            state_path, naive_save_forever, (state_path, [LARGE, SMALL]), kills=KILLS
        )
        print(f"\nnaive: {dict(report.outcomes)}")
        assert report.outcomes["corrupt"] > 0, report


class TestKillWhileMarking:
    def test_every_acknowledged_item_survives_exactly_once(self, state_path: Path) -> None:
        """Journal mode: after every kill the state loads, with each item a writer reported
        done completed exactly once."""
        report = kill_while_marking(state_path, mark_forever, kills=KILLS)
        print(f"\njournal: {report}")
        assert report.failures == 0, report
        assert report.acknowledged > 0

    def test_a_group_committed_as_one_change_is_all_there_or_not_at_all(
        self, state_path: Path
    ) -> None:
        """mark_completed_many() and transaction() of GROUP items: one record, one sync.
        After every kill the group is whole or absent, and every acknowledged one is there."""
        report = kill_while_marking(state_path, mark_groups_forever, kills=KILLS, group=GROUP)
        print(f"\ngroups: {report}")
        assert report.failures == 0, report
        assert report.acknowledged > 0

    def test_positive_control_catches_a_group_written_item_by_item(self, state_path: Path) -> None:
        report = kill_while_marking(
            state_path, mark_groups_one_by_one_forever, kills=KILLS, group=GROUP
        )
        print(f"\none by one: {report}")
        assert report.split > 0, report

    def test_positive_control_catches_early_acknowledgement(self, state_path: Path) -> None:
        """The same harness records lost items when a writer acknowledges before it writes."""
        report = kill_while_marking(state_path, acknowledge_early_forever, kills=KILLS)
        print(f"\nearly: {report}")
        assert report.lost > 0, report
