"""Finding unfilled stubs by reading a migration's syntax tree, never by running it."""

from __future__ import annotations

import pytest

from stategen.evolve.stubs import defines_migrate, find_stubs


class TestFindStubs:
    def test_generated_stub(self) -> None:
        """The stub stategen writes is found with its function, line and TODO text."""
        source = (
            "def migrate(data):\n"
            "    return data\n"
            "\n"
            "def _convert_count(value):\n"
            "    raise NotImplementedError(\n"
            '        "TODO: convert count"\n'
            "    )\n"
        )
        (stub,) = find_stubs(source)
        assert (stub.line, stub.function, stub.message) == (
            5,
            "_convert_count",
            "TODO: convert count",
        )
        assert stub.describe("m.py") == "m.py:5 in _convert_count(): TODO: convert count"

    @pytest.mark.parametrize(
        "statement",
        [
            "raise NotImplementedError",
            "raise NotImplementedError()",
            "raise builtins.NotImplementedError('x')",
            "if data:\n        raise NotImplementedError('only in a branch')",
        ],
    )
    def test_every_spelling(self, statement: str) -> None:
        """Bare, called, qualified, or hidden in a branch: a stub is a stub."""
        source = f"def migrate(data):\n    {statement}\n"
        assert len(find_stubs(source)) == 1

    def test_filled_module_has_none(self) -> None:
        """Returning NotImplemented or mentioning the name is not a stub."""
        source = (
            "def migrate(data):\n"
            "    note = 'raise NotImplementedError'\n"
            "    return data\n"
            "def other():\n"
            "    return NotImplemented\n"
        )
        assert find_stubs(source) == []

    def test_module_level_raise(self) -> None:
        assert find_stubs("raise NotImplementedError\n")[0].function == "<module>"

    def test_syntax_error_propagates(self) -> None:
        with pytest.raises(SyntaxError):
            find_stubs("def migrate(:\n")


def test_defines_migrate() -> None:
    assert defines_migrate("def migrate(data):\n    return data\n")
    assert not defines_migrate("migrate = None\n")
    assert not defines_migrate("class A:\n    def migrate(self):\n        pass\n")
