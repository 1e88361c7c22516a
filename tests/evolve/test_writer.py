"""The writer: migration modules that are clean, readable, and turn old data into new data."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from evolve_cases import (
    CASES,
    Case,
    add,
    change,
    evolve,
    field,
    literal,
    members,
    plan_of,
    rename,
    rich_task,
    task,
)

from stategen.evolve import Plan, fixture_for, sample_data, write_migration
from stategen.evolve.operations import AddRequiredField, ConvertValues, RemoveEnumMember
from stategen.schema import Sampler, Schema

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
# The generated project's own lint settings, with E501 kept on for the migrations.
RUFF_SETTINGS = ["--line-length", "100", "--target-version", "py311"]
RULES = ["--select", "E,F,W,I,B,UP,SIM,RUF"]
# Only a string literal longer than a line may be long: no formatter can split it.
LONG = ["--config", 'lint.per-file-ignores = {"hostile_values.py" = ["E501"]}']


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def load(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def hostile_cases() -> list[tuple[str, Any, Any]]:
    """States whose values and names try to break out of the generated code."""
    nasty = 'q"uo\'te """ \\ back\nline {{ x }} {% y %} \u2028 ✓ 😀 # not a comment'
    long_name = "a_very_long_field_name_that_keeps_going_and_going_for_a_while_x"
    before = task()
    after = evolve(
        before,
        "2.0.0",
        lambda s: (
            add(field("quoted", "str", {"kind": "literal", "value": nasty}))(s),
            add(field(long_name, "dict[str, str]", {"kind": "copy", "value": {nasty: nasty}}))(s),
            add(field("big", "list[float]", {"kind": "copy", "value": [1e22, -0.0, 2.5e-8]}))(s),
            members("Status", "pending", "done", nasty)(s),
            rename("title", long_name + "_renamed")(s),
        ),
    )
    return [("hostile_values", before, after)]


def all_plans() -> list[tuple[str, Plan]]:
    plans = [(case.name, plan_of(case.before, case.after)) for case in CASES]
    plans += [(name, plan_of(before, after)) for name, before, after in hostile_cases()]
    return plans


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case's migration module, in one directory (one module per case)."""
    directory = tmp_path_factory.mktemp("migrations")
    for name, plan in all_plans():
        (directory / f"{name}.py").write_text(write_migration(plan), encoding="utf-8")
    return directory


