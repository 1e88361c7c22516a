"""`Pattern`: a `pattern:` rule, in the part of Python's `re` that JSON Schema reads alike.

The generated library checks a pattern with Python's `re.fullmatch`; the JSON Schema of the
state file holds it as an ECMA 262 regular expression (the dialect JSON Schema names, read
in Unicode mode as validators such as ajv do). A pattern is parsed here into a small tree,
so that it can be written in both, and so that stategen can build sample text that matches
it. Constructs whose meaning differs between the two (`\\d` takes any Unicode digit in
Python, only 0-9 in ECMA) or that one of them lacks (lookbehind, `\\Z`, inline flags …) are
refused with the spelling to use instead.
"""

from .pattern import Pattern
from .writing import anchored

__all__ = ["Pattern", "anchored"]
