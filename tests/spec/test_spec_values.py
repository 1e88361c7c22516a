"""Values from a spec reach the answers as data: untouched text, YAML 1.2 scalars, exact kinds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stategen.answers import to_answers
from stategen.spec import parse_spec

HEAD = "name: v\nversion: 1.0.0\n"

#: Text that has broken code generators: quotes, backslashes, newlines, template syntax, unicode.
NASTY = [
    "it's",
    'say "hi"',
    '"""',
    "back\\slash",
    "\\n is not a newline",
    "line one\nline two",
    "tab\there",
    "{{ name }}",
    "{% if x %}y{% endif %}",
    "{# comment #}",
    "${HOME} $(ls)",
    "ünïcödé ✓",
    "emoji 😀 outside the BMP",
    "# not a comment",
    "",
    " padded ",
]


def _answers(fields: dict[str, Any], **top: Any) -> dict[str, Any]:
    # JSON is YAML: this writes any text unambiguously.
    spec = {"name": "v", "version": "1.0.0", **top, "fields": fields}
    return to_answers(parse_spec(json.dumps(spec, ensure_ascii=False)))


def _default(annotation: str, value: Any) -> dict[str, Any] | None:
    field = _answers({"a": {"type": annotation, "default": value}})["schema"]["fields"][0]
    default: dict[str, Any] | None = field["default"]
    return default


def _default_yaml(annotation: str, written: str) -> dict[str, Any] | None:
    text = HEAD + f"fields: {{a: {{type: '{annotation}', default: {written}}}}}\n"
    default: dict[str, Any] | None = to_answers(parse_spec(text))["schema"]["fields"][0]["default"]
    return default


class TestTextIsData:
    @pytest.mark.parametrize("text", NASTY)
    def test_str_default(self, text: str) -> None:
        """A str default is kept exactly, whatever characters it holds."""
        assert _default("str", text) == {"kind": "literal", "value": text}

    @pytest.mark.parametrize("text", NASTY)
    def test_doc_and_description(self, text: str) -> None:
        """Docs and the description are kept exactly."""
        answers = _answers({"a": {"type": "int", "doc": text}}, description=text)
        assert answers["description"] == text
        assert answers["schema"]["fields"][0]["doc"] == text

    @pytest.mark.parametrize("text", [t for t in NASTY if t.strip()])
    def test_enum_value(self, text: str) -> None:
        """An enum value is kept exactly; only its member name is derived."""
        value = "v " + text
        answers = _answers({"a": {"type": "E", "default": value}}, types={"E": {"enum": [value]}})
        member = answers["schema"]["enums"][0]["members"][0]
        assert member["value"] == value
        assert member["name"].isidentifier() and member["name"].isascii()
        assert answers["schema"]["fields"][0]["default"] == {
            "kind": "enum",
            "enum": "E",
            "member": member["name"],
        }

    def test_container_defaults_keep_keys_and_items(self) -> None:
        """Non-empty list and dict defaults keep every key and item, in order."""
        assert _default("list[str]", NASTY) == {"kind": "copy", "value": NASTY}
        mapping = {text: text for text in NASTY}
        copied = _default("dict[str, str]", mapping)
        assert copied == {"kind": "copy", "value": mapping}
        assert copied is not None and list(copied["value"]) == NASTY

    def test_escapes_in_yaml_are_decoded_once(self) -> None:
        """YAML escapes in double quotes are YAML's business; the result is not re-escaped."""
        text = HEAD + 'fields: {a: {type: str, default: "q\\"b\\\\n\\n"}}\n'
        field = to_answers(parse_spec(text))["schema"]["fields"][0]
        assert field["default"]["value"] == 'q"b\\n\n'


class TestScalars:
    @pytest.mark.parametrize(
        "written",
        ["yes", "no", "on", "off", "y", "2024-01-01", "1:30", "1_000", "0b11", ".5.", "nan"],
    )
    def test_yaml_1_1_surprises_are_text(self, written: str) -> None:
        """Plain scalars follow YAML 1.2: yes/on/no, dates, sexagesimals and the like are text."""
        assert _default_yaml("str", written) == {"kind": "literal", "value": written}

    @pytest.mark.parametrize("written", ["null", "Null", "NULL", "~", ""])
    def test_nulls(self, written: str) -> None:
        """null, ~ and an empty value are null."""
        assert _default_yaml("int | None", written) == {"kind": "literal", "value": None}

    @pytest.mark.parametrize(
        ("written", "value"),
        [("12", 12), ("-3", -3), ("+4", 4), ("0x1F", 31), ("0o17", 15), ("007", 7),
         (str(2**70), 2**70)],
    )  # fmt: skip
    def test_ints(self, written: str, value: int) -> None:
        """Decimal, hex and octal integers are ints; leading zeros are decimal, not octal."""
        assert _default_yaml("int", written) == {"kind": "literal", "value": value}

    @pytest.mark.parametrize(
        ("written", "value"),
        [("12.5", 12.5), ("1e3", 1000.0), ("1E+308", 1e308), ("-0.0", -0.0), (".5", 0.5),
         ("7", 7.0), ("5e-324", 5e-324)],
    )  # fmt: skip
    def test_floats(self, written: str, value: float) -> None:
        """Floats include exponents without a dot (as JSON writes them); ints become floats."""
        default = _default_yaml("float", written)
        assert default == {"kind": "literal", "value": value}
        assert default is not None and type(default["value"]) is float

    def test_quoted_numbers_are_text(self) -> None:
        """A quoted number is text, so it fits a str field."""
        assert _default_yaml("str", "'12'") == {"kind": "literal", "value": "12"}

    def test_booleans(self) -> None:
        """true and false (in any of YAML 1.2's spellings) are booleans."""
        assert _default_yaml("bool", "True") == {"kind": "literal", "value": True}
        assert _default_yaml("bool", "FALSE") == {"kind": "literal", "value": False}


