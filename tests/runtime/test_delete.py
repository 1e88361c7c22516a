"""delete() removes a state with every file kept of it, safely: trust rules, the lock, crashes."""

import os
import pty
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _attempts import NOBODY
from _deletes import (
    LISTED,
    OLD,
    SIDECARS,
    every_file,
    judge,
    kill_at_random,
    leftover,
    naive_delete,
    spare_of,
    stop_at_every_step,
    store,
)
from _planted import shared_directory
from _procs import Counter, batch, context, counter_store, hold_lock
from batch_state import BatchState, BatchStateManager
from batch_state.errors import (
    StateConfigError,
    StateLockTimeout,
    StateNotFoundError,
    StateUnsafePathError,
)

posix = pytest.mark.skipif(os.name == "nt", reason="links, FIFOs, SIGKILL and ptys are POSIX")
#: Delete killed at random this many times (a heavy run sets it higher).
KILLS = int(os.environ.get("STATEGEN_KILL_ITERATIONS", "8"))


def _files(directory: Path) -> dict[str, bytes | str]:
    """Every name in `directory`: a file's bytes, where a link points, or else its mode."""
    found: dict[str, bytes | str] = {}
    for entry in directory.iterdir():
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            found[entry.name] = os.readlink(entry)
        else:
            found[entry.name] = entry.read_bytes() if stat.S_ISREG(mode) else oct(mode)
    return found


class TestWhatGoes:
    def test_every_file_of_the_state_goes_and_nothing_else(self, state_path: Path) -> None:
        """The state, its journal, backup, version backup, copies kept aside, the spare, a
        leftover temp file and the lock go; names alike but not the state's, and another
        state, stay."""
        latest = every_file(state_path)
        own = [state_path, leftover(state_path), spare_of(state_path)]
        own += [state_path.with_name(state_path.name + suffix) for suffix in SIDECARS]
        assert all(path.exists() for path in own), sorted(_files(state_path.parent))
        for name in ("state.json.bak2", "state.json.v1.0.bak", "state.json.v0.9.0.bak.old"):
            (state_path.parent / name).write_text("not the state's")
        (state_path.parent / "xstate.json.bak").write_text("another name")
        other = BatchStateManager(state_path.with_name("other.json"), journal=True)
        other.save(BatchState(batch_id="o", features=["x", "y"]))
        other.save(BatchState(batch_id="o", features=["x", "y"]))
        other.mark_completed("x")
        unrelated = {
            name: data
            for name, data in _files(state_path.parent).items()
            if state_path.with_name(name) not in own
        }
        assert store(state_path).load() == latest
        assert len(store(state_path).sidecars()) == LISTED

        store(state_path).delete()

        assert _files(state_path.parent) == unrelated
        assert other.load().completed == ["x"]

    def test_without_a_state_it_raises_unless_missing_ok(self, tmp_path: Path) -> None:
        """As Path.unlink: StateNotFoundError, or nothing at all with missing_ok=True (not
        even the missing directories made)."""
        path = tmp_path / "a" / "b" / "state.json"
        manager = BatchStateManager(path)
        with pytest.raises(StateNotFoundError, match="no state here to delete"):
            manager.delete()
        manager.delete(missing_ok=True)
        assert list(tmp_path.iterdir()) == []
        with pytest.raises(StateConfigError, match="missing_ok"):
            manager.delete(missing_ok=1)  # type: ignore[arg-type]

    def test_a_lone_backup_is_a_state_to_delete(self, state_path: Path) -> None:
        """What recover() would restore counts: a backup without the state file goes."""
        manager = BatchStateManager(state_path)
        manager.save(BatchState(batch_id="a", features=[]))
        manager.save(BatchState(batch_id="b", features=[]))
        state_path.unlink()
        manager.delete()
        with pytest.raises(StateNotFoundError):
            manager.recover()
        assert not manager.backup_path.exists()

    def test_recover_after_delete_brings_nothing_back(self, state_path: Path) -> None:
        every_file(state_path)
        store(state_path).delete()
        with pytest.raises(StateNotFoundError, match="no backup"):
            store(state_path).recover()
        assert judge(state_path, batch("any", 1)) is None
        assert not state_path.exists()


