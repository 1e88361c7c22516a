"""The snapshot file: what is there now, and replacing it durably while keeping the old one.

The file being replaced lives on under other names (the backup, a version backup, or
`.corrupt`) by hard links made just before the rename, so keeping it costs no copy and
every name is always a whole file. Every name a save replaces is checked before anything is
written: a save that cannot finish fails before it starts.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import StateError, StateNotFoundError
from .fs import atomic as _atomic
from .fs import names as _names
from .fs.directory import Directory
from .fs.regular import check_replaceable, read_regular, refuse_unless_regular
from .fs.spare import Spare
from .fs.temps import Temps
from .fs.trust import trusted


@dataclass(frozen=True)
class Current:
    """A file a save is about to replace: its status, and its bytes (None: unreadable)."""

    status: os.stat_result
    raw: bytes | None


def current(directory: Directory, name: str, origin: Path, *, limit: int) -> Current | None:
    """The file `name` as it is now (None: there is none), read if it can be.

    An unreadable file (permissions, an I/O error, more than `limit` bytes) is still one to
    keep aside, whole.
    """
    try:
        raw, status = read_regular(directory, name, origin, limit=limit)
    except StateNotFoundError:
        return None
    except StateError:
        raise  # not a regular file, or one this library may not use
    except OSError:
        found = directory.lstat(name)
        if found is None:
            return None
        refuse_unless_regular(directory, name, found, origin)
        return Current(found, None)
    return Current(status, raw)


@dataclass(frozen=True)
class Kept:
    """A file to keep under another name (`source` + `suffix`) as it is now (`held`)."""

    source: str
    held: Current
    suffix: str


def replace(
    directory: Directory,
    name: str,
    data: bytes,
    origin: Path,
    *,
    temps: Temps,
    now: Current | None,
    keep: Sequence[Kept] = (),
    spare: tuple[Spare, str] | None = None,
) -> None:
    """Replace the file `name` (now `now`) with `data` durably and atomically, first linking
    each file in `keep` to its other name, in the same directory sync. With `spare` (the
    file's spare and its name), the new file is written into the spare when it may be, and
    the backup it replaces becomes the next spare (see `fs.spare`)."""
    limit = directory.name_max()
    links = [(kept, _names.sidecar(kept.source, kept.suffix, limit)) for kept in keep]
    for replaced in (name, *(target for _, target in links)):
        check_replaceable(directory, replaced, origin)

    def keep_them() -> None:
        for kept, target in links:
            _atomic.link_atomic(
                directory,
                kept.source,
                target,
                temps=temps,
                expected=kept.held.status,
                content=kept.held.raw,
                spare=spare if kept.suffix == ".bak" else None,
            )

    # The new file takes the mode and owner of the one it replaces, except from a file that
    # could not be read: its mode may be what made it unreadable.
    like = now.status if now is not None and now.raw is not None else None
    _atomic.write_atomic(
        directory,
        name,
        data,
        temps=temps,
        current=like,
        # Never give the new file away to a stranger who planted the old one.
        keep_owner=like is None or trusted(like.st_uid, directory.stat()),
        before_replace=keep_them if links else None,
        spare=spare,
    )
