"""No spec content runs as code: not while generating, importing, or testing the project.

Each payload below would create a marker file if any layer (YAML loading, Jinja rendering,
the generated Python) evaluated it. Paths from the spec cannot leave DEST either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_stategen

from reliability.evidence import record

pytestmark = pytest.mark.e2e


def _payloads(marker: Path) -> list[str]:
    shell = f"touch {marker}"
    return [
        f"__import__('os').system('{shell}')",
        f"'); __import__('os').system('{shell}'); ('",
        f'"); __import__("os").system("{shell}"); ("',
        f'"""\n__import__("os").system("{shell}")\n"""',
        f"{{{{ cycler.__init__.__globals__.os.system('{shell}') }}}}",
        f"{{% set x = cycler.__init__.__globals__.os.system('{shell}') %}}",
        f"{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}{shell}",
        f"\\\n__import__('os').system('{shell}')  # line continuation",
        f"${{{shell}}} $(touch {marker}) `touch {marker}`",
    ]


def _spec(tmp_path: Path, payloads: list[str]) -> Path:
    fields = {
        f"f{index}": {"type": "str", "default": text, "doc": text}
        for index, text in enumerate(payloads)
    }
    fields["tags"] = {"type": "list[str]", "default": payloads}
    spec = {
        "name": "inert-state",
        "version": "1.0.0",
        "description": "\n".join(payloads),
        "types": {"Kind": {"enum": [payloads[0], payloads[5]], "doc": payloads[4]}},
        "fields": {**fields, "kind": {"type": "Kind", "default": payloads[0]}},
    }
    path = tmp_path / "stategen.yml"
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=2), encoding="utf-8")
    # A YAML tag that constructs Python objects under an unsafe loader.
    tagged = tmp_path / "tagged.yml"
    tagged.write_text(
        f"name: tagged\nversion: 1.0.0\nfields:\n"
        f"  a: !!python/object/apply:os.system ['touch {tmp_path / 'marker'}']\n",
        encoding="utf-8",
    )
    return path


def test_payloads_in_the_spec_never_execute(tmp_path: Path) -> None:
    """Generate, import and run the generated tests: no payload ever creates the marker."""
    marker = tmp_path / "marker"
    payloads = _payloads(marker)
    dest = tmp_path / "project"
    result = run_stategen("new", dest, "--spec", _spec(tmp_path, payloads))
    assert result.returncode == 0, result.stderr
    refused = run_stategen("new", tmp_path / "tagged", "--spec", tmp_path / "tagged.yml")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    env = {**os.environ, "PYTHONPATH": str(dest / "src")}
    probe = "import inert_state as s; print(json.dumps(s.InertState().tags))"
    out = subprocess.run(
        [sys.executable, "-c", f"import json; {probe}"],
        cwd=dest,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == payloads  # the text came through as data, exactly
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=dest,
        env=env,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    executed = marker.exists()
    record(
        "no code from input: payloads in defaults, docs, enums, descriptions, YAML tags",
        runs=len(payloads) + 1,
        failures=int(executed),
        detail="generated, imported and tested; the marker file was never created",
    )
    assert not executed


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", "../../escaped"),
        ("name", "/tmp/escaped"),
        ("package", "..escaped"),
        ("package", "escaped/../../x"),
        ("state", "../Escaped"),
    ],
)
def test_spec_names_cannot_escape_dest(tmp_path: Path, key: str, value: str) -> None:
    """Names that would be paths are refused with exit 2; nothing appears outside DEST."""
    spec = {"name": "ok-state", "version": "1.0.0", "fields": {"a": "int"}, key: value}
    spec_path = tmp_path / "spec" / "stategen.yml"
    spec_path.parent.mkdir()
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    dest = tmp_path / "a" / "b" / "dest"
    before = sorted(tmp_path.rglob("*"))
    result = run_stategen("new", dest, "--spec", spec_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(tmp_path.rglob("*")) == before
    record("no code from input: spec names cannot escape DEST", runs=1, failures=0, detail=key)


def test_every_generated_file_stays_inside_dest(tmp_path: Path) -> None:
    """A valid generation writes only under DEST."""
    dest = tmp_path / "inside" / "dest"
    spec = tmp_path / "stategen.yml"
    spec.write_text(
        json.dumps({"name": "ok-state", "version": "1.0.0", "fields": {"a": "int"}}),
        encoding="utf-8",
    )
    result = run_stategen("new", dest, "--spec", spec)
    assert result.returncode == 0, result.stderr
    outside = [p for p in tmp_path.rglob("*") if p != spec and dest not in (p, *p.parents)]
    assert outside == [tmp_path / "inside"]
