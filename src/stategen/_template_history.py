"""Build the template's release history as a git bundle that Copier can copy and update from.

Each stategen release is one commit holding `copier.yml` and `template/`, tagged with the
release's PEP 440 version (`v0.1.0`). Commits have fixed authors and dates, so the same
releases always give the same commit ids, wherever and whenever the bundle is built.

Release tags are PEP 440 versions (`v0.2.0.dev1`), read by `release_version` here and
nowhere else. This module uses only the standard library, `packaging` and stategen's own
`_git` and `errors`, because the wheel build hook (`hatch_build.py`) loads it from the
source tree, before stategen or Copier are installed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import _git

if TYPE_CHECKING:
    from packaging.version import Version

#: File name of the history bundle, both inside the wheel and in the cache of a source
#: checkout. `stategen update` recognises stategen's own template by this name.
BUNDLE_NAME = "stategen-template.bundle"

#: What a release commit holds: the top level of a Copier template with `_subdirectory`.
TEMPLATE_PATHS = ("copier.yml", "template")

#: Paths never taken from a working tree (they are build litter, not template files).
_LITTER = frozenset({"__pycache__", ".DS_Store", ".mypy_cache", ".ruff_cache", ".pytest_cache"})

# A fixed identity and date make every release commit reproducible: two builds of the same
# releases give byte-identical commits, so a tag means the same tree in every bundle.
_FIXED_DATE = "2000-01-01T00:00:00+00:00"
_GIT_ENV = {
    **_git.FIXED_IDENTITY,
    "GIT_AUTHOR_DATE": _FIXED_DATE,
    "GIT_COMMITTER_DATE": _FIXED_DATE,
}
#: `git describe` output: the nearest tag, the commits since, and the commit.
_DESCRIBE = re.compile(r"^(?P<tag>.+)-(?P<count>\d+)-g(?P<hash>[0-9a-f]+)$")


@dataclass(frozen=True)
class Release:
    """One release in the history: its version, and the tag of the source repo holding it.

    `tag` is None for the release built from the working tree (the version being built).
    """

    version: str
    tag: str | None


def tag_for(version: str) -> str:
    """The git tag of a stategen version (`0.1.0` → `v0.1.0`)."""
    return f"v{version}"


def release_version(tag: str) -> Version | None:
    """The PEP 440 version a template tag names, or None for a tag that names none.

    Tags are `v0.1.0`; `git describe`'s `v0.1.0-3-gabc123` reads as a post-release.
    """
    from packaging.version import InvalidVersion, Version

    match = _DESCRIBE.match(tag)
    text = f"{match['tag']}.post{match['count']}" if match else tag
    try:
        return Version(text.removeprefix("v"))
    except InvalidVersion:
        return None


def is_release_tag(ref: str) -> bool:
    """Whether `ref` is a release tag (a version, not a `git describe` string)."""
    return release_version(ref) is not None and not _DESCRIBE.match(ref)


def git(*args: str, cwd: Path) -> bytes:
    """Run git with a fixed identity and configuration; its output."""
    return _git.run(*_git.FIXED_OPTIONS, *args, cwd=cwd, env=_GIT_ENV).stdout


def is_git_checkout(root: Path) -> bool:
    """Whether `root` is the top of a git work tree (a clone of stategen's repository)."""
    return (root / ".git").exists()


def released_tags(root: Path, version: str) -> list[Release]:
    """Releases older than `version`, from the `v*` tags of the repository at `root`.

    Tags that are not PEP 440 versions, or hold no template, are left out; the result is
    sorted by version, oldest first.
    """
    current = release_version(version)
    releases: list[tuple[Version, Release]] = []
    listing = git("tag", "--list", "v*", cwd=root).decode().split()
    for tag in listing:
        parsed = release_version(tag)
        if parsed is None or not is_release_tag(tag) or (current and parsed >= current):
            continue
        releases.append((parsed, Release(version=str(parsed), tag=tag)))
    releases.sort(key=lambda item: item[0])
    return [release for _, release in releases]


def tag_commits(root: Path) -> str:
    """`<tag> <commit>` lines for the `v*` tags at `root`: changes when a tag is added or moved."""
    if not is_git_checkout(root):
        return ""
    return git(
        "for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "refs/tags/v*", cwd=root
    ).decode()


def iter_template_files(root: Path) -> Iterator[Path]:
    """The template files of the working tree at `root`, relative to it, in a stable order."""
    for name in TEMPLATE_PATHS:
        top = root / name
        if top.is_file():
            yield Path(name)
            continue
        # followlinks: the runtime is a link to stategen's own package, shipped as files.
        for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
            dirnames[:] = sorted(d for d in dirnames if d not in _LITTER)
            for filename in sorted(filenames):
                if filename in _LITTER or filename.endswith((".pyc", ".pyo")):
                    continue
                yield (Path(dirpath) / filename).relative_to(root)


def working_tree_digest(root: Path, version: str) -> str:
    """A short hash of everything the history built from `root` depends on."""
    digest = hashlib.sha256()
    digest.update(f"version {version}\n".encode())
    digest.update(tag_commits(root).encode())
    for relative in iter_template_files(root):
        path = root / relative
        digest.update(f"{relative.as_posix()} {path.stat().st_mode & 0o111:o}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def build_bundle(root: Path, version: str, out: Path, *, with_tags: bool = True) -> list[Release]:
    """Write the history bundle of the template at `root` to `out`; return the releases in it.

    Every `v*` tag of `root` older than `version` becomes a release commit, oldest first,
    and the working tree's template becomes the newest one, tagged `v<version>`. The file
    at `out` is replaced atomically, so a reader never sees half a bundle.
    """
    releases = released_tags(root, version) if with_tags and is_git_checkout(root) else []
    releases.append(Release(version=version, tag=None))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stategen-history-") as scratch:
        work = Path(scratch) / "history"
        work.mkdir()
        git("init", "--quiet", cwd=work)
        git("symbolic-ref", "HEAD", "refs/heads/main", cwd=work)
        for release in releases:
            _clear(work)
            if release.tag is None:
                _copy_working_tree(root, work)
            elif not _extract_tag(root, release.tag, work):
                continue
            # Start from an empty index, so every file is hashed afresh: files unpacked from
            # a tag carry the tag's mtime, and two releases made in the same second with a
            # same-sized file would look unchanged to git's stat cache.
            git("read-tree", "--empty", cwd=work)
            git("add", "--all", "--force", ".", cwd=work)
            message = f"stategen template {release.version}"
            git("commit", "--quiet", "--allow-empty", "-m", message, cwd=work)
            git("tag", tag_for(release.version), cwd=work)
        partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
        try:
            git("bundle", "create", "--quiet", str(partial), "--all", cwd=work)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return releases


def _clear(work: Path) -> None:
    for entry in work.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _copy_working_tree(root: Path, work: Path) -> None:
    for relative in iter_template_files(root):
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, target)


def _extract_tag(root: Path, tag: str, work: Path) -> bool:
    """Unpack the template files of `tag` into `work`; False if the tag holds no template.

    A link in the template to elsewhere in the repository (the runtime, a link to stategen's
    own package since 0.2.0) becomes a copy of what it names at that tag, as a working tree's
    does (`iter_template_files` follows links).
    """
    present = git("ls-tree", "--name-only", tag, "--", *TEMPLATE_PATHS, cwd=root).decode().split()
    if set(present) != set(TEMPLATE_PATHS):
        return False
    _unpack(root, tag, TEMPLATE_PATHS, work)
    base = work.resolve()
    for link in sorted(path for path in (work / "template").rglob("*") if path.is_symlink()):
        named = (link.parent / os.readlink(link)).resolve().relative_to(base).as_posix()
        link.unlink()
        with tempfile.TemporaryDirectory(prefix="stategen-link-") as scratch:
            _unpack(root, tag, (named,), Path(scratch))
            shutil.move(Path(scratch) / named, link)
    return True


def _unpack(root: Path, tag: str, paths: Sequence[str], work: Path) -> None:
    """Extract `paths` of `tag` into `work` (links pointing out of `work` are refused)."""
    archive = git("archive", "--format=tar", tag, "--", *paths, cwd=root)
    with tempfile.TemporaryFile() as buffer:
        buffer.write(archive)
        buffer.seek(0)
        with tarfile.open(fileobj=buffer) as tar:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
                tar.extractall(work, filter="data")
            else:  # pragma: no cover - the archive comes from our own repository
                tar.extractall(work)


def list_tags(bundle: Path) -> Sequence[str]:
    """The tags a bundle holds (`v0.1.0`, …), as `git bundle list-heads` reports them."""
    heads = git("bundle", "list-heads", str(bundle), cwd=bundle.parent).decode().splitlines()
    return [line.split(" refs/tags/", 1)[1] for line in heads if " refs/tags/" in line]
