"""The generated runtime, `src/<package>/_runtime/`: its manifest, its drift, its replacement.

The runtime is stategen's code, the same in every project: it is never edited by hand, and
`stategen update` replaces it as a unit. `.stategen/runtime.json` records the sha256 of
every file of it as generated, so `stategen check` can name what changed since.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _git
from .._template_source import template_url, template_version
from .layout import Layout
from .legacy import FLAT_RUNTIME_MODULES

#: What is never part of the runtime: caches Python and the OS leave next to it.
_LITTER_DIRS = frozenset({"__pycache__"})
_LITTER_FILES = frozenset({".DS_Store"})
_LITTER_SUFFIXES = (".pyc", ".pyo")
#: The manifest's format, for a later stategen that changes it.
_FORMAT = 1


def runtime_files(folder: Path) -> dict[str, str]:
    """The sha256 of every file under `folder` (paths relative to it, `/`-separated)."""
    hashes: dict[str, str] = {}
    if not folder.is_dir():
        return hashes
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(name for name in dirnames if name not in _LITTER_DIRS)
        for name in sorted(filenames):
            if name in _LITTER_FILES or name.endswith(_LITTER_SUFFIXES):
                continue
            path = Path(dirpath) / name
            relative = path.relative_to(folder).as_posix()
            hashes[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


@dataclass(frozen=True)
class Manifest:
    """The runtime as stategen generated it: who wrote it, from which template, every file."""

    stategen: str
    template: str
    files: dict[str, str]

    def text(self) -> str:
        data = {
            "format": _FORMAT,
            "stategen": self.stategen,
            "template": self.template,
            "files": dict(sorted(self.files.items())),
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def parse(cls, text: str) -> Manifest:
        """The manifest in `text`; ValueError if it is not one."""
        data: Any = json.loads(text)
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()
        ):
            raise ValueError("it lists no files")
        return cls(str(data.get("stategen", "")), str(data.get("template", "")), files)


def write_manifest(layout: Layout, template_ref: str) -> str:
    """Record the runtime as it is now as the generated one; return the manifest's path."""
    manifest = Manifest(template_version(), template_ref, runtime_files(layout.runtime))
    path = layout.runtime_manifest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(manifest.text(), encoding="utf-8")
    return layout.relative(path)


def read_manifest(layout: Layout) -> Manifest | None:
    """The recorded manifest, or None when the project has none; ValueError if unreadable."""
    try:
        text = layout.runtime_manifest.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(str(error)) from None
    try:
        return Manifest.parse(text)
    except (ValueError, AttributeError) as error:
        raise ValueError(f"not a runtime manifest ({error})") from None


@dataclass(frozen=True)
class Drift:
    """How the runtime on disk differs from a reference: paths relative to the runtime."""

    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    @classmethod
    def between(cls, actual: dict[str, str], expected: dict[str, str]) -> Drift:
        return cls(
            changed=tuple(sorted(p for p in actual.keys() & expected if actual[p] != expected[p])),
            missing=tuple(sorted(expected.keys() - actual.keys())),
            extra=tuple(sorted(actual.keys() - expected.keys())),
        )

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.extra)

    def listing(self, layout: Layout) -> str:
        """`changed: a, b; missing: c; extra: d`, with project-relative paths."""
        base = layout.relative(layout.runtime)
        parts = []
        for what, paths in (("changed", self.changed), ("missing", self.missing)):
            if paths:
                parts.append(f"{what}: {', '.join(f'{base}/{p}' for p in paths)}")
        if self.extra:
            parts.append(f"extra: {', '.join(f'{base}/{p}' for p in self.extra)}")
        return "; ".join(parts)


def runtime_drift(layout: Layout) -> Drift | None:
    """The runtime against its manifest; None when there is no manifest. ValueError."""
    manifest = read_manifest(layout)
    if manifest is None:
        return None
    return Drift.between(runtime_files(layout.runtime), manifest.files)


def drift_problem(layout: Layout, drift: Drift) -> str:
    """`stategen check`'s one message about a runtime that was edited by hand."""
    base = layout.relative(layout.runtime)
    manager = layout.relative(layout.manager)
    return (
        f"{base}/ is stategen's runtime, replaced as a whole by `stategen update`, and it "
        f"differs from the one generated ({layout.relative(layout.runtime_manifest)}): "
        f"{drift.listing(layout)}. Customise in {manager} instead (subclass or extend the "
        f"manager), or propose the fix upstream ({template_url()}); `stategen update` puts "
        "the runtime back"
    )


def missing_manifest_note(layout: Layout) -> str:
    """`stategen check`'s note for a project whose runtime nothing records."""
    return (
        f"note: {layout.relative(layout.runtime_manifest)} is missing, so the runtime "
        f"({layout.relative(layout.runtime)}/) cannot be checked: run `stategen update` once "
        "to record it (a project of stategen 0.1.0 also gets its runtime modules moved there)"
    )


@dataclass(frozen=True)
class Replaced:
    """What replacing the runtime did: files whose hand edits were discarded, files put back,
    and the flat runtime modules of an older layout that were removed."""

    discarded: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()
    legacy: tuple[str, ...] = field(default=())

    def notes(self) -> tuple[str, ...]:
        notes = []
        if self.discarded:
            notes.append(
                "note: the runtime is replaced as a whole; your edits to these files were "
                f"discarded (customise in manager.py instead): {', '.join(self.discarded)}"
            )
        if self.restored:
            notes.append(
                f"note: restored runtime files that were deleted: {', '.join(self.restored)}"
            )
        if self.legacy:
            notes.append(
                "note: the runtime now lives in one folder, _runtime/; removed the flat modules of "
                f"the older layout: {', '.join(self.legacy)}"
            )
        return tuple(notes)


def replace_runtime(layout: Layout, fresh: Path, *, legacy: tuple[str, ...] = ()) -> Replaced:
    """Make the runtime exactly the one under `fresh` (a just-rendered `_runtime/`).

    Files that differ and extra files go, and so do the flat modules of the older layout
    (`legacy`: those the project had before the update, see `legacy_modules`); conflicts
    Copier left in the runtime are resolved in the index to the replaced file (git reset),
    so the runtime never shows as a conflict.
    """
    target = layout.runtime
    base = layout.relative(target)
    drift = Drift.between(runtime_files(target), runtime_files(fresh))
    for name in legacy:
        (layout.root / name).unlink(missing_ok=True)
    unmerged = [p for p in _git_unmerged(layout) if p.startswith(f"{base}/")]
    if drift:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(fresh, target, ignore=shutil.ignore_patterns(*_LITTER_DIRS, "*.py[co]"))
    if unmerged:
        _git.run("reset", "--quiet", "--", *unmerged, cwd=layout.root)
    return Replaced(
        discarded=tuple(f"{base}/{p}" for p in (*drift.changed, *drift.extra)),
        restored=tuple(f"{base}/{p}" for p in drift.missing),
        legacy=legacy,
    )


def _git_unmerged(layout: Layout) -> list[str]:
    if not _git.is_work_tree(layout.root):
        return []
    return _git.unmerged_paths(layout.root)


def legacy_modules(layout: Layout) -> tuple[str, ...]:
    """The flat runtime modules of stategen 0.1.0 the package holds (project-relative)."""
    paths = (layout.package_dir / name for name in FLAT_RUNTIME_MODULES)
    return tuple(layout.relative(path) for path in paths if path.is_file())
