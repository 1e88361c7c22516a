"""Hostile neighbours: links, strange files and names planted where a state file lives.

Each case builds its scene in a fresh directory `base`, runs the operations an `Opener` makes
(the example package's manager, in the tests), and returns what went wrong: [] when the library
behaved. stategen's reliability checks run the same cases against naive stores, which must
fail them, so a case that could not fail would show.
"""

import os
import socket
import stat
from collections.abc import Callable
from pathlib import Path

from _attempts import NOBODY, Attempt, attempt
from _operations import Opener, changes, needs_root, problem, refusals, snapshot
from batch_state._runtime.engines.files.fs.names import TEMP_MARKER, spare
from batch_state.errors import (
    StateNotFoundError,
    StateUnsafePathError,
    StateWriteError,
)

Case = Callable[[Path, Opener], list[str]]
#: Another account, for files planted by someone who is neither the caller nor NOBODY.
STRANGER = NOBODY - 1
WRITES = ("save", "transaction", "recover")


def shared_directory(base: Path, owner: int | None = None) -> Path:
    """A sticky, world-writable directory like /tmp (owned by `owner`, default: the caller)."""
    shared = base / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    if owner is not None:
        os.chown(shared, owner, owner)
    return shared


def plant_link(at: Path, target: Path, owner: int | None = None) -> Path:
    """A symlink at `at` to `target`, owned by `owner` (default: the caller)."""
    at.symlink_to(target)
    if owner is not None:
        os.lchown(at, owner, owner)
    return at


def victim(base: Path) -> Path:
    """A precious file that no save may ever touch."""
    path = base / "victim" / "victim.conf"
    path.parent.mkdir()
    path.write_bytes(b"precious\n")
    return path


# Links ---------------------------------------------------------------------------------


def untrusted_link_to_a_file(base: Path, opener: Opener) -> list[str]:
    needs_root()
    link = plant_link(shared_directory(base) / "state.json", victim(base), NOBODY)
    before = snapshot(base)
    return refusals(opener(link), StateUnsafePathError) + changes(base, before)


def untrusted_dangling_link(base: Path, opener: Opener) -> list[str]:
    needs_root()
    target = base / "elsewhere" / "made.json"
    link = plant_link(shared_directory(base) / "state.json", target, NOBODY)
    before = snapshot(base)
    return refusals(opener(link), StateUnsafePathError) + changes(base, before)


def untrusted_link_planted_later(base: Path, opener: Opener) -> list[str]:
    needs_root()
    path = shared_directory(base) / "state.json"
    calls = opener(path)  # made while the path was still safe
    calls["save"]()
    path.unlink()
    plant_link(path, victim(base), NOBODY)
    before = snapshot(base)
    return refusals(calls, StateUnsafePathError) + changes(base, before)


def untrusted_link_on_the_way(base: Path, opener: Opener) -> list[str]:
    needs_root()
    shared = shared_directory(base)
    plant_link(shared / "app", victim(base).parent, NOBODY)
    before = snapshot(base)
    return refusals(opener(shared / "app" / "state.json"), StateUnsafePathError) + changes(
        base, before
    )


def untrusted_link_on_the_way_planted_later(base: Path, opener: Opener) -> list[str]:
    needs_root()
    shared = shared_directory(base)
    theirs = shared / "app"
    theirs.mkdir()
    calls = opener(theirs / "state.json")
    calls["save"]()  # into a directory that another user owns, and then swaps for a link
    os.chown(theirs, NOBODY, NOBODY)
    theirs.rename(shared / "app-moved")
    plant_link(theirs, victim(base).parent, NOBODY)
    before = snapshot(base)
    return refusals(calls, StateUnsafePathError) + changes(base, before)


def own_link_in_a_shared_directory(base: Path, opener: Opener) -> list[str]:
    target = base / "mine" / "state.json"
    target.parent.mkdir()
    link = plant_link(shared_directory(base) / "state.json", target)  # dangling until saved
    return _written_through(opener(link), target)


def link_of_the_directory_owner(base: Path, opener: Opener) -> list[str]:
    needs_root()
    target = base / "theirs" / "state.json"
    target.parent.mkdir()
    link = plant_link(shared_directory(base, STRANGER) / "state.json", target, STRANGER)
    return _written_through(opener(link), target)


def link_in_a_private_directory(base: Path, opener: Opener) -> list[str]:
    needs_root()
    target = base / "target" / "state.json"
    target.parent.mkdir()
    private = base / "private"
    private.mkdir(mode=0o755)
    return _written_through(opener(plant_link(private / "state.json", target, NOBODY)), target)


