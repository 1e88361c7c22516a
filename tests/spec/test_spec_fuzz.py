"""Property: whatever the input, parsing a spec either succeeds or raises one-line SpecError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stategen.answers import to_answers
from stategen.errors import SpecError
from stategen.spec import parse_spec

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "batch.yml").read_text()

#: Keys that steer garbage into the parser's deeper branches.
KEYS = [
    "name", "package", "state", "version", "description", "types", "fields", "progress",
    "type", "default", "default_factory", "doc", "renamed_from", "enum", "items", "completed",
    "failed", "Status", "Window", "a", "b", "version",
]  # fmt: skip
WORDS = [
    "str", "int", "float", "bool", "datetime", "date", "list[str]", "dict[str, str]",
    "str | None", "Status", "Window", "now", "today", "list", "dict", "1.0.0", "batch-state",
    "pending", "list[", "None", "", "{{ x }}", "a\x00b", "\ud800",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from(WORDS),
    st.text(max_size=8),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), SCALARS), inner, max_size=5),
    ),
    max_leaves=25,
)
YAMLISH = st.text(alphabet="abc:-[]{},&*!|>'\"#?%@` \n\t0123\\", max_size=80)


def _check(text: str) -> None:
    try:
        spec = parse_spec(text, file="fuzz.yml")
    except SpecError as error:
        message = str(error)
        assert "\n" not in message
        assert message.startswith("fuzz.yml")
        return
    json.dumps(to_answers(spec))  # a valid spec always gives plain data


def _dump(value: Any) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None)
    except yaml.YAMLError:
        return json.dumps(value, default=str)


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Fewer examples where each one is dumped to YAML first, which costs more than parsing.
DUMPED = settings(FAST, max_examples=100)


@FAST
@given(text=st.text(max_size=120))
def test_any_text(text: str) -> None:
    """Arbitrary text is a spec or a SpecError, never another exception."""
    _check(text)


@FAST
@given(text=YAMLISH)
def test_yaml_punctuation(text: str) -> None:
    """Text dense in YAML syntax is a spec or a SpecError."""
    _check(text)


@DUMPED
@given(value=st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8))
def test_spec_shaped_data(value: dict[str, Any]) -> None:
    """Mappings with spec keys and odd values are a spec or a SpecError."""
    _check(_dump(value))


@DUMPED
@given(value=VALUES)
def test_any_document(value: Any) -> None:
    """Any YAML document (list, scalar, nesting) is a spec or a SpecError."""
    _check(_dump(value))


@FAST
@given(data=st.data())
def test_mutated_example(data: st.DataObject) -> None:
    """The example spec with a slice replaced by garbage is a spec or a SpecError."""
    start = data.draw(st.integers(0, len(EXAMPLE)))
    end = data.draw(st.integers(start, min(len(EXAMPLE), start + 40)))
    patch = data.draw(st.one_of(YAMLISH, st.sampled_from(WORDS), st.text(max_size=10)))
    _check(EXAMPLE[:start] + patch + EXAMPLE[end:])
