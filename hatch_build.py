"""Build hook: ship the template's release history, as a git bundle, inside the package.

The bundle holds one commit per stategen release (`copier.yml` + `template/`), tagged
`v<version>`: every `v*` tag of this repository older than the version being built, then
the working tree's template as `v<version>`. A generated project records stategen's public
git URL and that tag, never the bundle's path; every stategen reads the URL from its own
bundle (git's `url.<bundle>.insteadOf`), so any later stategen, on any machine, updates the
project offline (see docs/updating.md). Editable installs get no bundle here: they build
one on demand into the user's cache (`stategen._template_source`).

From a git checkout the bundle is built here. An sdist carries the bundle it was built
with (in `src/stategen/_template/`), so a wheel built from the sdist ships the same one.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_PACKAGED = "src/stategen/_template"
#: The name the build loads this tree's stategen package under.
_PRIVATE = "_stategen_build"


def _load_history(root: Path) -> ModuleType:
    """`stategen._template_history` of the tree being built, under a private package name.

    Not `import stategen`: at build time stategen is not installed, or an installed one
    (another version) would be found instead of this tree's.
    """
    package = root / "src" / "stategen"
    spec = importlib.util.spec_from_file_location(
        _PRIVATE, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {package}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_PRIVATE] = module
    spec.loader.exec_module(module)
    return importlib.import_module(f"{_PRIVATE}._template_history")


class TemplateHistoryHook(BuildHookInterface):  # type: ignore[type-arg]
    """Add `stategen/_template/stategen-template.bundle` to the wheel and the sdist."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return  # an editable install builds the history on demand, from the checkout
        root = Path(self.root)
        history = _load_history(root)
        prebuilt = root / _PACKAGED / history.BUNDLE_NAME
        if prebuilt.is_file() and not history.is_git_checkout(root):
            return  # an unpacked sdist: the bundle is already part of the package
        if not history.is_git_checkout(root):
            self.app.display_warning(
                "stategen: not a git checkout; the template history holds this release "
                "only, so projects from older releases cannot update from this build"
            )
        elif history.git("rev-parse", "--is-shallow-repository", cwd=root).strip() == b"true":
            self.app.display_warning(
                "stategen: shallow clone; older release tags may be missing from the "
                "template history (run `git fetch --unshallow --tags` first)"
            )
        self._scratch = Path(tempfile.mkdtemp(prefix="stategen-build-"))
        bundle = self._scratch / history.BUNDLE_NAME
        releases = history.build_bundle(root, self.metadata.version, bundle)
        self.app.display_info(
            "stategen: template history " + ", ".join(f"v{r.version}" for r in releases)
        )
        if self.target_name == "wheel":
            target = f"stategen/_template/{history.BUNDLE_NAME}"
        else:
            target = f"{_PACKAGED}/{history.BUNDLE_NAME}"
        build_data["force_include"][str(bundle)] = target

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
