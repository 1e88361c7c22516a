"""`stategen check`: is the spec released, the migration chain whole, every stub filled?

It reads files only (no Copier, no import of the project's code), so it is fast enough to run
on every push. A problem makes it fail; a warning is shown and does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from ._copier import ANSWERS_FILE, read_answers
from .bump import read_schema, release_answers
from .errors import PreconditionError, SpecError
from .evolve import Plan, Schema, SchemaShapeError, check_version, detect, edge_module
from .evolve.policy import parse_version
from .evolve.project import Layout, SnapshotError, fixture_for, snapshot_of
from .evolve.stubs import Stub, defines_migrate, find_stubs
from .spec import load_spec


@dataclass(frozen=True)
class Edge:
    """One step of the chain: its module, the stubs left in it, and what it changes."""

    source: str
    target: str
    module: str
    exists: bool
    stubs: tuple[Stub, ...] = ()
    plan: Plan | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "module": self.module,
            "exists": self.exists,
            "stubs": [
                {"line": s.line, "function": s.function, "message": s.message} for s in self.stubs
            ],
            "changes": self.plan.as_dict()["changes"] if self.plan else None,
        }


@dataclass(frozen=True)
class CheckReport:
    """Everything `stategen check` found; `ok` when there is no problem."""

    project: Path
    name: str
    version: str
    history: tuple[str, ...]
    pending: Plan | None
    edges: tuple[Edge, ...]
    problems: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "project": str(self.project),
            "name": self.name,
            "version": self.version,
            "history": list(self.history),
            "pending": self.pending.as_dict() if self.pending else None,
            "edges": [edge.as_dict() for edge in self.edges],
            "problems": list(self.problems),
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def render(self) -> str:
        lines = [f"{self.name}: schema {self.version}, released {' → '.join(self.history)}"]
        for edge in self.edges:
            stubs = f", {len(edge.stubs)} stub(s) to fill" if edge.stubs else ""
            lines.append(f"  {edge.source} → {edge.target}: {edge.module}{stubs}")
            lines += _change_lines(edge.plan, "      ")
        if self.pending is not None:
            count = len(self.pending.operations)
            lines.append(
                f"stategen.yml is not released yet ({self.pending.old.version} → "
                f"{self.pending.new.version}, {count} change(s)):"
            )
            lines += _change_lines(self.pending, "      ")
        lines += [f"warning: {warning}" for warning in self.warnings]
        lines += [f"problem: {problem}" for problem in self.problems]
        lines.append("ok" if self.ok else f"{len(self.problems)} problem(s)")
        return "\n".join(lines)


def _change_lines(plan: Plan | None, pad: str) -> list[str]:
    if plan is None:
        return []
    return [
        f"{pad}{op.code} {op.classification.value:<15} {op.describe()}" for op in plan.operations
    ]


def check_project(project: Path) -> CheckReport:
    """Check the project at `project`. Raises SpecError for an invalid spec."""
    project = project.absolute()
    answers = read_answers(project)
    if not isinstance(answers.get("schema"), dict) or "package" not in answers:
        raise PreconditionError(
            f"{project} has no stategen answers ({ANSWERS_FILE} with a schema): run "
            "`stategen check` in the top directory of a project made by stategen"
        )
    layout = Layout(project, str(answers["package"]))
    spec = load_spec(layout.spec)
    problems: list[str] = []
    warnings: list[str] = []
    history = tuple(str(v) for v in answers["schema"].get("history") or ())
    version = str(answers["schema"]["version"])
    problems += _history_problems(history, version)

    pending = _pending(spec, answers, layout, problems)
    edges = tuple(_edge(layout, answers, a, b, problems, warnings) for a, b in pairwise(history))
    problems += _stray_modules(layout, history)
    warnings += _history_files(layout, answers, history, version)
    return CheckReport(
        project=project,
        name=str(answers.get("name", project.name)),
        version=version,
        history=history,
        pending=pending,
        edges=edges,
        problems=tuple(problems),
        warnings=tuple(warnings),
    )


def _history_problems(history: tuple[str, ...], version: str) -> list[str]:
    try:
        parsed = [parse_version(v) for v in history]
    except SpecError as error:
        return [f"{ANSWERS_FILE}: the schema history {list(history)} is broken: {error.reason}"]
    if not history or history[-1] != version or any(a >= b for a, b in pairwise(parsed)):
        return [
            f"{ANSWERS_FILE}: the schema history {list(history)} must increase and end "
            f"with the schema version {version}"
        ]
    return []


def _pending(
    spec: Any, answers: dict[str, Any], layout: Layout, problems: list[str]
) -> Plan | None:
    """The changes in stategen.yml since the last bump; each makes a problem to report."""
    try:
        released = release_answers(spec, answers, layout)
    except (SpecError, PreconditionError) as error:
        problems.append(str(error))
        return None
    if snapshot_of(answers) == released:
        return None
    plan = detect(read_schema(answers, layout.root / ANSWERS_FILE), Schema.from_answers(released))
    problems.append(
        "stategen.yml differs from the generated project: run `stategen bump` to release it"
        + (f" ({len(plan.operations)} schema change(s))" if plan.operations else "")
    )
    try:
        check_version(plan)
    except SpecError as error:
        problems.append(str(error.located(layout.spec)))
    return plan


def _edge(
    layout: Layout,
    answers: dict[str, Any],
    source: str,
    target: str,
    problems: list[str],
    warnings: list[str],
) -> Edge:
    path = layout.migration(source, target)
    module = layout.relative(path)
    plan = None
    try:
        old, new = layout.schema_of(source, answers), layout.schema_of(target, answers)
        if old is not None and new is not None:
            plan = detect(old, new)
    except (SnapshotError, SchemaShapeError) as error:
        warnings.append(f"cannot list the changes {source} → {target}: {error}")
    if not path.is_file():
        problems.append(
            f"missing migration {source} → {target}: {module} (the chain has a gap; restore it "
            "from git, or write it with `def migrate(data: dict[str, Any]) -> dict[str, Any]`)"
        )
        return Edge(source, target, module, exists=False, plan=plan)
    source_text = path.read_text(encoding="utf-8")
    try:
        stubs = tuple(find_stubs(source_text, module))
        if not defines_migrate(source_text):
            problems.append(f"{module} defines no migrate(data) function")
    except SyntaxError as error:
        problems.append(f"{module}:{error.lineno}: the migration does not parse: {error.msg}")
        return Edge(source, target, module, exists=True, plan=plan)
    problems += [f"migration stub not filled: {stub.describe(module)}" for stub in stubs]
    return Edge(source, target, module, exists=True, stubs=stubs, plan=plan)


def _stray_modules(layout: Layout, history: tuple[str, ...]) -> list[str]:
    """Edge modules outside the history: a fork, or a version missing from the history."""
    edges = {f"{edge_module(a, b)}.py" for a, b in pairwise(history)}
    if not layout.migrations.is_dir():
        return []
    found = sorted(p.name for p in layout.migrations.glob("v*_to_v*.py"))
    return [
        f"{layout.relative(layout.migrations / name)} is not an edge of the chain "
        f"{' → '.join(history)}: a fork or a version missing from the history"
        for name in found
        if name not in edges
    ]


def _history_files(
    layout: Layout, answers: dict[str, Any], history: tuple[str, ...], version: str
) -> list[str]:
    """Snapshots and fixtures: missing ones are warnings (the tests catch missing fixtures)."""
    warnings = []
    for old in history[:-1]:
        if not layout.snapshot(old).exists():
            warnings.append(
                f"no snapshot of schema {old} ({layout.relative(layout.snapshot(old))}): its "
                "changes cannot be listed and its fixture cannot be made again; restore it from "
                "git history"
            )
        elif not layout.fixture(old).exists():
            warnings.append(
                f"no fixture of schema {old} ({layout.relative(layout.fixture(old))}): run "
                "`stategen bump` to write it again from the snapshot"
            )
        else:
            try:
                schema = layout.schema_of(old, answers)
            except (SnapshotError, SchemaShapeError) as error:
                warnings.append(str(error))
                continue
            text = layout.fixture(old).read_text(encoding="utf-8")
            if schema is not None and text != fixture_for(schema):
                warnings.append(
                    f"{layout.relative(layout.fixture(old))} differs from the one its snapshot "
                    "gives (edited by hand?); the tests use it as it is"
                )
    try:
        current = layout.read_snapshot(version)
    except SnapshotError as error:
        return [*warnings, str(error)]
    if current is not None and current != snapshot_of(answers):
        warnings.append(
            f"{layout.relative(layout.snapshot(version))} differs from {ANSWERS_FILE}, which "
            "records what was generated; `stategen bump` writes it again"
        )
    return warnings
