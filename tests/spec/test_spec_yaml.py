"""Reading YAML: line numbers for every value, and nothing but plain data."""

from __future__ import annotations

import pytest

from stategen._yaml import YamlList, YamlMap, load_yaml, to_plain
from stategen.errors import SpecError

TEXT = """\
# a comment
name: x
fields:
  a: int
  b:
    type: str
    default: "multi
      line"
  c: [1, 2,
      3]
"""


class TestLines:
    def test_every_key_and_value_has_its_line(self) -> None:
        """Keys and values carry the line they start on, counted from 1."""
        root = load_yaml(TEXT)
        assert isinstance(root, YamlMap)
        lines = {str(key.value): (key.line, value.line) for key, value in root.entries}
        assert lines == {"name": (2, 2), "fields": (3, 4)}
        fields = root.entries[1][1]
        assert isinstance(fields, YamlMap)
        b = fields.entries[1][1]
        assert isinstance(b, YamlMap)
        assert [(k.value, k.line, v.line) for k, v in b.entries] == [
            ("type", 6, 6),
            ("default", 7, 7),
        ]
        c = fields.entries[2][1]
        assert isinstance(c, YamlList)
        assert [item.line for item in c.items] == [9, 9, 10]

    def test_to_plain(self) -> None:
        """Nodes convert to plain Python data."""
        root = load_yaml(TEXT)
        assert root is not None
        assert to_plain(root) == {
            "name": "x",
            "fields": {"a": "int", "b": {"type": "str", "default": "multi line"}, "c": [1, 2, 3]},
        }

    def test_empty_document(self) -> None:
        """An empty document is None, not an error (the parser says what is missing)."""
        assert load_yaml("") is None
        assert load_yaml("# only a comment\n") is None

    def test_explicit_standard_tags(self) -> None:
        """Explicit core tags are fine: !!str 12 is text."""
        root = load_yaml("a: !!str 12\nb: !!float 1\n")
        assert root is not None
        assert to_plain(root) == {"a": "12", "b": 1.0}


class TestAliases:
    def test_shared_values_stay_shared(self) -> None:
        """Aliases become one shared object, so a 'billion laughs' document stays small."""
        levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for n in range(1, 30):
            prev = f"*a{n - 1}"
            levels.append(f"a{n}: &a{n} [{', '.join([prev] * 10)}]")
        root = load_yaml("\n".join(levels) + "\n")
        assert root is not None
        plain = to_plain(root)
        assert plain["a29"][0] is plain["a28"]


class TestRefused:
    @pytest.mark.parametrize(
        ("text", "line", "fragment"),
        [
            ("a: 1\na: 2\n", 2, "duplicate key 'a' (first at line 1)"),
            ("1: a\n0x1: b\n", 2, "duplicate key 1"),
            ("a: !!python/object/apply:os.system [echo hi]\n", 1, "!!python/object/apply"),
            ("a: !!python/name:os.system\n", 1, "!!python/name:os.system"),
            ("a: !!binary aGk=\n", 1, "!!binary"),
            ("a: !!timestamp 2020-01-01\n", 1, "!!timestamp"),
            ("a: !!omap [b: 1]\n", 1, "!!omap"),
            ("!!python/object:os.system {}\n", 1, "!!python/object"),
            ("a: !!bool maybe\n", 1, "'maybe' is not a valid !!bool"),
            ("a: !!null x\n", 1, "not a valid !!null"),
            ("a: !!float x\n", 1, "not a valid !!float"),
            ("a: &x [*x]\n", 1, "alias refers to a value that contains it"),
            ("a: *nope\n", 1, "invalid YAML"),
            ("a: 'unclosed\n", 2, "invalid YAML"),
            ("a:\n  - b\n c: d\n", 3, "invalid YAML"),
            ("a: \ufffe\n", 1, "U+FFFE"),
        ],
    )
    def test_refused(self, text: str, line: int, fragment: str) -> None:
        """Bad YAML and non-plain values are one-line SpecErrors with a line."""
        with pytest.raises(SpecError) as caught:
            load_yaml(text, "s.yml")
        assert caught.value.line == line
        assert caught.value.file == "s.yml"
        assert fragment in str(caught.value)
        assert "\n" not in str(caught.value)

    def test_python_tags_never_run(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A python/object/apply tag is refused without calling anything."""
        text = "a: !!python/object/apply:builtins.print ['called']\n"
        with pytest.raises(SpecError):
            load_yaml(text)
        assert capsys.readouterr().out == ""
