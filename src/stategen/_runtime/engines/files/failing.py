"""System errors of a block of file work, raised as the library's own naming the state file."""

from pathlib import Path
from types import TracebackType
from typing import NoReturn

from ...errors import StateCommitUnknownError, StateError, StateReadError, StateWriteError
from .fs.atomic import Unconfirmed


class Failing:
    """A block whose system errors become `error` naming `path`; the library's own pass.

    A class rather than a generator: it wraps every operation, and costs a tenth as much.
    """

    __slots__ = ("_error", "_path")

    def __init__(self, error: type[StateReadError] | type[StateWriteError], path: Path):
        self._error = error
        self._path = path

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if isinstance(error, OSError):
            refused(self._error, self._path, error)


def refused(
    error: type[StateReadError] | type[StateWriteError], path: Path, cause: OSError
) -> NoReturn:
    """Raise `cause` as `error` naming `path`, unless it is one of the library's own."""
    if isinstance(cause, StateError):
        raise cause
    if isinstance(cause, Unconfirmed):  # after the commit point: neither done nor unchanged
        raise StateCommitUnknownError.on_disk(path, cause, undone=cause.undone) from cause
    raise error(path, cause) from cause
