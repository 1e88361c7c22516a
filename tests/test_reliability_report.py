"""The reliability report's reading and judging, from hand-made evidence and junit files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reliability.__main__ as entry
from reliability._context import Context
from reliability._junit import read_junit
from reliability._process import Finished, run
from reliability._report import render
from reliability._rows import Row, merge_cases, read_evidence
from reliability._run import Results, Suite, suite_row
from reliability._verdict import EMPTY, FAIL, PASS, judge
from reliability.sizes import HEAVY, environment


def _evidence(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _row(check: str, runs: int, failures: int, control: bool = False) -> dict[str, object]:
    return {
        "check": check,
        "test": f"tests/test_x.py::test_{check}",
        "runs": runs,
        "failures": failures,
        "control": control,
        "detail": "",
    }


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
  <testcase classname="tests.test_x" name="test_fine" time="0.1" />
  <testcase classname="tests.test_x.TestKill" name="test_crashes[2]" time="0.1">
    <failure message="AssertionError: torn file&#10;more">traceback</failure>
  </testcase>
  <testcase classname="tests.test_x" name="test_setup" time="0.1">
    <error message="fixture exploded">traceback</error>
  </testcase>
  <testcase classname="tests.test_x" name="test_skipped" time="0.0">
    <skipped message="no progress" />
  </testcase>
</testsuite></testsuites>
"""


def test_a_control_passes_only_when_it_sees_failures() -> None:
    assert not Row("torn (naive writer)", "t", runs=100, failures=0, control=True).passed
    assert Row("torn (naive writer)", "t", runs=100, failures=93, control=True).passed
    assert Row("torn", "t", runs=100, failures=0).passed
    assert not Row("torn", "t", runs=100, failures=1).passed


def test_evidence_is_read_from_a_line_on_with_a_prefix(tmp_path: Path) -> None:
    path = _evidence(tmp_path / "e.jsonl", _row("a", 5, 0), _row("b", 7, 2, control=True))
    rows, count = read_evidence(path)
    assert count == 2
    assert [(r.check, r.runs, r.failures, r.control) for r in rows] == [
        ("a", 5, 0, False),
        ("b", 7, 2, True),
    ]
    later, _ = read_evidence(path, start=1, where="proj/")
    assert [r.test for r in later] == ["proj/tests/test_x.py::test_b"]
    assert read_evidence(tmp_path / "missing.jsonl") == ([], 0)


@pytest.mark.parametrize(
    "line",
    [
        "{not json",
        '["a list"]',
        '{"check": "a", "test": "t", "runs": 3}',
        '{"check": "a", "test": "t", "runs": true, "failures": 0}',
        '{"check": "a", "test": "t", "runs": 3, "failures": -1}',
        '{"check": "a", "test": "t", "runs": 3, "failures": 0, "control": "yes"}',
    ],
)
def test_a_damaged_evidence_line_is_a_failing_row(tmp_path: Path, line: str) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text(json.dumps(_row("fine", 1, 0)) + "\n" + line + "\n", encoding="utf-8")
    rows, _ = read_evidence(path)
    assert rows[0].passed
    assert rows[1].check == "evidence line 2 unreadable"
    assert not rows[1].passed


