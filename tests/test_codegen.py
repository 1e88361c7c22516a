"""The code the templates substitute: laid out as ruff's formatter would, and the spec read back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from stategen.codegen.template import template_answers
from stategen.project import rendering_answers
from stategen.spec import load_spec, parse_spec

RUFF = Path(sys.executable).parent / "ruff"

# Names from 1 to 70 characters, so declarations land on both sides of the 100-column limit.
names = st.from_regex(r"[a-z][a-z0-9_]{0,69}", fullmatch=True).filter(
    lambda n: n not in ("field", "date", "datetime", "float", "int", "str", "bool", "list", "dict")
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


def _module(answers: dict[str, Any]) -> str:
    """model.py as the template writes it, with the state class named `State`."""
    code = answers["schema"]["code"]["model"]
    blocks = "".join(f"\n\n\n{block}" for block in code["blocks"])
    return (
        f'"""Model."""\n\n{code["imports"]}\n\nSCHEMA_VERSION = {code["version"]}{blocks}\n\n\n'
        f'{code["state_comment"]}@dataclass(kw_only=True)\nclass State:\n    """Root."""\n\n'
        f"{code['state_fields']}\n"
    )


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
@given(st.dictionaries(names, scalar_fields, min_size=1, max_size=6), texts)
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
