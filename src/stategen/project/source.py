"""The template a project is rendered from: the reference it records, and what git reads here.

A project records its template source (`_src_path`) and version (`_commit`). stategen's own
template is recorded as its public git URL (`template_url`): the same reference on every
machine. Git reads that URL from this stategen's history bundle instead (a
`url.<bundle>.insteadOf` redirect, see `stategen._copier`), so nothing needs the network.
A project that recorded the path of a bundle (stategen 0.1.0, on any machine) is healed: its
source becomes the URL, with a note. Before Copier replays the answers, `prepared_answers`
writes the source to record, and the code computed for the templates if the answers
predate it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import _git
from .._template_history import is_release_tag, release_version
from .._template_source import (
    default_template_source,
    is_stategen_bundle,
    is_template_url,
    template_url,
)
from ..answers import from_answers
from ..codegen.template import template_answers
from ..errors import PreconditionError, TemplateError
from .answers_file import answers_text, read_answers
from .layout import ANSWERS_FILE


@dataclass(frozen=True)
class TemplateSource:
    """A template source: the reference a project records, and the copy git reads here.

    `local` is set for stategen's own template, recorded as its public URL and read from
    this stategen's history bundle; for any other source git reads `recorded` itself.
    """

    recorded: str
    local: str | None = None

    @property
    def readable(self) -> str:
        """Where git reads the template on this machine."""
        return self.local or self.recorded

    @property
    def redirects(self) -> dict[str, str]:
        """Recorded URL → local copy, for the git that Copier runs (`url.<copy>.insteadOf`)."""
        return {self.recorded: self.local} if self.local else {}

    def __str__(self) -> str:
        return self.recorded


def stategen_source() -> TemplateSource:
    """stategen's own template: recorded as its public URL, read from this stategen's bundle."""
    return TemplateSource(template_url(), default_template_source())


def chosen_source(template: str) -> TemplateSource:
    """A template the user named (`--template`): a local path made absolute, or a URL as given."""
    candidate = Path(template).expanduser()
    return TemplateSource(str(candidate.resolve()) if candidate.exists() else template)


def resolve_source(recorded: str, template: str | None = None) -> TemplateSource:
    """The template to render from: the one asked for, else the one the project records.

    A recorded stategen template, as its URL or as the path of a history bundle from any
    install (maybe one that is gone, or on another machine), is read from this stategen's
    bundle, which holds the same release tags; it is recorded as the URL from then on.
    """
    if template is not None:
        return chosen_source(template)
    if is_template_url(recorded) or is_stategen_bundle(recorded):
        return stategen_source()
    return TemplateSource(recorded)


def source_note(recorded: str, source: TemplateSource) -> str | None:
    """The one line that says a project's recorded source changes, or None when it does not."""
    if recorded == source.recorded:
        return None
    if is_stategen_bundle(recorded) and source.local is not None:
        return (
            f"note: {ANSWERS_FILE} now records the template as {source.recorded}, the same "
            f"on every machine, instead of a path on one machine ({recorded})"
        )
    return f"note: {ANSWERS_FILE} now records the template as {source.recorded} (was {recorded})"


def local_tags(source: TemplateSource) -> list[str] | None:
    """The tags of a local template (bundle or repository), oldest first; None for a URL."""
    path = Path(source.readable)
    if not path.exists():
        return None
    done = _git.run("ls-remote", "--tags", "--refs", "--", str(path), cwd=Path.cwd(), check=False)
    if done.returncode != 0:
        raise TemplateError(
            f"{source.readable} is not a git repository or bundle, so it has no versions to "
            "update between; pass --template with a git repository or URL of the template"
        )
    refs = done.stdout.decode(errors="replace").split()
    tags = [ref.removeprefix("refs/tags/") for ref in refs if ref.startswith("refs/tags/")]
    # Release versions first, oldest first (v2 before v10), then any other tag by name.
    versions = {tag: release_version(tag) for tag in tags}
    return sorted(tags, key=lambda tag: (versions[tag] is None, versions[tag] or 0, tag))


def has_version(source: TemplateSource, ref: str) -> bool | None:
    """Whether the template holds `ref` (a tag or commit); None when that cannot be told here.

    A remote URL cannot be asked without the network, and a bundle lists its tags only.
    """
    path = Path(source.readable)
    if not path.exists():
        return None
    if is_release_tag(ref):
        return ref in (local_tags(source) or [])
    if not path.is_dir():
        return None
    probe = ("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return _git.run(*probe, cwd=path, check=False).returncode == 0


def refuse_uncommitted_template(source: TemplateSource, vcs_ref: str | None) -> None:
    """Refuse to render a template checkout's HEAD while it has uncommitted changes.

    Copier would commit them into a scratch copy, and the project would record that commit
    as its template version (`_commit`): a commit that exists nowhere, so every later update
    would fail for want of a base to merge from.
    """
    path = Path(source.readable)
    if not path.is_dir() or not _git.is_work_tree(path):
        return
    at_head = vcs_ref == "HEAD" or (vcs_ref is None and not _has_release_tags(source))
    changes = _git.status(path) if at_head else []
    if changes:
        shown = ", ".join(entry.path for entry in changes[:5]) + (" …" if len(changes) > 5 else "")
        raise PreconditionError(
            f"the template checkout {path} has uncommitted changes ({shown}); a project "
            "records the template's commit, and this one would exist nowhere. Commit them "
            f"(git -C {path} add -A && git -C {path} commit) or stash them, then run again"
        )


def _has_release_tags(source: TemplateSource) -> bool:
    return any(is_release_tag(tag) for tag in local_tags(source) or [])


@contextmanager
def prepared_answers(root: Path, source: TemplateSource) -> Iterator[None]:
    """While inside, the answers file is the one Copier should replay.

    It records `source` and holds the code computed for the templates (`schema.code`),
    which answers written before that existed lack. Copier renders the project's old
    version from these answers and rewrites the file at the end of an update; meanwhile the
    file is hidden from git's status (Copier refuses a worktree with uncommitted changes).
    On failure the file is put back as it was.
    """
    path = root / ANSWERS_FILE
    answers = read_answers(root)
    schema = answers.get("schema")
    code_missing = isinstance(schema, dict) and "code" not in schema
    if answers.get("_src_path") == source.recorded and not code_missing:
        yield
        return
    prepared = dict(answers, _src_path=source.recorded)
    if code_missing:
        computed = template_answers(from_answers(answers, file=path))
        prepared["schema"] = {**answers["schema"], "code": computed["schema"]["code"]}
    original = path.read_bytes()
    succeeded = False
    try:
        with _git.hidden_from_status(root, [ANSWERS_FILE]):
            path.write_text(answers_text(prepared), encoding="utf-8")
            yield
        succeeded = True
    finally:
        if not succeeded:
            path.write_bytes(original)
