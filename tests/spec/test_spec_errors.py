"""Every kind of spec mistake is one SpecError line: file, line, key path and what to do."""

from __future__ import annotations

import pytest

from stategen.errors import SpecError
from stategen.spec import parse_spec

HEAD = "name: x-state\nversion: 1.0.0\n"  # lines 1 and 2; the case's own text starts on line 3
STATUS = "types: {Status: {enum: [pending, done, failed]}}\n"  # line 4 when it follows fields
WINDOW = "types: {Window: {fields: {w: int}}}\n"


def case(id: str, text: str, line: int, path: str | None, *hints: str) -> object:
    return pytest.param(text, line, path, hints, id=id)


# (text, line, key path, fragments the message must contain)
CASES = [
    # YAML itself
    case("invalid yaml", "a: [1\n", 2, None, "invalid YAML", "column"),
    case("tab indentation", "name: x\n\tversion: 1\n", 2, None, "invalid YAML"),
    case("two documents", "a: b\n---\nc: d\n", 2, None, "invalid YAML", "single document"),
    case("control character", "name: x\x07\n", 1, None, "U+0007", "remove it"),
    case("duplicate key", "name: a\nname: b\n", 2, "name", "duplicate key 'name'",
         "first at line 1"),
    case("duplicate field", HEAD + "fields:\n  a: int\n  a: str\n", 5, "fields.a", "duplicate key"),
    case("python tag", HEAD + "fields: {a: !!python/object:os.system {}}\n", 3, "fields.a",
         "'!!python/object:os.system' is not supported", "plain text"),
    case("set tag", HEAD + "fields: !!set {a}\n", 3, "fields", "'!!set' is not supported"),
    case("custom tag", HEAD + "fields: {a: !Ref int}\n", 3, "fields.a", "'!Ref' is not supported"),
    case("self-containing alias", HEAD + "fields: &a {b: *a}\n", 3, "fields.b", "alias", "loop"),
    case("merge key", HEAD + "fields:\n  <<: {a: int}\n", 4, "fields", "merge keys",
         "write the keys out"),
    case("complex key", HEAD + "fields:\n  ? [a]\n  : int\n", 4, "fields",
         "keys must be plain text"),
    case("bad explicit int", HEAD + "fields: {a: {type: int, default: !!int abc}}\n", 3,
         "fields.a.default", "'abc' is not a valid !!int"),
    case("huge integer", HEAD + "fields: {a: {type: int, default: 0x" + "f" * 4000 + "}}\n", 3,
         "fields.a.default", "too large"),
    case("deep nesting", "[" * 200, 1, None, "nest more than 64 levels deep"),
    # The top level
    case("empty document", "# nothing\n", 1, None, "empty", "name, version and fields"),
    case("top level list", "- a\n- b\n", 1, None, "must be a mapping", "got a list"),
    case("top level number", "42\n", 1, None, "must be a mapping", "42 (a number)"),
    case("unknown top key", HEAD + "feilds: {a: int}\n", 3, "feilds",
         "unknown key 'feilds'", "did you mean 'fields'?"),
    case("unknown key no match", HEAD + "fields: {a: int}\ncolour: red\n", 4, "colour",
         "unknown key 'colour'", "expected one of: name, package"),
    case("number as top key", HEAD + "fields: {a: int}\n3: x\n", 4, "[3]", "keys here are text"),
    case("missing version", "name: x\nfields: {a: int}\n", 1, None,
         "missing required key 'version'", "add e.g. version: 1.0.0"),
    case("missing fields", HEAD, 1, None, "missing required key 'fields'"),
    # name, package, state
    case("bad distribution name", "name: my pkg\nversion: 1.0.0\nfields: {a: int}\n", 1, "name",
         "not a valid distribution name", "'my-pkg'"),
    case("name is a list", "name: [a]\nversion: 1.0.0\nfields: {a: int}\n", 1, "name",
         "expected a value, got a list"),
    case("package with dash", HEAD + "package: my-pkg\nfields: {a: int}\n", 3, "package",
         "not an importable package name", "'my_pkg'"),
    case("package uppercase", HEAD + "package: Pkg\nfields: {a: int}\n", 3, "package",
         "lowercase"),
    case("package keyword", HEAD + "package: import\nfields: {a: int}\n", 3, "package",
         "keyword"),
    case("package shadows stdlib", HEAD + "package: json\nfields: {a: int}\n", 3, "package",
         "standard-library module json", "'json_state'"),
    case("package shadows dependency", HEAD + "package: filelock\nfields: {a: int}\n", 3,
         "package", "shadow a module of the generated project's own tools"),
    case("derived package invalid", "name: json\nversion: 1.0.0\nfields: {a: int}\n", 1, "name",
         "package derived from this name", "set package: explicitly"),
    case("derived state invalid", "name: 1-up\npackage: up\nversion: 1.0.0\nfields: {a: int}\n",
         1, "name", "state derived from this name", "set state: explicitly"),
    case("state not camel case", HEAD + "state: batch_state\nfields: {a: int}\n", 3, "state",
         "not a valid state class name", "'BatchState'"),
    case("state shadows api", HEAD + "state: StateStore\nfields: {a: int}\n", 3, "state",
         "taken by the generated code"),
    # version
    case("version as number", "name: x\nversion: 1.0\nfields: {a: int}\n", 2, "version",
         "MAJOR.MINOR.PATCH", "1.0 (a number)"),
    case("version with v", "name: x\nversion: v1.0.0\nfields: {a: int}\n", 2, "version",
         "drop the 'v' prefix"),
    case("version leading zero", "name: x\nversion: 01.0.0\nfields: {a: int}\n", 2, "version",
         "without leading zeros", "1.0.0"),
    case("version prerelease", "name: x\nversion: 1.0.0-rc1\nfields: {a: int}\n", 2, "version",
         "pre-release"),
    case("version two parts", "name: x\nversion: '1.2'\nfields: {a: int}\n", 2, "version",
         "give all three parts", "1.2.0"),
    case("version null", "name: x\nversion:\nfields: {a: int}\n", 2, "version", "got null"),
    # description and docs
    case("description not text", HEAD + "description: [a]\nfields: {a: int}\n", 3, "description",
         "expected a value"),
    case("description control char", HEAD + 'description: "a\\x00b"\nfields: {a: int}\n', 3,
         "description", "control character U+0000", "only newlines and tabs"),
    case("doc not text", HEAD + "fields: {a: {type: int, doc: 5}}\n", 3, "fields.a.doc",
         "a doc must be text", "quote it"),
    case("doc carriage return", HEAD + 'fields: {a: {type: int, doc: "a\\rb"}}\n', 3,
         "fields.a.doc", "U+000D"),
    case("type doc escape", HEAD + "fields: {a: int}\n" + 'types: {E: {enum: [x], doc: "\\e"}}\n',
         4, "types.E.doc", "U+001B"),
    # fields
    case("fields empty", HEAD + "fields: {}\n", 3, "fields", "got an empty mapping"),
    case("fields null", HEAD + "fields:\n", 3, "fields", "got null"),
    case("fields list", HEAD + "fields: [a, b]\n", 3, "fields", "got a list"),
    case("fields text", HEAD + "fields: x\n", 3, "fields", "got 'x' (text)"),
    case("number as field name", HEAD + "fields: {1: int}\n", 3, "fields[1]",
         "field names must be text", "1 (a number)"),
    case("field keyword", HEAD + "fields: {class: int}\n", 3, "fields.class", "Python keyword",
         "'class_'"),
    case("field soft keyword", HEAD + "fields: {match: int}\n", 3, "fields.match", "soft keyword"),
    case("field type keyword", HEAD + "fields: {type: int}\n", 3, "fields.type", "keyword"),
    case("field not identifier", HEAD + "fields: {a-b: int}\n", 3, "fields['a-b']",
         "not a valid field name", "'a_b'"),
    case("field starts with digit", HEAD + "fields: {1abc: int}\n", 3, "fields['1abc']",
         "not starting with a digit"),
    case("field non ascii", HEAD + "fields: {é: int}\n", 3, "fields['é']", "ASCII"),
    case("field version", HEAD + "fields: {version: int}\n", 3, "fields.version", "reserved",
         "schema version"),
    case("field to_dict", HEAD + "fields: {to_dict: int}\n", 3, "fields.to_dict",
         "to_dict() method"),
    case("field underscore", HEAD + "fields: {_x: int}\n", 3, "fields._x", "starts with '_'",
         "'x'"),
    case("field shadows builtin", HEAD + "fields: {str: int}\n", 3, "fields.str",
         "would hide the name str"),
    case("field shadows field()", HEAD + "fields: {field: int}\n", 3, "fields.field",
         "would hide the name field"),
    case("field named like a type", HEAD + "fields: {Window: int}\n" + WINDOW, 3,
         "fields.Window", "also the name of a type"),
    case("field without type", HEAD + "fields:\n  a:\n", 4, "fields.a", "has no type",
         "a: str"),
    case("field is a list", HEAD + "fields: {a: [int]}\n", 3, "fields.a", "got a list"),
    case("unknown field key", HEAD + "fields: {a: {type: int, defualt: 1}}\n", 3,
         "fields.a.defualt", "did you mean 'default'?"),
    case("field missing type", HEAD + "fields: {a: {default: 1}}\n", 3, "fields.a",
         "missing required key 'type'"),
    # types of fields
    case("unknown type", HEAD + "fields: {a: Strr}\n", 3, "fields.a.type", "unknown type 'Strr'",
         "did you mean 'str'?"),
    case("unknown declared type", HEAD + "fields: {a: Windw}\n" + WINDOW, 3, "fields.a.type",
         "did you mean 'Window'?"),
    case("type alias", HEAD + "fields: {a: integer}\n", 3, "fields.a.type", "write int instead"),
    case("type is a number", HEAD + "fields: {a: {type: 5}}\n", 3, "fields.a.type",
         "a type is text"),
    case("unclosed bracket", HEAD + "fields: {a: 'list['}\n", 3, "fields.a.type",
         "found the end"),
    case("dict int keys", HEAD + "fields: {a: 'dict[int, str]'}\n", 3, "fields.a.type",
         "dict keys must be str"),
    case("set type", HEAD + "fields: {a: 'set[str]'}\n", 3, "fields.a.type",
         "set[...] is not a supported type"),
    case("optional spelling", HEAD + "fields: {a: 'Optional[str]'}\n", 3, "fields.a.type",
         "write T | None instead"),
    case("wide union", HEAD + "fields: {a: 'str | int'}\n", 3, "fields.a.type", "T | None"),
    case("bare list", HEAD + "fields: {a: list}\n", 3, "fields.a.type", "list[str]"),
    case("type bad character", HEAD + "fields: {a: 'list<str>'}\n", 3, "fields.a.type",
         "unexpected '<'"),
    # defaults
    case("int default quoted", HEAD + "fields: {a: {type: int, default: '1'}}\n", 3,
         "fields.a.default", "does not fit the type int", "without quotes"),
    case("int default bool", HEAD + "fields: {a: {type: int, default: true}}\n", 3,
         "fields.a.default", "booleans"),
    case("int default float", HEAD + "fields: {a: {type: int, default: 1.5}}\n", 3,
         "fields.a.default", "whole number"),
    case("str default number", HEAD + "fields: {a: {type: str, default: 3}}\n", 3,
         "fields.a.default", "quote it"),
    case("bool default yes", HEAD + "fields: {a: {type: bool, default: yes}}\n", 3,
         "fields.a.default", "write true or false"),
    case("float default nan", HEAD + "fields: {a: {type: float, default: .nan}}\n", 3,
         "fields.a.default", "finite"),
    case("float default inf text", HEAD + "fields: {a: {type: float, default: 'inf'}}\n", 3,
         "fields.a.default", "finite"),
    case("float default too big", HEAD + "fields: {a: {type: float, default: " + "9" * 400 + "}}\n",
         3, "fields.a.default", "too large for a float"),
    case("null for required type", HEAD + "fields: {a: {type: str, default: null}}\n", 3,
         "fields.a.default", "only allowed for an optional type", "'str | None'"),
    case("list default wrong item", HEAD + "fields: {a: {type: 'list[str]', default: [1]}}\n", 3,
         "fields.a.default", "does not fit the type list[str]"),
    case("list default not list", HEAD + "fields: {a: {type: 'list[str]', default: a}}\n", 3,
         "fields.a.default", "write a list like"),
    case("nested list default", HEAD + "fields: {a: {type: 'list[list[int]]', default: [[1]]}}\n",
         3, "fields.a.default", "non-empty default for list[list[int]] is not supported"),
    case("dict default number key",
         HEAD + "fields: {a: {type: 'dict[str, int]', default: {1: 2}}}\n", 3,
         "fields.a.default", "dict keys are text"),
    case("datetime literal", HEAD + "fields: {a: {type: datetime, default: 2020-01-01}}\n", 3,
         "fields.a.default", "default_factory: now", "'datetime | None'"),
    case("date literal", HEAD + "fields: {a: {type: date, default: '2020-01-01'}}\n", 3,
         "fields.a.default", "default_factory: today"),
    case("enum default not member",
         HEAD + "fields: {a: {type: Status, default: pendng}}\n" + STATUS, 3,
         "fields.a.default", "'pendng' is not a member of enum Status (pending, done, failed)",
         "did you mean 'pending'?"),
    case("record literal default", HEAD + "fields: {a: {type: Window, default: {w: 1}}}\n" + WINDOW,
         3, "fields.a.default", "default_factory: Window"),
    case("default and factory",
         HEAD + "fields: {a: {type: int, default: 1, default_factory: list}}\n", 3,
         "fields.a.default_factory", "exclusive"),
    case("factory wrong type", HEAD + "fields: {a: {type: date, default_factory: now}}\n", 3,
         "fields.a.default_factory", "makes a datetime", "use default_factory: today"),
    case("factory for scalar", HEAD + "fields: {a: {type: int, default_factory: list}}\n", 3,
         "fields.a.default_factory", "default: <value>"),
    case("unknown factory", HEAD + "fields: {a: {type: datetime, default_factory: nwo}}\n", 3,
         "fields.a.default_factory", "did you mean 'now'?"),
    case("factory not text", HEAD + "fields: {a: {type: datetime, default_factory: 1}}\n", 3,
         "fields.a.default_factory", "names a factory"),
    case("record factory needs defaults",
         HEAD + "fields: {a: {type: Window, default_factory: Window}}\n" + WINDOW, 3,
         "fields.a.default_factory", "'w' has none"),
    case("surrogate default", HEAD + 'fields: {a: {type: str, default: "\\ud800"}}\n', 3,
         "fields.a.default", "lone surrogate U+D800"),
    # renamed_from
    case("renamed from itself", HEAD + "fields: {a: {type: int, renamed_from: a}}\n", 3,
         "fields.a.renamed_from", "its own name"),
    case("renamed from live field", HEAD + "fields: {a: {type: int, renamed_from: b}, b: int}\n", 3,
         "fields.a.renamed_from", "'b' is still a field"),
    case("renamed twice",
         HEAD + "fields:\n  a: {type: int, renamed_from: c}\n  b: {type: int, renamed_from: c}\n",
         5, "fields.b.renamed_from", "already renamed from 'c'"),
    case("renamed from bad name", HEAD + "fields: {a: {type: int, renamed_from: 'x y'}}\n", 3,
         "fields.a.renamed_from", "not a valid field name"),
    # types
    case("types not mapping", HEAD + "fields: {a: int}\ntypes: [a]\n", 4, "types",
         "mapping of type names"),
    case("type lowercase", HEAD + "fields: {a: int}\ntypes: {status: {enum: [a]}}\n", 4,
         "types.status", "uppercase", "'Status'"),
    case("type shadows api", HEAD + "fields: {a: int}\ntypes: {StateError: {enum: [a]}}\n", 4,
         "types.StateError", "generated package's API"),
    case("type is the manager", HEAD + "fields: {a: int}\ntypes: {XStateManager: {enum: [a]}}\n", 4,
         "types.XStateManager", "manager class"),
    case("type is the state", HEAD + "fields: {a: int}\ntypes: {XState: {enum: [a]}}\n", 4,
         "types.XState", "root state class"),
    case("type shadows typing", HEAD + "fields: {a: int}\ntypes: {Any: {enum: [a]}}\n", 4,
         "types.Any", "would hide"),
    case("type neither", HEAD + "fields: {a: int}\ntypes: {E: {doc: x}}\n", 4, "types.E",
         "enum: [...] (for an enum) or fields: {...} (for a record)"),
    case("type both", HEAD + "fields: {a: int}\ntypes: {E: {enum: [a], fields: {b: int}}}\n", 4,
         "types.E", "not both"),
    case("type unknown key", HEAD + "fields: {a: int}\ntypes: {E: {enums: [a]}}\n", 4,
         "types.E.enums", "did you mean 'enum'?"),
    case("type is text", HEAD + "fields: {a: int}\ntypes: {E: int}\n", 4, "types.E",
         "expected a type"),
    case("record without fields", HEAD + "fields: {a: int}\ntypes: {R: {fields: {}}}\n", 4,
         "types.R.fields", "at least one field"),
    case("record bad field", HEAD + "fields: {a: int}\ntypes: {R: {fields: {b: flaot}}}\n", 4,
         "types.R.fields.b.type", "did you mean 'float'?"),
    case("recursive record", HEAD + "fields: {a: int}\ntypes: {A: {fields: {b: 'A | None'}}}\n", 4,
         "types.A", "A → A"),
    case("mutually recursive records",
         HEAD + "fields: {a: int}\ntypes:\n  A: {fields: {b: B}}\n  B: {fields: {a: 'list[A]'}}\n",
         5, "types.A", "A → B → A"),
    # enums
    case("enum empty", HEAD + "fields: {a: int}\ntypes: {E: {enum: []}}\n", 4, "types.E.enum",
         "non-empty list", "an empty list"),
    case("enum text", HEAD + "fields: {a: int}\ntypes: {E: {enum: a}}\n", 4, "types.E.enum",
         "got 'a' (text)"),
    case("enum number value", HEAD + "fields: {a: int}\ntypes: {E: {enum: [a, 1]}}\n", 4,
         "types.E.enum[1]", "must be non-empty text", "quote it"),
    case("enum empty value", HEAD + "fields: {a: int}\ntypes: {E: {enum: ['']}}\n", 4,
         "types.E.enum[0]", "non-empty text"),
    case("enum duplicate value", HEAD + "fields: {a: int}\ntypes: {E: {enum: [a, a]}}\n", 4,
         "types.E.enum[1]", "listed twice"),
    case("enum member clash", HEAD + "fields: {a: int}\ntypes: {E: {enum: [a-b, A b]}}\n", 4,
         "types.E.enum[1]", "both give the member name A_B"),
    case("enum member digit", HEAD + "fields: {a: int}\ntypes: {E: {enum: [1st]}}\n", 4,
         "types.E.enum[0]", "'1ST'", "starts with a digit"),
    case("enum member no letters", HEAD + "fields: {a: int}\ntypes: {E: {enum: [a, '--']}}\n", 4,
         "types.E.enum[1]", "no letters or digits", "add a letter"),
    case("enum member clash after strip", HEAD + "fields: {a: int}\ntypes: {E: {enum: [x, -x]}}\n",
         4, "types.E.enum[1]", "both give the member name X"),
    case("enum control char", HEAD + 'fields: {a: int}\ntypes: {E: {enum: ["a\\x01"]}}\n', 4,
         "types.E.enum[0]", "U+0001"),
    # progress
    case("progress not mapping", HEAD + "fields: {a: int}\nprogress: features\n", 4, "progress",
         "{items: features"),
    case("progress missing key", HEAD + "fields: {a: 'list[str]'}\nprogress: {items: a}\n", 4,
         "progress", "missing required key 'completed'"),
    case("progress unknown key", HEAD + "fields: {a: int}\nprogress: {itmes: a}\n", 4,
         "progress.itmes", "did you mean 'items'?"),
    case("progress unknown field", HEAD + "fields: {features: 'list[str]'}\n"
         "progress: {items: featres, completed: x, failed: y}\n", 4, "progress.items",
         "no field 'featres'", "did you mean 'features'?"),
    case("progress wrong type",
         HEAD + "fields: {a: int}\nprogress: {items: a, completed: a, failed: a}\n", 4,
         "progress.items", "must be list[str]", "'a' is int"),
    case("progress failed type",
         HEAD + "fields: {a: 'list[str]', b: 'list[str]', c: 'dict[str, int]'}\n"
         "progress: {items: a, completed: b, failed: c}\n",
         4, "progress.failed", "list[str] or dict[str, str]"),
    case("progress same field", HEAD + "fields: {a: 'list[str]', b: 'list[str]'}\n"
         "progress: {items: a, completed: a, failed: b}\n", 4, "progress.completed",
         "already the items field"),
    case("progress not a name",
         HEAD + "fields: {a: int}\nprogress: {items: [a], completed: a, failed: a}\n", 4,
         "progress.items", "must be text"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "path", "hints"), CASES)
