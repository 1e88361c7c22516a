"""The code the templates substitute: laid out as ruff's formatter would, and the spec read back."""

from __future__ import annotations

import base64
import json
import keyword
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from stategen import serializer
from stategen.codegen.declaration import declaration
from stategen.codegen.template import template_answers
from stategen.project import rendering_answers
from stategen.schema.reserved import MODEL_NAMES
from stategen.spec import load_spec, parse_spec

RUFF = Path(sys.executable).parent / "ruff"

# Names from 1 to 70 characters, so declarations land on both sides of the 100-column limit.
names = st.from_regex(r"[a-z][a-z0-9_]{0,69}", fullmatch=True).filter(
    lambda n: (
        not keyword.iskeyword(n)
        and not keyword.issoftkeyword(n)
        and n not in (*MODEL_NAMES, "type", "version", "to_dict", "from_dict", "validate")
    )
)
# Free text as a spec may hold it: no control or hidden characters (the joiners are text).
texts = st.text(
    st.characters(
        exclude_categories=("Cc", "Cs", "Cf"),
        exclude_characters="\u2028\u2029",
        include_characters="\n\u200c\u200d",
    ),
    max_size=90,
)
scalar_fields = st.one_of(
    st.builds(lambda v: {"type": "str", "default": v}, texts),
    st.builds(lambda v: {"type": "int", "default": v}, st.integers(-(10**30), 10**30)),
    st.builds(
        lambda v: {"type": "float", "default": v}, st.floats(allow_nan=False, allow_infinity=False)
    ),
    st.builds(lambda v: {"type": "list[str]", "default": v}, st.lists(texts, max_size=3)),
    st.builds(
        lambda v: {"type": "dict[str, int]", "default": v},
        st.dictionaries(texts, st.integers(), max_size=3),
    ),
    st.just({"type": "list[int] | None", "default": None}),
    st.just({"type": "datetime", "default_factory": "now"}),
    st.just({"type": "Long", "default_factory": "Long"}),
    st.just({"type": "Choice", "default": "a very long member value " * 3}),
)
#: The newer types, their fixed defaults and their rules, with values of any length.
long_texts = st.text("abcxyz-", min_size=1, max_size=120)
newer_fields = st.one_of(
    st.builds(
        lambda v: {"type": "decimal", "default": str(v)},
        st.decimals(allow_nan=False, allow_infinity=False),
    ),
    st.builds(  # up to timedelta.max.days
        lambda d: {"type": "timedelta", "default": f"P{d}DT1H2M3.5S"}, st.integers(0, 999_999_999)
    ),
    st.builds(
        lambda day, hours: {
            "type": "datetime",
            "default": f"{day.isoformat()}T01:02:03.000004{hours}",
        },
        st.dates(),
        st.sampled_from(["+00:00", "-03:30", "+05:45"]),
    ),
    st.builds(lambda day: {"type": "date | None", "default": day.isoformat()}, st.dates()),
    st.builds(lambda u: {"type": "uuid", "default": str(u)}, st.uuids()),
    st.just({"type": "uuid", "default_factory": "uuid4"}),
    st.builds(
        lambda b: {"type": "bytes", "default": base64.b64encode(b).decode()},
        st.binary(max_size=90),
    ),
    st.builds(
        lambda values: {"type": f"Literal[{', '.join(map(json.dumps, values))}]"},
        st.lists(long_texts, min_size=1, max_size=4, unique=True),
    ),
    st.builds(
        lambda v: {"type": "set[str]", "default": sorted(v)},
        st.sets(long_texts, max_size=3),
    ),
    st.builds(
        lambda v: {"type": "tuple[int, ...]", "default": v},
        st.lists(st.integers(-(10**30), 10**30), max_size=4),
    ),
    st.builds(
        lambda v: {"type": "dict[int, str]", "default": {str(k): x for k, x in v.items()}},
        st.dictionaries(st.integers(-(10**20), 10**20), long_texts, max_size=3),
    ),
    st.builds(
        lambda low, span, text: {
            "type": "int | None",
            "ge": low,
            "le": low + span,
            "default": None,
        },
        st.integers(-(10**40), 10**40),
        st.integers(0, 10**40),
        long_texts,
    ),
    st.builds(
        lambda pattern, most: {
            "type": "str",
            "pattern": f"^[a-z-]*(?:{pattern})?$",
            "max_length": most,
        },
        st.from_regex(r"[a-z]{1,80}", fullmatch=True),
        st.integers(1, 10**30),
    ),
    st.builds(
        lambda most, least: {
            "type": "list[Choice]",
            "max_length": most + least,
            "items": {},
            "default": ["a very long member value " * 3] * least,
        },
        st.integers(0, 10**20),
        st.integers(0, 3),
    ),
    st.builds(
        lambda low: {
            "type": "dict[str, tuple[float, float]]",
            "keys": {"pattern": "[a-z]+"},
            "values": {"items": [{"gt": low}, None]},
        },
        st.floats(-1e300, 1e300),
    ),
)


