"""`stategen check` compares the generated model with the spec, by parsing it (never importing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_stategen

from stategen.codegen.drift import model_drift
from stategen.spec import load_spec

MODEL = "src/batch_state/model.py"


@pytest.fixture(scope="module")
def model(batch_project: Path) -> str:
    """The example's model.py exactly as `stategen new` generated it."""
    return (batch_project / MODEL).read_text(encoding="utf-8")


def _messages(source: str) -> list[str]:
    schema = load_spec(EXAMPLES / "batch.yml")
    return [f"{d.line}: {d.message}" for d in model_drift(source, schema)]


class TestDrift:
    def test_the_generated_model_matches(self, model: str) -> None:
        assert _messages(model) == []

    def test_layout_comments_and_methods_do_not_count(self, model: str) -> None:
        """Only what the state file depends on is compared."""
        edited = model.replace("    current_index: int = 0", "    current_index: int = (0)  # n")
        edited += "\n    def extra(self) -> int:\n        return 1\n\n\nclass Mine:\n    x: int\n"
        edited = edited.replace(
            "class BatchState:\n", "class BatchState:\n    LIMIT: ClassVar[int] = 3\n"
        )
        assert _messages(edited) == []

    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [
            (
                "    current_index: int = 0",
                '    current_index: str = "0"',
                "BatchState.current_index is declared `current_index: str = '0'`, but the spec "
                "makes it int",
            ),
            (
                "    current_index: int = 0",
                "    current_index: int = 1",
                "BatchState.current_index is declared `current_index: int = 1`, but the spec "
                "gives it the default 0",
            ),
            (
                "    width: int = 1024",
                "    width: int",
                "Window.width is declared `width: int`, but the spec gives it the default 1024",
            ),
            (
                '    DONE = "done"',
                '    DONE = "finished"',
                "Status.DONE is declared `DONE = 'finished'`, but the spec gives it the value "
                "'done'",
            ),
            (
                'SCHEMA_VERSION = "1.0.0"',
                'SCHEMA_VERSION = "1.1.0"',
                "SCHEMA_VERSION is '1.1.0', but the released schema is 1.0.0",
            ),
            (
                "    note: str | None = None",
                "    note: str | None = None\n    extra: int = 0",
                "BatchState.extra is not in the spec (`extra: int = 0`)",
            ),
        ],
    )
    def test_each_difference_is_named_at_its_line(
        self, model: str, old: str, new: str, expected: str
    ) -> None:
        assert old in model
        edited = model.replace(old, new)
        line = edited.splitlines().index(new.splitlines()[-1]) + 1
        assert _messages(edited) == [f"{line}: {expected}"]

    def test_missing_pieces(self, model: str) -> None:
        start = model.index("@dataclass(kw_only=True)\nclass Window:")
        end = model.index("\n\n\n", start)
        edited = model[:start] + model[end + 3 :]
        edited = edited.replace("    note: str | None = None\n", "")
        class_line = edited.splitlines().index("class BatchState:") + 1
        assert _messages(edited) == [
            "None: class Window is missing; the spec defines it",
            f"{class_line}: BatchState.note is missing; the spec has `note: str | None = None`",
        ]


class TestCheckCommand:
    def test_a_hand_changed_type_fails_check_with_file_and_line(
        self, batch_project: Path, tmp_path: Path
    ) -> None:
        """The case from the field: someone changes a type in model.py; check says so."""
        project = tmp_path / "project"
        shutil.copytree(batch_project, project)
        model = project / MODEL
        text = model.read_text(encoding="utf-8")
        model.write_text(text.replace("    current_index: int = 0", "    current_index: str = '0'"))
        line = text.splitlines().index("    current_index: int = 0") + 1

        done = run_stategen("check", "-p", project)

        assert done.returncode == 1
        problems = [line for line in done.stdout.splitlines() if line.startswith("problem:")]
        assert problems == [
            f"problem: {MODEL}:{line}: BatchState.current_index is declared `current_index: "
            "str = '0'`, but the spec makes it int; put the change in stategen.yml and run "
            "`stategen bump`, or undo the edit in the model"
        ]

    def test_a_model_that_does_not_parse(self, batch_project: Path, tmp_path: Path) -> None:
        project = tmp_path / "project"
        shutil.copytree(batch_project, project)
        (project / MODEL).write_text("class BatchState(:\n", encoding="utf-8")
        done = run_stategen("check", "-p", project)
        assert done.returncode == 1
        assert f"problem: {MODEL}:1: the model does not parse" in done.stdout

    def test_the_untouched_project_passes(self, batch_project: Path) -> None:
        """Positive control for the two above."""
        assert run_stategen("check", "-p", batch_project).returncode == 0