class TestDefaultKinds:
    @pytest.mark.parametrize(
        ("annotation", "spec", "expected"),
        [
            ("int", {}, None),
            ("str | None", {"default": None}, {"kind": "literal", "value": None}),
            ("int | None", {"default": 3}, {"kind": "literal", "value": 3}),
            ("list[int]", {"default": []}, {"kind": "empty_list"}),
            ("list[int]", {"default_factory": "list"}, {"kind": "empty_list"}),
            ("list[Window]", {"default": []}, {"kind": "empty_list"}),
            ("dict[str, Window]", {"default_factory": "dict"}, {"kind": "empty_dict"}),
            ("list[float]", {"default": [1, 2.5]}, {"kind": "copy", "value": [1.0, 2.5]}),
            ("dict[str, bool]", {"default": {"x": True}}, {"kind": "copy", "value": {"x": True}}),
            ("list[str] | None", {"default": ["a"]}, {"kind": "copy", "value": ["a"]}),
            ("datetime", {"default_factory": "now"}, {"kind": "now"}),
            ("datetime | None", {"default_factory": "now"}, {"kind": "now"}),
            ("date", {"default_factory": "today"}, {"kind": "today"}),
            ("Window", {"default_factory": "Window"}, {"kind": "record", "record": "Window"}),
            ("Window | None", {"default": None}, {"kind": "literal", "value": None}),
            ("Status", {"default": "in progress"},
             {"kind": "enum", "enum": "Status", "member": "IN_PROGRESS"}),
            ("Status | None", {"default": "done"},
             {"kind": "enum", "enum": "Status", "member": "DONE"}),
        ],
    )  # fmt: skip
    def test_default_kind(self, annotation: str, spec: dict[str, Any], expected: Any) -> None:
        """Each way of writing a default maps to the answers kind the template renders."""
        types = {
            "Status": {"enum": ["in progress", "done"]},
            "Window": {"fields": {"width": {"type": "int", "default": 1}}},
        }
        answers = _answers({"a": {"type": annotation, **spec}}, types=types)
        assert answers["schema"]["fields"][0]["default"] == expected


class TestRecordsAndEnums:
    def test_records_come_in_dependency_order(self) -> None:
        """A record is listed after every record it uses, whatever the spec order."""
        types = {
            "Outer": {"fields": {"inner": "Middle", "others": "list[Inner] | None"}},
            "Middle": {"fields": {"inner": "dict[str, Inner]"}},
            "Inner": {"fields": {"x": "int"}},
            "Lone": {"fields": {"y": "int"}},
        }
        answers = _answers({"a": "Outer"}, types=types)
        names = [record["name"] for record in answers["schema"]["records"]]
        assert names == ["Inner", "Middle", "Outer", "Lone"]

    def test_enum_members_keep_spec_order(self) -> None:
        """Enum members are listed in the order written, with derived names."""
        answers = _answers({"a": "E"}, types={"E": {"enum": ["b-c", "a.b", "Zed", "x1"]}})
        members = answers["schema"]["enums"][0]["members"]
        assert members == [
            {"name": "B_C", "value": "b-c"},
            {"name": "A_B", "value": "a.b"},
            {"name": "ZED", "value": "Zed"},
            {"name": "X1", "value": "x1"},
        ]

    def test_enum_values_that_look_like_code(self) -> None:
        """Enum values made of quotes and template syntax still give usable member names."""
        values = ["it's", 'say "hi"', "{{ x }}"]
        answers = _answers(
            {"a": {"type": "E", "default": "{{ x }}"}}, types={"E": {"enum": values}}
        )
        members = answers["schema"]["enums"][0]["members"]
        assert [m["name"] for m in members] == ["IT_S", "SAY__HI_", "X___"]
        assert answers["schema"]["fields"][0]["default"]["member"] == "X___"

    def test_record_fields_may_be_named_version(self) -> None:
        """Only the root reserves `version` (the file's key); a record may use it."""
        answers = _answers({"a": "Dep"}, types={"Dep": {"fields": {"version": "str"}}})
        assert answers["schema"]["records"][0]["fields"][0]["name"] == "version"

    def test_renamed_from_is_kept(self) -> None:
        """renamed_from reaches the answers for the schema-evolution step."""
        answers = _answers({"new": {"type": "int", "default": 0, "renamed_from": "old"}})
        assert answers["schema"]["fields"][0]["renamed_from"] == "old"

    def test_empty_optional_sections(self) -> None:
        """Empty description, types and progress keys mean "none"."""
        text = HEAD + "description:\ntypes:\nprogress:\nfields: {a: int}\n"
        answers = to_answers(parse_spec(text))
        assert answers["description"] == ""
        assert answers["schema"]["enums"] == answers["schema"]["records"] == []
        assert answers["schema"]["progress"] is None

    def test_progress_with_a_failed_list(self) -> None:
        """A list[str] failed field gives failed_is_dict false."""
        fields = {"todo": "list[str]", "done": "list[str]", "bad": "list[str]"}
        progress = {"items": "todo", "completed": "done", "failed": "bad"}
        answers = _answers(fields, progress=progress)
        assert answers["schema"]["progress"] == {**progress, "failed_is_dict": False}

    def test_anchors_and_aliases_are_values(self) -> None:
        """YAML anchors and aliases work like the values they stand for."""
        text = HEAD + "fields:\n  a: &t {type: int, default: 1}\n  b: *t\n"
        fields = to_answers(parse_spec(text))["schema"]["fields"]
        assert fields[0] | {"name": "b"} == fields[1]