def _module(answers: dict[str, Any]) -> str:
    """model.py as the template writes it, with the state class named `State`."""
    code = answers["schema"]["code"]["model"]
    blocks = "".join(f"\n\n\n{block}" for block in code["blocks"])
    return (
        f'"""Model."""\n\n{code["imports"]}\n\nSCHEMA_VERSION = {code["version"]}{blocks}\n\n\n'
        f'{code["state_comment"]}@dataclass(kw_only=True)\nclass State:\n    """Root."""\n\n'
        f"{code['state_fields']}\n"
    )


any_field = st.one_of(scalar_fields, newer_fields)


def _formatted(source: str) -> str:
    done = subprocess.run(
        [str(RUFF), "format", "--isolated", "--line-length", "100", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(names, st.one_of(scalar_fields, newer_fields), min_size=1, max_size=6), texts
)
def test_model_code_is_laid_out_as_ruff_would(fields: dict[str, Any], description: str) -> None:
    """Declarations of any length, with any default, are already in ruff's layout."""
    spec = {
        "name": "x",
        "version": "1.0.0",
        "state": "State",
        "description": description,
        "types": {
            "Choice": {"enum": ["a", "a very long member value " * 3]},
            "Long": {"fields": {"a_" + "very_" * 15 + "long_name": {"type": "int", "default": 0}}},
        },
        "fields": fields,
    }
    # JSON is YAML, and it writes any text unambiguously.
    module = _module(template_answers(parse_spec(json.dumps(spec, ensure_ascii=False))))
    assert _formatted(module) == module


# JSON keys for aliases: text a state file may hold, of any length up to the limit.
aliases = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Cf", "Cn", "Co", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=80,
)


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(names, st.tuples(any_field, aliases), min_size=1, max_size=5))
def test_aliased_model_code_is_laid_out_as_ruff_would(
    fields: dict[str, tuple[dict[str, Any], str]],
) -> None:
    """A field with an alias gets `field(..., metadata={"json": key})`, in ruff's layout."""
    spec = {
        "name": "x",
        "version": "1.0.0",
        "state": "State",
        "types": {
            "Choice": {"enum": ["a", "a very long member value " * 3]},
            "Long": {"fields": {"a_" + "very_" * 15 + "long_name": {"type": "int", "default": 0}}},
        },
        # A key of its own for each field, which is never a field's name (it holds `@`).
        "fields": {
            name: {**body, "alias": f"{key}@{name}"} for name, (body, key) in fields.items()
        },
    }
    module = _module(template_answers(parse_spec(json.dumps(spec, ensure_ascii=False))))
    assert _formatted(module) == module
    assert module.count("metadata={") == len(fields)


def test_aliased_fields_carry_their_key_as_metadata() -> None:
    """Each kind of default keeps its form, with the JSON key added as field metadata."""
    spec = """name: x
version: 1.0.0
state: State
fields:
  kind: {type: str, alias: type}
  last_seen: {type: datetime, alias: last-seen, default_factory: now}
  n: {type: int, alias: bytes, default: 3, ge: 0}
  tags: {type: "list[str]", alias: list, default: [a]}
  plain: {type: int, default: 0}
"""
    code = template_answers(parse_spec(spec))["schema"]["code"]["model"]
    assert code["state_fields"].splitlines() == [
        '    kind: str = field(metadata={"json": "type"})',
        '    last_seen: datetime = field(default_factory=_utcnow, metadata={"json": "last-seen"})',
        '    n: Annotated[int, Constraints(ge=0)] = field(default=3, metadata={"json": "bytes"})',
        "    tags: list[str] = field(",
        "        default_factory=lambda: [",
        '            "a",',
        "        ],",
        '        metadata={"json": "list"},',
        "    )",
        "    plain: int = 0",
    ]
    assert "from dataclasses import dataclass, field" in code["imports"]


