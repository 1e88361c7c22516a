"""`Problem`: what is wrong with one value, before the parser knows where the value was."""

from __future__ import annotations

import reprlib

# Bounded in size and depth: a value built from YAML aliases can be exponentially large.
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 60
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2


class Problem(ValueError):
    """A value is invalid. The message says what is wrong and what to do, on one line.

    The checks that raise it know values, not files: the parser catches it and re-raises it as
    a `SpecError` naming the file, the line and the key path.
    """


def show(value: object) -> str:
    """`value` for an error message: one line, shortened, and cheap however large it is."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        return _REPR.repr(value)
    except ValueError:  # an int past Python's digit limit for str()
        return "a very large number"


def describe_value(value: object) -> str:
    """`value` and what it is, for messages: `'1' (text)`, `3 (a number)`, `null`."""
    return "null" if value is None else f"{show(value)} ({kind_of(value)})"


def kind_of(value: object) -> str:
    """What `value` is, in YAML words: text, a number, a list …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