def link_to_a_missing_directory(base: Path, opener: Opener) -> list[str]:
    link = plant_link(base / "state.json", base / "missing" / "state.json")
    before = snapshot(base)
    calls = opener(link)
    found = refusals(calls, StateWriteError, only=WRITES)
    found += refusals(calls, StateNotFoundError, only=("load",))
    found += refusals(calls, None, only=("exists",))
    return found + changes(base, before)


def _written_through(calls: dict[str, Callable[[], object]], target: Path) -> list[str]:
    """Every operation works, and the state lands in the link's target."""
    found = refusals(calls, None, only=("save",))
    if not target.is_file():
        found.append(f"nothing was written to the link's target {target}")
    return found + refusals(calls, None)


LINKS: dict[str, Case] = {
    "untrusted, to a file": untrusted_link_to_a_file,
    "untrusted, dangling": untrusted_dangling_link,
    "untrusted, planted later": untrusted_link_planted_later,
    "untrusted, a directory on the way": untrusted_link_on_the_way,
    "untrusted, a directory on the way, planted later": untrusted_link_on_the_way_planted_later,
    "trusted: your own": own_link_in_a_shared_directory,
    "trusted: the directory owner's": link_of_the_directory_owner,
    "trusted: in a private directory": link_in_a_private_directory,
    "trusted, to a missing directory": link_to_a_missing_directory,
}


# Files that are not regular files ------------------------------------------------------


def _special(make: Callable[[Path], None], *, through_a_link: bool = False) -> Case:
    def case(base: Path, opener: Opener) -> list[str]:
        special = base / "special"
        make(special)
        path = plant_link(base / "state.json", special) if through_a_link else special
        before = snapshot(base)
        calls = opener(path)
        found = refusals(calls, StateUnsafePathError, only=("load", *WRITES))
        found += refusals(calls, None, only=("exists",))
        return found + changes(base, before)

    return case


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _zero_device(path: Path) -> None:
    needs_root()
    # A twin of /dev/zero: reads without end, and reports a size of 0.
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "inside").write_bytes(b"kept\n")


SPECIAL_FILES: dict[str, Case] = {
    "FIFO": _special(_fifo),
    "character device": _special(_zero_device),
    "socket": _special(_socket),
    "directory": _special(_directory),
    "link to a FIFO": _special(_fifo, through_a_link=True),
    "link to a character device": _special(_zero_device, through_a_link=True),
}


# Names planted beside the state file ---------------------------------------------------


def _saved(base: Path, opener: Opener, *, user: int | None = None) -> Path:
    """The path of a state saved (by `user`, default the caller) in a shared directory."""
    path = shared_directory(base) / "state.json"
    tried = attempt(opener(path)["save"], user=user)
    assert tried.error is None and not tried.blocked, tried
    return path


def directory_named_like_a_temp_file(base: Path, opener: Opener) -> list[str]:
    path = _saved(base, opener)
    planted = path.with_name(f".{path.name}{TEMP_MARKER}planted")
    planted.mkdir()
    found = refusals(opener(path), None, only=WRITES)
    return found + ([] if planted.is_dir() else [f"{planted.name} was removed"])


def link_named_like_a_temp_file(base: Path, opener: Opener) -> list[str]:
    path = _saved(base, opener)
    precious = victim(base)
    planted = plant_link(path.with_name(f".{path.name}{TEMP_MARKER}planted"), precious)
    found = refusals(opener(path), None, only=WRITES)
    if not planted.is_symlink():
        found.append(f"{planted.name} was removed")
    if precious.read_bytes() != b"precious\n":
        found.append("the link's target changed")
    return found


def foreign_file_named_like_a_temp_file(base: Path, opener: Opener) -> list[str]:
    needs_root()
    path = _saved(base, opener, user=NOBODY)
    planted = path.with_name(f".{path.name}{TEMP_MARKER}planted")
    planted.write_bytes(b"not yours\n")
    os.chown(planted, STRANGER, STRANGER)
    found = refusals(opener(path), None, only=WRITES, user=NOBODY)
    return found + ([] if planted.exists() else [f"{planted.name} was removed"])


def foreign_backup(base: Path, opener: Opener) -> list[str]:
    needs_root()
    path = _saved(base, opener, user=NOBODY)
    planted = path.with_name(path.name + ".bak")
    planted.write_bytes(b"not yours\n")
    os.chown(planted, STRANGER, STRANGER)
    before = snapshot(base)
    tried = attempt(opener(path)["save"], user=NOBODY)
    found = _refused_naming(tried, "save", planted, f"uid {STRANGER}")
    return found + changes(base, before)


