"""A state as a save or a transaction writes it, every failure a StateValidationError."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .codec import changes, encode
from .errors import StateValidationError
from .jsontext import short
from .patch import Op


def encoded(state_type: type, state: object) -> dict[str, Any]:
    """`state` as JSON data, validated; StateValidationError names what is wrong."""
    with _refused(state_type, state):
        # The codec refuses what json cannot write (huge integers, deep nesting), so a bad
        # value fails here, before anything is written.
        return encode(state)


def changed(state_type: type, state: object, before: dict[str, Any]) -> list[Op]:
    """What `state` changed of `before`, the stored fields it was decoded from, as
    operations; StateValidationError names a wrong value among what changed."""
    with _refused(state_type, state):
        return changes(state, before)


def why_invalid(error: Exception) -> str:
    """Why decoding failed, in a few words."""
    if isinstance(error, RecursionError):
        return "the state is nested too deeply"
    if isinstance(error, StateValidationError):
        return str(error)
    return short(str(error))  # e.g. a number too long to convert


@contextmanager
def _refused(state_type: type, state: object) -> Iterator[None]:
    """Check that `state` is a `state_type`; turn what the block raises into the library's
    StateValidationError."""
    if type(state) is not state_type:
        raise StateValidationError(
            "", f"expected a {state_type.__name__}, got {type(state).__name__}"
        )
    try:
        yield
    except StateValidationError:
        raise
    except RecursionError:
        raise StateValidationError("", "the state is nested too deeply to save") from None
    except ValueError as error:  # e.g. an integer too long to write as text
        raise StateValidationError("", short(str(error))) from None
