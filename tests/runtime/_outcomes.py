"""What a failed write leaves, against what the caller and readers were told: errors injected.

Three harnesses, each with a switch that puts back the mechanism it guards against, for the
positive controls: a journal sync that fails while a reader without the lock reloads; an
EIO at every system call of a save or an update, whose error must say the truth about the
disk; and a journal removed under a reader without the lock by a writer in snapshot mode.
"""

import contextlib
import errno
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _faults import JOURNAL_SCENARIOS, JOURNAL_STEPS, _next_update_works
from _procs import Batch, BatchStore, batch, mark_one
from batch_state._runtime.engines.files import failing as _failing
from batch_state._runtime.engines.files import reading as _reading
from batch_state._runtime.engines.files import records as _records
from batch_state._runtime.engines.files.cache import Cache
from batch_state._runtime.engines.files.fs import fileio as _fileio
from batch_state._runtime.engines.files.journal import JournalFile
from batch_state.errors import StateCommitUnknownError, StateCorruptError, StateError

#: The system calls a save or an update makes, each a step to fail with EIO.
STEPS = (*JOURNAL_STEPS, "close", "open", "fstat", "lstat")


# A journal sync that fails under a reader ------------------------------------------------


def _one_step_append(
    journal: JournalFile, offset: int, record: bytes, *, sync: bool = True
) -> None:
    """The append as it was: the record written whole, synced, erased if the sync failed
    (always synced: the tests that use it run at the full durability level)."""
    _fileio.write_at(journal.fd, offset, record)
    try:
        _fileio.flush_data(journal.fd)
    except BaseException:
        with contextlib.suppress(OSError):
            _fileio.write_at(journal.fd, offset, bytes(len(record)))
        raise


@contextlib.contextmanager
def _replaced(owner: Any, name: str, value: Any) -> Iterator[None]:
    real = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, real)


@contextlib.contextmanager
def _system_call(name: str, value: Any) -> Iterator[None]:
    """os.`name` replaced by `value`; for close, also where the held files bound it early."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(_replaced(os, name, value))
        if name == "close":
            for method in (Cache.close, JournalFile.close):
                stack.enter_context(_replaced(method, "__defaults__", (value,)))
        yield


def failed_sync_under_a_reader(root: Path, *, one_step: bool = False) -> list[str]:
    """What went wrong when a journal sync fails with EIO while a warm reader without the
    lock reloads between the write and the sync; [] when nothing did.

    The writer's next, acknowledged update must be what the reader sees, and what the
    reader's compaction makes the snapshot. `one_step`: with the append as it was.
    """
    path = root / "state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    BatchStore(path, journal=True).save(batch("item", 40))
    writer, reader = BatchStore(path, journal=True), BatchStore(path, journal=True)
    writer.mark_completed("item-000000")
    reader.load()  # warm: it follows the journal from where it stopped
    journal = path.with_name(path.name + ".journal")
    seen: list[Batch] = []
    real = os.fdatasync

    def fail_once(fd: int) -> None:
        if not seen and os.fstat(fd).st_ino == journal.stat().st_ino:
            seen.append(reader.load())  # the reader reloads between the write and the sync
            raise OSError(errno.EIO, "Input/output error (injected)")
        real(fd)

    problems = []
    swap = _replaced(JournalFile, "append", _one_step_append) if one_step else _nothing()
    with swap, _replaced(os, "fdatasync", fail_once):
        try:
            writer.mark_completed("item-000001")
            problems.append("the failed sync was not reported")
        except StateCommitUnknownError:
            problems.append("a sync that failed before the commit mark was reported as unknown")
        except StateError:
            pass
        writer.mark_completed("item-000002")  # acknowledged; where the failed one was
    acknowledged = ["item-000000", "item-000002"]
    if seen and "item-000001" in seen[0].completed:
        problems.append("the reader took a record whose sync failed")
    after = reader.load()
    if after.completed != acknowledged:
        problems.append(f"the reader then saw {after.completed}, not {acknowledged}")
    with contextlib.suppress(StateError):
        reader.compact()
    kept = BatchStore(path).load().completed
    if kept != acknowledged:
        problems.append(f"after the reader's compaction the state holds {kept}")
    return problems


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


# EIO at every step ---------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A state to start from (`prepare`), and a change of it (`run`) to fail at each step."""

    prepare: Callable[[Path], None]
    run: Callable[[Path], None]


