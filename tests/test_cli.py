"""The command line: flags, exit codes, messages and what lands in DEST."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
        """The same spec gives byte-identical files."""
        trees = []
        for name in ("one", "two"):
            dest = tmp_path / name
            assert run_stategen("new", dest, "--spec", EXAMPLES / "preferences.yml").returncode == 0
            trees.append(
                {
                    p.relative_to(dest): p.read_bytes()
                    for p in sorted(dest.rglob("*"))
                    if p.is_file()
                }
            )
        assert trees[0] == trees[1]

    def test_defaults_without_spec_generate_the_example(self, tmp_path: Path) -> None:
        """`new --defaults` with no spec generates the example batch project."""
        result = run_stategen("new", tmp_path / "ex", "--defaults")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "ex/src/batch_state/model.py").is_file()

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
