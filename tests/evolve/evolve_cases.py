"""Named schema states for the evolution tests, and a helper that shows the whole plan.

Every state is the answers shape (`package`, `state`, `schema`) that stategen records for a
project. `task()` is the starting point; each case derives its `after` state from it with a
small edit, and its name says what changed (`task_title_renamed`, `task_count_float` …).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from stategen.answers import from_answers
from stategen.evolve import Plan, detect
from stategen.evolve.operations import (
    AddEnum,
    AddEnumMember,
    AddField,
    AddLiteralValue,
    AddRecord,
    AddRequiredField,
    ChangeAlias,
    ChangeDefault,
    ChangeType,
    IgnoredRenameHint,
    LoosenRules,
    Operation,
    PossibleRename,
    RemoveEnum,
    RemoveEnumMember,
    RemoveField,
    RemoveFieldFirst,
    RemoveLiteralValue,
    RemoveRecord,
    RenameField,
    TightenRules,
    WidenType,
)

Answers = dict[str, Any]


def literal(value: Any) -> dict[str, Any]:
    return {"kind": "literal", "value": value}


def field(
    name: str,
    annotation: str,
    default: dict[str, Any] | None = None,
    *,
    renamed_from: str | None = None,
    constraints: dict[str, Any] | None = None,
) -> dict[str, Any]:
    made = {
        "name": name,
        "annotation": annotation,
        "doc": None,
        "default": default,
        "renamed_from": renamed_from,
    }
    if constraints is not None:
        made["constraints"] = constraints
    return made


def task(version: str = "1.0.0") -> Answers:
    """The starting state: a small task record with one enum and one nested record."""
    return {
        "name": "task-state",
        "package": "task_state",
        "state": "TaskState",
        "description": "A task.",
        "schema": {
            "version": version,
            "history": [version],
            "enums": [
                {
                    "name": "Status",
                    "doc": None,
                    "members": [
                        {"name": "PENDING", "value": "pending"},
                        {"name": "DONE", "value": "done"},
                        {"name": "FAILED", "value": "failed"},
                    ],
                }
            ],
            "records": [
                {"name": "Window", "doc": None, "fields": [field("width", "int", literal(1024))]}
            ],
            "fields": [
                field("title", "str"),
                field("count", "int", literal(0)),
                field("tags", "list[str]", {"kind": "empty_list"}),
                field("status", "Status", {"kind": "enum", "enum": "Status", "member": "PENDING"}),
                field("window", "Window", {"kind": "record", "record": "Window"}),
                field("note", "str | None", literal(None)),
                field("created", "datetime", {"kind": "now"}),
            ],
            "progress": None,
        },
    }


def rich_task(version: str = "1.0.0") -> Answers:
    """`task()` with fields of the newer types and rules."""
    answers = task(version)
    answers["schema"]["fields"] += [
        field("retries", "int", literal(3), constraints={"ge": 0, "le": 10}),
        field("mode", 'Literal["fast", "safe"]', literal("safe")),
        field("labels", "list[str]", {"kind": "empty_list"}),
        field("ref", "str", literal("12345678-9abc-def0-1234-56789abcdef0")),
        field("run", "uuid", {"kind": "uuid4"}),
        field("shape", "tuple[int, ...]", {"kind": "empty_list"}),
        field("ids", "set[int]", {"kind": "empty_list"}, constraints={"items": {"ge": 0}}),
        field("budget", "decimal", literal("10.50"), constraints={"ge": "0"}),
        field("by_status", "dict[Status, int]", {"kind": "empty_dict"}),
        field("code", "str", literal("abc"), constraints={"pattern": "[a-z]+"}),
    ]
    return answers


# Editing helpers: each returns a new state, the old one untouched.


def evolve(before: Answers, version: str, edit: Callable[[dict[str, Any]], None]) -> Answers:
    after = copy.deepcopy(before)
    schema = after["schema"]
    schema["version"] = version
    history = before["schema"]["history"]
    schema["history"] = history if history[-1] == version else [*history, version]
    edit(schema)
    return after


def fields_of(schema: dict[str, Any], scope: str | None = None) -> list[dict[str, Any]]:
    if scope is None:
        fields: list[dict[str, Any]] = schema["fields"]
        return fields
    record = next(r for r in schema["records"] if r["name"] == scope)
    found: list[dict[str, Any]] = record["fields"]
    return found


def one(schema: dict[str, Any], name: str, scope: str | None = None) -> dict[str, Any]:
    return next(f for f in fields_of(schema, scope) if f["name"] == name)


def add(*new: dict[str, Any], scope: str | None = None) -> Callable[[dict[str, Any]], None]:
    return lambda schema: fields_of(schema, scope).extend(copy.deepcopy(list(new)))


def drop(name: str, scope: str | None = None) -> Callable[[dict[str, Any]], None]:
    def edit(schema: dict[str, Any]) -> None:
        fields_of(schema, scope).remove(one(schema, name, scope))

    return edit


def change(
    field_name: str, scope: str | None = None, **keys: Any
) -> Callable[[dict[str, Any]], None]:
    return lambda schema: one(schema, field_name, scope).update(copy.deepcopy(keys))


def rename(old: str, new: str, scope: str | None = None) -> Callable[[dict[str, Any]], None]:
    return change(old, scope, name=new, renamed_from=old)


def members(enum: str, *values: str) -> Callable[[dict[str, Any]], None]:
    def edit(schema: dict[str, Any]) -> None:
        found = next(e for e in schema["enums"] if e["name"] == enum)
        found["members"] = [
            {"name": v.upper() if v.isidentifier() else f"MEMBER_{i}", "value": v}
            for i, v in enumerate(values)
        ]

    return edit


def both(*edits: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def edit(schema: dict[str, Any]) -> None:
        for each in edits:
            each(schema)

    return edit


# Plans and assertions.


def plan_of(before: Answers, after: Answers, questioner: Any = None) -> Plan:
    return detect(from_answers(before), from_answers(after), questioner)


@dataclass(frozen=True)
class Expected:
    """One expected operation: its class and subject (`TaskState.count`, `Status[...]`)."""

    kind: type[Operation]
    subject: str

    def __str__(self) -> str:
        return f"{self.kind.__name__}({self.subject})"


def assert_plan(plan: Plan, expected: Sequence[Expected]) -> None:
    """The plan holds exactly `expected`, in order; on failure, show the whole plan."""
    got = [Expected(type(op), op.subject) for op in plan.operations]
    if got != list(expected):
        wanted = "\n".join(f"  {e}" for e in expected) or "  (nothing)"
        raise AssertionError(f"expected:\n{wanted}\ngot plan:\n{plan.describe()}")


# The table: every kind of change, as a named before → after pair.


@dataclass(frozen=True)
class Case:
    """`after` derived from `base()` by `edit`; `carried` maps new keys to old ones."""

    name: str
    version: str
    edit: Callable[[dict[str, Any]], None]
    expected: tuple[Expected, ...]
    carried: tuple[tuple[str, str], ...] = ()
    base: Callable[[], Answers] = task

    @property
    def before(self) -> Answers:
        return self.base()

    @property
    def after(self) -> Answers:
        return evolve(self.before, self.version, self.edit)

    def __str__(self) -> str:
        return self.name


def E(kind: type[Operation], subject: str) -> Expected:
    return Expected(kind, subject)


PRIORITY_LOW = {"kind": "enum", "enum": "Priority", "member": "LOW"}

CASES = [
    Case("task_unchanged", "1.0.0", both(), ()),
    Case(
        "task_with_priority",
        "1.1.0",
        add(field("priority", "int", literal(3))),
        (E(AddField, "TaskState.priority"),),
        carried=(("title", "title"),),
    ),
    Case(
        "task_with_labels_dict",
        "1.1.0",
        add(field("labels", "dict[str, int]", {"kind": "copy", "value": {"a": 1}})),
        (E(AddField, "TaskState.labels"),),
    ),
    Case(
        "task_with_touched_now",
        "1.1.0",
        add(field("touched", "datetime", {"kind": "now"})),
        (E(AddField, "TaskState.touched"),),
    ),
    Case(
        "task_with_owner_required",
        "2.0.0",
        add(field("owner", "str")),
        (E(AddRequiredField, "TaskState.owner"),),
    ),
    Case(
        "task_without_note",
        "2.0.0",
        drop("note"),
        (E(RemoveField, "TaskState.note"),),
        carried=(("title", "title"),),
    ),
    Case(
        "task_title_renamed",
        "2.0.0",
        rename("title", "name"),
        (E(RenameField, "TaskState.name"),),
        carried=(("name", "title"),),
    ),
    Case(
        "task_note_renamed_optional",
        "2.0.0",
        rename("note", "remark"),
        (E(RenameField, "TaskState.remark"),),
        carried=(("remark", "note"),),
    ),
    Case(
        "task_title_aliased",
        "2.0.0",
        change("title", alias="title-text"),
        (E(ChangeAlias, "TaskState.title"),),
        carried=(("title-text", "title"),),
    ),
    Case(
        "task_note_stored_as_type",
        "2.0.0",
        change("note", alias="type"),
        (E(ChangeAlias, "TaskState.note"),),
        carried=(("type", "note"),),
    ),
    Case(
        "task_window_width_aliased",
        "2.0.0",
        change("width", "Window", alias="px"),
        (E(ChangeAlias, "Window.width"),),
    ),
    Case(
        "task_count_takes_the_removed_title_key",
        "2.0.0",
        both(drop("title"), change("count", alias="title")),
        (E(RemoveFieldFirst, "TaskState.title"), E(ChangeAlias, "TaskState.count")),
        carried=(("title", "count"),),
    ),
    Case(
        "task_title_renamed_and_aliased",
        "2.0.0",
        both(rename("title", "name"), change("name", alias="label")),
        (E(RenameField, "TaskState.name"),),
        carried=(("label", "title"),),
    ),
    Case(
        "task_keys_moved_in_a_chain",
        "2.0.0",
        both(change("title", alias="heading"), change("count", alias="title")),
        (E(ChangeAlias, "TaskState.title"), E(ChangeAlias, "TaskState.count")),
        carried=(("heading", "title"), ("title", "count")),
    ),
    Case(
        "task_title_replaced_without_hint",
        "2.0.0",
        both(drop("title"), add(field("name", "str"))),
        (
            E(RemoveField, "TaskState.title"),
            E(AddRequiredField, "TaskState.name"),
            E(PossibleRename, "TaskState.name"),
        ),
    ),
    Case(
        "task_count_float",
        "1.1.0",
        change("count", annotation="float"),
        (E(WidenType, "TaskState.count"),),
        carried=(("count", "count"),),
    ),
    Case(
        "task_title_optional",
        "1.1.0",
        change("title", annotation="str | None"),
        (E(WidenType, "TaskState.title"),),
        carried=(("title", "title"),),
    ),
    Case(
        "task_tags_of_optionals",
        "1.1.0",
        change("tags", annotation="list[str | None]"),
        (E(WidenType, "TaskState.tags"),),
        carried=(("tags", "tags"),),
    ),
    Case(
        "task_count_str",
        "2.0.0",
        change("count", annotation="str", default=literal("0")),
        (E(ChangeType, "TaskState.count"), E(ChangeDefault, "TaskState.count")),
    ),
    Case(
        "task_note_required",
        "2.0.0",
        change("note", annotation="str", default=literal("")),
        (E(ChangeType, "TaskState.note"), E(ChangeDefault, "TaskState.note")),
    ),
    Case(
        "task_title_renamed_and_optional",
        "2.0.0",
        both(rename("title", "name"), change("name", annotation="str | None")),
        (E(RenameField, "TaskState.name"), E(WidenType, "TaskState.name")),
        carried=(("name", "title"),),
    ),
    Case(
        "task_count_default_5",
        "1.0.0",
        change("count", default=literal(5)),
        (E(ChangeDefault, "TaskState.count"),),
    ),
    Case(
        "task_status_archived",
        "1.1.0",
        members("Status", "pending", "done", "failed", "archived"),
        (E(AddEnumMember, 'Status["archived"]'),),
        carried=(("status", "status"),),
    ),
    Case(
        "task_status_without_failed",
        "2.0.0",
        members("Status", "pending", "done"),
        (E(RemoveEnumMember, 'Status["failed"]'),),
    ),
    Case(
        "task_window_height",
        "1.1.0",
        add(field("height", "int", literal(768)), scope="Window"),
        (E(AddField, "Window.height"),),
    ),
    Case(
        "task_window_width_renamed",
        "2.0.0",
        rename("width", "w", scope="Window"),
        (E(RenameField, "Window.w"),),
    ),
    Case(
        "task_window_width_removed",
        "2.0.0",
        drop("width", scope="Window"),
        (E(RemoveField, "Window.width"),),
    ),
    Case(
        "task_window_width_str",
        "2.0.0",
        change("width", scope="Window", annotation="str", default=literal("1024")),
        (E(ChangeType, "Window.width"), E(ChangeDefault, "Window.width")),
    ),
    Case(
        "task_window_width_float",
        "1.1.0",
        change("width", scope="Window", annotation="float"),
        (E(WidenType, "Window.width"),),
        carried=(("window", "window"),),
    ),
    Case(
        "task_with_priority_enum",
        "1.1.0",
        both(
            lambda s: s["enums"].append(
                {"name": "Priority", "doc": None, "members": [{"name": "LOW", "value": "low"}]}
            ),
            add(field("priority", "Priority", PRIORITY_LOW)),
        ),
        (E(AddField, "TaskState.priority"), E(AddEnum, "Priority")),
    ),
    Case(
        "task_with_frames",
        "1.1.0",
        both(
            lambda s: s["records"].append(
                {"name": "Frame", "doc": None, "fields": [field("x", "int", literal(0))]}
            ),
            add(field("frames", "list[Frame]", {"kind": "empty_list"})),
        ),
        (E(AddField, "TaskState.frames"), E(AddRecord, "Frame")),
    ),
    Case(
        "task_without_window",
        "2.0.0",
        both(drop("window"), lambda s: s.update(records=[])),
        (E(RemoveField, "TaskState.window"), E(RemoveRecord, "Window")),
    ),
    Case(
        "task_without_status",
        "2.0.0",
        both(drop("status"), lambda s: s.update(enums=[])),
        (E(RemoveField, "TaskState.status"), E(RemoveEnum, "Status")),
    ),
    Case(
        "task_window_becomes_enum",
        "2.0.0",
        both(
            lambda s: s.update(records=[]),
            lambda s: s["enums"].append(
                {"name": "Window", "doc": None, "members": [{"name": "MAX", "value": "max"}]}
            ),
            change("window", default={"kind": "enum", "enum": "Window", "member": "MAX"}),
        ),
        (
            E(ChangeType, "TaskState.window"),
            E(ChangeDefault, "TaskState.window"),
            E(AddEnum, "Window"),
            E(RemoveRecord, "Window"),
        ),
    ),
    Case(
        "task_hint_for_missing_field",
        "1.1.0",
        add(field("summary", "str", literal(""), renamed_from="abstract")),
        (E(AddField, "TaskState.summary"), E(IgnoredRenameHint, "TaskState.summary")),
    ),
    Case(
        "task_hint_already_applied",
        "1.0.0",
        change("title", renamed_from="heading"),
        (),
    ),
    # The newer types and rules: widening, looser and tighter rules, Literal values, retypes.
    Case(
        "rich_retries_up_to_20",
        "1.1.0",
        change("retries", constraints={"ge": 0, "le": 20}),
        (E(LoosenRules, "TaskState.retries"),),
        carried=(("retries", "retries"),),
        base=rich_task,
    ),
    Case(
        "rich_retries_without_rules",
        "1.1.0",
        lambda s: one(s, "retries").pop("constraints"),
        (E(LoosenRules, "TaskState.retries"),),
        carried=(("retries", "retries"),),
        base=rich_task,
    ),
    Case(
        "rich_retries_up_to_5",
        "2.0.0",
        change("retries", constraints={"ge": 0, "le": 5}),
        (E(TightenRules, "TaskState.retries"),),
        base=rich_task,
    ),
    Case(
        "rich_count_at_least_1",
        "2.0.0",
        change("count", constraints={"ge": 1}, default=literal(1)),
        (E(TightenRules, "TaskState.count"), E(ChangeDefault, "TaskState.count")),
        base=rich_task,
    ),
    Case(
        "rich_retries_float",
        "1.1.0",
        change("retries", annotation="float", default=literal(3.0)),
        (E(WidenType, "TaskState.retries"),),
        carried=(("retries", "retries"),),
        base=rich_task,
    ),
    Case(
        "rich_ids_items_from_1",
        "2.0.0",
        change("ids", constraints={"items": {"ge": 1}}),
        (E(TightenRules, "TaskState.ids"),),
        base=rich_task,
    ),
    Case(
        "rich_code_other_pattern",
        "2.0.0",
        change("code", constraints={"pattern": "[a-z]{3}"}),
        (E(TightenRules, "TaskState.code"),),
        base=rich_task,
    ),
    Case(
        "rich_mode_turbo",
        "1.1.0",
        change("mode", annotation='Literal["fast", "safe", "turbo"]'),
        (E(AddLiteralValue, "TaskState.mode"),),
        carried=(("mode", "mode"),),
        base=rich_task,
    ),
    Case(
        "rich_mode_without_fast",
        "2.0.0",
        change("mode", annotation='Literal["safe"]'),
        (E(RemoveLiteralValue, "TaskState.mode"),),
        base=rich_task,
    ),
    Case(
        "rich_mode_as_text",
        "1.1.0",
        change("mode", annotation="str"),
        (E(WidenType, "TaskState.mode"),),
        carried=(("mode", "mode"),),
        base=rich_task,
    ),
    Case(
        "rich_labels_set",
        "2.0.0",
        change("labels", annotation="set[str]"),
        (E(ChangeType, "TaskState.labels"),),
        base=rich_task,
    ),
    Case(
        "rich_ids_list",
        "1.1.0",
        change("ids", annotation="list[int]"),
        (E(WidenType, "TaskState.ids"),),
        carried=(("ids", "ids"),),
        base=rich_task,
    ),
    Case(
        "rich_shape_list",
        "1.1.0",
        change("shape", annotation="list[int]"),
        (E(WidenType, "TaskState.shape"),),
        carried=(("shape", "shape"),),
        base=rich_task,
    ),
    Case(
        "rich_ref_uuid",
        "2.0.0",
        change("ref", annotation="uuid"),
        (E(ChangeType, "TaskState.ref"),),
        base=rich_task,
    ),
    Case(
        "rich_run_text",
        "1.1.0",
        change("run", annotation="str", default=literal("x")),
        (E(WidenType, "TaskState.run"), E(ChangeDefault, "TaskState.run")),
        carried=(("run", "run"),),
        base=rich_task,
    ),
    Case(
        "rich_budget_json",
        "1.1.0",
        lambda s: change("budget", annotation="json")(s) or one(s, "budget").pop("constraints"),
        (E(WidenType, "TaskState.budget"),),
        carried=(("budget", "budget"),),
        base=rich_task,
    ),
    Case(
        "rich_budget_float",
        "2.0.0",
        change("budget", annotation="float", default=literal(10.5), constraints={"ge": 0}),
        (E(ChangeType, "TaskState.budget"), E(ChangeDefault, "TaskState.budget")),
        base=rich_task,
    ),
    Case(
        "rich_status_without_failed",
        "2.0.0",
        members("Status", "pending", "done"),
        (E(RemoveEnumMember, 'Status["failed"]'),),
        base=rich_task,
    ),
]
