"""Run every benchmark in one process, in one temp directory, and collect the results."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from . import _generator
from ._contenders import Contender, Document, FloorLocked, Guarantee, durable_write
from ._contention import Contention, contend
from ._evolution import Pair, bump_time, check_time, update_vs_copier
from ._imports import ImportCost, import_cost
from ._journal import JournalConfig, JournalResults, run_journal
from ._machine import describe
from ._payload import KB, MB, sized_batch_state
from ._postgres import PostgresResults, run_postgres
from ._rich import SCALES, race_load, rich_loader
from ._setup import FLOOR, FLOOR_LOCKED, OURS, Setup
from ._stats import Entry, Summary, race
from ._syscalls import Syscalls, audit

RAW_JSON = "raw json.loads of the file"
CHANGED = "stategen load() of a file changed since it was read"
SERIALIZE = "stategen's serialization alone (validate, encode, frame)"
FLOOR_JSON = "floor + json.dumps of the same document"
TXN = "stategen transaction()"
FLOOR_RMW = "floor + filelock + read and parse"
FLOORS = (FLOOR, FLOOR_LOCKED)
CROWD = 1000  # files beside the state file in the "crowded directory" figure
Generated = tuple[Path, str]  # src directory and import name of the generated library


@dataclass(frozen=True)
class Config:
    """How hard to measure: `full()` for the published report, `quick()` for CI."""

    name: str
    rounds: int  # the peer races, many contenders per round
    block: float
    pair_rounds: int  # the headline races: stategen against its baselines only
    pair_block: float
    typical: int
    sizes: tuple[int, ...]
    processes: int
    increments: int
    peer_increments: int
    strace_saves: int
    contention_repeat: int  # runs each of stategen and of floor + filelock, alternating
    help_repeat: int
    import_repeat: int  # fresh interpreters importing json, then the library, in turns
    new_repeat: int
    journal: JournalConfig
    postgres_seconds: float  # each throughput run of the PostgreSQL figures

    @classmethod
    def full(cls) -> Config:
        return cls(
            name="full",
            rounds=21,
            block=0.05,
            pair_rounds=61,
            pair_block=0.02,
            typical=5 * KB,
            sizes=(KB, 10 * KB, 100 * KB, MB, 10 * MB),
            processes=4,
            increments=200,
            peer_increments=200,
            strace_saves=20,
            contention_repeat=5,
            help_repeat=10,
            import_repeat=41,
            new_repeat=5,
            journal=JournalConfig.full(),
            postgres_seconds=3.0,
        )

    @classmethod
    def quick(cls) -> Config:
        return cls(
            name="quick",
            rounds=5,
            block=0.01,
            pair_rounds=9,
            pair_block=0.01,
            typical=5 * KB,
            sizes=(KB, 100 * KB),
            processes=4,
            increments=200,
            peer_increments=50,
            strace_saves=3,
            contention_repeat=1,
            help_repeat=3,
            import_repeat=5,
            new_repeat=1,
            journal=JournalConfig.quick(),
            postgres_seconds=0.5,
        )

    def rounds_for(self, size: int) -> int:
        """Fewer rounds for the big sizes, whose single calls already last long."""
        return max(5, self.pair_rounds // 3) if size >= MB else self.pair_rounds


@dataclass
class ScalePoint:
    size: int
    save: dict[str, Entry]
    load: dict[str, Entry]
    breakdown: dict[str, dict[str, float]]


@dataclass
class RichPoint:
    """`load()` of a state rich in the newer types (see _rich), against raw `json.loads`."""

    size: int
    load: dict[str, Entry]


@dataclass
class Results:
    config: Config
    machine: list[tuple[str, str]]
    ours_problem: str | None = None
    generated_with: str = ""
    typical_bytes: int = 0
    typical_breakdown: dict[str, dict[str, float]] = field(default_factory=dict)
    save: dict[str, Entry] = field(default_factory=dict)
    transaction: dict[str, Entry] = field(default_factory=dict)
    load: dict[str, Entry] = field(default_factory=dict)
    peer_save: dict[str, Entry] = field(default_factory=dict)
    peer_load: dict[str, Entry] = field(default_factory=dict)
    crowded: dict[str, Entry] = field(default_factory=dict)
    crowded_breakdown: dict[str, dict[str, float]] = field(default_factory=dict)
    contention: list[Contention] = field(default_factory=list)
    syscalls: dict[str, Syscalls] | str = "not run"
    guarantees: dict[str, Guarantee] = field(default_factory=dict)
    scale: list[ScalePoint] = field(default_factory=list)
    rich: list[RichPoint] = field(default_factory=list)
    journal: JournalResults | None = None
    postgres: PostgresResults | None = None
    startup: Summary | None = None
    imports: ImportCost | str = "not run"
    help: Summary | str = "not run"
    new: _generator.NewVsCopier | str = "not run"
    more_commands: dict[str, Pair | str] = field(default_factory=dict)
    stategen_shown: str = ""
    seconds: float = 0.0


def run(config: Config, temp_parent: Path | None, log: Callable[[str], None]) -> Results:
    """Everything, in order: state manager figures first, then the generator's."""
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="stategen-bench-", dir=temp_parent))
    results = Results(config, describe(root))
    try:
        ours = _generate(root / "project", results, log)
        _state_manager(config, root, ours, results, log)
        if ours is not None:
            log("import cost")
            src, package = ours
            results.imports = _attempt(lambda: import_cost(src, package, config.import_repeat))
            results.journal = _journal(config, root / "journal", ours, log)
            results.postgres = _postgres(config, root / "postgres", ours, log)
        _generator_figures(config, results, log)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    results.seconds = time.perf_counter() - started
    return results


