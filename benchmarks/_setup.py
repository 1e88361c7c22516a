"""One place that builds any contender by name, in this process or in a child process."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ._contenders import Contender, Document, Floor, FloorLocked, Seed
from ._peers import PEERS, available

FLOOR = Floor.label
FLOOR_LOCKED = FloorLocked.label
SEED = Seed.label
OURS = "stategen save() / load()"


@dataclass(frozen=True)
class Setup:
    """Everything a child process needs to rebuild the contenders: paths only."""

    root: Path
    document: Path
    floor_bytes: Path
    ours_src: Path | None = None
    ours_package: str | None = None

    @classmethod
    def create(
        cls, root: Path, document: Document, data: bytes, ours: tuple[Path, str] | None
    ) -> Setup:
        root.mkdir(parents=True, exist_ok=True)
        (root / "document.json").write_text(json.dumps(document))
        (root / "floor.bytes").write_bytes(data)
        src, package = ours if ours else (None, None)
        return cls(root, root / "document.json", root / "floor.bytes", src, package)

    def to_json(self) -> str:
        return json.dumps({key: str(value) for key, value in asdict(self).items() if value})

    @classmethod
    def from_json(cls, text: str) -> Setup:
        raw = json.loads(text)
        return cls(
            Path(raw["root"]),
            Path(raw["document"]),
            Path(raw["floor_bytes"]),
            Path(raw["ours_src"]) if "ours_src" in raw else None,
            raw.get("ours_package"),
        )

    def read_document(self) -> Document:
        document: Document = json.loads(self.document.read_text())
        return document

    def names(self) -> list[str]:
        """Every contender that can run here: baselines, ours if generated, installed peers."""
        names = [FLOOR, FLOOR_LOCKED, SEED]
        if self.ours_src is not None:
            names.append(OURS)
        return names + [peer.label for peer in PEERS if available(peer)]

    def build(self, name: str) -> Contender:
        """A fresh contender called `name`, in its own directory under `root`."""
        directory = self.root / re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        directory.mkdir(exist_ok=True)
        if name == FLOOR:
            return Floor(directory, self.floor_bytes.read_bytes())
        if name == FLOOR_LOCKED:
            return FloorLocked(directory, self.floor_bytes.read_bytes())
        if name == SEED:
            return Seed(directory)
        if name == OURS:
            from ._ours import Ours

            assert self.ours_src is not None and self.ours_package is not None
            return Ours(directory, self.ours_src, self.ours_package)
        for peer in PEERS:
            if peer.label == name:
                return peer(directory)
        raise KeyError(name)
