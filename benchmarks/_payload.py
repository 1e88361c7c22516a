"""The one state payload every contender stores: the example batch state, grown to a size."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = "1.0.0"
KB = 1024
MB = 1024 * KB


def batch_state(items: int) -> dict[str, Any]:
    """The example batch state as a JSON document, with `items` features.

    Half of the features are completed and one in ten has failed with an error message,
    as in a batch that is well under way.
    """
    features = [f"feature-{index:07d}/module/step" for index in range(items)]
    return {
        "version": SCHEMA_VERSION,
        "batch_id": "batch-2024-06-01-nightly",
        "features": features,
        "current_index": items // 2,
        "completed": features[: items // 2],
        "failed": {
            name: f"TimeoutError: step {name!s} took longer than 30 s"
            for name in features[items // 2 :: 10]
        },
        "status": "pending",
        "window": {"width": 1024},
        "created_at": "2024-06-01T00:00:00+00:00",
        "note": None,
    }


def sized_batch_state(target_bytes: int) -> dict[str, Any]:
    """A batch state whose compact JSON is about `target_bytes` long (never less than 1 item)."""
    per_item = (_size(batch_state(1001)) - _size(batch_state(1))) / 1000
    fixed = _size(batch_state(1)) - per_item
    return batch_state(max(1, round((target_bytes - fixed) / per_item)))


def _size(document: dict[str, Any]) -> int:
    return len(json.dumps(document).encode())


def human(size: float) -> str:
    """1536 -> '1.5 KB'; 1,040,000 -> '0.992 MB'."""
    for unit, scale in (("MB", MB), ("KB", KB)):
        if size >= 0.95 * scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size:.0f} B"
