"""`Project`: one generated project, and what a command needs of it (checked here, only here)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import _git
from .._template_history import is_release_tag
from .._template_source import is_stategen_bundle, template_version
from ..answers import from_answers
from ..errors import PreconditionError, SpecError
from ..schema import Schema, SchemaVersion
from .answers_file import read_answers, record_source
from .conflicts import refuse_conflicts
from .history import released_schema
from .layout import ANSWERS_FILE, SPEC_FILE, Layout
from .release_files import ReleaseFiles
from .source import TemplateSource, has_version, local_tags, resolve_source, source_note

#: How many uncommitted files a refusal lists before it points at `git status`.
_LISTED = 20


@dataclass(frozen=True)
class Project:
    """A project made by `stategen new` (or `copier copy` of stategen's template).

    `command` is the stategen command at work, named in messages.
    """

    root: Path
    answers: dict[str, Any]
    command: str

    @classmethod
    def open(cls, root: Path, command: str) -> Project:
        """The project at `root`; PreconditionError unless it records a stategen schema."""
        root = root.absolute()
        if not root.is_dir():
            raise PreconditionError(f"{root} is not a directory; pass the project's top directory")
        if not (root / ANSWERS_FILE).is_file():
            raise PreconditionError(
                f"{root} has no {ANSWERS_FILE}, so nothing records which template, version and "
                f"schema it was generated from. Run `stategen {command}` in the top directory "
                f"of a project made by `stategen new`, or restore the file from git: "
                f"git checkout HEAD -- {ANSWERS_FILE}"
            )
        # Before anything is parsed: a half-merged file would give a parser's error instead.
        refuse_conflicts(root, command)
        answers = read_answers(root)
        if not isinstance(answers.get("schema"), dict) or "package" not in answers:
            raise PreconditionError(
                f"{root / ANSWERS_FILE} records no schema (its `schema` and `package` answers), "
                "so nothing says what the project holds and stategen will not guess. If an "
                f"edit lost them, restore the file: git checkout HEAD -- {ANSWERS_FILE} (or "
                f"an older commit); else run `stategen {command}` in the top directory of a "
                "project made by stategen"
            )
        return cls(root, answers, command)

    @cached_property
    def layout(self) -> Layout:
        return Layout(self.root, str(self.answers["package"]))

    @cached_property
    def schema(self) -> Schema:
        """The newest released schema, as the answers record it."""
        return from_answers(self.answers, file=self.layout.answers)

    def released(self, version: SchemaVersion) -> Schema | None:
        """The schema of released `version` (None if its snapshot is gone); SnapshotError."""
        return released_schema(self.layout, self.schema, version)

    def release_files(self) -> ReleaseFiles:
        """The fixture and JSON Schema of every released version, as bump and check see them."""
        return ReleaseFiles(self.layout, self.schema.history, self.released)

    def release(self, spec: Schema) -> Schema:
        """`spec` as the next release: the history grown by its version when that is new."""
        last = self.schema.version
        if spec.version < last:
            raise SpecError(
                f"version {spec.version} is older than the last released version {last}; "
                f"versions only go up (set `version:` to {last} or later)",
                file=self.layout.spec,
                key_path="version",
            )
        if spec.package != self.schema.package:
            raise SpecError(
                f"the package was {self.schema.package!r} and cannot be renamed by a bump; "
                f"set `package: {self.schema.package}` back, or generate a new project",
                file=self.layout.spec,
                key_path="package",
            )
        grown = () if spec.version == last else (spec.version,)
        named = spec.with_member_names_of(self.schema)
        return named.with_history([*self.schema.history, *grown])

    # What commands need -----------------------------------------------------------------

    def require_spec(self) -> None:
        if not self.layout.spec.is_file():
            raise PreconditionError(
                f"{self.root} has no {SPEC_FILE}; restore it with:\n"
                f"  {self._cd}git checkout HEAD -- {SPEC_FILE}"
            )

    @property
    def recorded_source(self) -> str:
        return str(self.answers.get("_src_path") or "")

    @property
    def template_ref(self) -> str:
        """The template version the project was last rendered from (`_commit`)."""
        return str(self.answers.get("_commit") or "")

    def require_template(self, template: str | None = None) -> TemplateSource:
        """The template to render from (`template`, else the recorded one), which must hold
        the version the project is on: the base of every merge."""
        if not self.recorded_source or not self.template_ref:
            raise PreconditionError(
                f"{self.layout.answers} does not record the template's source and version "
                "(_src_path and _commit): the project was generated from a template directory "
                "that is not under git, so there is no version to merge from. Add both keys by "
                "hand (see docs/updating.md, 'Projects without a recorded version') and commit."
            )
        source = resolve_source(self.recorded_source, template)
        if has_version(source, self.template_ref) is False:
            raise PreconditionError(self._missing_base(source))
        return source

    def heal_source(self) -> str | None:
        """Record stategen's template as its URL if the answers name a path on one machine.

        Returns the one-line note that says so, or None when nothing changed. (An update or
        bump that renders records the URL through Copier instead.)
        """
        if not is_stategen_bundle(self.recorded_source):
            return None
        source = resolve_source(self.recorded_source)
        note = source_note(self.recorded_source, source)
        if note is not None:
            record_source(self.root, source.recorded)
        return note

    def _missing_base(self, source: TemplateSource) -> str:
        ref, answers = self.template_ref, self.layout.answers
        if not is_release_tag(ref):
            return (
                f"{answers} records template version {ref} (_commit), which {source.readable} "
                "does not have (a template checkout with uncommitted changes records a commit "
                "that exists nowhere), so there is no base to merge from. Set `_commit` to the "
                f"template tag or commit the project was generated from, commit, and run "
                f"`stategen {self.command}` again"
            )
        versions = ", ".join((local_tags(source) or [])[-8:]) or "none"
        if source.local is not None:
            return (
                f"the project is on template {ref}, which this stategen ({template_version()}) "
                f"does not have (its versions: {versions}). Install stategen "
                f"{ref.removeprefix('v')} or later and run `stategen {self.command}` again"
            )
        return (
            f"the template {source.readable} has no version {ref}, the one this project was "
            f"last generated from (its versions: {versions}), so there is no base to merge "
            "from. Use a template source with that version (stategen update --template SOURCE)"
        )

    def require_clean_git(self, *, allow: Sequence[str] = ()) -> None:
        """A committed git project with nothing uncommitted (but `allow`) and no conflicts.

        stategen merges regenerated files with the owner's edits, and the owner reviews and
        undoes that with git; every refusal says what is wrong and the commands that fix it.
        """
        root, cd = self.root, self._cd
        merges = f"stategen {self.command} merges the template's changes with yours"
        if not _git.is_work_tree(root):
            raise PreconditionError(
                f"{root} is not a git repository. {merges} and needs git to do it (and to let "
                f"you review and undo it). Run:\n"
                f"  {cd}git init && git add -A && git commit -m 'Generated by stategen'"
            )
        if not _git.has_commits(root):
            raise PreconditionError(
                f"{root} has no commits yet; {merges} and needs the project committed. Run:\n"
                f"  {cd}git add -A && git commit -m 'Generated by stategen'"
            )
        entries = _git.status(root)
        untracked = any(entry.path == ANSWERS_FILE and entry.code == "??" for entry in entries)
        if untracked and _git.top_level(root).resolve() != root.resolve():
            raise PreconditionError(self._not_in_this_repository())
        unmerged = [entry.path for entry in entries if entry.unmerged]
        if unmerged:
            raise PreconditionError(
                f"{root} has unresolved merge conflicts in: {', '.join(unmerged)}. Resolve them "
                "(keep the lines you want and delete the conflict markers), then "
                f"`git add` those files and commit before running `stategen {self.command}` again."
            )
        dirty = [entry for entry in entries if entry.path not in allow]
        if dirty:
            raise PreconditionError(self._dirty_message(dirty, allow))
        markers = _git.files_with_markers(root)
        if markers:
            raise PreconditionError(
                f"{root} has conflict markers committed in: {', '.join(markers)}. Resolve them "
                "(keep the lines you want, delete the <<<<<<< / ======= / >>>>>>> lines) and "
                f"commit before running `stategen {self.command}` again."
            )

    def _not_in_this_repository(self) -> str:
        """The project sits, uncommitted, inside a repository of something else."""
        top = _git.top_level(self.root)
        return (
            f"{self.root} is inside the git repository {top}, which does not hold the project "
            f"({ANSWERS_FILE} is not committed there), so stategen {self.command} cannot "
            "review or undo its changes with git. Give the project a repository of its own:\n"
            f"  {self._cd}git init && git add -A && git commit -m 'Generated by stategen'\n"
            f"or, if it belongs in {top}, commit it there first"
        )

    def _dirty_message(self, dirty: Sequence[_git.StatusEntry], allow: Sequence[str]) -> str:
        listing = "\n".join(f"  {entry}" for entry in dirty[:_LISTED])
        if len(dirty) > _LISTED:
            listing += f"\n  … and {len(dirty) - _LISTED} more (see `git status`)"
        spared = "".join(f" ':!{name}'" for name in allow)
        commit = f"git add -A{' --' + spared if spared else ''} && git commit -m 'Work in progress'"
        stash = (
            f"git stash push --include-untracked --{spared}"
            if spared
            else "git stash --include-untracked   (and `git stash pop` afterwards)"
        )
        except_ = f" (besides {', '.join(allow)}, which may stay uncommitted)" if allow else ""
        return (
            f"{self.root} has uncommitted changes{except_}. stategen {self.command} must start "
            "from a clean worktree, so that what it changes can be reviewed with `git diff` "
            f"and undone. Commit or stash first:\n{listing}\n"
            f"Run:\n  {self._cd}{commit}\nor:\n  {self._cd}{stash}"
        )

    @property
    def _cd(self) -> str:
        return f"cd {shlex.quote(str(self.root))} && "
