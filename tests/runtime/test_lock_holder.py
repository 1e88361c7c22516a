"""Who holds the lock: a timeout and `show` name the holder, and a forged record stays text."""

import json
import os
import pickle
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _attempts import NOBODY
from _database import fresh_table, needs_server, url
from _holders import (
    BARE,
    FORGED,
    NO_RECORD,
    UNREADABLE,
    WORKER,
    as_user,
    holding,
    one_safe_line,
    show,
)
from _procs import FAULT_FIRED, blob, blob_store, context, exit_at_step
from batch_state import BatchState, BatchStateManager
from batch_state._runtime.engines.files.fs import holder as _holder
from batch_state._runtime.engines.files.fs.names import TEMP_MARKER, temp_prefix
from batch_state._runtime.lockholder import LockHolder
from batch_state.errors import StateLockTimeout

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the children hold the lock with flock")

HOST = os.uname().nodename if hasattr(os, "uname") else ""


def _state() -> BatchState:
    return BatchState(batch_id="mine", features=["f"])


def _timeout(path: Path, seconds: float = 0.05) -> StateLockTimeout:
    """The StateLockTimeout of a save while someone else holds the lock."""
    with pytest.raises(StateLockTimeout) as raised:
        BatchStateManager(path, lock_timeout=seconds).save(_state())
    return raised.value


