"""The errors this library raises: one base class, each error naming its file or field."""

import os
from typing import Any


def _restore(cls: type["StateError"], args: tuple[Any, ...], attrs: dict[str, Any]) -> "StateError":
    # Rebuild without calling __init__, whose signature differs from `args`.
    error = cls.__new__(cls, *args)
    if isinstance(error, OSError):
        OSError.__init__(error, *args)  # errno and strerror are slots, set only by this
    error.args = args
    error.__dict__.update(attrs)
    return error


class StateError(Exception):
    """Base class of every error raised by this library."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors raised in worker processes (multiprocessing) must pickle intact.
        return (_restore, (type(self), self.args, self.__dict__))


class StateNotFoundError(StateError, FileNotFoundError):
    """There is no state file at `path` (nothing has been saved there yet)."""

    def __init__(self, path: os.PathLike[str] | str) -> None:
        super().__init__(f"{path}: no state file here yet; save a state first")
        self.path = path


class StateCorruptError(StateError, ValueError):
    """The file at `path` is not a valid state. It was left exactly as it was."""

    def __init__(
        self, path: os.PathLike[str] | str, reason: str, *, field: str | None = None
    ) -> None:
        super().__init__(
            f"{path}: corrupt state file ({reason}); the file was left untouched, "
            "recover() restores the last good state"
        )
        self.path = path
        self.reason = reason
        self.field = field


class StateVersionError(StateError):
    """The file's schema version is one this code cannot read (usually: written by newer code)."""

    def __init__(
        self,
        path: os.PathLike[str] | str,
        found_version: str,
        supported_version: str,
        reason: str,
    ) -> None:
        super().__init__(
            f"{path}: schema version {found_version} {reason} "
            f"(this code reads up to {supported_version}); the file was left untouched"
        )
        self.path = path
        self.found_version = found_version
        self.supported_version = supported_version
        self.reason = reason


class StateLockTimeout(StateError, TimeoutError):
    """Another thread or process held the lock on `path` for longer than `timeout` seconds."""

    def __init__(
        self, path: os.PathLike[str] | str, lock_path: os.PathLike[str] | str, timeout: float
    ) -> None:
        super().__init__(
            f"{path}: could not take the lock {lock_path} within {timeout:g} s; "
            "another thread or process is holding it"
        )
        self.path = path
        self.lock_path = lock_path
        self.timeout = timeout


class StateWriteError(StateError, OSError):
    """The operating system refused a write (permissions, a full disk, a read-only mount).

    Nothing was changed: the state file, if any, still holds the previous state. `errno` is
    that of the refused operation, whose path the message names.
    """

    def __init__(self, path: os.PathLike[str] | str, cause: OSError) -> None:
        where = f" ({cause.filename})" if cause.filename is not None else ""
        super().__init__(
            cause.errno,
            f"{path}: could not write the state: {cause.strerror or cause}{where}; the state "
            "on disk is unchanged. Check the directory's permissions and free space",
        )
        self.path = path

    def __str__(self) -> str:
        # OSError would prefix "[Errno N]"; the message already says what went wrong.
        return str(self.args[1])


class StateValidationError(StateError, ValueError):
    """A value does not match its declared type; `field` is its path, e.g. `window.width`."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field or 'state'}: {reason}")
        self.field = field
        self.reason = reason


class StateMigrationError(StateError):
    """The migration chain is broken, or one of its steps failed on a file."""

    def __init__(self, reason: str, *, path: os.PathLike[str] | str | None = None) -> None:
        super().__init__(f"{path}: {reason}" if path is not None else reason)
        self.path = path
        self.reason = reason
