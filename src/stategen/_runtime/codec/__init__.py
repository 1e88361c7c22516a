"""The codec: dataclasses ⇄ JSON-ready data, driven by the type hints, validating every value."""

from .codec import decode, encode, validate
from .constraints import Constraints
from .jsonvalue import JSON

__all__ = ["JSON", "Constraints", "decode", "encode", "validate"]