class TestTheManagerAfterwards:
    @pytest.mark.parametrize("journal", [False, True])
    def test_the_same_manager_starts_a_new_state(self, state_path: Path, journal: bool) -> None:
        """Nothing cached survives a delete: reads say there is no state, in this manager and
        in another one of the process; the next save starts a new one."""
        manager = BatchStateManager(state_path, journal=journal)
        watcher = BatchStateManager(state_path, journal=journal)
        manager.save(BatchState(batch_id="old", features=["o1", "o2"]))
        manager.mark_completed("o1")
        assert manager.next_pending() == watcher.next_pending() == "o2"  # both warm

        manager.delete()

        assert not manager.exists()
        for reader in (manager, watcher):
            with pytest.raises(StateNotFoundError):
                reader.load()
            with pytest.raises(StateNotFoundError):
                reader.next_pending()
        manager.save(BatchState(batch_id="new", features=["n1", "n2"]))
        manager.mark_completed("n1")
        assert manager.next_pending() == watcher.next_pending() == "n2"
        assert watcher.load().batch_id == "new"
        backups = [manager.backup_path] if manager.backup_path.exists() else []
        assert all(b'"old"' not in backup.read_bytes() for backup in backups)  # nothing older

    def test_delete_waits_for_the_lock_of_another_process(self, state_path: Path) -> None:
        counter_store(state_path).save(Counter(count=5))
        ctx = context()
        held, release = ctx.Event(), ctx.Event()
        holder = ctx.Process(target=hold_lock, args=(state_path, held, release))
        holder.start()
        try:
            assert held.wait(60), "the holder never took the lock"
            with pytest.raises(StateLockTimeout):
                counter_store(state_path, lock_timeout=0.2).delete()
            assert counter_store(state_path).load() == Counter(count=5)
            waiting = threading.Thread(target=counter_store(state_path, lock_timeout=60).delete)
            waiting.start()
            time.sleep(0.3)
            assert waiting.is_alive() and state_path.exists()
        finally:
            release.set()
            holder.join(60)
        waiting.join(60)
        assert not waiting.is_alive() and not state_path.exists()
        assert sorted(os.listdir(state_path.parent)) == []


@posix
class TestWhatIsNeverRemoved:
    @pytest.mark.parametrize("suffix", [".bak", f".v{OLD}.bak", ".journal"])
    @pytest.mark.parametrize("kind", ["symlink", "directory", "fifo"])
    def test_something_else_at_a_name_stops_the_delete(
        self, state_path: Path, suffix: str, kind: str
    ) -> None:
        """A link (never followed), a directory or a FIFO at one of the state's names is
        refused before anything is removed: the state still loads, the target is intact."""
        latest = every_file(state_path)
        victim = state_path.parent / "victim"
        victim.write_bytes(b"precious")
        planted = state_path.with_name(state_path.name + suffix)
        planted.unlink()
        if kind == "symlink":
            planted.symlink_to(victim)
        elif kind == "directory":
            planted.mkdir()
        else:
            os.mkfifo(planted)
        before = _files_but(state_path.parent, planted)
        with pytest.raises(StateUnsafePathError) as caught:
            store(state_path).delete()
        assert caught.value.offender == str(planted)
        assert "delete again" in str(caught.value) or "move it away" in str(caught.value)
        assert _files_but(state_path.parent, planted) == before
        assert victim.read_bytes() == b"precious"
        if suffix != ".journal":  # a journal that is not a file: the state cannot load either
            assert store(state_path).load() == latest

    def test_a_link_at_a_temp_name_is_left_with_its_target(self, state_path: Path) -> None:
        """A symlink carrying the temp prefix is not the state's: the sweep leaves it."""
        every_file(state_path)
        victim = state_path.parent / "victim"
        victim.write_bytes(b"precious")
        leftover(state_path).unlink()
        leftover(state_path).symlink_to(victim)
        store(state_path).delete()
        assert sorted(os.listdir(state_path.parent)) == [leftover(state_path).name, "victim"]
        assert victim.read_bytes() == b"precious"

    @pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
    def test_a_strangers_file_in_a_shared_directory_stays(self, tmp_path: Path) -> None:
        """In a sticky, world-writable directory a file of another user at the backup's name
        is refused (as a save refuses it), and nothing of the state is removed."""
        path = shared_directory(tmp_path) / "state.json"
        manager = BatchStateManager(path)
        manager.save(BatchState(batch_id="a", features=[]))
        manager.save(BatchState(batch_id="b", features=[]))
        os.chown(manager.backup_path, NOBODY, NOBODY)
        with pytest.raises(StateUnsafePathError, match="belongs to") as caught:
            manager.delete()
        assert caught.value.offender == str(manager.backup_path)
        assert manager.load().batch_id == "b" and manager.backup_path.exists()


