"""Timing: calibrated blocks, round-robin races, and robust summaries (median, IQR, range)."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Op = Callable[[], object]


@dataclass(frozen=True)
class Summary:
    """A sample summarised by its median and spread."""

    median: float
    q1: float
    q3: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        if not values:
            raise ValueError("no samples")
        ordered = sorted(values)
        if len(ordered) >= 4:
            q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1, q3 = ordered[0], ordered[-1]
        return cls(statistics.median(ordered), q1, q3, ordered[0], ordered[-1], len(ordered))


@dataclass(frozen=True)
class Entry:
    """One contender's per-operation times and its per-round ratio to the baseline."""

    name: str
    seconds: Summary
    ratio: Summary | None
    samples: tuple[float, ...]

    def against(self, other: Entry) -> Summary:
        """Per-round ratio of this contender to another one timed in the same race."""
        return Summary.of([a / b for a, b in zip(self.samples, other.samples, strict=True)])


def _estimate(op: Op) -> float:
    """Seconds per call of `op`, roughly (after one warm-up call)."""
    op()
    start = time.perf_counter()
    for _ in range(3):
        op()
    return (time.perf_counter() - start) / 3


def race(
    ops: Mapping[str, Op],
    *,
    baseline: str,
    rounds: int,
    block: float,
    max_inner: int = 2000,
) -> dict[str, Entry]:
    """Time every op in the same rounds, call by call in turns, and compare each to `baseline`.

    Within a round the contenders take turns one call at a time (the order rotates), so a
    slow or fast moment of the machine hits all of them alike; a round lasts about `block`
    seconds per contender. A contender's time in a round is its mean per call, and its ratio
    is taken per round (its time over the baseline's) and then summarised. The garbage
    collector runs between rounds, not inside them.
    """
    names = list(ops)
    inner = max(1, min(max_inner, round(block / max(_estimate(op) for op in ops.values()))))
    samples: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter
    for index in range(rounds):
        spent = dict.fromkeys(names, 0.0)
        gc.collect()
        gc.disable()
        try:
            for turn in range(inner):
                shift = (index * inner + turn) % len(names)
                for name in names[shift:] + names[:shift]:
                    op = ops[name]
                    start = clock()
                    op()
                    spent[name] += clock() - start
        finally:
            gc.enable()
        for name in names:
            samples[name].append(spent[name] / inner)
    base = samples[baseline]
    return {
        name: Entry(
            name,
            Summary.of(values),
            None
            if name == baseline
            else Summary.of([value / ref for value, ref in zip(values, base, strict=True)]),
            tuple(values),
        )
        for name, values in samples.items()
    }


def wall_times(run: Callable[[], None], repeat: int) -> Summary:
    """Wall-clock seconds of `repeat` calls of `run`, one sample per call."""
    values = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        values.append(time.perf_counter() - start)
    return Summary.of(values)
