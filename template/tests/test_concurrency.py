"""Concurrent writers: no lost updates across processes or threads, and lock timeouts.

STATEGEN_PROCESSES (default 4) and STATEGEN_INCREMENTS (default 50) size the lost-update test.
"""

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from _evidence import record
from _procs import Counter, context, hold_lock, increment, load_forever, save_forever_counter

PROCESSES = int(os.environ.get("STATEGEN_PROCESSES", "4"))
INCREMENTS = int(os.environ.get("STATEGEN_INCREMENTS", "50"))


def _counter_store(lib: Any, path: Path, **options: Any) -> Any:
    return lib.store.StateStore(path, Counter, schema_version="1.0.0", **options)


class TestLostUpdates:
    def test_processes_lose_no_increment(self, lib: Any, state_path: Path) -> None:
        """N processes x M locked transactions leave the counter at exactly N x M."""
        ctx = context()
        start = ctx.Event()
        workers = [
            ctx.Process(
                target=increment, args=(lib.store.StateStore, state_path, INCREMENTS, start)
            )
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        start.set()  # all at once, for as much contention as possible
        for worker in workers:
            worker.join(600)
            assert worker.exitcode == 0
        expected = PROCESSES * INCREMENTS
        count = _counter_store(lib, state_path).load().count
        record(
            f"concurrency: {PROCESSES} processes x {INCREMENTS} transaction() increments",
            runs=expected,
            failures=expected - count,
            detail=f"final count {count}",
        )
        assert count == expected

    def test_threads_lose_no_increment(self, lib: Any, state_path: Path) -> None:
        """Threads sharing one store, and threads with their own store, lose nothing."""
        shared = _counter_store(lib, state_path)
        errors: list[BaseException] = []

        def work(store: Any) -> None:
            try:
                for _ in range(INCREMENTS):
                    with store.transaction(default=Counter) as state:
                        state.count += 1
            except BaseException as error:  # reported by the main thread
                errors.append(error)

        stores = [shared, shared, _counter_store(lib, state_path), _counter_store(lib, state_path)]
        threads = [threading.Thread(target=work, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        assert errors == []
        expected = len(threads) * INCREMENTS
        count = shared.load().count
        record(
            f"concurrency: {len(threads)} threads x {INCREMENTS} transaction() increments",
            runs=expected,
            failures=expected - count,
            detail=f"final count {count}",
        )
        assert count == expected

    def test_save_racing_transactions_never_corrupts(self, lib: Any, state_path: Path) -> None:
        """Blind save()s racing transaction()s and readers: every read loads, nothing tears.

        A save replaces the whole state, so it may overwrite increments (that is what a blind
        write means); what must never happen is a torn file, a failed load, or an error.
        """
        ctx = context()
        start, stop = ctx.Event(), ctx.Event()
        reads, failed_reads = ctx.Value("i", 0), ctx.Value("i", 0)
        store_type = lib.store.StateStore
        incrementers = [
            ctx.Process(target=increment, args=(store_type, state_path, INCREMENTS, start))
            for _ in range(2)
        ]
        saver = ctx.Process(target=save_forever_counter, args=(store_type, state_path, start, stop))
        not_found = lib.errors.StateNotFoundError
        reader = ctx.Process(
            target=load_forever,
            args=(store_type, state_path, not_found, start, stop, reads, failed_reads),
        )
        for process in [*incrementers, saver, reader]:
            process.start()
        start.set()
        for process in incrementers:
            process.join(600)
        stop.set()
        saver.join(60)
        reader.join(60)
        exits = [p.exitcode for p in [*incrementers, saver, reader]]
        final = _counter_store(lib, state_path).load()
        record(
            "concurrency: save() racing transaction() and load()",
            runs=reads.value,
            failures=failed_reads.value + sum(code != 0 for code in exits),
            detail=f"{2 * INCREMENTS} increments, reads {reads.value}, final count {final.count}",
        )
        assert exits == [0, 0, 0, 0]
        assert failed_reads.value == 0 and reads.value > 0
        assert 0 <= final.count <= 2 * INCREMENTS


class TestLockTimeout:
    def test_lock_held_by_another_process_times_out(self, lib: Any, state_path: Path) -> None:
        """While another process holds the lock, a save raises StateLockTimeout after ~timeout."""
        ctx = context()
        held, release = ctx.Event(), ctx.Event()
        holder = ctx.Process(
            target=hold_lock, args=(lib.store.StateStore, state_path, held, release)
        )
        holder.start()
        try:
            assert held.wait(60), "the holder never took the lock"
            store = _counter_store(lib, state_path, lock_timeout=0.5)
            began = time.monotonic()
            with pytest.raises(lib.errors.StateLockTimeout) as caught:
                store.save(Counter(count=1))
            waited = time.monotonic() - began
        finally:
            release.set()
            holder.join(60)
        record(
            "concurrency: lock held by another process gives StateLockTimeout",
            runs=1,
            failures=int(not 0.45 <= waited < 3.0),
            detail=f"timeout 0.5 s, raised after {waited:.2f} s",
        )
        assert 0.45 <= waited < 3.0
        assert isinstance(caught.value, TimeoutError)
        assert caught.value.timeout == 0.5
        assert str(state_path) in str(caught.value)
        assert store.load() == Counter(
            count=0
        )  # the holder's save; the timed-out one wrote nothing
        store.save(Counter(count=1))  # free again once the holder is gone

    def test_lock_held_by_another_thread_times_out(self, lib: Any, state_path: Path) -> None:
        """Threads of one process exclude each other too, with the same timeout error."""
        store = _counter_store(lib, state_path, lock_timeout=0.3)
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
            with pytest.raises(lib.errors.StateLockTimeout):
                store.save(Counter(count=1))
            waited = time.monotonic() - began
        finally:
            release.set()
            holder.join(30)
        assert 0.25 <= waited < 3.0

    def test_the_lock_is_a_sidecar_that_is_never_deleted(self, lib: Any, state_path: Path) -> None:
        """The lock lives in <file>.lock, which stays after use (deleting it breaks exclusion)."""
        store = _counter_store(lib, state_path)
        store.save(Counter(count=1))
        with store.transaction() as state:
            state.count += 1
        assert state_path.with_name(state_path.name + ".lock").exists()
