"""Deleting a state's files: which names are its, the order they go in, and the checks each passes.

A state's files are the snapshot, its journal, the backup, the version backups
(`<file>.v<MAJOR.MINOR.PATCH>.bak`, found by listing the directory and taken only when the
name is exactly the one a save gives that version), the copies kept aside (`.corrupt`,
`.journal.corrupt`) and the temp files of crashed writers. The lock file goes last, once the
rest is gone (see `state.StateFiles.locked`).

The order is the crash guarantee. The older generations go first (the copies kept aside, the
version backups, the backup), and the directory is synced; then the snapshot, the commit
point, then its journal, and the directory is synced again. A delete killed at any step, or a
power loss, leaves either the current state whole (its journal still beside it) or no state
at all: never a backup that `recover()` would put back in place of a deleted state, and never
a snapshot without the journal records that complete it (an older state, too).

Every name is checked before anything is removed, as a save checks what it replaces: only a
regular file goes (a symlink is neither followed nor removed), and in a sticky directory only
one the caller may remove that is not a stranger's (see `fs.trust`). A refusal removes
nothing. Temp files are swept as `fs.temps.sweep` sweeps them: one that is not ours stays.
"""

import contextlib
import os
import re
import stat
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ...errors import StateUnsafePathError
from .fs import names as _names
from .fs.atomic import Unconfirmed
from .fs.directory import Directory
from .fs.temps import sweep
from .fs.trust import describe_owner, may_replace, stranger

#: The schema version in a version backup's name, as `migrate.parse_version` reads it.
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")


@dataclass(frozen=True)
class Doomed:
    """A state's files there now, in the order they go: the `older` generations, then the
    snapshot (`state`, None when missing) and its `journal`; and the crashed writers' `temps`."""

    older: tuple[str, ...]
    state: str | None
    journal: str | None
    temps: tuple[str, ...]

    def sidecars(self) -> list[str]:
        """Every name but the snapshot's, in the order they go."""
        journal = () if self.journal is None else (self.journal,)
        return [*self.temps, *self.older, *journal]

    def found(self) -> bool:
        """Whether any of it is a state, or a generation of one (temp files are not)."""
        return bool(self.older) or self.state is not None or self.journal is not None


def doomed(directory: Directory, name: str, journal: str, temp_prefix: str) -> Doomed:
    """The files of the state file `name` (journal `journal`) in `directory` now.

    Lists the directory once, for the version backups and the temp files; OSError when it
    cannot be listed (they could not be found, so nothing is removed).
    """
    limit = directory.name_max()
    listed = directory.names()
    older = [
        _names.spare(name, limit),  # a backup retired before the current one: the oldest
        _names.sidecar(name, ".corrupt", limit),
        _names.sidecar(journal, ".corrupt", limit),
        *sorted(_version_backups(listed, name, limit)),
        _names.sidecar(name, ".bak", limit),
    ]

    def present(entry: str) -> bool:
        return directory.lstat(entry) is not None

    return Doomed(
        older=tuple(entry for entry in older if present(entry)),
        state=name if present(name) else None,
        journal=journal if present(journal) else None,
        temps=tuple(sorted(entry for entry in listed if entry.startswith(temp_prefix))),
    )


def remove(
    directory: Directory, found: Doomed, origin: Path, owners: Collection[int], temp_prefix: str
) -> None:
    """Remove `found` in its order, each name checked first (StateUnsafePathError, nothing
    removed); `owners` are the users whose temp files may go. Once the snapshot is gone an
    error is `atomic.Unconfirmed`: the state is deleted, its last steps not confirmed."""
    finals = [entry for entry in (found.state, found.journal) if entry is not None]
    for entry in (*found.older, *finals):
        _checked(directory, entry, origin)
    sweep(directory, temp_prefix, owners)
    for entry in found.older:
        _unlink(directory, entry, origin)
    if found.older:
        directory.sync()  # the older generations are gone for good before the state goes
    if not finals:
        return
    _unlink(directory, finals[0], origin)  # the commit point: the state is gone
    try:
        for entry in finals[1:]:
            _unlink(directory, entry, origin)
        directory.sync()
    except OSError as error:
        if isinstance(error, StateUnsafePathError):
            raise
        raise Unconfirmed.of(error) from error


def _version_backups(listed: list[str], name: str, limit: int) -> list[str]:
    """The names in `listed` that are exactly what a save names the version backups of `name`."""
    found = []
    for entry in listed:
        if not entry.endswith(".bak"):
            continue
        stem = entry[: -len(".bak")]
        start = stem.rfind(".v")
        version = stem[start + 2 :]
        if start < 0 or not _VERSION.fullmatch(version):
            continue
        if _names.sidecar(name, f".v{version}.bak", limit) == entry:
            found.append(entry)
    return found


def _unlink(directory: Directory, name: str, origin: Path) -> None:
    """Remove `name`, checked again just before: the files may have been changed by hand."""
    if _checked(directory, name, origin) is None:
        return
    with contextlib.suppress(FileNotFoundError):  # gone meanwhile: removed all the same
        directory.unlink(name)


def _checked(directory: Directory, name: str, origin: Path) -> os.stat_result | None:
    """The status of `name` (None: gone), or StateUnsafePathError if it may not be removed."""
    found = directory.lstat(name)
    if found is None:
        return None
    mode = found.st_mode
    number = StateUnsafePathError.NOT_A_FILE
    if stat.S_ISLNK(mode):
        reason = (
            "it is a symlink, and the files kept beside a state file never are; remove the "
            "link yourself (what it points to is left alone), then delete again"
        )
    elif stat.S_ISDIR(mode):
        number = StateUnsafePathError.DIRECTORY
        reason = "it is a directory, not a file of the state; move it away, then delete again"
    elif not stat.S_ISREG(mode):
        reason = "it is not a regular file, so not a file of the state; move it away first"
    else:
        where = directory.stat()
        if not stranger(found.st_uid, where) and may_replace(found.st_uid, where):
            return found
        number = StateUnsafePathError.FOREIGN_FILE
        reason = (
            f"it belongs to {describe_owner(found.st_uid)} in the sticky directory "
            f"{directory.path}, where only its owner may remove it and a stranger's file is "
            "never taken for the state's; ask them to remove it, then delete again"
        )
    offender = directory.where(name)
    raise StateUnsafePathError(origin, offender, reason, number=number, owner=found.st_uid)
