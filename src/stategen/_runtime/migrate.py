"""The migration chain: one step for each pair of consecutive released schema versions."""

import importlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .errors import StateCorruptError, StateMigrationError, StateVersionError
from .jsontext import short

Migrate = Callable[[dict[str, Any]], dict[str, Any]]

_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_EDGE = re.compile(r"v[0-9_]+_to_v[0-9_]+")


@dataclass(frozen=True)
class Step:
    """Turn the data of a `source` file (without its "version" key) into `target` data."""

    source: str
    target: str
    migrate: Migrate

    def __str__(self) -> str:
        """Where the step's code is: `pkg.migrations.v1_0_0_to_v1_1_0 (1.0.0 → 1.1.0)`."""
        module = getattr(self.migrate, "__module__", None) or "?"
        name = getattr(self.migrate, "__qualname__", "migrate")
        where = module if name == "migrate" else f"{module}.{name}"
        return f"{where} ({self.source} → {self.target})"


def parse_version(text: str) -> tuple[int, int, int] | None:
    """`"1.10.0"` → `(1, 10, 0)`; None for anything that is not MAJOR.MINOR.PATCH."""
    match = _VERSION.fullmatch(text)
    if match is None:
        return None
    try:
        major, minor, patch = (int(part) for part in match.groups())
    except ValueError:  # a part of more than 4,300 digits: no released version has one
        return None
    return major, minor, patch


def edge_module(source: str, target: str) -> str:
    """The module holding the step from `source` to `target`, e.g. `v1_0_0_to_v1_1_0`."""
    return f"v{source.replace('.', '_')}_to_v{target.replace('.', '_')}"


def build_chain(package: str, history: Sequence[str]) -> tuple[Step, ...]:
    """Import `package.<edge>` for each consecutive pair in `history` (oldest first).

    The chain must be one straight line: increasing versions, a module for every edge (a
    gap), and no module for an edge outside the line (a fork). Each error names the edge.
    """
    parsed = [parse_version(version) for version in history]
    if not history or None in parsed:
        raise StateMigrationError(f"{package}: history {list(history)} is not a list of versions")
    for (old, new), (old_key, new_key) in zip(pairwise(history), pairwise(parsed), strict=True):
        if old_key is None or new_key is None or not old_key < new_key:
            raise StateMigrationError(
                f"{package}: history goes from {old} to {new}; versions must increase"
            )
    edges = {edge_module(old, new): (old, new) for old, new in pairwise(history)}
    import pkgutil  # here: only a package with a history of versions lists its modules

    found = {info.name for info in pkgutil.iter_modules(_package_path(package))}
    for name in sorted(found - edges.keys()):
        if _EDGE.fullmatch(name):
            raise StateMigrationError(
                f"{package}.{name} is not an edge of the chain {' → '.join(history)}: "
                "a fork or a version missing from the history; delete it or fix the history"
            )
    return tuple(_import_step(package, name, *edge) for name, edge in edges.items())


def _package_path(package: str) -> list[str]:
    return list(getattr(importlib.import_module(package), "__path__", []))


def _import_step(package: str, name: str, source: str, target: str) -> Step:
    qualified = f"{package}.{name}"
    try:
        module = importlib.import_module(qualified)
    except ModuleNotFoundError as error:
        if error.name != qualified:  # the module exists, but one of its own imports is missing
            raise StateMigrationError(f"{qualified} cannot be imported: {error}") from error
        raise StateMigrationError(
            f"missing migration {source} → {target}: create {qualified} "
            "with `def migrate(data: dict[str, Any]) -> dict[str, Any]`"
        ) from None
    except Exception as error:  # a syntax error, or one its code raised on import
        raise StateMigrationError(f"{qualified} cannot be imported: {error!r}") from error
    migrate = getattr(module, "migrate", None)
    if not callable(migrate):
        raise StateMigrationError(
            f"{qualified} has no migrate(data) function ({source} → {target})"
        )
    return Step(source, target, migrate)


def check_chain(steps: tuple[Step, ...], schema_version: str) -> tuple[str, ...]:
    """The versions `steps` go through, or StateMigrationError if they do not end at
    `schema_version` without a gap; just `schema_version` when there are none."""
    versions = (steps[0].source, *(step.target for step in steps)) if steps else ()
    if steps and (
        versions[-1] != schema_version or any(a.target != b.source for a, b in pairwise(steps))
    ):
        raise StateMigrationError(
            f"the migration steps {' → '.join(versions)} do not end at {schema_version}"
        )
    return versions or (schema_version,)


def upgrade(
    data: dict[str, Any],
    version: str,
    steps: Sequence[Step],
    chain: tuple[Sequence[str], str],
    path: os.PathLike[str] | str,
) -> dict[str, Any]:
    """`data` of the file `path`, written at `version`, migrated by `steps`; `chain` is the
    versions they go through and the current one. StateCorruptError for a version that is
    not one, StateVersionError for one that is not in the chain (newer, or never released)."""
    versions, schema_version = chain
    if (found := parse_version(version)) is None:
        raise StateCorruptError(
            path, f'"version" must be a MAJOR.MINOR.PATCH string, got {short(repr(version))}'
        )
    if version not in versions:
        current = parse_version(schema_version)
        newer = current is not None and found > current
        reason = "is newer than this code" if newer else "is not a released version"
        raise StateVersionError(path, version, schema_version, reason)
    try:
        return migrate(data, version, steps)
    except StateMigrationError as error:  # the same error, naming the file too
        raise StateMigrationError(error.reason, path=path, step=error.step) from (error.__cause__)


def migrate(data: dict[str, Any], version: str, steps: Sequence[Step]) -> dict[str, Any]:
    """Run the steps from `version` to the newest, in memory; `version` must be a step's source.

    A step that raises, or returns no dict, is a StateMigrationError naming it, chained to
    what it raised: the bug is in the step, not in the file.
    """
    start = next(index for index, step in enumerate(steps) if step.source == version)
    for step in steps[start:]:
        try:
            result = step.migrate(data)
        except Exception as error:
            raise StateMigrationError(
                f"the migration {step} raised {error!r}; {_FIX}", step=str(step)
            ) from error
        if not isinstance(result, dict):
            raise StateMigrationError(
                f"the migration {step} returned {type(result).__name__}, not a dict; {_FIX}",
                step=str(step),
            )
        data = result
    return data


def rejected(step: Step, reason: str, path: os.PathLike[str] | str) -> StateMigrationError:
    """The error for data that `step`, the last of a migration, made and its target rejects."""
    return StateMigrationError(
        f"the data the migration {step} produced does not fit schema {step.target}: "
        f"{reason}; {_FIX}",
        path=path,
        step=str(step),
    )


#: What every failing step's message ends with. Loading never changes the file, so the data
#: is still there once the step is fixed.
_FIX = "the stored state was left untouched: fix the step, then load it again"
