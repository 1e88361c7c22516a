"""`python -m benchmarks [--quick] [--output PATH] [--tmp DIR]`: run everything, write the page."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ._report import write_report
from ._run import Config, run

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few rounds, small sizes (CI)")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="the markdown page to write; plots go to <dir>/<stem>/ (default: %(default)s)",
    )
    parser.add_argument(
        "--tmp", type=Path, default=None, help="where to put the state files (default: $TMPDIR)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    started = time.perf_counter()

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr)

    results = run(Config.quick() if args.quick else Config.full(), args.tmp, log)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_report(results, args.output)
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