def _generate(project: Path, results: Results, log: Callable[[str], None]) -> Generated | None:
    """Generate and import the example project: `stategen new`, else plain `copier copy`."""
    from ._ours import generated_package, import_generated

    log("generating the example project")
    try:
        _generator.generate_example(project)
        results.generated_with = f"`{_generator.stategen().shown} new --spec examples/batch.yml`"
    except Exception as error:
        log(f"  stategen new failed ({_one_line(error)}); trying copier copy")
        try:
            shutil.rmtree(project, ignore_errors=True)
            _generator.copier().time("copy", "--quiet", "--defaults", _generator.REPO, project)
            results.generated_with = "`copier copy --defaults` of this repository"
        except Exception as second:
            results.ours_problem = f"generation failed: {_one_line(second)}"
            log(f"  {results.ours_problem}")
            return None
    try:
        src, package = generated_package(project)
        import_generated(src, package)
    except Exception as error:
        results.ours_problem = f"the generated package does not import: {_one_line(error)}"
        log(f"  {results.ours_problem}")
        return None
    return src, package


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:300]}"


def _setup_for(root: Path, size: int, ours: Generated | None) -> Setup:
    """A Setup whose document is what the generated library writes for a state of `size`."""
    document: Document = sized_batch_state(size)
    data = json.dumps(document).encode()
    if ours is not None:
        from ._ours import Ours

        (root / "probe").mkdir(parents=True)
        probe = Ours(root / "probe", *ours)
        probe.save(document)
        data = probe.path.read_bytes()
        document = json.loads(data)
    return Setup.create(root, document, data, ours)


