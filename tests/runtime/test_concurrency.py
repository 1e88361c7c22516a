"""Concurrent writers: no lost updates across processes or threads, and lock timeouts."""

import threading
import time
from pathlib import Path

import pytest
from _contention import (
    count_in_mixed_modes,
    count_in_processes,
    count_in_threads,
    mark_in_mixed_modes,
    race_saves_transactions_and_reads,
    wait_for_a_held_lock,
)
from _procs import Counter, counter_store
from batch_state.errors import StateLockTimeout

PROCESSES, INCREMENTS = 4, 50


class TestLostUpdates:
    def test_processes_lose_no_increment(self, state_path: Path) -> None:
        """N processes x M locked transactions leave the counter at exactly N x M."""
        count = count_in_processes(state_path, PROCESSES, INCREMENTS)
        assert count == PROCESSES * INCREMENTS

    def test_threads_lose_no_increment(self, state_path: Path) -> None:
        """Threads sharing one store, and threads with their own store, lose nothing."""
        made, count = count_in_threads(state_path, INCREMENTS)
        assert count == made

    def test_save_racing_transactions_never_corrupts(self, state_path: Path) -> None:
        """Blind save()s racing transaction()s and readers: every read loads, nothing tears.

        A save replaces the whole state, so it may overwrite increments (that is what a blind
        write means); what must never happen is a torn file, a failed load, or an error.
        """
        race = race_saves_transactions_and_reads(state_path, INCREMENTS)
        assert race.exit_codes == [0, 0, 0, 0]
        assert race.failed_reads == 0 and race.reads > 0
        assert 0 <= race.final_count <= 2 * INCREMENTS


class TestMixedModes:
    def test_journal_and_snapshot_writers_lose_nothing(self, state_path: Path) -> None:
        """Processes in journal mode and in snapshot mode increment one counter: exact."""
        count = count_in_mixed_modes(state_path, PROCESSES, INCREMENTS)
        assert count == PROCESSES * INCREMENTS

    def test_marks_in_both_modes_are_all_kept_once(self, state_path: Path) -> None:
        """Marks from journal-mode and snapshot-mode processes: each item once, none lost."""
        completed = mark_in_mixed_modes(state_path, PROCESSES, INCREMENTS)
        assert sorted(completed) == sorted(
            f"{process}-{index}" for process in range(PROCESSES) for index in range(INCREMENTS)
        )


class TestLockTimeout:
    def test_lock_held_by_another_process_times_out(self, state_path: Path) -> None:
        """While another process holds the lock, a save raises StateLockTimeout after ~timeout."""
        error, waited = wait_for_a_held_lock(state_path, 0.5)
        assert isinstance(error, StateLockTimeout) and isinstance(error, TimeoutError)
        assert 0.45 <= waited < 3.0
        assert error.timeout == 0.5
        assert str(state_path) in str(error)
        store = counter_store(state_path)
        assert store.load() == Counter(
            count=0
        )  # the holder's save; the timed-out one wrote nothing
        store.save(Counter(count=1))  # free again once the holder is gone

    def test_lock_held_by_another_thread_times_out(self, state_path: Path) -> None:
        """Threads of one process exclude each other too, with the same timeout error."""
        store = counter_store(state_path, lock_timeout=0.3)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with store.transaction(default=Counter):
                held.set()
                release.wait(30)

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert held.wait(30)
            began = time.monotonic()
            with pytest.raises(StateLockTimeout):
                store.save(Counter(count=1))
            waited = time.monotonic() - began
        finally:
            release.set()
            holder.join(30)
        assert 0.25 <= waited < 3.0

    def test_the_lock_is_a_sidecar_that_is_never_deleted(self, state_path: Path) -> None:
        """The lock lives in <file>.lock, which stays after use (deleting it breaks exclusion)."""
        store = counter_store(state_path)
        store.save(Counter(count=1))
        with store.transaction() as state:
            state.count += 1
        assert state_path.with_name(state_path.name + ".lock").exists()
