"""`SchemaVersion`: the MAJOR.MINOR.PATCH version of a state schema, and the steps between."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .problem import Problem, describe_value, show

_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")
_LOOSE = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\Z")


class Bump(enum.IntEnum):
    """The size of a version step; comparable, so the largest change sets a plan's step."""

    NONE = 0
    MINOR = 1
    MAJOR = 2

    @property
    def label(self) -> str:
        return {Bump.NONE: "none", Bump.MINOR: "minor", Bump.MAJOR: "major"}[self]


@dataclass(frozen=True, order=True)
class SchemaVersion:
    """A schema version. Versions order numerically: 1.10.0 > 1.9.0."""

    major: int
    minor: int
    patch: int

    def __post_init__(self) -> None:
        if min(self.major, self.minor, self.patch) < 0:
            raise ValueError(
                f"version parts must not be negative: {self.major}.{self.minor}.{self.patch}"
            )

    @classmethod
    def parse(cls, text: object) -> SchemaVersion:
        """The version `text` spells, strictly MAJOR.MINOR.PATCH; raises `Problem` (ValueError)."""
        if not isinstance(text, str):
            raise Problem(
                f"the version must be MAJOR.MINOR.PATCH text like 1.0.0, got {describe_value(text)}"
            )
        match = _VERSION.match(text)
        if match is None:
            raise Problem(f"{show(text)} is not a MAJOR.MINOR.PATCH version{_hint(text)}")
        major, minor, patch = (int(part) for part in match.groups())
        return cls(major, minor, patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def next(self, bump: Bump) -> SchemaVersion:
        """The smallest version after this one that makes a `bump` step (NONE: a patch).

        Before 1.0.0 a minor step may break (SemVer item 4), so MAJOR is a minor step there.
        """
        if bump is Bump.MAJOR and self.major > 0:
            return self.bump_major()
        if bump is not Bump.NONE:
            return self.bump_minor()
        return self.bump_patch()

    def step_to(self, newer: SchemaVersion) -> Bump:
        """The step this version → `newer` takes: a new major, a new minor, or neither."""
        if newer.major != self.major:
            return Bump.MAJOR
        return Bump.MINOR if newer.minor != self.minor else Bump.NONE

    def bump_major(self) -> SchemaVersion:
        """The next major version: 1.4.2 → 2.0.0."""
        return SchemaVersion(self.major + 1, 0, 0)

    def bump_minor(self) -> SchemaVersion:
        """The next minor version: 1.4.2 → 1.5.0."""
        return SchemaVersion(self.major, self.minor + 1, 0)

    def bump_patch(self) -> SchemaVersion:
        """The next patch version: 1.4.2 → 1.4.3."""
        return SchemaVersion(self.major, self.minor, self.patch + 1)


def edge_module(old: SchemaVersion | str, new: SchemaVersion | str) -> str:
    """`v1_0_0_to_v1_1_0`: the module of the migration step from version `old` to `new`."""
    return f"v{str(old).replace('.', '_')}_to_v{str(new).replace('.', '_')}"


def _hint(text: str) -> str:
    stripped = text.strip()
    if stripped[:1] in ("v", "V") and _LOOSE.match(stripped[1:]):
        return f"; drop the 'v' prefix: {stripped[1:]}"
    if _LOOSE.match(stripped):
        canonical = ".".join(str(int(part)) for part in stripped.split("."))
        return f"; write it without leading zeros or spaces: {canonical}"
    if re.match(r"[0-9]+\.[0-9]+\.[0-9]+[-+]", stripped):
        return "; pre-release and build suffixes are not supported, e.g. write 1.0.0"
    parts = stripped.split(".")
    if all(part.isdigit() and part.isascii() for part in parts) and len(parts) < 3:
        return f"; give all three parts, e.g. {'.'.join(parts + ['0'] * (3 - len(parts)))}"
    return "; write it like 1.0.0"
