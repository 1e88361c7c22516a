"""`stategen check`: is the spec released, the model generated from it, the chain whole?

It reads files only (no Copier, no import of the project's code: the model is parsed), so it
is fast enough to run on every push. A problem makes it fail; a warning is shown and does
not. The one file it may write is the answers file, to record stategen's template as its
public URL where it names a path on one machine (with a note).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..codegen.drift import model_drift
from ..errors import SpecError
from ..evolve import Plan, check_version, detect
from ..evolve.stubs import Stub, defines_migrate, find_stubs
from ..project import (
    ANSWERS_FILE,
    Project,
    SnapshotError,
    drift_problem,
    legacy_modules,
    missing_manifest_note,
    runtime_drift,
)
from ..schema import Schema, SchemaVersion
from ..schema.model import history_problem
from ..schema.version import edge_module
from ..spec import load_spec


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
    notes: tuple[str, ...] = ()

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
            "notes": list(self.notes),
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


def check(root: Path) -> CheckReport:
    """Check the project at `root`. Raises SpecError for an invalid spec or answers."""
    project = Project.open(root, "check")
    healed = project.heal_source()
    problems: list[str] = []
    warnings: list[str] = []
    released = project.schema
    history = released.history
    problem = history_problem(history, released.version)
    if problem:
        problems.append(f"{ANSWERS_FILE}: the schema history is broken: {problem}")
    pending = _pending(project, load_spec(project.layout.spec), problems)
    problems += _model_drift(project)
    runtime_note = _runtime(project, problems)
    edges = tuple(_edge(project, a, b, problems, warnings) for a, b in pairwise(history))
    problems += _stray_modules(project, history)
    warnings += project.release_files().warnings()
    return CheckReport(
        project=project.root,
        name=released.name,
        version=str(released.version),
        history=tuple(str(version) for version in history),
        pending=pending,
        edges=edges,
        problems=tuple(problems),
        warnings=tuple(warnings),
        notes=tuple(note for note in (healed, runtime_note) if note),
    )


def _runtime(project: Project, problems: list[str]) -> str | None:
    """The runtime against its manifest: a problem naming every file edited by hand, or the
    note that no manifest records it."""
    layout = project.layout
    try:
        drift = runtime_drift(layout)
    except ValueError as error:
        name = layout.relative(layout.runtime_manifest)
        problems.append(f"{name}: cannot read the runtime manifest: {error}; run `stategen update`")
        return None
    if drift is None:
        has_runtime = layout.runtime.is_dir() or legacy_modules(layout)
        return missing_manifest_note(layout) if has_runtime else None
    if drift:
        problems.append(drift_problem(layout, drift))
    return None


def _model_drift(project: Project) -> list[str]:
    """Where the model differs from the one the released schema generates, by file and line."""
    layout = project.layout
    name = layout.relative(layout.model)
    try:
        source = layout.model.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [f"{name} is missing; restore it: git checkout HEAD -- {name}"]
    except (OSError, UnicodeDecodeError) as error:
        return [f"{name}: cannot read the model: {error}"]
    try:
        differences = model_drift(source, project.schema)
    except SyntaxError as error:
        return [f"{name}:{error.lineno}: the model does not parse: {error.msg}"]
    fix = "put the change in stategen.yml and run `stategen bump`, or undo the edit in the model"
    return [
        f"{name}{'' if d.line is None else f':{d.line}'}: {d.message}; {fix}" for d in differences
    ]


def _pending(project: Project, spec: Schema, problems: list[str]) -> Plan | None:
    """The changes in stategen.yml since the last bump; each makes a problem to report."""
    try:
        release = project.release(spec)
    except SpecError as error:
        problems.append(str(error))
        return None
    if release == project.schema:
        return None
    plan = detect(project.schema, release)
    problems.append(
        "stategen.yml differs from the generated project: run `stategen bump` to release it"
        + (f" ({len(plan.operations)} schema change(s))" if plan.operations else "")
    )
    try:
        check_version(plan)
    except SpecError as error:
        problems.append(str(error.located(project.layout.spec)))
    return plan


def _edge(
    project: Project,
    source: SchemaVersion,
    target: SchemaVersion,
    problems: list[str],
    warnings: list[str],
) -> Edge:
    layout = project.layout
    path = layout.migration(source, target)
    module = layout.relative(path)
    plan = None
    try:
        old, new = project.released(source), project.released(target)
        if old is not None and new is not None:
            plan = detect(old, new)
    except SnapshotError as error:
        warnings.append(f"cannot list the changes {source} → {target}: {error}")
    edge = Edge(str(source), str(target), module, exists=path.is_file(), plan=plan)
    if not edge.exists:
        problems.append(
            f"missing migration {source} → {target}: {module} (the chain has a gap; restore it "
            "from git, or write it with `def migrate(data: dict[str, Any]) -> dict[str, Any]`)"
        )
        return edge
    text = path.read_text(encoding="utf-8")
    try:
        stubs = tuple(find_stubs(text, module))
        if not defines_migrate(text):
            problems.append(f"{module} defines no migrate(data) function")
    except SyntaxError as error:
        problems.append(f"{module}:{error.lineno}: the migration does not parse: {error.msg}")
        return edge
    problems += [f"migration stub not filled: {stub.describe(module)}" for stub in stubs]
    return dataclasses.replace(edge, stubs=stubs)


def _stray_modules(project: Project, history: tuple[SchemaVersion, ...]) -> list[str]:
    """Edge modules outside the history: a fork, or a version missing from the history."""
    layout = project.layout
    edges = {f"{edge_module(a, b)}.py" for a, b in pairwise(history)}
    if not layout.migrations.is_dir():
        return []
    found = sorted(p.name for p in layout.migrations.glob("v*_to_v*.py"))
    return [
        f"{layout.relative(layout.migrations / name)} is not an edge of the chain "
        f"{' → '.join(map(str, history))}: a fork or a version missing from the history"
        for name in found
        if name not in edges
    ]
