"""`python -m benchmarks.types_load`: `load()` of the example state and of a state rich in
the newer field types, each against a raw `json.loads` of the same file, timed in turns.

The codec's speed while the generator cannot yet emit every type: the rich state is a
hand-written dataclass stored through the generated library's own `StateStore`. The
script prints a table; it writes no page and asserts nothing.
"""

# No `from __future__ import annotations`: the rich dataclasses are built at run time from
# the generated package's names, so their annotations must be evaluated where they stand.

import argparse
import dataclasses
import importlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, Literal
from uuid import UUID

from ._format import X
from ._generator import generate_example
from ._ours import generated_package, import_generated, manager_class
from ._payload import KB, human, sized_batch_state
from ._stats import race

RAW = "raw json.loads"


def rich_state_type(codec: ModuleType) -> type[Any]:
    """A root dataclass using every newer type and constraint, in the spelling of the model."""
    JSON, Constraints = codec.JSON, codec.Constraints

    class Status(StrEnum):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"

    @dataclass(kw_only=True)
    class Run:
        cost: Annotated[Decimal, Constraints(ge="0")] = Decimal("0")
        elapsed: timedelta = timedelta()
        started: datetime | None = None
        status: Status = Status.PENDING

    @dataclass(kw_only=True)
    class Rich:
        run_id: UUID
        budget: Decimal = Decimal("10.50")
        timeout: timedelta = timedelta(seconds=30)
        quiet_from: time | None = None
        blob: bytes | None = None
        extra: JSON = field(default_factory=dict)
        mode: Literal["fast", "safe"] = "safe"
        tags: set[str] = field(default_factory=set)
        shape: tuple[int, int] = (0, 0)
        history: tuple[float, ...] = ()
        by_id: dict[int, str] = field(default_factory=dict)
        per_status: dict[Status, int] = field(default_factory=dict)
        by_run: dict[UUID, Run] = field(default_factory=dict)
        retries: Annotated[int, Constraints(ge=0, le=10)] = 3
        ratio: Annotated[float, Constraints(gt=0, lt=1)] = 0.5
        name: Annotated[str, Constraints(min_length=1, max_length=64, pattern="^[a-z0-9-]+$")] = "x"
        items: Annotated[list[str], Constraints(max_length=100000)] = field(default_factory=list)
        scores: list[Annotated[int, Constraints(ge=0)]] = field(default_factory=list)
        started: Annotated[date, Constraints(ge="2024-01-01")] = date(2024, 1, 1)
        epoch: datetime = datetime(2024, 1, 1, tzinfo=UTC)

    return Rich


def rich_state(state_type: type[Any], scale: int) -> Any:
    """A rich state of about `scale` KB of JSON."""
    hints = {spec.name: spec.type for spec in dataclasses.fields(state_type)}
    run_type, status = hints["by_run"].__args__[1], hints["per_status"].__args__[0]
    start = datetime(2024, 6, 1, tzinfo=UTC)
    return state_type(
        run_id=UUID(int=scale),
        budget=Decimal("1234.5600"),
        timeout=timedelta(minutes=5, seconds=30),
        quiet_from=time(22, 30),
        blob=bytes(range(48)),
        extra={"model": {"layers": [64, 64, 10], "dropout": 0.1, "name": "mlp"}, "seed": 7},
        mode="fast",
        tags={f"tag-{index:03d}" for index in range(6 * scale)},
        shape=(28, 28),
        history=tuple(index / 7 for index in range(6 * scale)),
        by_id={index * 7: f"item-{index}" for index in range(4 * scale)},
        per_status={member: index for index, member in enumerate(status)},
        by_run={
            UUID(int=index): run_type(
                cost=Decimal(f"{index}.25"),
                elapsed=timedelta(seconds=index * 61.5),
                started=start + timedelta(hours=index),
                status=list(status)[index % 3],
            )
            for index in range(scale)
        },
        name="checkpoint-7",
        items=[f"shard-{index:05d}" for index in range(4 * scale)],
        scores=list(range(0, 12 * scale, 3)),
    )


def _ratio(path: Path, load: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """(median µs of load, median µs of raw json.loads, median per-round ratio)."""
    results = race(
        {"load": load, RAW: lambda: json.loads(path.read_bytes())},
        baseline=RAW,
        rounds=rounds,
        block=0.02,
    )
    ratio = results["load"].ratio
    assert ratio is not None
    load_us, raw_us = results["load"].seconds.median, results[RAW].seconds.median
    return load_us * 1e6, raw_us * 1e6, ratio.median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.types_load", description=__doc__)
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args(argv)
    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="stategen-types-") as scratch:
        root = Path(scratch)
        src, package = generated_package(generate_example(root / "project"))
        manager_type = manager_class(import_generated(src, package))
        for size in (5 * KB, 100 * KB):
            path = root / f"batch-{size}.json"
            path.write_text(json.dumps(sized_batch_state(size)))
            manager = manager_type(path)
            manager.save(manager.load())  # in the library's own form, with its checksum
            label = f"example batch state, old types ({human(path.stat().st_size)})"
            rows.append((label, *_ratio(path, manager.load, args.rounds)))
        codec = importlib.import_module(f"{package}._codec")
        store_type = importlib.import_module(f"{package}._store").StateStore
        rich_type = rich_state_type(codec)
        for scale in (5, 100):
            path = root / f"rich-{scale}.json"
            store = store_type(path, rich_type, schema_version="1.0.0")
            store.save(rich_state(rich_type, scale))
            label = f"rich state, new types ({human(path.stat().st_size)})"
            rows.append((label, *_ratio(path, store.load, args.rounds)))
    print(f"| state | load() µs | {RAW} µs | {X} raw |")
    print("|---|---|---|---|")
    for label, load, raw, ratio in rows:
        print(f"| {label} | {load:.1f} | {raw:.1f} | {ratio:.2f}{X} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
