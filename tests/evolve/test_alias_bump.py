"""Changing an alias moves the stored key: `stategen bump` writes that migration, for real.

A project saves a file under its 1.0.0 keys; the spec then gives `title` an alias, moves a
record field's key, stores `count` under the key of the removed `note` and adds `labels`
under the key of the removed `tags`; the bump writes the moves (SG203), and the old file
loads in 2.0.0 with every value under its new key.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import GeneratedProjects
from projects import new_project

pytestmark = pytest.mark.e2e

SAVE = """
import sys
from notes_state import NotesState, NotesStateManager, Window
NotesStateManager(sys.argv[1]).save(
    NotesState(title="first", count=5, note="kept", window=Window(width=7))
)
"""

LOAD = """
import dataclasses, json, sys
from notes_state import NotesStateManager
manager = NotesStateManager(sys.argv[1])
state = manager.load()
manager.save(state)
print(json.dumps(dataclasses.asdict(state), default=str))
"""


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_an_alias_change_writes_a_migration_that_moves_the_key(
    generated_projects: GeneratedProjects, tmp_path: Path
) -> None:
    project = new_project(generated_projects, tmp_path)
    path = tmp_path / "state.json"
    _ok(project.python(SAVE, str(path)))

    project.edit_spec(
        (r"^version: 1\.0\.0$", "version: 2.0.0"),
        (r"^  title: \{type: str,", "  title: {type: str, alias: type,"),
        (r"^      width: \{type: int,", "      width: {type: int, alias: px,"),
        (r"^  count: .*$", "  count: {type: int, default: 0, alias: note}"),
        (r"^  note: .*\n", ""),
        (r"^  tags: .*$", '  labels: {type: "list[str]", default: [], alias: tags}'),
    )
    output = _ok(project.stategen("bump"))
    assert "SG203" in output, output
    migration = project.migration("1.0.0", "2.0.0").read_text(encoding="utf-8")
    assert 'data["type"] = data.pop("title")' in migration
    assert 'data["px"] = data.pop("width")' in migration
    # The removed `note` goes before `count` moves into its key, so neither value is lost.
    assert migration.index('data.pop("note", None)') < migration.index(
        'data["note"] = data.pop("count")'
    )
    # The removed `tags` goes before the new `labels` gets its default under that key.
    assert migration.index('data.pop("tags", None)') < migration.index(
        'data.setdefault("tags", [])'
    )
    project.commit("Schema 2.0.0")
    _ok(project.stategen("check"))

    loaded = json.loads(_ok(project.python(LOAD, str(path))))
    assert loaded["title"] == "first" and loaded["count"] == 5 and "note" not in loaded
    assert loaded["window"] == {"width": 7}
    assert loaded["labels"] == []
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["version"] == "2.0.0"
    assert stored["type"] == "first" and stored["note"] == 5 and stored["tags"] == []
    assert not {"title", "count", "labels"} & stored.keys()
    assert stored["window"] == {"px": 7}
