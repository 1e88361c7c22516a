"""The example specs parse, and their answers are exactly the documented contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stategen.answers import to_answers
from stategen.errors import SpecError
from stategen.schema import Schema as Spec
from stategen.schema import SchemaVersion
from stategen.spec import load_spec, parse_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _field(
    name: str, annotation: str, default: object = None, doc: str | None = None
) -> dict[str, object]:
    return {
        "name": name,
        "annotation": annotation,
        "doc": doc,
        "default": default,
        "renamed_from": None,
    }


BATCH_ANSWERS = {
    "name": "batch-state",
    "package": "batch_state",
    "state": "BatchState",
    "description": "Batch processing state.",
    "schema": {
        "version": "1.0.0",
        "history": ["1.0.0"],
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
            {
                "name": "Window",
                "doc": None,
                "fields": [_field("width", "int", {"kind": "literal", "value": 1024})],
            }
        ],
        "fields": [
            _field("batch_id", "str"),
            _field("features", "list[str]", doc="All features to process"),
            _field("current_index", "int", {"kind": "literal", "value": 0}),
            _field("completed", "list[str]", {"kind": "empty_list"}),
            _field("failed", "dict[str, str]", {"kind": "empty_dict"}),
            _field("status", "Status", {"kind": "enum", "enum": "Status", "member": "PENDING"}),
            _field("window", "Window", {"kind": "record", "record": "Window"}),
            _field("created_at", "datetime", {"kind": "now"}),
            _field("note", "str | None", {"kind": "literal", "value": None}),
        ],
        "progress": {
            "items": "features",
            "completed": "completed",
            "failed": "failed",
            "failed_is_dict": True,
        },
        "postgres": False,
    },
}


class TestBatchExample:
    def test_answers_are_the_contract(self) -> None:
        """examples/batch.yml gives exactly the documented answers."""
        assert to_answers(load_spec(EXAMPLES / "batch.yml")) == BATCH_ANSWERS

    def test_answers_are_plain_json_data(self) -> None:
        """The answers survive a JSON round trip unchanged (no tuples, objects or dates)."""
        answers = to_answers(load_spec(EXAMPLES / "batch.yml"))
        assert json.loads(json.dumps(answers)) == answers

    def test_spec_keeps_its_source_and_lines(self) -> None:
        """The Spec remembers its file and the line of each field."""
        spec = load_spec(EXAMPLES / "batch.yml")
        assert spec.source_file == str(EXAMPLES / "batch.yml")
        assert [f.line for f in spec.fields][:2] == [13, 14]
        assert spec.version == SchemaVersion(1, 0, 0)

    def test_answers_are_fresh_copies(self) -> None:
        """Changing one answers dict never changes the Spec or the next answers."""
        spec = load_spec(EXAMPLES / "batch.yml")
        first = to_answers(spec)
        first["schema"]["fields"].clear()
        assert to_answers(spec) == BATCH_ANSWERS


@pytest.fixture(scope="module")
def spec() -> Spec:
    """examples/preferences.yml, parsed once."""
    return load_spec(EXAMPLES / "preferences.yml")


class TestPreferencesExample:
    def test_names_are_derived_from_the_distribution_name(self, spec: Spec) -> None:
        """Without package and state, they come from name: user-prefs → user_prefs, UserPrefs."""
        assert (spec.name, spec.package, spec.state) == ("user-prefs", "user_prefs", "UserPrefs")

    def test_description_and_docs_are_kept(self, spec: Spec) -> None:
        """The description, type docs and field docs come through as written."""
        answers = to_answers(spec)
        assert answers["description"] == 'Per-user preferences for the "viewer" app.'
        assert answers["schema"]["enums"][0]["doc"] == "Colour scheme."
        assert answers["schema"]["records"][0]["doc"] == "Last window geometry."
        assert answers["schema"]["fields"][0]["doc"] == "Login name, e.g. 'ada'"

    def test_defaults_map_to_their_kinds(self, spec: Spec) -> None:
        """Each default becomes the kind the template expects."""
        defaults = {f["name"]: f["default"] for f in to_answers(spec)["schema"]["fields"]}
        assert defaults == {
            "user": None,
            "theme": {"kind": "enum", "enum": "Theme", "member": "SYSTEM"},
            "font_size": {"kind": "literal", "value": 12.5},
            "window": {"kind": "record", "record": "Window"},
            "recent_files": {"kind": "empty_list"},
            "shortcuts": {"kind": "copy", "value": {"save": "ctrl+s"}},
            "last_opened": {"kind": "literal", "value": None},
            "birthday": {"kind": "literal", "value": None},
            "trial_ends": {"kind": "today"},
            "accent": {"kind": "literal", "value": None},
            "updated_at": {"kind": "now"},
        }

    def test_no_progress(self, spec: Spec) -> None:
        """A spec without progress: has null progress answers."""
        assert spec.progress is None
        assert to_answers(spec)["schema"]["progress"] is None


class TestHistory:
    SPEC = "name: h\nversion: 1.2.0\nfields: {a: int}\n"

    def test_history_defaults_to_the_current_version(self) -> None:
        """Without a history, the current version is the only released one."""
        assert to_answers(parse_spec(self.SPEC))["schema"]["history"] == ["1.2.0"]

    def test_history_is_passed_through(self) -> None:
        """A given history (strings or versions) is written oldest first."""
        history: list[SchemaVersion | str] = ["1.0.0", SchemaVersion(1, 1, 0), "1.2.0"]
        answers = to_answers(parse_spec(self.SPEC).with_history(history))
        assert answers["schema"]["history"] == ["1.0.0", "1.1.0", "1.2.0"]

    @pytest.mark.parametrize(
        "history", [[], ["1.0.0"], ["1.2.0", "1.2.0"], ["1.1.0", "1.0.0", "1.2.0"]]
    )
    def test_inconsistent_history_is_rejected(self, history: list[str]) -> None:
        """A history that is empty, unordered or does not end at the version is a ValueError."""
        with pytest.raises(ValueError, match="history"):
            to_answers(parse_spec(self.SPEC).with_history(history))


class TestLoadSpec:
    def test_missing_file(self, tmp_path: Path) -> None:
        """A path that does not exist is a SpecError naming it."""
        with pytest.raises(SpecError, match=r"nope\.yml: no such file") as caught:
            load_spec(tmp_path / "nope.yml")
        assert caught.value.file == str(tmp_path / "nope.yml")

    def test_directory(self, tmp_path: Path) -> None:
        """A directory is a SpecError, not an IsADirectoryError."""
        with pytest.raises(SpecError, match="is a directory"):
            load_spec(tmp_path)

    def test_not_utf8(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are a SpecError with the line of the bad byte."""
        path = tmp_path / "stategen.yml"
        path.write_bytes(b"name: x\nversion: 1.0.0\ndescription: caf\xe9\n")
        with pytest.raises(SpecError, match=r"stategen\.yml:3: the spec is not UTF-8"):
            load_spec(path)

    def test_byte_order_mark_is_accepted(self, tmp_path: Path) -> None:
        """A UTF-8 byte order mark (as some editors write) is fine."""
        path = tmp_path / "stategen.yml"
        path.write_bytes("\ufeffname: x\nversion: 1.0.0\nfields: {a: int}\n".encode())
        assert load_spec(path).name == "x"
