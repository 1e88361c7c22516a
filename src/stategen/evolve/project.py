"""Where a generated project keeps its schema history, and how it reads and writes it.

- `.copier-answers.yml` holds the schema of the last generated version (Copier writes it on
  `copier copy`, `stategen new` and every update), so a project always knows its newest
  released schema, however it was made.
- `.stategen/schemas/<version>.json` keeps every released version's schema (a snapshot).
  `stategen bump` writes the previous one (from the answers, if it is not there yet) and the
  new one. The template never renders these files, so `copier update` leaves them alone.
- `tests/fixtures/<version>.json` is a sample state file of each older version, derived from
  its snapshot alone, so it can always be made again.
- `src/<package>/migrations/v<old>_to_v<new>.py` is the migration of each version edge.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .schema import Schema
from .values import sample_data
from .writer import edge_module, fixture_text

SPEC_FILE = "stategen.yml"
SNAPSHOT_DIR = Path(".stategen") / "schemas"
FIXTURE_DIR = Path("tests") / "fixtures"

#: The answers that make up a schema snapshot: identity, description and the schema itself.
SNAPSHOT_KEYS = ("name", "package", "state", "description", "schema")


def snapshot_of(answers: dict[str, Any]) -> dict[str, Any]:
    """The snapshot part of a set of answers (a deep copy)."""
    return {key: copy.deepcopy(answers.get(key)) for key in SNAPSHOT_KEYS}


def snapshot_text(snapshot: dict[str, Any]) -> str:
    """A snapshot as stored: indented JSON, keys in answers order, ending with a newline."""
    return json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Layout:
    """The evolution files of the project at `root`, whose import package is `package`."""

    root: Path
    package: str

    @property
    def spec(self) -> Path:
        return self.root / SPEC_FILE

    @property
    def migrations(self) -> Path:
        return self.root / "src" / self.package / "migrations"

    def snapshot(self, version: str) -> Path:
        return self.root / SNAPSHOT_DIR / f"{version}.json"

    def fixture(self, version: str) -> Path:
        return self.root / FIXTURE_DIR / f"{version}.json"

    def migration(self, old: str, new: str) -> Path:
        return self.migrations / f"{edge_module(old, new)}.py"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read_snapshot(self, version: str) -> dict[str, Any] | None:
        """The stored snapshot of `version`, or None when there is none."""
        path = self.snapshot(version)
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise SnapshotError(
                f"{self.relative(path)}: cannot read the snapshot: {error}"
            ) from None
        if not isinstance(loaded, dict):
            raise SnapshotError(f"{self.relative(path)}: a snapshot is a JSON object")
        return loaded

    def schema_of(self, version: str, answers: dict[str, Any]) -> Schema | None:
        """The schema of `version`: its snapshot, or the answers for the newest version."""
        snapshot = self.read_snapshot(version)
        if snapshot is None and str(answers.get("schema", {}).get("version")) == version:
            snapshot = snapshot_of(answers)
        return None if snapshot is None else Schema.from_answers(snapshot)


class SnapshotError(ValueError):
    """A stored snapshot cannot be read."""


def fixture_for(schema: Schema) -> str:
    """The fixture text of `schema`'s version: reproducible from the snapshot alone."""
    return fixture_text(sample_data(schema), schema.version)
