"""The snapshot's format: one JSON object, its schema version first and a CRC-32 of the rest last.

Each save ends the object with a CRC-32 of everything else, so a flipped bit anywhere in the
file is caught instead of loading as a different, plausible state. The key can never be a
field name (fields are identifiers), and the entry has a fixed shape at a fixed place. A
snapshot that a journal extends names its generation (`"#generation"`, just before the
checksum): only journal records of that generation apply to it.
"""

import json
import zlib
from pathlib import Path
from typing import Any

from ...errors import StateCorruptError
from ...jsontext import Unreadable, decode
from .records import is_generation

VERSION_KEY = "version"
CHECKSUM_KEY = "#crc32"
GENERATION_KEY = "#generation"
_CHECKSUM_HEAD = b', "#crc32": "'
_CHECKSUM_TAIL = b'"}\n'
_CHECKSUM_SIZE = len(_CHECKSUM_HEAD) + 8 + len(_CHECKSUM_TAIL)


class _DuplicateKey(Unreadable):
    pass


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(f"the key {json.dumps(key)[:80]} appears twice")
            seen.add(key)
    return data


# Built once: json.loads with any keyword argument builds a new decoder on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
# A file whose checksum entry matches was written by json.dumps from one dict, which cannot
# repeat a key, so only other files (hand-written, reformatted) pay for this slower check.
_STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_keys)


def serialize(version: str, fields: dict[str, Any], generation: str | None = None) -> bytes:
    """The bytes of a file holding `fields` at schema `version`, checksum last; `generation`
    names the snapshot for its journal (None: a snapshot without one).

    Raises ValueError (an integer too long for text) or RecursionError (nested too deeply).
    """
    document = {VERSION_KEY: version, **fields}
    if generation is not None:
        document[GENERATION_KEY] = generation
    try:
        body = json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate cannot be UTF-8; escaped JSON keeps it exactly.
        body = json.dumps(document, allow_nan=False).encode("ascii")
    # body ends with "}": the checksum entry goes just before it, as the last key.
    return b"".join((body[:-1], _CHECKSUM_HEAD, _checksum(memoryview(body)[:-1]), _CHECKSUM_TAIL))


def parse(raw: bytes, path: Path) -> tuple[dict[str, Any], str | None]:
    """The JSON object in `raw` without its checksum and generation entries, and the
    generation (None: the snapshot has no journal); StateCorruptError if there is none.

    The schema version is left in; the caller reads it.
    """
    # isspace() checks in place; strip() would copy the whole file first.
    if not raw or raw.isspace():
        raise StateCorruptError(path, "the file is empty")
    decoder = _DECODER if _checksum_matches(raw, path) else _STRICT_DECODER
    try:
        data = decode(raw, decoder)
    except Unreadable as error:
        raise StateCorruptError(path, str(error)) from None
    if not isinstance(data, dict):
        raise StateCorruptError(path, f"expected a JSON object, got {type(data).__name__}")
    # An entry that is not last means the file was reformatted since it was saved (by hand,
    # or by json.load + json.dump): it vouches for bytes that are gone, so it is dropped
    # unchecked. A flipped bit cannot pass this way: it breaks the JSON, renames the key (an
    # unknown field, rejected), or leaves the entry in place, where it is checked.
    data.pop(CHECKSUM_KEY, None)
    generation = data.pop(GENERATION_KEY, None)
    if generation is not None and not is_generation(generation):
        raise StateCorruptError(
            path, f'"{GENERATION_KEY}" must be 16 lowercase hex digits, got {generation!r:.40}'
        )
    return data, generation


def take_version(data: dict[str, Any], path: Path) -> str | None:
    """Remove and return the schema version of a parsed file (None: it has none).

    StateCorruptError if it is not a string; the caller checks its form.
    """
    version = data.pop(VERSION_KEY, None)
    if version is not None and not isinstance(version, str):
        raise StateCorruptError(
            path, f'"{VERSION_KEY}" must be a MAJOR.MINOR.PATCH string, got {version!r:.60}'
        )
    return version


def _checksum_matches(raw: bytes, path: Path) -> bool:
    """True if `raw` ends with a checksum entry that matches it; False if it has none there.

    StateCorruptError if the entry is there and does not match.
    """
    head = len(raw) - _CHECKSUM_SIZE
    if (
        head <= 0
        or not raw.endswith(_CHECKSUM_TAIL)
        or raw[head : head + len(_CHECKSUM_HEAD)] != _CHECKSUM_HEAD
    ):
        return False
    found = raw[head + len(_CHECKSUM_HEAD) : -len(_CHECKSUM_TAIL)]
    # The checksum covers the object as it was before the entry was appended.
    if found != _checksum(memoryview(raw)[:head]):
        raise StateCorruptError(
            path,
            "the checksum does not match, so the file changed after it was saved, by a disk "
            f'or copy fault; if you edited it by hand on purpose, delete its "{CHECKSUM_KEY}" '
            "entry",
        )
    return True


def _checksum(content: memoryview) -> bytes:
    """The CRC-32 of `content` followed by the closing brace, as 8 lowercase hex digits."""
    # Compared as bytes, never parsed: "A" and "a" would parse alike and hide a flipped bit.
    return b"%08x" % zlib.crc32(b"}", zlib.crc32(content))
