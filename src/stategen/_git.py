"""The one way stategen runs git, and the questions (and index edits) its commands need.

Every git call goes through `run()`: no prompts, a fixed locale, and a failure raised as
`GitError`. This module uses only the standard library and `stategen.errors`, so the wheel
build hook can load it before anything is installed (see hatch_build.py).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import GitError, PreconditionError

#: The lines Copier writes around an inline conflict (`git merge-file` style markers).
_MARKER_OPEN = b"<<<<<<< "
_MARKER_CLOSE = b">>>>>>> "

#: A fixed identity and configuration for commits stategen makes itself (the template
#: history, a bump's scratch commit): the user's or the system's git setup must neither be
#: needed nor change the result.
FIXED_IDENTITY = {
    "GIT_AUTHOR_NAME": "stategen",
    "GIT_AUTHOR_EMAIL": "stategen@invalid",
    "GIT_COMMITTER_NAME": "stategen",
    "GIT_COMMITTER_EMAIL": "stategen@invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
FIXED_OPTIONS = (
    *("-c", "core.autocrlf=false", "-c", "commit.gpgSign=false", "-c", "tag.gpgSign=false"),
    *("-c", f"core.hooksPath={os.devnull}"),
)


def run(
    *args: str,
    cwd: Path,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git in `cwd`, never prompting; raise GitError when `check` and it fails.

    `env` adds to (or overrides) the environment, e.g. `FIXED_IDENTITY`.
    """
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=environment, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise PreconditionError(
            "git is not installed (or not on PATH); stategen needs it: install git and try again"
        ) from None
    if check and done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        shown = " ".join(arg for arg in args if arg not in FIXED_OPTIONS)
        raise GitError(f"git {shown} failed in {cwd}: {message}")
    return done


def is_work_tree(path: Path) -> bool:
    """Whether `path` is inside a git work tree."""
    done = run("rev-parse", "--is-inside-work-tree", cwd=path, check=False)
    return done.returncode == 0 and done.stdout.strip() == b"true"


def has_commits(path: Path) -> bool:
    """Whether the repository at `path` has a HEAD commit."""
    return run("rev-parse", "--verify", "--quiet", "HEAD", cwd=path, check=False).returncode == 0


def top_level(path: Path) -> Path:
    """The top directory of the work tree holding `path`."""
    return Path(run("rev-parse", "--show-toplevel", cwd=path).stdout.decode().strip())


@dataclass(frozen=True)
class StatusEntry:
    """One line of `git status --porcelain`: its two-letter code and its path (under `path`)."""

    code: str
    path: str

    #: Codes of paths with unmerged (conflicting) index entries.
    UNMERGED = frozenset({"DD", "AU", "UD", "UA", "DU", "AA", "UU"})

    @property
    def unmerged(self) -> bool:
        return self.code in self.UNMERGED

    def __str__(self) -> str:
        return f"{self.code} {self.path}"


def status(path: Path, *, ignored: bool = False) -> list[StatusEntry]:
    """Uncommitted changes under `path` (untracked files included), paths relative to it."""
    args = ["status", "--porcelain=v1", "-z", "--untracked-files=all"]
    if ignored:
        args.append("--ignored=matching")
    raw = run(*args, "--", ".", cwd=path).stdout.decode("utf-8", errors="surrogateescape")
    prefix = _prefix(path)
    entries: list[StatusEntry] = []
    fields = iter(raw.split("\0"))
    for field in fields:
        if not field:
            continue
        code, name = field[:2], field[3:]
        if code[0] in "RC":  # a rename or copy is followed by its source path
            next(fields, None)
        entries.append(StatusEntry(code=code, path=name.removeprefix(prefix)))
    return entries


def unmerged_paths(path: Path) -> list[str]:
    """Files under `path` with unmerged index entries (conflict stages), relative to it."""
    raw = run("diff", "--name-only", "--relative", "--diff-filter=U", "-z", cwd=path).stdout
    names = {name for name in raw.decode(errors="surrogateescape").split("\0") if name}
    raw = run("ls-files", "--unmerged", "-z", "--", ".", cwd=path).stdout
    for record in raw.decode(errors="surrogateescape").split("\0"):
        if "\t" in record:
            names.add(record.split("\t", 1)[1])
    return sorted(names)


def has_conflict_markers(file: Path) -> bool:
    """Whether a file holds both an opening and a closing conflict marker at a line start."""
    try:
        data = file.read_bytes()
    except OSError:
        return False
    opened = data.startswith(_MARKER_OPEN) or b"\n" + _MARKER_OPEN in data
    closed = data.startswith(_MARKER_CLOSE) or b"\n" + _MARKER_CLOSE in data
    return opened and closed


def files_with_markers(path: Path) -> list[str]:
    """Tracked files under `path` that hold conflict markers, relative to it."""
    done = run(
        "grep", "-l", "-z", "-I", "-e", "^<<<<<<< ", "--", ".", cwd=path, check=False
    )  # exit 1 means "no match"
    if done.returncode not in (0, 1):
        return []
    names = [name for name in done.stdout.decode(errors="surrogateescape").split("\0") if name]
    return sorted(name for name in names if has_conflict_markers(path / name))


@contextmanager
def hidden_from_status(path: Path, names: Sequence[str]) -> Iterator[None]:
    """Hide uncommitted changes of tracked files `names` (relative to `path`) from git status.

    This edits the index: Copier refuses to update a worktree with any uncommitted change,
    so a file whose change is meant to stay (the answers file while stategen prepares it,
    an edited `stategen.yml` during a bump) is marked skip-worktree for the duration, and
    unmarked afterwards. Untracked names are left alone.
    """
    tracked = [
        name
        for name in names
        if run("ls-files", "--error-unmatch", "--", name, cwd=path, check=False).returncode == 0
    ]
    if tracked:
        run("update-index", "--skip-worktree", "--", *tracked, cwd=path)
    try:
        yield
    finally:
        if tracked:
            run("update-index", "--no-skip-worktree", "--", *tracked, cwd=path)


def _prefix(path: Path) -> str:
    """`path`'s position inside its repository (`sub/dir/`), as git prints it."""
    return run("rev-parse", "--show-prefix", cwd=path).stdout.decode().strip()
