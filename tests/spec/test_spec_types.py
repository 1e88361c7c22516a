"""The type grammar: what parses, its canonical spelling, and what is refused and why."""

from __future__ import annotations

import pytest

from stategen.schema import DictOf, Kind, ListOf, Named, Nullable, Problem, named_types
from stategen.schema.grammar import parse_type
from stategen.schema.types import (
    AnyJson,
    Date,
    FixedTuple,
    LiteralOf,
    SetOf,
    Str,
    TupleOf,
    Uuid,
)

DECLARED: dict[str, Kind] = {"Status": "enum", "Window": "record"}


class TestCanonicalSpelling:
    @pytest.mark.parametrize(
        ("written", "canonical"),
        [
            ("str", "str"),
            ("datetime", "datetime"),
            ("list[str]", "list[str]"),
            (" list [ str ] ", "list[str]"),
            ("dict[str,int]", "dict[str, int]"),
            ("dict[str, Window]", "dict[str, Window]"),
            ("str|None", "str | None"),
            ("None | str", "str | None"),
            ("list[str | None]", "list[str | None]"),
            ("list[None | Status] | None", "list[Status | None] | None"),
            ("dict[str, list[dict[str, float]]]", "dict[str, list[dict[str, float]]]"),
            ("uuid", "uuid"),
            ("decimal | None", "decimal | None"),
            ("set[ timedelta ]", "set[timedelta]"),
            ("tuple[int,int]", "tuple[int, int]"),
            ("tuple[float , ...]", "tuple[float, ...]"),
            ("tuple[int]", "tuple[int]"),
            ("dict[int, Window]", "dict[int, Window]"),
            ("dict[Status, list[bytes]]", "dict[Status, list[bytes]]"),
            ("Literal['fast', \"safe\"]", 'Literal["fast", "safe"]'),
            (
                'Literal["it\'s", \'say "hi"\', -1, True]',
                'Literal["it\'s", \'say "hi"\', -1, True]',
            ),
            ('dict[Literal["a", 7], json]', 'dict[Literal["a", 7], json]'),
        ],
    )
    def test_canonical(self, written: str, canonical: str) -> None:
        """Spacing and the order of `| None` are normalised to one spelling."""
        assert str(parse_type(written, DECLARED)) == canonical

    def test_tree(self) -> None:
        """The parsed tree says what each name is."""
        expr = parse_type("dict[str, list[Window] | None]", DECLARED)
        assert expr == DictOf(Str(), Nullable(ListOf(Named("Window", "record"))))
        assert parse_type("dict[Status, tuple[uuid, ...]]", DECLARED) == DictOf(
            Named("Status", "enum"), TupleOf(Uuid())
        )
        assert parse_type("set[Literal[1, True]]", DECLARED) == SetOf(LiteralOf((1, True)))
        assert parse_type("tuple[json, date]", DECLARED) == FixedTuple((AnyJson(), Date()))
        assert [n.kind for n in named_types(parse_type("list[Status]", DECLARED))] == ["enum"]

    def test_named_types_lists_every_name(self) -> None:
        """named_types finds names inside containers and optionals."""
        expr = parse_type("dict[str, list[Window | None]]", DECLARED)
        assert [n.name for n in named_types(expr)] == ["Window"]


class TestRefused:
    @pytest.mark.parametrize(
        ("written", "fragment"),
        [
            ("", "the type is empty"),
            ("   ", "the type is empty"),
            ("Strr", "did you mean 'str'?"),
            ("STR", "did you mean 'str'?"),
            ("Windw", "did you mean 'Window'?"),
            ("string", "write str instead"),
            ("boolean", "write bool instead"),
            ("List[str]", "write list[...] instead"),
            ("Optional[str]", "write T | None instead"),
            ("Union[str, int]", "write T | None instead"),
            ("Set[str]", "write set[...] instead"),
            ("frozenset[int]", "write set[...] instead"),
            ("Decimal", "write decimal instead"),
            ("Any", "write json instead"),
            ("tuple", "needs its item types"),
            ("tuple[int, ...", "expected ']' but found the end"),
            ("Literal[1", "expected ']' but found the end"),
            ("Literal['a", 'unexpected "\'"'),
            ("Literal[None]", "not 'None'"),
            ("set[list[str]]", "a set holds str"),
            ("set[json]", "a set holds str"),
            ("dict[json, int]", "dict keys are written as JSON object keys"),
            ("dict[bytes, int]", "not bytes"),
            ("list", "needs its item type"),
            ("dict", "needs its item type"),
            ("list[]", "expected a type name but found ']'"),
            ("list[str", "expected ']' but found the end"),
            ("list[str]]", "unexpected ']'"),
            ("dict[str]", "expected ','"),
            ("dict[float, str]", "dict keys are written as JSON object keys"),
            ("dict[str | None, int]", "not str | None"),
            ("str | int", "only one type or None"),
            ("str | None | None", "only one type or None"),
            ("None", "no type besides None"),
            ("None | None", "no type besides None"),
            ("list[None]", "no type besides None"),
            ("typing.List", "unexpected '.'"),
            ("Straße", "unexpected 'ß'"),
            ("str str", "unexpected 'str'"),
            ("list[" * 20 + "int" + "]" * 20, "nests more than 16 levels"),
            ("list[" * 5000, "nests more than 16 levels"),
        ],
    )
    def test_refused(self, written: str, fragment: str) -> None:
        """A type that is not in the grammar is a Problem that says what to write."""
        with pytest.raises(Problem) as caught:
            parse_type(written, DECLARED)
        assert fragment in str(caught.value)
        assert "\n" not in str(caught.value)

    @pytest.mark.parametrize("value", [5, None, True, ["str"], {"a": 1}])
    def test_not_text(self, value: object) -> None:
        """A type must be text."""
        with pytest.raises(Problem, match="a type is text"):
            parse_type(value, DECLARED)
