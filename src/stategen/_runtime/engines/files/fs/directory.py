"""One directory held open: operations on the names inside it, whatever happens to its path.

On POSIX the directory is an open file descriptor and every operation is relative to it
(openat, renameat, linkat ...): once a save has reached its directory, renaming or replacing
a directory higher up, or planting a symlink there, cannot send the save anywhere else. Where
the system has no such calls (Windows) the directory is its path.
"""

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from types import TracebackType

from .names import DEFAULT_NAME_MAX

#: Whether this system can work relative to a directory descriptor.
BY_DESCRIPTOR = os.open in os.supports_dir_fd and os.name != "nt"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHILD_FLAGS = _DIRECTORY_FLAGS | _NOFOLLOW
_LINK_WITHOUT_FOLLOWING = (
    {"follow_symlinks": False} if os.link in os.supports_follow_symlinks else {}
)


class Directory:
    """An open directory; `path` is how it was reached, for messages.

    `fd` is None for the root, and everywhere on systems without descriptor-relative calls:
    operations then take full paths.
    """

    __slots__ = ("_identity", "_name_max", "_prefix", "fd", "path")

    def __init__(self, fd: int | None, path: str) -> None:
        self.fd = fd
        self.path = path
        # Joined by hand: os.path.join costs more than the system call it names a path for.
        self._prefix = path if path.endswith(os.sep) else path + os.sep
        # Asked once: an open directory stays the same directory on the same filesystem.
        self._name_max: int | None = None
        self._identity: tuple[int, int] | None = None

    @classmethod
    def root(cls, anchor: str) -> "Directory":
        """The filesystem root (or a drive) that an absolute path starts from.

        Held by its path, not opened: nobody can replace the root, and a walk that starts
        there saves a system call on every operation.
        """
        return cls(None, anchor)

    def __enter__(self) -> "Directory":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        # Forgotten first: after a failed close the number is free, and may be reused at
        # once. A directory is only read, and synced explicitly: an error closing it says
        # nothing about the state, so it never fails the operation that used it.
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self, _close: Callable[[int], None] = os.close) -> None:
        # A directory several operations share (the locator's) closes when the last one
        # lets it go; any other was closed explicitly, and this does nothing. `os` and
        # `contextlib` may be gone at interpreter exit, hence the default argument.
        fd, self.fd = self.fd, None
        if fd is not None:
            try:  # noqa: SIM105
                _close(fd)
            except OSError:
                pass

    def duplicate(self) -> "Directory":
        """Another hold on the same directory, closed independently of this one."""
        other = Directory(os.dup(self.fd) if self.fd is not None else None, self.path)
        other._name_max, other._identity = self._name_max, self._identity
        return other

    def where(self, name: str) -> str:
        """The path of `name` in this directory."""
        return self._prefix + name

    def child(self, name: str) -> "Directory":
        """The subdirectory `name`, never through a symlink (OSError ELOOP for a link)."""
        path = os.path.dirname(self.path) if name == ".." else self.where(name)
        if not BY_DESCRIPTOR:
            found = os.lstat(path)
            if stat.S_ISLNK(found.st_mode):
                raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
            if not stat.S_ISDIR(found.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)
            return Directory(None, path)
        try:
            return Directory(os.open(self._at(name), _CHILD_FLAGS, dir_fd=self.fd), path)
        except OSError as error:
            raise self._named(error, name) from None

    def make(self, name: str) -> None:
        """Create the subdirectory `name` (mode 0o777 less the umask)."""
        try:
            os.mkdir(self._at(name), 0o777, dir_fd=self.fd)
        except OSError as error:
            raise self._named(error, name) from None

    def stat(self) -> os.stat_result:
        """The directory's own status: owner and mode, for the symlink rule."""
        return os.fstat(self.fd) if self.fd is not None else os.stat(self.path)

    def lstat(self, name: str) -> os.stat_result | None:
        """The status of `name` itself (a link is not followed), or None when it is missing."""
        try:
            return os.lstat(self._at(name), dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise self._named(error, name) from None

    def readlink(self, name: str) -> str:
        try:
            return os.readlink(self._at(name), dir_fd=self.fd)
        except OSError as error:
            raise self._named(error, name) from None

    def open(self, name: str, flags: int, mode: int = 0o666) -> int:
        try:
            return os.open(self._at(name), flags, mode, dir_fd=self.fd)
        except OSError as error:
            raise self._named(error, name) from None

    def link(self, source: str, target: str) -> None:
        """Another name for the file `source` (never the file a symlink there points to)."""
        try:
            os.link(
                self._at(source),
                self._at(target),
                src_dir_fd=self.fd,
                dst_dir_fd=self.fd,
                **_LINK_WITHOUT_FOLLOWING,
            )
        except OSError as error:
            raise self._named(error, source, target) from None

    def replace(self, source: str, target: str) -> None:
        try:
            os.replace(self._at(source), self._at(target), src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError as error:
            raise self._named(error, source, target) from None

    def unlink(self, name: str) -> None:
        try:
            os.unlink(self._at(name), dir_fd=self.fd)
        except OSError as error:
            raise self._named(error, name) from None

    def names(self) -> list[str]:
        return os.listdir(self.fd if self.fd is not None else self.path)

    def sync(self) -> None:
        """Make renames and links in this directory durable: until then a crash can undo them."""
        if os.name == "nt":
            return  # Windows cannot open a directory for fsync; NTFS journals the rename.
        fd = self.fd if self.fd is not None else os.open(self.path, _DIRECTORY_FLAGS)
        try:
            os.fsync(fd)
        except OSError as error:
            # A few filesystems (some FUSE and network mounts) cannot fsync a directory at all.
            if error.errno != errno.EINVAL:
                raise
        finally:
            if fd != self.fd:
                os.close(fd)

    def name_max(self) -> int:
        """The longest name, in bytes, this directory's filesystem accepts."""
        if self._name_max is None:
            try:
                if self.fd is not None:
                    self._name_max = os.fpathconf(self.fd, "PC_NAME_MAX")
                else:
                    self._name_max = os.pathconf(self.path, "PC_NAME_MAX")
            except (OSError, ValueError, AttributeError):  # not known (Windows, some FUSE)
                self._name_max = DEFAULT_NAME_MAX
        return self._name_max

    def identity(self) -> tuple[int, int]:
        """The directory's device and inode: which directory it is, whatever its path."""
        if self._identity is not None:
            return self._identity
        here = self.stat()
        if self.fd is not None:  # an open directory cannot become another one
            self._identity = (here.st_dev, here.st_ino)
        return here.st_dev, here.st_ino

    def _at(self, name: str) -> str:
        return name if self.fd is not None else self.where(name)

    def _named(self, error: OSError, name: str, other: str | None = None) -> OSError:
        """`error`, naming full paths rather than the bare names the call was given."""
        error.filename = self.where(name)
        if other is not None:
            error.filename2 = self.where(other)
        return error
