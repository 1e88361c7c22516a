"""The command line: flags, exit codes, messages and what lands in DEST."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_stategen


class TestGlobalOptions:
    def test_version_prints_the_version(self) -> None:
        """`--version` prints the installed version and exits 0."""
        from stategen import __version__

        result = run_stategen("--version")
        assert result.returncode == 0
        assert result.stdout.strip() == f"stategen {__version__}"

    def test_help_lists_commands(self) -> None:
        """`--help` lists the commands."""
        result = run_stategen("--help")
        assert result.returncode == 0
        assert "new" in result.stdout

    def test_short_help_everywhere(self) -> None:
        """`-h` is `--help`, on the tool and on every command."""
        for args in ([], ["new"], ["bump"], ["check"], ["update"]):
            short, long = run_stategen(*args, "-h"), run_stategen(*args, "--help")
            assert short.returncode == 0 and short.stdout == long.stdout, args

    def test_help_shows_real_metavars(self) -> None:
        """Usage and options name what to give (DEST, FILE, DIR, REF), never `{dest}`."""
        shown = {args: run_stategen(args, "-h").stdout for args in ("new", "bump", "check")}
        shown["update"] = run_stategen("update", "-h").stdout
        assert "stategen new [OPTIONS] DEST\n" in shown["new"]
        assert "-s, --spec FILE" in shown["new"] and "--vcs-ref REF" in shown["new"]
        assert "stategen update [OPTIONS] [PROJECT]\n" in shown["update"]
        for command, text in shown.items():
            assert "{" not in text and "<str>" not in text, command
            if command != "new":
                assert "-p, --project DIR" in text, command

    def test_shell_completion(self) -> None:
        """Completion installs as Typer tools do, and completes commands and options."""
        assert "--install-completion" in run_stategen("--help").stdout
        script = Path(sys.executable).with_name("stategen")

        def complete(*words: str) -> list[str]:
            env = {
                **os.environ,
                "_STATEGEN_COMPLETE": "complete_bash",
                "COMP_WORDS": " ".join(["stategen", *words]),
                "COMP_CWORD": str(len(words)),
            }
            done = subprocess.run([script], env=env, capture_output=True, text=True)
            return done.stdout.split()

        assert complete("ne") == ["new"]
        assert complete("update", "--vc") == ["--vcs-ref"]
        assert complete("bump", "--pro") == ["--project"]

    def test_cli_import_does_not_load_copier(self) -> None:
        """Copier loads only when a command needs it, which keeps `--help` fast."""
        code = "import sys, stategen.cli; print('copier' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert out.stdout.strip() == "False", out.stderr


class TestNew:
    def test_generates_the_project_files(self, batch_project: Path) -> None:
        """`new --spec` writes the package, tests, spec, answers and CI workflow."""
        for relpath in [
            "pyproject.toml",
            "README.md",
            "stategen.yml",
            ".copier-answers.yml",
            ".github/workflows/ci.yml",
            "src/batch_state/__init__.py",
            "src/batch_state/py.typed",
            "src/batch_state/model.py",
            "src/batch_state/manager.py",
        ]:
            assert (batch_project / relpath).is_file(), relpath

    def test_keeps_the_users_spec_text(self, batch_project: Path) -> None:
        """The project's stategen.yml is the user's file, comments included."""
        assert (batch_project / "stategen.yml").read_text() == (EXAMPLES / "batch.yml").read_text()

    def test_is_deterministic(self, tmp_path: Path) -> None:
        """The same spec gives byte-identical files, wherever the spec file and the project
        are (tests rely on it: conftest's `generated_projects` hands out copies of one run)."""
        elsewhere = tmp_path / "elsewhere" / "mine.yml"
        elsewhere.parent.mkdir()
        shutil.copy2(EXAMPLES / "preferences.yml", elsewhere)
        trees = []
        for name, spec in (("one", EXAMPLES / "preferences.yml"), ("two", elsewhere)):
            dest = tmp_path / name
            assert run_stategen("new", dest, "--spec", spec).returncode == 0
            trees.append(
                {
                    p.relative_to(dest): p.read_bytes()
                    for p in sorted(dest.rglob("*"))
                    if p.is_file()
                }
            )
        assert trees[0] == trees[1]

    def test_without_a_spec_and_no_terminal_it_asks_for_one(self, tmp_path: Path) -> None:
        """No example is generated behind the user's back: one line, exit 2, nothing made."""
        for extra in ([], ["--defaults"]):
            result = run_stategen("new", tmp_path / "ex", *extra)
            assert result.returncode == 2, result.stdout
            assert result.stderr.strip().splitlines() == [
                "error: stategen new needs a spec: pass --spec FILE (a stategen.yml; see "
                "docs/spec-reference.md), or run it in a terminal to be asked for one"
            ]
            assert not (tmp_path / "ex").exists()

    def test_in_a_terminal_it_prompts_for_the_spec_only(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A person at a terminal is asked for the spec file, and for nothing else (never
        for the internal schema)."""
        from typer.testing import CliRunner

        from stategen import cli

        monkeypatch.setattr(cli, "_interactive", lambda defaults: not defaults)
        result = CliRunner().invoke(
            cli.app, ["new", str(tmp_path / "ex")], input=f"{EXAMPLES / 'batch.yml'}\n"
        )
        assert result.exit_code == 0, result.output
        assert result.output.count("Spec file") == 1 and "schema" not in result.output.lower()
        assert (tmp_path / "ex/src/batch_state/model.py").is_file()

    def test_a_fresh_git_repository_is_an_empty_destination(self, tmp_path: Path) -> None:
        """`git init DEST && stategen new DEST`: the lone `.git` stays, the project lands."""
        dest = tmp_path / "fresh"
        subprocess.run(["git", "init", "-q", str(dest)], check=True)
        result = run_stategen("new", dest, "--spec", EXAMPLES / "batch.yml")
        assert result.returncode == 0, result.stderr
        assert (dest / ".git" / "HEAD").is_file()
        assert (dest / "src/batch_state/model.py").is_file()

    def test_refuses_a_non_empty_destination(self, tmp_path: Path) -> None:
        """DEST must be missing or empty; an existing file is left alone."""
        dest = tmp_path / "busy"
        dest.mkdir()
        (dest / "mine.txt").write_text("keep me")
        result = run_stategen("new", dest, "--spec", EXAMPLES / "batch.yml")
        assert result.returncode == 2
        assert str(dest) in result.stderr
        assert "Traceback" not in result.stderr
        assert sorted(p.name for p in dest.iterdir()) == ["mine.txt"]

    def test_bad_spec_exits_2_with_one_line_and_creates_nothing(self, tmp_path: Path) -> None:
        """A spec error is one line naming the file, and DEST is never created."""
        spec = tmp_path / "stategen.yml"
        spec.write_text("name: x\nversion: 1.0\nfields: {a: int}\n")
        dest = tmp_path / "out"
        result = run_stategen("new", dest, "--spec", spec)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert str(spec) in result.stderr and "version" in result.stderr
        assert not dest.exists()

    def test_missing_spec_file_is_a_clear_error(self, tmp_path: Path) -> None:
        """A spec path that does not exist exits 2 and names it."""
        result = run_stategen("new", tmp_path / "out", "--spec", tmp_path / "nope.yml")
        assert result.returncode == 2
        assert "nope.yml" in result.stderr
        assert "Traceback" not in result.stderr


class TestProjectOption:
    def test_every_project_command_takes_it(self, batch_project: Path, tmp_path: Path) -> None:
        """`-p DIR` names the project for check (as for bump and update, see their tests)."""
        assert run_stategen("check", "-p", batch_project, cwd=tmp_path).returncode == 0

    def test_update_refuses_two_different_projects(self, tmp_path: Path) -> None:
        """The positional form still works; given both ways, they must agree."""
        result = run_stategen("update", tmp_path / "a", "-p", tmp_path / "b")
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"error: two projects given ({tmp_path / 'a'} and --project {tmp_path / 'b'}); give one"
        ]
