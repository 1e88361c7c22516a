"""`python -m benchmarks.types_load`: `load()` of the example state and of a state rich in
the newer field types (see _rich), each against a raw `json.loads` of the same file, timed
in turns. The script prints a table; it writes no page and asserts nothing.
"""

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from ._format import X
from ._generator import generate_example
from ._ours import generated_package, import_generated, manager_class
from ._payload import KB, human, sized_batch_state
from ._rich import RAW, RICH, SCALES, race_load, rich_loader


def _ratio(path: Path, load: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """(median µs of load, median µs of raw json.loads, median per-round ratio)."""
    results = race_load(path, load, rounds, block=0.02)
    ratio = results[RICH].ratio
    assert ratio is not None
    load_us, raw_us = results[RICH].seconds.median, results[RAW].seconds.median
    return load_us * 1e6, raw_us * 1e6, ratio.median


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.types_load", description=__doc__)
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args(argv)
    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="stategen-types-") as scratch:
        root = Path(scratch)
        src, package = generated_package(generate_example(root / "project"))
        manager_type = manager_class(import_generated(src, package))
        for size in (5 * KB, 100 * KB):
            path = root / f"batch-{size}.json"
            path.write_text(json.dumps(sized_batch_state(size)))
            manager = manager_type(path)
            manager.save(manager.load())  # in the library's own form, with its checksum
            label = f"example batch state, old types ({human(path.stat().st_size)})"
            rows.append((label, *_ratio(path, manager.load, args.rounds)))
        for scale in SCALES:
            path, load = rich_loader(root, package, scale)
            label = f"rich state, new types ({human(path.stat().st_size)})"
            rows.append((label, *_ratio(path, load, args.rounds)))
    print(f"| state | load() µs | {RAW} µs | {X} raw |")
    print("|---|---|---|---|")
    for label, load_us, raw_us, ratio in rows:
        print(f"| {label} | {load_us:.1f} | {raw_us:.1f} | {ratio:.2f}{X} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
