"""`alias:` gives a field a JSON key that cannot be an attribute name: read, checked, recorded."""

from __future__ import annotations

import keyword
import re

import pytest
from conftest import REPO

from stategen.answers import from_answers, to_answers
from stategen.codegen.template import template_answers
from stategen.errors import SpecError
from stategen.schema.reserved import METHODS, MODEL_NAMES, ROOT_KEYS
from stategen.spec import parse_spec

HEAD = "name: x-state\nversion: 1.0.0\n"  # lines 1 and 2; the case's own text starts on line 3
SPEC = (
    HEAD
    + """types:
  Event:
    fields:
      kind: {type: str, alias: type}
      seen: {type: "str | None", alias: last-seen, default: null}
fields:
  kind: {type: str, alias: type}
  todo: {type: "list[str]", alias: to-do}
  done: {type: "list[str]", alias: list, default: []}
  failures: {type: "dict[str, str]", default: {}}
  event: {type: Event, default: {type: x, last-seen: y}}
progress: {items: todo, completed: done, failed: failures}
"""
)


class TestReading:
    def test_aliases_of_root_record_and_progress_fields(self) -> None:
        """The attribute keeps the field's name; the key is the alias; no alias, the name."""
        schema = parse_spec(SPEC)
        root = {f.name: f for f in schema.fields}
        assert [(f.name, f.key) for f in schema.fields] == [
            ("kind", "type"),
            ("todo", "to-do"),
            ("done", "list"),
            ("failures", "failures"),
            ("event", "event"),
        ]
        assert root["failures"].alias is None
        assert schema.record("Event").keys == ["type", "last-seen"]
        assert schema.progress is not None and schema.progress.items == "todo"

    def test_a_record_default_is_written_with_the_stored_keys(self) -> None:
        """A record value in a default is stored data: its keys are the aliases."""
        event = parse_spec(SPEC).root.field("event")
        assert event is not None and event.default is not None
        assert event.default.stored() == {"type": "x", "last-seen": "y"}
        with pytest.raises(SpecError, match=r"Event has no field 'kind' \(its keys: type"):
            parse_spec(SPEC.replace("{type: x, last-seen: y}", "{kind: x}"))

    def test_answers_keep_the_alias_and_read_without_it(self) -> None:
        """Recorded answers hold `alias` only where a field has one, and read back equal."""
        schema = parse_spec(SPEC)
        answers = to_answers(schema)
        fields = answers["schema"]["fields"]
        assert [f.get("alias") for f in fields] == ["type", "to-do", "list", None, None]
        assert "alias" not in fields[3]
        assert from_answers(answers) == schema
        for item in fields:  # answers written before aliases existed
            item.pop("alias", None)
        assert [f.key for f in from_answers(answers).fields][:3] == ["kind", "todo", "done"]

    def test_the_spec_written_back_keeps_the_aliases(self) -> None:
        """The `stategen.yml` written from the answers reads as the same schema, aliases too."""
        schema = parse_spec(SPEC)
        assert parse_spec(template_answers(schema)["schema"]["code"]["spec"]) == schema

    def test_recorded_answers_with_a_key_twice_are_refused(self) -> None:
        """Answers where two fields share a key are malformed, named by their path."""
        answers = to_answers(parse_spec(SPEC))
        answers["schema"]["fields"][1]["alias"] = "type"
        with pytest.raises(SpecError, match=r"'type' is listed twice"):
            from_answers(answers)


def case(id: str, text: str, line: int, path: str, *hints: str) -> object:
    return pytest.param(text, line, path, hints, id=id)


