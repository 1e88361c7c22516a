"""Where stategen's own template comes from: its public git URL, and its history as a bundle.

A project records the template's public git URL (`template_url`, from stategen's package
metadata) and a release tag: a reference that means the same on every machine. Git reads
that URL from the history bundle shipped inside the installed stategen,
`stategen/_template/stategen-template.bundle`: every release's template as a commit tagged
`v<version>`, built into the wheel (see `hatch_build.py`), so stategen works offline.

Run from a source checkout, there is no built bundle; the same history is built from the
repository's `v*` tags plus the working tree's template, into a cache directory keyed by
their content, so a changed template gets a new bundle and old projects keep their base.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from . import _template_history as history
from .errors import GitError, TemplateError

_PACKAGE_DIR = Path(__file__).resolve().parent
#: Where the wheel build puts the history bundle.
INSTALLED_BUNDLE = _PACKAGE_DIR / "_template" / history.BUNDLE_NAME
#: The `[project.urls]` label (metadata `Project-URL`) naming the template's repository.
_REPOSITORY = "repository"
#: What that URL may look like: it is written into generated files (answers, CI workflow).
_PUBLIC_URL = re.compile(r"https://[A-Za-z0-9._/-]+")
#: The CI requirement, as copier.yml's validator accepts it (the version: PEP 440 characters).
_REQUIREMENT = re.compile(r"stategen(==| @ git\+https://[A-Za-z0-9._/-]+@v)[0-9A-Za-z.+!-]+")
#: Chooses how generated CIs install stategen: `index` (the default) or `git`.
REQUIREMENT_FORM_VARIABLE = "STATEGEN_REQUIREMENT"
#: The forms of that requirement: from the package index, or built from the release tag.
REQUIREMENT_FORMS = ("index", "git")


def default_template_source() -> str:
    """The path of the history bundle of this stategen's template (built if needed)."""
    if INSTALLED_BUNDLE.is_file():
        return str(INSTALLED_BUNDLE)
    root = _source_root()
    if root is None:
        raise TemplateError(
            f"this stategen installation has no template ({INSTALLED_BUNDLE} is missing); "
            "reinstall stategen, or pass --template with a path or git URL"
        )
    return str(_cached_bundle(root, template_version()))


def default_template_ref() -> str:
    """The tag of this stategen's own template version (`v0.1.0`): the default update target."""
    return history.tag_for(template_version())


def stategen_requirement(form: str | None = None) -> str:
    """How a generated project's CI installs this stategen, pinned to its version.

    `index` (the default): `stategen==0.2.0`, as the package index serves it. `git`:
    `stategen @ git+<repository>@v0.2.0`, built from the release tag, for a team on a
    stategen that is not on the index. `form=None` reads `$STATEGEN_REQUIREMENT`.
    """
    if form is None:
        form = os.environ.get(REQUIREMENT_FORM_VARIABLE) or "index"
    if form not in REQUIREMENT_FORMS:
        raise TemplateError(
            f"${REQUIREMENT_FORM_VARIABLE} is {form!r}: set it to `index` (stategen==<version>, "
            "the default) or `git` (stategen @ git+<repository>@v<version>), or unset it"
        )
    if form == "git":
        requirement = f"stategen @ git+{template_url()}@{default_template_ref()}"
    else:
        requirement = f"stategen=={template_version()}"
    if not _REQUIREMENT.fullmatch(requirement):  # it is written into the generated CI
        raise TemplateError(f"stategen's version cannot be pinned in a requirement: {requirement}")
    return requirement


def template_version() -> str:
    """The stategen version the default template belongs to.

    From a source checkout that is `pyproject.toml`'s version (the metadata of an editable
    install can lag behind it); otherwise the installed distribution's version.
    """
    root = _source_root()
    if root is not None and not INSTALLED_BUNDLE.is_file():
        return str(_pyproject(root, "version"))
    return str(_metadata()["Version"])


def template_url() -> str:
    """The template's public git URL: the repository named in stategen's package metadata.

    Projects record it as their template source (`_src_path`), so the reference means the
    same on every machine; stategen itself reads it from the bundle (see `stategen.project`).
    From a source checkout it comes from `pyproject.toml`, like the version.
    """
    root = _source_root()
    if root is not None and not INSTALLED_BUNDLE.is_file():
        urls = _pyproject(root, "urls")
        labelled = [(str(label), str(url)) for label, url in urls.items()]
    else:
        entries = _metadata().get_all("Project-URL") or []
        labelled = [tuple(part.strip() for part in entry.split(",", 1)) for entry in entries]
    for label, url in labelled:
        if _label(label) == _REPOSITORY and _PUBLIC_URL.fullmatch(url):
            return url if url.endswith(".git") else f"{url.rstrip('/')}.git"
    raise TemplateError(
        "stategen's package metadata names no Repository URL (https, letters, digits and "
        "./_-), so a project cannot record where its template comes from; reinstall stategen"
    )


def is_template_url(source: str) -> bool:
    """Whether `source` names stategen's public repository (with or without `.git`)."""

    def comparable(url: str) -> str:
        return url.rstrip("/").removesuffix(".git").lower()

    return comparable(source) == comparable(template_url())


def is_stategen_bundle(source: str) -> bool:
    """Whether `source` names a history bundle of stategen's own template (any install of it)."""
    return Path(source).name == history.BUNDLE_NAME


def cache_dir() -> Path:
    """Where bundles built from a source checkout are kept (`$STATEGEN_CACHE_DIR` overrides)."""
    explicit = os.environ.get("STATEGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "stategen"


@cache
def _source_root() -> Path | None:
    """The repository root when stategen runs from a source checkout, else None."""
    root = _PACKAGE_DIR.parent.parent  # src/stategen/ → repository root
    if (root / "copier.yml").is_file() and (root / "template").is_dir():
        return root
    return None


def _pyproject(root: Path, key: str) -> Any:
    """`[project]`'s `key` in the source checkout's pyproject.toml."""
    try:
        return _project_table(root)[key]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise TemplateError(
            f"cannot read the project's {key} from {root / 'pyproject.toml'}: {error}"
        ) from None


@cache
def _project_table(root: Path) -> dict[str, Any]:
    """The `[project]` table of the checkout's pyproject.toml, read once per process."""
    with (root / "pyproject.toml").open("rb") as stream:
        table: dict[str, Any] = tomllib.load(stream)["project"]
    return table


def _metadata() -> Any:
    """The installed distribution's metadata (an email.message.Message)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        return metadata("stategen")
    except PackageNotFoundError:
        raise TemplateError("cannot tell stategen's version: it is not installed") from None


def _label(label: str) -> str:
    """A project URL label as PEP 753 compares them: lowercase, no punctuation or spaces."""
    return re.sub(r"[^a-z0-9]", "", label.lower())


def _cached_bundle(root: Path, version: str) -> Path:
    """Build (once per content) the history bundle of the source checkout at `root`."""
    try:
        key = history.working_tree_digest(root, version)
        bundle = cache_dir() / f"template-{version}-{key}" / history.BUNDLE_NAME
        if not bundle.is_file():
            history.build_bundle(root, version, bundle)
    except (GitError, OSError) as error:
        raise TemplateError(f"cannot build the template history from {root}: {error}") from None
    return bundle
