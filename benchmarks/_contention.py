"""Contention: N processes each add one to the counter M times; count what was lost."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from ._contenders import COUNTER
from ._setup import Setup


@dataclass(frozen=True)
class Contention:
    """The outcome of one contention run."""

    name: str
    processes: int
    increments: int
    seconds: float
    initial: int
    final: int | None
    errors: int
    first_error: str | None

    @property
    def expected(self) -> int:
        return self.processes * self.increments

    @property
    def lost(self) -> int | None:
        """Updates that vanished (None when the file could not even be read back)."""
        return None if self.final is None else self.initial + self.expected - self.final

    @property
    def verdict(self) -> str:
        parts = ["store unreadable after the run" if self.lost is None else f"{self.lost} lost"]
        if self.errors:
            parts.append(f"{self.errors} of {self.expected} increments raised")
        if self.first_error:
            parts.append(self.first_error)
        return "; ".join(parts)


def _worker(
    setup: Setup, name: str, increments: int, barrier: Barrier, results: Queue[tuple[int, str]]
) -> None:
    # A store that breaks under contention can fail again in a finaliser (dbm.dumb does);
    # that failure is already counted below, so keep it off the terminal.
    sys.unraisablehook = lambda _: None
    errors, first = 0, ""
    try:
        contender = setup.build(name)
        barrier.wait()
        for _ in range(increments):
            try:
                contender.increment()
            except Exception as error:
                errors += 1
                first = first or _describe(error)
        contender.close()
    except Exception as error:  # a store that breaks its own close() still reports
        errors, first = errors + 1, first or _describe(error)
    finally:
        results.put((errors, first))


def contend(
    setup: Setup, name: str, *, processes: int, increments: int, timeout: float = 300
) -> Contention:
    """Run `processes` x `increments` locked increments of contender `name` at once."""
    first = setup.build(name)
    first.save(setup.read_document())
    initial = int(first.load()[COUNTER])
    first.close()

    # fork is quick and inherits the imported library; spawn is the portable fallback.
    context = (
        multiprocessing.get_context("fork")
        if hasattr(os, "fork")
        else multiprocessing.get_context("spawn")
    )
    barrier = context.Barrier(processes + 1)
    results: Queue[tuple[int, str]] = context.Queue()
    workers = [
        context.Process(target=_worker, args=(setup, name, increments, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait(timeout=60)
    start = time.perf_counter()
    outcomes = [results.get(timeout=timeout) for _ in workers]
    seconds = time.perf_counter() - start
    for worker in workers:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()

    errors = sum(count for count, _ in outcomes)
    first_error = next((message for _, message in outcomes if message), None)
    final: int | None
    try:
        reader = setup.build(name)
        final = int(reader.load()[COUNTER])
        reader.close()
    except Exception as error:
        final, first_error = None, _describe(error)
    return Contention(name, processes, increments, seconds, initial, final, errors, first_error)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:90]