CASES = [
    case(
        "alias number",
        HEAD + "fields: {a: {type: int, alias: 1}}\n",
        3,
        "fields.a.alias",
        "text",
        "1 (a number)",
    ),
    case(
        "alias empty",
        HEAD + 'fields: {a: {type: int, alias: ""}}\n',
        3,
        "fields.a.alias",
        "cannot be empty",
    ),
    case(
        "alias list",
        HEAD + "fields: {a: {type: int, alias: [b]}}\n",
        3,
        "fields.a.alias",
        "expected a value",
    ),
    case(
        "alias space",
        HEAD + 'fields: {a: {type: int, alias: " b"}}\n',
        3,
        "fields.a.alias",
        "starts or ends with a space",
    ),
    case(
        "alias tab",
        HEAD + 'fields: {a: {type: int, alias: "b\\tc"}}\n',
        3,
        "fields.a.alias",
        "U+0009",
        "visible characters only",
    ),
    case(
        "alias too long",
        HEAD + "fields: {a: {type: int, alias: " + "b" * 201 + "}}\n",
        3,
        "fields.a.alias",
        "201 characters",
    ),
    case(
        "alias own name",
        HEAD + "fields: {a: {type: int, alias: a}}\n",
        3,
        "fields.a.alias",
        "own name",
        "remove alias",
    ),
    case(
        "alias takes a name",
        HEAD + "fields:\n  a: int\n  b: {type: int, alias: a}\n",
        5,
        "fields.b.alias",
        "already the JSON key of the field 'a'",
    ),
    case(
        "alias twice",
        HEAD + "fields:\n  a: {type: int, alias: k}\n  b: {type: int, alias: k}\n",
        5,
        "fields.b.alias",
        "'k' is already the JSON key of the field 'a'",
    ),
    case(
        "alias version",
        HEAD + "fields: {a: {type: int, alias: version}}\n",
        3,
        "fields.a.alias",
        "'version' is reserved",
        "pick another alias",
    ),
    case(
        "alias checksum",
        HEAD + "fields: {a: {type: int, alias: '#crc32'}}\n",
        3,
        "fields.a.alias",
        "'#crc32' is reserved",
    ),
    case(
        "alias generation",
        HEAD + "fields: {a: {type: int, alias: '#generation'}}\n",
        3,
        "fields.a.alias",
        "'#generation' is reserved",
    ),
    case(
        "record alias taken",
        HEAD + "types: {W: {fields: {a: int, b: {type: int, alias: a}}}}\nfields: {w: W}\n",
        3,
        "types.W.fields.b.alias",
        "already the JSON key",
    ),
    case(
        "keyword suggests alias",
        HEAD + "fields: {type: int}\n",
        3,
        "fields.type",
        "name the field 'type_' and give it alias: type",
    ),
    case(
        "dash suggests alias",
        HEAD + "fields: {last-seen: int}\n",
        3,
        "fields['last-seen']",
        "name the field 'last_seen' and give it alias: last-seen",
    ),
    case(
        "model name suggests alias",
        HEAD + "fields: {list: int}\n",
        3,
        "fields.list",
        "name the field 'list_' and give it alias: list",
    ),
    case(
        "method suggests alias",
        HEAD + "fields: {to_dict: int}\n",
        3,
        "fields.to_dict",
        "name the field 'to_dict_' and give it alias: to_dict",
    ),
    case(
        "odd key suggests quoted alias",
        HEAD + "fields: {'a b': int}\n",
        3,
        "fields['a b']",
        "name the field 'a_b' and give it alias: \"a b\"",
    ),
]


@pytest.mark.parametrize(("text", "line", "path", "hints"), CASES)
def test_bad_alias_is_one_clear_line(text: str, line: int, path: str, hints: tuple[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, file="stategen.yml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"stategen.yml:{line}: {path}: "), message
    for hint in hints:
        assert hint in message, message


def test_a_record_field_may_use_the_root_keys() -> None:
    """`version` is reserved in the root object only: a record field may be stored so."""
    schema = parse_spec(
        HEAD + "types: {W: {fields: {v: {type: int, alias: version}}}}\nfields: {w: W}\n"
    )
    assert schema.record("W").keys == ["version"]


# The documented lists of refused field names, against the sets the code refuses.

_PAGE = (REPO / "docs" / "spec-reference.md").read_text(encoding="utf-8")
_LISTS = {
    "Python keywords and soft keywords": {*keyword.kwlist, *keyword.softkwlist, "type"},
    "names the generated model uses": set(MODEL_NAMES),
    "methods of the generated classes": set(METHODS),
    "keys the state file keeps for itself, for a field of the state": set(ROOT_KEYS),
}


def _documented(page: str) -> dict[str, set[str]]:
    found = {}
    for label in _LISTS:
        line = next((x for x in page.splitlines() if x.startswith(f"- {label}: ")), "")
        found[label] = set(re.findall(r"`([^`]+)`", line))
    return found


def test_the_docs_list_every_refused_name() -> None:
    """docs/spec-reference.md lists exactly the names the spec refuses for fields."""
    assert _documented(_PAGE) == _LISTS


def test_the_docs_check_can_fail() -> None:
    """Positive control: a list missing one name no longer matches."""
    assert _documented(_PAGE.replace("`bytes`, ", "", 1)) != _LISTS


@pytest.mark.parametrize("name", sorted(MODEL_NAMES | METHODS | {"class", "type", "match"}))
def test_every_refused_name_is_refused(name: str) -> None:
    """Each name of the lists is refused as a field name, with the alias way out."""
    with pytest.raises(SpecError, match=rf"and give it alias: {re.escape(name)}\Z"):
        parse_spec(HEAD + f"fields: {{{name}: int}}\n")
