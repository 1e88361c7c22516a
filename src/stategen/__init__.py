"""stategen: generate crash-safe, versioned JSON state libraries from a YAML spec."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stategen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
