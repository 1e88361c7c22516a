"""The version policy: a schema change needs a new version, as large as the change."""

from __future__ import annotations

from ..errors import SpecError
from ..schema.version import Bump
from .detector import Plan


def check_version(plan: Plan) -> None:
    """Refuse a plan whose new version is missing, backwards or too small for its changes.

    Data changes need a new version: minor for additive changes, major for breaking ones (minor
    while the major version is 0). Changes that store nothing new (docs, defaults) may keep it.
    """
    old, new = plan.old.version, plan.new.version
    needed = plan.step
    if new < old:
        raise SpecError(
            f"version {new} is older than the last released version {old}; "
            f"set `version: {old.next(needed)}`",
            key_path="version",
        )
    if needed is Bump.NONE or old.step_to(new) >= needed:
        return
    kinds = plan.kind
    codes = ", ".join(sorted({op.code for op in plan.operations if op.bump >= needed}))
    now = "is still" if new == old else "only goes to"
    raise SpecError(
        f"the schema changed ({kinds}: {codes}) but the version {now} {new}; "
        f"set `version: {old.next(needed)}` (a new {needed.label} version), "
        "then run `stategen bump` again",
        key_path="version",
    )
