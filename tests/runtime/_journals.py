"""The journal's own harness: its records read, damaged on purpose, and the disk it takes.

The records are read directly, not through the library, and the disk is what a long run of
updates takes."""

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _procs import BatchStore, batch
from batch_state._runtime.engines.files import journal as _journal
from batch_state._runtime.engines.files import records as _records
from batch_state.errors import StateCorruptError


def journal_of(path: Path) -> Path:
    """The journal beside the state file `path`."""
    return path.with_name(path.name + ".journal")


@dataclass(frozen=True)
class Record:
    """A good record of the journal: where it starts and ends, and its operations."""

    start: int
    end: int
    ops: Any


def records_of(path: Path) -> list[Record]:
    """Each good record of the snapshot's generation in the journal beside `path`."""
    generation = json.loads(path.read_bytes())["#generation"]
    data = journal_of(path).read_bytes()
    found = _records.scan(
        data[_records.START :],
        _records.START,
        _records.generation_bytes(generation),
        0,
        at_end=True,
        check_rest=False,
    )
    return [
        Record(offset, offset + _records.HEAD_SIZE + len(payload), json.loads(payload))
        for offset, payload in found.payloads
    ]


def torn_tail(path: Path) -> bool:
    """Whether the journal beside `path` ends in bytes that are no record (a cut append)."""
    journal = path.with_name(path.name + ".journal")
    try:
        generation = json.loads(path.read_bytes()).get("#generation")
        data = journal.read_bytes()
    except (OSError, ValueError):
        return False
    if generation is None or not data.startswith(_records.MAGIC):
        return False
    found = _records.scan(
        data[_records.START :],
        _records.START,
        _records.generation_bytes(generation),
        0,
        at_end=True,
        check_rest=True,
    )
    return found.torn


@dataclass
class FlipReport:
    """What flipping single bits of journal records showed."""

    flips: int = 0  # bits flipped in records with a good record after them
    missed: list[str] = field(default_factory=list)  # ...that loaded without an error
    at_tail: int = 0  # bits flipped in the last record
    tail_reported: int = 0  # ...that were reported as corruption (they are a torn tail)
    seed: int = 0


def flip_record_bits(path: Path, *, flips: int, seed: int) -> FlipReport:
    """Flip one random bit at a time in the journal's records and load afresh each time.

    A record before the tail must always be reported (StateCorruptError); the last one,
    which a crash may have cut short, is taken for a torn tail and ignored.
    """
    rng = random.Random(seed)
    store = BatchStore(path, journal=True)
    store.save(batch("item", 100))
    for index in range(8):
        store.mark_completed(f"item-{index:06d}")
    journal = journal_of(path)
    good = journal.read_bytes()
    records = records_of(path)
    report = FlipReport(seed=seed)
    for number in range(flips):
        record = records[number % len(records)]
        offset, bit = rng.randrange(record.start, record.end), rng.randrange(8)
        damaged = bytearray(good)
        damaged[offset] ^= 1 << bit
        journal.write_bytes(bytes(damaged))
        try:
            BatchStore(path).load()
            reported = False
        except StateCorruptError:
            reported = True
        if record is records[-1]:
            report.at_tail += 1
            report.tail_reported += reported
        else:
            report.flips += 1
            if not reported:
                report.missed.append(f"byte {offset} bit {bit}")
    journal.write_bytes(good)
    return report


def worst_disk_ratio(path: Path, *, items: int, capacity: Any = None) -> tuple[float, int]:
    """Mark `items` items one by one in journal mode; the largest ratio seen of the state's
    files (snapshot, backup, journal) to one snapshot, and how many generations there were.

    `capacity`, if given, replaces the journal's sizing rule (the positive control).
    """
    real = _journal.capacity
    if capacity is not None:
        _journal.capacity = capacity
    try:
        store = BatchStore(path, journal=True)
        store.save(batch("item", items))
        worst, generations = 0.0, set()
        for index in range(items):
            store.mark_completed(f"item-{index:06d}")
            if index % 20 == 0:
                generations.add(json.loads(path.read_bytes())["#generation"])
                files = [path, store.backup_path, journal_of(path)]
                total = sum(file.stat().st_size for file in files if file.exists())
                worst = max(worst, total / path.stat().st_size)
        return worst, len(generations)
    finally:
        _journal.capacity = real
