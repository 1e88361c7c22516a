"""A state rich in the newer field types, and `load()` of it against raw `json.loads`.

The rich state is a hand-written dataclass stored through the generated library's own
`StateStore`, since the example spec does not use every type.
"""

# No `from __future__ import annotations`: the rich dataclasses are built at run time from
# the generated package's names, so their annotations must be evaluated where they stand.

import dataclasses
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, Literal
from uuid import UUID

from ._stats import Entry, race

RAW = "raw json.loads of the file"
RICH = "stategen load() of a state rich in the newer types"
SCALES = (10, 100)  # about 5 KB, the typical state's size, and about 50 KB


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
        extra: JSON = field(default_factory=dict)  # type: ignore[valid-type]  # runtime alias
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
    hints: dict[str, Any] = {spec.name: spec.type for spec in dataclasses.fields(state_type)}
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


def rich_loader(root: Path, package: str, scale: int) -> tuple[Path, Callable[[], object]]:
    """A rich state of `scale` saved under `root` by the generated `package`; its `load`."""
    codec = importlib.import_module(f"{package}._runtime.codec.codec")
    store_type = importlib.import_module(f"{package}._runtime.store").StateStore
    rich_type = rich_state_type(codec)
    path = root / f"rich-{scale}.json"
    store = store_type(path, rich_type, schema_version="1.0.0")
    store.save(rich_state(rich_type, scale))
    return path, store.load


def race_load(
    path: Path, load: Callable[[], object], rounds: int, block: float
) -> dict[str, Entry]:
    """`load` against a raw `json.loads` of the file at `path`, timed in turns."""
    return race(
        {RICH: load, RAW: lambda: json.loads(path.read_bytes())},
        baseline=RAW,
        rounds=rounds,
        block=block,
    )
