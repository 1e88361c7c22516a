"""The Copier boundary: rendering into a fresh directory, error translation, template history."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from stategen import _template_history as history
from stategen._copier import copy_template
from stategen._template_source import (
    default_template_ref,
    default_template_source,
    template_version,
)
from stategen.errors import DestinationError, TemplateError
from stategen.project import read_answers

REPO = Path(__file__).resolve().parents[1]


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(autouse=True)
def _hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.getbasetemp() / "git-home"
    home.mkdir(exist_ok=True)
    (home / ".gitconfig").touch()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Maintainer")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "maintainer@example.invalid")
    monkeypatch.setenv("STATEGEN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def _mini_template(root: Path, body: str = "value = {{ name | tojson }}\n") -> Path:
    """A one-file template with the same layout as stategen's (copier.yml + template/)."""
    root.mkdir(parents=True)
    (root / "copier.yml").write_text(
        "_subdirectory: template\nname:\n  type: str\n  default: demo\n", encoding="utf-8"
    )
    (root / "template").mkdir()
    (root / "template" / "module.py.jinja").write_text(body, encoding="utf-8")
    (root / "template" / "{{_copier_conf.answers_file}}.jinja").write_text(
        "{{ _copier_answers | to_nice_yaml }}", encoding="utf-8"
    )
    return root


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(".tmp"))


