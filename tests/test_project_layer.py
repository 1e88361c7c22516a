"""The project layer: the recorded answers, the template source and git, as commands see them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, run_stategen

from stategen import _git
from stategen._exit import reporting_errors
from stategen.answers import from_answers, to_answers
from stategen.errors import GitError, SpecError
from stategen.spec import load_spec


def _git_cli(cwd: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "T"}
    env["GIT_COMMITTER_EMAIL"] = "t@x"
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


class TestGit:
    def test_a_failing_git_call_is_not_a_usage_error(self, tmp_path: Path) -> None:
        """GitError exits 1 ("look at this"), never 2 ("your input is wrong")."""
        with pytest.raises(GitError, match="rev-parse") as caught:
            _git.run("rev-parse", "--verify", "HEAD", cwd=tmp_path)
        assert caught.value.exit_code == 1
        with pytest.raises(SystemExit) as exited, reporting_errors():
            raise caught.value
        assert exited.value.code == 1

    def test_positive_control(self, tmp_path: Path) -> None:
        """The same call succeeds once there is a commit, so the failure above is git's."""
        _git_cli(tmp_path, "init", "-q")
        _git_cli(tmp_path, "commit", "-q", "--allow-empty", "-m", "x")
        assert _git.run("rev-parse", "--verify", "HEAD", cwd=tmp_path).returncode == 0


class TestRecordedSchema:
    @pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yml")), ids=lambda p: p.stem)
    def test_round_trip(self, example: Path) -> None:
        """A schema written as answers reads back as the same schema."""
        schema = load_spec(example)
        assert from_answers(to_answers(schema)) == schema

    @pytest.mark.parametrize(
        ("edit", "where", "what"),
        [
            (lambda s: s["fields"][0].update(annotation="list["), "schema.fields[0]", "type"),
            (lambda s: s["fields"][0].update(name="class"), "schema.fields[0]", "identifier"),
            (lambda s: s["fields"][2].update(default={"kind": "literal", "value": "x"}), "", "fit"),
            (lambda s: s["fields"][2].update(default={"kind": "gone"}), "", "unknown default"),
            (lambda s: s.update(version="1.0"), "schema.version", "MAJOR.MINOR.PATCH"),
            (lambda s: s.pop("fields"), "schema", "'fields'"),
        ],
    )
    def test_hand_edits_are_one_clear_error(self, edit, where: str, what: str) -> None:  # type: ignore[no-untyped-def]
        """A broken recorded schema is a SpecError naming the file, the place and the fault."""
        answers = to_answers(load_spec(EXAMPLES / "batch.yml"))
        edit(answers["schema"])
        with pytest.raises(SpecError) as caught:
            from_answers(answers, file=".copier-answers.yml")
        message = str(caught.value)
        assert message.startswith(".copier-answers.yml: " + where)
        assert what in message and "\n" not in message

    def test_check_reports_it_with_exit_2(self, batch_project: Path, tmp_path: Path) -> None:
        """Through the CLI: one line, exit 2, no traceback; the untouched copy checks fine."""
        import shutil

        broken = tmp_path / "broken"
        shutil.copytree(batch_project, broken)
        answers_path = broken / ".copier-answers.yml"
        answers = yaml.safe_load(answers_path.read_text(encoding="utf-8"))
        answers["schema"]["fields"][0]["annotation"] = "strr"
        answers_path.write_text(yaml.safe_dump(answers), encoding="utf-8")

        done = run_stategen("check", "-p", broken)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert ".copier-answers.yml: schema.fields[0]" in done.stderr
        assert run_stategen("check", "-p", batch_project).returncode == 0


class TestReleasedMemberNames:
    def test_a_released_member_keeps_its_name(self) -> None:
        """A member named by an older rule (`café` was `CAF_`) keeps that name in later
        releases, so user code that names it keeps working and check sees no change."""
        import dataclasses

        from stategen.project import Project
        from stategen.schema import Member
        from stategen.spec import parse_spec

        text = "name: x\nversion: {v}\ntypes:\n  E: {{enum: [{values}]}}\nfields:\n  e: E\n"
        released = parse_spec(text.format(v="1.0.0", values="café"))
        old_enum = released.enums["E"]
        released = dataclasses.replace(
            released,
            enums={"E": dataclasses.replace(old_enum, members=(Member("CAF_", "café"),))},
        )
        project = Project(Path("/nowhere"), to_answers(released), "check")
        spec = parse_spec(text.format(v="1.1.0", values="café, crème"))

        assert [m.name for m in spec.enums["E"].members] == ["CAFE", "CREME"]  # today's rule
        grown = project.release(spec)
        assert [m.name for m in grown.enums["E"].members] == ["CAF_", "CREME"]
        unchanged = parse_spec(text.format(v="1.0.0", values="café"))
        assert project.release(unchanged) == project.schema  # `check`: nothing pending
