"""Reading a spec: only a small regular file, and no character that hides or reorders text."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from stategen.codegen.blocks import free_text_comment
from stategen.codegen.spec_text import spec_text
from stategen.errors import SpecError
from stategen.schema.text import escape_hidden, is_hidden
from stategen.spec import load_spec, parse_spec
from stategen.spec._source import MAX_SPEC_BYTES

GOOD = "name: x\nversion: 1.0.0\nfields:\n  a: {type: str, default: a, doc: a}\n"

#: Hidden characters: every bidi control, zero-width and format characters, the separators.
HIDDEN = [
    *(chr(code) for code in range(0x202A, 0x202F)),
    *(chr(code) for code in range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
    "\u200b",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\U000e0041",
    "\u2028",
    "\u2029",
]


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stategen", *map(str, args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestFileKinds:
    def test_a_device_is_refused_at_once(self, tmp_path: Path) -> None:
        """`--spec /dev/zero` read until memory ran out; now one line, exit 2."""
        done = _run("new", tmp_path / "out", "--spec", "/dev/zero")
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.strip() == (
            "error: /dev/zero: is a character device; give the path of the spec file"
        )
        assert not (tmp_path / "out").exists()

    def test_a_fifo_does_not_block(self, tmp_path: Path) -> None:
        """Opening a named pipe with no writer would wait forever; it is refused instead."""
        fifo = tmp_path / "spec.yml"
        os.mkfifo(fifo)
        done = _run("new", tmp_path / "out", "--spec", fifo)
        assert done.returncode == 2
        assert "is a named pipe (FIFO)" in done.stderr

    def test_a_socket_and_a_directory(self, tmp_path: Path) -> None:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(tmp_path / "sock"))
        try:
            with pytest.raises(SpecError, match="is a socket"):
                load_spec(tmp_path / "sock")
        finally:
            server.close()
        with pytest.raises(SpecError, match="is a directory; give the path of the spec file"):
            load_spec(tmp_path)

    def test_a_link_to_a_regular_file_is_read(self, tmp_path: Path) -> None:
        """Positive control: the checks look at what is opened, so a link to a spec works."""
        (tmp_path / "real.yml").write_text(GOOD, encoding="utf-8")
        (tmp_path / "link.yml").symlink_to(tmp_path / "real.yml")
        assert load_spec(tmp_path / "link.yml").name == "x"

    def test_size_bound(self, tmp_path: Path) -> None:
        """A spec larger than the bound is refused without being read whole; one at the
        bound is read (it is then judged as YAML)."""
        big = tmp_path / "big.yml"
        big.write_bytes(GOOD.encode() + b"#" * (MAX_SPEC_BYTES - len(GOOD)))
        assert load_spec(big).name == "x"
        with big.open("ab") as stream:
            stream.write(b"#")
        with pytest.raises(SpecError, match=r"big\.yml: is larger than 1024 KiB"):
            load_spec(big)

    def test_unreadable(self, tmp_path: Path) -> None:
        """Permission denied is one line (as an unprivileged user: root reads anything)."""
        spec = tmp_path / "spec.yml"
        spec.write_text(GOOD, encoding="utf-8")
        spec.chmod(0)
        code = (
            "import os, sys\n"
            "from stategen.spec import load_spec\n"
            "from stategen.errors import SpecError\n"
            "os.setuid(65534)\n"
            "try: load_spec(sys.argv[1])\n"
            "except SpecError as e: print(e)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(spec)], capture_output=True, text=True, check=False
        )
        assert done.stdout.strip() == f"{spec}: cannot read the spec: Permission denied"


class TestHiddenCharacters:
    @pytest.mark.parametrize("char", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
    def test_refused_with_line_and_column(self, char: str) -> None:
        """Anywhere in the text (a value here), with the line, the column and the name."""
        text = GOOD.replace("doc: a", f"doc: a{char}b")
        with pytest.raises(SpecError) as caught:
            parse_spec(text, file="stategen.yml")
        message = str(caught.value)
        assert message.startswith(f"stategen.yml:4: column 36 holds U+{ord(char):04X} (")
        assert "Trojan Source" in message and "\n" not in message

    def test_in_a_comment_too(self) -> None:
        """The user's stategen.yml is copied into the project as it is: comments count."""
        with pytest.raises(SpecError, match=r"^spec\.yml:2: column 3 holds U\+202E"):
            parse_spec(GOOD.replace("version", "# \u202eevil\nversion"), file="spec.yml")

    def test_a_leading_byte_order_mark_is_an_encoding_detail(self, tmp_path: Path) -> None:
        """Positive control for the rule: a BOM that opens a file is dropped when decoding
        (editors write one); inside the text it is refused like any hidden character."""
        spec = tmp_path / "spec.yml"
        spec.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
        assert load_spec(spec).name == "x"
        spec.write_bytes(GOOD.replace("doc: a", "doc: a\ufeff").encode())
        with pytest.raises(SpecError, match=r"spec\.yml:4: column 36 holds U\+FEFF"):
            load_spec(spec)

    def test_ordinary_unicode_is_text(self) -> None:
        """Joiners (emoji, Persian, Hindi), accents, other scripts and dashes are allowed."""
        persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
        mixed = "caf\u00e9 \u2013 \u65e5\u672c \u00d7 \u043f\u0440\u0438\u0432\u0435\u0442"
        for text in ("👩\u200d💻", persian, mixed):
            assert not any(is_hidden(char) for char in text)
            assert parse_spec(GOOD.replace("doc: a", f'doc: "{text}"')).fields[0].doc == text


class TestGeneratedTextEscapesThem:
    """What reaches the code generator by another path (a hand-edited answers file) is
    written escaped: a comment or a spec line reads as it is."""

    def test_comments(self) -> None:
        lines = free_text_comment("total \u202e;1 = x\nnext\u2028line")
        assert lines == ["# total \\u202e;1 = x", "# next\\u2028line"]
        assert not any(is_hidden(char) for line in lines for char in line)

    def test_the_written_back_spec(self) -> None:
        """The spec written back from answers holds escapes, which the spec reader refuses
        by line: hidden characters never travel on unnoticed."""
        schema = parse_spec(GOOD)
        hostile = dataclasses.replace(schema.fields[0], doc="a\u202eb\U000e0041")
        text = spec_text(dataclasses.replace(schema, fields=(hostile,)))
        assert not any(is_hidden(char) for char in text)
        assert '"a\\u202eb\\U000e0041"' in text
        with pytest.raises(SpecError, match=r"^<spec>:\d+: a value holds U\+202E \(RIGHT"):
            parse_spec(text)

    def test_escape_hidden(self) -> None:
        assert escape_hidden("a\u2066b\u200dc") == "a\\u2066b\u200dc"