def _saved_twice(path: Path) -> None:
    BatchStore(path).save(batch("item", 400))
    BatchStore(path).save(batch("item", 400))


def _save_new(path: Path) -> None:
    state = batch("item", 400)
    state.completed = ["item-000100"]
    BatchStore(path).save(state)


def _marking(item: str) -> Callable[[Path], None]:
    return lambda path: mark_one(path, item)


OPERATIONS = {
    "snapshot save": Operation(_saved_twice, _save_new),
    **{
        f"journal {name}": Operation(scenario.prepare, _marking(scenario.item))
        for name, scenario in JOURNAL_SCENARIOS.items()
    },
}


@dataclass(frozen=True)
class TruthReport:
    """The steps failed, and each whose outcome differed from what the error said."""

    runs: int
    failures: dict[str, str]
    unknown: int  # runs answered with StateCommitUnknownError


def error_at_every_step(
    root: Path, operation: Operation, *, as_it_was: bool = False
) -> TruthReport:
    """Fail `operation` with EIO at each of its system calls, before and after the call.

    No error: the file holds the new state. StateCommitUnknownError: old or new. Any other
    error says nothing was changed: the file holds the old state. Then the next update must
    work. `as_it_was`: errors after the commit point reported as the write errors they
    were ("unchanged"), and an error closing a held file raised, for the positive control.
    """
    template = root / "template"
    template.mkdir(parents=True)
    operation.prepare(template / "state.json")
    old = BatchStore(template / "state.json").load()
    calls = _calls_of(root / "spy", template, operation)
    never = type("Never", (Exception,), {})
    failures: dict[str, str] = {}
    unknown = runs = 0
    for name, call in calls:
        for after in (False, True):
            where = f"EIO {'after' if after else 'instead of'} {name} #{call}"
            path = root / f"{name}-{call}-{after}" / "state.json"
            shutil.copytree(template, path.parent)
            runs += 1
            with contextlib.ExitStack() as stack:
                if as_it_was:
                    stack.enter_context(_replaced(_failing, "Unconfirmed", never))
                    stack.enter_context(_replaced(Cache, "close", _loud_close))
                raised = _fail_at(name, call, after, operation.run, path)
            found = BatchStore(path).load()
            fresh = found == old
            if isinstance(raised, StateCommitUnknownError):
                unknown += 1
            elif raised is None and fresh:
                failures[where] = "no error, yet the state is unchanged"
            elif isinstance(raised, StateError) and not fresh:
                failures[where] = f"{type(raised).__name__} ({raised}), yet the state changed"
            elif raised is not None and not isinstance(raised, StateError):
                failures[where] = f"raised {type(raised).__name__}: {raised}"
            problem = _next_update_works(path, found)
            if problem:
                failures[where] = problem
    return TruthReport(runs, failures, unknown)


def _loud_close(cache: Cache, _close: Callable[[int], None] = os.close) -> None:
    """`Cache.close` as it was: an error closing the snapshot fails the operation."""
    fd, cache.fd = cache.fd, None
    journal, cache.journal = cache.journal, None
    if fd is not None:
        _close(fd)
    if journal is not None:
        journal.close(_close)


