"""Strangers in a shared directory: what another user planted is never read, kept or given.

A stranger is anyone but the caller, root and the directory's owner, in a sticky,
world-writable directory such as /tmp. Each case builds its scene in a fresh directory
`base`, runs the operations an `Opener` makes, and returns what went wrong: [] when the
library behaved. `KNOWN_BAD` puts back, for each case, the mechanism the library used before
(a stranger's file read, the owner of a replaced file copied with its set-id bits, the lock
file readable by all ...): with it the case must fail, so a case that could not fail shows.
"""

import contextlib
import errno
import multiprocessing
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from multiprocessing.synchronize import Event
from pathlib import Path
from unittest import mock

from _attempts import NOBODY, attempt
from _operations import Opener, changes, needs_root, refusals, snapshot
from _planted import STRANGER, WRITES, shared_directory
from _procs import BatchStore, batch
from batch_state._runtime.engines.files.fs import atomic as _atomic
from batch_state._runtime.engines.files.fs import directory as _directory
from batch_state._runtime.engines.files.fs import lock as _lock
from batch_state._runtime.engines.files.fs import trust as _trust
from batch_state._runtime.engines.files.fs.names import TEMP_MARKER
from batch_state.errors import StateUnsafePathError

Case = Callable[[Path, Opener], list[str]]
#: A second unprivileged user, besides NOBODY: the stranger of the cases (uid 1, `daemon`).
OTHER = 1


def _theirs(base: Path, opener: Opener, *, journal: bool = False) -> Path:
    """A state saved by NOBODY in a sticky, world-writable directory that root owns."""
    path = shared_directory(base) / "state.json"
    if journal:
        _warm_up(base)
        store = BatchStore(path, journal=True)
        tried = attempt(lambda: store.save(batch("b", 4)), user=NOBODY)
    else:
        tried = attempt(opener(path)["save"], user=NOBODY)
    assert tried.error is None and not tried.blocked, tried
    return path


def _warm_up(base: Path) -> None:
    """Import, as root, what a journal-mode store imports when first used: NOBODY may not
    read the generated package's directory."""
    warm = base / "warm-up"
    warm.mkdir()
    store = BatchStore(warm / "state.json", journal=True)
    store.save(batch("w", 2))
    store.mark_completed("w-000000")
    store.load()
    shutil.rmtree(warm)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# A stranger's files are never read -----------------------------------------------------


def a_strangers_state(base: Path, opener: Opener) -> list[str]:
    """NOBODY's state in root's /tmp: root and uid 1 are refused by every operation that
    reads or writes it, and nothing changes."""
    needs_root()
    path = _theirs(base, opener)
    before = snapshot(base)
    found = refusals(opener(path), StateUnsafePathError, only=("load", *WRITES))
    found += [
        f"uid {OTHER}: {trouble}"
        for trouble in refusals(
            opener(path), StateUnsafePathError, only=("load", *WRITES), user=OTHER
        )
    ]
    found += refusals(opener(path), None, only=("exists",))
    return found + changes(base, before)


def a_strangers_backup(base: Path, opener: Opener) -> list[str]:
    """A damaged state of root's, and a valid backup NOBODY planted beside it: recover()
    refuses the backup rather than restore it, and nothing changes."""
    needs_root()
    path = shared_directory(base) / "state.json"
    calls = opener(path)
    calls["save"]()
    good = path.read_bytes()
    path.write_bytes(b"{ damaged")
    planted = path.with_name(path.name + ".bak")
    planted.write_bytes(good)
    os.chown(planted, NOBODY, NOBODY)
    before = snapshot(base)
    return refusals(opener(path), StateUnsafePathError, only=("recover",)) + changes(base, before)


