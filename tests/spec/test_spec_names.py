"""Name rules and schema versions, checked one value at a time."""

from __future__ import annotations

from typing import Any

import pytest

from stategen.schema import Problem, SchemaVersion
from stategen.spec._names import (
    camel_case,
    derive_package,
    distribution_name,
    field_name,
    member_name,
    package_name,
    state_name,
    type_name,
)


class TestFieldNames:
    @pytest.mark.parametrize("name", ["a", "batch_id", "x1", "camelCase", "Upper", "self", "id"])
    def test_accepted(self, name: str) -> None:
        """Plain ASCII identifiers are field names."""
        assert field_name(name, root=True, taken=()) == name

    @pytest.mark.parametrize(
        "name",
        [
            "class", "None", "match", "case", "_", "type", "1a", "a b", "a-b", "é", "", "_x",
            "__init__", "to_dict", "from_dict", "version", "str", "list", "date", "datetime",
            "field", "dataclass", "Any", "Self", "Mapping", "StrEnum", "UTC", "encode", "decode",
            "SCHEMA_VERSION",
        ],
    )  # fmt: skip
    def test_refused_at_the_root(self, name: str) -> None:
        """Keywords, non-identifiers, reserved and shadowing names are refused."""
        with pytest.raises(Problem):
            field_name(name, root=True, taken=())

    def test_version_is_only_reserved_at_the_root(self) -> None:
        """A record field may be called version."""
        assert field_name("version", root=False, taken=()) == "version"

    def test_type_names_are_taken(self) -> None:
        """A field may not share its name with a type."""
        with pytest.raises(Problem, match="also the name of a type"):
            field_name("Window", root=True, taken={"Window"})


class TestClassNames:
    @pytest.mark.parametrize("name", ["Status", "Window2", "HTTPState", "X"])
    def test_type_names(self, name: str) -> None:
        """CamelCase identifiers are type names."""
        assert type_name(name, state="AppState") == name

    @pytest.mark.parametrize(
        ("name", "fragment"),
        [
            ("status", "uppercase"),
            ("StateError", "API"),
            ("StateLockTimeout", "API"),
            ("SCHEMA_VERSION", "API"),
            ("AppStateManager", "manager class"),
            ("AppState", "root state class"),
            ("Mapping", "would hide"),
            ("None", "keyword"),
            ("Ünï", "not a valid type name"),
        ],
    )
    def test_refused_type_names(self, name: str, fragment: str) -> None:
        """Type names may not collide with Python or the generated API."""
        with pytest.raises(Problem, match=fragment):
            type_name(name, state="AppState")

    @pytest.mark.parametrize("name", ["batchState", "Batch_State", "Batch-State", "", "StateStore"])
    def test_refused_state_names(self, name: str) -> None:
        """The state class is CamelCase letters and digits, and not a generated name."""
        with pytest.raises(Problem):
            state_name(name)


class TestPackageAndDistribution:
    @pytest.mark.parametrize(
        ("name", "package", "state"),
        [
            ("batch-state", "batch_state", "BatchState"),
            ("Batch.State", "batch_state", "BatchState"),
            ("user_prefs", "user_prefs", "UserPrefs"),
            ("myAPI-state", "myapi_state", "MyAPIState"),
        ],
    )
    def test_derived(self, name: str, package: str, state: str) -> None:
        """package and state default to forms of the distribution name."""
        assert (derive_package(name), camel_case(name)) == (package, state)

    @pytest.mark.parametrize(
        "name", ["json", "os", "enum", "dataclasses", "typing", "filelock", "pytest", "pluggy"]
    )
    def test_shadowing_packages_are_refused(self, name: str) -> None:
        """A package may not shadow the standard library or what generated projects import."""
        with pytest.raises(Problem, match="shadow"):
            package_name(name)

    @pytest.mark.parametrize("name", ["my-pkg", "1pkg", "Pkg", "pkg.x", "", "_pkg", "for"])
    def test_unimportable_packages_are_refused(self, name: str) -> None:
        """A package is a lowercase identifier that is no keyword."""
        with pytest.raises(Problem):
            package_name(name)

    @pytest.mark.parametrize("name", ["a", "batch-state", "A.b_c-9", "x1"])
    def test_distribution_names(self, name: str) -> None:
        """PEP 508 names: letters and digits, with . _ - inside."""
        assert distribution_name(name) == name

    @pytest.mark.parametrize("name", ["-a", "a-", "a b", "", "ä", "a/b", 3])
    def test_bad_distribution_names(self, name: object) -> None:
        """Anything else is refused."""
        with pytest.raises(Problem):
            distribution_name(name)


