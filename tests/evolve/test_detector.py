"""The detector: every kind of change becomes the right operations, in a fixed order."""

from __future__ import annotations

import pytest
from conftest import REPO
from evolve_cases import (
    CASES,
    Case,
    E,
    add,
    assert_plan,
    both,
    change,
    drop,
    evolve,
    field,
    plan_of,
    rename,
    task,
)

from stategen.errors import SpecError
from stategen.evolve import Bump, Classification, InteractiveQuestioner, Questioner
from stategen.evolve.operations import (
    ALL,
    NO_VALUE,
    AddField,
    AddRequiredField,
    RemoveEnumMember,
    RemoveField,
)


class TestEveryKindOfChange:
    @pytest.mark.parametrize("case", CASES, ids=str)
    def test_plan(self, case: Case) -> None:
        """Each named before → after pair gives exactly the expected operations, in order."""
        assert_plan(plan_of(case.before, case.after), case.expected)

    @pytest.mark.parametrize("case", CASES, ids=str)
    def test_plan_is_deterministic(self, case: Case) -> None:
        """Diffing the same two states twice gives the same plan, description included."""
        first, second = plan_of(case.before, case.after), plan_of(case.before, case.after)
        assert first.describe() == second.describe()
        assert first.as_dict() == second.as_dict()

    def test_table_covers_every_operation(self) -> None:
        """The table above has at least one case for each operation class."""
        seen = {e.kind for case in CASES for e in case.expected}
        assert set(ALL) <= seen, sorted(k.__name__ for k in set(ALL) - seen)


class TestOrder:
    def test_renames_first_then_removals_retypes_additions_notes(self) -> None:
        """Within a scope: renames, removals, type changes, additions, then warnings."""
        after = evolve(
            task(),
            "2.0.0",
            both(
                add(field("zeta", "int", {"kind": "literal", "value": 1})),
                add(field("alpha", "int", {"kind": "literal", "value": 1})),
                drop("tags"),
                drop("note"),
                lambda s: s["fields"][1].update(annotation="float"),
                lambda s: s["fields"][0].update(name="heading", renamed_from="title"),
            ),
        )
        plan = plan_of(task(), after)
        names = [f"{type(op).__name__}:{op.subject}" for op in plan.operations]
        assert names == [
            "RenameField:TaskState.heading",
            "RemoveField:TaskState.note",
            "RemoveField:TaskState.tags",
            "WidenType:TaskState.count",
            "AddField:TaskState.alpha",
            "AddField:TaskState.zeta",
        ], plan.describe()

    def test_root_then_records_then_enums_then_types(self) -> None:
        """Scopes come root first, then records, enums, and whole types."""
        after = evolve(
            task(),
            "2.0.0",
            both(
                add(field("height", "int", {"kind": "literal", "value": 1}), scope="Window"),
                lambda s: s["enums"][0]["members"].pop(),
                lambda s: s["enums"].append({"name": "Aaa", "doc": None, "members": []}),
                add(field("zzz", "int", {"kind": "literal", "value": 1})),
            ),
        )
        scopes = [op.scope for op in plan_of(task(), after).operations]
        assert scopes == ["TaskState", "Window", "Status", "Aaa"]


