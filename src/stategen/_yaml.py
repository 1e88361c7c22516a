"""The only module that imports yaml: spec nodes with lines and key paths, and answers files.

A spec is read as YAML 1.2 core-schema nodes, each with its line, so errors can say where.
Copier's answers file is plain data that Copier writes with PyYAML (YAML 1.1), so it is read
and written back with PyYAML's own safe loader and dumper.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError
from .schema.problem import show

Scalar = str | int | float | bool | None
#: Raised by `load_data` for text that is not YAML.
YAMLError = yaml.YAMLError

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def join(path: str, key: object) -> str:
    """`path` extended by a mapping key: `fields.status`, `fields['a b']`, `fields[1]`."""
    if isinstance(key, str) and _PLAIN_KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{show(key)}]"


def index(path: str, position: int) -> str:
    """`path` extended by a list position: `types.Status.enum[1]`."""
    return f"{path}[{position}]"


@dataclass(frozen=True, slots=True, eq=False)
class YamlScalar:
    """A plain value (text, number, boolean or null) and the line it starts on (from 1)."""

    value: Scalar
    line: int


@dataclass(frozen=True, slots=True, eq=False)
class YamlList:
    """A YAML sequence."""

    items: tuple[YamlNode, ...]
    line: int


@dataclass(frozen=True, slots=True, eq=False)
class YamlMap:
    """A YAML mapping: its entries in document order, keys unique and scalar."""

    entries: tuple[tuple[YamlScalar, YamlNode], ...]
    line: int


YamlNode = YamlScalar | YamlList | YamlMap


def to_plain(node: YamlNode) -> Any:
    """`node` as plain Python data (str, int, float, bool, None, list, dict).

    Aliased nodes become one shared object, so a document of nested aliases stays small.
    """
    memo: dict[int, Any] = {}

    def convert(node: YamlNode) -> Any:
        if isinstance(node, YamlScalar):
            return node.value
        done = memo.get(id(node))
        if done is None:
            if isinstance(node, YamlList):
                done = memo[id(node)] = [convert(item) for item in node.items]
            else:
                done = memo[id(node)] = {key.value: convert(value) for key, value in node.entries}
        return done

    return convert(node)


def load_data(text: str) -> Any:
    """Plain data from YAML that PyYAML wrote (Copier's answers file): YAML 1.1, safe."""
    return yaml.safe_load(text)


def dump_data(data: Any) -> str:
    """Plain data as YAML that `load_data` reads back unchanged (block style, keys sorted)."""
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=False, width=1000)


