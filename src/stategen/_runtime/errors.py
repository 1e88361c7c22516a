"""The errors this library raises: one base class, each error naming its file or field.

An error the operating system caused is also the builtin OSError subclass of its errno, as the
raw error would have been: `except PermissionError` catches a StateWriteError for EACCES.
"""

import errno
import os
import re
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .lockholder import LockHolder

#: At most this many characters of one text a caller gave (a path, a field, a key) in a
#: message, and of a whole message: the middle of a longer one is left out.
_PIECE = 300
_MESSAGE = 2000
#: Characters a terminal obeys rather than shows (C0, DEL, C1, line and bidi controls).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: How a location naming a database row starts (else it is a file's path).
_DATABASE = ("postgresql://", "postgres://")


def shown(text: object, limit: int = _PIECE) -> str:
    """`text` as a message may show it: control characters escaped (`\\x1b`), and at most
    `limit` characters, the middle of a longer text left out. Every message goes through it."""
    text = _CONTROL.sub(_escaped, str(text))
    if len(text) > limit:
        half = (limit - 5) // 2
        text = f"{text[:half]} ... {text[-half:]}"
    return text


def _escaped(match: "re.Match[str]") -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _in_database(path: object) -> bool:
    """Whether `path` names a database row (a PostgreSQL URL) rather than a file."""
    return isinstance(path, str) and path.startswith(_DATABASE)


# (library class, builtin class) -> the class that is both; made once, on first use.
_BOTH: dict[tuple[type, type], type] = {}


def _matching(cls: type, number: int | None) -> type:
    """`cls`, or a subclass of it that is also the builtin OSError subclass of `number`."""
    builtin = type(OSError(number, "")) if number is not None else OSError
    if issubclass(cls, builtin):
        return cls
    both = _BOTH.get((cls, builtin))
    if both is None:
        namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        both = _BOTH[(cls, builtin)] = type(cls.__name__, (cls, builtin), namespace)
        both._declared = cls  # type: ignore[attr-defined]
    return both


def _restore(
    cls: type["StateError"],
    args: tuple[Any, ...],
    os_fields: tuple[Any, Any, Any] | None,
    attrs: dict[str, Any],
) -> "StateError":
    # Rebuild without calling __init__, whose signature differs from `args`.
    if os_fields is None:
        error: StateError = Exception.__new__(cls)
    elif os_fields[0] is None:  # an OSError by inheritance only (a timeout): args say it all
        error = OSError.__new__(cls, *args)
    else:
        number, strerror, filename = os_fields
        extra = () if filename is None else (filename,)
        error = OSError.__new__(_matching(cls, number), number, strerror, *extra)
    error.args = args
    error.__dict__.update(attrs)
    return error


class StateError(Exception):
    """Base class of every error raised by this library."""

    def __init__(self, message: str) -> None:
        super().__init__(shown(message, _MESSAGE))

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors raised in worker processes (multiprocessing) must pickle intact, and a class
        # made to match an errno is rebuilt from the class it was made from.
        declared = getattr(type(self), "_declared", type(self))
        os_fields = None
        if isinstance(self, OSError):
            os_fields = (self.errno, self.strerror, self.filename)
        return (_restore, (declared, self.args, os_fields, self.__dict__))


