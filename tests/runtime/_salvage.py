"""Damaged states for `recover()` and hostile content for every call: the cases, and a naive
recover (the backup, whenever the state fails) that their positive controls must catch."""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch_state import BatchState, BatchStateManager
from batch_state._runtime.engines.files import records as _records
from batch_state.errors import StateError

ITEMS = 50


def journal_of(path: Path) -> Path:
    """The journal beside the state file `path`."""
    return path.with_name(path.name + ".journal")


def marked(path: Path, *, items: int = ITEMS, backup: bool = True) -> BatchStateManager:
    """A journal-mode state at `path` with `items` features, each marked completed by one
    journal record; with `backup`, saved twice first so that a `.bak` exists."""
    manager = BatchStateManager(path, journal=True)
    features = [f"item-{index}" for index in range(items)]
    for _ in range(2 if backup else 1):
        manager.save(BatchState(batch_id="salvage", features=features))
    for feature in features:
        manager.mark_completed(feature)
    return manager


def generation_of(path: Path) -> bytes:
    """The 8 bytes of the generation the snapshot at `path` names."""
    name = json.loads(path.read_bytes())["#generation"]
    return _records.generation_bytes(name)


def record_offsets(path: Path) -> list[int]:
    """Where each good record of the journal beside `path` starts."""
    data = journal_of(path).read_bytes()
    found = _records.scan(
        data[_records.START :],
        _records.START,
        generation_of(path),
        0,
        at_end=True,
        check_rest=False,
    )
    return [offset for offset, _ in found.payloads]


def plant(path: Path, sequence: int, payloads: list[bytes]) -> None:
    """Overwrite the journal beside `path` from record `sequence` on with `payloads`, each
    a record with a good CRC (numbered on from `sequence`), and zeros after them."""
    journal = journal_of(path)
    data = bytearray(journal.read_bytes())
    offsets = record_offsets(path)
    start = offsets[sequence] if sequence < len(offsets) else _end_of(path, offsets)
    tail = b"".join(
        _records.frame(generation_of(path), sequence + index, payload)
        for index, payload in enumerate(payloads)
    )
    size = max(len(data), start + len(tail))
    data[start:] = tail + bytes(size - start - len(tail))
    journal.write_bytes(bytes(data))


def _end_of(path: Path, offsets: list[int]) -> int:
    if not offsets:
        return _records.START
    data = journal_of(path).read_bytes()
    length = int.from_bytes(data[offsets[-1] + 4 : offsets[-1] + 8], "little")
    return offsets[-1] + _records.HEAD_SIZE + length


def ops(*changes: tuple[str, str, Any]) -> bytes:
    """A record's payload: JSON Patch operations (op, path, value)."""
    return json.dumps(
        [{"op": op, "path": where, "value": value} for op, where, value in changes]
    ).encode()


@dataclass(frozen=True)
class Case:
    """A damaged state to recover: how to make it at a path, and how many of its items a
    recover must keep completed (and report as dropped)."""

    make: Callable[[Path], None]
    kept: int
    dropped: int


def _header_flipped(path: Path) -> None:
    marked(path)
    journal = journal_of(path)
    data = bytearray(journal.read_bytes())
    data[3] ^= 0x04  # one bit of the 16-byte header
    journal.write_bytes(bytes(data))


def _failing_record(backup: bool) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        marked(path, items=30, backup=backup)
        # Record 20 passes its CRC and applies, but the state it makes does not validate;
        # the 9 after it are intact too (and leave the state invalid).
        bad = ops(("replace", "/current_index", "not a number"))
        later = [ops(("add", "/completed/-", f"item-{index}")) for index in range(21, 30)]
        plant(path, 20, [bad, *later])

    return make


def _deep_record(path: Path) -> None:
    marked(path, items=5)
    plant(path, 5, [b"[" * 100_000 + b"]" * 100_000])


#: name: the damaged state, and what recover() must keep of it.
CASES: dict[str, Case] = {
    "a bit flipped in the journal's header": Case(_header_flipped, ITEMS, 0),
    "a record that fails validation, backup present": Case(_failing_record(True), 20, 10),
    "a record that fails validation, no backup": Case(_failing_record(False), 20, 10),
    "a record nested 100,000 deep": Case(_deep_record, 5, 1),
}


def naive_recover(manager: BatchStateManager) -> BatchState:
    """The recover people write: the state if it loads, else the backup (known-bad: it
    drops every intact record with the damage)."""
    try:
        return manager.load()
    except StateError:
        backup = BatchStateManager(manager.backup_path)
        return backup.load()


def recover_problems(
    base: Path, recover: Callable[[BatchStateManager], BatchState] | None = None
) -> tuple[int, list[str]]:
    """Each case recovered (by the library, or by `recover`): the problems found."""
    problems = []
    for index, (name, case) in enumerate(CASES.items()):
        path = base / f"case-{index}" / "state.json"
        path.parent.mkdir(parents=True)
        case.make(path)
        manager = BatchStateManager(path, journal=True)
        try:
            state = manager.recover() if recover is None else recover(manager)
        except Exception as error:  # any failure is the finding
            problems.append(f"{name}: {type(error).__name__}: {error}"[:300])
            continue
        if len(state.completed) != case.kept:
            problems.append(f"{name}: kept {len(state.completed)} items, not {case.kept}")
        report = manager.last_recovery
        if recover is None and (report is None or report.dropped != case.dropped):
            problems.append(f"{name}: reported {report!r}, not {case.dropped} dropped")
        if recover is None and BatchStateManager(path).load() != state:
            problems.append(f"{name}: the state put back differs from the one returned")
    return len(CASES), problems


def sparse(path: Path, size: int) -> None:
    """The file at `path` (made empty if missing) extended to `size` bytes with a hole, so
    that it takes no disk."""
    path.touch()
    os.truncate(path, size)


def oversized_reads(path: Path, limit: int) -> list[int]:
    """The sizes of the reads `BatchStateManager(path, max_bytes=limit).load()` asks for
    that are over `limit` (a bounded read asks for none), calling os.pread through a spy."""
    asked: list[int] = []
    real = os.pread

    def spy(fd: int, size: int, offset: int) -> bytes:
        if size > limit + 1:
            asked.append(size)
            raise MemoryError(f"a read of {size} bytes")  # never allocate it here
        return real(fd, size, offset)

    os.pread = spy  # type: ignore[assignment]
    try:
        BatchStateManager(path, max_bytes=limit).load()
    except StateError:
        pass
    except MemoryError:
        pass
    finally:
        os.pread = real  # type: ignore[assignment]
    return asked
