"""Journal mode against SQLite: one update as the state grows, batches, transactions, load().

Every ratio is taken within one race.
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._change_size import ChangeSize, list_pop, set_add
from ._marks import ManyPoint, attempt, many_race, relaxed_race
from ._memory import MemoryCost, memory_cost
from ._payload import batch_state
from ._shapes import Shapes, shapes_race
from ._sqlite import SqliteItems, diskcache_of, syncs_stubbed
from ._stats import Entry, Summary, race

JOURNAL = "stategen mark_completed(), journal mode"
SNAPSHOT = "stategen mark_completed(), snapshot mode"
SQLITE = "SQLite WAL, synchronous=FULL: one-row UPDATE"
DISKCACHE = "diskcache (sqlite_synchronous=2): one key set"
TXN_JOURNAL = "stategen transaction(), one field, journal mode"
TXN_SNAPSHOT = "stategen transaction(), one field, snapshot mode"
RAW = "raw json.loads of the snapshot"
COLD = "load() by a manager made for it"
WARM = "load() by a manager that read it before"

Log = Callable[[str], None]


@dataclass(frozen=True)
class JournalConfig:
    """What to measure: sizes in items, and how hard."""

    sizes: tuple[int, ...]  # items in the batch, for the cost of one update
    snapshot_sizes: tuple[int, ...]  # the sizes snapshot mode is timed at (slow by nature)
    rounds: int
    block: float
    slow_rounds: int  # rounds of the races with snapshot mode
    loops: tuple[int, ...]  # items of the whole-batch loops
    transaction_items: int
    load_items: int
    load_records: tuple[int, ...]
    many_items: int  # the batch that K items at a time are completed in
    per_update: int  # K
    change_items: int  # the collections one small change is made to
    change_repeat: int

    @classmethod
    def full(cls) -> JournalConfig:
        return cls(
            sizes=(1_000, 10_000, 100_000, 500_000),
            snapshot_sizes=(1_000, 10_000, 100_000, 500_000),
            rounds=21,
            block=0.01,
            slow_rounds=5,
            loops=(10_000, 100_000),
            transaction_items=50_000,
            load_items=500_000,
            load_records=(0, 1_000, 100_000),
            many_items=100_000,
            per_update=100,
            change_items=100_000,
            change_repeat=5,
        )

    @classmethod
    def quick(cls) -> JournalConfig:
        return cls(
            sizes=(1_000, 10_000),
            snapshot_sizes=(1_000,),
            rounds=5,
            block=0.005,
            slow_rounds=3,
            loops=(2_000,),
            transaction_items=5_000,
            load_items=20_000,
            load_records=(0, 1_000),
            many_items=10_000,
            per_update=100,
            change_items=20_000,
            change_repeat=3,
        )


@dataclass
class UpdatePoint:
    """One update at one size: the journal's race and snapshot mode's, each with SQLite."""

    items: int
    snapshot_bytes: int
    fast: dict[str, Entry]
    slow: dict[str, Entry] = field(default_factory=dict)
    compaction: float | None = None  # seconds of one fold of the journal at this size
    records_per_compaction: float = 0.0
    relaxed: dict[str, Entry] | str = "not run"  # durability "normal", and syncs stubbed

    @property
    def compaction_share(self) -> float:
        """The compaction's cost spread over the records a journal holds before one."""
        if not self.compaction or not self.records_per_compaction:
            return 0.0
        return self.compaction / self.records_per_compaction

    def amortised(self) -> float | None:
        """Seconds per journal-mode update, with its share of the compactions it causes."""
        entry = self.fast.get(JOURNAL)
        return entry.seconds.median + self.compaction_share if entry else None

    def amortised_ratio(self) -> Summary | None:
        """Per round: (journal update + its share of a compaction) / SQLite update."""
        journal, sqlite = self.fast.get(JOURNAL), self.fast.get(SQLITE)
        if journal is None or sqlite is None:
            return None
        share = self.compaction_share
        return Summary.of(
            [(a + share) / b for a, b in zip(journal.samples, sqlite.samples, strict=True)]
        )


@dataclass(frozen=True)
class LoopPoint:
    """`next_pending()` + `mark_completed()` over a whole batch, against SQLite updates."""

    items: int
    ours: float
    sqlite: float
    ratios: Summary  # per chunk of the interleaved loops


@dataclass(frozen=True)
class LoadPoint:
    """load() of a state whose journal holds `records` records."""

    records: int
    entries: dict[str, Entry]


@dataclass
class JournalResults:
    updates: list[UpdatePoint] = field(default_factory=list)
    loops: list[LoopPoint] = field(default_factory=list)
    transaction: dict[str, Entry] = field(default_factory=dict)
    transaction_parts: dict[str, float] = field(default_factory=dict)
    transaction_bytes: int = 0
    loads: list[LoadPoint] = field(default_factory=list)
    load_bytes: int = 0
    many: ManyPoint | str = "not run"
    changes: list[ChangeSize | str] = field(default_factory=list)
    shapes: Shapes | str = "not run"
    memory: MemoryCost | str | None = None
    problem: str | None = None


