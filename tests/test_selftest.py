"""`python -m <package> selftest [DIR]`: every check passes on a real disk, each can fail."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock
import pytest
from conftest import REPO

from stategen._runtime import selftest
from stategen._runtime.cli import main
from stategen._runtime.selftest import checks, processes
from stategen._runtime.store import StateStore

PROG = "python -m sample"


@dataclass
class Sample:
    """A package's state, as a generated model declares one: a required field and defaults."""

    name: str
    items: list[str] = field(default_factory=list)


def sample_manager(path: str | os.PathLike[str], **options: Any) -> StateStore[Sample]:
    return StateStore(path, Sample, schema_version="1.0.0", **options)


def run(directory: Path, *names: str) -> int:
    chosen = [(name, check) for name, check in checks.CHECKS if name in names] or None
    return selftest.run(sample_manager, str(directory), prog=PROG, checks=chosen)


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_every_check_passes_here(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On this disk every check passes, each on its own line, then the verdict; exit 0, and
    nothing is left behind."""
    assert main(sample_manager, ["selftest", str(tmp_path)], prog=PROG) == 0
    out = lines(capsys)
    names = [name for name, _ in checks.CHECKS]
    assert [line.split(":")[0] for line in out[:-1]] == [f"ok {name}" for name in names]
    assert "Sample here and read it back" in out[-2]
    assert out[-1].startswith(f"selftest passed in {tmp_path}: all {len(names)} checks")
    assert list(tmp_path.iterdir()) == []


def test_the_current_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(checks, "CHECKS", checks.CHECKS[:2])
    assert main(sample_manager, ["selftest"], prog=PROG) == 0
    assert lines(capsys)[-1].startswith(f"selftest passed in {tmp_path}")


class TestEachCheckCanFail:
    """Positive controls: the system call or the writer each check relies on, broken."""

    def test_a_replace_that_fails(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        def refuse(*_: object) -> None:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

        monkeypatch.setattr(os, "replace", refuse)
        assert run(tmp_path, "atomic-rename", "package") == 1
        out = lines(capsys)
        assert out[0] == (
            "FAIL atomic-rename: os.replace over an existing file: EINVAL (Invalid argument)"
        )
        assert out[1].startswith("FAIL package: ")
        assert out[2].startswith("selftest FAILED in ") and "2 of 2 checks failed" in out[2]
        assert list(tmp_path.iterdir()) == []

    def test_an_fsync_that_fails(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        def refuse(_: int) -> None:
            raise OSError(errno.ENOTSUP, os.strerror(errno.ENOTSUP))

        monkeypatch.setattr(os, "fsync", refuse)
        assert run(tmp_path, "fsync-file", "fsync-directory") == 1
        file_line, directory_line, verdict = lines(capsys)
        assert file_line.startswith("FAIL fsync-file: fsync of a file: ENOTSUP (")
        assert directory_line.startswith("FAIL fsync-directory: fsync of a directory: ENOTSUP (")
        assert "fsync-file, fsync-directory" in verdict

    def test_a_lock_that_excludes_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """This process's flock always succeeds, as where locks are local to each client."""
        monkeypatch.setattr(filelock, "lock_descriptor", lambda fd, blocking=True: True)
        assert run(tmp_path, "lock") == 1
        assert lines(capsys)[0].startswith(
            "FAIL lock: this process took the lock while another process held it"
        )

    def test_writers_that_break_the_contract(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A writer rewriting the file in place, killed, leaves a state that does not load;
        two writers without transactions lose updates."""
        monkeypatch.setattr(processes, "CHILD_MODULE", "selftest_broken_child")
        monkeypatch.setenv("PYTHONPATH", str(REPO / "tests"))
        assert run(tmp_path, "kill", "race") == 1
        kill, race, _ = lines(capsys)
        assert kill.startswith("FAIL kill: after a kill in ") and " mode the state " in kill
        assert race.startswith("FAIL race: two processes added 50 each, and the counter says ")
        assert list(tmp_path.iterdir()) == []


class TestBadDirectory:
    def test_missing_file_and_unwritable(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        (tmp_path / "file").write_text("")
        for name, reason in (("missing", "no such directory"), ("file", "not a directory")):
            assert run(tmp_path / name) == 2
            captured = capsys.readouterr()
            assert captured.out == ""
            assert captured.err == (
                f"{PROG}: {tmp_path / name}: {reason}; give a directory you can write to "
                "(default: the current directory)\n"
            )

        def refuse(**_: object) -> str:
            raise PermissionError(errno.EROFS, os.strerror(errno.EROFS))

        monkeypatch.setattr(tempfile, "mkdtemp", refuse)
        assert run(tmp_path) == 2
        assert capsys.readouterr().err.startswith(
            f"{PROG}: {tmp_path}: cannot create a directory in it: EROFS ("
        )

    @pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
    def test_read_only(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        tmp_path.chmod(0o555)
        try:
            assert run(tmp_path) == 2
        finally:
            tmp_path.chmod(0o755)
        assert ": not writable; " in capsys.readouterr().err

    def test_one_line_and_no_traceback_from_the_shell(self, tmp_path: Path) -> None:
        script = (
            "import sys; from tests.test_selftest import sample_manager; "
            "from stategen._runtime.cli import main; "
            f"sys.exit(main(sample_manager, prog={PROG!r}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, "selftest", str(tmp_path / "missing")],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and "no such directory" in done.stderr
