"""JSON text read from storage: decoded in one place, where every failure is a ValueError.

What a file or a row holds is untrusted: it may be nested too deeply for the parser
(RecursionError), too large for memory (MemoryError), not UTF-8, or not JSON at all. Each
engine decodes stored JSON here and turns the one `Unreadable` into its own typed error,
naming its file and place.
"""

import json
from typing import Any


class Unreadable(ValueError):
    """Stored JSON text that cannot be decoded; the message says why, in a few words."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


#: Built once: json.loads with any keyword argument builds a new decoder on every call.
DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def decode(text: bytes | str, decoder: json.JSONDecoder = DECODER) -> Any:
    """The JSON value in `text` (UTF-8 bytes, or text); Unreadable says why there is none."""
    try:
        return decoder.decode(text.decode("utf-8") if isinstance(text, bytes) else text)
    except UnicodeDecodeError as error:
        raise Unreadable(f"not UTF-8 text (byte {error.start})") from None
    except Unreadable:
        raise
    except RecursionError:
        raise Unreadable("JSON nested too deeply") from None
    except MemoryError:
        raise Unreadable("too large to decode in the memory available") from None
    except ValueError as error:  # JSONDecodeError, and the hooks' refusals
        raise Unreadable(short(f"not valid JSON: {error}")) from None


def short(text: str, limit: int = 200) -> str:
    """`text`, cut to `limit` characters: stored content must not flood an error message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