def _calls_of(spy: Path, template: Path, operation: Operation) -> list[tuple[str, int]]:
    """(function, n-th call of it) for each step `operation` makes, in order."""
    shutil.copytree(template, spy)
    calls: list[tuple[str, int]] = []
    counts = dict.fromkeys(STEPS, 0)
    real = {name: getattr(os, name) for name in STEPS if hasattr(os, name)}

    def spy_on(name: str) -> Any:
        def called(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            calls.append((name, counts[name]))
            return real[name](*args, **kwargs)

        return called

    with contextlib.ExitStack() as stack:
        for name in real:
            stack.enter_context(_system_call(name, spy_on(name)))
        operation.run(spy / "state.json")
    return calls


def _fail_at(
    name: str, call: int, after: bool, run: Callable[[Path], None], path: Path
) -> Exception | None:
    """Run `run(path)` with the `call`-th call of os.`name` failing with EIO (after doing its work,
    when `after`); what it raised, or None."""
    real = getattr(os, name)
    count = 0

    def failing(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count != call:
            return real(*args, **kwargs)
        if after or name == "close":  # a descriptor is gone even when close reports EIO
            real(*args, **kwargs)
        raise OSError(errno.EIO, "Input/output error (injected)")

    try:
        with _system_call(name, failing):
            run(path)
    except Exception as error:  # what was raised is the result
        return error
    return None


# A journal removed under a reader --------------------------------------------------------


def journal_removed_under_a_reader(root: Path, *, old_check: bool = False) -> list[str]:
    """What went wrong when a writer in snapshot mode replaces the snapshot and removes its
    journal just after a warm reader without the lock checked the snapshot; [] if nothing.

    `old_check`: the reader checks the journal's identity as it did, and does not retry.
    """
    path = root / "state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    BatchStore(path, journal=True).save(batch("item", 40))
    writer, reader = BatchStore(path, journal=True), BatchStore(path, journal=True)
    writer.mark_completed("item-000000")
    reader.load()
    writer.mark_completed("item-000001")
    replaced = batch("item", 40)
    replaced.completed = ["item-000007"]
    real = JournalFile.is_at
    fired: list[bool] = []

    def is_at(journal: JournalFile, directory: Any, name: str) -> bool:
        if not fired:
            fired.append(True)
            BatchStore(path).save(replaced)  # snapshot mode: the journal goes
        return real(journal, directory, name)

    problems = []
    checks = (
        [
            _replaced(
                _reading.Reader, "_follow_journal", checked_once(_reading.Reader._follow_journal)
            ),
            _replaced(_reading, "_CORRUPT_ATTEMPTS", 1),
        ]
        if old_check
        else []
    )
    with contextlib.ExitStack() as stack:
        for each in [*checks, _replaced(JournalFile, "is_at", is_at)]:
            stack.enter_context(each)
        try:
            found = reader.load()
        except StateCorruptError as error:
            return [f"a healthy state was reported corrupt: {error}"]
    if not fired:
        problems.append("the writer never ran between the check and the read")
    if found != replaced:
        problems.append(f"the reader saw {found.completed}, not {replaced.completed}")
    return problems


def checked_once(real: Callable[..., None]) -> Callable[..., None]:
    """`Reader._follow_journal` behind the identity check as it was: a journal gone is
    corruption, whatever happened to the snapshot."""

    def follow(self: Any, cache: Any, directory: Any, name: str, held: Any) -> None:
        journal = cache.journal
        journal_name = self.names(directory, name).journal
        if journal is not None and not journal.is_at(directory, journal_name):
            self.drop()
            raise StateCorruptError(
                Path(directory.where(journal_name)),
                "the journal was replaced or removed while the state was in use",
            )
        real(self, cache, directory, name, held)

    return follow


def pending_is_not_a_record() -> bool:
    """Whether a scan takes no pending record (its CRC inverted) as a record, and reports it
    as pending, with nothing torn after it: the reader settles it, or leaves it."""
    generation = _records.generation_bytes(_records.new_generation())
    record = _records.frame(generation, 0, b"[]")
    found = _records.scan(
        _records.pending(record), _records.START, generation, 0, at_end=True, check_rest=True
    )
    return not found.payloads and found.pending == (_records.START, record) and not found.torn
