"""scripts/release.py refuses what must not be released, and releases a clean checkout.

Both run on a repository built in a temporary directory from this working tree (never on
this repository: its tags stay as they are). The full release builds an sdist and a wheel
and installs them in fresh venvs: it runs only with STATEGEN_RELEASE_TEST=1.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
#: A committer for the throwaway repository, whatever git setup this machine has.
IDENTITY = {
    "GIT_AUTHOR_NAME": "Release Test",
    "GIT_AUTHOR_EMAIL": "release@example.invalid",
    "GIT_COMMITTER_NAME": "Release Test",
    "GIT_COMMITTER_EMAIL": "release@example.invalid",
}
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **IDENTITY},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A one-commit repository holding this working tree's files (tracked and new)."""
    repo = tmp_path / "stategen"
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source, target = REPO / name, repo / name
        if not source.is_symlink() and not source.is_file():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "stategen")
    return repo


def release(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the checkout's own scripts/release.py, as a maintainer would."""
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "release.py"), *args],
        cwd=repo,
        env={**os.environ, **IDENTITY},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def load_script(repo: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("release_script", repo / "scripts/release.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def assert_refused(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for fragment in fragments:
        assert fragment in lines[0]


class TestRefusals:
    def test_a_clean_checkout_passes_the_preflight(self, checkout: Path) -> None:
        """Positive control: the refusals below are caused by what each test changes."""
        script = load_script(checkout)
        commit = script.preflight(checkout, script.read_project(checkout))
        assert commit == git(checkout, "rev-parse", "HEAD")
        assert script.read_project(checkout).version == VERSION

    def test_a_modified_file(self, checkout: Path) -> None:
        readme = checkout / "README.md"
        readme.write_text(readme.read_text(encoding="utf-8") + "draft\n", encoding="utf-8")
        assert_refused(release(checkout), "uncommitted or untracked files (README.md)")
        assert git(checkout, "tag", "--list") == ""

    def test_an_untracked_file(self, checkout: Path) -> None:
        """It would be built into the sdist (its include list is by directory)."""
        (checkout / "src" / "stategen" / "draft.py").write_text("x = 1\n", encoding="utf-8")
        assert_refused(release(checkout), "src/stategen/draft.py")
        assert git(checkout, "tag", "--list") == ""

    def test_an_existing_tag(self, checkout: Path) -> None:
        git(checkout, "tag", f"v{VERSION}", "HEAD")
        before = git(checkout, "rev-parse", f"v{VERSION}")
        assert_refused(release(checkout), f"tag v{VERSION} already exists", "never move")
        assert git(checkout, "rev-parse", f"v{VERSION}") == before

    def test_a_development_version_unless_forced(self, checkout: Path) -> None:
        pyproject = checkout / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(
            text.replace(f'version = "{VERSION}"', 'version = "9.0.0.dev1"'), encoding="utf-8"
        )
        git(checkout, "commit", "-q", "-am", "A development version")

        assert_refused(release(checkout), "9.0.0.dev1 is a development version", "--force")
        script = load_script(checkout)
        project = script.read_project(checkout)
        assert script.preflight(checkout, project, force=True) == git(checkout, "rev-parse", "HEAD")


class TestChecks:
    """The artifact checks fail on what they look for (the full release is the passing case)."""

    def test_metadata_of_another_version(self, checkout: Path) -> None:
        script = load_script(checkout)
        project = script.read_project(checkout)
        text = f"Name: stategen\nVersion: 0.0.1\nRequires-Python: {project.requires_python}\n"
        with pytest.raises(script.ReleaseError, match=r"x\.whl: Version is '0\.0\.1'"):
            script.check_metadata(text, project, Path("x.whl"))

    def test_a_history_without_the_release_or_an_older_tag(
        self, checkout: Path, tmp_path: Path
    ) -> None:
        script = load_script(checkout)
        project = script.read_project(checkout)
        history = tmp_path / "history"
        history.mkdir()
        git(history, "init", "-q")
        git(history, "commit", "-q", "--allow-empty", "-m", "template")
        git(history, "tag", "v0.0.1")
        bundle = tmp_path / "history.bundle"
        git(history, "bundle", "create", "-q", str(bundle), "--all")
        data = bundle.read_bytes()

        with pytest.raises(script.ReleaseError, match=f"lacks {re.escape(f'v{VERSION}')}$"):
            script.check_bundle(data, project, set(), Path("x.whl"))
        git(history, "tag", f"v{VERSION}")
        git(history, "bundle", "create", "-q", str(bundle), "--all")
        script.check_bundle(bundle.read_bytes(), project, {"v0.0.1"}, Path("x.whl"))
        with pytest.raises(script.ReleaseError, match=r"lacks v0\.0\.0"):
            script.check_bundle(bundle.read_bytes(), project, {"v0.0.0"}, Path("x.whl"))


@pytest.mark.skipif(
    os.environ.get("STATEGEN_RELEASE_TEST") != "1",
    reason="builds and installs a release in fresh venvs: set STATEGEN_RELEASE_TEST=1",
)
def test_a_release_is_built_checked_and_tagged(checkout: Path, tmp_path: Path) -> None:
    """The sdist installs a stategen that generates a working project; then the tag."""
    tags_here = git(REPO, "tag", "--list")
    dist = tmp_path / "dist"

    done = release(checkout, "--dist", str(dist))

    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(path.name for path in dist.iterdir()) == [
        f"stategen-{VERSION}-py3-none-any.whl",
        f"stategen-{VERSION}.tar.gz",
    ]
    assert git(checkout, "rev-list", "-n", "1", f"v{VERSION}") == git(checkout, "rev-parse", "HEAD")
    assert git(checkout, "cat-file", "-t", f"v{VERSION}") == "tag"  # annotated
    assert f"tagged v{VERSION}" in done.stdout and "nothing pushed" in done.stdout
    assert " passed" in done.stdout  # the generated project's own tests
    assert git(REPO, "tag", "--list") == tags_here

    again = release(checkout, "--dist", str(dist))
    assert_refused(again, f"tag v{VERSION} already exists")
