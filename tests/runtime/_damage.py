"""Ways a saved BatchState file gets damaged, and a hunt for flipped bits that load anyway."""

import dataclasses
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch_state import (
    SCHEMA_VERSION,
    BatchState,
    BatchStateManager,
)
from batch_state._runtime.engines.files.document import CHECKSUM_KEY
from batch_state.errors import StateCorruptError

Damage = Callable[[dict[str, Any], bytes], bytes]

FIELDS = [spec.name for spec in dataclasses.fields(BatchState)]
REQUIRED = [
    spec.name
    for spec in dataclasses.fields(BatchState)
    if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
]
#: A version newer than this code: the next major one.
NEWER_VERSION = f"{int(SCHEMA_VERSION.split('.')[0]) + 1}.0.0"


def rewritten(change: Callable[[dict[str, Any]], None]) -> Damage:
    """Damage done by another writer (or by hand): `change` applied, no checksum vouching."""

    def damage(document: dict[str, Any], raw: bytes) -> bytes:
        del document[CHECKSUM_KEY]
        change(document)
        return json.dumps(document).encode()

    return damage


def unsigned(raw: bytes) -> bytes:
    """`raw` without its checksum entry, as a hand-written file would be."""
    document = json.loads(raw)
    del document[CHECKSUM_KEY]
    return json.dumps(document, ensure_ascii=False).encode() + b"\n"


def flip_middle_bit(raw: bytes) -> bytes:
    """`raw` with one bit of its middle byte flipped."""
    middle = len(raw) // 2
    return raw[:middle] + bytes([raw[middle] ^ 0x04]) + raw[middle + 1 :]


def repeated_key(raw: bytes) -> bytes:
    """`raw` unsigned, with its first field written twice: once with another value."""
    text = unsigned(raw).decode("utf-8")
    return text.replace("{", "{" + json.dumps(FIELDS[0]) + ": [[]], ", 1).encode("utf-8")


def _wrong_type(document: dict[str, Any]) -> None:
    # No field type accepts an array of arrays: every annotation rejects it.
    document[FIELDS[0]] = [[]]


#: Each kind of damage, and a fragment of the reason the error must give for it.
CORRUPT: dict[str, tuple[Damage, str]] = {
    "empty": (lambda document, raw: b"", "empty"),
    "whitespace only": (lambda document, raw: b"  \n", "empty"),
    "truncated": (lambda document, raw: raw[: len(raw) // 2], "not valid JSON"),
    "bit-flipped": (lambda document, raw: flip_middle_bit(raw), "checksum does not match"),
    "edited, checksum kept": (
        lambda document, raw: raw.replace(b'": ', b'":  ', 1),
        "checksum does not match",
    ),
    "not JSON": (lambda document, raw: b'{"version": oops', "not valid JSON"),
    "not UTF-8": (lambda document, raw: b'{"version": "\xff"}', "not UTF-8"),
    "not an object": (lambda document, raw: b"[1, 2, 3]", "expected a JSON object"),
    "NaN is not JSON": (
        lambda document, raw: unsigned(raw).replace(b"{", b'{"x": NaN, ', 1),
        "NaN is not valid JSON",
    ),
    "repeated key": (lambda document, raw: repeated_key(raw), "appears twice"),
    "wrong type": (rewritten(_wrong_type), "expected"),
    "missing required field": (
        rewritten(lambda document: document.pop(REQUIRED[0])),
        "missing",
    ),
    "unknown key": (
        rewritten(lambda document: document.update({"zz_" + "_".join(FIELDS): 1})),
        "unknown field",
    ),
    "bad version value": (
        rewritten(lambda document: document.update(version=7)),
        "MAJOR.MINOR.PATCH",
    ),
}
if not REQUIRED:
    del CORRUPT["missing required field"]  # every field of this schema has a default
#: A file written by newer code: refused, never corrupt.
NEWER = rewritten(lambda document: document.update(version=NEWER_VERSION))


def damage(path: Path, how: Damage) -> bytes:
    """Damage the file at `path` in place, as a disk fault or a stray writer would; the bytes."""
    good = path.read_bytes()
    damaged = how(json.loads(good), good)
    path.write_bytes(damaged)
    return damaged


@dataclass(frozen=True)
class FlipReport:
    """Single-bit flips tried on a saved file, and those that still loaded."""

    flips: int
    missed: list[tuple[int, int]]  # (position, bit) of each flip that loaded
    checksum_bits: int  # the flips that covered every bit of the checksum entry
    size: int  # of the file, in bytes
    seed: int


def flip_bits(
    manager: BatchStateManager,
    path: Path,
    *,
    random_flips: int,
    seed: int,
) -> FlipReport:
    """Flip every bit of the checksum entry, then `random_flips` random bits, one at a time."""
    good = path.read_bytes()
    rng = random.Random(seed)
    entry = len(good) - good.rindex(f', "{CHECKSUM_KEY}"'.encode())
    flips = [(len(good) - 1 - back, 1 << bit) for back in range(entry) for bit in range(8)]
    flips += [(rng.randrange(len(good)), 1 << rng.randrange(8)) for _ in range(random_flips)]
    missed = []
    for position, bit in flips:
        path.write_bytes(good[:position] + bytes([good[position] ^ bit]) + good[position + 1 :])
        try:
            manager.load()
        except StateCorruptError:
            continue
        missed.append((position, bit))
    return FlipReport(len(flips), missed, 8 * entry, len(good), seed)
