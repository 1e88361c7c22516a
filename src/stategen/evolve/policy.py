"""The version policy: a schema change needs a new version, as large as the change."""

from __future__ import annotations

import re

from ..errors import SpecError
from .classification import Bump
from .detector import Plan

_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")

Version = tuple[int, int, int]


def parse_version(text: str) -> Version:
    match = _VERSION.fullmatch(text)
    if match is None:
        raise SpecError(f"{text!r} is not a MAJOR.MINOR.PATCH version", key_path="version")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def next_version(version: str, bump: Bump) -> str:
    """The smallest version after `version` that makes a `bump` step (NONE: a patch)."""
    major, minor, patch = parse_version(version)
    if bump is Bump.MAJOR and major > 0:
        return f"{major + 1}.0.0"
    if bump is not Bump.NONE:  # before 1.0.0 a minor step may break (semver item 4)
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def required_step(old: str, new: str) -> Bump:
    """The step `old` → `new` actually takes."""
    before, after = parse_version(old), parse_version(new)
    if after[0] != before[0]:
        return Bump.MAJOR
    return Bump.MINOR if after[1] != before[1] else Bump.NONE


def check_version(plan: Plan) -> None:
    """Refuse a plan whose new version is missing, backwards or too small for its changes.

    Data changes need a new version: minor for additive changes, major for breaking ones (minor
    while the major version is 0). Changes that store nothing new (docs, defaults) may keep it.
    """
    old, new = plan.old.version, plan.new.version
    needed = plan.bump
    if parse_version(new) < parse_version(old):
        raise SpecError(
            f"version {new} is older than the last released version {old}; "
            f"set `version: {next_version(old, needed)}`",
            key_path="version",
        )
    if needed is Bump.NONE:
        return
    step = required_step(old, new)
    if parse_version(old)[0] == 0 and needed is Bump.MAJOR:
        needed = Bump.MINOR
    if step >= needed:
        return
    kinds = "breaking" if plan.bump is Bump.MAJOR else "additive"
    codes = ", ".join(sorted({op.code for op in plan.operations if op.bump >= needed}))
    now = "is still" if new == old else "only goes to"
    raise SpecError(
        f"the schema changed ({kinds}: {codes}) but the version {now} {new}; "
        f"set `version: {next_version(old, plan.bump)}` ({needed.label} bump), "
        "then run `stategen bump` again",
        key_path="version",
    )