class TestCopyTemplate:
    def test_renders_into_a_missing_directory(self, tmp_path: Path):
        dest = tmp_path / "a" / "b" / "project"

        copy_template(str(_mini_template(tmp_path / "tpl")), dest, data={"name": "x"})

        assert (dest / "module.py").read_text(encoding="utf-8") == 'value = "x"\n'
        assert _leftovers(dest.parent) == []
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(dest.stat().st_mode) == 0o777 & ~umask

    def test_renders_into_an_empty_directory(self, tmp_path: Path):
        dest = tmp_path / "project"
        dest.mkdir()

        copy_template(str(_mini_template(tmp_path / "tpl")), dest, data={})

        assert (dest / "module.py").is_file()
        assert _leftovers(tmp_path) == []

    def test_refuses_a_non_empty_directory(self, tmp_path: Path):
        dest = tmp_path / "project"
        dest.mkdir()
        (dest / "keep.txt").write_text("mine", encoding="utf-8")

        with pytest.raises(DestinationError, match=r"is not empty \(keep\.txt\)"):
            copy_template(str(_mini_template(tmp_path / "tpl")), dest, data={})

        assert [p.name for p in dest.iterdir()] == ["keep.txt"]

    def test_refuses_a_file(self, tmp_path: Path):
        (tmp_path / "project").write_text("", encoding="utf-8")

        with pytest.raises(DestinationError, match="is not a directory"):
            copy_template(str(_mini_template(tmp_path / "tpl")), tmp_path / "project", data={})

    def test_render_error_leaves_nothing_behind(self, tmp_path: Path):
        """A template that fails half-way leaves neither the destination nor temp dirs."""
        template = _mini_template(tmp_path / "tpl", body="{% if %}\n")
        dest = tmp_path / "new" / "project"

        with pytest.raises(TemplateError, match="cannot render"):
            copy_template(str(template), dest, data={})

        assert not (tmp_path / "new").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["tpl"]

    def test_rejected_answer_is_a_template_error(self, tmp_path: Path):
        """Copier's validator errors come out as stategen errors, not ValueError."""
        with pytest.raises(TemplateError, match="name"):
            copy_template(default_template_source(), tmp_path / "p", data={"name": "!bad!"})
        assert not (tmp_path / "p").exists()

    def test_unknown_version_is_a_template_error(self, tmp_path: Path):
        template = _mini_template(tmp_path / "tpl")
        _git(template, "init", "-q")
        _git(template, "add", "-A")
        _git(template, "commit", "-qm", "v1")
        _git(template, "tag", "v1")

        with pytest.raises(TemplateError) as caught:
            copy_template(str(template), tmp_path / "p", data={}, vcs_ref="v7")

        assert "v7" in str(caught.value)
        assert not (tmp_path / "p").exists()

    def test_template_with_tasks_is_refused(self, tmp_path: Path):
        """stategen never runs template tasks (its own template needs no --trust)."""
        template = _mini_template(tmp_path / "tpl")
        with (template / "copier.yml").open("a", encoding="utf-8") as stream:
            stream.write("_tasks:\n  - touch pwned\n")

        with pytest.raises(TemplateError, match="tasks"):
            copy_template(str(template), tmp_path / "p", data={})

        assert not (tmp_path / "p").exists()

    def test_relative_local_source_is_recorded_absolute(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ):
        template = _mini_template(tmp_path / "tpl")
        _git(template, "init", "-q")
        _git(template, "add", "-A")
        _git(template, "commit", "-qm", "v1")
        _git(template, "tag", "v1")
        monkeypatch.chdir(tmp_path)

        copy_template("tpl", tmp_path / "p", data={})

        assert read_answers(tmp_path / "p")["_src_path"] == str(template)
        assert read_answers(tmp_path / "p")["_commit"] == "v1"

    def test_import_does_not_load_copier(self):
        """Copier is imported lazily, so `stategen --help` stays fast."""
        code = (
            "import sys, stategen._copier, stategen.commands.update, stategen._template_source; "
            "print('copier' in sys.modules)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "False"


class TestDefaultSource:
    def test_source_checkout_builds_a_cached_history(self, tmp_path: Path):
        """From a checkout the default template is a bundle tagged with stategen's version."""
        first = default_template_source()
        mtime = Path(first).stat().st_mtime_ns

        assert Path(first).name == history.BUNDLE_NAME
        assert default_template_ref() == f"v{template_version()}"
        assert default_template_ref() in history.list_tags(Path(first))
        assert default_template_source() == first
        assert Path(first).stat().st_mtime_ns == mtime

    def test_generated_project_records_bundle_and_version(self, tmp_path: Path):
        copy_template(default_template_source(), tmp_path / "p", data={})

        answers = read_answers(tmp_path / "p")
        assert answers["_src_path"] == default_template_source()
        assert answers["_commit"] == default_template_ref()


class TestHistoryBundle:
    @pytest.fixture
    def checkout(self, tmp_path: Path) -> Path:
        """A stand-in for stategen's repository with releases 0.0.1 and 0.0.2 tagged."""
        root = _mini_template(tmp_path / "checkout", body="release 1\n")
        (root / "README.md").write_text("not part of the template\n", encoding="utf-8")
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", "0.0.1")
        _git(root, "tag", "v0.0.1")
        (root / "template" / "module.py.jinja").write_text(
            "release 2\n", encoding="utf-8"
        )  # same size: see build_bundle
        _git(root, "commit", "-qam", "0.0.2")
        _git(root, "tag", "-a", "v0.0.2", "-m", "annotated")
        _git(root, "tag", "vnext")  # not a version: ignored
        _git(root, "tag", "v9.0.0")  # newer than the build: left out
        (root / "template" / "module.py.jinja").write_text("working tree\n", encoding="utf-8")
        (root / "template" / "__pycache__").mkdir()
        (root / "template" / "__pycache__" / "x.pyc").write_bytes(b"\0")
        return root

    def _show(self, bundle: Path, tag: str, path: str, scratch: Path) -> str:
        clone = scratch / f"clone-{tag}"
        if not clone.exists():
            _git(scratch, "clone", "-q", str(bundle), str(clone))
        return _git(clone, "show", f"{tag}:{path}")

    def test_releases_then_working_tree(self, checkout: Path, tmp_path: Path):
        bundle = tmp_path / "out" / history.BUNDLE_NAME

        history.build_bundle(checkout, "0.1.0", bundle)

        assert sorted(history.list_tags(bundle)) == ["v0.0.1", "v0.0.2", "v0.1.0"]
        module = "template/module.py.jinja"
        assert self._show(bundle, "v0.0.1", module, tmp_path) == "release 1\n"
        assert self._show(bundle, "v0.0.2", module, tmp_path) == "release 2\n"
        assert self._show(bundle, "v0.1.0", module, tmp_path) == "working tree\n"
        clone = tmp_path / "clone-v0.0.1"
        files = _git(clone, "ls-tree", "-r", "--name-only", "v0.1.0").split()
        assert "README.md" not in files and not any("__pycache__" in f for f in files)

    def test_commit_ids_are_reproducible(self, checkout: Path, tmp_path: Path):
        """Two builds give the same commit for every tag, so a tag means one tree everywhere."""
        one, two = tmp_path / "1" / history.BUNDLE_NAME, tmp_path / "2" / history.BUNDLE_NAME

        history.build_bundle(checkout, "0.1.0", one)
        history.build_bundle(checkout, "0.2.0", two)

        heads_one = _git(tmp_path, "bundle", "list-heads", str(one)).splitlines()
        heads_two = _git(tmp_path, "bundle", "list-heads", str(two)).splitlines()
        tagged = [line for line in heads_one if "refs/tags/v0.0" in line]
        assert len(tagged) == 2 and set(tagged) <= set(heads_two)

    def test_without_git_only_the_working_tree(self, checkout: Path, tmp_path: Path):
        plain = tmp_path / "plain"
        shutil.copytree(checkout, plain, ignore=shutil.ignore_patterns(".git"))

        history.build_bundle(plain, "0.1.0", tmp_path / history.BUNDLE_NAME)

        assert history.list_tags(tmp_path / history.BUNDLE_NAME) == ["v0.1.0"]

    def test_copy_takes_the_newest_release_even_a_prerelease(self, checkout: Path, tmp_path: Path):
        """Copier skips pre-release tags by default; the bundle's own release is used anyway."""
        bundle = tmp_path / "out" / history.BUNDLE_NAME
        history.build_bundle(checkout, "0.2.0.dev1", bundle)

        copy_template(str(bundle), tmp_path / "p", data={})

        assert read_answers(tmp_path / "p")["_commit"] == "v0.2.0.dev1"
        assert (tmp_path / "p" / "module.py").read_text(encoding="utf-8") == "working tree\n"


def test_renders_never_touch_the_users_copier_cache(tmp_path: Path) -> None:
    """Copier's mirror of stategen's template lives in a private cache for each render: the
    user's own Copier cache stays untouched (a mirror made from a local copy never stands in
    for the real repository there, and one render's leftovers never break the next)."""
    cache_home = tmp_path / "cache-home"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.pop("COPIER_CACHE_DIR", None)
    for name in ("first", "second"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "stategen",
                "new",
                str(tmp_path / name),
                "--spec",
                str(Path(__file__).resolve().parents[1] / "examples" / "batch.yml"),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert not (cache_home / "copier").exists()