def test_the_layout_check_can_fail() -> None:
    """Positive control: a long declaration on one line, as the old template wrote it, is not
    in ruff's layout, so the property above can catch one."""
    long = f'    note_{"x" * 60}: str = "{"y" * 60}"\n'
    module = f"class State:\n{long}"
    assert _formatted(module) != module


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yml")), ids=lambda p: p.stem)
def test_written_back_spec_reads_as_the_same_schema(example: Path) -> None:
    """The `stategen.yml` written from the answers parses back to the schema it came from."""
    schema = load_spec(example)
    text = template_answers(schema)["schema"]["code"]["spec"]
    assert parse_spec(text) == schema


def test_copier_default_is_the_example_as_stategen_records_it() -> None:
    """copier.yml's default answers are exactly what `stategen new` computes for the example,
    so plain `copier copy --defaults` renders the same project (scripts/copier_defaults.py
    writes them)."""
    config = yaml.safe_load((REPO / "copier.yml").read_text(encoding="utf-8"))
    answers = rendering_answers(load_spec(EXAMPLES / "batch.yml"))
    for key in ("name", "package", "state", "description", "stategen_requirement", "schema"):
        assert config[key]["default"] == answers[key], (
            f"copier.yml's default {key} is stale: run scripts/copier_defaults.py"
        )


def _random_annotation(chooser: random.Random, depth: int = 0) -> serializer.Node:
    """An annotation of the shapes the model writes: names, generics, Annotated, `| None`."""
    roll = chooser.random()
    if depth > 2 or roll < 0.25:
        return serializer.name(chooser.choice(["int", "str", "Decimal", "Status", "UUID"]))
    if roll < 0.55:
        rules = tuple(
            serializer.Prefixed(
                f"{key}=", serializer.literal(chooser.choice([0, 10**38, "x" * 60]))
            )
            for key in chooser.sample(["ge", "le", "max_length", "pattern"], chooser.randint(1, 3))
        )
        constraints = serializer.Call("Constraints", rules)
        return serializer.subscript(
            "Annotated", _random_annotation(chooser, depth + 2), constraints
        )
    if roll < 0.75:
        items = [_random_annotation(chooser, depth + 1) for _ in range(chooser.randint(1, 3))]
        return serializer.subscript(chooser.choice(["list", "tuple", "dict"]), *items)
    inner = _random_annotation(chooser, depth + 1)
    return inner if isinstance(inner, serializer.OrNone) else serializer.OrNone(inner)


def _random_value(chooser: random.Random) -> serializer.Node | None:
    """A default of the shapes the model writes: atoms, calls, literals, field(...)."""
    return chooser.choice(
        [
            None,
            serializer.name("None"),
            serializer.name(serializer.string("x" * chooser.randint(1, 80))),
            serializer.name(str(chooser.randint(-100, 100))),
            serializer.call("Decimal", serializer.literal("1" * chooser.randint(1, 60))),
            serializer.call("datetime", *map(serializer.literal, (2024, 1, 1, 5, 6, 7, 8))),
            serializer.Call(
                "field", (serializer.Prefixed("default_factory=", serializer.name("uuid4")),)
            ),
            serializer.Collection("(", ")", (serializer.literal(10**30), serializer.literal(-1))),
        ]
    )


def test_declarations_of_every_shape_are_laid_out_as_ruff_would() -> None:
    """`name: annotation = value` of any length, split where ruff splits it: 600 at once."""
    chooser = random.Random(14)
    lines = ["class State:"]
    for number in range(600):
        name = "n" * chooser.randint(1, 45) + str(number)
        annotation, value = _random_annotation(chooser), _random_value(chooser)
        lines += ["    " + line for line in declaration(name, annotation, value, 4)]
    module = "\n".join(lines) + "\n"
    assert _formatted(module) == module
