"""stategen: generate crash-safe, versioned JSON state libraries from a YAML spec."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # The version is read when asked for: importing importlib.metadata takes longer than
    # the rest of what `stategen check` imports before it starts, and few commands need it.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stategen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
