"""Build, check and tag a stategen release: the sdist, the wheel built from it, `v<version>`.

    .venv/bin/python scripts/release.py [--dist DIR] [--force]

1. Refuses a working tree with uncommitted or untracked files, a shallow clone, a version
   whose tag `v<version>` exists (release tags never move), and a development version
   (`0.3.0.dev1`) unless `--force`.
2. Builds the sdist from the checkout, then the wheel from the unpacked sdist (as
   `python -m build` does), with this environment's hatchling, into `--dist` (`dist/`).
3. Checks both: name, version and requires-python as pyproject.toml says; the template
   history bundle inside, holding `v<version>` and every older release tag; and that the
   sdist alone installs a working stategen in a fresh venv (its dependencies come from the
   package index), which generates examples/batch.yml into a project whose tests pass.
4. Tags the commit `v<version>` (an annotated tag). Nothing is pushed or uploaded: the last
   lines say how. See docs/releasing.md.
"""

from __future__ import annotations

import argparse
import email.parser
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
#: Where the wheel ships the template history (see hatch_build.py).
BUNDLE = "stategen/_template/stategen-template.bundle"
#: Where the sdist carries it, under its top directory.
SDIST_BUNDLE = f"src/{BUNDLE}"
#: Child processes must not see this checkout's environment (its editable stategen).
_LEAKY = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "STATEGEN_CACHE_DIR", "STATEGEN_REQUIREMENT")


class ReleaseError(Exception):
    """A reason not to release, said in one line with what to do."""


@dataclass(frozen=True)
class Project:
    """What pyproject.toml says about the release."""

    version: str
    requires_python: str

    @property
    def tag(self) -> str:
        return f"v{self.version}"


def say(message: str) -> None:
    print(f"release: {message}", flush=True)


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run `command`; its stdout, or a ReleaseError with the end of its output."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise ReleaseError(f"`{' '.join(map(str, command))}` failed in {cwd}:\n{tail}")
    return done.stdout


def git(root: Path, *args: str) -> str:
    return run("git", *args, cwd=root).strip()


def read_project(root: Path) -> Project:
    """The version and requires-python of `root`/pyproject.toml (never hard-coded here)."""
    table = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return Project(version=str(table["version"]), requires_python=str(table["requires-python"]))


def preflight(root: Path, project: Project, *, force: bool = False) -> str:
    """Refuse what must not be released; return the commit the release is made from."""
    if not (root / ".git").exists():
        raise ReleaseError(f"{root} is not a git checkout: a release is a tagged commit")
    if git(root, "rev-parse", "--is-shallow-repository") == "true":
        raise ReleaseError(
            "this is a shallow clone: the wheel would lack older release tags; "
            "run `git fetch --unshallow --tags` first"
        )
    # Not git(): its strip() would eat the status column of the first line.
    dirty = run("git", "status", "--porcelain", "--untracked-files=all", cwd=root).splitlines()
    if dirty:
        names = ", ".join(line[3:] for line in dirty[:5]) + (", …" if len(dirty) > 5 else "")
        raise ReleaseError(
            f"the working tree has uncommitted or untracked files ({names}): commit or "
            "remove them first, a release is built from exactly one commit"
        )
    existing = run("git", "tag", "--list", project.tag, cwd=root).strip()
    if existing:
        at = git(root, "rev-list", "-n", "1", project.tag)[:12]
        raise ReleaseError(
            f"tag {project.tag} already exists (at {at}): release tags never move, "
            "so bump the version in pyproject.toml"
        )
    try:
        parsed = Version(project.version)
    except InvalidVersion:
        raise ReleaseError(f"pyproject.toml's version {project.version!r} is not PEP 440") from None
    if parsed.is_devrelease and not force:
        raise ReleaseError(
            f"{project.version} is a development version: set a release version in "
            "pyproject.toml, or pass --force to tag it anyway"
        )
    return git(root, "rev-parse", "HEAD")


def older_release_tags(root: Path, project: Project) -> set[str]:
    """The repository's `v*` release tags older than this version: all must be in the bundle."""
    current = Version(project.version)
    tags = set()
    for tag in git(root, "tag", "--list", "v*").split():
        try:
            if Version(tag.removeprefix("v")) < current:
                tags.add(tag)
        except InvalidVersion:
            continue
    return tags