def directory_at_the_backup_name(base: Path, opener: Opener) -> list[str]:
    path = _saved(base, opener)
    path.with_name(path.name + ".bak").mkdir()
    before = snapshot(base)
    return refusals(opener(path), StateUnsafePathError, only=("save",)) + changes(base, before)


def link_at_the_backup_name(base: Path, opener: Opener) -> list[str]:
    path = _saved(base, opener)
    precious = victim(base)
    plant_link(path.with_name(path.name + ".bak"), precious, NOBODY if _root() else None)
    found = refusals(opener(path), None, only=("save",))
    if precious.read_bytes() != b"precious\n":
        found.append("the link's target changed")
    return found


def link_at_the_lock_name(base: Path, opener: Opener) -> list[str]:
    path = shared_directory(base) / "state.json"
    plant_link(path.with_name(path.name + ".lock"), victim(base), NOBODY if _root() else None)
    before = snapshot(base)
    return refusals(opener(path), StateUnsafePathError, only=WRITES) + changes(base, before)


def foreign_lock_file(base: Path, opener: Opener) -> list[str]:
    needs_root()
    path = shared_directory(base) / "state.json"
    lock = path.with_name(path.name + ".lock")
    lock.write_bytes(b"")
    os.chown(lock, NOBODY, NOBODY)
    before = snapshot(base)
    return refusals(opener(path), StateUnsafePathError, only=WRITES) + changes(base, before)


def directory_at_the_corrupt_name(base: Path, opener: Opener) -> list[str]:
    path = _saved(base, opener)
    path.write_bytes(b"{ damaged")
    path.with_name(path.name + ".corrupt").mkdir()
    before = snapshot(base)
    return refusals(opener(path), StateUnsafePathError, only=("save",)) + changes(base, before)


def _saves_around_a_planted_spare(
    base: Path, opener: Opener, plant: Callable[[Path], None], *, user: int | None = None
) -> tuple[list[str], Path]:
    """Three saves by one manager (so it has retired a backup and would reuse it), then
    `plant` at the spare's name, then three more saves: none may fail, nor move, remove or
    write into what was planted. The problems, and where it was planted."""
    path = shared_directory(base) / "state.json"
    calls = opener(path)
    for _ in range(3):
        tried = attempt(calls["save"], user=user)
        assert tried.error is None and not tried.blocked, tried
    planted = path.with_name(spare(path.name, 255))
    planted.unlink(missing_ok=True)
    plant(planted)
    before = planted.lstat()
    found = [
        trouble for _ in range(3) for trouble in refusals(calls, None, only=("save",), user=user)
    ]
    after = planted.lstat() if os.path.lexists(planted) else None
    if after is None or (after.st_ino, after.st_mtime_ns) != (before.st_ino, before.st_mtime_ns):
        found.append(f"{planted.name} was moved, removed or written into")
    return found, planted


def link_at_the_spare_name(base: Path, opener: Opener) -> list[str]:
    precious = victim(base)

    def plant(at: Path) -> None:
        plant_link(at, precious, NOBODY if _root() else None)

    found, _ = _saves_around_a_planted_spare(base, opener, plant)
    return found + ([] if precious.read_bytes() == b"precious\n" else ["the link's target changed"])


def foreign_file_at_the_spare_name(base: Path, opener: Opener) -> list[str]:
    needs_root()

    def plant(at: Path) -> None:
        at.write_bytes(b"not yours\n")
        os.chown(at, STRANGER, STRANGER)

    found, planted = _saves_around_a_planted_spare(base, opener, plant, user=NOBODY)
    return found + ([] if planted.read_bytes() == b"not yours\n" else ["the file was changed"])


def _refused_naming(tried: Attempt, name: str, planted: Path, owner: str) -> list[str]:
    """`name` was refused with an error that names the planted file and its owner."""
    trouble = problem(name, tried, StateUnsafePathError)
    if trouble:
        return [trouble]
    message = str(tried.error)
    if str(planted) not in message or owner not in message:
        return [f"{name}'s error does not name {planted.name} and its owner: {message}"]
    return []


def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


PLANTED_NAMES: dict[str, Case] = {
    "a directory named like a temp file": directory_named_like_a_temp_file,
    "a symlink named like a temp file": link_named_like_a_temp_file,
    "another user's file named like a temp file": foreign_file_named_like_a_temp_file,
    "another user's backup": foreign_backup,
    "a directory at the backup name": directory_at_the_backup_name,
    "a symlink at the backup name": link_at_the_backup_name,
    "a symlink at the lock name": link_at_the_lock_name,
    "another user's lock file": foreign_lock_file,
    "a directory at the corrupt name": directory_at_the_corrupt_name,
    "a symlink at the spare name": link_at_the_spare_name,
    "another user's file at the spare name": foreign_file_at_the_spare_name,
}