def trusted_owners(base: Path, opener: Opener) -> list[str]:
    """Not strangers: in a sticky directory uid 65533 owns, NOBODY loads the state of the
    directory's owner and one of root's, and root loads and saves both."""
    needs_root()
    shared = shared_directory(base, STRANGER)
    owners = {"the directory owner's": ("theirs.json", STRANGER), "root's": ("roots.json", None)}
    found = []
    for whose, (name, user) in owners.items():
        path = shared / name
        tried = attempt(opener(path)["save"], user=user)
        assert tried.error is None and not tried.blocked, tried
        found += [
            f"{whose} state, by uid {NOBODY}: {trouble}"
            for trouble in refusals(opener(path), None, only=("load",), user=NOBODY)
        ]
        found += [
            f"{whose} state, by root: {trouble}"
            for trouble in refusals(opener(path), None, only=("load", "save"))
        ]
    return found


# A refused writer leaves nothing behind -------------------------------------------------


def a_refused_writer(base: Path, opener: Opener) -> list[str]:
    """uid 1's writes to NOBODY's state are refused with nothing made, whether NOBODY's lock
    file is there or not (no lock file of uid 1's is left to keep NOBODY from saving), and
    NOBODY's own writes still work afterwards."""
    needs_root()
    path = _theirs(base, opener)
    found = []
    for lock in ("with the owner's lock file", "without a lock file"):
        if lock == "without a lock file":
            path.with_name(path.name + ".lock").unlink()
        before = snapshot(base)
        refused = refusals(opener(path), StateUnsafePathError, only=WRITES, user=OTHER)
        found += [f"{lock}: {trouble}" for trouble in refused + changes(base, before)]
    found += [
        f"the owner afterwards: {trouble}"
        for trouble in refusals(
            opener(path), None, only=("save", "transaction", "load"), user=NOBODY
        )
    ]
    return found


def a_writer_refused_under_the_lock(base: Path, opener: Opener) -> list[str]:
    """NOBODY's state is gone but its backup is there: uid 1's recover() is refused only
    once it holds the lock, and removes the lock file it made; NOBODY then recovers."""
    needs_root()
    path = _theirs(base, opener)
    attempt(opener(path)["save"], user=NOBODY)  # now there is a backup
    path.unlink()
    path.with_name(path.name + ".lock").unlink()
    before = snapshot(base)
    found = refusals(opener(path), StateUnsafePathError, only=("recover",), user=OTHER)
    found += changes(base, before)
    found += [
        f"the owner afterwards: {trouble}"
        for trouble in refusals(opener(path), None, only=("recover", "save"), user=NOBODY)
    ]
    return found


# Nothing is given away -----------------------------------------------------------------


def set_id_bits(base: Path, opener: Opener) -> list[str]:
    """Root's state made set-uid and set-gid: the next saves keep neither bit, on the new
    snapshot or on the backup."""
    needs_root()
    path = shared_directory(base) / "state.json"
    calls = opener(path)
    calls["save"]()
    path.chmod(0o6755)
    found = refusals(calls, None, only=("save",))
    path.chmod(0o6755)
    found += refusals(calls, None, only=("save",))
    for kept in (path, path.with_name(path.name + ".bak")):
        if kept.exists() and _mode(kept) & 0o7000:
            found.append(f"{kept.name} is {stat.filemode(kept.lstat().st_mode)}")
    return found


def a_journal_beside_a_strangers_snapshot(base: Path, opener: Opener) -> list[str]:
    """Root's journal-mode update beside NOBODY's snapshot: refused, and no journal is made
    (one made would take the snapshot's owner, who could then write records into it)."""
    needs_root()
    path = _theirs(base, opener, journal=True)
    path.with_name(path.name + ".lock").unlink()  # planted: the snapshot alone
    before = snapshot(base)
    tried = attempt(lambda: BatchStore(path, journal=True).mark_completed("b-000000"))
    found = [] if isinstance(tried.error, StateUnsafePathError) else [f"update: {tried}"]
    journal = path.with_name(path.name + ".journal")
    if journal.exists():
        owner = journal.stat().st_uid
        found.append(f"a journal was made, owned by uid {owner}")
    return found + changes(base, before)


# Temp names ----------------------------------------------------------------------------


