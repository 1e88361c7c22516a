"""The version policy: changed data needs a new version, as large as the change."""

from __future__ import annotations

import pytest
from evolve_cases import CASES, add, evolve, field, literal, plan_of, task

from stategen.errors import SpecError
from stategen.evolve import Bump, check_version
from stategen.schema import SchemaVersion


def _case(name: str) -> tuple[dict[str, object], dict[str, object]]:
    case = next(c for c in CASES if c.name == name)
    return case.before, case.after


def _with_version(answers: dict[str, object], version: str) -> dict[str, object]:
    schema = dict(answers["schema"])  # type: ignore[call-overload]
    schema["version"] = version
    return {**answers, "schema": schema}


class TestCheckVersion:
    @pytest.mark.parametrize(
        ("case_name", "version", "suggested"),
        [
            ("task_with_priority", "1.0.0", "1.1.0"),  # additive, version unchanged
            ("task_with_priority", "1.0.1", "1.1.0"),  # additive, only a patch step
            ("task_title_renamed", "1.0.0", "2.0.0"),  # breaking, version unchanged
            ("task_title_renamed", "1.1.0", "2.0.0"),  # breaking, only a minor step
            ("task_status_without_failed", "1.0.0", "2.0.0"),
        ],
    )
    def test_refuses_and_suggests(self, case_name: str, version: str, suggested: str) -> None:
        """Too small a step is refused with the exact version to set."""
        before, after = _case(case_name)
        plan = plan_of(before, _with_version(after, version))
        with pytest.raises(SpecError) as error:
            check_version(plan)
        assert f"set `version: {suggested}`" in str(error.value), plan.describe()
        assert error.value.key_path == "version"

    @pytest.mark.parametrize(
        ("case_name", "version"),
        [
            ("task_with_priority", "1.1.0"),
            ("task_with_priority", "2.0.0"),
            ("task_title_renamed", "2.0.0"),
            ("task_count_default_5", "1.0.0"),  # a warning alone needs no new version
            ("task_unchanged", "1.0.0"),
            ("task_unchanged", "1.0.1"),
        ],
    )
    def test_accepts(self, case_name: str, version: str) -> None:
        """A step at least as large as the changes passes."""
        before, after = _case(case_name)
        check_version(plan_of(before, _with_version(after, version)))

    def test_refuses_going_back(self) -> None:
        """A version older than the last released one is refused."""
        v2 = task("2.0.0")
        with pytest.raises(SpecError, match=r"older than the last released version 2\.0\.0"):
            check_version(plan_of(v2, _with_version(v2, "1.9.0")))

    def test_major_zero_breaks_with_a_minor_step(self) -> None:
        """Before 1.0.0 a minor step may break (semver item 4)."""
        before = task("0.3.0")
        after = evolve(before, "0.4.0", lambda s: s["fields"].pop(0))
        check_version(plan_of(before, after))
        with pytest.raises(SpecError, match=r"set `version: 0\.4\.0`"):
            check_version(plan_of(before, _with_version(after, "0.3.1")))

    def test_message_names_the_codes(self) -> None:
        """The refusal lists the codes of the changes that need the step."""
        before = task()
        after = evolve(before, "1.0.0", add(field("x", "int", literal(1))))
        with pytest.raises(SpecError, match=r"additive: SG101"):
            check_version(plan_of(before, after))


@pytest.mark.parametrize(
    ("version", "bump", "expected"),
    [
        ("1.4.2", Bump.MAJOR, "2.0.0"),
        ("1.4.2", Bump.MINOR, "1.5.0"),
        ("1.4.2", Bump.NONE, "1.4.3"),
        ("0.4.2", Bump.MAJOR, "0.5.0"),
    ],
)
def test_next_version(version: str, bump: Bump, expected: str) -> None:
    """The suggestion is the smallest version that makes the needed step."""
    assert str(SchemaVersion.parse(version).next(bump)) == expected