class TestCleanCode:
    def test_ruff_check(self, rendered: Path) -> None:
        """Every migration passes the generated project's ruff rules, E501 included."""
        done = subprocess.run(
            [
                _tool("ruff"),
                "check",
                "--no-cache",
                "--isolated",
                *RUFF_SETTINGS,
                *RULES,
                *LONG,
                ".",
            ],
            cwd=rendered,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def test_ruff_format(self, rendered: Path) -> None:
        """Every migration is already formatted: `ruff format` would change nothing."""
        done = subprocess.run(
            [_tool("ruff"), "format", "--check", "--diff", "--isolated", *RUFF_SETTINGS, "."],
            cwd=rendered,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def test_mypy_strict(self, rendered: Path) -> None:
        """Every migration type-checks under mypy --strict."""
        done = subprocess.run(
            [_tool("mypy"), "--strict", "--no-incremental", "--python-version", "3.11", "."],
            cwd=rendered,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    @pytest.mark.parametrize(("name", "plan"), all_plans(), ids=[n for n, _ in all_plans()])
    def test_a_comment_per_change(self, name: str, plan: Plan) -> None:
        """Each operation appears as a `# SGxxx` comment in the module."""
        source = write_migration(plan)
        for op in plan.operations:
            assert f"# {op.code} " in source, (op, plan.describe())

    def test_output_is_deterministic(self) -> None:
        """The same plan always renders the same bytes."""
        for _, plan in all_plans():
            assert write_migration(plan) == write_migration(plan)


class TestMigratedData:
    @pytest.mark.parametrize("case", CASES, ids=str)
    def test_old_sample_becomes_valid_new_data(self, case: Case) -> None:
        """Migrating the old fixture gives data the new schema accepts, values carried over."""
        plan = plan_of(case.before, case.after)
        module = load(write_migration(plan), case.name)
        old = sample_data(plan.old)
        if plan.stubs:
            with pytest.raises(NotImplementedError, match=r"TODO: .*\.py"):
                module.migrate(copy.deepcopy(old))
            _fill_stubs(module, plan)
        new = module.migrate(copy.deepcopy(old))
        assert plan.new.root.accepts(new, plan.new), (new, plan.describe())
        for new_key, old_key in case.carried:
            assert new[new_key] == old[old_key], plan.describe()

    def test_hostile_values_survive(self) -> None:
        """Quotes, newlines and template syntax in values come out exactly as they went in."""
        (_, before, after) = hostile_cases()[0]
        plan = plan_of(before, after)
        module = load(write_migration(plan), "hostile")
        module._migrate_status = lambda value: "done" if value == "failed" else value  # a stub
        new = module.migrate(sample_data(plan.old))
        quoted = next(f for f in after["schema"]["fields"] if f["name"] == "quoted")
        expected = quoted["default"]["value"]
        assert new["quoted"] == expected
        assert plan.new.root.accepts(new, plan.new)

    def test_rename_of_optional_field_tolerates_missing_key(self) -> None:
        """A renamed field that had a default may be absent from a file: nothing breaks."""
        case = next(c for c in CASES if c.name == "task_note_renamed_optional")
        plan = plan_of(case.before, case.after)
        module = load(write_migration(plan), case.name)
        data = sample_data(plan.old)
        del data["note"]
        assert "remark" not in module.migrate(data)

    def test_nested_records_in_containers(self) -> None:
        """Records inside lists, dicts and optionals are migrated one by one."""
        before = evolve(
            task(),
            "1.0.0",
            add(
                field("frames", "list[Window | None]", {"kind": "empty_list"}),
                field("named", "dict[str, list[Window]]", {"kind": "empty_dict"}),
            ),
        )
        after = evolve(
            before,
            "1.1.0",
            add(field("height", "int", {"kind": "literal", "value": 7}), scope="Window"),
        )
        plan = plan_of(before, after)
        source = write_migration(plan)
        assert '_convert_field(data, "frames", _list_of(_optional(_migrate_window)))' in source
        module = load(source, "nested")
        data = sample_data(plan.old)
        data["frames"].append(None)
        old = copy.deepcopy(data)
        new = module.migrate(data)
        assert new["frames"] == [{"width": old["frames"][0]["width"], "height": 7}, None]
        (window,) = old["named"]["named-key"]
        assert new["named"] == {"named-key": [{"width": window["width"], "height": 7}]}
        assert plan.new.root.accepts(new, plan.new)


def _fill_stubs(module: types.ModuleType, plan: Plan) -> None:
    """Stand in for the person who fills the stubs: valid sample values of the new types."""
    new = plan.new
    for op in plan.stubs:
        if isinstance(op, ConvertValues | AddRequiredField):
            record = new.root if op.scope == new.state else new.records[op.scope]
            found = record.field(op.field)
            assert found is not None
            value = _sample_of(found.type, new)
            prefix = op.helper if isinstance(op, ConvertValues) else "_initial_"
            names = [n for n in vars(module) if n.startswith(prefix) and n.endswith(op.field)]
            for name in names:
                setattr(module, name, lambda *_, value=value: copy.deepcopy(value))
        else:  # a removed enum member: map it to the first member left
            assert isinstance(op, RemoveEnumMember)
            mapping = {op.value: new.enums[op.scope].values[0]}
            name = next(n for n in vars(module) if n.startswith("_migrate_status"))
            setattr(module, name, lambda value, mapping=mapping: mapping.get(value, value))


def _sample_of(expr: Any, schema: Schema) -> Any:
    return expr.sample("probe", Sampler(schema))


class TestFixtures:
    @pytest.mark.parametrize("case", CASES, ids=str)
    def test_fixture_is_valid_old_data(self, case: Case) -> None:
        """The fixture of the old version is a valid state file of that version."""
        plan = plan_of(case.before, case.after)
        document = json.loads(fixture_for(plan.old))
        assert document.pop("version") == str(plan.old.version)
        assert plan.old.root.accepts(document, plan.old)

    def test_fixture_is_reproducible_from_the_schema(self) -> None:
        """The same schema gives byte-identical fixture text, and every field is set."""
        plan = plan_of(task(), task())
        assert fixture_for(plan.old) == fixture_for(plan_of(task(), task()).old)
        assert set(sample_data(plan.old)) == {f.name for f in plan.old.root.fields}


def test_golden_module() -> None:
    """A journey-sized migration reads as expected (update the golden file on purpose)."""
    after = evolve(
        task(),
        "2.0.0",
        lambda s: (
            rename("title", "name")(s),
            s["fields"].remove(next(f for f in s["fields"] if f["name"] == "note")),
            add(field("priority", "int", {"kind": "literal", "value": 3}))(s),
            add(field("height", "int", {"kind": "literal", "value": 768}), scope="Window")(s),
            add(field("owner", "str"))(s),
        ),
    )
    source = write_migration(plan_of(task(), after))
    golden = HERE / "golden_v1_0_0_to_v2_0_0.txt"
    assert source == golden.read_text(encoding="utf-8"), source


class TestReach:
    def test_record_inside_a_record(self) -> None:
        """A change to Window reaches Windows held by a Frame held in a list of the root."""
        frame = {
            "name": "Frame",
            "doc": None,
            "fields": [field("window", "Window", {"kind": "record", "record": "Window"})],
        }
        before = evolve(
            task(),
            "1.0.0",
            lambda s: (
                s["records"].append(frame),
                add(field("frames", "list[Frame]", {"kind": "empty_list"}))(s),
            ),
        )
        after = evolve(before, "1.1.0", add(field("height", "int", literal(5)), scope="Window"))
        plan = plan_of(before, after)
        source = write_migration(plan)
        assert "def _migrate_frame(" in source and "def _migrate_window(" in source
        new = load(source, "reach").migrate(sample_data(plan.old))
        assert new["frames"][0]["window"]["height"] == 5
        assert new["window"]["height"] == 5
        assert plan.new.root.accepts(new, plan.new)

    def test_unreachable_enum_gets_no_function(self) -> None:
        """An enum no kept field uses needs no code: its lost member leaves no stub behind."""
        before = evolve(
            task(),
            "1.0.0",
            lambda s: s["enums"].append(
                {
                    "name": "Unused",
                    "doc": None,
                    "members": [{"name": "A", "value": "a"}, {"name": "B", "value": "b"}],
                }
            ),
        )
        after = evolve(before, "2.0.0", members("Unused", "a"))
        source = write_migration(plan_of(before, after))
        assert "NotImplementedError" not in source and "_migrate_unused" not in source
        assert '# SG303 remove member "b" from enum `Unused`' in source


def test_golden_module_of_the_newer_types() -> None:
    """Rules, Literal values and retypes of the newer types read as expected (update the
    golden file on purpose)."""
    after = evolve(
        rich_task(),
        "2.0.0",
        lambda s: (
            change("retries", constraints={"ge": 0, "le": 5})(s),
            change("mode", annotation='Literal["safe"]')(s),
            change("labels", annotation="set[str]")(s),
            change("ref", annotation="uuid")(s),
            change("shape", annotation="list[int]")(s),
            members("Status", "pending", "done")(s),
        ),
    )
    source = write_migration(plan_of(rich_task(), after))
    golden = HERE / "golden_types_v1_0_0_to_v2_0_0.txt"
    assert source == golden.read_text(encoding="utf-8"), source
