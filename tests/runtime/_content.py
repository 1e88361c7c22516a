"""Hostile content as a state file or a journal record, and every manager call run on it.

Whatever the bytes on disk, each call returns or raises a StateError: nothing else escapes.
The records are planted with a good CRC, so that the payload itself is what is tested.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _salvage import marked, plant
from batch_state import BatchState, BatchStateManager
from batch_state.errors import StateError

#: JSON texts (and not-quite-JSON) that break naive readers, each in a few bytes or a few MB.
HOSTILE: dict[str, bytes] = {
    "arrays nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "objects nested 5,000 deep": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "arrays nested 900 deep": b"[" * 900 + b"]" * 900,
    "a lone surrogate": b'"\\ud800"',
    "a lone low surrogate": b'"\\udfff"',
    "a NUL": b'"a\\u0000b"',
    "a 5,000-digit integer": b"1" * 5_000,
    "a float that overflows": b"1e400",
    "NaN": b"NaN",
    "-Infinity": b"-Infinity",
    "a duplicate key": b'{"a": 1, "a": 2}',
    "invalid UTF-8": b'"\xff\xfe"',
    "nothing": b"",
    "null": b"null",
    "a string": b'"text"',
    "a huge string": b'"' + b"x" * 2_000_000 + b'"',
    "a list of operations on nothing": b'[{"op": "replace", "path": "/no/such", "value": 1}]',
    "an operation without a path": b'[{"op": "add", "value": 1}]',
    "an unknown operation": b'[{"op": "move", "from": "/a", "path": "/b"}]',
}

#: The fields of a state a hostile value goes into (and one that is not a field).
FIELDS = ("batch_id", "features", "completed", "failed", "current_index", "window", "extra")


def snapshot_with(path: Path, field: str, value: bytes) -> None:
    """A state file whose `field` holds the JSON text `value` (no checksum: as written by hand)."""
    document = json.loads(path.read_bytes()) if path.exists() else _document()
    document.pop("#crc32", None)
    document[field] = "\0PLACE\0"
    text = json.dumps(document).encode().replace(b'"\\u0000PLACE\\u0000"', value)
    path.write_bytes(text)


def record_with(path: Path, payload: bytes) -> None:
    """A journal-mode state with one more record, of `payload`, after its good ones."""
    marked(path, items=3)
    plant(path, 3, [payload])


def operation_with(field: str, value: bytes) -> bytes:
    """A record's payload that replaces `field` with the JSON text `value`."""
    return b'[{"op": "replace", "path": "/' + field.encode() + b'", "value": ' + value + b"}]"


def _document() -> dict[str, Any]:
    return {"version": "1.0.0", "batch_id": "b", "features": ["item-0", "item-1"]}


def _calls(path: Path, journal: bool) -> dict[str, Callable[[], object]]:
    def manager() -> BatchStateManager:
        return BatchStateManager(path, journal=journal)

    def transaction() -> None:
        with manager().transaction(lambda: BatchState(batch_id="t", features=[])) as state:
            state.current_index += 1

    return {
        "exists": lambda: manager().exists(),
        "load": lambda: manager().load(),
        "next_pending": lambda: manager().next_pending(),
        "describe": lambda: manager().describe(),
        "export": lambda: manager().export(),
        "mark_completed": lambda: manager().mark_completed("item-0"),
        "mark_failed": lambda: manager().mark_failed("item-1", "\ud800"),
        "transaction": transaction,
        "compact": lambda: manager().compact(),
        "recover": lambda: manager().recover(),
        "save": lambda: manager().save(BatchState(batch_id="\ud800\0", features=["x"])),
        "load again": lambda: manager().load(),
    }


def untyped(path: Path, *, journal: bool) -> list[str]:
    """Each manager call on the state at `path` that raised something other than a
    StateError: `call: error`."""
    found = []
    for name, call in _calls(path, journal).items():
        try:
            call()
        except StateError:
            pass
        except Exception as error:  # anything else is the finding
            found.append(f"{name}: {type(error).__name__}: {str(error)[:120]}")
    return found


def naive_untyped(value: bytes) -> list[str]:
    """`value` read the naive way (`json.loads`, as a hand-written store reads a file or a
    record): what escapes untyped. Known-bad: the positive control of `untyped`."""
    try:
        json.loads(value)
    except Exception as error:  # the finding
        return [f"json.loads: {type(error).__name__}"]
    return []