class _FromTheSystem(StateError, OSError):
    """An error with an errno: also the builtin OSError subclass of that errno."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        number = cls._errno(*args, **kwargs)
        return OSError.__new__(_matching(cls, number), number, "")

    @classmethod
    def _errno(cls, *args: Any, **kwargs: Any) -> int | None:
        raise NotImplementedError

    def _describe(self, path: os.PathLike[str] | str, message: str, filename: Any) -> None:
        self.path = path
        message = shown(message, _MESSAGE)
        self.strerror = message
        self.filename = filename
        self.args = (self.errno, message)

    def __str__(self) -> str:
        # OSError would prefix "[Errno N]"; the message already says what went wrong.
        return str(self.strerror)


class StateNotFoundError(_FromTheSystem, FileNotFoundError):
    """There is no state file at `path` (nothing has been saved there yet)."""

    @classmethod
    def _errno(cls, *args: Any, **kwargs: Any) -> int:
        return errno.ENOENT

    def __init__(self, path: os.PathLike[str] | str, advice: str | None = None) -> None:
        if advice is not None:  # what to do, when "save a state first" is not it
            message = f"{shown(path)}: {advice}"
        elif _in_database(path):
            message = f"{shown(path)}: nothing saved here yet; save a state first"
        else:
            message = f"{shown(path)}: no state file here yet; save a state first"
        self._describe(path, message, path)


class StateCorruptError(StateError, ValueError):
    """The file at `path` is not a valid state. It was left exactly as it was."""

    def __init__(
        self, path: os.PathLike[str] | str, reason: str, *, field: str | None = None
    ) -> None:
        what = "row" if _in_database(path) else "file"
        super().__init__(
            f"{shown(path)}: corrupt state {what} ({reason}); the {what} was left untouched, "
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
        what = "row" if _in_database(path) else "file"
        super().__init__(
            f"{shown(path)}: schema version {shown(found_version)} {reason} "
            f"(this code reads up to {supported_version}); the {what} was left untouched"
        )
        self.path = path
        self.found_version = found_version
        self.supported_version = supported_version
        self.reason = reason


class StateLockTimeout(StateError, TimeoutError):
    """Another thread or process held the lock on `path` for longer than `timeout` seconds:
    `holder` (a `lockholder.LockHolder`: pid, host, command, since), or None and
    `holder_unknown` says why it could not be told (the constructor takes either as `holder`)."""

    def __init__(
        self,
        path: os.PathLike[str] | str,
        lock_path: os.PathLike[str] | str,
        timeout: float,
        holder: "LockHolder | str | None" = None,
    ) -> None:
        who = "another thread or process is holding it"
        if isinstance(holder, str):
            who += f" (holder unknown: {shown(holder)})"
        elif holder is not None:
            who = f"the lock is held by {holder.describe()}"
        super().__init__(
            f"{shown(path)}: could not take the lock {shown(lock_path)} within {timeout:g} s; {who}"
        )
        self.path, self.lock_path, self.timeout = path, lock_path, timeout
        self.holder = None if isinstance(holder, str) else holder
        self.holder_unknown = holder if isinstance(holder, str) else None


class _Refused(_FromTheSystem):
    """The system refused an operation; `cause` is the OSError it answered with."""

    _DOING: ClassVar[str]  # "write", "read"
    _AFTERWARDS: ClassVar[str]  # what the caller can count on

    @classmethod
    def _errno(cls, path: Any, cause: OSError, **kwargs: Any) -> int | None:
        return cause.errno

    def __init__(self, path: os.PathLike[str] | str, cause: OSError) -> None:
        where = f" ({shown(cause.filename)})" if cause.filename is not None else ""
        self._describe(
            path,
            f"{shown(path)}: could not {self._DOING} the state: {cause.strerror or cause}{where}; "
            + self._AFTERWARDS,
            cause.filename,
        )


class StateWriteError(_Refused):
    """The operating system refused a write (permissions, a full disk, a read-only mount).

    Nothing was changed: the state file, if any, still holds the previous state. `errno` is
    that of the refused operation, whose path the message names.
    """

    _DOING = "write"
    _AFTERWARDS = "the state on disk is unchanged. Check the directory's permissions and free space"


class StateReadError(_Refused):
    """The operating system refused to read the state file or to reach it (permissions,
    an I/O error, a path too long or looping). Nothing was changed.
    """

    _DOING = "read"
    _AFTERWARDS = "nothing was changed"


class StateUnsafePathError(_FromTheSystem):
    """Something the library must not use stands at the state path or beside it.

    A symlink it may not follow (in a shared sticky directory, owned by someone other than
    you and the directory's owner), a stranger's file there (owned by someone other than
    you, root and the directory's owner), a file of another user it may not replace, or
    something that is not a regular file (a directory, FIFO, socket or device). `offender`
    is its path, `owner` its owner's uid. Nothing was read from it, and nothing was written
    anywhere.
    """

    #: errno for each kind of refusal, as the system would have answered.
    UNTRUSTED_LINK: ClassVar[int] = errno.EACCES  # what protected_symlinks answers
    FOREIGN_FILE: ClassVar[int] = errno.EPERM  # what a sticky directory answers
    DIRECTORY: ClassVar[int] = errno.EISDIR
    NOT_A_FILE: ClassVar[int] = errno.EINVAL

    @classmethod
    def _errno(cls, *args: Any, number: int, **kwargs: Any) -> int:
        return number

    def __init__(
        self,
        path: os.PathLike[str] | str,
        offender: os.PathLike[str] | str,
        reason: str,
        *,
        number: int,
        owner: int | None = None,
    ) -> None:
        self._describe(
            path,
            f"{shown(path)}: refusing to use {shown(offender)}: {reason}; nothing was changed",
            offender,
        )
        self.offender = offender
        self.reason = reason
        self.owner = owner


class StateValidationError(StateError, ValueError):
    """A value does not match its declared type; `field` is its path, e.g. `window.width`."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{shown(field) or 'state'}: {reason}")
        self.field = field
        self.reason = reason


class StateMigrationError(StateError):
    """The migration chain is broken, or one of its steps failed on a file.

    A step that raised, or made data the newer model rejects, is named in `step` (its module
    and versions) and the message, and what it raised is the `__cause__`. The file is left
    exactly as it was: the bug is in the step, not in the data.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: os.PathLike[str] | str | None = None,
        step: str | None = None,
    ) -> None:
        super().__init__(f"{shown(path)}: {reason}" if path is not None else reason)
        self.path = path
        self.reason = reason
        self.step = step


class StateConfigError(StateError, ValueError):
    """A manager was given an `argument` it cannot work with (its path, its lock_timeout)."""

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{shown(argument)}: {reason}")
        self.argument = argument
        self.reason = reason


class StateReentryError(StateError, RuntimeError):
    """A save or transaction of a file inside a transaction of the same file, in one thread.

    The inner save would be overwritten by the outer one when it commits (a lost update), so
    change the state the transaction yielded instead.
    """

    def __init__(self, path: os.PathLike[str] | str) -> None:
        super().__init__(
            f"{shown(path)}: this thread already holds the lock (a save or transaction inside a "
            "transaction); change the state the transaction yielded instead"
        )
        self.path = path


class StateUnavailableError(StateError, ConnectionError):
    """The database server at `host` could not be reached, or the connection to it was lost.

    The operation that failed changed nothing (but see StateCommitUnknownError, its subclass).
    Try again when the server is back: connections are made afresh.
    """

    def __init__(self, location: str, host: str, reason: str) -> None:
        super().__init__(
            f"{shown(location)}: the database server {shown(host)} is unavailable ({reason}); "
            "nothing was changed, try again when it is back"
        )
        self.location, self.host, self.reason = location, host, reason


class StateCommitUnknownError(StateUnavailableError):
    """The connection to `host` was lost while the server committed a change; or, from the
    file engine (`on_disk`, `host` empty), a change in place that the disk did not confirm.

    The change may or may not have been stored: read the state again (or make the change
    idempotent) before repeating it. Every other change either committed or raised.
    """

    def __init__(self, location: str, host: str, reason: str) -> None:
        StateError.__init__(
            self,
            f"{shown(location)}: the connection to the database server {shown(host)} was lost "
            f"during COMMIT ({reason}); the change may or may not have been stored, read the state "
            "again before repeating it",
        )
        self.location, self.host, self.reason = location, host, reason

    @classmethod
    def on_disk(
        cls, path: os.PathLike[str] | str, cause: OSError, *, undone: bool = False
    ) -> "StateCommitUnknownError":
        """The file engine's case (`host` empty): the change is in place, but the system did
        not confirm it durable (`cause`); or, `undone`, it was taken back, unconfirmed."""
        where = f" ({cause.filename})" if cause.filename is not None else ""
        reason = f"{cause.strerror or cause}{where}"
        error = cls.__new__(cls)
        what, then = ("is in place, but not", "it may not survive a power loss")
        if undone:
            what, then = ("failed and was taken back, but not", "a power loss may bring it back")
        StateError.__init__(
            error,
            f"{shown(path)}: the change {what} confirmed on the disk by the system: {reason}; "
            f"{then}, read the state again before repeating it",
        )
        error.location, error.host, error.reason = str(path), "", reason
        return error


class StateDatabaseError(StateError):
    """The database server refused a statement: a missing privilege or table, a value it
    cannot store. `sqlstate` is its error code; `field` the path of the value it could not
    store, when known. Nothing was changed."""

    def __init__(
        self, location: str, sqlstate: str | None, reason: str, *, field: str | None = None
    ) -> None:
        super().__init__(f"{shown(location)}: the database refused: {reason}; nothing was changed")
        self.location = location
        self.sqlstate = sqlstate
        self.reason = reason
        self.field = field
