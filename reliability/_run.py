"""Generate the example project and run its own tests, then stategen's runtime tests, its
checks of the runtime and its hostile-input tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._junit import Tally, read_junit
from ._process import Finished, run
from ._rows import Row, merge_cases, read_evidence
from ._server import server_environment
from .evidence import EVIDENCE
from .sizes import environment

REPO = Path(__file__).resolve().parents[1]
SPEC = "examples/batch.yml"
PROJECT = "batch-state"  # the example spec's project name
RUNTIME_TESTS = "tests/runtime"
CHECKS = "reliability/checks"
GENERATOR_TESTS = (
    "tests/fuzz",
    "tests/e2e/test_hostile_values.py",
    "tests/e2e/test_no_code_from_input.py",
)

Log = Callable[[str], None]


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    recorded: int = 0  # rows the tests recorded themselves (not derived from junit or exits)
    problems: list[str] = field(default_factory=list)  # steps that did not finish cleanly


@dataclass(frozen=True)
class Suite:
    name: str
    key: str  # names its junit report, log and pytest temp directory in the work directory
    tests: tuple[str, ...]
    cwd: Path
    where: str  # prefix of its test ids on the page, so the suites cannot be confused
    parallel: bool = True  # one pytest worker per core (pytest-xdist), as `scripts/test` runs


def run_all(work: Path, *, heavy: bool, log: Log) -> Results:
    """Everything in `work`: the project, the evidence file, junit reports, logs, temp files."""
    results = Results()
    env = environment(os.environ, heavy=heavy, evidence=work / "evidence.jsonl")
    project = work / PROJECT

    log(f"generating {PROJECT} from {SPEC}")
    generated = run(
        [sys.executable, "-m", "stategen", "new", str(project), "--spec", SPEC, "--defaults"],
        cwd=REPO,
        env=dict(os.environ),
        log=work / "generate.log",
    )
    if generated.status == 0:
        # The generated library needs only filelock, which this environment has: no install.
        path = os.pathsep.join(filter(None, [str(project / "src"), env.get("PYTHONPATH")]))
        # A few seconds of tests, in an environment that need not have pytest-xdist.
        suite = Suite(
            f"{PROJECT}'s own tests", "generated", ("tests",), project, f"{PROJECT}/", False
        )
        server = server_environment(env)  # its PostgreSQL tests run when this run has a server
        _run_suite(results, suite, {**env, **server, "PYTHONPATH": path}, work, log)
    else:
        results.problems.append(f"`stategen new` {_outcome(generated)}")
        results.rows.append(
            Row(
                "generate the example project",
                f"stategen new --spec {SPEC}",
                runs=1,
                failures=1,
                detail=generated.tail(1),
            )
        )
        log(f"`stategen new` {_outcome(generated)}:\n{generated.tail()}")

    # The runtime's own tests and the checks generate the example package for themselves, on
    # stategen's runtime (tests/runtime/_package.py): they need nothing from the project above.
    runtime = Suite("stategen's runtime tests", "runtime", (RUNTIME_TESTS,), REPO, "")
    _run_suite(results, runtime, env, work, log)
    checks = Suite(f"stategen's checks of {PROJECT}'s library", "checks", (CHECKS,), REPO, "")
    _run_suite(results, checks, env, work, log)

    suite = Suite("stategen's hostile-input tests", "generator", GENERATOR_TESTS, REPO, "")
    _run_suite(results, suite, env, work, log)
    return results


def _run_suite(results: Results, suite: Suite, env: dict[str, str], work: Path, log: Log) -> None:
    """Run one pytest suite; add its evidence rows, its failed tests and its summary row."""
    evidence, junit = Path(env[EVIDENCE]), work / f"{suite.key}.xml"
    _, before = read_evidence(evidence)
    command = [
        *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
        *suite.tests,
        f"--junitxml={junit}",
        # pytest's temp files in the work directory: kept with --keep, gone otherwise.
        f"--basetemp={work / ('tmp-' + suite.key)}",
    ]
    if suite.parallel:
        # Checks record their rows with one append each, so workers never interleave them.
        command += ["-n", os.environ.get("PYTEST_WORKERS", "auto")]
    log(f"running {suite.name}")
    finished = run(command, cwd=suite.cwd, env=env, log=work / f"{suite.key}.log")
    recorded, _ = read_evidence(evidence, start=before, where=suite.where)
    tally = read_junit(junit, root=suite.cwd, where=suite.where)
    results.recorded += len(recorded)
    results.rows += merge_cases(recorded)
    results.rows += tally.failed if tally else []
    results.rows.append(suite_row(suite, finished, tally))
    outcome = "pytest " + _outcome(finished)
    log(f"{suite.name}: {outcome}, {len(recorded)} evidence rows, {finished.seconds:.0f} s")
    if finished.status != 0:
        results.problems.append(f"{suite.name}: {outcome}")
        log(finished.tail())


def suite_row(suite: Suite, finished: Finished, tally: Tally | None) -> Row:
    """The whole suite as one row: every test that ran, and whether pytest was content."""
    ran = tally.tests - tally.skipped if tally else 0
    failures = len(tally.failed) if tally else 0
    notes = ["pytest " + _outcome(finished), f"{finished.seconds:.0f} s"]
    if tally is None:
        notes.append("no junit report")
    elif tally.skipped:
        notes.append(f"{tally.skipped} skipped")
    # pytest can be unhappy with no failed test to show for it (nothing collected, an
    # internal error, a timeout): that still fails the suite.
    if finished.status != 0 and failures == 0:
        failures = 1
    return Row(
        check=f"whole suite: {suite.name}",
        test=" ".join(suite.where + test for test in suite.tests),
        runs=ran,
        failures=failures,
        detail=", ".join(notes),
    )


def _outcome(finished: Finished) -> str:
    if finished.status is None:
        return f"timed out after {finished.seconds:.0f} s"
    return f"exit {finished.status}"
