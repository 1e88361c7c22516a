"""Write src/stategen/spec/_tooling.py: the import names a generated project's tooling takes.

A generated project puts `src/` on the import path of everything in its environment (its
pytest `pythonpath`, mypy's `mypy_path`, and the `.pth` file of `pip install -e .`), so a
package named like a module that a tool imports shadows it: `package: pluggy` broke the
project's own pytest. The list is derived, not picked: it is every top-level module of
every distribution that the generated project's environment holds, found by walking the
requirements from

- the generated project's own pyproject.toml: its build requirements (hatchling), its
  dependencies (filelock) and its `dev` extra (pytest, ruff, mypy);
- pip, which installs it, and stategen itself, which its CI installs next to it;

through every dependency, whatever its environment marker (a dependency that is not
installed here, e.g. colorama off Windows, adds its own name). Extras of dependencies are
not followed: the project does not install them. The generated tests' own module names
(conftest, test_*) are added too.

Run it after the generated project's requirements change, or when the test says so:
    .venv/bin/python scripts/tooling_modules.py
tests/spec/test_tooling_names.py fails while a tool imports a module missing from the list.
"""

from __future__ import annotations

import re
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path, PurePosixPath

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from stategen.commands.new import new

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "stategen" / "spec" / "_tooling.py"
#: What a generated package may be called at all (`stategen.spec._names`).
_PACKAGE = re.compile(r"[a-z][a-z0-9_]*")
#: What pip and stategen add to the generated project's environment.
_INSTALLERS = ("pip", "stategen")


def example_project() -> tuple[list[str], set[str]]:
    """The requirements of the example project as `stategen new` generates it, and the
    modules its tests import by plain name (conftest, test_*, their helpers)."""
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        new(project, spec_path=ROOT / "examples" / "batch.yml")
        config = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
        tests = {"tests", *(path.stem for path in (project / "tests").glob("*.py"))}
    requirements = [
        *config["build-system"]["requires"],
        *config["project"]["dependencies"],
        *config["project"]["optional-dependencies"]["dev"],
    ]
    return requirements, tests


def closure(roots: Iterable[str]) -> dict[str, metadata.Distribution | None]:
    """Every distribution the roots need, by name; None where it is not installed here."""
    found: dict[str, metadata.Distribution | None] = {}
    pending = [Requirement(text) for text in roots]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        try:
            found[name] = distribution = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            found[name] = None
            continue
        for text in distribution.requires or []:
            needed = Requirement(text)
            if needed.marker is None or "extra" not in str(needed.marker):
                pending.append(needed)
    return found


def top_level_modules(name: str, distribution: metadata.Distribution | None) -> set[str]:
    """The importable top-level names a distribution installs, and its own name as a module
    name (all an editable install lists, and what a reader takes it to be called)."""
    modules = {name.replace("-", "_")}
    if distribution is None:
        return modules
    listed = distribution.read_text("top_level.txt")
    if listed:
        return modules | set(listed.split())
    for file in distribution.files or []:
        parts = PurePosixPath(str(file)).parts
        first = parts[0]
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".data", ".pth")):
            continue
        if len(parts) > 1 or first.endswith((".py", ".so", ".pyd")):
            modules.add(first.split(".")[0])
    return modules


def tooling_modules() -> set[str]:
    """The import names a generated package must not take (see the module docstring)."""
    requirements, tests = example_project()
    found = closure([*requirements, *_INSTALLERS])
    names = set().union(*(top_level_modules(name, dist) for name, dist in found.items()))
    return {name for name in names | tests if _PACKAGE.fullmatch(name)}


def render(names: set[str]) -> str:
    lines = [
        '"""Import names a generated project\'s tooling takes: no generated package may.',
        "",
        "Written by scripts/tooling_modules.py, which says how the list is derived: every",
        "top-level module of the distributions in the generated project's environment (its",
        "build, runtime and dev requirements, pip and stategen, and all they depend on), and",
        "the generated tests' own modules. Do not edit by hand.",
        '"""',
        "",
        "TOOLING_MODULES = frozenset(",
        "    {",
        *(f'        "{name}",' for name in sorted(names)),
        "    }",
        ")",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    OUTPUT.write_text(render(tooling_modules()), encoding="utf-8")
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
