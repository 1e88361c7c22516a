"""recover() and hostile content: what recover keeps and reports, typed errors whatever the
disk holds, bounded reads, and one-line errors for impossible paths; each with its control.

The cases are the runtime tests' own (`_salvage`, `_content`); each row's positive control
runs them against a known-bad implementation, which must fail them.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reliability.evidence import record
from reliability.sizes import size

from ._support import cases, seed_from
from .conftest import Generated

CONTENT = "STATEGEN_HOSTILE_CONTENT"
CONTENT_SEED = "STATEGEN_HOSTILE_SEED"
posix = pytest.mark.skipif(os.name == "nt", reason="sparse files and PATH_MAX are POSIX")


def test_recover_keeps_every_intact_record(generated: Generated, tmp_path: Path) -> None:
    """A damaged journal header, a record that fails validation (with and without a
    backup), a record nested 100,000 deep: recover() keeps every intact record before the
    damage, puts them back, and reports exactly how many it dropped."""
    salvage = generated.module("_salvage")
    runs, problems = salvage.recover_problems(tmp_path)
    record(
        "recover(): every intact journal record kept, and the dropped ones reported",
        runs=runs,
        failures=len(problems),
        detail=cases(list(salvage.CASES)) + (f"; {problems}" if problems else ""),
    )
    assert problems == []


def test_positive_control_a_recover_that_falls_back_to_the_backup(
    generated: Generated, tmp_path: Path
) -> None:
    salvage = generated.module("_salvage")
    runs, problems = salvage.recover_problems(tmp_path, salvage.naive_recover)
    record(
        "positive control: the same damage, recovered by falling back to the backup",
        runs=runs,
        failures=len(problems),
        control=True,
        detail="must lose records in every case, or the cases cannot see a loss",
    )
    assert len(problems) == runs


def test_hostile_content_raises_only_typed_errors(generated: Generated, tmp_path: Path) -> None:
    """The whole hostile corpus, then random JSON and bytes, as a field of the state file and
    as a journal record with a good CRC: every manager call returns or raises a StateError."""
    content = generated.module("_content")
    seed = seed_from(CONTENT_SEED)
    chosen = random.Random(seed)
    places: list[tuple[str, bytes]] = list(content.HOSTILE.items())
    for index in range(size(CONTENT)):
        value = _random_json(chosen) if index % 2 else chosen.randbytes(chosen.randrange(64))
        places.append((f"random {index}", value))
    failed = []
    for index, (name, value) in enumerate(places):
        snapshot = tmp_path / f"s{index}" / "state.json"
        snapshot.parent.mkdir()
        content.snapshot_with(snapshot, chosen.choice(content.FIELDS), value)
        journal = tmp_path / f"j{index}" / "state.json"
        journal.parent.mkdir()
        content.record_with(journal, value)
        failed += [f"{name} (file) {p}" for p in content.untyped(snapshot, journal=False)]
        failed += [f"{name} (record) {p}" for p in content.untyped(journal, journal=True)]
    record(
        "hostile content as the state file and as journal records: only StateErrors",
        runs=2 * len(places),
        failures=len(failed),
        detail=f"{len(content.HOSTILE)} hostile texts and {size(CONTENT)} random ones, each "
        f"in the file and in a record, 12 calls each; {CONTENT_SEED}={seed}"
        + (f"; {failed[:5]}" if failed else ""),
    )
    assert failed == []


def test_positive_control_a_naive_reader_lets_hostile_content_escape(
    generated: Generated,
) -> None:
    content = generated.module("_content")
    broken = [name for name, value in content.HOSTILE.items() if content.naive_untyped(value)]
    record(
        "positive control: the hostile corpus read with json.loads",
        runs=len(content.HOSTILE),
        failures=len(broken),
        control=True,
        detail="must escape untyped (RecursionError, ValueError, ...) for some texts",
    )
    assert broken


@posix
def test_reads_are_bounded_before_anything_is_read(generated: Generated, tmp_path: Path) -> None:
    """A 10 GiB sparse state file or journal is a typed error (EFBIG) before any read, and
    no read of a state over max_bytes asks for more than max_bytes."""
    salvage = generated.module("_salvage")
    errors = generated.module("errors")
    failed = []
    for which in ("snapshot", "journal"):
        path = tmp_path / which / "state.json"
        path.parent.mkdir()
        if which == "journal":
            salvage.marked(path, items=2)
        salvage.sparse(path if which == "snapshot" else salvage.journal_of(path), 10 << 30)
        try:
            generated.manager(path).load()
            failed.append(f"{which}: loaded")
        except errors.StateReadError as error:
            if "max_bytes" not in str(error):
                failed.append(f"{which}: {error}")
        except Exception as error:  # the finding
            failed.append(f"{which}: {type(error).__name__}")
    big = tmp_path / "big" / "state.json"
    big.parent.mkdir()
    salvage.sparse(big, 1 << 20)
    asked = salvage.oversized_reads(big, 4096)
    failed += [f"a read of {size_} bytes over max_bytes=4096" for size_ in asked]
    record(
        "bounded reads: a 10 GiB sparse file or journal refused before reading",
        runs=3,
        failures=len(failed),
        detail="EFBIG naming max_bytes; no read asks for more than the limit"
        + (f"; {failed}" if failed else ""),
    )
    assert failed == []


@posix
def test_positive_control_an_unbounded_read(generated: Generated, tmp_path: Path) -> None:
    """The read spy must see a naive whole-file read of the same 1 MiB file."""
    salvage = generated.module("_salvage")
    big = tmp_path / "state.json"
    salvage.sparse(big, 1 << 20)
    real, asked = os.pread, []

    def spy(fd: int, wanted: int, offset: int) -> bytes:
        if wanted > 4097:
            asked.append(wanted)
        return real(fd, min(wanted, 1), offset)

    os.pread = spy
    try:
        fd = os.open(big, os.O_RDONLY)
        try:
            os.pread(fd, os.fstat(fd).st_size, 0)  # the naive whole-file read
        finally:
            os.close(fd)
    finally:
        os.pread = real
    record(
        "positive control: a whole-file read of a file over the limit",
        runs=1,
        failures=len(asked),
        control=True,
        detail="the spy must see it",
    )
    assert asked


@posix
def test_cli_paths_too_long_are_one_line(generated: Generated, tmp_path: Path) -> None:
    """show, verify, compact and recover on a path longer than PATH_MAX: one line, no
    traceback, exit code 1 or 2."""
    failed = []
    long = "/".join([str(tmp_path), *["d" * 200] * 25, "state.json"])
    for command in ("show", "verify", "compact", "recover"):
        result = _cli(generated, command, long)
        if result.returncode not in (1, 2) or "Traceback" in result.stderr:
            failed.append(f"{command}: exit {result.returncode}: {result.stderr[-200:]}")
    record(
        "CLI: a location longer than PATH_MAX is a one-line error",
        runs=4,
        failures=len(failed),
        detail=f"show, verify, compact, recover on a {len(long)}-byte path"
        + (f"; {failed}" if failed else ""),
    )
    assert failed == []


@posix
def test_positive_control_a_raw_path_check(tmp_path: Path) -> None:
    """The check the CLI used to make, Path.exists() on the journal's name, escapes."""
    long = "/".join([str(tmp_path), *["d" * 200] * 25, "state.json.journal"])
    escaped = 0
    try:
        Path(long).exists()
    except OSError:
        escaped = 1
    record(
        "positive control: Path.exists() on a location longer than PATH_MAX",
        runs=1,
        failures=escaped,
        control=True,
        detail="must raise OSError (ENAMETOOLONG), or the CLI case cannot see it",
    )
    assert escaped


