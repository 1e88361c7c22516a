"""What a selftest check answers when it fails: `Failed`, and any error told in a few words."""

import errno

from ..errors import StateError


class Failed(Exception):
    """A check's answer is no; the message says what was seen and what it means."""


def describe(error: BaseException) -> str:
    """An error in a few words: the errno's name for a system error, so EINVAL reads as such."""
    if isinstance(error, Failed | StateError):
        return str(error)
    if isinstance(error, OSError) and error.errno is not None and error.errno in errno.errorcode:
        return f"{errno.errorcode[error.errno]} ({error.strerror})"
    return f"{type(error).__name__}: {error}"
