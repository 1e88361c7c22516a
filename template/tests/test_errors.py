"""The errors: one base class, builtin bases callers expect, data attached, safe to pickle."""

import pickle
from pathlib import Path
from typing import Any

import pytest


def _examples(errors: Any, path: Path) -> list[Any]:
    return [
        errors.StateNotFoundError(path),
        errors.StateCorruptError(path, "not valid JSON", field="window.width"),
        errors.StateVersionError(path, "9.0.0", "1.0.0", "is newer than this code"),
        errors.StateLockTimeout(path, path.with_name("state.json.lock"), 2.5),
        errors.StateValidationError("completed[3]", "expected a string, got integer 3"),
        errors.StateMigrationError("migrating from 0.9.0 failed", path=path),
        errors.StateWriteError(path, PermissionError(13, "Permission denied", str(path))),
    ]


class TestErrors:
    def test_every_error_is_a_state_error_naming_its_subject(
        self, lib: Any, state_path: Path
    ) -> None:
        """Each message names the file (or, for validation, the field path)."""
        for error in _examples(lib.errors, state_path):
            assert isinstance(error, lib.errors.StateError)
            subject = getattr(error, "path", None) or error.field
            assert str(subject) in str(error)

    @pytest.mark.parametrize(
        ("name", "builtin"),
        [
            ("StateNotFoundError", FileNotFoundError),
            ("StateCorruptError", ValueError),
            ("StateValidationError", ValueError),
            ("StateLockTimeout", TimeoutError),
            ("StateWriteError", OSError),
        ],
    )
    def test_builtin_bases(self, lib: Any, name: str, builtin: type) -> None:
        """Callers that catch the builtin exception catch ours too."""
        assert issubclass(getattr(lib.errors, name), builtin)

    def test_errors_survive_pickling(self, lib: Any, state_path: Path) -> None:
        """Errors raised in worker processes reach the parent with message and data intact."""
        for error in _examples(lib.errors, state_path):
            copy = pickle.loads(pickle.dumps(error))
            assert type(copy) is type(error)
            assert str(copy) == str(error)
            assert copy.__dict__ == error.__dict__
            assert getattr(copy, "errno", None) == getattr(error, "errno", None)


class TestBoundaries:
    def test_only_the_lock_module_imports_filelock(self, lib: Any) -> None:
        """filelock stays behind one module, so its errors cannot leak anywhere else."""
        package = Path(lib.store.__file__).parent
        importers = sorted(
            path.name
            for path in package.rglob("*.py")
            if "import filelock" in path.read_text(encoding="utf-8")
            or "from filelock" in path.read_text(encoding="utf-8")
        )
        assert importers == ["_lock.py"]