def _cli(generated: Generated, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", generated.package.__name__, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _random_json(chosen: random.Random, depth: int = 0) -> bytes:
    """A random JSON text with hostile leaves: lone surrogates, NULs, huge numbers, deep lists."""
    leaves = [
        b'"\\ud83d"',
        b'"\\u0000"',
        b"9" * chosen.choice((10, 400, 5000)),
        b"1e999",
        b"[" * 2000 + b"]" * 2000,
        json.dumps(chosen.random()).encode(),
        b'{"x": 1, "x": 2}',
        b"true",
    ]
    if depth > 3 or chosen.random() < 0.4:
        return chosen.choice(leaves)
    items = [_random_json(chosen, depth + 1) for _ in range(chosen.randrange(4))]
    if chosen.random() < 0.5:
        return b"[" + b",".join(items) + b"]"
    return b"{" + b",".join(b'"k%d":' % i + item for i, item in enumerate(items)) + b"}"


def _database(generated: Generated) -> Any:
    database = generated.module("_database")
    if not os.environ.get(database.URL_VARIABLE):
        pytest.skip("no PostgreSQL server")
    return database


def test_postgres_content_is_a_typed_error(generated: Generated) -> None:
    """A table made beforehand with a nullable generation, a lone surrogate in key= and in a
    field: each a typed error, nothing written."""
    database = _database(generated)
    errors = generated.module("errors")
    manager_class: Any = type(generated.manager(Path("x")))
    table = database.fresh_table()
    database.sql(
        f"CREATE TABLE {table} (key text PRIMARY KEY, version text, generation bigint, "
        "document jsonb, updated_at timestamptz NOT NULL DEFAULT now())"
    )
    state = generated.module("model").BatchState
    attempts: dict[str, Callable[[], object]] = {
        "nullable generation": lambda: manager_class(database.url(), table=table).save(
            state(batch_id="b", features=[])
        ),
        "surrogate in key=": lambda: manager_class(database.url(), key="\udc80"),
        "surrogate in a field": lambda: manager_class(
            database.url(), table=database.fresh_table()
        ).save(state(batch_id="\ud800", features=[])),
    }
    failed = []
    for name, attempt in attempts.items():
        try:
            attempt()
            failed.append(f"{name}: no error")
        except errors.StateError:
            pass
        except Exception as error:  # the finding
            failed.append(f"{name}: {type(error).__name__}")
    record(
        "PostgreSQL: a premade nullable table and lone surrogates are typed errors",
        runs=len(attempts),
        failures=len(failed),
        detail=cases(list(attempts)) + (f"; {failed}" if failed else ""),
    )
    assert failed == []


def test_positive_control_psycopg_sends_a_surrogate_raw(generated: Generated) -> None:
    """psycopg itself, given the same text, raises UnicodeEncodeError: the case is real."""
    database = _database(generated)
    escaped = 0
    try:
        database.sql("SELECT %s::text", "\ud800")
    except UnicodeEncodeError:
        escaped = 1
    record(
        "positive control: a lone surrogate passed to psycopg as it is",
        runs=1,
        failures=escaped,
        control=True,
        detail="must raise UnicodeEncodeError, or the case cannot see it",
    )
    assert escaped
