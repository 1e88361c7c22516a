"""Hypothesis strategies for state-schema specs: valid ones, and ways to break them."""

from __future__ import annotations

import base64
import datetime as dt
import json
import string
from typing import Any

from hypothesis import strategies as st

#: Text that has broken code generators before: quotes, backslashes, newlines,
#: template syntax and characters outside the BMP.
NASTY_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            "'",
            '"',
            '"""',
            "\\",
            "\\n",
            "a\nb",
            "{{ x }}",
            "{% if %}",
            "{#",
            "${HOME}",
            "😀",
            "ünï",
            "\t",
            "x" * 120,
            'it\'s "both"',
            "# not a comment",
        ]
    ),
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"),
            include_characters="\n\t\u200c\u200d",
        ),
        max_size=40,
    ),
)

#: Enum values: printable ASCII, including quotes and template syntax.
ENUM_TEXT = st.text(alphabet=string.printable.strip() + " ", max_size=12)

SCALAR_TYPES = ["str", "int", "float", "bool", "datetime", "date"]
#: The newer scalar types, and which of all scalars a set may hold or a dict be keyed by.
NEWER_TYPES = ["time", "timedelta", "uuid", "decimal", "bytes", "json"]
SET_ITEMS = ["str", "int", "float", "bool", "date", "timedelta", "uuid", "decimal"]
KEY_TYPES = ["str", "int", "uuid", "date"]
#: Patterns of the part of `re` that JSON Schema reads alike, for fields without a default.
PATTERNS = ["[a-z]+", "^[a-z0-9-]{1,20}$", "(ab|cd)*x?", "[^ ]+", "[A-Z]{2}-[0-9]{3}"]


def _identifier(prefix: str) -> st.SearchStrategy[str]:
    # A prefix keeps generated names clear of keywords, builtins and reserved names.
    return st.text(string.ascii_lowercase + string.digits + "_", min_size=0, max_size=12).map(
        lambda tail: prefix + tail
    )


def _newer_default(annotation: str) -> st.SearchStrategy[Any]:
    """A default for one of the newer scalar types, written in its JSON form."""
    if annotation == "time":
        return st.times().map(lambda t: t.isoformat())
    if annotation == "timedelta":
        return st.timedeltas(
            min_value=dt.timedelta(days=-(10**6)), max_value=dt.timedelta(days=10**6)
        ).map(_duration)
    if annotation == "uuid":
        return st.uuids().map(str)
    if annotation == "decimal":
        return st.decimals(allow_nan=False, allow_infinity=False).map(str)
    if annotation == "bytes":
        return st.binary(max_size=20).map(lambda b: base64.b64encode(b).decode("ascii"))
    return st.recursive(
        st.none() | st.booleans() | st.integers() | NASTY_TEXT,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NASTY_TEXT, inner, max_size=3),
        max_leaves=6,
    )


def _duration(value: dt.timedelta) -> str:
    total = abs(value)
    text = f"P{total.days}DT{total.seconds}.{total.microseconds:06d}S"
    return f"-{text}" if value < dt.timedelta() else text


