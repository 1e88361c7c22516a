"""The one place that turns errors into an exit code and a one-line message."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StategenError


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
        raise SystemExit(130) from None  # 128 + SIGINT, as shells report it
