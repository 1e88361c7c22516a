"""The PostgreSQL engine: transaction() and load() against the same SQL written by hand with
psycopg, and transactions per second with 1, 4 and 16 workers, the file engine beside it."""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ._stats import Entry, race

URL_VARIABLE = "STATEGEN_TEST_POSTGRES_URL"
OURS_TXN = "stategen transaction() on a PostgreSQL row"
HAND_TXN = "psycopg by hand: SELECT … FOR UPDATE, UPDATE, COMMIT"
OURS_LOAD = "stategen load() of a PostgreSQL row"
HAND_LOAD = "psycopg by hand: SELECT of the jsonb document"
WORKERS = (1, 4, 16)

Log = Callable[[str], None]


@dataclass
class Throughput:
    """Transactions per second of `workers` processes, on one key or on a key each."""

    backend: str  # "PostgreSQL" or "file"
    workers: int
    shared: float  # all on one key (one file)
    distinct: float  # each on its own key (its own file)


@dataclass
class PostgresResults:
    """The races and the throughput runs, or why they were not run."""

    problem: str | None = None
    transaction: dict[str, Entry] = field(default_factory=dict)
    load: dict[str, Entry] = field(default_factory=dict)
    throughput: list[Throughput] = field(default_factory=list)
    items: int = 0


@dataclass(kw_only=True)
class Tally:
    """The benchmarks' state: a counter beside a list, about a kilobyte as JSON."""

    count: int = 0
    items: list[str] = field(default_factory=list)


def run_postgres(
    module: ModuleType, root: Path, *, rounds: int, block: float, seconds: float, log: Log
) -> PostgresResults:
    """Every PostgreSQL figure, against the server STATEGEN_TEST_POSTGRES_URL names."""
    url = os.environ.get(URL_VARIABLE)
    if not url:
        return PostgresResults(
            problem=f"no PostgreSQL server configured: set {URL_VARIABLE} "
            '(`eval "$(bash scripts/postgres start DIR)"`)'
        )
    import psycopg

    table = f"bench_{secrets.token_hex(4)}"
    results = PostgresResults(items=20)
    store = _store(module, url, table, "race")
    store.save(_tally())
    with psycopg.connect(url, autocommit=True) as connection:
        hand = f"{table}_hand"
        connection.execute(f'CREATE TABLE "{hand}" (key text PRIMARY KEY, document jsonb)'.encode())
        connection.execute(
            f'INSERT INTO "{hand}" VALUES (%s, %s::jsonb)'.encode(),
            ("race", json.dumps({"count": 0, "items": _tally().items})),
        )
        try:
            log("  PostgreSQL: transaction() against SQL by hand")
            results.transaction = race(
                {OURS_TXN: lambda: _increment(store), HAND_TXN: lambda: _by_hand(connection, hand)},
                baseline=HAND_TXN,
                rounds=rounds,
                block=block,
            )
            log("  PostgreSQL: load() against a SELECT by hand")
            results.load = race(
                {OURS_LOAD: store.load, HAND_LOAD: lambda: _select(connection, hand)},
                baseline=HAND_LOAD,
                rounds=rounds,
                block=block,
            )
            for workers in WORKERS:
                log(f"  throughput with {workers} workers")
                results.throughput.append(
                    Throughput(
                        "PostgreSQL",
                        workers,
                        _throughput(module, url, table, workers, seconds, shared=True),
                        _throughput(module, url, table, workers, seconds, shared=False),
                    )
                )
                files = str(root / f"files-{workers}")
                results.throughput.append(
                    Throughput(
                        "file",
                        workers,
                        _throughput(module, files, None, workers, seconds, shared=True),
                        _throughput(module, files, None, workers, seconds, shared=False),
                    )
                )
        finally:
            connection.execute(
                f'DROP TABLE IF EXISTS "{hand}", "{table}", "{table}_history"'.encode()
            )
    return results


def _tally() -> Tally:
    return Tally(items=[f"item-{index:04d}-" + "x" * 30 for index in range(20)])


def _store(module: ModuleType, location: str, table: str | None, key: str) -> Any:
    """A store of Tally states: a row of `table` at `location` (a URL), or a file there."""
    store_class = importlib.import_module(f"{module.__name__}._runtime.store").StateStore
    if table is None:
        Path(location).mkdir(parents=True, exist_ok=True)
        return store_class(Path(location) / f"{key}.json", Tally, schema_version="1.0.0")
    return store_class(location, Tally, schema_version="1.0.0", table=table, key=key)


def _increment(store: Any) -> None:
    with store.transaction() as state:
        state.count += 1


def _by_hand(connection: Any, table: str) -> None:
    """What a careful user writes without the library: lock, read, change, write, commit."""
    with connection.transaction():
        row = connection.execute(
            f'SELECT document FROM "{table}" WHERE key = %s FOR UPDATE'.encode(), ("race",)
        ).fetchone()
        document = row[0]
        document["count"] += 1
        connection.execute(
            f'UPDATE "{table}" SET document = %s::jsonb WHERE key = %s'.encode(),
            (json.dumps(document), "race"),
        )


def _select(connection: Any, table: str) -> Any:
    return connection.execute(
        f'SELECT document FROM "{table}" WHERE key = %s'.encode(), ("race",)
    ).fetchone()


def _work(
    module: ModuleType,
    location: str,
    table: str | None,
    key: str,
    window: tuple[float, float],
    done: Any,
) -> None:
    store = _store(module, location, table, key)
    start, until = window
    with store.transaction(default=Tally):
        pass  # connected, the tables made: outside the measured window
    time.sleep(max(0.0, start - time.monotonic()))
    made = 0
    while time.monotonic() < until:
        with store.transaction(default=Tally) as state:
            state.count += 1
        made += 1
    with done.get_lock():
        done.value += made


def _throughput(
    module: ModuleType,
    location: str,
    table: str | None,
    workers: int,
    seconds: float,
    *,
    shared: bool,
) -> float:
    """Transactions per second of `workers` processes for `seconds`."""
    ctx = multiprocessing.get_context("fork")
    done = ctx.Value("q", 0)
    start = time.monotonic() + 1.0  # every worker forked and connected before the clock starts
    window = (start, start + seconds)
    keys = [
        "shared" if shared else f"w{workers}-{index}-{secrets.token_hex(2)}"
        for index in range(workers)
    ]
    processes = [
        ctx.Process(target=_work, args=(module, location, table, key, window, done)) for key in keys
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(seconds + 120)
    return float(done.value) / seconds