def _default_for(annotation: str, enums: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    """A `{default: ...}` / `{default_factory: ...}` fragment valid for `annotation`, or none."""
    none: st.SearchStrategy[dict[str, Any]] = st.just({})
    if annotation in NEWER_TYPES:
        return st.one_of(none, _newer_default(annotation).map(lambda v: {"default": v}))
    if annotation.startswith("set[") or annotation.endswith(", ...]"):
        return st.one_of(none, st.just({"default": []}))
    if annotation.startswith("dict[") and not annotation.startswith("dict[str, "):
        return st.one_of(none, st.just({"default": {}}))
    if annotation.startswith(("tuple[", "Literal[")):
        return none  # required: a value of each position, or one of the values
    if annotation.endswith(" | None"):
        return st.one_of(none, st.just({"default": None}))
    if annotation.startswith("list["):
        inner = annotation[5:-1]
        options = [none, st.just({"default": []}), st.just({"default_factory": "list"})]
        if inner in ("str", "int", "bool"):
            options.append(
                st.lists(_scalar(inner), min_size=1, max_size=3).map(lambda v: {"default": v})
            )
        return st.one_of(*options)
    if annotation.startswith("dict[str, "):
        inner = annotation[10:-1]
        options = [none, st.just({"default": {}})]
        if inner in ("str", "int", "bool"):
            options.append(
                st.dictionaries(NASTY_TEXT, _scalar(inner), min_size=1, max_size=3).map(
                    lambda v: {"default": v}
                )
            )
        return st.one_of(*options)
    if annotation in enums:
        return st.one_of(none, st.sampled_from(enums[annotation]).map(lambda v: {"default": v}))
    if annotation == "datetime":
        fixed = st.datetimes(timezones=st.just(dt.UTC)).map(lambda t: {"default": t.isoformat()})
        return st.one_of(none, st.just({"default_factory": "now"}), fixed)
    if annotation == "date":
        fixed = st.dates().map(lambda d: {"default": d.isoformat()})
        return st.one_of(none, st.just({"default_factory": "today"}), fixed)
    if annotation in ("str", "int", "float", "bool"):
        return st.one_of(none, _scalar(annotation).map(lambda v: {"default": v}))
    return st.one_of(none, st.just({"default_factory": annotation}))  # a record type


def _scalar(kind: str) -> st.SearchStrategy[Any]:
    if kind == "str":
        return NASTY_TEXT
    if kind == "int":
        return st.integers(min_value=-(2**63), max_value=2**63)
    if kind == "float":
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    return st.booleans()


@st.composite
def _literal_field(draw: st.DrawFn) -> dict[str, Any]:
    """`Literal[...]` of text and numbers, with one of them as the default or none."""
    values = draw(
        st.lists(st.one_of(NASTY_TEXT, st.integers(-(10**6), 10**6)), min_size=1, max_size=4).map(
            lambda vs: list({(type(v), v): v for v in vs}.values())
        )
    )
    # Python's literal syntax: characters beyond the BMP written as themselves (an escaped
    # surrogate pair is two lone surrogates in Python, unlike in JSON).
    spelled = (json.dumps(value, ensure_ascii=False) for value in values)
    field: dict[str, Any] = {"type": f"Literal[{', '.join(spelled)}]"}
    if draw(st.booleans()):
        field["default"] = draw(st.sampled_from(values))
    return field


@st.composite
def _constrained_field(draw: st.DrawFn) -> dict[str, Any]:
    """A field with rules, and a default that keeps them (or none)."""
    kind = draw(st.sampled_from(["int", "str", "pattern", "items", "decimal", "keys"]))
    if kind == "int":
        low = draw(st.integers(-(10**20), 10**20))
        high = low + draw(st.integers(0, 10**6))
        return {"type": "int", "ge": low, "le": high, "default": draw(st.integers(low, high))}
    if kind == "str":
        text = draw(NASTY_TEXT)
        return {
            "type": "str",
            "min_length": len(text),
            "max_length": len(text) + 5,
            "default": text,
        }
    if kind == "pattern":
        return {"type": "str | None", "pattern": draw(st.sampled_from(PATTERNS)), "default": None}
    if kind == "items":
        low = draw(st.integers(-100, 100))
        values = draw(st.lists(st.integers(low, low + 50), max_size=3))
        return {
            "type": "list[int]",
            "items": {"ge": low},
            "max_length": len(values) + draw(st.integers(0, 3)),
            "default": values,
        }
    if kind == "decimal":
        return {"type": "decimal", "gt": "0", "default": str(draw(st.integers(1, 10**9)))}
    return {"type": "dict[str, float]", "keys": {"pattern": draw(st.sampled_from(PATTERNS))}}


@st.composite
def valid_specs(draw: st.DrawFn, package: str) -> dict[str, Any]:
    """A spec that stategen must accept and turn into a clean, working project."""
    enums: dict[str, list[str]] = {}
    for index in range(draw(st.integers(0, 2))):
        texts = draw(st.lists(ENUM_TEXT, min_size=1, max_size=4))
        # A numbered prefix keeps the derived member names (upper-cased) distinct identifiers.
        enums[f"Enum{index}"] = [f"v{n} {text}" for n, text in enumerate(texts)]
    types: dict[str, Any] = {
        name: {"enum": values, "doc": draw(NASTY_TEXT)} for name, values in enums.items()
    }
    records: list[str] = []
    for index in range(draw(st.integers(0, 2))):
        name = f"Rec{index}"
        fields = {
            f"r{n}": {"type": draw(st.sampled_from(SCALAR_TYPES[:4])), **{}}
            for n in range(draw(st.integers(1, 3)))
        }
        for field in fields.values():
            field.update(
                draw(_default_for(field["type"], enums).filter(bool))
            )  # records default-constructible
        types[name] = {"fields": fields}
        records.append(name)

    names = draw(st.lists(_identifier("f_"), min_size=1, max_size=8, unique=True))
    base = st.sampled_from(SCALAR_TYPES + NEWER_TYPES + list(enums) + records)
    optional = base.filter(lambda t: t != "json")  # json holds null already
    items = st.sampled_from(SET_ITEMS + list(enums))
    keys = st.sampled_from(KEY_TYPES + list(enums))
    fields: dict[str, Any] = {}
    for name in names:
        annotation = draw(
            st.one_of(
                base,
                base.map(lambda t: f"list[{t}]"),
                base.map(lambda t: f"dict[str, {t}]"),
                optional.map(lambda t: f"{t} | None"),
                items.map(lambda t: f"set[{t}]"),
                base.map(lambda t: f"tuple[{t}, ...]"),
                st.tuples(base, base).map(lambda t: f"tuple[{t[0]}, {t[1]}]"),
                st.tuples(keys, base).map(lambda t: f"dict[{t[0]}, {t[1]}]"),
            )
        )
        field: dict[str, Any] = {"type": annotation, **draw(_default_for(annotation, enums))}
        if draw(st.integers(0, 4)) == 0:
            field = draw(_literal_field()) if draw(st.booleans()) else draw(_constrained_field())
        if draw(st.booleans()):
            field["doc"] = draw(NASTY_TEXT)
        fields[name] = field
    return {
        "name": package.replace("_", "-"),
        "package": package,
        "state": "FuzzState",
        "version": ".".join(str(draw(st.integers(0, 20))) for _ in range(3)),
        "description": draw(NASTY_TEXT),
        "types": types,
        "fields": fields,
    }


def _break_one(spec: dict[str, Any], how: str, data: st.DataObject) -> dict[str, Any]:
    broken = {**spec, "fields": dict(spec["fields"])}
    field = next(iter(broken["fields"]))
    if how == "unknown top key":
        broken["feilds"] = broken.pop("fields")
    elif how == "unknown field key":
        broken["fields"][field] = {"type": "int", "defualt": 1}
    elif how == "bad version":
        broken["version"] = data.draw(
            st.sampled_from(["1.0", "v1.0.0", "01.0.0", "1.0.0-rc1", 1, None, ""])
        )
    elif how == "empty fields":
        broken["fields"] = data.draw(st.sampled_from([{}, None, [], "x"]))
    elif how == "bad field name":
        name = data.draw(
            st.sampled_from(["class", "1abc", "a-b", "version", "to_dict", "_x", "é", "a b"])
        )
        broken["fields"][name] = "int"
    elif how == "unknown type":
        broken["fields"][field] = data.draw(
            st.sampled_from(
                ["integer", "list[", "dict[float, str]", "Strr", "frozenset[str]", "list[list"]
            )
        )
    elif how == "mismatched default":
        broken["fields"][field] = data.draw(
            st.sampled_from(
                [
                    {"type": "int", "default": "1"},
                    {"type": "int", "default": True},
                    {"type": "str", "default": 3},
                    {"type": "bool", "default": "yes"},
                    {"type": "float", "default": "nan"},
                    {"type": "str", "default": None},
                    {"type": "list[str]", "default": [1]},
                    {"type": "datetime", "default": "2020-01-01"},
                    {"type": "int", "default": 1, "default_factory": "list"},
                    {"type": "date", "default_factory": "now"},
                ]
            )
        )
    elif how == "bad package":
        broken["package"] = data.draw(
            st.sampled_from(["my-pkg", "json", "1pkg", "import", "Pkg.x", ""])
        )
    elif how == "bad progress":
        broken["fields"]["p_count"] = "int"
        broken["progress"] = data.draw(
            st.sampled_from(
                [
                    {"items": "p_count", "completed": "p_count", "failed": "p_count"},
                    {"items": "nope", "completed": "nope", "failed": "nope"},
                    {"items": field},
                    "features",
                ]
            )
        )
    elif how == "not a mapping":
        return data.draw(st.sampled_from([[], "text", 3, None]))  # type: ignore[no-any-return]
    elif how == "bad rule":
        broken["fields"][field] = data.draw(
            st.sampled_from(
                [
                    {"type": "str", "ge": 1},
                    {"type": "int", "max_length": 3},
                    {"type": "int", "ge": 5, "le": 1},
                    {"type": "int", "default": 11, "le": 10},
                    {"type": "str", "pattern": "[a-"},
                    {"type": "str", "pattern": "\\d+"},
                    {"type": "str", "pattern": "[a-z]{3}", "max_length": 2},
                    {"type": "list[int]", "items": {"gte": 0}},
                    {"type": "int", "items": {"ge": 0}},
                    {"type": "decimal", "ge": 0.5},
                    {"type": "str", "min_length": -1},
                ]
            )
        )
    elif how == "bad newer type":
        broken["fields"][field] = data.draw(
            st.sampled_from(
                [
                    "set[json]",
                    "dict[float, int]",
                    "Literal[]",
                    "json | None",
                    "tuple[..., int]",
                    "set[list[int]]",
                    {"type": "uuid", "default": "x"},
                    {"type": "timedelta", "default": "P1M"},
                    {"type": "datetime", "default": "2024-01-01T00:00"},
                    {"type": "set[str]", "default": ["a", "a"]},
                ]
            )
        )
    elif how == "bad enum":
        broken["types"] = {
            "E": data.draw(
                st.sampled_from([{"enum": []}, {"enum": ["a", "a"]}, {"enum": [1]}, {"enum": "a"}])
            )
        }
    return broken


BREAKAGES = [
    "unknown top key",
    "unknown field key",
    "bad version",
    "empty fields",
    "bad field name",
    "unknown type",
    "mismatched default",
    "bad package",
    "bad progress",
    "not a mapping",
    "bad enum",
    "bad rule",
    "bad newer type",
]


@st.composite
def invalid_specs(draw: st.DrawFn, how: str) -> Any:
    """A spec, broken in the way `how` names, that stategen must reject with exit code 2."""
    spec = draw(valid_specs(package="broken_pkg"))
    return _break_one(spec, how, draw(st.data()))