def _lock(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


class TestTheHolderIsNamed:
    def test_a_timeout_names_the_process_holding_the_lock(self, tmp_path: Path) -> None:
        """pid, host, command and a since within the last minute, in the attribute and the
        message, which stays one safe line."""
        path = tmp_path / "state.json"
        arguments = ("state.json", "--batch", "3")
        began = time.time()
        with holding(tmp_path, WORKER, *arguments) as child:
            error = _timeout(path)
        holder = error.holder
        assert holder is not None and error.holder_unknown is None
        assert holder.pid == child.pid and holder.host == HOST and not holder.this_process
        assert holder.command == shlex.join([sys.executable, "worker.py", *arguments])
        assert holder.since is not None and began - 1 <= holder.since <= time.time()
        message = str(error)
        assert f"the lock is held by pid {child.pid} on host {HOST} (" in message
        assert "worker.py state.json --batch 3) since " in message and " UTC (" in message
        assert one_safe_line(message) is None, message
        copy = pickle.loads(pickle.dumps(error))  # a worker's error reaches its parent whole
        assert copy.holder == holder and str(copy) == message

    def test_show_names_the_holder_then_says_free(self, tmp_path: Path) -> None:
        """`show` adds one line on stderr; stdout is the state's JSON, as before."""
        path = tmp_path / "state.json"
        BatchStateManager(path).save(_state())
        with holding(tmp_path, WORKER, "state.json") as child:
            held = show(path)
        free = show(path)
        for result in (held, free):
            assert result.returncode == 0, result.stderr
            assert json.loads(result.stdout)["batch_id"] == "mine"
            assert one_safe_line(result.stderr) is None and result.stderr.count("\n") == 1
        assert held.stderr.startswith(f"lock: held by pid {child.pid} on host {HOST} ("), held
        assert "worker.py state.json) since " in held.stderr
        assert free.stderr == "lock: free\n"

    def test_show_never_creates_the_lock_file(self, tmp_path: Path) -> None:
        path = tmp_path / "state.json"
        BatchStateManager(path).save(_state())
        _lock(path).unlink()
        result = show(path)
        assert result.returncode == 0 and result.stderr == "lock: free\n", result
        assert not _lock(path).exists()

    def test_a_thread_of_this_process_is_named_as_such(self, state_path: Path) -> None:
        manager = BatchStateManager(state_path, lock_timeout=0.05)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with manager.transaction(default=lambda: _state()):
                held.set()
                release.wait(30)

        thread = threading.Thread(target=hold)
        thread.start()
        try:
            assert held.wait(30)
            with pytest.raises(StateLockTimeout) as raised:
                manager.save(_state())
            described = manager.describe_lock()
        finally:
            release.set()
            thread.join(30)
        holder = raised.value.holder
        assert holder is not None and holder.this_process and holder.pid == os.getpid()
        assert f"held by another thread of this process (pid {os.getpid()}) since " in str(
            raised.value
        )
        assert described is not None
        assert described.startswith(f"held by another thread of this process (pid {os.getpid()})")
        assert manager.describe_lock() == "free"

    def test_a_long_command_is_cut_and_its_secrets_masked(self, tmp_path: Path) -> None:
        secrets = ("hunter2", "s3cret", "t0ken")
        arguments = (
            "state.json",
            "--password",
            "hunter2",
            "postgresql://app:s3cret@db/x",
            "--token=t0ken",
            "x" * 10_000,
        )
        with holding(tmp_path, WORKER, *arguments):
            error = _timeout(tmp_path / "state.json")
        holder = error.holder
        assert holder is not None and holder.command.endswith("..."), error
        assert "--password *** 'postgresql://app:***@db/x' --token=***" in holder.command
        assert not any(secret in str(error) for secret in secrets), str(error)
        assert one_safe_line(str(error)) is None


class TestForgedRecords:
    def test_no_forged_record_becomes_anything_but_one_line_of_text(self, tmp_path: Path) -> None:
        """A process that writes no record holds the lock while each forged record is in the
        lock file: the timeout, describe_lock() and `show` never crash, and never print a
        control character or a second line."""
        path = tmp_path / "state.json"
        BatchStateManager(path).save(_state())
        manager = BatchStateManager(path)
        found = {}
        with holding(tmp_path, BARE, "state.json.lock"):
            for case, (content, expected) in FORGED.items():
                _lock(path).write_bytes(content)
                error = _timeout(path)
                described = manager.describe_lock() or ""
                for text in (str(error), described):
                    assert one_safe_line(text) is None, (case, text)
                if expected == "holder":
                    assert error.holder is not None and described.startswith("held by "), case
                else:
                    assert error.holder is None, case
                    assert (error.holder_unknown or "").startswith(expected), case
                    assert described.startswith(f"held, holder unknown: {expected}"), case
                found[case] = str(error)
            _lock(path).write_bytes(FORGED["ANSI escapes in the host"][0])
            shown = show(path)
        assert (
            "on host \\x1b[31mred\\x1b[0m\\x1b]0;owned\\x07 (w)"
            in found["ANSI escapes in the host"]
        )
        assert "(python w.py\\x0alock: free)" in found["a newline in the command"]
        assert "(ahead of this host's clock)" in found["a time ahead of every clock"]
        assert shown.returncode == 0 and shown.stderr.count("\n") == 1, shown
        assert one_safe_line(shown.stderr) is None and "\\x1b[31mred" in shown.stderr

    def test_the_check_sees_a_message_built_from_the_raw_record(self) -> None:
        """The control: the same holders, described without escaping, fail the check."""
        for case in ("ANSI escapes in the host", "a newline in the command"):
            holder = _holder.parse(FORGED[case][0])
            assert isinstance(holder, LockHolder)
            raw = f"held by pid {holder.pid} on host {holder.host} ({holder.command})"
            assert one_safe_line(raw) is not None, case
            assert one_safe_line(f"held by {holder.describe()}") is None, case
        assert one_safe_line("one line\n") is None
        assert one_safe_line("two\nlines") is not None

    def test_a_record_of_a_process_gone_from_this_host_names_nobody(self, state_path: Path) -> None:
        """A record left by a process that exited, while a process that writes none holds the
        lock (an older version of this library): the exited process is not named."""
        gone = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        pid = int(gone.stdout)
        with holding(state_path.parent, BARE, "state.json.lock"):
            _lock(state_path).write_bytes(_holder_record(pid, HOST))
            error = _timeout(state_path)
        assert error.holder is None and f"names pid {pid} on this host, which is no longer " in (
            error.holder_unknown or ""
        )

    def test_permission_to_read_the_lock_file_is_needed(self, shared_dir: Path) -> None:
        """A user who may read the state but not its lock file: "unknown", and why."""
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            pytest.skip("running as another user needs root")
        private = shared_dir / "private"
        private.mkdir(mode=0o755)
        path = private / "state.json"
        BatchStateManager(path).save(_state())
        assert _lock(path).stat().st_mode & 0o007 == 0  # others may not read it
        described = as_user(NOBODY, lambda: str(BatchStateManager(path).describe_lock()))
        assert described == "unknown: the lock file cannot be read (Permission denied)"


class TestTheRecordAndTheTempNames:
    def test_a_killed_writer_leaves_its_record_and_then_its_temp_names(
        self, tmp_path: Path
    ) -> None:
        """The record first, the temp names after it; the next save removes the temp file."""
        path = tmp_path / "state.json"
        blob_store(path).save(blob("old", 4_000))
        killed = context().Process(
            target=exit_at_step, args=(path, blob("new", 4_000), "write", 1, False)
        )
        killed.start()
        killed.join(60)
        assert killed.exitcode == FAULT_FIRED
        data = _lock(path).read_bytes()
        recorded = _holder.parse(data[: _holder.RECORD_SIZE])
        assert isinstance(recorded, LockHolder) and recorded.pid == killed.pid
        name = data[_holder.RECORD_SIZE : _holder.RECORD_SIZE + 16].decode("ascii")
        temp = path.with_name(temp_prefix(path.name, 255) + name)
        assert temp.exists()
        blob_store(path).save(blob("next", 4_000))
        assert not temp.exists()
        assert len(_lock(path).read_bytes()) == _holder.RECORD_SIZE  # names cut off

    def test_an_older_versions_names_wait_for_a_sweep(self, tmp_path: Path) -> None:
        """A lock file an older version left names at offset 0, where the record now goes: a
        save leaves that temp file (documented), compact() sweeps it, and nothing fails."""
        path = tmp_path / "state.json"
        manager = BatchStateManager(path)
        manager.save(_state())
        temp = path.with_name(temp_prefix(path.name, 255) + "00112233deadbeef")
        temp.write_text("partial", encoding="utf-8")
        _lock(path).write_bytes(b"00112233deadbeef")
        manager.save(_state())
        assert temp.exists()
        manager.compact()
        assert not temp.exists()
        assert not [p for p in tmp_path.iterdir() if TEMP_MARKER in p.name]

    def test_each_forged_case_parses_as_expected(self) -> None:
        """The parser alone, on every forged record: each kind of answer is met."""
        for case, (content, expected) in FORGED.items():
            found = _holder.parse(content[: _holder.RECORD_SIZE])
            if expected == "holder":
                assert isinstance(found, LockHolder), case
            else:
                assert isinstance(found, str) and found.startswith(expected), (case, found)
        assert {expected for _, expected in FORGED.values()} == {"holder", NO_RECORD, UNREADABLE}


def _holder_record(pid: int, host: str) -> bytes:
    since = time.time() - 5
    return json.dumps({"pid": pid, "host": host, "command": "old", "since": since}).encode()


@needs_server
def test_a_row_lock_timeout_names_the_database_session_holding_it() -> None:
    """The server says which session holds the row: its server pid, application_name and
    transaction start; describe_lock() says so too, then "free"."""
    import psycopg

    table = fresh_table()
    manager = BatchStateManager(url(), table=table, lock_timeout=0.2)
    manager.save(_state())
    began = time.time()
    with psycopg.connect(url(), application_name="nightly\nimport") as other:
        other.execute("BEGIN")
        other.execute(f'SELECT 1 FROM "{table}" WHERE key = %s FOR UPDATE'.encode(), ["default"])
        with pytest.raises(StateLockTimeout) as raised:
            manager.save(_state())
        described = manager.describe_lock()
        backend = other.info.backend_pid
        other.execute("ROLLBACK")
    holder = raised.value.holder
    assert holder is not None and holder.database and holder.pid == backend, raised.value
    assert holder.since is not None and began - 60 <= holder.since <= time.time() + 1
    message = str(raised.value)
    assert f"held by the database session of server process {backend} (nightly" in message
    assert one_safe_line(message) is None, message
    assert described is not None and described.startswith("held by the database session of ")
    assert one_safe_line(described) is None
    assert manager.describe_lock() == "free"
