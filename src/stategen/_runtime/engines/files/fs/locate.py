"""Where a state file really is: its path walked one directory at a time, at every operation.

A symlink on the way is followed only where the kernel's `protected_symlinks` rule would
follow it: in a sticky, world-writable directory (such as /tmp) only a link owned by the caller
or by the directory's owner. `Path.resolve()` reads links with readlink and so skips that
check, which let a link another user planted in a shared directory redirect a save anywhere.
The walk happens again at each operation, because a link can be planted at any time, and the
directories it reaches stay open (see `_directory`), so nothing later can redirect them.
Missing directories are created only on the way the caller gave, never beyond a symlink.

A walk costs a system call per directory. So a `Locator` keeps the directory its last walk
reached open, when that walk met no link at all, and the next operation looks its path up in
one call and compares the directory it finds with the one it holds (device and inode; a
directory held open cannot give its inode number to another). The same directory means the
operation happens exactly where a walk would take it; any other outcome, or a link at the
file's own name, means a full walk again.
"""

import errno
import os
import stat
from pathlib import Path, PurePath

from .directory import BY_DESCRIPTOR, Directory
from .trust import check_link

#: Links followed in one walk before giving up, as the kernel does (ELOOP).
MAX_LINKS = 40


class Location:
    """The directory that really holds the state file, and the file's name there.

    `directory` is None when a directory on the way does not exist (and was not created);
    `path` is then where the file would be. `found` is the file's status when the walk
    reached it, never a symlink's. Closing the location closes the directory.
    """

    __slots__ = ("_owned", "_where", "directory", "found", "name")

    def __init__(
        self,
        directory: Directory | None,
        name: str,
        where: str,
        found: os.stat_result | None = None,
        *,
        owned: bool = True,
    ) -> None:
        self.directory = directory
        self.name = name
        self._where = where
        self.found = found  # the status of `name` when the walk reached it (None: missing)
        self._owned = owned  # False: the locator's own directory, which it keeps open

    @property
    def path(self) -> Path:
        """The file's real path: the links on the way resolved."""
        return Path(self._where)

    def __enter__(self) -> "Location":
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def close(self) -> None:
        if self.directory is not None and self._owned:
            self.directory.close()


class Locator:
    """Finds the state file at `path` for each operation, cheaply when the way is unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # The directory the last walk reached without meeting a link, held open, with its
        # device and inode. Replaced, never closed here: an operation in another thread
        # may still use it, and it closes when the last one lets it go.
        self._known: tuple[Directory, int, int] | None = None

    def locate(self, *, create: bool) -> Location:
        """Where the file is now: walked from the root, with `create` making missing
        directories, unless the directory held open is confirmed in one call.

        Raises StateUnsafePathError for a link the caller may not follow, and OSError for
        what the system refuses (a loop of links, a file where a directory should be ...).
        """
        known = self._known
        if known is not None:
            place = _confirm(known, self.path.name)
            if place is not None:
                return place
        walk = _Walk(Directory.root(self.path.anchor), self.path, create)
        try:
            place = walk.run(list(self.path.parts[1:]))
        except BaseException:
            walk.directory.close()
            raise
        self._known = None
        if BY_DESCRIPTOR and place.directory is not None and walk.links == 0:
            here = place.directory.stat()
            held = place.directory.duplicate()
            self._known = (held, here.st_dev, here.st_ino)
        return place


def _confirm(known: tuple[Directory, int, int], name: str) -> Location | None:
    """The location in the directory held open, if its path still leads there; else None."""
    directory, device, inode = known
    try:
        here = os.stat(directory.path)
        found = directory.lstat(name)
    except OSError:
        return None
    if (here.st_dev, here.st_ino) != (device, inode) or (
        found is not None and stat.S_ISLNK(found.st_mode)
    ):
        return None
    return Location(directory, name, directory.where(name), found, owned=False)


class _Walk:
    """One walk of a path: the directory reached so far, and the links followed."""

    def __init__(self, root: Directory, origin: Path, create: bool) -> None:
        self.directory = root
        self.origin = origin  # the path the caller gave, for error messages
        self.create = create
        self.links = 0
        self.made = 0

    def run(self, parts: list[str]) -> Location:
        """Walk `parts` (below the root) to the directory of the last one, its file name."""
        while True:
            name = parts.pop()
            missing = self._enter(parts)
            if missing is not None:
                return Location(None, name, os.path.join(missing, name))
            found = self.directory.lstat(name)
            if found is None or not stat.S_ISLNK(found.st_mode):
                return Location(self.directory, name, self.directory.where(name), found)
            parts = self._follow(name, found)

    def _enter(self, parts: list[str]) -> str | None:
        """Walk `parts` (directories); the path of the first missing one, if not created."""
        while parts:
            part = parts.pop(0)
            if part in ("", "."):
                continue
            try:
                self._step(self.directory.child(part))
            except FileNotFoundError:
                if not self.create:
                    return os.path.join(self.directory.path, part, *parts)
                self._make(part)
                parts.insert(0, part)  # walked into like any other, link checks included
            except OSError as error:
                found = self.directory.lstat(part)
                if found is None or not stat.S_ISLNK(found.st_mode):
                    raise error from None
                parts[:0] = self._follow(part, found)
        return None

    def _make(self, name: str) -> None:
        where = self.directory.where(name)
        if self.links:
            raise FileNotFoundError(
                errno.ENOENT,
                "that directory is reached through a symlink, so it is not created; create it",
                where,
            )
        self.made += 1
        if self.made > MAX_LINKS:  # made, and gone again, over and over: someone deletes them
            raise FileNotFoundError(errno.ENOENT, "the directory keeps disappearing", where)
        try:
            self.directory.make(name)
        except FileExistsError:
            return  # made meanwhile by another writer
        # The new entry lasts only once its parent is synced; the new directory itself is
        # synced by the save's final directory sync, or when it gets a subdirectory.
        self.directory.sync()

    def _follow(self, name: str, link: os.stat_result) -> list[str]:
        """The parts of the link `name`'s target, from where the walk must continue."""
        check_link(self.directory, name, link, self.origin)
        self.links += 1
        if self.links > MAX_LINKS:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), self.directory.where(name))
        target = PurePath(self.directory.readlink(name))
        if target.name in ("", ".."):
            raise IsADirectoryError(
                errno.EISDIR, "the symlink points at a directory", self.directory.where(name)
            )
        if target.is_absolute():
            self._restart(target.anchor)
            return list(target.parts[1:])
        return list(target.parts)

    def _restart(self, anchor: str) -> None:
        self._step(Directory.root(anchor))

    def _step(self, directory: Directory) -> None:
        self.directory.close()
        self.directory = directory
