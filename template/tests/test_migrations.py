"""Every older schema version's fixture loads in this code, migrated step by step, values valid.

`stategen bump` writes `tests/fixtures/<version>.json`, a sample state file of the version it
leaves, derived from that version's snapshot in `.stategen/schemas/`. This file needs no
editing: it tests whatever fixtures exist. An unfilled migration stub fails here, naming it.
"""

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_FILES = sorted(FIXTURES.glob("*.json"))


def _load_or_explain(manager: Any, lib: Any) -> Any:
    """Load, turning an unfilled stub into a failure that says which migration to write."""
    try:
        return manager.load()
    except lib.errors.StateMigrationError as error:
        if isinstance(error.__cause__, NotImplementedError):
            pytest.fail(f"a migration stub is not written yet: {error.__cause__}")
        raise


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda path: path.stem)
def test_old_fixture_loads_in_the_current_version(fixture: Path, lib: Any, tmp_path: Path) -> None:
    """An old state file migrates to the current schema, validates, and saves as current."""
    original = fixture.read_bytes()
    old_version = json.loads(original)["version"]
    path = tmp_path / "state.json"
    shutil.copyfile(fixture, path)
    manager = lib.manager_type(path)

    state = _load_or_explain(manager, lib)
    assert path.read_bytes() == original, "loading must not rewrite the file"

    manager.save(state)
    saved = json.loads(path.read_bytes())
    assert saved["version"] == lib.migrations.HISTORY[-1]
    assert manager.load() == state
    assert manager.version_backup_path(old_version).read_bytes() == original


def test_every_older_version_has_a_fixture(lib: Any) -> None:
    """Each released version before the current one has its fixture (bump writes them)."""
    missing = [v for v in lib.migrations.HISTORY[:-1] if not (FIXTURES / f"{v}.json").is_file()]
    assert not missing, f"no fixture for {missing}; `stategen check` explains how to restore it"


def test_fixtures_are_released_versions(lib: Any) -> None:
    """A fixture's name and "version" key name a version of the history."""
    for fixture in FIXTURE_FILES:
        version = json.loads(fixture.read_bytes())["version"]
        assert fixture.stem == version
        assert version in lib.migrations.HISTORY