def test_error_names_file_line_path_and_fix(
    text: str, line: int, path: str | None, hints: tuple[str, ...]
) -> None:
    """The error is one line `file:line: key.path: what is wrong; what to do`."""
    with pytest.raises(SpecError) as caught:
        parse_spec(text, file="stategen.yml")
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert (error.file, error.line, error.key_path) == ("stategen.yml", line, path), message
    prefix = f"stategen.yml:{line}: " + (f"{path}: " if path else "")
    assert message.startswith(prefix), message
    for hint in hints:
        assert hint in message, message


def test_the_documented_example_message() -> None:
    """The getting-started guide's sample error is what users really see."""
    text = (
        "name: batch-state\nversion: 1.0.0\ntypes:\n  Status: {enum: [pending, done, failed]}\n"
        "fields:\n  batch_id: str\n  status: {type: Status, default: pendng}\n"
    )
    with pytest.raises(SpecError) as caught:
        parse_spec(text, file="stategen.yml")
    assert str(caught.value) == (
        "stategen.yml:7: fields.status.default: 'pendng' is not a member of enum Status "
        "(pending, done, failed); did you mean 'pending'?"
    )


def test_without_a_file_the_spec_is_named_generically() -> None:
    """parse_spec without file still gives a located one-line message."""
    with pytest.raises(SpecError, match=r"^<spec>:2: version: "):
        parse_spec("name: x\nversion: 1\nfields: {a: int}\n")
