"""Property tests: any invalid spec is one clean error; any valid spec makes a clean project.

Light by default. `STATEGEN_FUZZ_INVALID` and `STATEGEN_FUZZ_VALID` raise the counts
(`python -m reliability --heavy` uses the sizes in `reliability/sizes.py`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SKIP_RUNTIME_DRIVEN
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import BREAKAGES, invalid_specs, valid_specs
from typer.testing import CliRunner

from reliability.evidence import record
from reliability.sizes import size
from stategen.cli import app

INVALID_COUNT = size("STATEGEN_FUZZ_INVALID")
VALID_COUNT = size("STATEGEN_FUZZ_VALID")
VALID_BATCH = 25
#: Generated suites run at once (the machines that run this have two cores or more).
PARALLEL_SUITES = 2

runner = CliRunner()


def _write(path: Path, spec: Any) -> Path:
    # JSON is YAML, and it writes any text unambiguously.
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("how", BREAKAGES)
def test_invalid_spec_exits_2_with_one_line(
    tmp_path_factory: pytest.TempPathFactory, how: str
) -> None:
    """Every broken spec exits 2 with one line naming the spec file, and creates nothing."""

    examples = max(1, -(-INVALID_COUNT // len(BREAKAGES)))  # rounded up: at least the count
    checked = 0

    # Each kind of breakage gets its share of the examples, so none goes untested.
    @settings(max_examples=examples, deadline=None)
    @given(spec=invalid_specs(how))
    def check(spec: Any) -> None:
        nonlocal checked
        checked += 1
        root = tmp_path_factory.mktemp("invalid")
        spec_path = _write(root / "stategen.yml", spec)
        dest = root / "out"
        result = runner.invoke(app, ["new", str(dest), "--spec", str(spec_path), "--defaults"])
        assert result.exit_code == 2, (how, spec, result.output, result.exception)
        assert "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, (how, lines)
        assert str(spec_path) in lines[0], (how, lines)
        assert not dest.exists()

    check()
    # Reached only when every example passed: a failure fails the test, which the report shows.
    record(
        "fuzz: invalid specs exit 2 with one line, no traceback, nothing created",
        runs=checked,
        failures=0,
        detail=how,
    )


def _generate(root: Path, specs: tuple[dict[str, Any], ...]) -> list[Path]:
    projects = []
    for spec in specs:
        spec_path = _write(root / f"{spec['package']}.yml", spec)
        dest = root / spec["package"]
        result = runner.invoke(app, ["new", str(dest), "--spec", str(spec_path), "--defaults"])
        assert result.exit_code == 0, (spec, result.output, result.exception)
        projects.append(dest)
    return projects


ROUND_TRIP = """
import importlib, json, sys
from dataclasses import fields
sys.path[:0] = {paths!r}
for package in {packages!r}:
    module = importlib.import_module(package)
    state_cls = module.FuzzState
    # The generated project's own sample builder fills every field with typed data.
    sys.path.insert(0, {tests_dir!r}.format(package=package))
    from _samples import sample_instance
    sys.modules.pop("_samples")
    sys.path.pop(0)
    state = sample_instance(state_cls)
    data = json.loads(json.dumps(state.to_dict()))
    assert state_cls.from_dict(data) == state, package
print("ok")
"""


def _batch_of_specs(batch: int) -> st.SearchStrategy[tuple[dict[str, Any], ...]]:
    count = min(VALID_BATCH, VALID_COUNT - batch * VALID_BATCH)
    return st.tuples(*(valid_specs(package=f"fuzz_{batch}_{n}") for n in range(count)))


@pytest.mark.e2e
@pytest.mark.long
@pytest.mark.parametrize("batch", range((VALID_COUNT + VALID_BATCH - 1) // VALID_BATCH))
def test_valid_specs_generate_clean_projects(
    tmp_path_factory: pytest.TempPathFactory, batch: int
) -> None:
    """Random valid specs generate projects that import, round-trip, and pass ruff and mypy.

    Each batch is one hypothesis example holding up to 25 specs, so ruff and mypy run once
    over the whole batch.
    """

    @settings(max_examples=1, deadline=None, database=None)
    @given(specs=_batch_of_specs(batch))
    def check_batch(specs: tuple[dict[str, Any], ...]) -> None:
        root = tmp_path_factory.mktemp(f"fuzz{batch}")
        projects = _generate(root, specs)
        sources = [str(p / "src") for p in projects]
        packages = [p.name for p in projects]
        script = ROUND_TRIP.format(
            paths=sources, packages=packages, tests_dir=str(root / "{package}" / "tests")
        )
        targets = [f"{s}/{n}" for s, n in zip(sources, packages, strict=True)]
        checks = [
            [sys.executable, "-c", script],
            [sys.executable, "-m", "ruff", "check", "--no-cache", *map(str, projects)],
            [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *map(str, projects)],
            [sys.executable, "-m", "mypy", "--config-file", _mypy_config(root, packages), *targets],
        ]
        for cmd in checks:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, cwd=root)
            assert result.returncode == 0, (
                f"{cmd[:4]}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        _run_own_suites(projects)

    check_batch()
    record(
        "fuzz: valid specs import, round-trip, pass ruff and mypy --strict, and their own tests",
        runs=min(VALID_BATCH, VALID_COUNT - batch * VALID_BATCH),
        failures=0,
        detail=f"batch {batch}",
    )


def _mypy_config(root: Path, packages: list[str]) -> str:
    """mypy --strict over the generated code only.

    The runtime every project holds byte for byte is type-checked once, in stategen's own
    run, and the example projects are checked whole in tests/e2e; here its imports are
    opaque, so only what depends on the spec (model, manager, migrations) is checked.
    """
    sections = ["[mypy]\nstrict = True\nincremental = False\nexclude = /_runtime/\n"]
    for package in packages:
        sections.append(f"[mypy-{package}._runtime.*]\nfollow_imports = skip\n")
        # What comes from the opaque runtime is Any: subclassing it and returning it are fine.
        sections.append(
            f"[mypy-{package}.*]\ndisallow_subclassing_any = False\nwarn_return_any = False\n"
        )
    config = root / "mypy.ini"
    config.write_text("\n".join(sections), encoding="utf-8")
    return str(config)


def _run_own_suites(projects: list[Path]) -> None:
    """Each project's own pytest suite (its state's tests: the runtime's are stategen's) passes,
    but for the files that drive the runtime through child processes whatever the schema."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SKIP_RUNTIME_DRIVEN]
    waiting = list(projects)
    running: list[tuple[Path, subprocess.Popen[str]]] = []
    while waiting or running:
        while waiting and len(running) < PARALLEL_SUITES:
            project = waiting.pop(0)
            child = subprocess.Popen(
                command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            running.append((project, child))
        project, child = running.pop(0)
        output, _ = child.communicate(timeout=600)
        assert child.returncode == 0, f"{project.name}'s own tests failed:\n{output[-4000:]}"
