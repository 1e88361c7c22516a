"""Writers racing on one state file: processes and threads counting, savers and readers."""

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _procs import (
    Batch,
    BatchStore,
    Counter,
    context,
    counter_store,
    hold_lock,
    increment,
    load_forever,
    mark_own,
    save_forever_counter,
)
from batch_state._runtime.store import StateStore
from batch_state.errors import StateLockTimeout


def count_in_processes(path: Path, processes: int, increments: int) -> int:
    """`processes` processes each make `increments` locked +1s; the final count."""
    ctx = context()
    start = ctx.Event()
    workers = [
        ctx.Process(target=increment, args=(path, increments, start)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.set()  # all at once, for as much contention as possible
    for worker in workers:
        worker.join(600)
        assert worker.exitcode == 0, f"an incrementing process exited with {worker.exitcode}"
    return counter_store(path).load().count


def count_in_mixed_modes(path: Path, processes: int, increments: int) -> int:
    """Like `count_in_processes`, with every other process writing in journal mode."""
    ctx = context()
    start = ctx.Event()
    workers = [
        ctx.Process(target=increment, args=(path, increments, start, index % 2 == 0))
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(600)
        assert worker.exitcode == 0, f"an incrementing process exited with {worker.exitcode}"
    return counter_store(path).load().count


def mark_in_mixed_modes(path: Path, processes: int, items: int) -> list[str]:
    """`processes` processes mark `items` items each (their own ones) completed, every other
    one in journal mode; the completed list at the end."""
    names = [f"{process}-{index}" for process in range(processes) for index in range(items)]
    BatchStore(path).save(Batch(items=names))
    ctx = context()
    start = ctx.Event()
    workers = [
        ctx.Process(target=mark_own, args=(path, str(index), items, start, index % 2 == 0))
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(600)
        assert worker.exitcode == 0, f"a marking process exited with {worker.exitcode}"
    return BatchStore(path).load().completed


def count_in_threads(path: Path, increments: int) -> tuple[int, int]:
    """Four threads make `increments` locked +1s each: two share a store, two have their own.

    Returns the number of increments made and the final count.
    """
    shared = counter_store(path)
    errors: list[BaseException] = []

    def work(store: StateStore[Counter]) -> None:
        try:
            for _ in range(increments):
                with store.transaction(default=Counter) as state:
                    state.count += 1
        except BaseException as error:  # reported by the calling thread
            errors.append(error)

    stores = [shared, shared, counter_store(path), counter_store(path)]
    threads = [threading.Thread(target=work, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert errors == [], errors
    return len(threads) * increments, shared.load().count


@dataclass(frozen=True)
class Race:
    """What a race of blind saves, transactions and readers saw."""

    reads: int
    failed_reads: int
    exit_codes: list[int | None]
    final_count: int


def race_saves_transactions_and_reads(path: Path, increments: int) -> Race:
    """Two incrementing processes, a blind saver and a reader, all at once."""
    ctx = context()
    start, stop = ctx.Event(), ctx.Event()
    reads, failed_reads = ctx.Value("i", 0), ctx.Value("i", 0)
    incrementers = [ctx.Process(target=increment, args=(path, increments, start)) for _ in range(2)]
    saver = ctx.Process(target=save_forever_counter, args=(path, start, stop))
    reader = ctx.Process(target=load_forever, args=(path, start, stop, reads, failed_reads))
    for process in [*incrementers, saver, reader]:
        process.start()
    start.set()
    for process in incrementers:
        process.join(600)
    stop.set()
    saver.join(60)
    reader.join(60)
    exit_codes = [process.exitcode for process in [*incrementers, saver, reader]]
    final = counter_store(path).load().count
    return Race(reads.value, failed_reads.value, exit_codes, final)


def wait_for_a_held_lock(path: Path, timeout: float) -> tuple[StateLockTimeout | None, float]:
    """Save while another process holds the lock: the error raised and the seconds waited."""
    ctx = context()
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold_lock, args=(path, held, release))
    holder.start()
    error = None
    try:
        assert held.wait(60), "the holder never took the lock"
        store = counter_store(path, lock_timeout=timeout)
        began = time.monotonic()
        try:
            store.save(Counter(count=1))
        except StateLockTimeout as raised:
            error = raised
        waited = time.monotonic() - began
    finally:
        release.set()
        holder.join(60)
    return error, waited
