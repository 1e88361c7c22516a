"""Schema versions: older files migrate in memory, newer ones are refused, the chain is checked."""

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(kw_only=True)
class Pet:
    """Version 1.2.0 of a small test schema: 1.0.0 had `leg_count`, 1.1.0 renamed it."""

    name: str
    legs: int = 4
    sound: str = ""


def _rename_leg_count(data: dict[str, Any]) -> dict[str, Any]:
    data["legs"] = data.pop("leg_count")
    return data


def _add_sound(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "sound": "woof"}


@pytest.fixture
def pets(lib: Any, state_path: Path) -> Any:
    """A store of Pet at 1.2.0 with the steps 1.0.0 → 1.1.0 → 1.2.0."""
    steps = [
        lib.migrate.Step("1.0.0", "1.1.0", _rename_leg_count),
        lib.migrate.Step("1.1.0", "1.2.0", _add_sound),
    ]
    return lib.store.StateStore(state_path, Pet, schema_version="1.2.0", steps=steps)


def _write(path: Path, document: dict[str, Any]) -> bytes:
    raw = json.dumps(document).encode()
    path.write_bytes(raw)
    return raw


class TestOlderFiles:
    def test_older_file_is_migrated_step_by_step_in_memory(
        self, pets: Any, state_path: Path
    ) -> None:
        """A 1.0.0 file loads through both steps; the file itself is not rewritten by load."""
        raw = _write(state_path, {"version": "1.0.0", "name": "Rex", "leg_count": 3})
        assert pets.load() == Pet(name="Rex", legs=3, sound="woof")
        assert state_path.read_bytes() == raw

    def test_a_middle_version_runs_only_the_remaining_steps(
        self, pets: Any, state_path: Path
    ) -> None:
        """A 1.1.0 file skips the first step."""
        _write(state_path, {"version": "1.1.0", "name": "Rex", "legs": 2})
        assert pets.load() == Pet(name="Rex", legs=2, sound="woof")

    def test_file_without_version_is_the_first_version(self, pets: Any, state_path: Path) -> None:
        """A file from before versioning is read as the oldest version in the history."""
        _write(state_path, {"name": "Rex", "leg_count": 3})
        assert pets.load() == Pet(name="Rex", legs=3, sound="woof")

    def test_first_save_keeps_the_old_bytes(self, pets: Any, state_path: Path) -> None:
        """Saving over a 1.0.0 file writes 1.2.0 and keeps the original as <file>.v1.0.0.bak."""
        raw = _write(state_path, {"version": "1.0.0", "name": "Rex", "leg_count": 3})
        pets.save(pets.load())
        assert json.loads(state_path.read_bytes())["version"] == "1.2.0"
        assert pets.version_backup_path("1.0.0").read_bytes() == raw
        assert pets.backup_path.read_bytes() == raw

    def test_failing_migration_is_a_migration_error(
        self, pets: Any, lib: Any, state_path: Path
    ) -> None:
        """A step that raises is reported as StateMigrationError naming the file and version."""
        raw = _write(state_path, {"version": "1.0.0", "name": "Rex"})
        with pytest.raises(lib.errors.StateMigrationError) as caught:
            pets.load()
        assert str(state_path) in str(caught.value) and "1.0.0" in str(caught.value)
        assert state_path.read_bytes() == raw

    def test_invalid_result_after_migration_is_corrupt(
        self, pets: Any, lib: Any, state_path: Path
    ) -> None:
        """Data that is still wrong after migrating raises StateCorruptError naming the field."""
        _write(state_path, {"version": "1.0.0", "name": "Rex", "leg_count": "three"})
        with pytest.raises(lib.errors.StateCorruptError) as caught:
            pets.load()
        assert caught.value.field == "legs"
        assert "after migrating from 1.0.0" in str(caught.value)


class TestUnknownVersions:
    @pytest.mark.parametrize(
        ("version", "words"), [("2.0.0", "newer"), ("1.3.0", "newer"), ("0.9.0", "not a released")]
    )
    def test_version_outside_the_history_is_refused(
        self, pets: Any, lib: Any, state_path: Path, version: str, words: str
    ) -> None:
        """A version the chain does not know raises StateVersionError with the found version."""
        raw = _write(state_path, {"version": version, "name": "Rex"})
        with pytest.raises(lib.errors.StateVersionError) as caught:
            pets.load()
        assert caught.value.found_version == version
        assert caught.value.supported_version == "1.2.0"
        assert words in str(caught.value)
        assert state_path.read_bytes() == raw

    def test_steps_must_end_at_the_schema_version(self, lib: Any, state_path: Path) -> None:
        """A store whose steps do not reach its schema version is refused at construction."""
        steps = [lib.migrate.Step("1.0.0", "1.1.0", _rename_leg_count)]
        with pytest.raises(lib.errors.StateMigrationError, match=r"do not end at 1\.2\.0"):
            lib.store.StateStore(state_path, Pet, schema_version="1.2.0", steps=steps)


