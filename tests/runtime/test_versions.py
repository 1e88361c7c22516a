"""Schema versions: older files migrate in memory, newer ones are refused, a chain is checked."""

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from batch_state._runtime.migrate import Step, build_chain
from batch_state._runtime.store import StateStore
from batch_state.errors import (
    StateCorruptError,
    StateMigrationError,
    StateValidationError,
    StateVersionError,
)


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
def pets(state_path: Path) -> StateStore[Pet]:
    """A store of Pet at 1.2.0 with the steps 1.0.0 → 1.1.0 → 1.2.0."""
    steps = [
        Step("1.0.0", "1.1.0", _rename_leg_count),
        Step("1.1.0", "1.2.0", _add_sound),
    ]
    return StateStore(state_path, Pet, schema_version="1.2.0", steps=steps)


def _write(path: Path, document: dict[str, Any]) -> bytes:
    raw = json.dumps(document).encode()
    path.write_bytes(raw)
    return raw


class TestOlderFiles:
    def test_older_file_is_migrated_step_by_step_in_memory(
        self, pets: StateStore[Pet], state_path: Path
    ) -> None:
        """A 1.0.0 file loads through both steps; the file itself is not rewritten by load."""
        raw = _write(state_path, {"version": "1.0.0", "name": "Rex", "leg_count": 3})
        assert pets.load() == Pet(name="Rex", legs=3, sound="woof")
        assert state_path.read_bytes() == raw

    def test_a_middle_version_runs_only_the_remaining_steps(
        self, pets: StateStore[Pet], state_path: Path
    ) -> None:
        """A 1.1.0 file skips the first step."""
        _write(state_path, {"version": "1.1.0", "name": "Rex", "legs": 2})
        assert pets.load() == Pet(name="Rex", legs=2, sound="woof")

    def test_file_without_version_is_the_first_version(
        self, pets: StateStore[Pet], state_path: Path
    ) -> None:
        """A file from before versioning is read as the oldest version in the history."""
        _write(state_path, {"name": "Rex", "leg_count": 3})
        assert pets.load() == Pet(name="Rex", legs=3, sound="woof")

    def test_first_save_keeps_the_old_bytes(self, pets: StateStore[Pet], state_path: Path) -> None:
        """Saving over a 1.0.0 file writes 1.2.0 and keeps the original as <file>.v1.0.0.bak."""
        raw = _write(state_path, {"version": "1.0.0", "name": "Rex", "leg_count": 3})
        pets.save(pets.load())
        assert json.loads(state_path.read_bytes())["version"] == "1.2.0"
        assert pets.version_backup_path("1.0.0").read_bytes() == raw
        assert pets.backup_path.read_bytes() == raw

    def test_failing_migration_is_a_migration_error(
        self, pets: StateStore[Pet], state_path: Path
    ) -> None:
        """A step that raises is StateMigrationError naming the file and the step (module,
        function and versions), chained to what the step raised; the bytes stay."""
        raw = _write(state_path, {"version": "1.0.0", "name": "Rex"})
        with pytest.raises(StateMigrationError) as caught:
            pets.load()
        error = caught.value
        assert str(state_path) in str(error)
        assert error.step is not None and error.step.endswith("._rename_leg_count (1.0.0 → 1.1.0)")
        assert error.step in str(error)
        assert isinstance(error.__cause__, KeyError)
        assert "recover" not in str(error)
        assert state_path.read_bytes() == raw

    def test_data_the_new_model_rejects_is_the_migrations_fault(
        self, pets: StateStore[Pet], state_path: Path
    ) -> None:
        """Data the target model rejects after migrating is StateMigrationError naming the
        last step, chained to the validation error; never "corrupt", never "recover()"."""
        raw = _write(state_path, {"version": "1.0.0", "name": "Rex", "leg_count": "three"})
        with pytest.raises(StateMigrationError) as caught:
            pets.load()
        error = caught.value
        assert error.step is not None and error.step.endswith("._add_sound (1.1.0 → 1.2.0)")
        assert "does not fit schema 1.2.0" in str(error) and "legs" in str(error)
        assert isinstance(error.__cause__, StateValidationError)
        assert error.__cause__.field == "legs"
        assert "recover" not in str(error) and "corrupt" not in str(error)
        assert state_path.read_bytes() == raw

    def test_the_same_data_in_a_current_file_is_corrupt(
        self, pets: StateStore[Pet], state_path: Path
    ) -> None:
        """Positive control: with no migration involved, bad data is the file's fault."""
        _write(state_path, {"version": "1.2.0", "name": "Rex", "legs": "three"})
        with pytest.raises(StateCorruptError) as caught:
            pets.load()
        assert caught.value.field == "legs" and "recover()" in str(caught.value)

    def test_a_step_that_returns_no_dict(self, state_path: Path) -> None:
        steps = [Step("1.0.0", "1.1.0", lambda data: None), Step("1.1.0", "1.2.0", _add_sound)]  # type: ignore[arg-type,return-value]
        store = StateStore(state_path, Pet, schema_version="1.2.0", steps=steps)
        _write(state_path, {"version": "1.0.0", "name": "Rex"})
        with pytest.raises(StateMigrationError, match=r"\(1\.0\.0 → 1\.1\.0\) returned NoneType"):
            store.load()