def _files_but(directory: Path, planted: Path) -> dict[str, bytes | str]:
    """`_files`, but for `planted` and the lock file (each operation may write into it)."""
    skipped = (planted.name, "state.json.lock")
    return {name: data for name, data in _files(directory).items() if name not in skipped}


@posix
class TestCrashes:
    def test_a_stop_at_every_step_leaves_the_state_whole_or_gone(self, tmp_path: Path) -> None:
        """Killed just before or after each unlink and fsync: the latest state loads, whole,
        or nothing does, and recover() brings nothing older back."""
        stops = stop_at_every_step(tmp_path, _delete)
        assert stops.problems == {}
        assert stops.runs >= 2 * (len(SIDECARS) + 2) and stops.midway >= 10, stops

    def test_positive_control_the_naive_order_resurrects_a_backup(self, tmp_path: Path) -> None:
        """Removing the state file first leaves its backup for recover() to bring back."""
        stops = stop_at_every_step(tmp_path, naive_delete, most=2)
        assert any("older state" in problem for problem in stops.problems.values()), stops

    def test_sigkill_at_random_leaves_the_state_whole_or_gone(self, tmp_path: Path) -> None:
        stops = kill_at_random(tmp_path, KILLS)
        assert stops.problems == {} and stops.runs == KILLS, stops


def _delete(path: Path) -> None:
    store(path).delete()


@posix
class TestCommandLine:
    def test_yes_deletes_and_says_what(self, state_path: Path) -> None:
        every_file(state_path)
        result = _cli("delete", "--yes", str(state_path))
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"deleted {state_path} and its {LISTED} sidecar files\n"
        assert sorted(os.listdir(state_path.parent)) == []

    def test_without_a_terminal_it_refuses_without_yes(self, state_path: Path) -> None:
        latest = every_file(state_path)
        result = _cli("delete", str(state_path))
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "--yes" in result.stderr and "not deleted" in result.stderr
        assert store(state_path).load() == latest

    def test_a_missing_state_is_exit_code_2(self, state_path: Path) -> None:
        for arguments in (["--yes"], []):
            result = _cli("delete", *arguments, str(state_path))
            assert result.returncode == 2
            assert result.stderr.count("\n") == 1 and "no state here to delete" in result.stderr
        assert not state_path.parent.joinpath("state.json.lock").exists()

    @pytest.mark.parametrize(("answer", "code"), [(b"n\n", 1), (b"y\n", 0)])
    def test_on_a_terminal_it_lists_and_asks(
        self, state_path: Path, answer: bytes, code: int
    ) -> None:
        latest = every_file(state_path)
        shown, exit_code = _on_a_terminal(["delete", str(state_path)], answer)
        assert exit_code == code, shown
        assert f"{state_path}.bak" in shown and f"{state_path}.v{OLD}.bak" in shown
        assert f"delete {state_path} and its {LISTED} sidecar files? [y/N]" in shown
        if code:
            assert "not deleted" in shown and store(state_path).load() == latest
        else:
            assert f"deleted {state_path} and its" in shown
            assert sorted(os.listdir(state_path.parent)) == []


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batch_state", *arguments],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _on_a_terminal(arguments: list[str], answer: bytes) -> tuple[str, int]:
    """Run `python -m batch_state ARGS` on a pseudo-terminal, answering its question."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: stdin, stdout and stderr are the terminal
        try:
            os.execv(sys.executable, [sys.executable, "-m", "batch_state", *arguments])
        finally:
            os._exit(127)
    shown = b""
    try:
        while b"[y/N]" not in shown:
            shown += os.read(terminal, 4096)
        os.write(terminal, answer)
        while chunk := os.read(terminal, 4096):
            shown += chunk
    except OSError:  # EIO: the child closed the terminal
        pass
    finally:
        os.close(terminal)
    _, status = os.waitpid(pid, 0)
    return shown.decode(errors="replace"), os.waitstatus_to_exitcode(status)