def test_junit_failures_and_errors_become_failing_rows(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("", encoding="utf-8")
    (tmp_path / "report.xml").write_text(JUNIT, encoding="utf-8")
    tally = read_junit(tmp_path / "report.xml", root=tmp_path, where="proj/")
    assert tally is not None
    assert (tally.tests, tally.skipped) == (4, 1)
    assert [(r.check, r.test, r.detail) for r in tally.failed] == [
        (
            "test_crashes[2]",
            "proj/tests/test_x.py::TestKill::test_crashes[2]",
            "failed: AssertionError: torn file",
        ),
        ("test_setup", "proj/tests/test_x.py::test_setup", "errored: fixture exploded"),
    ]
    assert not any(row.passed for row in tally.failed)
    assert read_junit(tmp_path / "missing.xml", root=tmp_path) is None


def test_a_suite_that_exits_non_zero_fails_even_with_no_failed_test(tmp_path: Path) -> None:
    suite = Suite("the suite", "s", ("tests",), tmp_path, "")
    crashed = Finished(["pytest"], 3, 1.0, tmp_path / "log")
    assert not suite_row(suite, crashed, None).passed
    clean = Finished(["pytest"], 0, 1.0, tmp_path / "log")
    assert suite_row(suite, clean, None).passed


def test_the_verdict() -> None:
    good = Row("lost updates", "t", runs=400, failures=0)
    blind = Row("torn (control)", "t", runs=50, failures=0, control=True)
    assert judge(Results(rows=[], recorded=0)).status == EMPTY
    # Rows from junit alone are not evidence: still refused.
    assert judge(Results(rows=[good], recorded=0)).status == EMPTY
    assert judge(Results(rows=[good], recorded=1)).status == PASS
    failed = judge(Results(rows=[good, blind], recorded=2))
    assert failed.status == FAIL
    assert "torn (control)" in failed.summary
    assert "\n" not in failed.summary
    unhappy = judge(Results(rows=[good], recorded=1, problems=["suite: pytest exit 1"]))
    assert (unhappy.status, "pytest exit 1" in unhappy.summary) == (FAIL, True)


def test_light_mode_unsets_the_heavy_sizes(tmp_path: Path) -> None:
    base = {"PATH": "/bin", "STATEGEN_KILL_ITERATIONS": "7"}
    light = environment(base, heavy=False, evidence=tmp_path / "e")
    assert "STATEGEN_KILL_ITERATIONS" not in light
    assert light["STATEGEN_EVIDENCE"] == str(tmp_path / "e")
    heavy = environment(base, heavy=True, evidence=tmp_path / "e")
    assert {name: heavy[name] for name in HEAVY} == {k: str(v) for k, v in HEAVY.items()}


def _fake_run(tmp_path: Path, evidence: list[dict[str, object]], junit: str | None) -> Results:
    """What run_all would return after suites that left these files behind."""
    rows, _ = read_evidence(_evidence(tmp_path / "e.jsonl", *evidence))
    results = Results(rows=list(rows), recorded=len(rows))
    if junit is not None:
        (tmp_path / "r.xml").write_text(junit, encoding="utf-8")
        tally = read_junit(tmp_path / "r.xml", root=tmp_path)
        assert tally is not None
        results.rows += tally.failed
    return results


def _main(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, results: Results) -> tuple[int, Path]:
    monkeypatch.setattr(entry, "run_all", lambda work, heavy, log: results)
    output = tmp_path / "docs" / "reliability.md"
    status = entry.main(["--quiet", "--output", str(output), "--keep", str(tmp_path / "work")])
    return status, output


def test_empty_evidence_exits_2_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = _main(monkeypatch, tmp_path, _fake_run(tmp_path, [], JUNIT))
    assert status == 2
    assert not output.exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_junit_failure_reaches_the_page_and_the_exit_status(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    results = _fake_run(tmp_path, [_row("kills", 25, 0)], JUNIT)
    status, output = _main(monkeypatch, tmp_path, results)
    assert status == 1
    page = output.read_text(encoding="utf-8")
    crashed = next(line for line in page.splitlines() if "test_crashes[2]" in line)
    assert crashed.endswith("| **FAIL** |")


def test_all_passing_rows_exit_0_with_one_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    results = _fake_run(tmp_path, [_row("kills", 25, 0), _row("naive", 25, 20, True)], None)
    status, output = _main(monkeypatch, tmp_path, results)
    assert status == 0
    page = output.read_text(encoding="utf-8")
    assert page.count("| check | test | runs | failures | expected | result |") == 1
    assert "| naive | `tests/test_x.py::test_naive` | 25 | 20 | > 0 (control) | pass |" in page
    assert "**FAIL**" not in page
    assert "python -m reliability --output" in page


def test_a_blind_control_fails_on_the_page(tmp_path: Path) -> None:
    rows = [Row("naive writer", "t", runs=10, failures=0, control=True, detail="a\nb")]
    context = Context("python -m reliability", False, "2024-01-01", 1.0, "a box", "stategen 0")
    page = render(rows, context, tmp_path / "reliability.md")
    assert "| naive writer (a b) | `t` | 10 | 0 | > 0 (control) | **FAIL** |" in page
    assert "0 of 1 rows pass" in page


def test_keep_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("from an earlier run", encoding="utf-8")
    assert entry.main(["--quiet", "--keep", str(tmp_path)]) == EMPTY


def test_a_stuck_child_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    stuck = run(["sleep", "30"], cwd=tmp_path, env={}, log=tmp_path / "log", timeout=0.2)
    assert stuck.status is None
    assert stuck.seconds < 10


def test_parametrized_cases_merge_into_one_row_that_fails_with_any_case() -> None:
    rows = [
        Row("matrix", "t.py::test_x[empty]", runs=1, failures=0),
        Row("matrix", "t.py::test_x[truncated]", runs=1, failures=1),
        Row("other", "t.py::test_y", runs=5, failures=0, detail="plain"),
        Row("matrix", "t.py::test_z[empty]", runs=1, failures=0),
    ]
    merged = merge_cases(rows)
    assert [(row.check, row.test, row.runs, row.failures) for row in merged] == [
        ("matrix", "t.py::test_x", 2, 1),
        ("other", "t.py::test_y", 5, 0),
        ("matrix", "t.py::test_z[empty]", 1, 0),
    ]
    assert merged[0].detail == "2 cases: empty, truncated"
    assert not merged[0].passed and merged[1].passed
