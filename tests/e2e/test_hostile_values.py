"""Spec text that looks like code or template syntax comes out as data, never as code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_stategen

pytestmark = pytest.mark.e2e

HOSTILE = [
    'a "quoted" value',
    "it's",
    "both ' and \" quotes",
    "back\\slash \\n not a newline",
    "line one\nline two",
    "{{ 7 * 7 }} and {% raw %}",
    '""" triple """',
    "unicode: ✓ 😀 ünïcödé",
    "x" * 130,
]


def _spec(tmp_path: Path) -> Path:
    fields = {
        f"f{index}": {"type": "str", "default": text, "doc": text}
        for index, text in enumerate(HOSTILE)
    }
    fields["tags"] = {"type": "list[str]", "default": HOSTILE}
    fields["labels"] = {"type": "dict[str, str]", "default": {t: t for t in HOSTILE}}
    spec = {
        "name": "hostile-state",
        "version": "1.0.0",
        "description": "\n".join(HOSTILE),
        "types": {"Mood": {"enum": ["it's", 'say "hi"', "{{ x }}"], "doc": HOSTILE[4]}},
        "fields": {**fields, "mood": {"type": "Mood", "default": "{{ x }}"}},
    }
    path = tmp_path / "stategen.yml"
    # JSON is valid YAML, and json.dumps escapes every character unambiguously.
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_hostile_text_round_trips_as_data(tmp_path: Path) -> None:
    """Defaults, docs and enum values holding quotes, newlines and Jinja are kept exactly."""
    dest = tmp_path / "project"
    result = run_stategen("new", dest, "--spec", _spec(tmp_path))
    assert result.returncode == 0, result.stderr
    probe = (
        "import json, hostile_state as h; s = h.HostileState();"
        "print(json.dumps([[getattr(s, f'f{i}') for i in range(9)], s.tags, s.labels,"
        " [m.value for m in h.Mood], s.mood.value]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=dest,
        env={"PYTHONPATH": str(dest / "src")},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    scalars, tags, labels, members, mood = json.loads(out.stdout)
    assert scalars == HOSTILE
    assert tags == HOSTILE
    assert labels == {t: t for t in HOSTILE}
    assert members == ["it's", 'say "hi"', "{{ x }}"]
    assert mood == "{{ x }}"
    for tool in (
        ["ruff", "check", "--no-cache", "."],
        ["ruff", "format", "--check", "--no-cache", "."],
    ):
        lint = subprocess.run(
            [sys.executable, "-m", *tool], cwd=dest, capture_output=True, text=True
        )
        assert lint.returncode == 0, lint.stdout + lint.stderr
