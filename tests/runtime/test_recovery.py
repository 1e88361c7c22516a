"""recover() keeps all that is intact and says what it dropped; reads are bounded by max_bytes."""

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _salvage import (
    CASES,
    journal_of,
    marked,
    naive_recover,
    oversized_reads,
    plant,
    recover_problems,
    sparse,
)
from batch_state import BatchState, BatchStateManager
from batch_state._runtime.engines.files import records as _records
from batch_state.errors import (
    StateConfigError,
    StateCorruptError,
    StateNotFoundError,
    StateReadError,
)

posix = pytest.mark.skipif(os.name == "nt", reason="sparse files and PATH_MAX are POSIX")


def test_recover_keeps_every_intact_record(tmp_path: Path) -> None:
    """A damaged header, a record that fails validation (with or without a backup) and a
    record nested too deeply each cost only what is damaged, and the report says so."""
    runs, problems = recover_problems(tmp_path)
    assert runs == len(CASES)
    assert problems == []


def test_positive_control_a_recover_that_falls_back_to_the_backup(tmp_path: Path) -> None:
    """The same cases, recovered the naive way (the backup whenever the state fails), must
    each lose records: otherwise they could not tell the two apart."""
    _, problems = recover_problems(tmp_path, naive_recover)
    assert len(problems) == len(CASES), problems


def test_the_report_names_the_records_the_generation_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    CASES["a record that fails validation, no backup"].make(path)
    manager = BatchStateManager(path, journal=True)
    assert manager.last_recovery is None
    manager.recover()
    report = manager.last_recovery
    assert report is not None
    assert (report.source, report.kept, report.dropped) == ("salvaged", 20, 10)
    assert report.dropped_from == str(journal_of(path))
    generation = path.with_name(path.name + ".corrupt").read_bytes()
    assert report.generation is not None and report.generation.encode() in generation
    assert "dropped 10 journal records" in str(report)
    manager.recover()  # now it loads: nothing more to drop
    assert manager.last_recovery is not None and manager.last_recovery.source == "current"


def test_a_rebuilt_journal_takes_records_again(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    CASES["a bit flipped in the journal's header"].make(path)
    manager = BatchStateManager(path, journal=True)
    manager.recover()
    manager.mark_failed("item-0", "again")
    assert journal_of(path).read_bytes()[: _records.START] == _records.MAGIC
    assert BatchStateManager(path).load().failed == {"item-0": "again"}


def test_no_backup_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    with pytest.raises(StateNotFoundError) as caught:
        BatchStateManager(path).recover()
    message = str(caught.value)
    assert "no backup" in message and "save a state first" not in message
    assert path.read_text() == "{not json"  # nothing was changed


def test_a_record_nested_too_deeply_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    marked(path, items=3)
    plant(path, 3, [b"[" * 100_000 + b"]" * 100_000])
    with pytest.raises(StateCorruptError, match="nested too deeply"):
        BatchStateManager(path, journal=True).load()
    with pytest.raises(StateCorruptError, match="nested too deeply"):
        BatchStateManager(path, journal=True).mark_completed("item-0")


def test_cli_recover_prints_what_it_dropped(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    CASES["a record that fails validation, backup present"].make(path)
    result = _cli("recover", str(path))
    assert result.returncode == 0, result.stderr
    assert "kept the snapshot and 20 journal records" in result.stdout
    assert "dropped 10 journal records of generation" in result.stdout


@posix
@pytest.mark.parametrize("command", ["show", "verify", "compact", "recover"])
def test_cli_paths_longer_than_path_max_are_one_line(tmp_path: Path, command: str) -> None:
    """A location longer than PATH_MAX is a one-line error, exit code 1 or 2, no traceback."""
    long = "/".join([str(tmp_path), *["d" * 200] * 25, "state.json"])
    result = _cli(command, long)
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert "too long" in result.stderr


@posix
@pytest.mark.parametrize("which", ["snapshot", "journal"])
def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path: Path, which: str) -> None:
    path = tmp_path / "state.json"
    if which == "snapshot":
        sparse(path, 10 << 30)
    else:
        marked(path, items=2)
        sparse(journal_of(path), 10 << 30)
    with pytest.raises(StateReadError) as caught:
        BatchStateManager(path).load()
    assert caught.value.errno == errno.EFBIG and "max_bytes" in str(caught.value)


@posix
def test_no_read_asks_for_more_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    BatchStateManager(path).save(BatchState(batch_id="x" * 5000, features=[]))
    assert oversized_reads(path, 1000) == []
    assert oversized_reads(path, 1 << 20) == []


@posix
def test_positive_control_the_spy_sees_an_unbounded_read(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    sparse(path, 1 << 20)
    fd = os.open(path, os.O_RDONLY)
    try:
        with pytest.raises(MemoryError):
            _read_unbounded_with_spy(fd)
    finally:
        os.close(fd)


def _read_unbounded_with_spy(fd: int) -> None:
    real = os.pread

    def spy(fd: int, size: int, offset: int) -> bytes:
        if size > 1001:
            raise MemoryError(size)
        return real(fd, size, offset)

    os.pread = spy  # type: ignore[assignment]
    try:
        os.pread(fd, 1 << 20, 0)  # what an unbounded read asks for
    finally:
        os.pread = real  # type: ignore[assignment]


def test_recover_puts_the_backup_over_an_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    manager = BatchStateManager(path, max_bytes=4096)
    good = BatchState(batch_id="good", features=[])
    manager.save(good)
    manager.save(good)
    path.write_bytes(b" " * 5000)
    assert manager.recover() == good
    assert manager.last_recovery is not None and manager.last_recovery.source == "backup"
    assert path.with_name(path.name + ".corrupt").stat().st_size == 5000


@pytest.mark.parametrize("limit", [0, -1, True, 1.5, "1024", None, 2**70])
def test_a_bad_max_bytes_is_refused_at_once(tmp_path: Path, limit: object) -> None:
    with pytest.raises(StateConfigError, match="max_bytes"):
        BatchStateManager(tmp_path / "state.json", max_bytes=limit)  # type: ignore[arg-type]


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batch_state", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_shows_a_lone_surrogate_as_json(tmp_path: Path) -> None:
    """A str field with a lone surrogate prints as JSON (escaped), not as a traceback."""
    path = tmp_path / "state.json"
    BatchStateManager(path).save(BatchState(batch_id="\ud800x", features=["\udcff"]))
    result = _cli("show", str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["batch_id"] == "\ud800x"


@posix
def test_recover_keeps_the_snapshot_of_a_journal_too_large_to_read(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    marked(path, items=4)
    BatchStateManager(path, journal=True).compact()  # the 4 items now in the snapshot
    sparse(journal_of(path), 10 << 30)
    manager = BatchStateManager(path, journal=True)
    assert len(manager.recover().completed) == 4
    report = manager.last_recovery
    assert report is not None and report.source == "salvaged"
    assert "journal could not be read" in report.damage
