"""The only module that imports Copier: render and update projects, translating its errors.

Copier (and git, through plumbum) is imported inside the functions, because importing it
takes about 0.4 s and `stategen --help` must stay fast.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import _template_history as history
from ._yaml import YAMLError
from .errors import DestinationError, GitError, StategenError, TemplateError

#: `vcs_ref` value meaning "keep the template version the project is on" (a re-render with
#: new answers, as `stategen bump` does). Same spelling as Copier's `VcsRef.CURRENT`.
CURRENT_TEMPLATE = ":current:"


def copy_template(
    src: str,
    dest: Path,
    *,
    data: Mapping[str, Any],
    vcs_ref: str | None = None,
    defaults: bool = True,
    redirects: Mapping[str, str] | None = None,
) -> None:
    """Render the template at `src` (path, bundle or git URL) into the new directory `dest`.

    `dest` must be missing or empty (a fresh repository's lone `.git` is fine). The project
    is rendered into a temporary directory next to it and moved into place only when
    complete, so a failure leaves `dest` as it was. With `defaults=False` Copier prompts
    for every question not given in `data`. `redirects` maps git URLs to local copies that
    git reads instead (see `_reading`); the project records the URL.
    """
    dest = dest.absolute()
    _check_new_destination(dest)
    source = _normalise_source(src)
    redirects = redirects or {}
    ref = vcs_ref if vcs_ref is not None else _newest_release(redirects.get(source, source))
    created = _make_parents(dest.parent)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
        # mkdtemp makes a private 0700 directory; the project gets the usual mode.
        scratch.chmod(0o777 & ~_umask())
    except OSError as error:
        _remove_empty(created)
        raise DestinationError(f"cannot create {dest}: {error.strerror or error}") from None
    try:
        with _translated_errors(f"cannot render {src}"), _reading(redirects):
            import copier

            copier.run_copy(
                source,
                scratch,
                data=dict(data),
                vcs_ref=ref,
                defaults=defaults,
                quiet=True,
                unsafe=False,
                cleanup_on_error=False,
            )
        _move_into_place(scratch, dest)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        _remove_empty(created)
        raise


def update_template(
    dest: Path,
    *,
    data: Mapping[str, Any],
    vcs_ref: str | None,
    defaults: bool = True,
    redirects: Mapping[str, str] | None = None,
) -> None:
    """Run Copier's 3-way update of the project at `dest`, with `data` over its answers.

    `vcs_ref=None` lets Copier pick the newest release tag of the recorded template,
    `CURRENT_TEMPLATE` keeps the version the project is on. Conflicts become inline markers;
    reading them back is the caller's business (see `stategen.project.render`). `redirects`
    as for `copy_template`.
    """
    with _translated_errors(f"cannot update {dest}"), _reading(redirects or {}):
        import copier
        from copier import VcsRef

        ref: str | VcsRef | None = VcsRef.CURRENT if vcs_ref == CURRENT_TEMPLATE else vcs_ref
        copier.run_update(
            dest,
            data=dict(data),
            vcs_ref=ref,
            defaults=defaults,
            overwrite=True,
            conflict="inline",
            quiet=True,
            unsafe=False,
            skip_answered=defaults,
        )


@contextmanager
def _reading(redirects: Mapping[str, str]) -> Iterator[None]:
    """Let the git that Copier runs read each URL of `redirects` from its local copy.

    Git's own `url.<copy>.insteadOf <url>` setting does it, passed through the environment
    (`GIT_CONFIG_COUNT`, after any the caller set), so the project records the URL while
    nothing is fetched. Copier keeps mirrors of remote templates in a cache keyed by URL;
    a private one is used here, so a mirror made from a local copy never stands in for the
    real repository in the user's own Copier cache.
    """
    if not redirects:
        yield
        return
    from plumbum import local

    first = int(local.env.get("GIT_CONFIG_COUNT", "0") or "0")
    settings: dict[str, str] = {"GIT_CONFIG_COUNT": str(first + len(redirects))}
    for index, (url, copy) in enumerate(redirects.items(), start=first):
        settings[f"GIT_CONFIG_KEY_{index}"] = f"url.{copy}.insteadOf"
        settings[f"GIT_CONFIG_VALUE_{index}"] = url
    with (
        tempfile.TemporaryDirectory(prefix="stategen-copier-cache-") as cache,
        local.env(COPIER_CACHE_DIR=cache, **settings),
        _environ("COPIER_CACHE_DIR", cache),
    ):
        yield


@contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    """`os.environ[name]` set to `value` for the block.

    Copier reads its cache directory from `os.environ`, which plumbum's `local.env` (what
    the git it runs sees) leaves alone: without this, every render shared the user's own
    mirror, and a worktree one render left registered there broke the next one's
    `git remote update --prune` ("bad object worktrees/…").
    """
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


# -- destination handling ---------------------------------------------------------------

#: What may already be in a new project's directory: a fresh repository (`git init`).
_ALLOWED_IN_DEST = frozenset({".git"})


def _check_new_destination(dest: Path) -> None:
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise DestinationError(f"{dest} exists and is not a directory; choose a new path")
    if dest.is_dir():
        try:
            entries = sorted(e.name for e in dest.iterdir() if e.name not in _ALLOWED_IN_DEST)
        except OSError as error:
            raise DestinationError(f"cannot read {dest}: {error.strerror or error}") from None
        if entries:
            shown = ", ".join(entries[:5]) + (" …" if len(entries) > 5 else "")
            raise DestinationError(
                f"{dest} is not empty ({shown}); choose a new directory or empty this one"
            )


def _make_parents(parent: Path) -> list[Path]:
    """Create `parent` and its missing ancestors; return those created, deepest first."""
    missing: list[Path] = []
    probe = parent
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        _remove_empty(missing)
        raise DestinationError(f"cannot create {parent}: {error.strerror or error}") from None
    return missing


def _remove_empty(directories: list[Path]) -> None:
    for directory in directories:  # deepest first
        try:
            directory.rmdir()
        except OSError:
            return


def _move_into_place(scratch: Path, dest: Path) -> None:
    """Move a finished render to `dest` (missing, empty or a lone `.git`) in few steps."""
    try:
        if not dest.exists():
            os.replace(scratch, dest)  # one rename: `dest` appears complete or not at all
            return
        moved: list[Path] = []
        try:
            for entry in sorted(scratch.iterdir()):
                os.replace(entry, dest / entry.name)
                moved.append(dest / entry.name)
        except OSError:
            for target in moved:  # put back what was moved, so `dest` stays empty
                os.replace(target, scratch / target.name)
            raise
        scratch.rmdir()
    except OSError as error:
        raise DestinationError(f"cannot move the project into {dest}: {error}") from None


# -- sources ----------------------------------------------------------------------------


def _normalise_source(src: str) -> str:
    """An existing local path becomes absolute, since Copier records it as given."""
    candidate = Path(src).expanduser()
    if candidate.exists():
        return str(candidate.resolve())
    return src


def _newest_release(source: str) -> str | None:
    """For a history bundle of stategen's template, its newest tag; else Copier's choice.

    Copier would skip pre-release tags (`v0.2.0.dev0`) by default; a bundle's newest
    commit is always the release it was built for, whatever its version.
    """
    if not (source.endswith(history.BUNDLE_NAME) and Path(source).is_file()):
        return None
    try:
        tags = history.list_tags(Path(source))
    except GitError as error:
        raise TemplateError(f"cannot read the template history {source}: {error}") from None
    versions = [(version, tag) for tag in tags if (version := history.release_version(tag))]
    return max(versions)[1] if versions else None


# -- error translation ------------------------------------------------------------------


@contextmanager
def _translated_errors(doing: str) -> Iterator[None]:
    """Turn Copier's, plumbum's and Jinja's exceptions into stategen errors."""
    import jinja2
    from copier.errors import CopierAnswersInterrupt, CopierError, UnsafeTemplateError
    from plumbum import ProcessExecutionError

    try:
        with warnings.catch_warnings():
            # Copier warns about dirty or shallow templates and settings; the errors below
            # say what matters, and the rest is noise in a generator's output.
            warnings.simplefilter("ignore")
            yield
    except StategenError:
        raise
    except CopierAnswersInterrupt:
        raise KeyboardInterrupt from None
    except UnsafeTemplateError as error:
        raise TemplateError(
            f"{doing}: the template uses tasks, migrations or extensions, which stategen "
            f"does not run ({error})"
        ) from None
    except ProcessExecutionError as error:
        raise TemplateError(f"{doing}: {_describe_git_failure(error)}") from None
    except jinja2.TemplateError as error:
        where = f" (line {error.lineno})" if isinstance(error, jinja2.TemplateSyntaxError) else ""
        raise TemplateError(f"{doing}: template error{where}: {error}") from None
    except YAMLError as error:
        raise TemplateError(f"{doing}: invalid YAML in the template: {error}") from None
    except CopierError as error:
        raise TemplateError(f"{doing}: {error}") from None
    except ValueError as error:  # answer validation, "not a directory", "Unknown revision"
        hint = ""
        if str(error).startswith("Unknown revision"):
            hint = (
                " (the template has no such version: check --vcs-ref, and the version the "
                "project records as `_commit` in .copier-answers.yml)"
            )
        raise TemplateError(f"{doing}: {error}{hint}") from None
    except OSError as error:
        raise TemplateError(f"{doing}: {error}") from None


def _describe_git_failure(error: Any) -> str:
    """One line for a failed git command: the command and the last line git printed."""
    argv = [str(arg) for arg in getattr(error, "argv", [])]
    command = " ".join(arg for arg in argv[1:] if not arg.startswith("-c"))[:120]
    stderr = str(getattr(error, "stderr", "") or "").strip().splitlines()
    reason = stderr[-1] if stderr else f"exit code {getattr(error, 'retcode', '?')}"
    hint = ""
    lowered = reason.lower()
    if "could not read from remote" in lowered or "could not resolve host" in lowered:
        hint = " (the template's git URL is unreachable; check the network or use a local path)"
    elif "pathspec" in lowered or "unknown revision" in lowered or "did not match" in lowered:
        hint = " (that version does not exist in the template; check --vcs-ref)"
    return f"git {command} failed: {reason}{hint}"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