def run_journal(
    config: JournalConfig, root: Path, module: Any, manager_class: Any, log: Log
) -> JournalResults:
    """Every journal figure, in `root`; `manager_class` is the generated `<State>Manager`."""
    results = JournalResults()
    state_of = _States(root / "scratch", manager_class)
    for items in config.sizes:
        log(f"journal: one update at {items} items")
        results.updates.append(_update_point(config, root / f"update-{items}", items, state_of))
    for items in config.loops:
        log(f"journal: a whole batch of {items} items")
        results.loops.append(_loop_point(root / f"loop-{items}", items, state_of))
    log(f"journal: a generic transaction at {config.transaction_items} items")
    _transaction(config, root / "transaction", module, state_of, results)
    for records in config.load_records:
        log(f"journal: load() with {records} records at {config.load_items} items")
        results.loads.append(
            _load_point(config, root / f"load-{records}", records, state_of, results)
        )
    _many_and_changes(config, root, state_of, results, log)
    items = config.sizes[-1]
    log(f"journal: the memory of a process holding {items} items")
    results.memory = attempt(
        lambda: memory_cost(
            root / "memory",
            state_of.fresh(items),
            manager_class,
            module,
            marks=min(1000, items // 10),
            repeat=config.slow_rounds,
        )
    )
    return results


def _many_and_changes(
    config: JournalConfig, root: Path, states: _States, results: JournalResults, log: Log
) -> None:
    many, changes = config.many_items, config.change_items
    log(f"journal: {config.per_update} items in one update at {many} items")
    results.many = attempt(
        lambda: many_race(
            root / "many",
            states.fresh(many),
            states.manager,
            per_update=config.per_update,
            rounds=config.rounds,
            block=5 * config.block,  # calls of milliseconds: more of them in each round
        )
    )
    log(f"journal: the record of one small change at {changes} items")
    state, repeat = states.fresh(changes), config.change_repeat
    results.changes = [
        attempt(lambda: list_pop(root / "changes", state, states.manager, repeat)),
        attempt(lambda: set_add(root / "changes", changes, repeat)),
    ]
    log(f"journal: transactions on a crawler's state and on a checked list at {changes} items")
    results.shapes = attempt(
        lambda: shapes_race(root / "shapes", changes, config.rounds, 5 * config.block)
    )


class _States:
    """Batch states for the generated library, converted by its own load()."""

    def __init__(self, scratch: Path, manager_class: Any) -> None:
        scratch.mkdir(parents=True, exist_ok=True)
        self.path = scratch / "state.json"
        self.manager_class = manager_class

    def fresh(self, items: int) -> Any:
        """A batch of `items` features, none completed or failed yet."""
        document = {**batch_state(items), "completed": [], "failed": {}, "current_index": 0}
        self.path.write_text(json.dumps(document), encoding="utf-8")
        return self.manager_class(self.path).load()

    def manager(self, path: Path, *, journal: bool, durability: str = "full") -> Any:
        return self.manager_class(path, journal=journal, durability=durability)


def _update_point(config: JournalConfig, root: Path, items: int, states: _States) -> UpdatePoint:
    state = states.fresh(items)
    features = list(state.features)
    journal = states.manager(root / "journal" / "state.json", journal=True)
    journal.save(state)
    sqlite = SqliteItems(root / "sqlite.db", features)
    cache = diskcache_of(root / "diskcache", features)
    pending = iter(features)
    ops: dict[str, Callable[[], object]] = {
        SQLITE: sqlite.update,
        JOURNAL: lambda: journal.mark_completed(next(pending)),
    }
    if cache is not None:
        keys = itertools.cycle(features)
        ops[DISKCACHE] = lambda: cache.set(next(keys), 1)
    # Each call marks one more item: the race must not run out of them.
    budget = max(1, (items * 3 // 4 - 8) // config.rounds)
    fast = race(ops, baseline=SQLITE, rounds=config.rounds, block=config.block, max_inner=budget)
    point = UpdatePoint(items, journal.path.stat().st_size, fast)
    point.compaction, point.records_per_compaction = _compaction(journal, pending)
    point.relaxed = attempt(
        lambda: relaxed_race(
            root / "relaxed",
            state,
            states.manager,
            rounds=config.rounds,
            block=config.block,
            budget=budget,
        )
    )
    if items in config.snapshot_sizes:
        snapshot = states.manager(root / "snapshot" / "state.json", journal=False)
        snapshot.save(state)
        left = iter(features)
        slow = {SQLITE: sqlite.update, SNAPSHOT: lambda: snapshot.mark_completed(next(left))}
        point.slow = race(
            slow, baseline=SQLITE, rounds=config.slow_rounds, block=config.block, max_inner=3
        )
    sqlite.close()
    if cache is not None:
        cache.close()
    return point


def _compaction(journal: Any, pending: Iterator[str]) -> tuple[float, float]:
    """Seconds of one fold of the journal, and how many records a full journal holds."""
    package = type(journal).__module__.rsplit(".", 1)[0]
    sizing, framing = (
        _module(package, "_runtime.engines.files.journal"),
        _module(package, "_runtime.engines.files.records"),
    )
    cache = journal._engine.files.cache  # the harness's one look inside: the records so far
    used = cache.end - framing.START
    per_record = used / cache.sequence if cache.sequence else 100.0
    capacity = sizing.capacity(journal.path.stat().st_size)
    times = []
    for _ in range(3):
        journal.mark_completed(next(pending))
        start = time.perf_counter()
        journal.compact()
        times.append(time.perf_counter() - start)
    return statistics.median(times), capacity / per_record


def _module(package: str, name: str) -> Any:
    from importlib import import_module

    return import_module(f"{package}.{name}")


def _loop_point(root: Path, items: int, states: _States) -> LoopPoint:
    state = states.fresh(items)
    features = list(state.features)
    journal = states.manager(root / "state.json", journal=True)
    journal.save(state)
    sqlite = SqliteItems(root / "sqlite.db", features)
    ours, theirs, ratios = 0.0, 0.0, []
    chunk = max(1, items // 50)
    for start in range(0, items, chunk):
        began = time.perf_counter()
        for _ in range(chunk):
            item = journal.next_pending()
            if item is None:
                break
            journal.mark_completed(item)
        mine = time.perf_counter() - began
        began = time.perf_counter()
        for feature in features[start : start + chunk]:
            sqlite.update_key(feature)
        other = time.perf_counter() - began
        ours, theirs = ours + mine, theirs + other
        ratios.append(mine / other)
    assert journal.next_pending() is None, "the loop did not finish the batch"
    sqlite.close()
    return LoopPoint(items, ours, theirs, Summary.of(ratios))


def _transaction(
    config: JournalConfig, root: Path, module: Any, states: _States, results: JournalResults
) -> None:
    items = config.transaction_items
    state = states.fresh(items)
    features = list(state.features)
    journal = states.manager(root / "journal" / "state.json", journal=True)
    snapshot = states.manager(root / "snapshot" / "state.json", journal=False)
    journal.save(state)
    snapshot.save(state)
    results.transaction_bytes = journal.path.stat().st_size
    sqlite = SqliteItems(root / "sqlite.db", features)
    pending = iter(features)

    def increment(manager: Any) -> Callable[[], None]:
        def run() -> None:
            with manager.transaction() as current:
                current.current_index += 1

        return run

    ops: dict[str, Callable[[], object]] = {
        SQLITE: sqlite.update,
        JOURNAL: lambda: journal.mark_completed(next(pending)),
        TXN_JOURNAL: increment(journal),
        TXN_SNAPSHOT: increment(snapshot),
    }
    results.transaction = race(
        ops, baseline=SQLITE, rounds=config.slow_rounds, block=config.block, max_inner=5
    )
    sqlite.close()
    results.transaction_parts = _transaction_parts(module, journal)


def _transaction_parts(module: Any, journal: Any) -> dict[str, float]:
    """Where a generic transaction's CPU goes: the median of each step, timed alone."""
    codec = _module(module.__name__, "_runtime.codec.codec")
    stored = journal._engine.files.cache.stored
    state = codec.decode(journal.state_type, stored.fields, trusted=True)
    state.current_index += 1

    def median(step: Callable[[], object]) -> float:
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            step()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    return {
        "hand out the state checked before (copy, build dataclasses)": median(
            lambda: codec.decode(journal.state_type, stored.fields, trusted=True)
        ),
        "the same, every value checked (as `load()` decodes)": median(
            lambda: codec.decode(journal.state_type, stored.fields)
        ),
        "find what changed, checking only that (JSON Patch)": median(
            lambda: codec.changes(state, stored.fields)
        ),
        "encode it whole (as `save()` checks it), for comparison": median(
            lambda: codec.encode(state)
        ),
    }


def _load_point(
    config: JournalConfig, root: Path, records: int, states: _States, results: JournalResults
) -> LoadPoint:
    state = states.fresh(config.load_items)
    path = root / "state.json"
    journal = states.manager(path, journal=True)
    journal.save(state)
    results.load_bytes = path.stat().st_size
    with syncs_stubbed():  # building the journal only: its syncs are not what is measured
        for feature in state.features[:records]:
            journal.mark_completed(feature)
    ops: dict[str, Callable[[], object]] = {
        RAW: lambda: json.loads(path.read_bytes()),
        COLD: lambda: states.manager(path, journal=True).load(),
        WARM: journal.load,
    }
    entries = race(ops, baseline=RAW, rounds=config.slow_rounds, block=config.block, max_inner=3)
    return LoadPoint(records, entries)