class TestUnknownVersions:
    @pytest.mark.parametrize(
        ("version", "words"), [("2.0.0", "newer"), ("1.3.0", "newer"), ("0.9.0", "not a released")]
    )
    def test_version_outside_the_history_is_refused(
        self, pets: StateStore[Pet], state_path: Path, version: str, words: str
    ) -> None:
        """A version the chain does not know raises StateVersionError with the found version."""
        raw = _write(state_path, {"version": version, "name": "Rex"})
        with pytest.raises(StateVersionError) as caught:
            pets.load()
        assert caught.value.found_version == version
        assert caught.value.supported_version == "1.2.0"
        assert words in str(caught.value)
        assert state_path.read_bytes() == raw

    def test_steps_must_end_at_the_schema_version(self, state_path: Path) -> None:
        """A store whose steps do not reach its schema version is refused at construction."""
        steps = [Step("1.0.0", "1.1.0", _rename_leg_count)]
        with pytest.raises(StateMigrationError, match=r"do not end at 1\.2\.0"):
            StateStore(state_path, Pet, schema_version="1.2.0", steps=steps)


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

    def test_complete_chain_builds_in_order(self, tmp_path: Path) -> None:
        """Every consecutive pair has its module: one step per pair, oldest first."""
        package = _package(tmp_path, {"v1_0_0_to_v1_1_0": IDENTITY, "v1_1_0_to_v2_0_0": IDENTITY})
        steps = build_chain(package, ["1.0.0", "1.1.0", "2.0.0"])
        assert [(s.source, s.target) for s in steps] == [("1.0.0", "1.1.0"), ("1.1.0", "2.0.0")]

    def test_single_version_has_no_steps(self, tmp_path: Path) -> None:
        """With one released version there is nothing to migrate."""
        assert build_chain(_package(tmp_path, {}), ["1.0.0"]) == ()

    def test_missing_module_names_the_edge(self, tmp_path: Path) -> None:
        """A gap in the chain is an error naming the missing edge and the file to create."""
        package = _package(tmp_path, {"v1_0_0_to_v1_1_0": IDENTITY})
        with pytest.raises(StateMigrationError) as caught:
            build_chain(package, ["1.0.0", "1.1.0", "1.2.0"])
        assert "1.1.0 → 1.2.0" in str(caught.value)
        assert "v1_1_0_to_v1_2_0" in str(caught.value)

    def test_stray_edge_is_a_fork(self, tmp_path: Path) -> None:
        """A module for an edge outside the history (a fork or a skipped version) is an error."""
        package = _package(
            tmp_path,
            {
                "v1_0_0_to_v1_1_0": IDENTITY,
                "v1_1_0_to_v1_2_0": IDENTITY,
                "v1_0_0_to_v1_2_0": IDENTITY,
            },
        )
        with pytest.raises(StateMigrationError, match="v1_0_0_to_v1_2_0"):
            build_chain(package, ["1.0.0", "1.1.0", "1.2.0"])

    @pytest.mark.parametrize("history", [["1.1.0", "1.0.0"], ["1.0.0", "1.0.0"], ["1.0", "2.0"]])
    def test_history_must_be_increasing_versions(self, tmp_path: Path, history: list[str]) -> None:
        """Unordered, repeated or malformed versions cannot form a chain."""
        with pytest.raises(StateMigrationError):
            build_chain(_package(tmp_path, {}), history)

    @pytest.mark.parametrize(
        "source",
        ["import a_module_that_is_not_there\n", "def migrate(data)\n", "raise KeyError('x')\n"],
        ids=["missing import", "syntax error", "raises on import"],
    )
    def test_a_module_that_cannot_be_imported_is_a_migration_error(
        self, tmp_path: Path, source: str
    ) -> None:
        """A broken edge module is StateMigrationError naming it, never a raw error."""
        package = _package(tmp_path, {"v1_0_0_to_v1_1_0": source})
        with pytest.raises(StateMigrationError, match="v1_0_0_to_v1_1_0 cannot be imported"):
            build_chain(package, ["1.0.0", "1.1.0"])

    def test_a_failing_module_step_is_named_by_its_module(
        self, tmp_path: Path, state_path: Path
    ) -> None:
        """The step of a migrations package is named by the module that holds it."""
        raising = "def migrate(data):\n    raise ValueError('boom')\n"
        package = _package(tmp_path, {"v1_0_0_to_v1_2_0": raising})
        steps = build_chain(package, ["1.0.0", "1.2.0"])
        store = StateStore(state_path, Pet, schema_version="1.2.0", steps=steps)
        _write(state_path, {"version": "1.0.0", "name": "Rex"})
        with pytest.raises(StateMigrationError) as caught:
            store.load()
        assert caught.value.step == f"{package}.v1_0_0_to_v1_2_0 (1.0.0 → 1.2.0)"
        assert isinstance(caught.value.__cause__, ValueError)

    def test_module_without_migrate_is_an_error(self, tmp_path: Path) -> None:
        """An edge module must define migrate(data)."""
        package = _package(tmp_path, {"v1_0_0_to_v1_1_0": "X = 1\n"})
        with pytest.raises(StateMigrationError, match="no migrate"):
            build_chain(package, ["1.0.0", "1.1.0"])
