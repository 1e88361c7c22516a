"""Walking the YAML tree by key path; its errors name the file, the line and the key path."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .._yaml import YamlList, YamlMap, YamlNode, YamlScalar, join
from ..errors import SpecError
from ..schema.problem import Problem, describe_value, show
from ._text import free_text

T = TypeVar("T")


def is_null(entry: Entry) -> bool:
    """Whether an entry's value is null (`key:` with nothing after it means "none")."""
    return isinstance(entry.value, YamlScalar) and entry.value.value is None


def describe(node: YamlNode) -> str:
    """What a node holds, for messages: `'x' (text)`, `a list` …"""
    if isinstance(node, YamlScalar):
        return describe_value(node.value)
    empty = "" if (node.items if isinstance(node, YamlList) else node.entries) else "an empty "
    kind = "list" if isinstance(node, YamlList) else "mapping"
    return f"{empty}{kind}" if empty else f"a {kind}"


@dataclass(frozen=True)
class Entry:
    """One `key: value` of a mapping, and the key path of the value."""

    key: YamlScalar
    value: YamlNode
    path: str


class Walker:
    """Reads one spec file's tree and raises `SpecError`s located in that file."""

    def __init__(self, file: Path | str | None) -> None:
        self.file = file

    def error(self, line: int, path: str, message: str) -> SpecError:
        # Messages quote user text with repr, so they are one line; this keeps them so.
        return SpecError(
            " ".join(message.splitlines()), file=self.file, key_path=path or None, line=line
        )

    @contextmanager
    def at(self, line: int, path: str) -> Iterator[None]:
        """Turn a `Problem` raised in the block into a `SpecError` at `line` and `path`."""
        try:
            yield
        except Problem as problem:
            raise self.error(line, path, str(problem)) from None

    def mapping(self, node: YamlNode, path: str, what: str) -> YamlMap:
        """`node` if it is a mapping; `what` says what the mapping should hold."""
        if not isinstance(node, YamlMap):
            raise self.error(node.line, path, f"expected {what}, got {describe(node)}")
        return node

    def entries(self, node: YamlMap, path: str) -> Iterator[Entry]:
        """The entries of a mapping with free keys (field names, type names) in order."""
        for key, value in node.entries:
            yield Entry(key, value, join(path, key.value))

    def keys(
        self,
        node: YamlMap,
        path: str,
        allowed: Sequence[str],
        required: Sequence[str] | Mapping[str, str] = (),
    ) -> dict[str, Entry]:
        """The entries of a mapping with fixed keys: unknown keys and missing ones are errors.

        `required` may map each required key to an example value for the message.
        """
        found: dict[str, Entry] = {}
        for key, value in node.entries:
            name = key.value
            if not isinstance(name, str) or name not in allowed:
                raise self.error(key.line, join(path, name), _unknown(name, allowed))
            found[name] = Entry(key, value, join(path, name))
        for name in required:
            if name not in found:
                listing = ", ".join(required)
                example = (
                    f"; add e.g. {name}: {required[name]}" if isinstance(required, Mapping) else ""
                )
                raise self.error(
                    node.line, path, f"missing required key {name!r} (required: {listing}){example}"
                )
        return found

    def checked(self, entry: Entry, check: Callable[[object], T]) -> T:
        """`check` applied to the value of a scalar entry; lists and mappings are refused."""
        if not isinstance(entry.value, YamlScalar):
            raise self.error(
                entry.value.line, entry.path, f"expected a value, got {describe(entry.value)}"
            )
        with self.at(entry.value.line, entry.path):
            return check(entry.value.value)

    def free_text(self, entry: Entry | None, what: str) -> str | None:
        """The text of an optional docs-like entry, or None when it is missing or null."""
        if entry is None or is_null(entry):
            return None
        return self.checked(entry, lambda value: free_text(value, what))

    def text(self, entry: Entry, *, what: str) -> str:
        """The value of `entry` if it is text."""
        value = entry.value
        if isinstance(value, YamlScalar) and isinstance(value.value, str):
            return value.value
        raise self.error(value.line, entry.path, f"{what} must be text, got {describe(value)}")


def _unknown(key: object, allowed: Sequence[str]) -> str:
    listing = ", ".join(allowed)
    if not isinstance(key, str):
        return f"keys here are text, got {describe_value(key)}; expected one of: {listing}"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {show(key)}; {hint}expected one of: {listing}"