def _state_manager(
    config: Config, root: Path, ours: Generated | None, results: Results, log: Callable[[str], None]
) -> None:
    setup = _setup_for(root / "typical", config.typical, ours)
    document = setup.read_document()
    results.typical_bytes = setup.floor_bytes.stat().st_size
    names = setup.names()
    built: dict[str, Contender] = {name: setup.build(name) for name in names}
    for name, contender in built.items():
        results.guarantees[name] = contender.guarantee
        contender.save(document)

    saves = {name: _bind(c.save, document) for name, c in built.items()}
    saves[FLOOR_JSON] = _serializing_floor(root / "typical", document)
    loads: dict[str, Callable[[], object]] = {RAW_JSON: built[FLOOR].load}
    loads.update({name: _load_op(c) for name, c in built.items() if name not in FLOORS})
    headline = [FLOOR, FLOOR_JSON, OURS]
    if OURS in built:
        from ._ours import Ours

        ours_contender = built[OURS]
        assert isinstance(ours_contender, Ours)
        saves[SERIALIZE] = _bind(ours_contender.serialize, document)
        headline.append(SERIALIZE)
        loads[CHANGED] = ours_contender.load_changed

    log(f"save and load: stategen against the floor, {config.pair_rounds} rounds")

    def pair(ops: dict[str, Callable[[], object]], baseline: str) -> dict[str, Entry]:
        return race(ops, baseline=baseline, rounds=config.pair_rounds, block=config.pair_block)

    results.save = pair({k: saves[k] for k in headline if k in saves}, FLOOR)
    results.load = pair({k: loads[k] for k in (RAW_JSON, OURS, CHANGED) if k in loads}, RAW_JSON)
    saves.pop(SERIALIZE, None)
    loads.pop(CHANGED, None)

    locked = built[FLOOR_LOCKED]
    assert isinstance(locked, FloorLocked)
    txn: dict[str, Callable[[], object]] = {
        FLOOR_LOCKED: _bind(locked.save, document),
        FLOOR_RMW: locked.read_modify_write,
    }
    if OURS in built:
        txn[TXN] = built[OURS].increment
    log("transaction")
    results.transaction = pair(txn, FLOOR_LOCKED)

    log(f"peers: {len(saves)} stores x {config.rounds} rounds")
    results.peer_save = race(saves, baseline=FLOOR, rounds=config.rounds, block=config.block)
    results.peer_load = race(loads, baseline=RAW_JSON, rounds=config.rounds, block=config.block)

    if OURS in built:
        from ._breakdown import breakdown_of

        log("where the time goes")
        results.typical_breakdown = breakdown_of(
            built[OURS], document, built[FLOOR], rounds=max(25, 3 * config.pair_rounds)
        )
    for contender in built.values():
        contender.close()

    log(f"syscalls per save (strace, {config.strace_saves} saves each)")
    results.syscalls = audit(setup, names, config.strace_saves)

    mine = [name for name in (FLOOR_LOCKED, OURS) if name in names]
    for name in names:
        if name not in mine:
            log(f"contention: {name}: {config.processes} x {config.peer_increments}")
            results.contention.append(
                contend(setup, name, processes=config.processes, increments=config.peer_increments)
            )
    for run in range(config.contention_repeat):
        for name in mine:
            log(f"contention: {name}: {config.processes} x {config.increments}, run {run + 1}")
            results.contention.append(
                contend(setup, name, processes=config.processes, increments=config.increments)
            )

    if ours is not None:
        results.rich = _rich_loads(config, root / "rich", ours, log)
        log(f"save in a directory of {CROWD} files")
        results.crowded, results.crowded_breakdown = _crowded(config, root / "crowded", ours)

    for size in config.sizes:
        log(f"scale: {size} bytes")
        results.scale.append(_scale_point(config, root / f"scale-{size}", size, ours))


def _rich_loads(
    config: Config, root: Path, ours: Generated, log: Callable[[str], None]
) -> list[RichPoint]:
    root.mkdir(parents=True)
    points = []
    for scale in SCALES:
        path, load = rich_loader(root, ours[1], scale)
        log(f"load of a state rich in the newer types: {path.stat().st_size} bytes")
        entries = race_load(path, load, rounds=config.pair_rounds, block=config.pair_block)
        points.append(RichPoint(path.stat().st_size, entries))
    return points


def _crowded(
    config: Config, root: Path, ours: Generated
) -> tuple[dict[str, Entry], dict[str, dict[str, float]]]:
    """save() against the floor when the state file shares its directory with CROWD files."""
    setup = _setup_for(root, config.typical, ours)
    document = setup.read_document()
    floor, mine = setup.build(FLOOR), setup.build(OURS)
    for directory in {floor.directory, mine.directory}:
        for index in range(CROWD):
            (directory / f"neighbour-{index:05d}.txt").touch()
    ops = {FLOOR: _bind(floor.save, document), OURS: _bind(mine.save, document)}
    timed = race(ops, baseline=FLOOR, rounds=config.pair_rounds, block=config.pair_block)
    from ._breakdown import breakdown_of

    return timed, breakdown_of(mine, document, floor, rounds=config.pair_rounds)