def _package(root: Path, modules: dict[str, str]) -> str:
    """A throwaway migrations package on sys.path holding `modules` (name → source)."""
    name = f"chain_{uuid.uuid4().hex}"
    (root / name).mkdir()
    (root / name / "__init__.py").write_text("", encoding="utf-8")
    for module, source in modules.items():
        (root / name / f"{module}.py").write_text(source, encoding="utf-8")
    return name


IDENTITY = "def migrate(data):\n    return data\n"


class TestChain:
    @pytest.fixture(autouse=True)
    def _on_sys_path(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.syspath_prepend(str(tmp_path))

    def test_complete_chain_builds_in_order(self, lib: Any, tmp_path: Path) -> None:
        """Every consecutive pair has its module: one step per pair, oldest first."""
        package = _package(tmp_path, {"v1_0_0_to_v1_1_0": IDENTITY, "v1_1_0_to_v2_0_0": IDENTITY})
        steps = lib.migrate.build_chain(package, ["1.0.0", "1.1.0", "2.0.0"])
        assert [(s.source, s.target) for s in steps] == [("1.0.0", "1.1.0"), ("1.1.0", "2.0.0")]

    def test_single_version_has_no_steps(self, lib: Any, tmp_path: Path) -> None:
        """With one released version there is nothing to migrate."""
        assert lib.migrate.build_chain(_package(tmp_path, {}), ["1.0.0"]) == ()

    def test_missing_module_names_the_edge(self, lib: Any, tmp_path: Path) -> None:
        """A gap in the chain is an error naming the missing edge and the file to create."""
        package = _package(tmp_path, {"v1_0_0_to_v1_1_0": IDENTITY})
        with pytest.raises(lib.errors.StateMigrationError) as caught:
            lib.migrate.build_chain(package, ["1.0.0", "1.1.0", "1.2.0"])
        assert "1.1.0 → 1.2.0" in str(caught.value)
        assert "v1_1_0_to_v1_2_0" in str(caught.value)

    def test_stray_edge_is_a_fork(self, lib: Any, tmp_path: Path) -> None:
        """A module for an edge outside the history (a fork or a skipped version) is an error."""
        package = _package(
            tmp_path,
            {
                "v1_0_0_to_v1_1_0": IDENTITY,
                "v1_1_0_to_v1_2_0": IDENTITY,
                "v1_0_0_to_v1_2_0": IDENTITY,
            },
        )
        with pytest.raises(lib.errors.StateMigrationError, match="v1_0_0_to_v1_2_0"):
            lib.migrate.build_chain(package, ["1.0.0", "1.1.0", "1.2.0"])

    @pytest.mark.parametrize("history", [["1.1.0", "1.0.0"], ["1.0.0", "1.0.0"], ["1.0", "2.0"]])
    def test_history_must_be_increasing_versions(
        self, lib: Any, tmp_path: Path, history: list[str]
    ) -> None:
        """Unordered, repeated or malformed versions cannot form a chain."""
        with pytest.raises(lib.errors.StateMigrationError):
            lib.migrate.build_chain(_package(tmp_path, {}), history)

    def test_module_without_migrate_is_an_error(self, lib: Any, tmp_path: Path) -> None:
        """An edge module must define migrate(data)."""
        package = _package(tmp_path, {"v1_0_0_to_v1_1_0": "X = 1\n"})
        with pytest.raises(lib.errors.StateMigrationError, match="no migrate"):
            lib.migrate.build_chain(package, ["1.0.0", "1.1.0"])

    def test_this_projects_chain_is_complete(self, lib: Any, manager: Any) -> None:
        """The project's own history ends at its schema version and every edge exists."""
        steps = lib.migrations.steps()
        assert len(steps) == len(lib.migrations.HISTORY) - 1
        assert lib.migrations.HISTORY[-1] == manager.schema_version
