"""The generated state manager, imported from a freshly generated example project."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from ._contenders import COUNTER, Contender, Document, Guarantee


def generated_package(project: Path) -> tuple[Path, str]:
    """(src directory, import name) of a generated project."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return project / "src", str(answers.get("package") or "batch_state")


def import_generated(src: Path, package: str) -> ModuleType:
    """Import the generated package from its src/ directory."""
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    return importlib.import_module(package)


def manager_class(module: ModuleType) -> Any:
    """The one `<State>Manager` class the package exports."""
    names = [name for name in getattr(module, "__all__", dir(module)) if name.endswith("Manager")]
    if len(names) != 1:
        raise LookupError(f"expected one *Manager in {module.__name__}, found {names}")
    return getattr(module, names[0])


class Ours(Contender):
    """`<State>Manager.save()` / `load()` / `transaction()` of the generated library."""

    label = "stategen save() / load()"
    guarantee = Guarantee(
        "yes (rename; previous generation kept for recover())",
        "file + directory",
        "yes (filelock sidecar around transaction())",
    )

    def __init__(self, directory: Path, src: Path, package: str) -> None:
        super().__init__(directory)
        self.module = import_generated(src, package)
        self.manager_class = manager_class(self.module)
        self.path = directory / "state.json"
        self.manager = self.manager_class(self.path)
        self._converted: tuple[Document, Any] | None = None

    def state_of(self, document: Document) -> Any:
        """The state object for a JSON document, converted by the library's own load()."""
        if self._converted is None or self._converted[0] is not document:
            scratch = self.directory / "scratch" / "state.json"
            scratch.parent.mkdir(exist_ok=True)
            scratch.write_text(json.dumps(document))
            self._converted = (document, self.manager_class(scratch).load())
        return self._converted[1]

    def save(self, document: Document) -> None:
        self.manager.save(self.state_of(document))

    def load(self) -> Document:
        """The saved file as plain JSON (timings call `manager.load()` directly)."""
        self.manager.load()
        loaded: Document = json.loads(self.path.read_bytes())
        del loaded["#crc32"]  # the file's checksum entry is not part of the state
        return loaded

    def increment(self) -> None:
        with self.manager.transaction() as state:
            setattr(state, COUNTER, getattr(state, COUNTER) + 1)

    def serialize(self, document: Document) -> bytes:
        """What a save does before it touches a file: validate, encode and frame the state."""
        package = self.module.__name__
        codec = importlib.import_module(f"{package}._runtime.codec.codec")
        framing = importlib.import_module(f"{package}._runtime.engines.files.document")
        data: bytes = framing.serialize(
            self.manager.schema_version, codec.encode(self.state_of(document))
        )
        return data

    def load_changed(self) -> None:
        """load() as after another writer changed the file: nothing remembered serves."""
        self.manager._engine.files.drop()  # what a changed file's new bytes would do
        self.manager.load()