def lock_file_modes(base: Path, opener: Opener) -> list[str]:
    """The lock file, which names the temp files, is readable by nobody but the state's
    writers: the owner alone in a shared directory, and never by others elsewhere (a lock
    file of an older release, readable by all, included)."""
    found = []
    shared = shared_directory(base) / "state.json"
    private = base / "private" / "state.json"
    private.parent.mkdir(mode=0o755)
    older = base / "older" / "state.json"
    older.parent.mkdir(mode=0o755)
    older.with_name("state.json.lock").write_bytes(b"")
    older.with_name("state.json.lock").chmod(0o666)
    for path, hidden in ((shared, 0o077), (private, 0o007), (older, 0o007)):
        found += refusals(opener(path), None, only=("save",))
        lock = path.with_name(path.name + ".lock")
        if not lock.exists() or _mode(lock) & hidden:
            shown = stat.filemode(lock.lstat().st_mode) if lock.exists() else "missing"
            found.append(f"{lock.parent.name}/{lock.name} is {shown}")
    return found


def planted_at_freed_temp_names(base: Path, opener: Opener) -> list[str]:
    """Something planted at every temp name the moment it is freed (here a directory,
    which nobody can unlink): saves still succeed, and leave the planted names alone."""
    path = shared_directory(base) / "state.json"
    calls = opener(path)
    real_replace = _directory.Directory.replace

    def replace(self: _directory.Directory, source: str, target: str) -> None:
        real_replace(self, source, target)
        if TEMP_MARKER in source:
            self.make(source)  # what a stranger who knew the name would do at once

    with mock.patch.object(_directory.Directory, "replace", replace):
        found = []
        for _ in range(3):  # the first save makes the file, the next ones keep a backup
            found += refusals(calls, None, only=("save", "transaction"), user=NOBODY)
    left = [name for name in os.listdir(path.parent) if TEMP_MARKER in name]
    if left and not all((path.parent / name).is_dir() for name in left):
        found.append(f"temp files left: {left}")
    return found


STRANGERS: dict[str, Case] = {
    "a stranger's state is never read": a_strangers_state,
    "a stranger's backup is never restored": a_strangers_backup,
    "the directory owner's and root's files are no stranger's": trusted_owners,
    "a refused writer leaves no lock file": a_refused_writer,
    "a writer refused under the lock removes the lock file it made": (
        a_writer_refused_under_the_lock
    ),
    "set-id bits are never copied or kept": set_id_bits,
    "no journal is made beside a stranger's snapshot": a_journal_beside_a_strangers_snapshot,
    "the lock file hides the temp names": lock_file_modes,
    "a name planted at a freed temp name never fails a save": planted_at_freed_temp_names,
}


# The mechanisms the library used before, for the positive controls -----------------------


@contextlib.contextmanager
def _strangers_trusted() -> Iterator[None]:
    """Every file read whoever owns it, and a refused writer's lock file left in place."""
    with (
        mock.patch.object(_trust, "stranger", lambda owner, directory: False),
        mock.patch.object(_lock, "_remove", lambda directory, name, fd: False),
    ):
        yield


@contextlib.contextmanager
def _everyone_a_stranger() -> Iterator[None]:
    """A rule too strict: every file but the caller's refused."""
    with mock.patch.object(_trust, "stranger", lambda owner, directory: owner != os.geteuid()):
        yield


@contextlib.contextmanager
def _mode_copied_whole() -> Iterator[None]:
    """Every mode bit copied, and a set-id file kept aside as it is."""
    with (
        mock.patch.object(_atomic, "_PERMISSIONS", 0o7777),
        mock.patch.object(_atomic, "_drop_set_id", lambda directory, temp, linked: None),
    ):
        yield


@contextlib.contextmanager
def _lock_readable_by_all() -> Iterator[None]:
    """The lock file made with the umask's mode, and an old one left as it is."""
    with (
        mock.patch.object(_lock, "_lock_mode", lambda directory: 0o666),
        mock.patch.object(_lock, "_hide_names", lambda fd, found, directory: None),
    ):
        yield


def _old_forget_link(directory: _directory.Directory, temp: str, linked: os.stat_result) -> None:
    with contextlib.suppress(FileNotFoundError):
        directory.unlink(temp)


