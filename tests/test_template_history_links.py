"""A release tag whose template links to stategen's own runtime goes into the history bundle
with the runtime as files, as a working tree's template does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from stategen._template_history import build_bundle

LINK = "template/src/{{package}}/_runtime"
RUNTIME_FILE = "src/stategen/_runtime/store.py"


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stategen-like repository whose v0.1.0 template links to `src/stategen/_runtime`."""
    for key, value in {
        "GIT_AUTHOR_NAME": "Owner",
        "GIT_AUTHOR_EMAIL": "owner@example.invalid",
        "GIT_COMMITTER_NAME": "Owner",
        "GIT_COMMITTER_EMAIL": "owner@example.invalid",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "stategen"
    (root / "src/stategen/_runtime/engines").mkdir(parents=True)
    (root / RUNTIME_FILE).write_text('"""The store, at v0.1.0."""\n', encoding="utf-8")
    (root / "src/stategen/_runtime/engines/files.py").write_text("", encoding="utf-8")
    (root / "template/src/{{package}}").mkdir(parents=True)
    (root / LINK).symlink_to("../../../src/stategen/_runtime")
    (root / "copier.yml").write_text("_subdirectory: template\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "stategen 0.1.0")
    _git(root, "tag", "v0.1.0")
    (root / RUNTIME_FILE).write_text('"""The store, after v0.1.0."""\n', encoding="utf-8")
    return root


def test_a_linked_runtime_is_released_as_the_files_of_its_tag(
    repository: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "history.bundle"
    build_bundle(repository, "0.2.0", bundle)
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(bundle), str(clone))

    tree = _git(clone, "ls-tree", "-r", "v0.1.0").splitlines()
    store = next(line for line in tree if line.endswith(f"{LINK}/store.py"))
    assert store.startswith("100644 blob")  # a file, not a link (mode 120000)
    assert any(line.endswith(f"{LINK}/engines/files.py") for line in tree)
    assert not any("\tsrc/" in line for line in tree)  # only the template is released
    released = _git(clone, "show", f"v0.1.0:{LINK}/store.py")
    assert released == '"""The store, at v0.1.0."""\n'  # the tag's, not the working tree's
    newest = _git(clone, "show", f"v0.2.0:{LINK}/store.py")
    assert newest == '"""The store, after v0.1.0."""\n'
