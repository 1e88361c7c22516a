"""A state with every newer field type and constraint, as a generated model spells them.

The codec's tests use it so they do not depend on the example spec's schema."""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

from batch_state._runtime.codec.codec import JSON, Constraints
from batch_state._runtime.store import StateStore

VERSION = "1.0.0"
FIRST_RUN = UUID(int=1)


class Status(StrEnum):
    # Declared out of alphabetical order, so a set of them shows which order it is saved in.
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(kw_only=True)
class Run:
    cost: Annotated[Decimal, Constraints(ge="0")] = Decimal("0")
    elapsed: timedelta = timedelta()
    status: Status = Status.PENDING


@dataclass(kw_only=True)
class Rich:
    """Every type of the issue's example spec, plus the other forms the codec supports."""

    run_id: UUID = FIRST_RUN
    budget: Decimal = Decimal("10.50")
    timeout: timedelta = timedelta(seconds=30)
    quiet_from: time | None = None
    blob: bytes | None = None
    extra: JSON = field(default_factory=dict)
    mode: Literal["fast", "safe"] = "safe"
    level: Literal[1, 2, True] = 1
    tags: set[str] = field(default_factory=set)
    numbers: set[int] = field(default_factory=set)
    statuses: set[Status] = field(default_factory=set)
    modes: set[Literal["safe", "fast"]] = field(default_factory=set)
    ids: set[UUID] = field(default_factory=set)
    days: set[date] = field(default_factory=set)
    shape: tuple[int, int] = (0, 0)
    pair: tuple[str, Decimal] = ("a", Decimal("1"))
    history: tuple[float, ...] = ()
    by_id: dict[int, str] = field(default_factory=dict)
    per_status: dict[Status, int] = field(default_factory=dict)
    by_run: dict[UUID, Run] = field(default_factory=dict)
    by_day: dict[date, int] = field(default_factory=dict)
    by_mode: dict[Literal["fast", 7], int] = field(default_factory=dict)
    retries: Annotated[int, Constraints(ge=0, le=10)] = 3
    ratio: Annotated[float, Constraints(gt=0, lt=1)] = 0.5
    price: Annotated[Decimal, Constraints(gt="0", le="99.99")] = Decimal("1.00")
    name: Annotated[str, Constraints(min_length=1, max_length=64, pattern="^[a-z0-9-]+$")] = "x"
    code: Annotated[str, Constraints(pattern="[A-Z]{3}")] = "ABC"
    digest: Annotated[bytes, Constraints(min_length=2, max_length=4)] = b"ab"
    items: Annotated[list[str], Constraints(max_length=3)] = field(default_factory=list)
    point: Annotated[tuple[int, ...], Constraints(min_length=1)] = (0,)
    labels: Annotated[set[str], Constraints(max_length=2)] = field(default_factory=set)
    weights: Annotated[dict[str, float], Constraints(min_length=1)] = field(
        default_factory=lambda: {"a": 1.0}
    )
    scores: list[Annotated[int, Constraints(ge=0)]] = field(default_factory=list)
    limits: dict[
        Annotated[str, Constraints(pattern="[a-z]+")], Annotated[int, Constraints(lt=5)]
    ] = field(default_factory=dict)
    letters: set[Annotated[str, Constraints(max_length=1)]] = field(default_factory=set)
    size: tuple[Annotated[int, Constraints(gt=0)], Annotated[int, Constraints(gt=0)]] = (1, 1)
    maybe: Annotated[int, Constraints(le=0)] | None = None
    started: Annotated[date, Constraints(ge="2024-01-01")] = date(2024, 1, 1)
    epoch: Annotated[datetime, Constraints(lt="2100-01-01T00:00:00+00:00")] = datetime(
        2024, 1, 1, tzinfo=UTC
    )
    wait: Annotated[timedelta, Constraints(gt="PT0S", le="P1D")] = timedelta(seconds=1)


def rich_sample() -> Rich:
    """A Rich with every field away from its default, and awkward values where they exist."""
    return Rich(
        run_id=UUID("12345678-9abc-def0-1234-56789abcdef0"),
        budget=Decimal("1234.5600"),
        timeout=timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=500_000),
        quiet_from=time(22, 30, 5, 123, tzinfo=timezone(timedelta(hours=-3))),
        blob=bytes(range(256)),
        extra={"model": {"layers": [64, 10], "dropout": 0.1, "tag": '✓ "q"'}, "n": None},
        mode="fast",
        level=True,
        tags={"b", "a", "é", "B"},
        numbers={10, 9, -1, 2**70},
        statuses={Status.FAILED, Status.PENDING},
        modes={"fast", "safe"},
        ids={UUID(int=2**127), UUID(int=5)},
        days={date(2024, 12, 31), date(999, 1, 1)},
        shape=(28, -28),
        pair=("b", Decimal("-0.000")),
        history=(0.1, -2.5, 1e300),
        by_id={7: "seven", -1: "minus one", 0: "zero", 10**30: "big"},
        per_status={Status.DONE: 2, Status.PENDING: 0},
        by_run={UUID(int=3): Run(cost=Decimal("2.50"), elapsed=timedelta(minutes=61))},
        by_day={date(2024, 2, 29): 1},
        by_mode={"fast": 1, 7: 2},
        retries=10,
        ratio=0.999,
        price=Decimal("99.99"),
        name="checkpoint-7",
        code="XYZ",
        digest=b"\x00\xff\x10\x20",
        items=["a", "b", "c"],
        point=(1, 2, 3),
        labels={"x", "y"},
        weights={"w": 0.25},
        scores=[0, 5, 10],
        limits={"abc": 4, "z": -100},
        letters={"q", "r"},
        size=(3, 4),
        maybe=-5,
        started=date(2024, 1, 1),
        epoch=datetime(2099, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        wait=timedelta(days=1),
    )


def store_at(path: Path) -> StateStore[Rich]:
    """A store of Rich states at `path`."""
    return StateStore(path, Rich, schema_version=VERSION)


def write_state(path: Path, **fields: Any) -> None:
    """A state file written by hand (no checksum entry), holding exactly `fields`."""
    path.write_text(json.dumps({"version": VERSION, **fields}, ensure_ascii=False))
