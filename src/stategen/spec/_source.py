"""The text of a spec: read from a small regular file, UTF-8, with no hidden characters."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .._yaml import YamlList, YamlMap, YamlNode, YamlScalar
from ..errors import SpecError
from ..merge_markers import conflict_line, conflict_message
from ..schema.text import describe, hidden_characters

#: The largest spec read. A spec is a page of YAML; the example specs are under 2 KB.
MAX_SPEC_BYTES = 1024 * 1024

_FILE_TYPES = {
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
}


def read_spec_text(path: Path | str) -> str:
    """The text of the spec file at `path`, checked (see `check_text`); raises `SpecError`.

    Only a regular file is read, and at most `MAX_SPEC_BYTES` of it: opening does not block
    (a FIFO would wait forever for a writer), and a device such as /dev/zero never ends.
    A byte order mark at the start is an encoding detail and is dropped.
    """
    data = _read_bounded(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpecError(
            f"the spec is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8",
            file=path,
            line=data.count(b"\n", 0, error.start) + 1,
        ) from None
    check_text(text, file=path)
    return text


def check_text(text: str, *, file: Path | str | None = None) -> None:
    """Refuse a spec text holding a hidden character, naming its line and column.

    The check covers the whole text, comments included: the user's stategen.yml is copied
    into the project as it is, and its values reach generated code.
    """
    line = conflict_line(text)
    if line is not None:
        raise SpecError(conflict_message(), file=file, line=line)
    for index, char in hidden_characters(text):
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        raise SpecError(
            f"column {column} holds {describe(char)}, an invisible character that makes text "
            "read differently from how it runs (Trojan Source, CVE-2021-42574); delete it",
            file=file,
            line=line,
        )


def check_values(root: YamlNode | None, *, file: Path | str | None = None) -> None:
    """Refuse a hidden character that a YAML escape (`"\\u202e"`) put into a key or value."""
    pending = [root] if root is not None else []
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:  # an alias shares its node
            continue
        seen.add(id(node))
        if isinstance(node, YamlScalar):
            for _, char in hidden_characters(node.value if isinstance(node.value, str) else ""):
                raise SpecError(
                    f"a value holds {describe(char)} (written as an escape), an invisible "
                    "character that makes text read differently from how it runs (Trojan "
                    "Source, CVE-2021-42574); delete it",
                    file=file,
                    line=node.line,
                )
        elif isinstance(node, YamlList):
            pending += node.items
        elif isinstance(node, YamlMap):
            for key, value in node.entries:
                pending += [key, value]


def _read_bounded(path: Path | str) -> bytes:
    """At most `MAX_SPEC_BYTES` + 1 bytes of the regular file at `path`.

    The kind is checked before opening (a socket cannot be opened, a FIFO would block) and
    again on the open file, which is what is read.
    """
    try:
        _require_regular(os.stat(path).st_mode, path)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise SpecError("no such file; check the path to the spec", file=path) from None
    except OSError as error:
        raise SpecError(f"cannot read the spec: {error.strerror or error}", file=path) from None
    try:
        _require_regular(os.fstat(descriptor).st_mode, path)
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(MAX_SPEC_BYTES + 1)
    except OSError as error:
        raise SpecError(f"cannot read the spec: {error.strerror or error}", file=path) from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(
            f"is larger than {MAX_SPEC_BYTES // 1024} KiB; a spec is a short YAML file: check "
            "the path",
            file=path,
        )
    return data


def _require_regular(mode: int, path: Path | str) -> None:
    kind = stat.S_IFMT(mode)
    if kind != stat.S_IFREG:
        what = _FILE_TYPES.get(kind, "not a regular file")
        raise SpecError(f"is {what}; give the path of the spec file", file=path)