# YAML 1.2 core-schema scalars. PyYAML resolves YAML 1.1, where `yes`, `on` and `no` are
# booleans, `010` is octal, `1:30` is the number 90 and `2024-01-01` a date: all surprises
# in a spec. Only these patterns are resolved; every other plain scalar is text.
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_INT = re.compile(r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z")
_FLOAT = re.compile(
    r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z"
)
_TAG = "tag:yaml.org,2002:"
_MAX_DEPTH = 64
_DIGITS = list("-+0123456789.")


class _Loader(yaml.SafeLoader):
    """A safe loader that resolves YAML 1.2 core scalars and limits nesting.

    It only composes nodes: nothing is ever constructed from a tag, so no tag can run code.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # The composer recurses once per level: refuse deep documents before Python's stack does.
        self.depth += 1
        try:
            if self.depth > _MAX_DEPTH:
                mark = self.get_mark()
                raise yaml.composer.ComposerError(
                    None, None, f"values nest more than {_MAX_DEPTH} levels deep", mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


# A fresh table, not a copy of PyYAML's YAML 1.1 resolvers.
_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(_TAG + "null", _NULL, ["~", "n", "N", ""])
_Loader.add_implicit_resolver(_TAG + "bool", _BOOL, list("tTfF"))
_Loader.add_implicit_resolver(_TAG + "int", _INT, _DIGITS)
_Loader.add_implicit_resolver(_TAG + "float", _FLOAT, _DIGITS)


def _null(text: str) -> Scalar:
    if _NULL.match(text):
        return None
    raise ValueError(f"{text!r:.60} is not a valid !!null")


def _bool(text: str) -> Scalar:
    if _BOOL.match(text):
        return text.lower() == "true"
    raise ValueError(f"{text!r:.60} is not a valid !!bool")


def _int(text: str) -> Scalar:
    if not _INT.match(text):
        raise ValueError(f"{text!r:.60} is not a valid !!int")
    too_large = ValueError(f"the integer {text:.20}... is too large (over 4300 digits)")
    try:
        if text.startswith(("0o", "0x")):
            value = int(text[2:], 8 if text[1] == "o" else 16)
            str(value)  # past Python's digit limit nothing downstream could print it
            return value
        return int(text)
    except ValueError:
        raise too_large from None


def _float(text: str) -> Scalar:
    if not _FLOAT.match(text):
        raise ValueError(f"{text!r:.60} is not a valid !!float")
    lowered = text.lower()
    if lowered.endswith(".nan"):
        return math.nan
    if lowered.endswith(".inf"):
        return -math.inf if text.startswith("-") else math.inf
    return float(text)


_SCALARS: dict[str, Callable[[str], Scalar]] = {
    _TAG + "str": str,
    _TAG + "null": _null,
    _TAG + "bool": _bool,
    _TAG + "int": _int,
    _TAG + "float": _float,
}


def load_yaml(text: str, file: Path | str | None = None) -> YamlNode | None:
    """The single YAML document in `text` as nodes, or None when it is empty.

    Every problem (syntax, duplicate keys, tags, anchors that contain themselves …) is a
    `SpecError` naming `file` and the line.
    """
    try:
        # Composing builds nodes only; no tag is ever turned into an object.
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, file) from None
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not allow
        raise _reader_error(error, text, file) from None
    except RecursionError:
        raise SpecError("the YAML is nested too deeply", file=file, line=1) from None
    if root is None:
        return None
    try:
        return _Converter(file).node(root, "")
    except RecursionError:
        raise SpecError("the YAML is nested too deeply", file=file, line=1) from None


class _Converter:
    """PyYAML nodes → our nodes, checking tags, keys and aliases on the way."""

    def __init__(self, file: Path | str | None) -> None:
        self.file = file
        self.done: dict[int, YamlNode] = {}
        self.open: set[int] = set()

    def error(self, node: yaml.Node, path: str, message: str) -> SpecError:
        line = int(node.start_mark.line) + 1
        return SpecError(message, file=self.file, key_path=path or None, line=line)

    def node(self, node: yaml.Node, path: str) -> YamlNode:
        converted = self.done.get(id(node))
        if converted is not None:
            return converted
        if id(node) in self.open:
            raise self.error(
                node, path, "an alias refers to a value that contains it; remove the loop"
            )
        self.open.add(id(node))
        line = int(node.start_mark.line) + 1
        if isinstance(node, yaml.ScalarNode):
            converted = self.scalar(node, path)
        elif isinstance(node, yaml.SequenceNode):
            self.check_tag(node, path, "seq")
            items = tuple(self.node(item, index(path, n)) for n, item in enumerate(node.value))
            converted = YamlList(items, line)
        elif isinstance(node, yaml.MappingNode):
            self.check_tag(node, path, "map")
            converted = YamlMap(self.entries(node, path), line)
        else:  # pragma: no cover - the composer makes only these three kinds
            raise self.error(node, path, f"unsupported YAML node {type(node).__name__}")
        self.open.discard(id(node))
        self.done[id(node)] = converted
        return converted

    def check_tag(self, node: yaml.Node, path: str, expected: str) -> None:
        if node.tag != _TAG + expected:
            raise self.error(node, path, f"{_tag_name(node.tag)} is not supported; {_PLAIN_ONLY}")

    def scalar(self, node: yaml.ScalarNode, path: str) -> YamlScalar:
        convert = _SCALARS.get(node.tag)
        if convert is None:
            raise self.error(node, path, f"{_tag_name(node.tag)} is not supported; {_PLAIN_ONLY}")
        try:
            value = convert(node.value)
        except ValueError as problem:
            raise self.error(node, path, str(problem)) from None
        return YamlScalar(value, int(node.start_mark.line) + 1)

    def entries(self, node: yaml.MappingNode, path: str) -> tuple[tuple[YamlScalar, YamlNode], ...]:
        entries: list[tuple[YamlScalar, YamlNode]] = []
        seen: dict[tuple[type, Scalar], int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, path, "keys must be plain text, not lists or mappings")
            if key_node.tag == _TAG + "merge" or (key_node.value == "<<" and not key_node.style):
                raise self.error(
                    key_node, path, "merge keys (<<) are not supported; write the keys out"
                )
            key = self.scalar(key_node, path)
            key_path = join(path, key.value)
            identity = (type(key.value), key.value)
            if identity in seen:
                raise self.error(
                    key_node,
                    key_path,
                    f"duplicate key {show(key.value)} (first at line {seen[identity]}); "
                    "remove or rename one of them",
                )
            seen[identity] = key.line
            entries.append((key, self.node(value_node, key_path)))
        return tuple(entries)


_PLAIN_ONLY = "a spec holds plain text, numbers, booleans, null, lists and mappings only"


def _tag_name(tag: str) -> str:
    short = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    return f"the YAML tag {short!r:.80}"


def _syntax_error(error: yaml.MarkedYAMLError, file: Path | str | None) -> SpecError:
    mark = error.problem_mark or error.context_mark
    parts = [part for part in (error.context, error.problem) if part]
    what = "; ".join(" ".join(str(part).split()) for part in parts) or "unreadable"
    line = None
    if mark is not None:
        line = mark.line + 1
        what += f" (column {mark.column + 1})"
    return SpecError(f"invalid YAML: {what}", file=file, line=line)


def _reader_error(error: yaml.YAMLError, text: str, file: Path | str | None) -> SpecError:
    position = getattr(error, "position", None)
    character = getattr(error, "character", None)
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
    if isinstance(character, str):
        character = ord(character[:1] or "\0")
    code = f"U+{character:04X}" if isinstance(character, int) else "a character"
    escape = f"\\u{character:04x}" if isinstance(character, int) and character < 0x10000 else ""
    hint = f', or write it as "{escape}" in a double-quoted string' if escape else ""
    return SpecError(
        f"invalid YAML: the character {code} is not allowed in YAML text; remove it{hint}",
        file=file,
        line=line,
    )
