"""The durable write: a file is replaced whole or not at all, and the change survives power loss.

Every operation is relative to the open directory that holds the file (see `_directory`).
"""

import contextlib
import errno
import os
import time
from collections.abc import Callable

from .directory import Directory
from .fileio import GUARDED, flush, reserve
from .spare import Spare
from .temps import Temps
from .trust import stranger

# Windows refuses os.replace while another process has the target open, even briefly to read
# it (bpo-46003). Such holds are short, so retry with a bounded backoff (about 1 s in all).
_REPLACE_DELAYS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.6)

# O_EXCL with O_NOFOLLOW: a name planted in advance (a file, a directory, a symlink to
# anywhere) is never opened, only skipped for another random name.
_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
)
_ATTEMPTS = 100
#: The mode bits a new file takes from the one it replaces: never set-uid, set-gid or sticky.
_PERMISSIONS = 0o777
#: How a file kept aside is opened to change its mode: never a link, never blocking.
_KEPT_FLAGS = os.O_RDONLY | GUARDED


class Unconfirmed(OSError):
    """A write that is in place (readers see it) but that the system did not confirm durable.

    Raised after the commit point: the change may not survive a power loss, so neither
    "done" nor "unchanged" is true of it.
    """

    #: The change was taken back (a journal record erased), but that was not confirmed
    #: either: a power loss may bring it back.
    undone = False

    @classmethod
    def of(cls, cause: OSError, *, undone: bool = False) -> "Unconfirmed":
        """`cause`, as an error that came after the change was in place (and, with `undone`,
        taken back again)."""
        error = cls(cause.errno, cause.strerror or str(cause), cause.filename)
        error.undone = undone
        return error


def write_atomic(
    directory: Directory,
    name: str,
    data: bytes,
    *,
    temps: Temps,
    current: os.stat_result | None,
    keep_owner: bool = True,
    before_replace: Callable[[], None] | None = None,
    size: int | None = None,
    spare: tuple[Spare, str] | None = None,
) -> None:
    """Replace the file `name` in `directory` with `data` durably.

    `current` is the status of the file being replaced, or of the file whose mode and owner
    a new one takes (None: the umask decides): the new file gets its permission bits (never
    a set-id or sticky bit) and, if `keep_owner` and permitted, its owner, unless that owner
    is a stranger (see `trust.stranger`). `before_replace` runs after the data is safely
    on disk and before the rename, so links it makes in the same directory (the backup) are
    covered by the one directory fsync. `size`: the file is extended to that many bytes,
    allocated where the system can (the journal's room to grow). `spare` (the state file's
    spare and its name): the file is written into the spare when it may be (see `spare`).
    """
    taken = None
    if spare is not None and current is not None:
        taken = spare[0].take(directory, spare[1], temps)  # 1. a retired file, reused
    fd, temp = taken or _create_temp(directory, temps)  # 1. same directory, unpredictable name
    try:
        try:
            if current is not None:
                _copy_owner_and_mode(fd, current, keep_owner, directory)  # 2. or the umask's
            _write_all(fd, data)  # 3. the whole content, serialized before we got here
            if taken is not None:
                os.ftruncate(fd, len(data))  # what is left of the spare's old content
            if size is not None:
                reserve(fd, size)
            flush(fd)  # 4. on the disk before the rename can be
        finally:
            os.close(fd)
        if before_replace is not None:
            before_replace()
        try:
            _replace(directory, temp, name)  # 5. atomic: readers see the old file or the new
        except OSError as error:
            if not _still_there(directory, temp):  # renamed after all: past the commit point
                raise Unconfirmed.of(error) from error
            raise
    except Unconfirmed:
        raise
    except BaseException:
        # 6. an error leaves no temp file (a kill does: swept later). One that cannot be
        # removed is left to the sweep: the error to report is the one that stopped the save.
        with contextlib.suppress(OSError):
            directory.unlink(temp)
        raise
    try:
        directory.sync()  # 7. the rename itself survives a power loss
    except OSError as error:  # the new file is in place: only its durability is in doubt
        raise Unconfirmed.of(error) from error
    if spare is not None:
        spare[0].confirm()  # a file retired in `before_replace` is durably the spare now


