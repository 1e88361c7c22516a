"""The generator's own speed: `stategen --help`, `stategen new` against `copier copy`, and more."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._stats import Summary

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_SPEC = REPO / "examples" / "batch.yml"


@dataclass(frozen=True)
class Command:
    """How to run a tool in a child process, and how to show that to a reader."""

    argv: list[str]
    env: dict[str, str]
    shown: str

    def run(self, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.argv, *map(str, args)],
            env=self.env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def time(self, *args: str | Path, cwd: Path | None = None) -> float:
        """Wall seconds of one successful run."""
        start = time.perf_counter()
        done = self.run(*args, cwd=cwd)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            tail = (done.stderr.strip() or done.stdout.strip() or "?").splitlines()[-1]
            raise RuntimeError(f"`{self.shown} {args[0]}` exited {done.returncode}: {tail}")
        return seconds


def _env(extra_path: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    return env


def stategen() -> Command:
    """The installed `stategen` script, else `python -m stategen` from this checkout."""
    script = Path(sys.executable).with_name("stategen")
    if script.exists():
        return Command([str(script)], _env(), "stategen")
    source = None if importlib.util.find_spec("stategen") else REPO / "src"
    return Command([sys.executable, "-m", "stategen"], _env(source), "python -m stategen")


def copier() -> Command:
    """The installed `copier` script, else `python -m copier`."""
    script = Path(sys.executable).with_name("copier")
    if script.exists():
        return Command([str(script)], _env(), "copier")
    return Command([sys.executable, "-m", "copier"], _env(), "python -m copier")


def python_startup(repeat: int) -> Summary:
    """The interpreter's own start-up, for context."""
    command = Command([sys.executable, "-c", "pass"], _env(), "python -c pass")
    return Summary.of([command.time() for _ in range(repeat)])


def help_time(repeat: int) -> Summary:
    """`stategen --help`, end to end in a fresh process."""
    command = stategen()
    command.time("--help")  # warm the OS file cache and the bytecode cache
    return Summary.of([command.time("--help") for _ in range(repeat)])


def generate_example(dest: Path) -> Path:
    """Generate the example batch project with `stategen new` and return its directory.

    PostgreSQL is turned on (`postgres: true`), so one library is measured on both engines.
    """
    return generate(dest, EXAMPLE_SPEC.read_text(encoding="utf-8") + "postgres: true\n")


def generate(dest: Path, spec_text: str) -> Path:
    """Generate a project from the spec `spec_text` with `stategen new`; return its directory."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    spec = dest.parent / f"{dest.name}-stategen.yml"
    spec.write_text(spec_text, "utf-8")
    stategen().time("new", dest, "--spec", spec)
    return dest


@dataclass(frozen=True)
class NewVsCopier:
    """`stategen new` and `copier copy` of the same template and answers, timed in turns."""

    new: Summary
    copier: Summary
    ratio: Summary
    source: str


def new_vs_copier(repeat: int) -> NewVsCopier:
    """Time `stategen new` then `copier copy` of the answers it recorded, `repeat` times each."""
    with tempfile.TemporaryDirectory(prefix="stategen-bench-gen-") as scratch:
        root = Path(scratch)
        first = generate_example(root / "first")
        answers: dict[str, Any] = yaml.safe_load((first / ".copier-answers.yml").read_text())
        # The project records the template's public URL; stategen reads it from its own
        # bundle, and so does the plain Copier run here (offline, as a user would).
        source = _local_template()
        data = root / "answers.yml"
        data.write_text(yaml.safe_dump({k: v for k, v in answers.items() if not k.startswith("_")}))
        copy_args: list[str | Path] = ["copy", "--quiet", "--defaults", "--data-file", data]
        if answers.get("_commit"):
            copy_args += ["--vcs-ref", str(answers["_commit"])]
        new_times, copier_times = [], []
        for index in range(repeat):
            new_times.append(stategen().time("new", root / f"new{index}", "--spec", EXAMPLE_SPEC))
            copier_times.append(copier().time(*copy_args, source, root / f"copier{index}"))
            shutil.rmtree(root / f"new{index}")
            shutil.rmtree(root / f"copier{index}")
        ratios = [n / c for n, c in zip(new_times, copier_times, strict=True)]
        return NewVsCopier(
            Summary.of(new_times), Summary.of(copier_times), Summary.of(ratios), source
        )


def _local_template() -> str:
    """The history bundle of the stategen under test, as that stategen finds it."""
    probe = "from stategen._template_source import default_template_source as s; print(s())"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=stategen().env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def command_available(name: str) -> bool:
    """Whether this stategen has the subcommand `name`."""
    return stategen().run(name, "--help").returncode == 0