def documented_rows(text: str) -> dict[str, tuple[str, str]]:
    """code -> (class, bump) from the `| SG... |` rows of a markdown table."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| SG"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            for code in cells[0].split(" / "):
                rows[code] = (cells[2], cells[3])
    return rows


#: What the table must say: each operation's code, class and bump.
EXPECTED = {kind.code: (kind.classification.value, kind.bump.label) for kind in ALL}
TABLE_PAGE = (REPO / "docs" / "schema-evolution.md").read_text(encoding="utf-8")


class TestTheDocumentedTable:
    def test_every_code_is_documented_with_its_class_and_bump(self) -> None:
        """docs/schema-evolution.md's table lists each operation's code, class and bump."""
        assert documented_rows(TABLE_PAGE) == EXPECTED

    def test_the_table_check_can_fail(self) -> None:
        """Positive control: the table without its SG304 row no longer matches."""
        text = "\n".join(line for line in TABLE_PAGE.splitlines() if "| SG304 |" not in line)
        assert documented_rows(text) != EXPECTED


class TestClassification:
    @pytest.mark.parametrize(
        ("case_name", "bump"),
        [
            ("task_unchanged", Bump.NONE),
            ("task_count_default_5", Bump.NONE),
            ("task_with_priority", Bump.MINOR),
            ("task_count_float", Bump.MINOR),
            ("task_status_archived", Bump.MINOR),
            ("task_without_note", Bump.MAJOR),
            ("task_title_renamed", Bump.MAJOR),
            ("task_count_str", Bump.MAJOR),
            ("task_status_without_failed", Bump.MAJOR),
        ],
    )
    def test_bump(self, case_name: str, bump: Bump) -> None:
        """Additive changes call for a minor bump, breaking ones for a major one."""
        case = next(c for c in CASES if c.name == case_name)
        assert plan_of(case.before, case.after).bump is bump

    def test_codes_are_unique_and_grouped_by_classification(self) -> None:
        """SG1xx safe, SG2xx breaking, SG3xx needs a migration, SG4xx warnings; no duplicates."""
        groups = {
            Classification.SAFE: "SG1",
            Classification.BREAKING: "SG2",
            Classification.NEEDS_MIGRATION: "SG3",
            Classification.WARN: "SG4",
        }
        codes = [kind.code for kind in ALL]
        assert len(codes) == len(set(codes))
        for kind in ALL:
            assert kind.code.startswith(groups[kind.classification]), kind.__name__

    def test_stubs_are_the_unknowable_changes(self) -> None:
        """Only a required field, a real retype, tighter rules, and a removed enum member or
        Literal value leave a stub."""
        stubs = {
            case.name: [op.code for op in plan_of(case.before, case.after).stubs] for case in CASES
        }
        assert {name: codes for name, codes in stubs.items() if codes} == {
            "task_with_owner_required": ["SG301"],
            "task_title_replaced_without_hint": ["SG301"],
            "task_count_str": ["SG302"],
            "task_note_required": ["SG302"],
            "task_status_without_failed": ["SG303"],
            "task_window_width_str": ["SG302"],
            "task_window_becomes_enum": ["SG302"],
            "rich_retries_up_to_5": ["SG304"],
            "rich_count_at_least_1": ["SG304"],
            "rich_ids_items_from_1": ["SG304"],
            "rich_code_other_pattern": ["SG304"],
            "rich_mode_without_fast": ["SG305"],
            "rich_labels_set": ["SG302"],
            "rich_ref_uuid": ["SG302"],
            "rich_budget_float": ["SG302"],
            "rich_status_without_failed": ["SG303"],
        }


class TestRenames:
    def test_rename_is_never_guessed(self) -> None:
        """A removal plus an addition of the same type stays a removal plus an addition."""
        after = evolve(task(), "2.0.0", both(drop("title"), add(field("name", "str"))))
        plan = plan_of(task(), after)
        assert [op.code for op in plan.operations] == ["SG202", "SG301", "SG402"]
        assert "renamed_from: title" in plan.operations[-1].describe()

    def test_no_warning_when_types_differ(self) -> None:
        """A removed str and an added int are not offered as a rename."""
        after = evolve(task(), "2.0.0", both(drop("title"), add(field("size", "int"))))
        assert_plan(
            plan_of(task(), after),
            [E(RemoveField, "TaskState.title"), E(AddRequiredField, "TaskState.size")],
        )

    def test_interactive_yes_asks_for_the_hint(self) -> None:
        """Confirming a rename interactively refuses, telling where to add `renamed_from`."""
        after = evolve(task(), "2.0.0", both(drop("title"), add(field("name", "str"))))
        answers = iter(["y", ""])
        questioner = InteractiveQuestioner(ask=lambda _: next(answers), say=lambda _: None)
        with pytest.raises(SpecError) as error:
            plan_of(task(), after, questioner)
        assert "renamed_from: title" in str(error.value)
        assert error.value.key_path == "fields.name"

    def test_hint_kept_after_its_release_is_ignored_silently(self) -> None:
        """`renamed_from` stays in the spec after the rename shipped; later diffs ignore it."""
        v2 = evolve(task(), "2.0.0", rename("title", "name"))
        v3 = evolve(v2, "2.1.0", add(field("extra", "int", {"kind": "literal", "value": 0})))
        assert_plan(plan_of(v2, v3), [E(AddField, "TaskState.extra")])

    def test_hint_naming_a_field_that_still_exists(self) -> None:
        """`renamed_from` of a field still present is ignored, with a warning saying why."""
        after = evolve(task(), "1.1.0", add(field("copy", "str", None, renamed_from="title")))
        plan = plan_of(task(), after)
        assert [op.code for op in plan.operations] == ["SG301", "SG403"]
        assert "still exists" in plan.operations[-1].describe()


class TestAliases:
    def test_keys_moving_in_a_circle_are_refused(self) -> None:
        """Two fields swapping their stored keys cannot be one move after another: SpecError."""
        after = evolve(
            task(), "2.0.0", both(change("title", alias="count"), change("count", alias="title"))
        )
        with pytest.raises(SpecError) as error:
            plan_of(task(), after)
        assert "move in a circle" in str(error.value)
        assert error.value.key_path == "fields.count"

    def test_a_new_alias_of_an_unchanged_field_is_a_breaking_change(self) -> None:
        """Giving a field an alias moves its stored key: SG203, breaking, a major bump."""
        after = evolve(task(), "2.0.0", change("tags", alias="labels"))
        plan = plan_of(task(), after)
        assert [op.code for op in plan.operations] == ["SG203"]
        assert plan.bump is Bump.MAJOR
        assert plan.operations[0].describe() == (
            'store `TaskState.tags` under the key "labels", not "tags"'
        )

    def test_an_unchanged_alias_is_no_change(self) -> None:
        """A field keeping its alias from one version to the next gives no operation."""
        v2 = evolve(task(), "2.0.0", change("tags", alias="labels"))
        v3 = evolve(v2, "2.0.1", both())
        assert_plan(plan_of(v2, v3), [])


class TestQuestioner:
    def test_default_questioner_never_answers(self) -> None:
        """The non-interactive questioner gives no value, no replacement, no rename."""
        questioner = Questioner()
        schema = plan_of(task(), task()).new
        assert questioner.initial_value("x", schema.root.fields[0].type, schema) is NO_VALUE
        assert questioner.enum_replacement("Status", "failed", ["done"]) is None
        assert questioner.is_rename("S", "a", "b", "str") is False

    def test_interactive_initial_value_is_validated(self) -> None:
        """A one-off value must be JSON of the field's type; it replaces the stub."""
        after = evolve(task(), "2.0.0", add(field("owner", "int")))
        answers = iter(["nope", '"text"', "7"])
        said: list[str] = []
        questioner = InteractiveQuestioner(ask=lambda _: next(answers), say=said.append)
        plan = plan_of(task(), after, questioner)
        (op,) = plan.operations
        assert isinstance(op, AddRequiredField)
        assert op.value == 7 and not op.is_stub
        assert any("not JSON" in line for line in said)
        assert any("not a valid int" in line for line in said)

    def test_interactive_enum_replacement(self) -> None:
        """A removed member can be mapped to a remaining one; Enter keeps the stub."""
        after = evolve(task(), "2.0.0", lambda s: s["enums"][0]["members"].pop())
        answers = iter(["archived", "done"])
        questioner = InteractiveQuestioner(ask=lambda _: next(answers), say=lambda _: None)
        (op,) = plan_of(task(), after, questioner).operations
        assert isinstance(op, RemoveEnumMember)
        assert op.replacement == "done" and not op.is_stub
        questioner = InteractiveQuestioner(ask=lambda _: "", say=lambda _: None)
        (op,) = plan_of(task(), after, questioner).operations
        assert isinstance(op, RemoveEnumMember) and op.is_stub


