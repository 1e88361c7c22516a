"""The errors: one base class, builtin bases callers expect, data attached, safe to pickle."""

import errno
import inspect
import os
import pickle
from pathlib import Path

import batch_state
import pytest
from batch_state import errors
from batch_state.errors import StateError


def _examples(path: Path) -> list[StateError]:
    return [
        errors.StateNotFoundError(path),
        errors.StateCorruptError(path, "not valid JSON", field="window.width"),
        errors.StateVersionError(path, "9.0.0", "1.0.0", "is newer than this code"),
        errors.StateLockTimeout(path, path.with_name("state.json.lock"), 2.5),
        errors.StateValidationError("completed[3]", "expected a string, got integer 3"),
        errors.StateMigrationError("migrating from 0.9.0 failed", path=path),
        errors.StateWriteError(path, PermissionError(13, "Permission denied", str(path))),
        errors.StateReadError(path, OSError(errno.EIO, "Input/output error", str(path))),
        errors.StateUnsafePathError(
            path,
            path,
            "it is a symlink owned by uid 1001 in a shared directory",
            number=errors.StateUnsafePathError.UNTRUSTED_LINK,
            owner=1001,
        ),
        errors.StateConfigError("lock_timeout", "expected a number of seconds"),
        errors.StateReentryError(path),
    ]


class TestErrors:
    def test_every_error_is_a_state_error_naming_its_subject(self, state_path: Path) -> None:
        """Each message names the file (the field path for validation, the argument for
        configuration)."""
        for error in _examples(state_path):
            assert isinstance(error, StateError)
            subject = (
                getattr(error, "path", None)
                or getattr(error, "field", None)
                or getattr(error, "argument", None)
            )
            assert str(subject) in str(error)

    @pytest.mark.parametrize(
        ("name", "builtin"),
        [
            ("StateNotFoundError", FileNotFoundError),
            ("StateCorruptError", ValueError),
            ("StateValidationError", ValueError),
            ("StateLockTimeout", TimeoutError),
            ("StateWriteError", OSError),
            ("StateReadError", OSError),
            ("StateUnsafePathError", OSError),
            ("StateConfigError", ValueError),
            ("StateReentryError", RuntimeError),
        ],
    )
    def test_builtin_bases(self, name: str, builtin: type) -> None:
        """Callers that catch the builtin exception catch ours too."""
        assert issubclass(getattr(errors, name), builtin)

    def test_every_error_class_is_a_state_error(self) -> None:
        """Callers catch everything this library raises with one except StateError."""
        classes = [value for _, value in inspect.getmembers(errors, inspect.isclass)]
        # The package's errors module re-exports the runtime's: both count as this library's.
        raised = [cls for cls in classes if cls.__module__.startswith(f"{batch_state.__name__}.")]
        assert raised and all(issubclass(cls, StateError) for cls in raised)

    @pytest.mark.parametrize(
        ("number", "builtin"),
        [
            (errno.EACCES, PermissionError),
            (errno.ENOENT, FileNotFoundError),
            (errno.EISDIR, IsADirectoryError),
            (errno.ENOTDIR, NotADirectoryError),
            (errno.ENOSPC, OSError),
        ],
    )
    def test_an_error_the_system_caused_is_its_builtin_error_too(
        self, state_path: Path, number: int, builtin: type[OSError]
    ) -> None:
        """A refusal keeps its errno and class: except PermissionError still catches it."""
        for kind in (errors.StateWriteError, errors.StateReadError):
            error = kind(state_path, OSError(number, "refused", str(state_path)))
            assert isinstance(error, kind) and isinstance(error, builtin)
            assert error.errno == number and str(state_path) in str(error)
            copy = pickle.loads(pickle.dumps(error))
            assert isinstance(copy, kind) and isinstance(copy, builtin)
            assert (copy.errno, str(copy)) == (number, str(error))

    def test_errors_survive_pickling(self, state_path: Path) -> None:
        """Errors raised in worker processes reach the parent with message and data intact."""
        for error in _examples(state_path):
            copy = pickle.loads(pickle.dumps(error))
            assert type(copy) is type(error)
            assert str(copy) == str(error)
            assert copy.__dict__ == error.__dict__
            assert getattr(copy, "errno", None) == getattr(error, "errno", None)


class TestBoundaries:
    def test_only_the_lock_module_imports_filelock(self) -> None:
        """filelock stays behind one module, so its errors cannot leak anywhere else."""
        package = Path(batch_state.__file__).parent
        importers = sorted(
            path.relative_to(package).as_posix()
            for path in _sources(package)
            if "import filelock" in path.read_text(encoding="utf-8")
            or "from filelock" in path.read_text(encoding="utf-8")
        )
        assert importers == ["_runtime/engines/files/fs/lock.py"]


def _sources(package: Path) -> list[Path]:
    """Every module of `package`, through its linked `_runtime` too (rglob skips links)."""
    return [
        Path(directory, name)
        for directory, _, names in os.walk(package, followlinks=True)
        for name in names
        if name.endswith(".py")
    ]
