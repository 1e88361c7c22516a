"""Where stategen's own template comes from: its release history, as a git bundle.

An installed stategen ships `stategen/_template/stategen-template.bundle`: every release's
template as a commit tagged `v<version>`, built into the wheel (see `hatch_build.py`).
A project records that path and its tag in `.copier-answers.yml`, and after stategen is
upgraded the same path holds the longer history, so `copier update` works offline.

Run from a source checkout, there is no built bundle; the same history is built from the
repository's `v*` tags plus the working tree's template, into a cache directory keyed by
their content, so a changed template gets a new bundle and old projects keep their base.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from . import _template_history as history
from .errors import GitError, TemplateError

_PACKAGE_DIR = Path(__file__).resolve().parent
#: Where the wheel build puts the history bundle.
INSTALLED_BUNDLE = _PACKAGE_DIR / "_template" / history.BUNDLE_NAME


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


def template_version() -> str:
    """The stategen version the default template belongs to.

    From a source checkout that is `pyproject.toml`'s version (the metadata of an editable
    install can lag behind it); otherwise the installed distribution's version.
    """
    root = _source_root()
    if root is not None and not INSTALLED_BUNDLE.is_file():
        return _pyproject_version(root)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stategen")
    except PackageNotFoundError:
        raise TemplateError("cannot tell stategen's version: it is not installed") from None


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


def _pyproject_version(root: Path) -> str:
    try:
        with (root / "pyproject.toml").open("rb") as stream:
            return str(tomllib.load(stream)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise TemplateError(
            f"cannot read the version from {root / 'pyproject.toml'}: {error}"
        ) from None


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