def test_describe_lists_every_change() -> None:
    """The printed plan has a header and one line per change with code and class."""
    case = next(c for c in CASES if c.name == "task_count_str")
    text = plan_of(case.before, case.after).describe()
    # The header names the changes as their class does: a stub to fill, not "breaking".
    header = "1.0.0 → 2.0.0: 2 change(s), needs a migration: a new major version"
    assert text.splitlines()[0] == header
    assert "SG302 NEEDS_MIGRATION" in text and "[stub]" in text


@pytest.mark.parametrize(
    ("start", "to", "edit", "head"),
    [
        (
            "0.1.0",
            "0.2.0",
            lambda s: s["fields"].pop(),
            "0.1.0 → 0.2.0: 1 change(s), breaking: a new minor version (below 1.0.0 a minor "
            "version may break)",
        ),
        (
            "1.0.0",
            "1.1.0",
            lambda s: s["fields"].append({**s["fields"][-1], "name": "extra"}),
            "1.0.0 → 1.1.0: 1 change(s), additive: a new minor version",
        ),
        (
            "1.0.0",
            "1.0.0",
            lambda s: s["fields"][1].update(default={"kind": "literal", "value": 5}),
            "1.0.0 → 1.0.0: 1 change(s), nothing stored changes, so the version may stay",
        ),
    ],
)
def test_version_steps_read_as_semver(start: str, to: str, edit, head: str) -> None:  # type: ignore[no-untyped-def]
    """0.1.0 → 0.2.0 is a minor step even when it breaks, and no plan says "none bump"."""
    plan = plan_of(task(start), evolve(task(start), to, edit))
    assert plan.describe().splitlines()[0] == head
    assert "bump" not in plan.describe().splitlines()[0]