def link_atomic(
    directory: Directory,
    source: str,
    target: str,
    *,
    temps: Temps,
    expected: os.stat_result,
    content: bytes | None,
    spare: tuple[Spare, str] | None = None,
) -> None:
    """Make `target` another name for the file `source`, replacing the old `target` atomically.

    `expected` is the status of the file `source` named when it was checked: if the name
    now holds another file, nothing is linked. A hard link costs no copy, and `target` is
    always a whole file, old or new. Call it in `write_atomic`'s `before_replace`, whose
    directory fsync then covers it. Filesystems without hard links get a durable copy of
    `content` instead (None: the file could not be read, and so cannot be copied).
    """
    for _ in range(_ATTEMPTS):
        temp = temps.name()
        try:
            directory.link(source, temp)
            break
        except FileExistsError:
            continue  # planted, or a leftover: another random name
        except OSError:  # no hard links here (FAT, some network shares, protected_hardlinks)
            _forget_link(directory, temp, expected)  # or linked, and then an error reported
            if content is None:
                raise
            try:
                write_atomic(directory, target, content, temps=temps, current=expected)
            except Unconfirmed as error:  # a backup, before the save's own commit point
                raise OSError(error.errno, error.strerror, error.filename) from error
            return
    else:
        raise FileExistsError(errno.EEXIST, "no free temp name", temps.prefix)
    linked = None
    try:
        linked = directory.lstat(temp)
        if linked is None or not os.path.samestat(linked, expected):
            raise FileNotFoundError(
                errno.ENOENT, "the file was replaced while it was being kept", source
            )
        _drop_set_id(directory, temp, linked)
        if spare is not None:
            spare[0].retire(directory, target, spare[1])
        _replace(directory, temp, target)
    finally:
        if linked is not None:
            _forget_link(directory, temp, linked)


def _drop_set_id(directory: Directory, temp: str, linked: os.stat_result) -> None:
    """Take the set-id and sticky bits off the file linked at `temp`, if it has any.

    The file kept aside is the replaced file itself, not a copy: without this a set-uid
    snapshot would live on as a set-uid backup. Best effort (only its owner or root may),
    and never through anything but the file just linked.
    """
    if not linked.st_mode & 0o7000 or not hasattr(os, "fchmod"):
        return
    with contextlib.suppress(OSError):
        fd = directory.open(temp, _KEPT_FLAGS)
        try:
            if os.path.samestat(os.fstat(fd), linked):
                os.fchmod(fd, linked.st_mode & _PERMISSIONS)
        finally:
            os.close(fd)


def _forget_link(directory: Directory, temp: str, linked: os.stat_result) -> None:
    """Remove the temp name `temp`, if it still names the file linked there (`linked`).

    rename(2) does nothing when both names already link one file (a save killed after its
    backup link but before its rename leaves the file and its backup so), so the temp name
    can survive even a successful replace. Once renamed, the name is free, and anyone who
    can create names here may have planted something at it: that is never removed, and a
    name that cannot be removed never fails the save (the sweep tidies it later).
    """
    with contextlib.suppress(OSError):
        found = directory.lstat(temp)
        if found is not None and os.path.samestat(found, linked):
            directory.unlink(temp)


def _create_temp(directory: Directory, temps: Temps) -> tuple[int, str]:
    # Same directory as the target: os.replace cannot cross filesystems (EXDEV). Mode 0o666
    # lets the kernel apply the umask, so a new file gets 0o666 & ~umask without this code
    # touching the process-wide umask (reading it means setting it, which races threads).
    for _ in range(_ATTEMPTS):
        temp = temps.name()
        try:
            return directory.open(temp, _CREATE_FLAGS, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temp name", directory.where(temps.prefix))


def _copy_owner_and_mode(
    fd: int, current: os.stat_result, keep_owner: bool, directory: Directory
) -> None:
    # The replacement is a new inode: without this a 0644 file would change its mode.
    if not hasattr(os, "fchmod"):
        return  # Windows: only the read-only flag exists, and replace keeps none of it anyway.
    new = os.fstat(fd)
    if (
        keep_owner
        and (new.st_uid, new.st_gid) != (current.st_uid, current.st_gid)
        # Never given to a stranger, who could then write what the caller reads as theirs.
        and not stranger(current.st_uid, directory.stat())
    ):
        # Only root may give a file away; for anyone else keeping our own ownership is the best.
        with contextlib.suppress(PermissionError):
            os.fchown(fd, current.st_uid, current.st_gid)
    # The permission bits only: a set-id or sticky bit is never copied (a root-owned
    # set-uid file would otherwise come of a planted one).
    os.fchmod(fd, current.st_mode & _PERMISSIONS)


def _still_there(directory: Directory, temp: str) -> bool:
    """Whether the temp file is still at its name (when that cannot be told: not known so)."""
    try:
        return directory.lstat(temp) is not None
    except OSError:
        return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _replace(directory: Directory, temp: str, name: str) -> None:
    if os.name != "nt":
        directory.replace(temp, name)
        return
    for delay in _REPLACE_DELAYS:
        try:
            directory.replace(temp, name)
            return
        except PermissionError:
            time.sleep(delay)
    directory.replace(temp, name)
