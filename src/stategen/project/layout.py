"""Where a generated project keeps its files: the spec, answers, migrations and history.

- `stategen.yml`: the spec the owner edits; `stategen bump` releases it.
- `.copier-answers.yml`: Copier's record of the template, its version and the answers,
  among them the newest released schema (see `stategen.answers`).
- `.stategen/schemas/<version>.json`: the schema of each released version, written by
  `stategen bump` (see `stategen.project.history`).
- `src/<package>/model.py`: the model generated from the newest released schema.
- `src/<package>/_runtime/`: stategen's runtime, replaced as a unit by `stategen update`;
  `.stategen/runtime.json` records its files as generated (see `stategen.project.runtime`).
- `tests/fixtures/<version>.json`: a sample state file of each older version.
- `schemas/<version>.schema.json`: the JSON Schema of the state file of each released version.
- `src/<package>/migrations/v<old>_to_v<new>.py`: the migration of each version edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..schema.version import SchemaVersion, edge_module

SPEC_FILE = "stategen.yml"
ANSWERS_FILE = ".copier-answers.yml"
SNAPSHOT_DIR = Path(".stategen") / "schemas"
FIXTURE_DIR = Path("tests") / "fixtures"
JSON_SCHEMA_DIR = Path("schemas")
RUNTIME_MANIFEST = Path(".stategen") / "runtime.json"


@dataclass(frozen=True)
class Layout:
    """The files of the project at `root`, whose import package is `package`."""

    root: Path
    package: str

    @property
    def spec(self) -> Path:
        return self.root / SPEC_FILE

    @property
    def answers(self) -> Path:
        return self.root / ANSWERS_FILE

    @property
    def package_dir(self) -> Path:
        return self.root / "src" / self.package

    @property
    def model(self) -> Path:
        return self.package_dir / "model.py"

    @property
    def manager(self) -> Path:
        return self.package_dir / "manager.py"

    @property
    def migrations(self) -> Path:
        return self.package_dir / "migrations"

    @property
    def runtime(self) -> Path:
        return self.package_dir / "_runtime"

    @property
    def runtime_manifest(self) -> Path:
        return self.root / RUNTIME_MANIFEST

    def snapshot(self, version: SchemaVersion | str) -> Path:
        return self.root / SNAPSHOT_DIR / f"{version}.json"

    def fixture(self, version: SchemaVersion | str) -> Path:
        return self.root / FIXTURE_DIR / f"{version}.json"

    def json_schema(self, version: SchemaVersion | str) -> Path:
        return self.root / JSON_SCHEMA_DIR / f"{version}.schema.json"

    def migration(self, old: SchemaVersion | str, new: SchemaVersion | str) -> Path:
        return self.migrations / f"{edge_module(old, new)}.py"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()
