"""The one place that turns errors into exit codes and one-line messages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StategenError

#: Exit codes. 2 means "your input is wrong" (as argparse and click use it),
#: 1 means "the command ran, and the result needs your attention".
EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Run a command body; print any stategen error as one line and exit with its code.

    Nothing but `StategenError` is caught: a bug must still show its traceback.
    """
    try:
        yield
    except StategenError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(error.exit_code) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(EXIT_INTERRUPTED) from None