def build(root: Path, dist: Path, scratch: Path) -> tuple[Path, Path]:
    """The sdist of `root`, and the wheel built from that sdist, copied into `dist`."""
    if importlib.util.find_spec("hatchling") is None:
        raise ReleaseError(f"{sys.executable} has no hatchling: pip install -e '.[dev]'")
    hatchling = (sys.executable, "-m", "hatchling", "build")
    run(*hatchling, "-t", "sdist", "-d", scratch / "sdist", cwd=root)
    (sdist,) = (scratch / "sdist").glob("stategen-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(scratch / "unpacked", filter="data")
    (unpacked,) = (scratch / "unpacked").iterdir()
    run(*hatchling, "-t", "wheel", "-d", scratch / "wheel", cwd=unpacked)
    (wheel,) = (scratch / "wheel").glob("stategen-*.whl")
    dist.mkdir(parents=True, exist_ok=True)
    for built in (sdist, wheel):
        shutil.copy2(built, dist / built.name)
    return dist / sdist.name, dist / wheel.name


def check_metadata(text: str, project: Project, artifact: Path) -> None:
    metadata = email.parser.Parser().parsestr(text)
    expected = {
        "Name": "stategen",
        "Version": project.version,
        "Requires-Python": project.requires_python,
    }
    for field, value in expected.items():
        if metadata[field] != value:
            raise ReleaseError(f"{artifact.name}: {field} is {metadata[field]!r}, not {value!r}")


def check_bundle(data: bytes, project: Project, older: set[str], artifact: Path) -> None:
    """The history bundle holds this release's tag as its newest, and every older release."""
    with tempfile.TemporaryDirectory(prefix="stategen-release-") as scratch:
        bundle = Path(scratch) / "history.bundle"
        bundle.write_bytes(data)
        heads = git(Path(scratch), "bundle", "list-heads", str(bundle)).splitlines()
    tags = {line.split(" refs/tags/", 1)[1] for line in heads if " refs/tags/" in line}
    missing = sorted({project.tag, *older} - tags)
    if missing:
        raise ReleaseError(f"{artifact.name}: the template history lacks {', '.join(missing)}")
    newer = sorted(tag for tag in tags if Version(tag.removeprefix("v")) > Version(project.version))
    if newer:
        raise ReleaseError(f"{artifact.name}: the template history holds newer {newer}")


def check_artifacts(sdist: Path, wheel: Path, project: Project, older: set[str]) -> None:
    top = f"stategen-{project.version}"
    with tarfile.open(sdist) as archive:
        check_metadata(_read_tar(archive, f"{top}/PKG-INFO", sdist).decode(), project, sdist)
        sdist_bundle = _read_tar(archive, f"{top}/{SDIST_BUNDLE}", sdist)
    check_bundle(sdist_bundle, project, older, sdist)
    with zipfile.ZipFile(wheel) as archive:
        info = f"{top}.dist-info/METADATA"
        check_metadata(archive.read(info).decode(), project, wheel)
        wheel_bundle = archive.read(BUNDLE)
    check_bundle(wheel_bundle, project, older, wheel)
    if wheel_bundle != sdist_bundle:
        raise ReleaseError(f"{wheel.name}: its template history differs from the sdist's")
    say(f"checked {sdist.name} and {wheel.name}: metadata, template history {project.tag}")


def _read_tar(archive: tarfile.TarFile, name: str, artifact: Path) -> bytes:
    try:
        stream = archive.extractfile(name)
    except KeyError:
        stream = None
    if stream is None:
        raise ReleaseError(f"{artifact.name} has no {name}")
    return stream.read()


def check_install(sdist: Path, root: Path, project: Project, scratch: Path) -> None:
    """The sdist alone gives a stategen that generates a project whose own tests pass."""
    env = {key: value for key, value in os.environ.items() if key not in _LEAKY}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    venv = scratch / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=scratch, env=env)
    python, stategen = venv / "bin" / "python", venv / "bin" / "stategen"
    say(f"installing {sdist.name} in a fresh venv (dependencies from the package index)")
    run(python, "-m", "pip", "install", "-q", sdist, cwd=scratch, env=env)
    generated = scratch / "batch-state"
    run(stategen, "new", generated, "--spec", root / "examples" / "batch.yml", cwd=scratch, env=env)
    answers = (generated / ".copier-answers.yml").read_text(encoding="utf-8")
    if f"_commit: {project.tag}\n" not in answers:
        raise ReleaseError(f"the installed stategen did not render template {project.tag}")
    workflow = (generated / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    if f'"stategen=={project.version}"' not in workflow:
        raise ReleaseError(f"the generated CI does not install stategen=={project.version}")
    run(python, "-m", "pip", "install", "-q", "-e", f"{generated}[dev]", cwd=scratch, env=env)
    passed = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=generated, env=env)
    say(f"the sdist's stategen generated a project: {passed.strip().splitlines()[-1]}")


def tag(root: Path, project: Project, commit: str) -> None:
    """Tag `commit`, if the tree is still as it was when the release started."""
    if git(root, "rev-parse", "HEAD") != commit or git(root, "status", "--porcelain"):
        raise ReleaseError("the checkout changed while the release was built: run it again")
    git(root, "tag", "-a", project.tag, "-m", f"stategen {project.version}", commit)
    say(f"tagged {project.tag} at {commit[:12]} (nothing pushed)")


def release(root: Path, dist: Path, *, force: bool = False) -> None:
    project = read_project(root)
    commit = preflight(root, project, force=force)
    say(f"releasing stategen {project.version} from {commit[:12]}")
    older = older_release_tags(root, project)
    with tempfile.TemporaryDirectory(prefix="stategen-release-") as work:
        scratch = Path(work)
        sdist, wheel = build(root, dist, scratch)
        say(f"built {sdist} and {wheel}")
        check_artifacts(sdist, wheel, project, older)
        check_install(sdist, root, project, scratch)
    tag(root, project, commit)
    say(f"publish: git push origin {project.tag}, then upload {sdist.name} and {wheel.name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build, check and tag a stategen release.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where to put them")
    parser.add_argument("--force", action="store_true", help="tag a development version too")
    args = parser.parse_args(argv)
    try:
        release(ROOT, args.dist.resolve(), force=args.force)
    except ReleaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
