"""The template a project is rendered from: the recorded source, and the one used here.

A project records the template it came from (`_src_path`) and its version (`_commit`).
When that is a history bundle of stategen's own template, from any install (maybe one that
is gone), this stategen's bundle is used instead: it holds the same release tags. Before
Copier replays the answers, `prepared_answers` writes that source into the answers file,
and the code computed for the templates if the answers predate it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import _git
from .._template_history import release_version
from .._template_source import default_template_source, is_stategen_bundle
from ..answers import from_answers
from ..codegen.template import template_answers
from ..errors import TemplateError
from .answers_file import answers_text, read_answers
from .layout import ANSWERS_FILE


def resolve_source(recorded: str, template: str | None = None) -> str:
    """The template to render from: the one asked for, this stategen's, or the recorded one."""
    if template is not None:
        candidate = Path(template).expanduser()
        return str(candidate.resolve()) if candidate.exists() else template
    if is_stategen_bundle(recorded):
        return default_template_source()
    return recorded


def local_tags(source: str) -> list[str] | None:
    """The tags of a local template (bundle or repository), oldest first; None for a URL."""
    path = Path(source)
    if not path.exists():
        return None
    done = _git.run("ls-remote", "--tags", "--refs", "--", str(path), cwd=Path.cwd(), check=False)
    if done.returncode != 0:
        raise TemplateError(
            f"{source} is not a git repository or bundle, so it has no versions to update "
            "between; pass --template with a git repository or URL of the template"
        )
    refs = done.stdout.decode(errors="replace").split()
    tags = [ref.removeprefix("refs/tags/") for ref in refs if ref.startswith("refs/tags/")]
    # Release versions first, oldest first (v2 before v10), then any other tag by name.
    versions = {tag: release_version(tag) for tag in tags}
    return sorted(tags, key=lambda tag: (versions[tag] is None, versions[tag] or 0, tag))


@contextmanager
def prepared_answers(root: Path, template: str | None = None) -> Iterator[str]:
    """While inside, the answers file is the one Copier should replay; yields its source.

    It names the template source in effect (`resolve_source`) and holds the code computed
    for the templates (`schema.code`), which answers written before that existed lack.
    Copier renders the project's old version from these answers and rewrites the file at
    the end of an update; meanwhile the file is hidden from git's status (Copier refuses a
    worktree with uncommitted changes). On failure the file is put back as it was.
    """
    path = root / ANSWERS_FILE
    answers = read_answers(root)
    recorded = str(answers.get("_src_path") or "")
    source = resolve_source(recorded, template) if recorded or template else recorded
    schema = answers.get("schema")
    code_missing = isinstance(schema, dict) and "code" not in schema
    if source == recorded and not code_missing:
        yield source
        return
    prepared = dict(answers, _src_path=source)
    if code_missing:
        computed = template_answers(from_answers(answers, file=path))
        prepared["schema"] = {**answers["schema"], "code": computed["schema"]["code"]}
    original = path.read_bytes()
    succeeded = False
    try:
        with _git.hidden_from_status(root, [ANSWERS_FILE]):
            path.write_text(answers_text(prepared), encoding="utf-8")
            yield source
        succeeded = True
    finally:
        if not succeeded:
            path.write_bytes(original)