class TestMemberNames:
    @pytest.mark.parametrize(
        ("value", "member"),
        [
            ("pending", "PENDING"),
            ("in-progress", "IN_PROGRESS"),
            ("a.b c", "A_B_C"),
            ("café", "CAFE"),
            ("é", "E"),
            ("straße", "STRASSE"),
            ("日本", "日本"),
            ("привет", "ПРИВЕТ"),
            ("x²", "X2"),
            ("x1", "X1"),
            ("{{ x }}", "X___"),
            ("-x", "X"),
            ("__init__", "INIT__"),
            ("a--", "A__"),
        ],
    )
    def test_member_names(self, value: str, member: str) -> None:
        """Members are the value upper-cased, accents dropped, letters of any script kept,
        other characters as '_', leading '_' dropped."""
        assert member_name(value) == member

    @pytest.mark.parametrize(
        ("value", "fragment"),
        [("2fa", "starts with a digit"), ("-9", "starts with a digit"), ("-", "no letters")],
    )
    def test_unusable_member_names(self, value: str, fragment: str) -> None:
        """Values that leave no name, or a name starting with a digit, are refused."""
        with pytest.raises(Problem, match=fragment):
            member_name(value)

    @pytest.mark.parametrize(
        "value", ["{{ x }}", "-x", "a--", "in progress", "a'b", "__x__", "é", "日本", "ﬁne"]
    )
    def test_accepted_names_really_are_members(self, value: str) -> None:
        """Every accepted name becomes a real member of a StrEnum class body."""
        name = member_name(value)
        namespace: dict[str, Any] = {}
        exec(f"from enum import StrEnum\nclass E(StrEnum):\n    {name} = {value!r}\n", namespace)
        assert [m.value for m in namespace["E"]] == [value]
        assert namespace["E"][name].value == value


class TestSchemaVersion:
    def test_parse_and_print(self) -> None:
        """A version parses to its three numbers and prints back the same."""
        version = SchemaVersion.parse("1.20.3")
        assert (version.major, version.minor, version.patch) == (1, 20, 3)
        assert str(version) == "1.20.3"

    def test_ordering_is_numeric(self) -> None:
        """1.10.0 is newer than 1.9.0."""
        assert SchemaVersion.parse("1.10.0") > SchemaVersion.parse("1.9.0")
        assert sorted(map(SchemaVersion.parse, ["2.0.0", "0.1.0", "1.0.10", "1.0.2"])) == [
            SchemaVersion(0, 1, 0),
            SchemaVersion(1, 0, 2),
            SchemaVersion(1, 0, 10),
            SchemaVersion(2, 0, 0),
        ]

    def test_bumps(self) -> None:
        """Bumps reset the lower parts."""
        version = SchemaVersion(1, 4, 2)
        assert str(version.bump_major()) == "2.0.0"
        assert str(version.bump_minor()) == "1.5.0"
        assert str(version.bump_patch()) == "1.4.3"

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("1.0", "give all three parts, e.g. 1.0.0"),
            ("1", "give all three parts"),
            ("v1.0.0", "drop the 'v' prefix"),
            ("01.0.0", "without leading zeros"),
            ("1.0.0 ", "without leading zeros or spaces"),
            ("1.0.0-rc1", "pre-release"),
            ("1.0.0+build", "pre-release and build"),
            ("1.0.0.0", "write it like 1.0.0"),
            ("\u0661.\u0660.\u0660", "write it like 1.0.0"),  # Arabic-Indic digits
            ("", "write it like 1.0.0"),
            (1.0, "1.0 (a number)"),
            (None, "got null"),
        ],
    )
    def test_refused(self, text: object, fragment: str) -> None:
        """Anything but strict MAJOR.MINOR.PATCH is refused with a hint."""
        with pytest.raises(Problem) as caught:
            SchemaVersion.parse(text)
        assert fragment in str(caught.value)

    def test_negative_parts(self) -> None:
        """A version cannot be built from negative numbers."""
        with pytest.raises(ValueError):
            SchemaVersion(1, -1, 0)
