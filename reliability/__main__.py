"""`python -m reliability [--heavy] [--output PATH] [--keep DIR]`: run the tests, write the page."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ._context import context
from ._report import render
from ._run import REPO, run_all
from ._verdict import EMPTY, PASS, judge

DEFAULT_OUTPUT = REPO / "docs" / "reliability.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument("--heavy", action="store_true", help="CI's sizes: minutes, not seconds")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="the markdown page to write (default: %(default)s)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        metavar="DIR",
        help="work in DIR (empty or new) and leave the project, evidence and logs there",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    if args.keep is not None and args.keep.exists() and not _empty_dir(args.keep):
        print(
            f"reliability: --keep {args.keep} is not empty; name a new directory", file=sys.stderr
        )
        return EMPTY
    started = time.perf_counter()

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr)

    command = _command(args.heavy, args.output)
    with _work(args.keep) as work:
        results = run_all(work, heavy=args.heavy, log=log)
        seconds = time.perf_counter() - started
        where = context(work, command=command, heavy=args.heavy, seconds=seconds)

    verdict = judge(results)
    if verdict.status == EMPTY:
        print(verdict.summary, file=sys.stderr)
        return verdict.status
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(results.rows, where, args.output), encoding="utf-8")
    log(f"wrote {args.output}")
    if verdict.status != PASS:
        print(verdict.summary, file=sys.stderr)
        if args.keep is None:
            log("run again with --keep DIR to inspect the project, evidence and logs")
    return verdict.status


def _empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


@contextmanager
def _work(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="reliability-", ignore_cleanup_errors=True) as tmp:
        yield Path(tmp)


def _command(heavy: bool, output: Path) -> str:
    parts = ["python -m reliability"] + (["--heavy"] if heavy else [])
    if output.resolve() != DEFAULT_OUTPUT:
        parts.append(f"--output {output}")
    return " ".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