@contextlib.contextmanager
def _temp_name_removed_blindly() -> Iterator[None]:
    """A freed temp name removed whatever stands there, failing the save when it cannot."""
    with mock.patch.object(_atomic, "_forget_link", _old_forget_link):
        yield


KNOWN_BAD: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "a stranger's state is never read": _strangers_trusted,
    "a stranger's backup is never restored": _strangers_trusted,
    "the directory owner's and root's files are no stranger's": _everyone_a_stranger,
    "a refused writer leaves no lock file": _strangers_trusted,
    "a writer refused under the lock removes the lock file it made": _strangers_trusted,
    "set-id bits are never copied or kept": _mode_copied_whole,
    "no journal is made beside a stranger's snapshot": _strangers_trusted,
    "the lock file hides the temp names": _lock_readable_by_all,
    "a name planted at a freed temp name never fails a save": _temp_name_removed_blindly,
}

#: The four classes of the issue, each with its cases.
CLASSES: dict[str, tuple[str, ...]] = {
    "nothing is given away": (
        "set-id bits are never copied or kept",
        "no journal is made beside a stranger's snapshot",
    ),
    "a refused attempt leaves nothing behind": (
        "a refused writer leaves no lock file",
        "a writer refused under the lock removes the lock file it made",
    ),
    "a stranger's file is never read": (
        "a stranger's state is never read",
        "a stranger's backup is never restored",
        "the directory owner's and root's files are no stranger's",
    ),
    "temp names never block a save": (
        "the lock file hides the temp names",
        "a name planted at a freed temp name never fails a save",
    ),
}


# A removed lock file never lets two writers in -----------------------------------------


def _locked_increments(base: Path, count: int) -> None:
    """`count` increments of the counter in `base`, each read and written under the lock."""
    with _directory.Directory(os.open(base, os.O_RDONLY | os.O_DIRECTORY), str(base)) as held:
        lock = _lock.lock_for(held, "state.json.lock", base / "state.json")
        counter = base / "counter"
        for _ in range(count):
            with lock.held(held, "state.json.lock", base / "state.json", 30.0):
                value = int(counter.read_text())
                time.sleep(0.0002)  # wide enough for a second holder to lose an update
                counter.write_text(str(value + 1))


def _refused_for_ever(base: Path, stop: Event) -> None:
    """Operations refused under the lock, in a tight loop: each makes the lock file (when it
    is missing) and removes it again."""
    with _directory.Directory(os.open(base, os.O_RDONLY | os.O_DIRECTORY), str(base)) as held:
        lock = _lock.lock_for(held, "state.json.lock", base / "state.json")
        while not stop.is_set():
            with (
                contextlib.suppress(StateUnsafePathError),
                lock.held(held, "state.json.lock", base / "state.json", 30.0),
            ):
                raise StateUnsafePathError(
                    base / "state.json", base / "planted", "refused", number=errno.EPERM
                )


def increments_beside_refusals(base: Path, *, writers: int = 3, count: int = 100) -> list[str]:
    """Writers incrementing a counter under the lock while two processes keep being refused
    (and so keep removing the lock file they made): no increment lost, no writer failed."""
    (base / "counter").write_text("0")
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    refused = [context.Process(target=_refused_for_ever, args=(base, stop)) for _ in range(2)]
    working = [
        context.Process(target=_locked_increments, args=(base, count)) for _ in range(writers)
    ]
    for process in (*refused, *working):
        process.start()
    for process in working:
        process.join(120)
    stop.set()
    for process in refused:
        process.join(30)
    found = [f"a writer exited with {p.exitcode}" for p in working if p.exitcode != 0]
    total = int((base / "counter").read_text())
    if total != writers * count:
        found.append(f"the counter says {total}, not {writers * count}")
    return found


@contextlib.contextmanager
def no_lock_at_all() -> Iterator[None]:
    """The lock never taken: the harness's positive control, which must lose increments."""
    with mock.patch.object(_lock, "_take", lambda *arguments: None):
        yield
