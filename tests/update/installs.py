"""Installs of stategen as a user gets them: a wheel built from a checkout, in a fresh venv.

Everything works offline. The wheel is built with this environment's hatchling (no build
isolation, so nothing is downloaded); the venv gets stategen from the wheel alone
(`--no-index --no-deps`), and reaches its dependencies (Copier, Typer …) and the generated
projects' test tools through a `.pth` file naming this environment's site-packages. Those
directories are plain path entries there: their own `.pth` files (this checkout's editable
install among them) are not run, so the venv imports the wheel's stategen, not this one.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import sysconfig
from pathlib import Path


def build_wheel(checkout: Path, out: Path) -> Path:
    """`pip wheel` of the checkout, offline when hatchling is importable here."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")
    done = subprocess.run(
        [*command, str(checkout)], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = out.glob("stategen-*.whl")
    return wheel


def make_venv(path: Path, wheel: Path) -> Path:
    """A fresh venv at `path` holding the wheel; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    deps.append(sysconfig.get_paths()["purelib"])
    Path(purelib, "test-dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    install(python, wheel)
    return python


def install(python: Path, wheel: Path) -> None:
    """Install (or upgrade to) `wheel` in the venv of `python`, offline."""
    command = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    done = subprocess.run(
        [*command, "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
