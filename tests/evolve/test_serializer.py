"""The serializer: literals that read back exactly, laid out as the formatter would."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stategen import serializer as s
from stategen.codegen.blocks import Names, snake
from stategen.serializer import InvalidName as SchemaShapeError
from stategen.serializer import identifier

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
names = st.from_regex(r"[a-z_][a-z0-9_]{0,70}", fullmatch=True)


class TestLiterals:
    @given(st.text())
    def test_string_reads_back(self, text: str) -> None:
        """Any text, including quotes, newlines and lone surrogates, reads back unchanged."""
        assert ast.literal_eval(s.string(text)) == text

    @given(st.text())
    def test_string_is_one_line(self, text: str) -> None:
        """No text can end the literal's line: breaks of every kind are escaped."""
        assert len(s.string(text).splitlines()) == 1

    @given(json_values)
    def test_literal_reads_back(self, value: object) -> None:
        """Every JSON value becomes a literal that evaluates to an equal value."""
        result = ast.literal_eval(s.literal(value).inline())
        assert result == value or (
            isinstance(value, float) and math.isclose(result, value)  # -0.0 and the like
        )

    def test_number_normal_form(self) -> None:
        """Exponents are written as the formatter writes them."""
        assert s.number(1e22) == "1e22"
        assert s.number(1.5e-7) == "1.5e-07"
        with pytest.raises(ValueError):
            s.number(math.inf)
        with pytest.raises(TypeError):
            s.number(True)

    def test_literal_rejects_non_json(self) -> None:
        """Anything but JSON data is a bug, refused rather than rendered with repr()."""
        with pytest.raises(TypeError):
            s.literal({1: "x"})
        with pytest.raises(TypeError):
            s.literal(object())


class TestNames:
    @pytest.mark.parametrize("bad", ["", "1x", "a-b", "class", "a b", "x\n", "ﬁx", "a\u200db"])
    def test_identifier_rejects(self, bad: str) -> None:
        """Only identifiers in the form Python reads them (NFKC), not keywords, are names."""
        with pytest.raises(SchemaShapeError):
            identifier(bad)

    @pytest.mark.parametrize("good", ["x", "_x1", "E", "日本", "ПРИВЕТ"])
    def test_identifier_accepts(self, good: str) -> None:
        """Letters of any script are letters (enum members are made from values)."""
        assert identifier(good) == good

    def test_helper_names_are_unique(self) -> None:
        """Names that collide get a numbered suffix, and reserved names are never handed out."""
        taken = Names(reserved=("migrate",))
        assert [taken.take("migrate"), taken.take("x"), taken.take("x")] == [
            "migrate_2",
            "x",
            "x_2",
        ]

    @pytest.mark.parametrize(
        ("name", "expected"),
        [("Window", "window"), ("WindowSize", "window_size"), ("HTTPCode", "http_code")],
    )
    def test_snake(self, name: str, expected: str) -> None:
        assert snake(name) == expected


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(names, names, json_values, st.sampled_from([4, 8])), min_size=1))
def test_layout_matches_the_formatter(
    tmp_path_factory: pytest.TempPathFactory,
    statements: list[tuple[str, str, object, int]],
) -> None:
    """Calls, assignments and literals come out exactly as `ruff format` lays them out."""
    blocks = []
    for number, (key, other, value, indent) in enumerate(statements):
        pad = " " * indent
        lines = s.layout(s.call("data.setdefault", s.literal(key), s.literal(value)), indent)
        lines += s.assignment(
            f"data[{s.string(key)}]", s.call("data.pop", s.literal(other)), indent
        )
        lines += s.layout(
            s.call(
                "_convert_field",
                s.name("data"),
                s.literal(key),
                s.call("_list_of", s.name("_m_" + other)),
            ),
            indent,
        )
        lines += [*s.condition("if", s.string(key * 3), "in", "data", indent), " " * 4 + "pass"]
        body = "\n".join(pad + line for line in lines)
        if indent == 8:
            body = "    if data:\n" + body
        blocks.append(f"def f{number}(data):\n{body}\n")
    source = "\n\n".join(blocks)
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "format", "--isolated", "--line-length", "100", "-"],
        input=source,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == source