def _scale_point(config: Config, root: Path, size: int, ours: Generated | None) -> ScalePoint:
    setup = _setup_for(root, size, ours)
    document = setup.read_document()
    floor = setup.build(FLOOR)
    floor.save(document)
    saves: dict[str, Callable[[], object]] = {
        FLOOR: _bind(floor.save, document),
        FLOOR_JSON: _serializing_floor(root, document),
    }
    loads: dict[str, Callable[[], object]] = {RAW_JSON: floor.load}
    breakdown: dict[str, dict[str, float]] = {}
    if ours is not None:
        from ._ours import Ours

        contender = setup.build(OURS)
        assert isinstance(contender, Ours)
        contender.save(document)
        saves[OURS] = _bind(contender.save, document)
        loads[OURS] = _load_op(contender)
        loads[CHANGED] = contender.load_changed
        from ._breakdown import breakdown_of

        breakdown = breakdown_of(contender, document, floor, rounds=config.rounds_for(size))
    rounds = config.rounds_for(size)
    return ScalePoint(
        setup.floor_bytes.stat().st_size,
        race(saves, baseline=FLOOR, rounds=rounds, block=config.pair_block),
        race(loads, baseline=RAW_JSON, rounds=rounds, block=config.pair_block),
        breakdown,
    )


def _journal(
    config: Config, root: Path, ours: Generated, log: Callable[[str], None]
) -> JournalResults:
    from ._ours import import_generated, manager_class

    module = import_generated(*ours)
    try:
        return run_journal(config.journal, root, module, manager_class(module), log)
    except Exception as error:
        log(f"  journal figures failed: {_one_line(error)}")
        return JournalResults(problem=_one_line(error))


def _postgres(
    config: Config, root: Path, ours: Generated, log: Callable[[str], None]
) -> PostgresResults:
    from ._ours import import_generated

    module = import_generated(*ours)
    log("PostgreSQL figures")
    try:
        return run_postgres(  # a headline target: as many rounds as the other headline races
            module,
            root,
            rounds=config.pair_rounds,
            block=config.pair_block,
            seconds=config.postgres_seconds,
            log=log,
        )
    except Exception as error:
        log(f"  PostgreSQL figures failed: {_one_line(error)}")
        return PostgresResults(problem=_one_line(error))


def _generator_figures(config: Config, results: Results, log: Callable[[str], None]) -> None:
    results.stategen_shown = _generator.stategen().shown
    log("generator: --help")
    results.startup = _generator.python_startup(config.help_repeat)
    results.help = _attempt(lambda: _generator.help_time(config.help_repeat))
    log("generator: new vs copier copy")
    results.new = _attempt(lambda: _generator.new_vs_copier(config.new_repeat))
    measures = {"bump": bump_time, "check": check_time, "update": update_vs_copier}
    for command, measure in measures.items():
        if _generator.command_available(command):
            log(f"generator: {command}")
            results.more_commands[command] = _attempt(partial(measure, config.new_repeat))
        else:
            results.more_commands[command] = "not available in this stategen"


def _attempt(measure: Callable[[], Any]) -> Any:
    try:
        return measure()
    except Exception as error:
        return f"failed: {_one_line(error)}"


def _serializing_floor(directory: Path, document: Document) -> Callable[[], None]:
    """The floor plus `json.dumps` of the document: the least any JSON store must do."""
    path = directory / "floor-json.json"
    return lambda: durable_write(path, json.dumps(document).encode())


def _bind(save: Callable[[Document], object], document: Document) -> Callable[[], object]:
    return lambda: save(document)


def _load_op(contender: Contender) -> Callable[[], object]:
    manager = getattr(contender, "manager", None)
    return manager.load if manager is not None else contender.load
